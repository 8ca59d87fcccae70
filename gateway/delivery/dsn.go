package delivery

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"github.com/sekisho/sekisho/gateway/queue"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/textproto"
	"regexp"
	"strings"
	"time"
)

// buildDSN writes an RFC 3464 delivery status notification for the failed recipients of
// env: a multipart/report with a Japanese-then-English explanation, the machine-readable
// message/delivery-status and the headers (only) of the undelivered message.
func buildDSN(w io.Writer, hostname, dsnID string, env queue.Envelope, failed []queue.RcptError, headers []byte, now time.Time) error {
	boundary := "=_sekisho_" + dsnID
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: Mail Delivery System <MAILER-DAEMON@%s>\r\n", hostname)
	fmt.Fprintf(&b, "To: <%s>\r\n", env.From)
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.BEncoding.Encode("utf-8", "配信不能のお知らせ / Undelivered Mail Returned to Sender"))
	fmt.Fprintf(&b, "Date: %s\r\n", now.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", dsnID, hostname)
	fmt.Fprintf(&b, "Auto-Submitted: auto-replied\r\n")
	fmt.Fprintf(&b, "MIME-Version: 1.0\r\n")
	fmt.Fprintf(&b, "Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"%s\"\r\n\r\n", boundary)
	b.WriteString("This is a MIME-encapsulated message.\r\n\r\n")

	fmt.Fprintf(&b, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", boundary)
	var text strings.Builder
	fmt.Fprintf(&text, "%s のメールゲートウェイ (sekisho) から自動送信しています。\n\n", hostname)
	fmt.Fprintf(&text, "%s に受け付けたメール (キューID %s) を、次の宛先に配信できませんでした。\n\n", env.Received.Format("2006-01-02 15:04:05 MST"), env.ID)
	for _, f := range failed {
		fmt.Fprintf(&text, "  <%s>: %s\n", f.Rcpt, f.Msg)
	}
	text.WriteString("\nThis is the mail gateway (sekisho) at " + hostname + ".\n\n")
	fmt.Fprintf(&text, "The message accepted at %s (queue ID %s) could not be delivered to:\n\n", env.Received.Format(time.RFC1123Z), env.ID)
	for _, f := range failed {
		fmt.Fprintf(&text, "  <%s>: %s\n", f.Rcpt, f.Msg)
	}
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(strings.ReplaceAll(text.String(), "\n", "\r\n")))
	qp.Close()
	b.WriteString("\r\n")

	fmt.Fprintf(&b, "--%s\r\nContent-Type: message/delivery-status\r\n\r\n", boundary)
	fmt.Fprintf(&b, "Reporting-MTA: dns; %s\r\nX-Sekisho-Queue-ID: %s\r\nArrival-Date: %s\r\n", hostname, env.ID, env.Received.Format(time.RFC1123Z))
	for _, f := range failed {
		fmt.Fprintf(&b, "\r\nFinal-Recipient: rfc822; %s\r\nAction: failed\r\nStatus: %s\r\n", f.Rcpt, dsnStatus(f))
		if f.Reply != "" {
			fmt.Fprintf(&b, "Diagnostic-Code: smtp; %s\r\n", oneLine(f.Reply))
		}
	}
	b.WriteString("\r\n")
	fmt.Fprintf(&b, "--%s\r\nContent-Type: text/rfc822-headers\r\n\r\n", boundary)
	b.Write(headers)
	fmt.Fprintf(&b, "\r\n--%s--\r\n", boundary)
	_, err := w.Write(b.Bytes())
	return err
}

// enhancedStatus is an RFC 3463 status code: class.subject.detail.
var enhancedStatus = regexp.MustCompile(`^[245]\.[0-9]{1,3}\.[0-9]{1,3}$`)

// dsnStatus is the Status of one failed recipient: the one recorded (the next hop's
// enhanced code, or 4.4.7 for an expired message) when it is well-formed and of the reply's
// class, otherwise the reply's class with no detail (5.0.0). A 4xx without a status is an
// expiry recorded before statuses were kept.
func dsnStatus(f queue.RcptError) string {
	class := f.Code / 100
	if enhancedStatus.MatchString(f.Status) && (class < 4 || class > 5 || int(f.Status[0]-'0') == class) {
		return f.Status
	}
	if class == 4 {
		return "4.4.7"
	}
	return "5.0.0"
}

func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, s)
	if len(s) > 400 {
		s = s[:400]
	}
	return s
}

// readHeaders returns the header block of a message (bounded), for text/rfc822-headers.
func readHeaders(r io.Reader) []byte {
	tr := textproto.NewReader(bufio.NewReader(io.LimitReader(r, 256<<10)))
	var b bytes.Buffer
	for {
		line, err := tr.ReadContinuedLineBytes()
		if err != nil || len(line) == 0 {
			break
		}
		b.Write(line)
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

func shortHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:4])
}
