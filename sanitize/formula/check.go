package formula

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/sekisho/sekisho/sanitize/mailto"
)

// The classes of refusal. Check wraps exactly one of them; callers choose the report's
// action kind with errors.Is.
var (
	// ErrSyntax: the formula does not tokenize completely in its dialect.
	ErrSyntax = errSyntax
	// ErrDDE: a DDE reference (app|topic!item) or the DDE function.
	ErrDDE = errors.New("DDE")
	// ErrExternal: a reference into another workbook or file.
	ErrExternal = errors.New("reference to another file")
	// ErrFunction: a call to a function that is not on the allow-list.
	ErrFunction = errors.New("function not on the allow-list")
	// ErrLink: HYPERLINK whose target is not an http, https or mailto URL or a place in
	// the workbook.
	ErrLink = errors.New("hyperlink target not allowed")
	// ErrRemote: a function known to reach the network or another program (WEBSERVICE,
	// RTD, CALL, ...). It is a refinement of ErrFunction for the report.
	ErrRemote = errors.New("function with network, process or code access")
)

// Check reports whether the formula s, written in dialect d, is inert: nil when it
// tokenizes completely, calls only allow-listed functions and refers to nothing outside
// its own workbook. The error wraps one of the Err* classes.
func Check(d Dialect, s string) error {
	p := tokPool.Get().(*[]Token)
	defer func() {
		clear(*p) // the tokens hold substrings of s
		tokPool.Put(p)
	}()
	toks, err := tokenize(d, s, (*p)[:0])
	if err != nil {
		return err
	}
	*p = toks
	return judge(d, toks)
}

var tokPool = sync.Pool{New: func() any { s := make([]Token, 0, 64); return &s }}

// call is an open parenthesis while walking the tokens: a function call (name set) or a
// plain group.
type call struct {
	name  string
	arg   int     // index of the argument being read
	first []Token // HYPERLINK: the tokens of the first argument
}

func judge(d Dialect, toks []Token) error {
	var buf [16]call
	stack := buf[:0]
	indirect := false
	for i, t := range toks {
		switch t.Kind {
		case Func:
			if err := checkFunc(d, t.Value); err != nil {
				return err
			}
			if canonical(t.Value) == "INDIRECT" {
				indirect = true
			}
		case Open:
			if len(stack) >= maxNest {
				return syntaxf("parentheses nested deeper than %d", maxNest)
			}
			var c call
			if p := prevSolid(toks, i); p.Kind == Func {
				c.name = canonical(p.Value)
			}
			stack = append(stack, c)
			continue
		case Close:
			if len(stack) == 0 {
				return syntaxf("unbalanced )")
			}
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if c.name == "HYPERLINK" {
				if err := checkLinkArg(c.first); err != nil {
					return err
				}
			}
			continue
		case Sep:
			if n := len(stack); n > 0 {
				stack[n-1].arg++
			}
			continue
		case Sheet:
			if err := checkSheet(t.Value); err != nil {
				return err
			}
		case Ref:
			if err := checkRef(d, toks, i); err != nil {
				return err
			}
		}
		if n := len(stack); n > 0 && stack[n-1].name == "HYPERLINK" && stack[n-1].arg == 0 {
			stack[n-1].first = append(stack[n-1].first, t)
		}
	}
	if len(stack) != 0 {
		return syntaxf("unbalanced (")
	}
	if indirect {
		// LibreOffice's INDIRECT opens the file a reference string names
		// ('file:///x.ods'#$Sheet1.A1); Excel's reads open workbooks ([b.xlsx]S!A1). A
		// string that could spell either makes the formula refer outside the workbook.
		for _, t := range toks {
			if t.Kind == String && strings.ContainsAny(t.Value, `[]|\/#`) {
				return fmt.Errorf("%w: INDIRECT with the string %q", ErrExternal, clip(t.Value))
			}
		}
	}
	return nil
}

// prevSolid returns the token before i that is not space.
func prevSolid(toks []Token, i int) Token {
	for k := i - 1; k >= 0; k-- {
		if toks[k].Kind != Space {
			return toks[k]
		}
	}
	return Token{}
}

// canonical strips the prefixes under which files store built-in functions: _xlfn. and
// _xlws. (functions newer than the file format), COM.MICROSOFT. (Excel functions in ODF).
func canonical(name string) string {
	for _, p := range []string{"_XLFN.", "_XLWS.", "COM.MICROSOFT."} {
		name = strings.TrimPrefix(name, p)
	}
	return name
}

