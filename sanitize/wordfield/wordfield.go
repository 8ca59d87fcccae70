// Package wordfield reads Word field instructions (the text of a docx w:instrText or
// w:fldSimple, an RTF \fldinst, a field code LibreOffice keeps for a field it does not
// handle) into a type, its arguments and its switches, and judges them on the positive
// model: a field is kept only when its type is on the allow-list (types.go) and, for
// HYPERLINK, when every argument a reader could take as the target is a web or mail
// address.
//
// Word reads an instruction as whitespace-separated words. The first is the field type;
// "..." quotes a word (\" is a quote and \\ a backslash inside it); a word starting with
// a backslash is a switch, one character after the backslash (\l, \o, \*, \@, \#), whose
// argument, for the switches that take one, is the next word. Word and LibreOffice take
// the last argument that is not a switch's as a HYPERLINK's target: "HYPERLINK \l top
// file://x" goes to file://x, not to the bookmark.
package wordfield

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sekisho/sekisho/sanitize/mailto"
)

// Switch is one switch of a field: its name with the backslash (\l) and its argument.
type Switch struct {
	Name   string
	Arg    string
	HasArg bool
}

// Field is a parsed instruction.
type Field struct {
	Type     string   // upper case; "=" for a formula field
	Args     []string // arguments that belong to no switch, unquoted
	Switches []Switch
}

// MaxLen bounds an instruction; Word's own limit is far lower.
const MaxLen = 64 << 10

// The classes of refusal, for the report. Check wraps one of them.
var (
	ErrSyntax   = errors.New("field instruction unreadable")
	ErrType     = errors.New("field type not on the allow-list")
	ErrDDE      = errors.New("DDE field")
	ErrExternal = errors.New("field reads another file or program")
	ErrMacro    = errors.New("field runs a macro")
	ErrLink     = errors.New("hyperlink target not allowed")
)

// word is one lexical word of an instruction.
type word struct {
	text   string
	quoted bool
}

func lex(instr string) ([]word, error) {
	if len(instr) > MaxLen {
		return nil, fmt.Errorf("%w: longer than %d bytes", ErrSyntax, MaxLen)
	}
	out := make([]word, 0, 8)
	s := instr
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case isSpace(c):
			i++
		case c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' && j+1 < len(s) && (s[j+1] == '"' || s[j+1] == '\\') {
					j++
				}
				b.WriteByte(s[j])
			}
			if j >= len(s) {
				return nil, fmt.Errorf("%w: unterminated quote", ErrSyntax)
			}
			out = append(out, word{text: b.String(), quoted: true})
			i = j + 1
		case c == '\\' && i+1 < len(s):
			// A switch: the backslash and one character; what follows without a space
			// is its attached argument, read as the next word.
			out = append(out, word{text: s[i : i+2]})
			i += 2
		default:
			j := i
			for j < len(s) && !isSpace(s[j]) && s[j] != '"' {
				j++
			}
			out = append(out, word{text: s[i:j]})
			i = j
		}
	}
	return out, nil
}

// isSpace reports the bytes that separate words. NUL separates too: a reader that stops
// at it and one that skips it must not see different words.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0 }

// argSwitches take an argument in every field: format, date and number pictures.
var argSwitches = map[string]bool{`\*`: true, `\@`: true, `\#`: true}

