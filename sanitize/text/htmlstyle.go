package text

import (
	"strconv"
	"strings"
)

// hiddenStyle reports whether CSS declarations (a style attribute, or one rule's body) hide
// the element. It covers what mail and phishing pages use to hide text from the reader
// while keeping it for filters: display:none, visibility:hidden, an unreadable font size,
// opacity:0, a transparent colour, mso-hide:all, a zero height or width with
// overflow:hidden (the newsletter "preheader"), clipping or scaling to nothing, and text
// pushed far off-screen. Colour equal to the background is not detected.
func hiddenStyle(decls string) bool {
	if decls == "" {
		return false
	}
	decls = cssClean(decls)
	var zeroBox, overflowHidden bool
	for decl := range strings.SplitSeq(decls, ";") {
		prop, val, ok := strings.Cut(decl, ":")
		if !ok {
			continue
		}
		prop = strings.TrimSpace(prop)
		if i := strings.IndexByte(val, '!'); i >= 0 {
			val = val[:i] // "! important"
		}
		val = strings.TrimSpace(val)
		switch prop {
		case "display":
			if val == "none" {
				return true
			}
		case "visibility":
			if val == "hidden" || val == "collapse" {
				return true
			}
		case "mso-hide":
			if val == "all" {
				return true
			}
		case "opacity":
			if isZeroLength(val) {
				return true
			}
		case "font-size":
			if tinyFont(val) {
				return true
			}
		case "color":
			if val == "transparent" || strings.HasPrefix(val, "rgba(") && isZeroLength(strings.TrimSuffix(val[strings.LastIndexByte(val, ',')+1:], ")")) {
				return true
			}
		case "clip":
			if strings.HasPrefix(val, "rect(") && allZero(val[5:]) {
				return true
			}
		case "clip-path":
			if val == "inset(50%)" || val == "circle(0)" || val == "circle(0px)" {
				return true
			}
		case "transform":
			if strings.HasPrefix(val, "scale(") && isZeroLength(strings.TrimSuffix(val[6:], ")")) {
				return true
			}
		case "max-height", "height", "max-width", "width":
			if isZeroLength(val) {
				zeroBox = true
			}
		case "overflow", "overflow-x", "overflow-y":
			if val == "hidden" || val == "clip" {
				overflowHidden = true
			}
		case "text-indent", "left", "top", "margin-left", "margin-top":
			if offScreen(val) {
				return true
			}
		}
	}
	return zeroBox && overflowHidden
}

// cssClean lowercases, drops comments and decodes backslash escapes, so that
// "disp/**/lay: n\6f ne" reads as the browser reads it.
func cssClean(s string) string {
	s = strings.ToLower(s)
	if !strings.Contains(s, "/*") && !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '/' && i+1 < len(s) && s[i+1] == '*':
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return b.String()
			}
			i += end + 3
		case s[i] == '\\' && i+1 < len(s):
			j := i + 1
			for j < len(s) && j < i+7 && isHex(s[j]) {
				j++
			}
			if j == i+1 {
				b.WriteByte(s[j])
				i = j
				continue
			}
			if v, err := strconv.ParseUint(s[i+1:j], 16, 32); err == nil && v > 0 && v < 0x110000 {
				b.WriteRune(rune(v))
			}
			if j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n') {
				j++
			}
			i = j - 1
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// isZeroLength reports "0", "0px", "0.0em", "0%" and the like.
func isZeroLength(v string) bool {
	n := strings.TrimRight(v, "abcdefghijklmnopqrstuvwxyz%")
	if n == "" {
		return false
	}
	f, err := strconv.ParseFloat(n, 64)
	return err == nil && f == 0
}

// tinyFont reports font sizes nobody can read: under 2px, 1.5pt, 0.2em or 20%. Mail
// "preheaders" are hidden this way as often as with display:none.
func tinyFont(v string) bool {
	unit := strings.TrimLeft(v, "0123456789.+-")
	f, err := strconv.ParseFloat(v[:len(v)-len(unit)], 64)
	if err != nil {
		return false
	}
	switch unit {
	case "", "px":
		return f < 2
	case "pt":
		return f < 1.5
	case "em", "rem", "ex", "ch":
		return f < 0.2
	case "%":
		return f < 20
	}
	return false
}

// allZero reports whether every length in "0, 0px, 0 0)" is zero.
func allZero(v string) bool {
	fields := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == ')' })
	for _, f := range fields {
		if !isZeroLength(f) {
			return false
		}
	}
	return len(fields) > 0
}

// offScreen reports lengths of -999px or beyond, the classic off-screen hiding trick.
func offScreen(v string) bool {
	n := strings.TrimRight(v, "abcdefghijklmnopqrstuvwxyz%")
	f, err := strconv.ParseFloat(n, 64)
	return err == nil && f <= -999
}

// styleSheet collects the class, id and tag selectors that top-level rules of <style>
// elements hide. Rules inside @media and other at-rules are conditional (a "hide on
// mobile" column is visible on a desktop) and are not applied; selectors with
// combinators or pseudo-classes are not matched. Only style elements that come before an
// element are applied to it: the converter streams.
type styleSheet struct {
	classes map[string]bool
	ids     map[string]bool
	tags    map[string]bool
	n       int
}

// maxHiddenSelectors bounds what a hostile style sheet can make us remember.
const maxHiddenSelectors = 4096

func (ss *styleSheet) add(css string) {
	css = cssClean(css)
	depth := 0
	start := 0
	sel := ""
	for i := 0; i < len(css); i++ {
		switch css[i] {
		case '{':
			if depth == 0 {
				sel = strings.TrimSpace(css[start:i])
			}
			depth++
			start = i + 1
		case '}':
			if depth == 1 && !strings.HasPrefix(sel, "@") && hiddenStyle(css[start:i]) {
				for s := range strings.SplitSeq(sel, ",") {
					ss.addSelector(strings.TrimSpace(s))
				}
			}
			if depth > 0 {
				depth--
			}
			start = i + 1
		case ';':
			if depth == 0 {
				start = i + 1 // @import ...; @charset ...;
			}
		}
	}
}

func (ss *styleSheet) addSelector(s string) {
	if s == "" || ss.n >= maxHiddenSelectors || strings.ContainsAny(s, " >+~:[*") {
		return
	}
	var m *map[string]bool
	key := s
	switch {
	case strings.HasPrefix(s, "."):
		m, key = &ss.classes, s[1:]
	case strings.HasPrefix(s, "#"):
		m, key = &ss.ids, s[1:]
	case strings.Contains(s, "."):
		// tag.class: applied as the class alone, which can only hide more.
		m, key = &ss.classes, s[strings.IndexByte(s, '.')+1:]
	case strings.Contains(s, "#"):
		m, key = &ss.ids, s[strings.IndexByte(s, '#')+1:]
	default:
		m = &ss.tags
	}
	if strings.ContainsAny(key, ".#") {
		return // a compound selector such as .a.b: not matched
	}
	if *m == nil {
		*m = map[string]bool{}
	}
	if !(*m)[key] {
		(*m)[key] = true
		ss.n++
	}
}

// hides reports whether the collected rules hide an element with this tag, class list
// and id.
func (ss *styleSheet) hides(tag, class, id string) bool {
	if ss.n == 0 {
		return false
	}
	if ss.tags[tag] || id != "" && ss.ids[strings.ToLower(id)] {
		return true
	}
	if class != "" && len(ss.classes) > 0 {
		for c := range strings.FieldsSeq(strings.ToLower(class)) {
			if ss.classes[c] {
				return true
			}
		}
	}
	return false
}
