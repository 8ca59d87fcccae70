package mail

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sekisho/sekisho/sanitize"
)

// QuarantinedMessage describes a message quarantined whole, for the notice its LGWAN
// recipients get. Everything in it may come from the sender and is cleaned before use.
type QuarantinedMessage struct {
	ID       string           // quarantine ID
	From     string           // envelope sender ("" is the null sender)
	Subject  string           // decoded subject; "" when the header could not be read
	Reason   string           // why it was quarantined, in the report's words
	Verdict  sanitize.Verdict // quarantined or blocked
	Received time.Time
	Rcpts    []string // whom the notice goes to: the message's accepted recipients
	// Hostname names the gateway in From (postmaster@Hostname) and Message-ID.
	Hostname string
	// ReleaseContact and ReleaseURL say how to ask for the release, as in the notice
	// block of delivered mail.
	ReleaseContact string
	ReleaseURL     string
	Now            time.Time
}

// WriteQuarantineNotice writes the short message that tells the recipients of a message
// quarantined whole what was held and how to ask for it: Japanese, then English, in UTF-8.
// It goes to the recipients only, never to the Internet sender (a notice to a forged
// sender is backscatter), and says so. The caller sends it from the null sender, so it can
// never bounce back and forth.
func WriteQuarantineNotice(w io.Writer, q QuarantinedMessage) error {
	if q.Now.IsZero() {
		q.Now = time.Now()
	}
	host := cleanHost(q.Hostname)
	subject := shownText(q.Subject)
	if r := []rune(subject); len(r) > 120 {
		subject = string(r[:120]) + "…"
	}
	from := shownText(q.From)
	if from == "" {
		from = "<>"
	}
	ja, en := reasonText(sanitize.Result{Verdict: q.Verdict, Reason: q.Reason})
	contactJA, contactEN := "システム管理者", "your system administrator"
	if c := strings.TrimSpace(q.ReleaseContact); c != "" {
		contactJA, contactEN = c, c
	}
	var b strings.Builder
	fmt.Fprintf(&b, "次のメールは安全に無害化できなかったため、sekisho が保管しました。本文と添付ファイルは届いていません。\n\n")
	fmt.Fprintf(&b, "　保管番号: %s\n　差出人: %s\n", q.ID, from)
	if subject != "" {
		fmt.Fprintf(&b, "　件名: %s\n", subject)
	}
	if !q.Received.IsZero() {
		fmt.Fprintf(&b, "　受信日時: %s\n", q.Received.In(jst).Format("2006年1月2日 15時04分"))
	}
	fmt.Fprintf(&b, "　理由: %s\n\n", ja)
	if q.ReleaseURL != "" {
		fmt.Fprintf(&b, "受け取りを希望する場合は、次のページから解除を申請してください。\n%s\n", q.ReleaseURL)
	} else {
		fmt.Fprintf(&b, "受け取りを希望する場合は、%sに保管番号をお伝えください。\n", contactJA)
	}
	b.WriteString("このお知らせは自動で送信されています。差出人には知らせていません。\n\n")
	fmt.Fprintf(&b, "The message below could not be made safe and was held by sekisho. Neither its text nor its attachments were delivered.\n\n")
	fmt.Fprintf(&b, "  Quarantine ID: %s\n  From: %s\n", q.ID, from)
	if subject != "" {
		fmt.Fprintf(&b, "  Subject: %s\n", subject)
	}
	if !q.Received.IsZero() {
		fmt.Fprintf(&b, "  Received: %s\n", q.Received.Format(time.RFC1123Z))
	}
	fmt.Fprintf(&b, "  Reason: %s\n\n", en)
	if q.ReleaseURL != "" {
		fmt.Fprintf(&b, "To receive it, ask for its release at %s\n", q.ReleaseURL)
	} else {
		fmt.Fprintf(&b, "To receive it, give the quarantine ID to %s.\n", contactEN)
	}
	b.WriteString("This notice was sent automatically; the sender was not told.\n")

	subj := "[sekisho] メールを保管しました / A message was held"
	if subject != "" {
		subj += ": " + subject
	}
	sum := sha256.Sum256([]byte(q.ID + "\x00" + strings.Join(q.Rcpts, ",")))
	var h strings.Builder
	fmt.Fprintf(&h, "From: sekisho <postmaster@%s>\r\n", host)
	fmt.Fprintf(&h, "To: %s\r\n", strings.Join(quotedRcpts(q.Rcpts), ",\r\n "))
	fmt.Fprintf(&h, "Subject: %s\r\n", encodeUTF8Words(subj))
	fmt.Fprintf(&h, "Date: %s\r\n", q.Now.Format(time.RFC1123Z))
	fmt.Fprintf(&h, "Message-ID: <%s.held.%s@%s>\r\n", headerToken(q.ID), hex.EncodeToString(sum[:6]), host)
	// RFC 3834: an automatic message, so that auto-responders leave it alone.
	h.WriteString("Auto-Submitted: auto-generated\r\n")
	fmt.Fprintf(&h, "X-Sekisho-Quarantined: %s\r\n", headerToken(q.ID))
	h.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	if _, err := io.WriteString(w, h.String()); err != nil {
		return err
	}
	return writeEncoded(w, "base64", []byte(b.String()))
}

// shownText makes sender text one line that shows what it hides: line breaks and tabs
// become spaces, other controls and invisible format characters visible markers.
func shownText(s string) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\r' || r == '\n' || r == '\t' }), " ")
	return visibleName(s)
}

// jst is the time zone the Japanese half speaks in.
var jst = time.FixedZone("JST", 9*60*60)

// cleanHost keeps a host name to the characters a header allows there.
func cleanHost(h string) string {
	h = strings.Map(func(r rune) rune {
		if r == '.' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return -1
	}, h)
	if h == "" {
		return "sekisho"
	}
	return h
}

// headerToken keeps an ID to letters, digits and "-".
func headerToken(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return -1
	}, s)
}

// quotedRcpts writes envelope recipients as header addresses; one that would not be a
// plain mailbox is dropped from the header (the envelope still carries it).
func quotedRcpts(rcpts []string) []string {
	var out []string
	for _, r := range rcpts {
		if list, err := parseAddressList(r); err == nil && len(list) == 1 && !list[0].group && isASCII([]byte(list[0].addr)) && !hasControl(r) {
			out = append(out, "<"+list[0].addr+">")
		}
	}
	if len(out) == 0 {
		return []string{"undisclosed-recipients:;"}
	}
	return out
}
