package sanitize

import (
	"bytes"
	"strings"
	u16 "unicode/utf16"

	"github.com/gabriel-vasile/mimetype"
)

// detectUTF16 names UTF-16 text without a byte order mark (Windows "Unicode" text, which
// mimetype only knows with a BOM) by what its head decodes to, as the same text in UTF-8
// would be named: a page is HTML (converted to text by the text family, which decodes
// UTF-16), a table is CSV, a script is a script. Deciding on markup from the decoded
// structure, not from any '<', keeps a mail or a note that quotes `<addr@example.jp>`
// readable. A message is delivered as its text: the mail family reads only 8-bit
// transports, and the same message with a BOM is text too.
func detectUTF16(b Blob, head []byte) (Type, bool) {
	lo, ok := utf16Order(head)
	if !ok {
		return Type{}, false
	}
	return classifyUTF16(b, head, utf16Decode(head, lo))
}

// utf16BOM reports whether head starts with a UTF-16 byte order mark, and the position of
// each code unit's low byte after it.
func utf16BOM(head []byte) (int, bool) {
	switch {
	case len(head) >= 2 && head[0] == 0xff && head[1] == 0xfe && !(len(head) >= 4 && head[2] == 0 && head[3] == 0):
		return 0, true // not UTF-32LE's FF FE 00 00
	case len(head) >= 2 && head[0] == 0xfe && head[1] == 0xff:
		return 1, true
	}
	return 0, false
}

// classifyUTF16 names UTF-16 text by u, its decoded head, as detectUTF16 says.
func classifyUTF16(b Blob, head, u []byte) (Type, bool) {
	textType := Type{Name: "text", Class: ClassText, MIME: "text/plain", Ext: ".txt"}
	if looksLikeMSOXML(u) {
		// Word opens Office 2003 XML in any encoding and runs its fields: the family that
		// reads it decides, and refuses what it cannot decode.
		return Type{Name: "msoxml", Class: ClassOOXML, MIME: "application/xml", Ext: ".xml"}, true
	}
	m := mimetype.Detect(u)
	mt := m.String()
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = strings.TrimSpace(mt[:i])
	}
	t := textType
	if e, ok := mimeTable[mt]; ok {
		switch e.class {
		case ClassText, ClassScript:
			t = Type{Name: e.name, Class: e.class, MIME: mt, Ext: e.ext}
		case ClassMessage:
		default:
			// Decoded text that sniffs as a binary format is not a file any reader opens
			// from UTF-16: unknown, as before the decoding.
			return Type{}, false
		}
	} else if mt != "text/plain" {
		for p := m.Parent(); p != nil; p = p.Parent() {
			s := p.String()
			if i := strings.IndexByte(s, ';'); i >= 0 {
				s = s[:i]
			}
			if s == "text/xml" || s == "application/json" {
				t = Type{Name: mimeTable[s].name, Class: ClassText, MIME: mt, Ext: mimeTable[s].ext}
				break
			}
		}
	}
	return sniffRunnable(b, head, t), true
}

// utf16Order reports whether head reads as UTF-16 text without a BOM, and the byte
// position of each code unit's low byte (0 little-endian, 1 big-endian): NUL bytes in
// the high position of nearly every pair (the high byte of Latin text), none in the
// other, and code units that are printable characters or ordinary whitespace.
func utf16Order(head []byte) (int, bool) {
	n := len(head) &^ 1
	if n < 16 {
		return 0, false
	}
	for _, lo := range []int{0, 1} {
		hi := 1 - lo
		var nulHi, nulLo, bad int
		for i := 0; i < n; i += 2 {
			if head[i+hi] == 0 {
				nulHi++
			}
			if head[i+lo] == 0 {
				nulLo++
			}
			u := rune(head[i+lo]) | rune(head[i+hi])<<8
			if u < 0x20 && u != '\t' && u != '\n' && u != '\r' || u == 0x7f || u >= 0xfffe {
				bad++
			}
		}
		pairs := n / 2
		if nulHi*10 >= pairs*6 && nulLo == 0 && bad*50 <= pairs {
			return lo, true
		}
	}
	return 0, false
}

// utf16Decode decodes head as UTF-16 with its low bytes at position lo into UTF-8; a
// trailing odd byte and a surrogate cut at the end are dropped or replaced.
func utf16Decode(head []byte, lo int) []byte {
	units := make([]uint16, len(head)/2)
	for i := range units {
		units[i] = uint16(head[2*i+lo]) | uint16(head[2*i+1-lo])<<8
	}
	var buf bytes.Buffer
	for _, r := range u16.Decode(units) {
		buf.WriteRune(r)
	}
	return buf.Bytes()
}

// asciiView gives the bytes of a text window in which ASCII markers can be searched:
// UTF-16 (with or without a BOM) reduced to the low byte of each code unit, anything
// else as it is.
func asciiView(win []byte) []byte {
	lo := -1
	start := 0
	switch {
	case len(win) >= 2 && win[0] == 0xff && win[1] == 0xfe:
		lo, start = 0, 2
	case len(win) >= 2 && win[0] == 0xfe && win[1] == 0xff:
		lo, start = 1, 2
	default:
		if o, ok := utf16Order(win[:min(len(win), sniffLen)]); ok {
			lo = o
		}
	}
	if lo < 0 {
		return win
	}
	a := make([]byte, 0, len(win)/2)
	for i := start + lo; i < len(win); i += 2 {
		a = append(a, win[i])
	}
	return a
}
