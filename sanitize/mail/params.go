package mail

import (
	"sort"
	"strconv"
	"strings"
)

// mediaValue is a parsed Content-Type or Content-Disposition value.
type mediaValue struct {
	value  string            // lower-cased type or disposition
	params map[string]string // decoded to UTF-8
	// others holds the values another reader could take for a parameter: a differing
	// duplicate, or the plain form beside an RFC 2231 extended one.
	others map[string][]string
	// split reports that two readers would take different values of some parameter.
	split bool
	// shown holds the values that had control or invisible format characters removed, as
	// they were: the notice shows them with visible markers.
	shown map[string]string
}

// other records v as another reader's value of the parameter k.
func (mv *mediaValue) other(k, v string) {
	if mv.others == nil {
		mv.others = map[string][]string{}
	}
	for _, x := range mv.others[k] {
		if x == v {
			return
		}
	}
	mv.others[k] = append(mv.others[k], v)
	mv.split = true
}

// parseMedia parses "type/sub; k=v; ..." with RFC 2231 extended and continued parameters
// in any charset (mime.ParseMediaType only knows UTF-8 and ASCII: a Shift_JIS or
// ISO-2022-JP filename*= would come back empty), encoded-words inside quoted values (a
// widespread violation) and raw 8-bit values. Of a parameter given twice with different
// values the first is read, of an extended and a plain form the extended one (RFC 2231
// §4); with lastWins the other side is taken (what a reader that keeps the last value or
// does not know RFC 2231 sees). Either way the other value is kept in others.
func parseMedia(raw []byte, lastWins bool) (mediaValue, textNotes, error) {
	var notes textNotes
	s := string(raw)
	if !isASCII(raw) {
		label, _, err := detect8bit(raw)
		if err != nil {
			return mediaValue{}, nil, err
		}
		d, bad, err := decodeBytes(label, raw)
		if err != nil {
			return mediaValue{}, nil, err
		}
		notes.add("raw 8-bit parameter bytes decoded as %s", label)
		if bad > 0 {
			notes.add("%d undecodable characters marked 〓", bad)
		}
		s = d
	}
	parts := splitParams(s)
	mv := mediaValue{value: mediaType(parts[0]), params: map[string]string{}}
	type seg struct {
		v   string
		enc bool
	}
	plain := map[string]string{}
	star := map[string]string{}
	starAlt := map[string][]string{}
	cont := map[string]map[int]seg{}
	for _, p := range parts[1:] {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		eq := strings.IndexByte(p, '=')
		if eq <= 0 {
			notes.add("parameter without value %q ignored", clip([]byte(p)))
			continue
		}
		name := strings.ToLower(strings.TrimSpace(p[:eq]))
		val := unquote(strings.TrimSpace(p[eq+1:]))
		switch {
		case strings.Count(name, "*") == 0:
			if old, ok := plain[name]; ok && old != val {
				notes.add("parameter %s given twice with different values: the first is used", name)
				mv.other(name, plainValue(val))
				if !lastWins {
					continue
				}
				mv.other(name, plainValue(old))
			} else if ok {
				notes.add("duplicate parameter %s", name)
			}
			plain[name] = val
		case strings.HasSuffix(name, "*") && strings.Count(name, "*") == 1:
			base := strings.TrimSuffix(name, "*")
			if old, ok := star[base]; ok && old != val {
				notes.add("parameter %s given twice with different values: the first is used", name)
				starAlt[base] = append(starAlt[base], val, old)
				if !lastWins {
					continue
				}
			}
			star[base] = val
		default:
			enc := strings.HasSuffix(name, "*")
			n := strings.TrimSuffix(name, "*")
			i := strings.LastIndexByte(n, '*')
			if i < 0 {
				notes.add("malformed parameter name %q ignored", name)
				continue
			}
			idx, err := strconv.Atoi(n[i+1:])
			if err != nil || idx < 0 || idx > 999 {
				notes.add("malformed parameter name %q ignored", name)
				continue
			}
			base := n[:i]
			if cont[base] == nil {
				cont[base] = map[int]seg{}
			}
			if old, ok := cont[base][idx]; ok && old.v != val {
				notes.add("parameter %s given twice with different values: the first is used", name)
				mv.split = true
				if !lastWins {
					continue
				}
			}
			cont[base][idx] = seg{val, enc}
		}
	}
	for base, segs := range cont {
		idxs := make([]int, 0, len(segs))
		for i := range segs {
			idxs = append(idxs, i)
		}
		sort.Ints(idxs)
		var cs string
		var buf []byte
		for k, i := range idxs {
			if i != k {
				notes.add("parameter %s continuation has a gap at %d", base, k)
				break
			}
			sg := segs[i]
			v := sg.v
			if sg.enc && i == 0 {
				var ok bool
				cs, v, ok = split2231(v)
				if !ok {
					notes.add("malformed RFC 2231 value for %s", base)
				}
			}
			if sg.enc {
				buf = append(buf, pctDecode(v)...)
			} else {
				buf = append(buf, v...)
			}
		}
		v, n := decode2231Bytes(cs, buf)
		notes = append(notes, mv.takeShown(base, n)...)
		// A continuation wins over a single extended value of the same name; it is
		// already decoded, so it skips the star loop below.
		delete(star, base)
		mv.params[base] = v
	}
	for base, vs := range starAlt {
		for _, v := range vs {
			cs, rest, _ := split2231(v)
			d, _ := decode2231Bytes(cs, pctDecode(rest))
			mv.other(base, d)
		}
	}
	for base, v := range star {
		cs, rest, ok := split2231(v)
		if !ok {
			notes.add("malformed RFC 2231 value for %s", base)
		}
		d, n := decode2231Bytes(cs, pctDecode(rest))
		notes = append(notes, mv.takeShown(base, n)...)
		mv.params[base] = d
	}
	for k, v := range plain {
		d, n := decodeWords(v)
		d, removed := cleanControls(d)
		if ext, ok := mv.params[k]; ok {
			// RFC 2231 §4: the extended form wins over the plain fallback, for readers
			// that know it.
			if d != ext {
				mv.other(k, d)
				if lastWins {
					mv.other(k, ext)
					mv.params[k] = d
				}
			}
			continue
		}
		notes = append(notes, n...)
		if removed > 0 {
			notes.add("%d control characters removed from %s", removed, k)
			raw, _ := decodeWords(v)
			mv.takeShown(k, textNotes{shownPrefix + raw})
		}
		mv.params[k] = d
	}
	return mv, notes, nil
}

