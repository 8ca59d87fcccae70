package rtf

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/sekisho/sekisho/sanitize"
)

// Kind is the kind of a token.
type Kind uint8

const (
	EOF    Kind = iota
	Open        // {
	Close       // }
	Word        // \name or \nameN; for \binN, Bin holds the N raw bytes
	Symbol      // \ followed by one non-letter: \* \~ \- \_ \: \| \\ \{ \}
	Hex         // \'hh
	Text        // a run of plain bytes; CR and LF are not part of it (RTF ignores them)
)

// Token is one lexical unit. Name, Text and Bin are only valid until the next call to Next.
type Token struct {
	Kind     Kind
	Name     string // control word, without the backslash
	Param    int64
	HasParam bool
	Sym      byte   // control symbol character, or the byte of a \'hh escape
	Text     []byte // plain text
	Bin      []byte // \binN data
	Ctrl     int    // control characters (C0 except tab) dropped from Text
	Off      int64  // offset of the token in the input
}

// Limits of the lexer. MS's RTF 1.9.1 specification limits a control word to 32 letters and
// its parameter to a signed 16-bit integer; Word reads parameters as 32-bit values, so
// that is what we accept. Anything longer is a parser-differential trick (readers disagree
// on where an overlong word ends), refused as malformed rather than guessed at.
const (
	maxWordLen  = 32
	maxParamLen = 10
	maxTextRun  = 32 << 10
)

// ErrSyntax is wrapped (with sanitize.ErrMalformed) by every lexical error.
var ErrSyntax = errors.New("rtf syntax")

// Lexer splits RTF into tokens. It reads through a bufio.Reader and never holds more than
// one text run, one control word and one \bin payload in memory.
type Lexer struct {
	names map[string]string // interned control words; documents reuse a few hundred
	r     *bufio.Reader
	off   int64
	size  int64 // total input size, bounds \binN
	name  []byte
	text  []byte
	bin   []byte
}

// NewLexer reads size bytes from r.
func NewLexer(r io.Reader, size int64) *Lexer {
	return &Lexer{r: bufio.NewReaderSize(r, 64<<10), size: size, text: make([]byte, 0, 4096), names: map[string]string{}}
}

func (l *Lexer) errorf(format string, a ...any) error {
	return fmt.Errorf("%w: %w at offset %d: %s", sanitize.ErrMalformed, ErrSyntax, l.off, fmt.Sprintf(format, a...))
}

func (l *Lexer) readByte() (byte, error) {
	c, err := l.r.ReadByte()
	if err == nil {
		l.off++
	}
	return c, err
}

