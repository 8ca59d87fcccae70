package mail

import (
	"bytes"
	"io"
	"net/textproto"
	"regexp"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// field is one header field: the canonical key and the unfolded raw value bytes (which may
// hold 8-bit bytes; they are decoded only where the field is used).
type field struct {
	key   string
	value []byte
}

type header struct {
	fields []field
}

// get returns the first value of key, or nil.
func (h *header) get(key string) []byte {
	for _, f := range h.fields {
		if f.key == key {
			return f.value
		}
	}
	return nil
}

func (h *header) has(key string) bool {
	for _, f := range h.fields {
		if f.key == key {
			return true
		}
	}
	return false
}

func (h *header) values(key string) [][]byte {
	var out [][]byte
	for _, f := range h.fields {
		if f.key == key {
			out = append(out, f.value)
		}
	}
	return out
}

// readHeader reads one header block and returns it with the offset where the body
// starts (the end of the range when the input ends inside the header). Where readers
// disagree about a line, it takes the side of the common MTAs and Python's email package
// and records the knob (reading.go), so that a second walk can take the other side:
//
//   - a whitespace-only line is obsolete folding white space (RFC 5322 §4.2, obs-FWS):
//     a continuation, as Postfix, Python and Go's net/textproto read it;
//   - a line that is neither a field nor a continuation ends the header and is the first
//     line of the body, as Postfix, Sendmail, Exim and Python do;
//   - a continuation line before the first field is dropped, as Python does;
//   - a NUL byte is removed; a bare CR is read as white space (RFC 5322 obs-unstruct
//     allows both inside a field, and neither can split a line of the rebuilt message).
//
// An mbox "From " line before the first field of the top-level header is an envelope
// line to every reader and is dropped.
func (w *walker) readHeader(lr *lineReader, top bool, id string) (h header, body int64, err error) {
	maxBytes := w.s.o.MaxHeaderBytes
	total := 0
	for {
		l, err := lr.next(maxBytes + 1)
		if err == io.EOF {
			return h, lr.end, nil
		}
		if err != nil {
			return h, 0, err
		}
		total += int(l.n)
		if total > maxBytes || l.truncated {
			return h, 0, &sanitize.LimitError{Limit: "mail.max_header_bytes", Max: int64(maxBytes), Got: int64(max(total, int(l.n)))}
		}
		t := l.text
		if len(t) == 0 {
			if len(h.fields) == 0 && total == int(l.n) && !top && w.other(knobHeaderLine) {
				// A reader that skips a blank line before a part's first field.
				continue
			}
			return h, lr.off, nil
		}
		if i := bytes.IndexByte(t, 0); i >= 0 {
			if w.other(knobNUL) {
				// A reader on C strings sees the line end at the NUL.
				t = t[:i]
				if len(t) == 0 {
					return h, lr.off, nil
				}
			} else {
				w.finding(id, "NUL bytes removed from a header line")
				t = bytes.ReplaceAll(t, []byte{0}, nil)
			}
		}
		segs := [][]byte{t}
		if bytes.IndexByte(t, '\r') >= 0 {
			split, gone := w.other(knobBareCR), w.other(knobCRGone)
			switch {
			case split:
				// Python's email and others end a line at a bare CR.
				segs = bytes.Split(t, []byte("\r"))
			case gone:
				segs = [][]byte{bytes.ReplaceAll(t, []byte("\r"), nil)}
			default:
				w.finding(id, "bare CR in a header line read as a space")
				segs = [][]byte{bytes.ReplaceAll(t, []byte("\r"), []byte(" "))}
			}
		}

		off := l.start
		for _, seg := range segs {
			switch w.headerLine(&h, seg, top, id) {
			case lineEndsBefore:
				return h, off, nil
			case lineEndsAfter:
				return h, lr.off, nil
			}
			off += int64(len(seg)) + 1
		}
	}
}

// What one header line does to the block.
const (
	lineTaken      = iota // a field, a continuation, or dropped
	lineEndsBefore        // the header ended before this line: it is the first body line
	lineEndsAfter         // the line is the separator: the body starts after it
)

func (w *walker) headerLine(h *header, t []byte, top bool, id string) int {
	if len(t) == 0 {
		return lineEndsAfter
	}
	if t[0] == ' ' || t[0] == '\t' {
		if len(bytes.TrimLeft(t, " \t")) == 0 {
			if w.other(knobBlankish) {
				return lineEndsAfter
			}
			return lineTaken
		}
		if len(h.fields) == 0 {
			if w.other(knobHeaderLine) {
				return lineEndsBefore
			}
			w.finding(id, "continuation line before the first header field dropped")
			return lineTaken
		}
		if k, v, ok := splitField(bytes.TrimLeft(t, " \t")); ok && plausibleField(k, v) && w.other(knobFoldedField) {
			// A reader that trims a folded line before looking for a field name.
			h.fields = append(h.fields, field{key: k, value: append([]byte(nil), v...)})
			return lineTaken
		}
		f := &h.fields[len(h.fields)-1]
		f.value = append(f.value, t...)
		return lineTaken
	}
	key, val, ok := splitField(t)
	if ok {
		h.fields = append(h.fields, field{key: key, value: append([]byte(nil), val...)})
		return lineTaken
	}
	if top && len(h.fields) == 0 && (bytes.HasPrefix(t, []byte("From ")) || bytes.HasPrefix(t, []byte(">From "))) {
		w.finding(id, "mbox envelope line before the header dropped")
		return lineTaken
	}
	if w.other(knobHeaderLine) {
		return lineTaken
	}
	if len(h.fields) > 0 || !top {
		w.finding(id, "line %q is not a header field: the header ends there", clip(t))
	}
	return lineEndsBefore
}

// plausibleField reports a folded line that reads as a field deciding how a part is read,
// with a value that would work as one (a DKIM h= list names Content-Type without being
// one).
func plausibleField(key string, v []byte) bool {
	val := strings.ToLower(strings.TrimSpace(string(v)))
	switch key {
	case "Content-Type":
		t, _, _ := strings.Cut(val, ";")
		return mediaTypeRE.MatchString(mediaType(t))
	case "Content-Transfer-Encoding":
		switch strings.TrimSpace(removeComments(val)) {
		case "base64", "quoted-printable", "7bit", "8bit", "binary", "x-uuencode", "uuencode":
			return true
		}
	case "Content-Disposition":
		return strings.HasPrefix(val, "attachment") || strings.HasPrefix(val, "inline")
	}
	return false
}

var mediaTypeRE = regexp.MustCompile(`^[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+$`)

// splitField splits "Key: value". The key must be printable ASCII without a colon; a
// space before the colon is obsolete syntax (RFC 5322 §4.5) and accepted.
func splitField(t []byte) (string, []byte, bool) {
	i := bytes.IndexByte(t, ':')
	if i <= 0 {
		return "", nil, false
	}
	k := bytes.TrimRight(t[:i], " \t")
	if len(k) == 0 {
		return "", nil, false
	}
	for _, c := range k {
		if c < 33 || c > 126 {
			return "", nil, false
		}
	}
	return textproto.CanonicalMIMEHeaderKey(string(k)), t[i+1:], true
}

// finishValues trims every value; unfolding already removed the line breaks.
func (h *header) finish() {
	for i := range h.fields {
		h.fields[i].value = bytes.TrimSpace(h.fields[i].value)
	}
}

// singleton returns the value of a field that must occur at most once. Identical
// duplicates are one field; of differing ones the first is read (as Python's email and
// Go's textproto do), the knob recorded and the repair reported.
func (w *walker) singleton(h *header, key, id string) []byte {
	vs := h.values(key)
	switch len(vs) {
	case 0:
		return nil
	case 1:
		return vs[0]
	}
	first := normalizeWS(vs[0])
	differ := false
	for _, v := range vs[1:] {
		differ = differ || !strings.EqualFold(normalizeWS(v), first)
	}
	if !differ {
		w.finding(id, "duplicate identical %s header", key)
		return vs[0]
	}
	if w.other(knobDuplicate) {
		return vs[len(vs)-1]
	}
	w.finding(id, "%d different %s headers: the first is used", len(vs), key)
	return vs[0]
}

func normalizeWS(b []byte) string {
	return strings.Join(strings.Fields(string(b)), " ")
}

// clip shortens untrusted bytes for an error message.
func clip(b []byte) string {
	const n = 60
	s := strings.ToValidUTF8(string(b[:min(len(b), n)]), "?")
	if len(b) > n {
		s += "..."
	}
	return s
}
