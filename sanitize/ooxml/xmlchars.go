package ooxml

import (
	"bytes"
	"encoding/binary"
	"unicode/utf8"
)

// Character-level checks of the scanner: which bytes and characters XML allows where, and
// the decoding of references.

// xmlByte classifies the bytes of character data: 0 plain, 1 needs a look (references,
// carriage returns, control characters, non-ASCII, the markup characters).
var xmlByte = func() (t [256]byte) {
	for c := range 256 {
		if c < 0x20 && c != '\t' && c != '\n' || c >= 0x80 || c == '&' || c == '\r' || c == '<' {
			t[c] = 1
		}
	}
	return t
}()

// valTab classifies the bytes of an attribute value for startElement's single pass:
// valLook for what decode must look at (xmlByte), valEsc for what the serializer escapes
// (attrEsc).
const (
	valLook = 1 << iota
	valEsc
)

var valTab = func() (t [256]uint8) {
	for c := range 256 {
		if xmlByte[c] != 0 {
			t[c] |= valLook
		}
		if attrEsc[c] {
			t[c] |= valEsc
		}
	}
	return t
}()

// decode checks src as character data and returns it with references replaced and line
// ends normalized: src itself when nothing changes, else dst with the result appended
// (copied is then true). '<' never reaches it in text, which ends there.
func (s *scanner) decode(dst, src []byte) (out []byte, copied bool, err error) {
	i := plainPrefix(src)
	for i < len(src) {
		c := src[i]
		switch {
		case xmlByte[c] == 0:
			// A run of plain bytes goes in one piece: text is mostly runs of them.
			j := i + 1 + plainPrefix(src[i+1:])
			if copied {
				dst = append(dst, src[i:j]...)
			}
			i = j
		case c >= 0x80:
			// Japanese text is nearly all three-byte sequences of U+1000–U+CFFF and
			// U+E000–U+FFFD: those are checked here, the rest by utf8.DecodeRune.
			// A run of them is taken in one loop: Japanese text is runs of them between
			// spaces and punctuation.
			j := i
			for j+2 < len(src) {
				d := src[j]
				if d < 0xE1 || d > 0xEF || d == 0xED || src[j+1]&0xC0 != 0x80 || src[j+2]&0xC0 != 0x80 ||
					d == 0xEF && src[j+1] == 0xBF && src[j+2] >= 0xBE {
					break
				}
				j += 3
			}
			if j > i {
				if copied {
					dst = append(dst, src[i:j]...)
				}
				i = j
				continue
			}
			r, size := utf8.DecodeRune(src[i:])
			if r == utf8.RuneError && size == 1 || !xmlChar(r) {
				return nil, false, malformed("invalid character or UTF-8 sequence")
			}
			if copied {
				dst = append(dst, src[i:i+size]...)
			}
			i += size
		case c == '&' || c == '\r':
			if !copied {
				dst = append(dst, src[:i]...)
				copied = true
			}
			if c == '\r' {
				dst = append(dst, '\n')
				i++
				if i < len(src) && src[i] == '\n' {
					i++
				}
				continue
			}
			r, n, err := reference(src[i:])
			if err != nil {
				return nil, false, err
			}
			dst = utf8.AppendRune(dst, r)
			i += n
		case c == '<':
			return nil, false, malformed("'<' in attribute value")
		default:
			return nil, false, malformed("illegal character code U+%04X", c)
		}
	}
	if !copied {
		return src, false, nil
	}
	return dst, true, nil
}

// plainPrefix returns how many bytes at the start of b are plain ASCII character data
// (xmlByte 0). It tests eight bytes at a time for any byte that needs a look (a high bit,
// a byte below 0x20, '&' or '<'; tab and line feed are then sorted out one at a time):
// text is most of a part's bytes, and a table lookup per byte was the scanner's largest
// cost on it.
func plainPrefix(b []byte) int {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	i := 0
	for i < len(b) {
		if i+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[i:])
			amp, lt := x^(ones*'&'), x^(ones*'<')
			if (x|(x-ones*0x20)|(amp-ones)&^amp|(lt-ones)&^lt)&highs == 0 {
				i += 8
				continue
			}
		}
		if xmlByte[b[i]] != 0 {
			break
		}
		i++
	}
	return i
}

