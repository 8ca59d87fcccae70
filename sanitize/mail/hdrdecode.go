package mail

import (
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"
)

// textNotes collects what decoding a header value had to repair; each note becomes one
// reported action on the header's path.
type textNotes []string

func (n *textNotes) add(format string, args ...any) { *n = append(*n, fmt.Sprintf(format, args...)) }

// decodeHeaderText decodes an unstructured header value: raw 8-bit bytes are read in the
// one charset that fits (RFC 6532 UTF-8, else Shift_JIS or EUC-JP, reported), then RFC 2047
// encoded-words are decoded. Adjacent words in the same charset are joined before the
// charset conversion, because Japanese encoders split multibyte characters across words.
func decodeHeaderText(raw []byte) (string, textNotes, error) {
	var notes textNotes
	s := string(raw)
	if !isASCII(raw) {
		label, clean, err := detect8bit(raw)
		if err != nil {
			return "", nil, err
		}
		d, bad, err := decodeBytes(label, raw)
		if err != nil {
			return "", nil, err
		}
		if label != "utf-8" || !clean {
			notes.add("raw 8-bit header bytes decoded as %s", label)
		} else {
			notes.add("raw 8-bit UTF-8 in header")
		}
		if bad > 0 {
			notes.add("%d undecodable characters marked 〓", bad)
		}
		s = d
	}
	out, wn := decodeWords(s)
	notes = append(notes, wn...)
	out, removed := cleanControls(out)
	if removed > 0 {
		notes.add("%d control characters removed", removed)
	}
	return out, notes, nil
}

// decodeWords decodes RFC 2047 encoded-words in s. Text that only looks like a word is
// kept as text.
func decodeWords(s string) (string, textNotes) {
	var (
		out     strings.Builder
		notes   textNotes
		pendCS  string
		pendBuf []byte
		i       int
		lastEW  bool
	)
	flush := func() {
		if pendBuf == nil {
			return
		}
		d, bad, err := decodeBytes(pendCS, pendBuf)
		switch {
		case err != nil:
			notes.add("encoded-word in %s", err)
			d, bad, _ = markInvalid(pendBuf)
		case bad > 0:
			notes.add("%d undecodable characters in %s encoded-words marked 〓", bad, normCharset(pendCS))
		}
		out.WriteString(d)
		pendBuf, pendCS = nil, ""
	}
	for {
		j := strings.Index(s[i:], "=?")
		if j < 0 {
			break
		}
		j += i
		cs, data, end, ok := parseWord(s, j)
		if !ok {
			flush()
			out.WriteString(s[i : j+2])
			i = j + 2
			lastEW = false
			continue
		}
		between := s[i:j]
		if !(lastEW && strings.TrimSpace(between) == "") {
			flush()
			out.WriteString(between)
		}
		if pendBuf != nil && normCharset(pendCS) != normCharset(cs) {
			flush()
		}
		if pendBuf == nil {
			pendBuf = []byte{}
		}
		pendCS = cs
		pendBuf = append(pendBuf, data...)
		i = end
		lastEW = true
	}
	flush()
	out.WriteString(s[i:])
	return out.String(), notes
}

// parseWord parses "=?charset?B|Q?text?=" at s[j:].
func parseWord(s string, j int) (cs string, data []byte, end int, ok bool) {
	rest := s[j+2:]
	q1 := strings.IndexByte(rest, '?')
	if q1 <= 0 || q1 > 64 || strings.ContainsAny(rest[:q1], " \t()<>@,;:\"/[]=") {
		return "", nil, 0, false
	}
	cs = rest[:q1]
	rest = rest[q1+1:]
	if len(rest) < 2 || rest[1] != '?' {
		return "", nil, 0, false
	}
	enc := rest[0]
	rest = rest[2:]
	q2 := strings.Index(rest, "?=")
	if q2 < 0 || strings.ContainsAny(rest[:q2], " \t?") {
		return "", nil, 0, false
	}
	text := rest[:q2]
	end = j + 2 + q1 + 1 + 2 + q2 + 2
	switch enc {
	case 'B', 'b':
		t := strings.TrimRight(text, "=")
		d, err := base64.RawStdEncoding.DecodeString(t)
		if err != nil {
			return "", nil, 0, false
		}
		return cs, d, end, true
	case 'Q', 'q':
		d, ok := decodeQWord(text)
		return cs, d, end, ok
	}
	return "", nil, 0, false
}

func decodeQWord(t string) ([]byte, bool) {
	out := make([]byte, 0, len(t))
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c == '_':
			out = append(out, ' ')
		case c == '=':
			if i+2 >= len(t) {
				return nil, false
			}
			h, ok := unhex2(t[i+1], t[i+2])
			if !ok {
				return nil, false
			}
			out = append(out, h)
			i += 2
		default:
			out = append(out, c)
		}
	}
	return out, true
}

func unhex2(a, b byte) (byte, bool) {
	x, ok1 := unhex(a)
	y, ok2 := unhex(b)
	return x<<4 | y, ok1 && ok2
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// cleanControls turns tabs into spaces and drops every other control and format
// character (CR/LF from an encoded-word would otherwise inject header lines; RLO and
// zero-width characters disguise names).
func cleanControls(s string) (string, int) {
	n := 0
	for _, r := range s {
		if r == '\t' || (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) {
			n++
		}
	}
	if n == 0 {
		return s, 0
	}
	removed := 0
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\t':
			b.WriteByte(' ')
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			removed++
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), removed
}
