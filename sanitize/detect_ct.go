package sanitize

import (
	"archive/zip"
	"bytes"
	"io"
	"strconv"
	"unicode"
)

// maxContentTypes bounds the [Content_Types].xml detection reads.
const maxContentTypes = 1 << 20

// ooxmlMainType finds the content type of the main document part in [Content_Types].xml:
// the first Override among the root's children that names one, else the first such
// Default. It scans the bytes itself: encoding/xml's tokenizer (a byte at a time through
// bufio, a string per name and value) was most of detecting an Office attachment, and the
// relay detects one per message. It stops at the Override it looks for, and answers as
// encoding/xml's tokens did wherever encoding/xml reads the file (FuzzOOXMLMainType holds
// it to that); on a file encoding/xml refuses it may still find the type, and the OOXML
// family then parses the whole file strictly in any case.
func ooxmlMainType(f *zip.File) string {
	if f.UncompressedSize64 > maxContentTypes {
		return ""
	}
	rc, err := f.Open()
	if err != nil {
		return ""
	}
	defer rc.Close()
	// archive/zip returns at most the central directory's size; a read error leaves the
	// bytes before it, which are scanned as the tokenizer would have read them.
	buf := make([]byte, f.UncompressedSize64)
	n, _ := io.ReadFull(rc, buf)
	return mainTypeOf(buf[:n])
}

// mainTypeOf scans one [Content_Types].xml. Like encoding/xml it matches local names (the
// part after a single colon) and resolves the five predefined entities and character
// references in the ContentType values it reads; it returns "" at any markup it cannot
// read where encoding/xml would also have failed, and at the end of the data before the
// root's end.
func mainTypeOf(d []byte) string {
	depth, def := 0, ""
	for i := 0; ; {
		lt := bytes.IndexByte(d[i:], '<')
		if lt < 0 || i+lt+1 >= len(d) {
			return ""
		}
		i += lt + 1
		switch d[i] {
		case '/':
			if depth == 0 {
				return ""
			}
			gt := bytes.IndexByte(d[i:], '>')
			if gt < 0 {
				return ""
			}
			i += gt + 1
			if depth--; depth == 0 {
				return def
			}
			continue
		case '?':
			e := bytes.Index(d[i+1:], []byte("?>"))
			if e < 0 {
				return ""
			}
			i += 1 + e + 2
			continue
		case '!':
			if i = skipBang(d, i+1); i < 0 {
				return ""
			}
			continue
		}

		// A start tag.
		start := i
		for i < len(d) && isNameByteOrHigh(d[i]) {
			i++
		}
		if i == start {
			return ""
		}
		local := localName(d[start:i])
		depth++
		want := depth == 2 && (string(local) == "Override" || string(local) == "Default")
		var ct []byte
		ctSet, empty := false, false
	attrs:
		for {
			i = skipSpace(d, i)
			if i >= len(d) {
				return ""
			}
			switch d[i] {
			case '>':
				i++
				break attrs
			case '/':
				if i+1 >= len(d) || d[i+1] != '>' {
					return ""
				}
				i += 2
				empty = true
				break attrs
			}
			a := i
			for i < len(d) && isNameByteOrHigh(d[i]) {
				i++
			}
			if i == a {
				return ""
			}
			name := d[a:i]
			if i = skipSpace(d, i); i >= len(d) || d[i] != '=' {
				return ""
			}
			if i = skipSpace(d, i+1); i >= len(d) || d[i] != '"' && d[i] != '\'' {
				return ""
			}
			q := d[i]
			end := bytes.IndexByte(d[i+1:], q)
			if end < 0 {
				return ""
			}
			v := d[i+1 : i+1+end]
			i += 1 + end + 1
			if bytes.IndexByte(v, '<') >= 0 {
				return "" // encoding/xml: unescaped < inside quoted string
			}
			if want && string(localName(name)) == "ContentType" {
				if ct, ctSet = unescapeValue(v); !ctSet {
					return ""
				}
			}
		}
		if want && ctSet {
			if _, ok := ooxmlMain[string(ct)]; ok {
				if string(local) == "Override" {
					return string(ct)
				}
				if def == "" {
					def = string(ct)
				}
			}
		}
		if empty {
			if depth--; depth == 0 {
				return def
			}
		}
	}
}

