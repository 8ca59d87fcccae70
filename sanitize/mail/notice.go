package mail

import (
	"fmt"
	"strings"
	"text/template"
)

// entry is one line of the notice: an attachment or a body conversion.
type entry struct {
	Name     string // declared (decoded) file name, or what the part was
	Type     string // detected type
	ActionJA string // what was done, in Japanese
	ActionEN string
	Reason   string // why, in the words of the sanitizer that decided
	QID      string // quarantine ID, when the original was held
	original bool   // the entry is the whole original message, held
}

// noticeData is what the notice templates see.
type noticeData struct {
	Entries []entry
}

// The notice sits between two fixed marker lines (not part of the templates) so that a
// later pass recognizes its own notice and does not duplicate or re-report it. Only
// characters inside JIS X 0208 are used, so an ISO-2022-JP message can carry it.
const (
	noticeBegin = "━━━━ sekisho 無害化のお知らせ / Sanitization notice ━━━━"
	noticeEnd   = "━━━━ sekisho ━━━━"
)

const defaultNoticeJA = `このメールは sekisho により無害化されました。次の処理を行いました。
{{range .Entries}}・{{.Name}} [{{.Type}}]: {{.ActionJA}}{{if .Reason}} (理由: {{.Reason}}){{end}}
{{end}}`

const defaultNoticeEN = `This message was sanitized by sekisho. What was done:
{{range .Entries}}- {{.Name}} [{{.Type}}]: {{.ActionEN}}{{if .Reason}} (reason: {{.Reason}}){{end}}
{{end}}`

type noticeTemplate = *template.Template

func parseNoticeTemplates(ja, en string) (noticeTemplate, noticeTemplate, error) {
	if ja == "" {
		ja = defaultNoticeJA
	}
	if en == "" {
		en = defaultNoticeEN
	}
	tj, err := template.New("notice_ja").Parse(ja)
	if err != nil {
		return nil, nil, err
	}
	te, err := template.New("notice_en").Parse(en)
	if err != nil {
		return nil, nil, err
	}
	return tj, te, nil
}

// notice renders the block, or "" when there is nothing a recipient needs to know (every
// part was delivered unchanged).
func (s *Sanitizer) notice(entries []entry) (string, error) {
	tell := false
	for _, e := range entries {
		if e.ActionEN != "no active content found" {
			tell = true
		}
	}
	if !tell {
		return "", nil
	}
	if s.tmplErr != nil {
		return "", fmt.Errorf("notice template: %w", s.tmplErr)
	}
	d := noticeData{Entries: entries}
	var b strings.Builder
	b.WriteString(noticeBegin + "\n")
	if err := s.tmplJA.Execute(&b, d); err != nil {
		return "", fmt.Errorf("notice template: %w", err)
	}
	if !strings.HasSuffix(b.String(), "\n") {
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	if err := s.tmplEN.Execute(&b, d); err != nil {
		return "", fmt.Errorf("notice template: %w", err)
	}
	if !strings.HasSuffix(b.String(), "\n") {
		b.WriteByte('\n')
	}
	b.WriteString(noticeEnd + "\n")
	out, _ := normalizeText(b.String())
	return out, nil
}

// stripNotice removes earlier notice blocks (ours, or forged ones that imitate it) from a
// body that gets a new one.
func stripNotice(text string) string {
	for {
		i := strings.Index(text, noticeBegin+"\n")
		if i < 0 || (i > 0 && text[i-1] != '\n') {
			return text
		}
		rest := text[i:]
		k := strings.Index(rest, "\n"+noticeEnd+"\n")
		if k < 0 {
			return text
		}
		end := i + k + len("\n"+noticeEnd+"\n")
		// The blank line that separated the notice from the body goes with it.
		if strings.HasPrefix(text[end:], "\n") {
			end++
		} else if i > 0 && strings.HasSuffix(text[:i], "\n\n") {
			i--
		}
		text = text[:i] + text[end:]
	}
}

// placeNotice puts the notice at the top or the bottom of the body.
func placeNotice(body, notice, pos string) string {
	if notice == "" {
		return body
	}
	body = stripNotice(body)
	if body == "" {
		return notice
	}
	if pos == "bottom" {
		if !strings.HasSuffix(body, "\n") {
			body += "\n"
		}
		return body + "\n" + notice
	}
	return notice + "\n" + body
}