func (l *Lexer) unread() {
	l.r.UnreadByte()
	l.off--
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// Next returns the next token, or a token of kind EOF at the end of input.
func (l *Lexer) Next() (Token, error) {
	for {
		start := l.off
		c, err := l.readByte()
		if err == io.EOF {
			return Token{Kind: EOF, Off: start}, nil
		}
		if err != nil {
			return Token{}, err
		}
		switch c {
		case '{':
			return Token{Kind: Open, Off: start}, nil
		case '}':
			return Token{Kind: Close, Off: start}, nil
		case '\\':
			t, err := l.control()
			t.Off = start
			return t, err
		case '\r', '\n':
			continue // RTF readers ignore raw line breaks outside \bin data
		}
		l.unread()
		return l.textRun(start)
	}
}

func (l *Lexer) textRun(start int64) (Token, error) {
	l.text = l.text[:0]
	ctrl := 0
	for len(l.text) < maxTextRun {
		// Scan what bufio already holds instead of reading byte by byte: text and hex
		// picture data are most of a document.
		if l.r.Buffered() == 0 {
			if _, err := l.r.Peek(1); err == io.EOF {
				break
			} else if err != nil {
				return Token{}, err
			}
		}
		buf, _ := l.r.Peek(min(l.r.Buffered(), maxTextRun-len(l.text)))
		i := 0
		for i < len(buf) && textByte[buf[i]] {
			i++
		}
		l.text = append(l.text, buf[:i]...)
		if i == len(buf) {
			l.r.Discard(i)
			l.off += int64(i)
			continue
		}
		c := buf[i]
		if c == '{' || c == '}' || c == '\\' {
			l.r.Discard(i)
			l.off += int64(i)
			break
		}
		// A line break (ignored by RTF readers) or a C0 control: NUL and its kind make
		// some readers stop and others skip, so they are dropped and counted.
		if c != '\r' && c != '\n' {
			ctrl++
		}
		l.r.Discard(i + 1)
		l.off += int64(i + 1)
	}
	return Token{Kind: Text, Text: l.text, Ctrl: ctrl, Off: start}, nil
}

// textByte marks the bytes that are plain text: everything but braces, backslash, line
// breaks (ignored by RTF readers) and C0 controls other than tab.
var textByte = func() (t [256]bool) {
	for c := range t {
		t[c] = c >= 0x20 && c != '{' && c != '}' && c != '\\' && c != 0x7f || c == '\t'
	}
	return t
}()

// control reads what follows a backslash.
func (l *Lexer) control() (Token, error) {
	c, err := l.readByte()
	if err == io.EOF {
		return Token{}, l.errorf("backslash at end of input")
	}
	if err != nil {
		return Token{}, err
	}
	switch {
	case isLetter(c):
		return l.word(c)
	case c == '\'':
		var h [2]byte
		for i := range h {
			if h[i], err = l.readByte(); err != nil {
				return Token{}, l.errorf("truncated \\' escape")
			}
		}
		v, perr := strconv.ParseUint(string(h[:]), 16, 8)
		if perr != nil {
			return Token{}, l.errorf("bad hex escape \\'%q", h[:])
		}
		return Token{Kind: Hex, Sym: byte(v)}, nil
	case c == '\r' || c == '\n':
		// "\<newline>" is a synonym for \par.
		return Token{Kind: Word, Name: "par"}, nil
	case c >= 0x20 && c < 0x7f || c == '\t':
		// Symbols the specification does not define ("\ ", which TX Text Control
		// writes, "\!") are tokens too; the rewriter drops them (controlwords.go).
		return Token{Kind: Symbol, Sym: c}, nil
	}
	return Token{}, l.errorf("control symbol \\x%02x", c)
}

func (l *Lexer) word(first byte) (Token, error) {
	l.name = append(l.name[:0], first)
	for {
		c, err := l.readByte()
		if err == io.EOF {
			return Token{Kind: Word, Name: l.intern()}, nil
		}
		if err != nil {
			return Token{}, err
		}
		if isLetter(c) {
			if len(l.name) == maxWordLen {
				return Token{}, l.errorf("control word longer than %d letters (\\%s...)", maxWordLen, l.name)
			}
			l.name = append(l.name, c)
			continue
		}
		t := Token{Kind: Word, Name: l.intern()}
		if c == '-' || isDigit(c) {
			if err := l.param(&t, c); err != nil {
				return Token{}, err
			}
			c, err = l.readByte()
			if err == io.EOF {
				return l.finishWord(t)
			}
			if err != nil {
				return Token{}, err
			}
		}
		if c != ' ' {
			l.unread() // any other delimiter belongs to the next token
		}
		return l.finishWord(t)
	}
}

// intern returns the current control word as a string that stays valid, allocating only
// the first time a word is seen (the map lookup with a converted key does not allocate).
func (l *Lexer) intern() string {
	if s, ok := l.names[string(l.name)]; ok {
		return s
	}
	s := string(l.name)
	if len(l.names) < 4096 {
		l.names[s] = s
	}
	return s
}

func (l *Lexer) param(t *Token, c byte) error {
	var digits [maxParamLen + 1]byte
	n := 0
	neg := c == '-'
	if !neg {
		digits[0] = c
		n = 1
	}
	for {
		d, err := l.readByte()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if !isDigit(d) {
			l.unread()
			break
		}
		if n == maxParamLen {
			return l.errorf("parameter of \\%s longer than %d digits", t.Name, maxParamLen)
		}
		digits[n] = d
		n++
	}
	if n == 0 {
		return l.errorf("\\%s- without digits", t.Name)
	}
	var v int64
	for _, d := range digits[:n] {
		v = v*10 + int64(d-'0')
	}
	if v > 1<<31-1 {
		return l.errorf("parameter of \\%s out of range", t.Name)
	}
	if neg {
		v = -v
	}
	t.Param, t.HasParam = v, true
	return nil
}

// finishWord reads the payload of \binN: N raw bytes that may hold braces and backslashes.
// N must fit in what is left of the input; a reader that trusts a larger N would swallow
// the rest of the document, one that stops early would see different groups.
func (l *Lexer) finishWord(t Token) (Token, error) {
	if t.Name != "bin" {
		return t, nil
	}
	n := t.Param
	if n < 0 || n > l.size-l.off {
		return Token{}, l.errorf("\\bin%d with %d bytes of input left", n, l.size-l.off)
	}
	if int64(cap(l.bin)) < n {
		l.bin = make([]byte, n)
	}
	l.bin = l.bin[:n]
	m, err := io.ReadFull(l.r, l.bin)
	l.off += int64(m)
	if err != nil {
		return Token{}, l.errorf("\\bin%d truncated after %d bytes", n, m)
	}
	t.Bin = l.bin
	return t, nil
}

// Offset is the number of bytes consumed so far.
func (l *Lexer) Offset() int64 { return l.off }

// AppendToken appends the canonical form of t. A control word is followed by a space when
// the next token could extend it (letters, digits, a hyphen, or a space that is text), so
// callers pass whether the previous token written was a control word through needSpace.
func AppendToken(b []byte, t Token) []byte {
	switch t.Kind {
	case Open:
		return append(b, '{')
	case Close:
		return append(b, '}')
	case Word:
		b = append(b, '\\')
		b = append(b, t.Name...)
		if t.HasParam {
			b = strconv.AppendInt(b, t.Param, 10)
		}
		if t.Name == "bin" {
			b = append(b, ' ')
			b = append(b, t.Bin...)
		}
		return b
	case Symbol:
		return append(b, '\\', t.Sym)
	case Hex:
		const hexdigits = "0123456789abcdef"
		return append(b, '\\', '\'', hexdigits[t.Sym>>4], hexdigits[t.Sym&15])
	case Text:
		return append(b, t.Text...)
	}
	return b
}