// skipBang skips a comment, CDATA section or directive whose "<!" ends before i, and
// returns the index after it, or -1 where encoding/xml would fail to read it.
func skipBang(d []byte, i int) int {
	if i >= len(d) {
		return -1
	}
	switch d[i] {
	case '-':
		if i+1 >= len(d) || d[i+1] != '-' {
			return -1
		}
		// A well-formed comment holds no "--" before its end, so its first "-->" ends it.
		e := bytes.Index(d[i+2:], []byte("-->"))
		if e < 0 {
			return -1
		}
		return i + 2 + e + 3
	case '[':
		if !bytes.HasPrefix(d[i+1:], []byte("CDATA[")) {
			return -1
		}
		e := bytes.Index(d[i+7:], []byte("]]>"))
		if e < 0 {
			return -1
		}
		return i + 7 + e + 3
	}
	// A directive (<!DOCTYPE ...>), read as encoding/xml does: its first byte is taken as
	// is, quoted angle brackets do not nest, and a comment inside is skipped whole.
	var inquote byte
	depth := 0
	for i++; i < len(d); {
		b := d[i]
		i++
		if inquote == 0 && b == '>' && depth == 0 {
			return i
		}
	handle:
		switch {
		case b == inquote:
			inquote = 0
		case inquote != 0:
		case b == '\'' || b == '"':
			inquote = b
		case b == '>':
			depth--
		case b == '<':
			for _, c := range []byte("!--") {
				if i >= len(d) {
					return -1
				}
				b = d[i]
				i++
				if b != c {
					depth++
					goto handle
				}
			}
			e := bytes.Index(d[i:], []byte("-->"))
			if e < 0 {
				return -1
			}
			i += e + 3
		}
	}
	return -1
}

// isNameByteOrHigh is the set of bytes encoding/xml reads into a name: ASCII letters,
// digits, '_', ':', '.', '-', and every byte of a multi-byte character.
func isNameByteOrHigh(c byte) bool {
	return c >= 0x80 || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '_' || c == ':' || c == '.' || c == '-'
}

// localName is the local part of a name as encoding/xml splits it: after the colon when
// there is exactly one with something on both sides, else the whole name.
func localName(n []byte) []byte {
	c := bytes.IndexByte(n, ':')
	if c <= 0 || c == len(n)-1 || bytes.IndexByte(n[c+1:], ':') >= 0 {
		return n
	}
	return n[c+1:]
}

func skipSpace(d []byte, i int) int {
	for i < len(d) && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n') {
		i++
	}
	return i
}

// unescapeValue resolves the references in an attribute value as encoding/xml does without
// custom entities: the five predefined names and &#N; / &#xN; character references. It
// reports false where encoding/xml refuses the reference. Line ends are left alone: a value
// holding one names no main type either way.
func unescapeValue(v []byte) ([]byte, bool) {
	if bytes.IndexByte(v, '&') < 0 {
		return v, true
	}
	out := make([]byte, 0, len(v))
	for len(v) > 0 {
		amp := bytes.IndexByte(v, '&')
		if amp < 0 {
			return append(out, v...), true
		}
		out = append(out, v[:amp]...)
		v = v[amp+1:]
		semi := bytes.IndexByte(v, ';')
		if semi < 0 {
			return nil, false
		}
		ref := v[:semi]
		v = v[semi+1:]
		if len(ref) > 0 && ref[0] == '#' {
			num, base := ref[1:], 10
			if len(num) > 0 && num[0] == 'x' {
				num, base = num[1:], 16
			}
			for _, c := range num {
				if !('0' <= c && c <= '9' || base == 16 && ('a' <= c && c <= 'f' || 'A' <= c && c <= 'F')) {
					return nil, false
				}
			}
			r, err := strconv.ParseUint(string(num), base, 64)
			if err != nil || r > unicode.MaxRune {
				return nil, false
			}
			out = append(out, string(rune(r))...)
			continue
		}
		switch string(ref) {
		case "lt":
			out = append(out, '<')
		case "gt":
			out = append(out, '>')
		case "amp":
			out = append(out, '&')
		case "apos":
			out = append(out, '\'')
		case "quot":
			out = append(out, '"')
		default:
			return nil, false
		}
	}
	return out, true
}
