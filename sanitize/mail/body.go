package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/mailto"
)

// bodyT is one converted body segment, not yet added to the message.
type bodyT struct {
	text    string
	path    string
	actions []sanitize.Action
	entries []entry
	charset string // the source charset
}

// readBody decodes a body part into memory, capped: text bodies are what the notice and
// the conversions work on.
func (j *job) readBody(p *part) ([]byte, error) {
	var notes textNotes
	dec, err := j.w.decoder(p, &notes)
	if errors.Is(err, errUnknownCTE) && strings.HasPrefix(p.ctype.value, "text/") {
		// Every reader that shows this text at all shows its bytes as they stand (RFC 2045
		// §6.4 would make it an opaque file; the text is inert either way).
		notes.add("unknown transfer encoding %q: text read as it stands", clip([]byte(p.cte)))
		dec, err = io.NewSectionReader(j.w.blob, p.start, p.size()), nil
	}
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	limit := min(int64(maxBodyText), j.w.b.Limits().MaxFileSize)
	if _, err := buf.ReadFrom(j.w.b.Expand(&ctxReader{ctx: j.ctx, r: dec}, limit)); err != nil {
		return nil, err
	}
	j.w.notes(p, "body", notes)
	return buf.Bytes(), nil
}

// bodyText decodes and converts a text/plain or text/html body part. A part whose
// content is not text (a text/plain that is really an executable) is sent through the
// engine as a file instead and an empty segment is returned.
func (j *job) bodyText(p *part) (bodyT, error) {
	if p.withheld {
		j.nBody++
		t := bodyT{path: j.bodyPath("plain"), charset: "us-ascii"}
		t.actions = append(t.actions, sanitize.Action{Kind: sanitize.ActRemovedPart, Path: t.path,
			Detail: "text that other mail programs decode into files removed (the original is held)"})
		t.text = withheldText
		return t, nil
	}
	raw, err := j.readBody(p)
	if errors.Is(err, errUnknownCTE) {
		return bodyT{}, j.opaque(p, err.Error())
	}
	if err != nil {
		return bodyT{}, err
	}
	j.nBody++
	kind := "plain"
	if p.ctype.value == "text/html" {
		kind = "html"
	}
	t := bodyT{path: j.bodyPath(kind)}
	if det := sanitize.Detect(bytes.NewReader(raw)); !textLike(det, raw, p.ctype.params["charset"]) {
		j.res.Add(sanitize.ActTypeMismatch, t.path, fmt.Sprintf("declared %s, content is %s", p.ctype.value, det.Name))
		return bodyT{}, j.sendInner(bytes.NewReader(raw), p.name, p.ctype.value, p.names...)
	}
	s, st, err := toUTF8(raw, p.ctype.params["charset"])
	if errors.Is(err, sanitize.ErrUnsupported) {
		// Text whose charset cannot be told is not shown as text: it goes to the engine as
		// a file, which decides (the text family refuses it too, so it is quarantined),
		// and the rest of the message is still delivered.
		j.res.Add(sanitize.ActRemovedPart, t.path, "body text in an undeterminable charset handled as a file: "+err.Error())
		return bodyT{}, j.sendInner(bytes.NewReader(raw), p.name, p.ctype.value, p.names...)
	}
	if err != nil {
		return bodyT{}, fmt.Errorf("%s: %w", t.path, err)
	}
	t.charset = st.charset
	declared := normCharset(p.ctype.params["charset"])
	switch {
	case st.charset == "us-ascii" || st.charset == "utf-8" && (declared == "utf-8" || kind == "html"):
	case st.charset == j.s.o.OutputCharset && declared == st.charset:
	case declared == "" || declared == "us-ascii":
		t.actions = append(t.actions, sanitize.Action{Kind: sanitize.ActNormalizedCharset, Path: t.path, Detail: "undeclared 8-bit text read as " + st.charset})
	default:
		t.actions = append(t.actions, sanitize.Action{Kind: sanitize.ActNormalizedCharset, Path: t.path, Detail: st.charset + " to utf-8"})
	}
	if st.unmappable > 0 {
		t.actions = append(t.actions, sanitize.Action{Kind: sanitize.ActReplacedUnmappable, Path: t.path, Detail: fmt.Sprintf("%d characters marked 〓", st.unmappable)})
	}
	if st.controls > 0 {
		t.actions = append(t.actions, sanitize.Action{Kind: sanitize.ActRemovedControlChars, Path: t.path, Detail: fmt.Sprintf("%d control characters (NUL and others) removed", st.controls)})
	}
	if kind == "html" {
		var out strings.Builder
		if err := htmlToText(&out, strings.NewReader(s), j.s.o.DefangLinks); err != nil {
			return bodyT{}, fmt.Errorf("%s: %w", t.path, err)
		}
		s = out.String()
		t.actions = append(t.actions, sanitize.Action{Kind: sanitize.ActConvertedToText, Path: t.path, Detail: "HTML converted to text"})
		t.entries = append(t.entries, bodyEntry("本文 (HTML)", "body (HTML)", "text/html", "テキストに変換しました", "converted to text"))
	}
	if s, err = j.extractEmbedded(t.path, s); err != nil {
		return bodyT{}, err
	}
	t.text = s
	return t, nil
}

// withheldText replaces a text part that carries files in MIME form.
const withheldText = "[この部分は、他のメールソフトでは添付ファイルとして読まれる形式の文字列のため、削除しました。元のメッセージは保管されています。]\n" +
	"[This part was removed: other mail programs read it as attached files. The original message is kept.]\n"

