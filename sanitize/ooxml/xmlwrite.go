package ooxml

import (
	"bytes"
	"encoding/xml"
	"io"
)

// The serializer's byte-level helpers: names, start tags and escaping.

func appendName(b []byte, n xml.Name) []byte {
	if n.Space != "" {
		b = append(b, n.Space...)
		b = append(b, ':')
	}
	return append(b, n.Local...)
}

// appendStart serializes a start tag without its closing '>' (the element may turn out
// empty and close with "/>").
func appendStart(b []byte, t *tok) []byte {
	b = append(b, '<')
	b = appendName(b, t.raw)
	for _, a := range t.rawAttr {
		b = append(b, ' ')
		b = appendName(b, a.Name)
		b = append(b, '=', '"')
		b = appendEscAttr(b, a.Value)
		b = append(b, '"')
	}
	return b
}

// appendStartTok is appendStart of a token, which copies the tag as read when the scanner
// found it written the way appendStart would write it.
func appendStartTok(b []byte, t *tok) []byte {
	if t.src != nil {
		return append(b, t.src...)
	}
	return appendStart(b, t)
}

// textEsc and attrEsc mark the bytes that must be escaped in text and in a double-quoted
// attribute value. Tabs and line ends in an attribute are escaped so that a consumer's
// attribute-value normalization does not turn them into spaces.
var textEsc, attrEsc = func() (t, a [256]bool) {
	for _, c := range "<>&\r" {
		t[c], a[c] = true, true
	}
	for _, c := range "\"\t\n" {
		a[c] = true
	}
	return t, a
}()

func escFor(c byte) string {
	switch c {
	case '<':
		return "&lt;"
	case '>':
		return "&gt;"
	case '&':
		return "&amp;"
	case '"':
		return "&quot;"
	case '\t':
		return "&#x9;"
	case '\n':
		return "&#xA;"
	}
	return "&#xD;"
}

func appendEscText(b, s []byte) []byte {
	last := 0
	for i, c := range s {
		if textEsc[c] {
			b = append(b, s[last:i]...)
			b = append(b, escFor(c)...)
			last = i + 1
		}
	}
	return append(b, s[last:]...)
}

// appendEscGT appends text that can hold no '<', '&' or CR (the scanner's plain text):
// only '>' is left to escape, and a search for one byte is much faster than a test of
// every byte.
func appendEscGT(b, s []byte) []byte {
	for {
		i := bytes.IndexByte(s, '>')
		if i < 0 {
			return append(b, s...)
		}
		b = append(b, s[:i]...)
		b = append(b, "&gt;"...)
		s = s[i+1:]
	}
}

func appendEscAttr(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; attrEsc[c] {
			b = append(b, s[last:i]...)
			b = append(b, escFor(c)...)
			last = i + 1
		}
	}
	return append(b, s[last:]...)
}

// escapeAttr writes s escaped for a double-quoted attribute value (the rebuilt .rels,
// [Content_Types].xml and manifest).
func escapeAttr(w io.Writer, s string) {
	w.Write(appendEscAttr(nil, s))
}
