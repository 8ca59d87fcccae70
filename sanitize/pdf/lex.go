package pdf

import (
	"errors"
	"strconv"
)

// The lexer reads PDF tokens (7.2, 7.3) from content streams, CMaps and calculator
// functions. It shares nothing with pdfcpu's parser: what it returns is what the output
// is rebuilt from, so a second reading of the input cannot put anything else there.

type tokKind uint8

const (
	tEOF tokKind = iota
	tInt
	tReal
	tName
	tStr
	tArrOpen
	tArrClose
	tDictOpen
	tDictClose
	tBraceOpen
	tBraceClose
	tKeyword
)

type token struct {
	kind tokKind
	i    int64
	f    float64
	b    []byte // name (decoded), string (decoded) or keyword
}

var errSyntax = errors.New("syntax error")

// maxNesting bounds arrays and dictionaries inside a stream's operands.
const maxNesting = 32

type lexer struct {
	data []byte
	pos  int
	// strs, when set, holds the bytes of hex strings read (content streams): they are
	// appended to its memory instead of each allocated, until the caller empties it.
	strs *[]byte
}

// Character classes (7.2.3), looked up once per byte.
const (
	cSpace = 1 << iota
	cDelim
)

var charClass = func() (t [256]uint8) {
	for _, c := range []byte{0, '\t', '\n', '\f', '\r', ' '} {
		t[c] = cSpace
	}
	for _, c := range []byte("()<>[]{}/%") {
		t[c] = cDelim
	}
	return t
}()

func isSpace(c byte) bool { return charClass[c] == cSpace }

func isDelim(c byte) bool { return charClass[c] == cDelim }

// skip passes whitespace and comments.
func (l *lexer) skip() {
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		if charClass[c] == cSpace {
			l.pos++
			continue
		}
		if c == '%' {
			for l.pos < len(l.data) && l.data[l.pos] != '\n' && l.data[l.pos] != '\r' {
				l.pos++
			}
			continue
		}
		return
	}
}

func (l *lexer) next() (token, error) {
	l.skip()
	if l.pos >= len(l.data) {
		return token{kind: tEOF}, nil
	}
	c := l.data[l.pos]
	switch c {
	case '[':
		l.pos++
		return token{kind: tArrOpen}, nil
	case ']':
		l.pos++
		return token{kind: tArrClose}, nil
	case '{':
		l.pos++
		return token{kind: tBraceOpen}, nil
	case '}':
		l.pos++
		return token{kind: tBraceClose}, nil
	case '/':
		l.pos++
		return token{kind: tName, b: l.name()}, nil
	case '(':
		l.pos++
		s, err := l.literal()
		return token{kind: tStr, b: s}, err
	case '<':
		if l.pos+1 < len(l.data) && l.data[l.pos+1] == '<' {
			l.pos += 2
			return token{kind: tDictOpen}, nil
		}
		l.pos++
		s, err := l.hex()
		return token{kind: tStr, b: s}, err
	case '>':
		if l.pos+1 < len(l.data) && l.data[l.pos+1] == '>' {
			l.pos += 2
			return token{kind: tDictClose}, nil
		}
		return token{}, errSyntax
	case ')':
		return token{}, errSyntax
	}
	start := l.pos
	for l.pos < len(l.data) && charClass[l.data[l.pos]] == 0 {
		l.pos++
	}
	word := l.data[start:l.pos]
	if t, ok := number(word); ok {
		return t, nil
	}
	return token{kind: tKeyword, b: word}, nil
}

// number parses an integer or a real as 7.3.3 writes them (no exponent, no radix).
func number(w []byte) (token, bool) {
	if len(w) == 0 || len(w) > 64 {
		return token{}, false
	}
	digits, dot := 0, false
	for i, c := range w {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		case (c == '+' || c == '-') && i == 0:
		default:
			return token{}, false
		}
	}
	if digits == 0 {
		return token{}, false
	}
	if !dot && len(w) <= 18 || dot && digits <= 15 {
		// The common cases, without strconv. A real of up to 15 digits is their integer
		// (below 2^53) over a power of ten (at most 10^15), both exact float64s, so the
		// quotient is the correctly rounded value of the decimal: what ParseFloat returns.
		var i int64
		frac, seen := 0, false
		for _, c := range w {
			switch {
			case c >= '0' && c <= '9':
				i = i*10 + int64(c-'0')
				if seen {
					frac++
				}
			case c == '.':
				seen = true
			}
		}
		neg := w[0] == '-'
		if !dot {
			if neg {
				i = -i
			}
			return token{kind: tInt, i: i}, true
		}
		f := float64(i) / pow10[frac]
		if neg {
			f = -f
		}
		return token{kind: tReal, f: f}, true
	}
	f, err := strconv.ParseFloat(string(w), 64)
	if err != nil {
		return token{}, false
	}
	return token{kind: tReal, f: f}, true
}

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func (l *lexer) name() []byte {
	// Names without #xx escapes are their own bytes, as keywords are.
	for i := l.pos; i <= len(l.data); i++ {
		if i == len(l.data) || isSpace(l.data[i]) || isDelim(l.data[i]) {
			s := l.data[l.pos:i:i]
			l.pos = i
			return s
		}
		if l.data[i] == '#' {
			break
		}
	}
	var out []byte
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		if isSpace(c) || isDelim(c) {
			break
		}
		if c == '#' && l.pos+2 < len(l.data) {
			h, ok1 := unhex(l.data[l.pos+1])
			lo, ok2 := unhex(l.data[l.pos+2])
			if ok1 && ok2 {
				out = append(out, h<<4|lo)
				l.pos += 3
				continue
			}
		}
		out = append(out, c)
		l.pos++
	}
	return out
}

