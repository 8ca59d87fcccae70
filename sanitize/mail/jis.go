package mail

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
)

// jisEncodable reports whether r can be carried by ISO-2022-JP (RFC 1468) without loss:
// ASCII or a character of standard JIS X 0208. The x/text encoder also maps the NEC row 13
// (①, ㈱) and the IBM extensions (髙) and folds half-width katakana to full width; legacy
// readers show those wrongly or not at all, so they count as not encodable.
func jisEncodable(r rune) bool {
	if r < 0x80 {
		return r != 0x1b && r != 0x0e && r != 0x0f
	}
	if r >= 0xff61 && r <= 0xff9f {
		return false
	}
	b, err := japanese.ISO2022JP.NewEncoder().String(string(r))
	if err != nil {
		return false
	}
	// ESC $ B c1 c2 ESC ( B
	if len(b) != 8 || !strings.HasPrefix(b, "\x1b$B") {
		return false
	}
	row := int(b[3]) - 0x20
	return row >= 1 && row <= 8 || row >= 16 && row <= 84
}

// firstNonJIS returns the first character that ISO-2022-JP cannot carry, or "".
func firstNonJIS(s string) string {
	for _, r := range s {
		if !jisEncodable(r) {
			return string(r)
		}
	}
	return ""
}

// encodeISO2022JP encodes s; ok is false when a character does not fit.
func encodeISO2022JP(s string) (string, bool) {
	if firstNonJIS(s) != "" {
		return "", false
	}
	out, err := japanese.ISO2022JP.NewEncoder().String(s)
	return out, err == nil
}

// encodeISO2022JPWords encodes a header value as =?ISO-2022-JP?B?...?= words, each a
// complete ISO-2022-JP string (ending in ASCII) of at most 75 characters.
func encodeISO2022JPWords(s string) (string, bool) {
	if firstNonJIS(s) != "" {
		return "", false
	}
	const prefix, suffix = "=?ISO-2022-JP?B?", "?="
	maxRaw := 36 // as for UTF-8: words short enough to fold at 76 columns
	var words []string
	for len(s) > 0 {
		// Grow the chunk rune by rune while its encoding fits.
		end := 0
		var enc string
		for end < len(s) {
			_, n := utf8.DecodeRuneInString(s[end:])
			e, ok := encodeISO2022JP(s[:end+n])
			if !ok || len(e) > maxRaw {
				break
			}
			end += n
			enc = e
		}
		if end == 0 {
			return "", false
		}
		words = append(words, prefix+base64.StdEncoding.EncodeToString([]byte(enc))+suffix)
		s = s[end:]
	}
	return strings.Join(words, " "), true
}