// reference decodes the reference at the start of b ("&amp;", "&#x9;"), returning the
// character and the reference's length.
func reference(b []byte) (rune, int, error) {
	semi := bytes.IndexByte(b, ';')
	if semi < 0 || semi > 12 {
		return 0, 0, malformed("invalid character entity")
	}
	ref := b[1:semi]
	switch string(ref) {
	case "lt":
		return '<', semi + 1, nil
	case "gt":
		return '>', semi + 1, nil
	case "amp":
		return '&', semi + 1, nil
	case "apos":
		return '\'', semi + 1, nil
	case "quot":
		return '"', semi + 1, nil
	}
	if len(ref) < 2 || ref[0] != '#' {
		return 0, 0, malformed("invalid character entity &%s;", ref)
	}
	digits, base := ref[1:], rune(10)
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 || len(digits) > 8 {
		return 0, 0, malformed("invalid character entity &%s;", ref)
	}
	var r rune
	for _, d := range digits {
		var v rune
		switch {
		case d >= '0' && d <= '9':
			v = rune(d - '0')
		case base == 16 && d >= 'a' && d <= 'f':
			v = rune(d-'a') + 10
		case base == 16 && d >= 'A' && d <= 'F':
			v = rune(d-'A') + 10
		default:
			return 0, 0, malformed("invalid character entity &%s;", ref)
		}
		r = r*base + v
	}
	if !xmlChar(r) {
		return 0, 0, malformed("invalid character entity &%s;", ref)
	}
	return r, semi + 1, nil
}

// xmlChar reports a character XML 1.0 allows in a document.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// nameByte: 0 ends a name, 1 may start or continue one, 2 may only continue one.
var nameByte = func() (t [128]byte) {
	for c := range 128 {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c == ':':
			t[c] = 1
		case c >= '0' && c <= '9', c == '-', c == '.':
			t[c] = 2
		}
	}
	return t
}()

// nameTab classifies bytes for the scanner's fast path over ASCII names: nameFirst may
// start a name or a local part, nameMore may continue one, nameStop is ASCII that ends a
// name (not a name character, not ':'). Non-ASCII bytes and ':' are none of these.
const (
	nameFirst = 1 << iota
	nameMore
	nameStop
)

var nameTab = func() (t [256]uint8) {
	for c := range 128 {
		switch nameByte[c] {
		case 1:
			if c != ':' {
				t[c] = nameFirst | nameMore
			}
		case 2:
			t[c] = nameMore
		default:
			t[c] = nameStop
		}
	}
	return t
}()

// nameRune reports a non-ASCII name character (XML 1.0 fifth edition, NameStartChar and
// NameChar).
func nameRune(r rune, first bool) bool {
	switch {
	case r >= 0xC0 && r <= 0xD6, r >= 0xD8 && r <= 0xF6, r >= 0xF8 && r <= 0x2FF,
		r >= 0x370 && r <= 0x37D, r >= 0x37F && r <= 0x1FFF, r >= 0x200C && r <= 0x200D,
		r >= 0x2070 && r <= 0x218F, r >= 0x2C00 && r <= 0x2FEF, r >= 0x3001 && r <= 0xD7FF,
		r >= 0xF900 && r <= 0xFDCF, r >= 0xFDF0 && r <= 0xFFFD, r >= 0x10000 && r <= 0xEFFFF:
		return true
	case r == 0xB7, r >= 0x300 && r <= 0x36F, r >= 0x203F && r <= 0x2040:
		return !first
	}
	return false
}

// checkChars checks that b holds only characters XML allows.
func checkChars(b []byte) error {
	for i := 0; i < len(b); {
		c := b[i]
		if c < 0x80 {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return malformed("illegal character code U+%04X", c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 || !xmlChar(r) {
			return malformed("invalid character or UTF-8 sequence")
		}
		i += size
	}
	return nil
}

func lastRuneStart(b []byte) int {
	i := len(b) - 1
	for i > 0 && len(b)-i < utf8.UTFMax && !utf8.RuneStart(b[i]) {
		i--
	}
	return i
}