// literal reads a literal string after its opening parenthesis (7.3.4.2).
func (l *lexer) literal() ([]byte, error) {
	// Most strings hold no escape and no CR: they are their own bytes, returned without a
	// copy (capped so that nothing appends into the stream).
	for i, depth := l.pos, 1; i < len(l.data); i++ {
		switch l.data[i] {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				s := l.data[l.pos:i:i]
				l.pos = i + 1
				return s, nil
			}
		case '\\', '\r':
			i = len(l.data)
		}
	}
	var out []byte
	depth := 1
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return out, nil
			}
		case '\r':
			// An unescaped end of line is read as a line feed.
			if l.pos < len(l.data) && l.data[l.pos] == '\n' {
				l.pos++
			}
			c = '\n'
		case '\\':
			if l.pos >= len(l.data) {
				return out, errSyntax
			}
			e := l.data[l.pos]
			l.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.pos < len(l.data) && l.data[l.pos] == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.pos < len(l.data) && l.data[l.pos] >= '0' && l.data[l.pos] <= '7'; k++ {
						v = v*8 + int(l.data[l.pos]-'0')
						l.pos++
					}
					c = byte(v)
				} else {
					c = e // \( \) \\ and an unknown escape, whose backslash is ignored
				}
			}
		}
		out = append(out, c)
	}
	return out, errSyntax
}

// hex reads a hexadecimal string after its '<' (7.3.4.3).
func (l *lexer) hex() ([]byte, error) {
	var out []byte
	if l.strs != nil {
		// Sized first, so that the string is one piece of the arena's memory.
		digits := 0
		for i := l.pos; i < len(l.data) && l.data[i] != '>'; i++ {
			if !isSpace(l.data[i]) {
				digits++
			}
		}
		n, arena := (digits+1)/2, *l.strs
		if cap(arena)-len(arena) < n {
			// Strings read before keep the old memory.
			arena = make([]byte, 0, max(4096, 2*n))
		}
		out = arena[len(arena) : len(arena) : len(arena)+n]
		*l.strs = arena[:len(arena)+n]
	}
	var hi byte
	half := false
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		l.pos++
		if c == '>' {
			if half {
				out = append(out, hi<<4)
			}
			return out, nil
		}
		if isSpace(c) {
			continue
		}
		v, ok := unhex(c)
		if !ok {
			return nil, errSyntax
		}
		if half {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	return nil, errSyntax
}

// object reads one operand that starts with t: a number, name, string, array,
// dictionary or the keywords true, false and null. ok is false for an operator.
func (l *lexer) object(t token, depth int) (any, bool, error) {
	switch t.kind {
	case tInt:
		return t.i, true, nil
	case tReal:
		return t.f, true, nil
	case tName:
		return name(t.b), true, nil
	case tStr:
		return str(t.b), true, nil
	case tKeyword:
		switch string(t.b) {
		case "true":
			return true, true, nil
		case "false":
			return false, true, nil
		case "null":
			return nil, true, nil
		}
		return nil, false, nil
	case tArrOpen:
		if depth >= maxNesting {
			return nil, true, errSyntax
		}
		a := array{}
		for {
			e, err := l.next()
			if err != nil {
				return nil, true, err
			}
			if e.kind == tArrClose {
				return a, true, nil
			}
			if e.kind == tEOF {
				return nil, true, errSyntax
			}
			v, ok, err := l.object(e, depth+1)
			if err != nil {
				return nil, true, err
			}
			if !ok {
				return nil, true, errSyntax
			}
			a = append(a, v)
		}
	case tDictOpen:
		if depth >= maxNesting {
			return nil, true, errSyntax
		}
		d := dict{}
		for {
			k, err := l.next()
			if err != nil {
				return nil, true, err
			}
			if k.kind == tDictClose {
				return d, true, nil
			}
			if k.kind != tName {
				return nil, true, errSyntax
			}
			vt, err := l.next()
			if err != nil {
				return nil, true, err
			}
			v, ok, err := l.object(vt, depth+1)
			if err != nil {
				return nil, true, err
			}
			if !ok {
				return nil, true, errSyntax
			}
			d[string(k.b)] = v
		}
	}
	return nil, true, errSyntax
}
