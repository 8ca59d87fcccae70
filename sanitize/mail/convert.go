package mail

import (
	"errors"

	"bytes"
	"github.com/sekisho/sekisho/sanitize"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/sekisho/sekisho/sanitize/text"
)

// decodeStats says what toUTF8 changed.
type decodeStats struct {
	charset    string
	unmappable int
	controls   int
}

// toUTF8 decodes a text body with the text family's converter: LF newlines, no control
// characters but tab and LF, 〓 for what does not decode. An undeclared, ASCII-declared or
// unknown charset is detected from the bytes.
func toUTF8(raw []byte, cs string) (string, decodeStats, error) {
	label := normCharset(cs)
	if label != "" {
		if _, err := lookupEncoding(label); err != nil {
			label = "" // a label nobody knows: let the bytes tell
		}
	}
	if label == "iso-2022-jp" && !isASCII(raw) && bytes.IndexByte(raw, 0x1b) < 0 {
		// 8-bit bytes without a single escape sequence are not ISO-2022-JP, whatever the
		// label says (Japanese mobile carriers' bounces send EUC-JP labelled so): let the
		// bytes tell.
		label = ""
	}
	if (label == "utf-8" || label == "us-ascii" || label == "") && plainUTF8(raw) {
		// Already what ToUTF8 would write: skip its 64 KiB detection buffer.
		cs := "utf-8"
		if isASCII(raw) {
			cs = "us-ascii"
		}
		return string(raw), decodeStats{charset: cs}, nil
	}
	var b strings.Builder
	b.Grow(len(raw))
	st, err := text.ToUTF8(&b, bytes.NewReader(raw), label)
	if errors.Is(err, sanitize.ErrUnsupported) && label != "" {
		// A label the text family does not know (only go-message's table has it): let the
		// bytes tell, as for an undeclared charset.
		b.Reset()
		st, err = text.ToUTF8(&b, bytes.NewReader(raw), "")
	}
	if err != nil {
		return "", decodeStats{}, err
	}
	return b.String(), decodeStats{charset: normCharset(st.Charset), unmappable: st.Unmappable, controls: st.ControlRemoved}, nil
}

// plainUTF8 reports valid UTF-8 without a BOM, CR or control characters other than tab
// and LF: text that normalization leaves unchanged.
func plainUTF8(b []byte) bool {
	if !utf8.Valid(b) || bytes.HasPrefix(b, []byte("\ufeff")) {
		return false
	}
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' || c == 0x7f {
			return false
		}
	}
	return !hasControl(string(b))
}

// htmlToText converts UTF-8 HTML with the text family's converter.
func htmlToText(w io.Writer, r io.Reader, defang bool) error {
	_, err := text.HTMLToText(w, r, text.HTMLOptions{DefangLinks: defang})
	return err
}

// normalizeText turns CRLF and lone CR into LF, drops a BOM and removes control
// characters other than tab and LF (counted). It is for text this package writes itself.
func normalizeText(s string) (string, int) {
	var b strings.Builder
	st, err := text.ToUTF8(&b, strings.NewReader(s), "utf-8")
	if err != nil {
		return s, 0
	}
	return b.String(), st.ControlRemoved
}

func isControl(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' || r == 0x7f || r >= 0x80 && r < 0xa0
}

func hasControl(s string) bool {
	for _, r := range s {
		if isControl(r) {
			return true
		}
	}
	return false
}