// Parse reads an instruction. Which switches of a type take an argument comes from the
// type's entry in types.go; unknown types take none.
func Parse(instr string) (Field, error) {
	words, err := lex(instr)
	if err != nil {
		return Field{}, err
	}
	if len(words) == 0 {
		return Field{}, fmt.Errorf("%w: empty", ErrSyntax)
	}
	var f Field
	first := words[0]
	switch {
	case first.quoted || strings.HasPrefix(first.text, `\`):
		// Word reads no type from a quoted word or a switch; neither does this.
		return Field{}, fmt.Errorf("%w: %q where the field type belongs", ErrType, clip(first.text))
	case strings.HasPrefix(first.text, "="):
		f.Type = "="
		if rest := first.text[1:]; rest != "" {
			f.Args = append(f.Args, rest)
		}
	default:
		f.Type = strings.ToUpper(first.text)
	}
	takes := types[f.Type].argSwitches
	for i := 1; i < len(words); i++ {
		w := words[i]
		if w.quoted || !strings.HasPrefix(w.text, `\`) || len(w.text) != 2 {
			f.Args = append(f.Args, w.text)
			continue
		}
		sw := Switch{Name: w.text}
		if (argSwitches[sw.Name] || strings.Contains(takes, sw.Name[1:])) && i+1 < len(words) {
			if nw := words[i+1]; nw.quoted || !strings.HasPrefix(nw.text, `\`) || len(nw.text) != 2 {
				sw.Arg, sw.HasArg = nw.text, true
				i++
			}
		}
		f.Switches = append(f.Switches, sw)
	}
	return f, nil
}

// Check parses and judges an instruction: nil when the field may stay.
func Check(instr string) error {
	f, err := Parse(instr)
	if err != nil {
		return err
	}
	return f.Check()
}

// Check judges a parsed field.
func (f Field) Check() error {
	t, ok := types[f.Type]
	if !ok {
		if why, ok := refused[f.Type]; ok {
			return fmt.Errorf("%w: %s (%s)", why.class, f.Type, why.reason)
		}
		return fmt.Errorf("%w: %s", ErrType, clip(f.Type))
	}
	if f.Type == "HYPERLINK" {
		return f.checkHyperlink(t)
	}
	return nil
}

// checkHyperlink: every argument that is not a switch's could be the target (Word and
// LibreOffice take the last, other readers the first), so each must be safe; \l names a
// bookmark; a tooltip or frame name must not look like a location either, in case a
// reader takes \o or \t for a flag.
func (f Field) checkHyperlink(t fieldType) error {
	place := false
	for _, sw := range f.Switches {
		n := sw.Name[1:]
		switch {
		case !strings.Contains(t.argSwitches+t.flagSwitches, n) && !argSwitches[sw.Name]:
			return fmt.Errorf("%w: unknown switch %s", ErrLink, sw.Name)
		case n == "l" && sw.HasArg:
			if strings.ContainsAny(sw.Arg, `:\/`) {
				return fmt.Errorf("%w: bookmark %q", ErrLink, clip(sw.Arg))
			}
			place = true
		case (n == "o" || n == "t") && sw.HasArg:
			if !SafeTarget(sw.Arg) && strings.ContainsAny(sw.Arg, `:\/`) {
				return fmt.Errorf("%w: %s %q", ErrLink, sw.Name, clip(sw.Arg))
			}
		}
	}
	for _, a := range f.Args {
		if !SafeTarget(a) && !SamePlace(a) {
			return fmt.Errorf("%w: %q", ErrLink, clip(a))
		}
	}
	if len(f.Args) == 0 && !place {
		return fmt.Errorf("%w: no target", ErrLink)
	}
	return nil
}

// SamePlace reports a target that is a bookmark of the same document ("#_top", as
// LibreOffice writes what Word writes as \l "_top"): a fragment with nothing a reader
// could resolve against another file or host. The RTF and OOXML families remove the
// hyperlink base that could make it relative to one.
func SamePlace(v string) bool {
	return len(v) > 1 && v[0] == '#' && !strings.ContainsAny(v, `:\/`)
}

// SafeTarget reports a link target a person may follow: http, https or mailto (asking
// for no more than recipients, subject and body: see package mailto).
func SafeTarget(v string) bool {
	t := strings.ToLower(strings.TrimSpace(v))
	for _, p := range []string{"http://", "https://", "mailto:"} {
		if strings.HasPrefix(t, p) && len(t) > len(p) {
			return mailto.Safe(t)
		}
	}
	return false
}

func clip(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "..."
}
