package mail

import (
	"encoding/base64"
	"fmt"
	"mime"
	netmail "net/mail"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"

	"github.com/sekisho/sekisho/sanitize"
)

// copied are the headers carried over, in output order.
var copied = []string{"From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-Id", "In-Reply-To", "References"}

// neverCopied are structural and trace headers that ExtraHeaders cannot bring back.
func neverCopied(key string) bool {
	k := strings.ToLower(key)
	return strings.HasPrefix(k, "content-") || k == "mime-version" || k == "received" || strings.HasPrefix(k, "x-sekisho-")
}

// outField is one header of the new message, already encoded.
type outField struct{ key, value string }

// buildHeaders decodes the copied headers and re-encodes them for the output charset.
func (j *job) buildHeaders(h *header) ([]outField, error) {
	var out []outField
	keys := append([]string(nil), copied...)
	for _, k := range j.s.o.ExtraHeaders {
		k = strings.TrimSpace(k)
		if k == "" || neverCopied(k) {
			continue
		}
		ck := canonical(k)
		dup := false
		for _, x := range keys {
			dup = dup || x == ck
		}
		if !dup {
			keys = append(keys, ck)
		}
	}
	for _, k := range keys {
		path := sanitize.JoinPath(j.w.path, "header/"+strings.ToLower(k))
		raw, err := h.singleton(k, path, j.res)
		if err != nil {
			return nil, err
		}
		if raw == nil {
			continue
		}
		var v string
		switch k {
		case "From", "To", "Cc", "Reply-To":
			v, err = j.addressHeader(k, raw, path)
		case "Date", "Message-Id", "In-Reply-To", "References":
			if !isASCII(raw) || hasControl(string(raw)) {
				j.res.Add(sanitize.ActRemovedPart, path, k+" with 8-bit or control bytes dropped")
				continue
			}
			v = string(raw)
		default:
			var notes textNotes
			v, notes, err = decodeHeaderText(raw)
			for _, n := range notes {
				j.res.Add(sanitize.ActRebuilt, path, "repaired: "+n)
			}
			v = j.encodeText(v)
		}
		if err != nil {
			return nil, err
		}
		if v == "" && k == "From" {
			continue
		}
		out = append(out, outField{k, v})
	}
	return out, nil
}

// addressHeader parses an address list (RFC 5322, encoded-words decoded with the charset
// tables) and formats it again. A From that does not parse is an ambiguity: which sender
// the recipient sees would depend on the client.
func (j *job) addressHeader(k string, raw []byte, path string) (string, error) {
	s := string(raw)
	if !isASCII(raw) {
		d, notes, err := decodeHeaderText(raw)
		if err != nil {
			return "", err
		}
		for _, n := range notes {
			j.res.Add(sanitize.ActRebuilt, path, "repaired: "+n)
		}
		s = d
	}
	p := netmail.AddressParser{WordDecoder: &mime.WordDecoder{CharsetReader: charset.Reader}}
	list, err := p.ParseList(s)
	if err != nil {
		if strings.HasSuffix(strings.TrimSpace(s), ":;") && isASCII([]byte(s)) {
			return strings.TrimSpace(s), nil // an empty group: "undisclosed-recipients:;"
		}
		if k == "From" {
			return "", ambiguous("From header does not parse as an address: %q", clip(raw))
		}
		j.res.Add(sanitize.ActRemovedPart, path, fmt.Sprintf("%s header that does not parse as addresses dropped", k))
		return "", nil
	}
	var parts []string
	for _, a := range list {
		if !isASCII([]byte(a.Address)) {
			j.res.Add(sanitize.ActRemovedPart, path, "address with non-ASCII mailbox dropped")
			continue
		}
		name, removed := cleanControls(a.Name)
		if removed > 0 {
			j.res.Add(sanitize.ActRemovedControlChars, path, fmt.Sprintf("%d control characters removed from a display name", removed))
		}
		parts = append(parts, j.formatAddress(name, a.Address))
	}
	return strings.Join(parts, ", "), nil
}

func (j *job) formatAddress(name, addr string) string {
	if name == "" {
		return "<" + addr + ">"
	}
	if isASCII([]byte(name)) && !strings.Contains(name, "=?") {
		return (&netmail.Address{Name: name, Address: addr}).String()
	}
	return j.encodeWords(name) + " <" + addr + ">"
}

// encodeText encodes an unstructured value: as is when it is printable ASCII that would
// not decode to something else, else as encoded-words.
func (j *job) encodeText(v string) string {
	if isASCII([]byte(v)) && !strings.Contains(v, "=?") {
		return v
	}
	return j.encodeWords(v)
}

// encodeWords uses B encoding (compact for Japanese); ISO-2022-JP when that is the output
// charset and every character fits, else UTF-8.
func (j *job) encodeWords(v string) string {
	if j.outCharset == "iso-2022-jp" {
		if s, ok := encodeISO2022JPWords(v); ok {
			return s
		}
	}
	return encodeUTF8Words(v)
}

// encodeUTF8Words writes B-encoded UTF-8 words of at most 36 bytes each (60 characters),
// split on character boundaries, so that the header folds between words at 76 columns.
func encodeUTF8Words(v string) string {
	var words []string
	for len(v) > 0 {
		n := 0
		for n < len(v) {
			_, k := utf8.DecodeRuneInString(v[n:])
			if n+k > 36 {
				break
			}
			n += k
		}
		words = append(words, "=?utf-8?b?"+base64.StdEncoding.EncodeToString([]byte(v[:n]))+"?=")
		v = v[n:]
	}
	return strings.Join(words, " ")
}

func canonical(k string) string {
	parts := strings.Split(strings.ToLower(k), "-")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, "-")
}
