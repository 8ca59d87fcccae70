package mail

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

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
		raw := j.headerValue(h, k, path)
		if raw == nil {
			continue
		}
		var v string
		switch k {
		case "From", "To", "Cc", "Reply-To":
			v = j.addressHeader(raw, path)
		case "Date", "Message-Id", "In-Reply-To", "References":
			if !isASCII(raw) || hasControl(string(raw)) {
				j.res.Add(sanitize.ActRemovedPart, path, k+" with 8-bit or control bytes dropped")
				continue
			}
			v = string(raw)
		default:
			d, notes, err := decodeHeaderText(raw)
			if err != nil {
				return nil, err
			}
			for _, n := range notes {
				j.res.Add(sanitize.ActRebuilt, path, "repaired: "+n)
			}
			v = j.encodeText(d)
		}
		if v == "" {
			continue
		}
		out = append(out, outField{k, v})
	}
	return out, nil
}

// headerValue returns the value of a copied header. RFC 5322 allows each once; of
// differing copies the first is kept (what Python's email and Go's textproto return),
// except To and Cc, whose lists are joined so that no recipient disappears from view.
func (j *job) headerValue(h *header, k, path string) []byte {
	vs := h.values(k)
	if len(vs) <= 1 {
		if len(vs) == 1 {
			return vs[0]
		}
		return nil
	}
	var distinct [][]byte
	seen := map[string]bool{}
	for _, v := range vs {
		n := normalizeWS(v)
		if !seen[n] && n != "" {
			seen[n] = true
			distinct = append(distinct, v)
		}
	}
	switch {
	case len(distinct) <= 1:
		j.res.Add(sanitize.ActRebuilt, path, fmt.Sprintf("repaired: duplicate identical %s header", k))
		if len(distinct) == 0 {
			return vs[0]
		}
		return distinct[0]
	case k == "To" || k == "Cc":
		j.res.Add(sanitize.ActRebuilt, path, fmt.Sprintf("repaired: %d %s headers joined into one", len(vs), k))
		return bytes.Join(distinct, []byte(", "))
	}
	j.res.Add(sanitize.ActRebuilt, path, fmt.Sprintf("repaired: %d different %s headers: the first is kept", len(distinct), k))
	return distinct[0]
}

// addressHeader reads an address list (RFC 5322 with its obsolete syntax) and writes it
// again. A value that does not parse keeps its text, sanitized, as the display name of
// an empty group ("Big Bug bb@bug.com":;), which RFC 5322 allows in To and Cc and
// RFC 6854 in From: the recipient sees what the sender wrote and no address is made up.
// A mailbox whose address is not ASCII is kept the same way, as text.
func (j *job) addressHeader(raw []byte, path string) string {
	s := string(raw)
	if !isASCII(raw) {
		label, _, err := detect8bit(raw)
		if err == nil {
			s, _, err = decodeBytes(label, raw)
		}
		if err != nil {
			s = strings.ToValidUTF8(s, "〓")
		}
		if label != "utf-8" {
			j.res.Add(sanitize.ActRebuilt, path, "repaired: raw 8-bit header bytes decoded as "+label)
		}
	}
	list, err := parseAddressList(s)
	if err != nil {
		text, _ := decodeWords(s)
		j.res.Add(sanitize.ActRebuilt, path, fmt.Sprintf("repaired: not an address list (%v): kept as text", err))
		return j.displayOnly(text, path)
	}
	var parts []string
	for _, it := range list {
		if f := j.formatItem(it, path); f != "" {
			parts = append(parts, f)
		}
	}
	return strings.Join(parts, ", ")
}

// formatItem writes one mailbox or group of a parsed list.
func (j *job) formatItem(it addrItem, path string) string {
	name := j.cleanName(it.name, path)
	if it.group {
		var ms []string
		for _, m := range it.members {
			if m.group {
				continue
			}
			if !isASCII([]byte(m.addr)) {
				j.res.Add(sanitize.ActRemovedPart, path, "address with a non-ASCII mailbox inside a group dropped")
				continue
			}
			ms = append(ms, j.formatAddress(j.cleanName(m.name, path), m.addr))
		}
		return j.phrase(name) + ":" + strings.Join(ms, ", ") + ";"
	}
	if !isASCII([]byte(it.addr)) || hasControl(it.addr) {
		text := it.addr
		if name != "" {
			text = name + " <" + it.addr + ">"
		}
		j.res.Add(sanitize.ActRebuilt, path, "repaired: address with a non-ASCII mailbox kept as text")
		return j.displayOnly(text, path)
	}
	return j.formatAddress(name, it.addr)
}

// cleanName decodes a display name and removes control and format characters.
func (j *job) cleanName(name, path string) string {
	if name == "" {
		return ""
	}
	d, _ := decodeWords(name)
	d, removed := cleanControls(d)
	if removed > 0 {
		j.res.Add(sanitize.ActRemovedControlChars, path, fmt.Sprintf("%d control or invisible format characters removed from a display name", removed))
	}
	return strings.TrimSpace(d)
}

// displayOnly writes text as the name of an empty group.
func (j *job) displayOnly(text, path string) string {
	text, removed := cleanControls(text)
	if removed > 0 {
		j.res.Add(sanitize.ActRemovedControlChars, path, fmt.Sprintf("%d control or invisible format characters removed", removed))
	}
	text = strings.Join(strings.Fields(text), " ")
	if text == "" {
		return ""
	}
	return j.phrase(text) + ":;"
}

// phrase writes a display name: atoms, a quoted-string, or encoded-words.
func (j *job) phrase(name string) string {
	if isASCII([]byte(name)) && !strings.Contains(name, "=?") {
		return quotePhrase(name)
	}
	return j.encodeWords(name)
}

func (j *job) formatAddress(name, addr string) string {
	if name == "" {
		return "<" + addr + ">"
	}
	return j.phrase(name) + " <" + addr + ">"
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