// textLike reports whether a declared text part's content really is text. Binary content
// the detector cannot name is text only if it has no NUL (UTF-16 is declared).
func textLike(t sanitize.Type, raw []byte, cs string) bool {
	switch t.Class {
	case sanitize.ClassText:
		return true
	case sanitize.ClassUnknown:
		if t.Name == "empty" {
			return true
		}
		// A few NUL bytes in text are an evasion (readers stop at them), repaired by removing
		// them; many are binary data.
		return bytes.Count(raw, []byte{0}) <= max(1, len(raw)/1000) || strings.HasPrefix(normCharset(cs), "utf-16")
	}
	return false
}

// addText takes a converted segment into the message: embedded uuencode and BinHex
// blocks are cut out and handled as files first.
func (j *job) addText(t bodyT) {
	if t.path == "" {
		return
	}
	if s, n := stripMailtoFields(t.text); n > 0 {
		t.text = s
		t.actions = append(t.actions, sanitize.Action{Kind: sanitize.ActRemovedLink, Path: t.path,
			Detail: fmt.Sprintf("%d mailto: links asked a mail program for more than recipients, subject and body (such as a file to attach): those fields removed, the addresses kept", n)})
	}
	j.res.Actions = append(j.res.Actions, t.actions...)
	j.entries = append(j.entries, t.entries...)
	j.texts = append(j.texts, t.text)
	j.charsets = append(j.charsets, t.charset)
}

// convertText turns an inline calendar, vCard, enriched text or delivery report into
// readable text.
func (j *job) convertText(p *part, kind string) error {
	raw, err := j.readBody(p)
	if errors.Is(err, errUnknownCTE) {
		return j.opaque(p, err.Error())
	}
	if err != nil {
		return err
	}
	j.nBody++
	t := bodyT{path: j.bodyPath(kind)}
	s, st, err := toUTF8(raw, p.ctype.params["charset"])
	if errors.Is(err, sanitize.ErrUnsupported) {
		j.res.Add(sanitize.ActRemovedPart, t.path, "text in an undeterminable charset handled as a file: "+err.Error())
		return j.sendInner(bytes.NewReader(raw), p.name, p.ctype.value, p.names...)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", t.path, err)
	}
	if st.unmappable > 0 {
		t.actions = append(t.actions, sanitize.Action{Kind: sanitize.ActReplacedUnmappable, Path: t.path, Detail: fmt.Sprintf("%d characters marked 〓", st.unmappable)})
	}
	var ja, en string
	switch kind {
	case "calendar":
		s = calendarText(s)
		ja, en = "予定表", "calendar"
	case "vcard":
		s = vcardText(s)
		ja, en = "連絡先", "contact card"
	case "enriched":
		s = enrichedText(s)
		ja, en = "書式付きテキスト", "enriched text"
	default:
		s = decodeReportLines(s)
		ja, en = "配送レポート", "delivery report"
		if strings.Contains(p.ctype.value, "headers") {
			ja, en = "返送されたメールのヘッダー", "returned message headers"
		}
	}
	t.text = s
	t.actions = append(t.actions, sanitize.Action{Kind: sanitize.ActConvertedToText, Path: t.path, Detail: en + " converted to text"})
	t.entries = append(t.entries, bodyEntry(ja, en, p.ctype.value, "テキストに変換しました", "converted to text"))
	j.addText(t)
	return nil
}

// ctxReader stops a copy when the context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// decodeReportLines decodes the encoded-words of returned headers in a delivery report so
// that the recipient can read the subject of the message that bounced.
func decodeReportLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.Contains(l, "=?") {
			d, _ := decodeWords(l)
			lines[i], _ = cleanControls(d)
		}
	}
	return strings.Join(lines, "\n")
}

// stripMailtoFields takes out of text the fields of mailto: links that package mailto
// refuses (attach= and the like): mail programs turn a mailto: in plain text into a link,
// so a body's own text could otherwise ask the reader's client to attach a file. A link
// runs as far as a linkifier could take it, to the next space, control, quote or angle
// bracket, so that no field is left behind the part judged. It returns the text and the
// number of links changed.
func stripMailtoFields(text string) (string, int) {
	const scheme = "mailto:"
	var b strings.Builder
	n, done := 0, 0
	for i := 0; i+len(scheme) <= len(text); {
		k := indexFold(text[i:], scheme)
		if k < 0 {
			break
		}
		start := i + k
		end := start + len(scheme)
		for end < len(text) {
			r, size := utf8.DecodeRuneInString(text[end:])
			if unicode.IsSpace(r) || unicode.IsControl(r) || r == '<' || r == '>' || r == '"' {
				break
			}
			end += size
		}
		if s, changed := mailto.Strip(text[start:end]); changed {
			b.WriteString(text[done:start])
			b.WriteString(s)
			done = end
			n++
		}
		i = end
	}
	if n == 0 {
		return text, 0
	}
	b.WriteString(text[done:])
	return b.String(), n
}

// indexFold is strings.Index for an ASCII lower-case needle, ignoring case in s.
func indexFold(s, lower string) int {
	for i := 0; i+len(lower) <= len(s); i++ {
		if s[i]|0x20 == lower[0] && strings.EqualFold(s[i:i+len(lower)], lower) {
			return i
		}
	}
	return -1
}
