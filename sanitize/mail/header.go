package mail

import (
	"bytes"
	"fmt"
	"io"
	"net/textproto"
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

// errAmbiguous marks findings where two MIME parsers could read the message differently:
// the message as a whole is quarantined.
func ambiguous(format string, args ...any) error {
	return fmt.Errorf("%w: ambiguous MIME: %s", sanitize.ErrMalformed, fmt.Sprintf(format, args...))
}

// readHeader reads one header block. It refuses what parsers disagree on: a garbage line
// (some parsers end the header there, others skip it), a first line that is a
// continuation, a whitespace-only line (blank to some, continuation to others), NUL and
// bare CR. An mbox "From " line before the first field of the top-level header is the only
// garbage that is skipped, since every reader treats it as an envelope line. ended reports
// whether a blank line ended the block (false: the input ended inside the header).
func readHeader(lr *lineReader, maxBytes int, top bool, path string, res *sanitize.Result) (h header, ended bool, err error) {
	total := 0
	for {
		l, err := lr.next(maxBytes + 1)
		if err == io.EOF {
			return h, false, nil
		}
		if err != nil {
			return h, false, err
		}
		total += int(l.n)
		if total > maxBytes || l.truncated {
			return h, false, &sanitize.LimitError{Limit: "mail.max_header_bytes", Max: int64(maxBytes), Got: int64(max(total, int(l.n)))}
		}
		t := l.text
		if len(t) == 0 {
			return h, true, nil
		}
		if i := bytes.IndexByte(t, 0); i >= 0 {
			return h, false, ambiguous("NUL byte in header line %q", clip(t))
		}
		if bytes.IndexByte(t, '\r') >= 0 {
			return h, false, ambiguous("bare CR in header line %q", clip(t))
		}
		if t[0] == ' ' || t[0] == '\t' {
			if len(bytes.TrimLeft(t, " \t")) == 0 {
				return h, false, ambiguous("whitespace-only line inside the header block")
			}
			if len(h.fields) == 0 {
				return h, false, ambiguous("header block starts with a continuation line %q", clip(t))
			}
			f := &h.fields[len(h.fields)-1]
			f.value = append(f.value, t...)
			continue
		}
		key, val, ok := splitField(t)
		if !ok {
			if top && len(h.fields) == 0 && (bytes.HasPrefix(t, []byte("From ")) || bytes.HasPrefix(t, []byte(">From "))) {
				res.Add(sanitize.ActRebuilt, path, "repaired: mbox envelope line before the header dropped")
				continue
			}
			return h, false, ambiguous("garbage header line %q (parsers disagree where the header ends)", clip(t))
		}
		h.fields = append(h.fields, field{key: key, value: append([]byte(nil), val...)})
	}
}

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

// singleton returns the one value of a field that must occur at most once. Identical
// duplicates are repaired (one reading); differing ones are an ambiguity.
func (h *header) singleton(key, path string, res *sanitize.Result) ([]byte, error) {
	vs := h.values(key)
	if len(vs) <= 1 {
		if len(vs) == 1 {
			return vs[0], nil
		}
		return nil, nil
	}
	first := normalizeWS(vs[0])
	for _, v := range vs[1:] {
		if !strings.EqualFold(normalizeWS(v), first) {
			return nil, ambiguous("%d different %s headers", len(vs), key)
		}
	}
	res.Add(sanitize.ActRebuilt, path, fmt.Sprintf("repaired: duplicate identical %s header", key))
	return vs[0], nil
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
