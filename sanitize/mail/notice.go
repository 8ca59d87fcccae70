package mail

import (
	"fmt"
	"io"
	"strings"
	"text/template"
)

// entry is one line of the notice: an attachment, a body conversion, or the original
// message when it was held. The fields are what custom templates see.
type entry struct {
	Name     string // the file name as shown (invisible characters marked), or what the part was
	NameJA   string // Name, or the Japanese words for a part without a file name
	NameEN   string
	Type     string // detected type, as the report names it (pdf, docm)
	TypeJA   string // the type in Japanese words; "" for a line about the body
	TypeEN   string // Type; "" for a line about the body
	ActionJA string // what was done
	ActionEN string
	ReasonJA string // why, in words (never a report code or a part path)
	ReasonEN string
	Reason   string // why, in the words of the sanitizer that decided (the report's reason)
	QID      string // quarantine ID when the original is held
	// Held says the original is kept (QID is empty in an offline run without a store).
	Held bool
	// ReleaseURL is where the recipient asks for the release of a held item (Options.ReleaseURL).
	ReleaseURL string
	// PPAPURL is where the recipient types the password of a held encrypted zip or PDF to
	// get its contents sanitized (Options.PPAPURL).
	PPAPURL string
	// Parts are the entries of an archive that were removed or held, and More how many
	// more there were than are listed.
	Parts []partEntry
	More  int

	quiet    bool // delivered unchanged: no notice for this line alone
	original bool // the whole original message
}

// partEntry is one file inside an attachment (an archive entry) that did not come through.
type partEntry struct {
	Name               string
	ActionJA, ActionEN string
	ReasonJA, ReasonEN string
}

// noticeData is what the notice templates see.
type noticeData struct {
	Entries []entry
	// ContactJA and ContactEN say whom to ask for a release: Options.ReleaseContact, or
	// words for the system administrator.
	ContactJA, ContactEN string
}

// The notice sits between two fixed marker lines (not part of the templates) so that a
// later pass recognizes its own notice and does not duplicate or re-report it. Only
// characters inside JIS X 0208 are used, so an ISO-2022-JP message can carry it.
const (
	noticeBegin = "━━━━ sekisho 無害化のお知らせ / Sanitization notice ━━━━"
	noticeEnd   = "━━━━ sekisho ━━━━"
)

const defaultNoticeJA = `このメールは sekisho により無害化されました。次の処理を行いました。
{{range .Entries}}・{{.NameJA}}{{if .TypeJA}}（{{.TypeJA}}）{{end}}: {{.ActionJA}}{{if .ReasonJA}}。理由: {{.ReasonJA}}{{end}}
{{range .Parts}}　　- {{.Name}}: {{.ActionJA}}。理由: {{.ReasonJA}}
{{end}}{{if .More}}　　- ほか {{.More}} 件
{{end}}{{if .Held}}　　{{if .QID}}保管番号 {{.QID}}。{{end}}{{if .ReleaseURL}}解除の申請: {{.ReleaseURL}}{{else}}受け取りを希望する場合は、{{$.ContactJA}}に{{if .QID}}保管番号{{else}}このお知らせ{{end}}をお伝えください。{{end}}
{{end}}{{if .PPAPURL}}　　パスワードが分かる場合は、次のページで入力すると中身を無害化してお届けします: {{.PPAPURL}}
{{end}}{{end}}`

const defaultNoticeEN = `This message was sanitized by sekisho. What was done:
{{range .Entries}}- {{.NameEN}}{{if .TypeEN}} ({{.TypeEN}}){{end}}: {{.ActionEN}}{{if .ReasonEN}}: {{.ReasonEN}}{{end}}
{{range .Parts}}    - {{.Name}}: {{.ActionEN}}: {{.ReasonEN}}
{{end}}{{if .More}}    - and {{.More}} more
{{end}}{{if .Held}}    {{if .QID}}Held as {{.QID}}. {{end}}{{if .ReleaseURL}}Ask for its release at {{.ReleaseURL}}{{else}}To receive it, give {{if .QID}}this ID{{else}}this notice{{end}} to {{$.ContactEN}}.{{end}}
{{end}}{{if .PPAPURL}}    If you know its password, type it at {{.PPAPURL}} to receive the contents sanitized.
{{end}}{{end}}`

