package delivery

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/textproto"
	"strings"
	"time"

	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/sanitize/mail"
)

// release is what the messages for one released item are made of.
type release struct {
	hostname string
	rec      quarantine.Record
	h        quarantine.Handoff
	when     time.Time
}

// releasedHeader marks a released original; it is the only X-Sekisho-* field it carries.
func (r release) releasedHeader() string {
	return fmt.Sprintf("X-Sekisho-Released: %s; by operator %s; %s\r\n", r.rec.ID, headerSafe(string(r.h.Actor)), r.when.Format(time.RFC1123Z))
}

// maxHeaderLine bounds one physical header line of a released original; a longer line is
// cut there (it was accepted, and its end stays with the body).
const maxHeaderLine = 64 << 10

// writeMessage writes the original with X-Sekisho-Released in front and every
// X-Sekisho-* field of the original's header dropped: a recipient (or a filter on the
// LGWAN side) must not read a status the sender wrote as sekisho's. The body is copied
// unchanged.
func (r release) writeMessage(w io.Writer, original io.Reader) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	if _, err := bw.WriteString(r.releasedHeader()); err != nil {
		return err
	}
	br := bufio.NewReaderSize(original, maxHeaderLine)
	drop := false
	for {
		line, err := br.ReadSlice('\n')
		if err != nil && err != bufio.ErrBufferFull && err != io.EOF {
			return err
		}
		if len(line) == 0 && err == io.EOF {
			break
		}
		switch {
		case bytes.Equal(line, []byte("\r\n")) || bytes.Equal(line, []byte("\n")):
			// End of the header: the rest is the body, copied as it is.
			if _, err := bw.Write(line); err != nil {
				return err
			}
			if _, err := io.Copy(bw, br); err != nil {
				return err
			}
			return bw.Flush()
		case line[0] == ' ' || line[0] == '\t':
			// A folded continuation belongs to the field before it.
		default:
			name, _, _ := bytes.Cut(line, []byte(":"))
			drop = len(name) >= len("x-sekisho-") && strings.EqualFold(string(name[:len("x-sekisho-")]), "x-sekisho-")
		}
		if !drop {
			if _, err := bw.Write(line); err != nil {
				return err
			}
		}
		if err == io.EOF {
			break
		}
	}
	return bw.Flush()
}

// noticeText is the Japanese, then English, text that says what was released, by whom and
// when.
func (r release) noticeText(what, whatEN string) string {
	rec := r.rec
	subject, from := oneLine(rec.Subject), oneLine(rec.MailFrom)
	var b strings.Builder
	fmt.Fprintf(&b, "%sは、安全に処理できなかったため隔離されていましたが、\n", what)
	fmt.Fprintf(&b, "%s に運用担当者 (%s) が確認のうえ隔離を解除しました。\n", r.when.Format("2006-01-02 15:04 MST"), oneLine(string(r.h.Actor)))
	fmt.Fprintf(&b, "  隔離ID: %s\n  差出人: %s\n  件名: %s\n", rec.ID, from, subject)
	if rec.FileName != "" {
		fmt.Fprintf(&b, "  ファイル名: %s\n", oneLine(rec.FileName))
	}
	fmt.Fprintf(&b, "  受信日時: %s\n  隔離理由: %s\n\n", rec.Time.Local().Format("2006-01-02 15:04 MST"), oneLine(rec.Reason))
	b.WriteString("解除された原本は無害化されていません。心当たりのない場合は開かずに運用担当者へ連絡してください。\n\n")
	fmt.Fprintf(&b, "%s was held in quarantine because it could not be processed safely.\n", whatEN)
	fmt.Fprintf(&b, "An operator (%s) checked it and released it at %s.\n", oneLine(string(r.h.Actor)), r.when.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "  Quarantine ID: %s\n  From: %s\n  Subject: %s\n", rec.ID, from, subject)
	if rec.FileName != "" {
		fmt.Fprintf(&b, "  File: %s\n", oneLine(rec.FileName))
	}
	fmt.Fprintf(&b, "  Received: %s\n  Reason held: %s\n\n", rec.Time.Format(time.RFC1123Z), oneLine(rec.Reason))
	b.WriteString("The released original has not been sanitized. If you do not expect it, do not open it and contact the operators.\n")
	return strings.ReplaceAll(b.String(), "\n", "\r\n")
}

// writeHeader writes the header of a message sekisho itself sends about a release.
func (r release) writeHeader(w io.Writer, subject, ctype, suffix string) error {
	_, err := fmt.Fprintf(w, "From: sekisho <postmaster@%s>\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s.%s@%s>\r\nAuto-Submitted: auto-generated\r\n%sMIME-Version: 1.0\r\nContent-Type: %s\r\n",
		r.hostname, strings.Join(wrapAddrs(r.h.Rcpts), ", "), mime.BEncoding.Encode("utf-8", subject),
		r.when.Format(time.RFC1123Z), r.rec.ID, suffix, r.hostname, r.releasedHeader(), ctype)
	return err
}

// writeNotice writes the short notice that goes before a released whole message.
func (r release) writeNotice(w io.Writer) error {
	subj := "隔離解除のお知らせ / Released from quarantine: " + oneLine(r.rec.Subject)
	if err := r.writeHeader(w, subj, "text/plain; charset=utf-8", "notice"); err != nil {
		return err
	}
	if _, err := io.WriteString(w, "Content-Transfer-Encoding: quoted-printable\r\n\r\n"); err != nil {
		return err
	}
	qp := quotedprintable.NewWriter(w)
	if _, err := io.WriteString(qp, r.noticeText("次のメール", "The following message")); err != nil {
		return err
	}
	return qp.Close()
}

// writeAttachment writes a new message with the notice and the released attachment.
func (r release) writeAttachment(w io.Writer, body io.Reader) error {
	mw := multipart.NewWriter(w)
	name := r.rec.FileName
	if name == "" {
		name = "attachment.bin"
	}
	subj := "隔離解除された添付ファイル / Released attachment: " + oneLine(name)
	if err := r.writeHeader(w, subj, fmt.Sprintf("multipart/mixed; boundary=%q", mw.Boundary()), "release"); err != nil {
		return err
	}
	if _, err := io.WriteString(w, "\r\n"); err != nil {
		return err
	}
	tp, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"}, "Content-Transfer-Encoding": {"quoted-printable"}})
	if err != nil {
		return err
	}
	qp := quotedprintable.NewWriter(tp)
	if _, err := io.WriteString(qp, r.noticeText("添付ファイル "+oneLine(name)+" ", "The attachment "+oneLine(name))); err != nil {
		return err
	}
	if err := qp.Close(); err != nil {
		return err
	}
	// The declared type is the sender's text: it goes into a header only as reformatted
	// from its parsed form.
	ct := "application/octet-stream"
	if mt, params, err := mime.ParseMediaType(r.rec.DeclaredType); err == nil {
		delete(params, "name")
		if f := mime.FormatMediaType(mt, params); f != "" {
			ct = f
		}
	}
	disp := mime.FormatMediaType("attachment", map[string]string{"filename": name})
	ap, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {ct}, "Content-Disposition": {disp}, "Content-Transfer-Encoding": {"base64"}})
	if err != nil {
		return err
	}
	if _, err := mail.WriteBase64(ap, body); err != nil {
		return err
	}
	return mw.Close()
}

func headerSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

func wrapAddrs(as []string) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = "<" + a + ">"
	}
	return out
}