// takeShown moves the shown value of parameter k out of notes into mv.shown.
func (mv *mediaValue) takeShown(k string, notes textNotes) textNotes {
	var out textNotes
	for _, n := range notes {
		if v, ok := strings.CutPrefix(n, shownPrefix); ok {
			if mv.shown == nil {
				mv.shown = map[string]string{}
			}
			mv.shown[k] = v
			continue
		}
		out = append(out, n)
	}
	return out
}

// plainValue decodes a plain parameter value the way parseMedia does.
func plainValue(v string) string {
	d, _ := decodeWords(v)
	d, _ = cleanControls(d)
	return d
}

func decode2231Bytes(cs string, b []byte) (string, textNotes) {
	var notes textNotes
	if cs == "" {
		cs = "us-ascii"
	}
	if normCharset(cs) == "us-ascii" && !isASCII(b) {
		label, _, err := detect8bit(b)
		if err == nil {
			cs = label
		}
	}
	d, bad, err := decodeBytes(cs, b)
	if err != nil {
		notes.add("RFC 2231 value in %s", err)
		d, bad, _ = markInvalid(b)
	}
	if bad > 0 {
		notes.add("%d undecodable characters marked 〓", bad)
	}
	c, removed := cleanControls(d)
	if removed > 0 {
		notes.add("%d control characters removed", removed)
		notes = append(notes, shownPrefix+d)
	}
	return c, notes
}

// shownPrefix marks a note that carries a value as it was before its controls were
// removed; parseMedia takes it out of the notes.
const shownPrefix = "\x00shown:"

// split2231 splits "charset'lang'value".
func split2231(v string) (cs, rest string, ok bool) {
	a := strings.IndexByte(v, '\'')
	if a < 0 {
		return "", v, false
	}
	b := strings.IndexByte(v[a+1:], '\'')
	if b < 0 {
		return "", v, false
	}
	return v[:a], v[a+1+b+1:], true
}

func pctDecode(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if h, ok := unhex2(s[i+1], s[i+2]); ok {
				out = append(out, h)
				i += 2
				continue
			}
		}
		out = append(out, s[i])
	}
	return out
}

// splitParams splits on semicolons outside quoted strings.
func splitParams(s string) []string {
	var out []string
	start, inQ := 0, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if inQ {
				i++
			}
		case '"':
			inQ = !inQ
		case ';':
			if !inQ {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

func unquote(v string) string {
	if len(v) >= 2 && v[0] == '"' {
		end := strings.LastIndexByte(v, '"')
		if end <= 0 {
			end = len(v)
		}
		inner := v[1:end]
		var b strings.Builder
		for i := 0; i < len(inner); i++ {
			if inner[i] == '\\' && i+1 < len(inner) {
				i++
			}
			b.WriteByte(inner[i])
		}
		return b.String()
	}
	return stripComment(v)
}

// mediaType reads "type/subtype" as a structured field (RFC 2045 §5.1 with the RFC 822
// lexical rules): comments are white space and white space may surround the "/". What is
// left with a space inside is two tokens, not a type.
func mediaType(v string) string {
	v = strings.Join(strings.Fields(removeComments(v)), " ")
	v = strings.ReplaceAll(strings.ReplaceAll(v, " /", "/"), "/ ", "/")
	return strings.ToLower(v)
}

// removeComments replaces every (nested) comment outside a quoted string with a space.
func removeComments(v string) string {
	if !strings.Contains(v, "(") {
		return v
	}
	var b strings.Builder
	depth, inQ := 0, false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\' && (inQ || depth > 0) && i+1 < len(v):
			if depth == 0 {
				b.WriteByte(c)
				b.WriteByte(v[i+1])
			}
			i++
			continue
		case c == '"' && depth == 0:
			inQ = !inQ
		case c == '(' && !inQ:
			depth++
			continue
		case c == ')' && depth > 0:
			depth--
			if depth == 0 {
				b.WriteByte(' ')
			}
			continue
		}
		if depth == 0 {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func stripComment(v string) string {
	if i := strings.IndexByte(v, '('); i >= 0 {
		v = v[:i]
	}
	return strings.TrimSpace(v)
}