func checkFunc(d Dialect, raw string) error {
	name := canonical(raw)
	switch d {
	case Writer:
		if writerFunctions[strings.ToLower(name)] != "" {
			return nil
		}
	case Condition:
		if conditionKeywords[strings.ToLower(name)] != "" {
			return nil
		}
	}
	if d == Excel && strings.HasPrefix(name, "_XLPM.") {
		return nil // calling a LAMBDA parameter: a function built from allowed ones
	}
	if _, ok := functions[name]; ok {
		return nil
	}
	if why, ok := remote[name]; ok {
		return fmt.Errorf("%w: %s (%s)", ErrRemote, name, why)
	}
	if name == "DDE" {
		return fmt.Errorf("%w: the DDE function", ErrDDE)
	}
	return fmt.Errorf("%w: %s", ErrFunction, clip(raw))
}

// checkLinkArg judges HYPERLINK's first argument: one string literal naming a web or
// mail address, or a place inside the workbook. Anything computed cannot be vouched for.
func checkLinkArg(first []Token) error {
	var lit *Token
	for k := range first {
		switch first[k].Kind {
		case Space:
		case String:
			if lit != nil {
				return fmt.Errorf("%w: computed target", ErrLink)
			}
			lit = &first[k]
		default:
			return fmt.Errorf("%w: computed target", ErrLink)
		}
	}
	if lit == nil {
		return fmt.Errorf("%w: no target", ErrLink)
	}
	if !SafeTarget(lit.Value) {
		return fmt.Errorf("%w: %q", ErrLink, clip(lit.Value))
	}
	return nil
}

// SafeTarget reports a hyperlink target a person may follow: an http, https or mailto
// URL (asking for no more than recipients, subject and body: see package mailto), or a
// place inside the document (#Sheet2!A1).
func SafeTarget(v string) bool {
	t := strings.ToLower(strings.TrimSpace(v))
	if strings.HasPrefix(t, "#") {
		return !strings.ContainsAny(t, `\/|[]`)
	}
	for _, p := range []string{"http://", "https://", "mailto:"} {
		if strings.HasPrefix(t, p) {
			return mailto.Safe(t)
		}
	}
	return false
}

// checkSheet refuses sheet qualifiers that hold a workbook or a path: Excel forbids
// []\/?* in sheet names, so any of them means the name is not a sheet of this workbook.
func checkSheet(name string) error {
	if strings.ContainsAny(name, `[]\/?*`) {
		return fmt.Errorf("%w: %q", ErrExternal, clip(name))
	}
	return nil
}

// checkRef judges a bracketed reference. Excel: a structured reference is followed by
// an operator, a separator or the end; a workbook index or name ([1], [b.xlsx]) is
// followed by the sheet or name it qualifies. ODF: a source IRI before '#'
// (['file:///x.ods'#$Sheet1.A1]) names another file.
func checkRef(d Dialect, toks []Token, i int) error {
	t := toks[i]
	switch d {
	case Excel:
		if i+1 < len(toks) {
			switch toks[i+1].Kind {
			case Name, Func, Sheet, Number, Ref, String:
				return fmt.Errorf("%w: %s%s", ErrExternal, clip(t.Text), clip(toks[i+1].Text))
			}
		}
		if prevSolid(toks, i).Kind != Name && isWorkbookIndex(t.Text) {
			return fmt.Errorf("%w: %s", ErrExternal, clip(t.Text))
		}
	case OpenFormula, Condition:
		if odfExternal(t.Text) {
			return fmt.Errorf("%w: %s", ErrExternal, clip(t.Text))
		}
	}
	return nil
}

// isWorkbookIndex reports [n], the form external references take in OOXML.
func isWorkbookIndex(s string) bool {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// odfExternal reports an ODF reference that names a source document: a '#' outside quotes
// that is not an error literal, or a quoted name holding a path or a scheme.
func odfExternal(ref string) bool {
	s := strings.TrimSuffix(strings.TrimPrefix(ref, "["), "]")
	quoted := false
	var name strings.Builder
	for j := 0; j < len(s); j++ {
		c := s[j]
		switch {
		case quoted && c == '\'' && j+1 < len(s) && s[j+1] == '\'':
			name.WriteByte('\'')
			j++
		case c == '\'':
			quoted = !quoted
			if !quoted {
				if strings.ContainsAny(name.String(), `/\:`) {
					return true
				}
				name.Reset()
			}
		case quoted:
			name.WriteByte(c)
		case c == '#':
			rest := strings.ToUpper(s[j:])
			lit := false
			for _, e := range errorLits {
				if strings.HasPrefix(rest, e) {
					lit = true
					j += len(e) - 1
					break
				}
			}
			if !lit {
				return true
			}
		case c == '/' || c == '\\':
			return true
		}
	}
	return quoted
}

// clip shortens a value quoted in an error.
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

// CheckAddress judges an ODF cell or range address attribute (table:cell-range-address,
// table:base-cell-address, chart:values-cell-range-address, ...): nil unless it names a
// source document ('file:///x.ods'#$Sheet1.A1) or cannot be read.
func CheckAddress(v string) error {
	if odfExternal("[" + v + "]") {
		return fmt.Errorf("%w: %s", ErrExternal, clip(v))
	}
	return nil
}