type noticeTemplate = *template.Template

func parseNoticeTemplates(ja, en string) (noticeTemplate, noticeTemplate, error) {
	tj, err := parseNotice("notice_ja", ja, defaultNoticeJA)
	if err != nil {
		return nil, nil, err
	}
	te, err := parseNotice("notice_en", en, defaultNoticeEN)
	if err != nil {
		return nil, nil, err
	}
	return tj, te, nil
}

// parseNotice parses a notice template ("" is def) and renders it once with a sample of
// every kind of line, so that a template naming a field that does not exist is refused
// when it is configured instead of failing every message.
func parseNotice(name, src, def string) (noticeTemplate, error) {
	if src == "" {
		src = def
	}
	t, err := template.New(name).Parse(src)
	if err != nil {
		return nil, err
	}
	if err := t.Execute(io.Discard, sampleNotice); err != nil {
		return nil, err
	}
	return t, nil
}

// sampleNotice has one line of each kind: a sanitized archive with a removed entry, a
// held file with its ID and release page, a held encrypted zip with its password page, a
// body conversion.
var sampleNotice = noticeData{ContactJA: "システム管理者", ContactEN: "your system administrator", Entries: []entry{
	{Name: "a.zip", NameJA: "a.zip", NameEN: "a.zip", Type: "zip", TypeJA: "圧縮ファイル", TypeEN: "zip",
		ActionJA: "中のファイル 1 件を削除しました", ActionEN: "1 files inside removed", Reason: "blocked",
		Parts: []partEntry{{Name: "a.exe", ActionJA: "削除しました", ActionEN: "removed", ReasonJA: "実行できる形式の名前が付いています", ReasonEN: "the file name is that of a program or script"}}},
	{Name: "b.doc", NameJA: "b.doc", NameEN: "b.doc", Type: "doc", TypeJA: "旧形式の Office 文書", TypeEN: "doc",
		ActionJA: "保管しました", ActionEN: "held in quarantine", ReasonJA: "この形式は安全に無害化できません", ReasonEN: "this type cannot be made safe",
		Reason: "unsupported", QID: "Q20260101-0123456789AB", Held: true, ReleaseURL: "https://portal.example/release/Q20260101-0123456789AB", More: 1},
	{Name: "c.zip", NameJA: "c.zip", NameEN: "c.zip", Type: "zip", TypeJA: "圧縮ファイル", TypeEN: "zip",
		ActionJA: "保管しました", ActionEN: "held in quarantine", ReasonJA: "暗号化 (パスワード保護) されていて内容を確認できません", ReasonEN: "it is encrypted and cannot be checked",
		Reason: "encrypted archive", QID: "Q20260101-0123456789AC", Held: true, PPAPURL: "https://portal.example/ppap/Q20260101-0123456789AC"},
	{Name: "本文 (HTML) / body (HTML)", NameJA: "本文 (HTML)", NameEN: "body (HTML)", Type: "text/html", ActionJA: "テキストに変換しました", ActionEN: "converted to text"},
}}

// CheckNoticeTemplates reports, for configuration checks, whether the Japanese and the
// English notice templates parse and render.
func CheckNoticeTemplates(ja, en string) (errJA, errEN error) {
	_, errJA = parseNotice("notice_ja", ja, defaultNoticeJA)
	_, errEN = parseNotice("notice_en", en, defaultNoticeEN)
	return errJA, errEN
}

// maxParts bounds the archive entries listed under one attachment.
const maxNoticeParts = 20

// notice renders the block, or "" when there is nothing a recipient needs to know (every
// part was delivered unchanged).
func (s *Sanitizer) notice(entries []entry) (string, error) {
	tell := false
	for _, e := range entries {
		tell = tell || !e.quiet
	}
	if !tell {
		return "", nil
	}
	if s.tmplErr != nil {
		return "", fmt.Errorf("notice template: %w", s.tmplErr)
	}
	d := noticeData{Entries: entries, ContactJA: "システム管理者", ContactEN: "your system administrator"}
	if c := strings.TrimSpace(s.o.ReleaseContact); c != "" {
		d.ContactJA, d.ContactEN = c, c
	}
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
