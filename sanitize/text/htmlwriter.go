package text

import (
	"io"
	"unicode"
	"unicode/utf8"

	"github.com/sekisho/sekisho/sanitize"
)

// lineWriter lays out the text of an HTML document: it collapses whitespace, keeps at most
// one blank line between blocks, writes the indentation and bullets of lists, and holds the
// current line in a buffer so a link's text can be compared with its URL (and replaced by
// its defanged form) before the line is written out. A very long line is flushed in
// pieces; a link that spans a flush is simply not rewritten.
type lineWriter struct {
	w      io.Writer
	max    int64
	n      int64
	err    error
	line   []byte // the current line, not yet written
	gen    int    // bumps every time line is flushed, so marks into line go stale
	col    int    // bytes on the current line, flushed or not (0: at line start)
	nl     int    // newlines owed before the next text (0, 1 or 2)
	space  bool   // a collapsed space is owed before the next text
	segBrk bool   // the owed space came only from line breaks in the source
	last   rune   // the last character written on this line
	wrote  bool   // anything written at all (no leading blank lines)

	indent string // continuation indent for list items and blockquotes
	sep    int    // table cell separators owed before the next text on this line
	bullet string // bullet owed by a list item that has no text yet; replaces the indent's end
	lead   string // prefix owed by a heading that has no text yet; follows the indent

	// A link asks for a mark at its first character (markReq); markSet then says where in
	// line its text starts, valid while markGen == gen.
	markReq, markSet bool
	markGen, markPos int
}

const lineFlush = 64 << 10

func newLineWriter(w io.Writer, max int64) *lineWriter {
	return &lineWriter{w: w, max: max, line: make([]byte, 0, 1024)}
}

func (t *lineWriter) emit(p []byte) {
	if t.err != nil || len(p) == 0 {
		return
	}
	if t.n+int64(len(p)) > t.max {
		t.err = &sanitize.LimitError{Limit: "limits.max_file_size", Max: t.max, Got: t.n + int64(len(p))}
		return
	}
	t.n += int64(len(p))
	_, t.err = t.w.Write(p)
}

func (t *lineWriter) flushLine() {
	t.emit(t.line)
	t.line = t.line[:0]
	t.gen++
}

// endLine terminates the current line if it has content.
func (t *lineWriter) endLine() {
	if t.col == 0 {
		return
	}
	t.line = append(t.line, '\n')
	t.flushLine()
	t.sep = 0
	t.col = 0
	t.last = 0
}

// block asks for the next text to start on a new line, after n-1 blank lines (n is 1 or 2).
func (t *lineWriter) block(n int) {
	t.space = false
	if t.col > 0 {
		t.endLine()
		t.nl = max(t.nl, n-1)
		return
	}
	if t.wrote {
		t.nl = max(t.nl, n-1)
	}
}

// br forces a line break; consecutive breaks give at most one blank line.
func (t *lineWriter) br() {
	t.space = false
	if t.col > 0 {
		t.endLine()
		return
	}
	if t.wrote {
		t.nl = min(t.nl+1, 1)
	}
}

// startText writes owed blank lines, the indent and the bullet before the first character
// of a line. It is called only at a line start.
func (t *lineWriter) startText() {
	t.sep = 0
	for ; t.nl > 0; t.nl-- {
		t.emit([]byte{'\n'})
	}
	t.space = false
	t.line = append(t.line, t.indent...)
	if t.bullet != "" {
		t.line = append(t.line[:len(t.line)-min(len(t.bullet), len(t.indent))], t.bullet...)
		t.bullet = ""
	}
	t.line = append(t.line, t.lead...)
	t.lead = ""
	t.col = max(len(t.line), 1)
	t.wrote = true
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// text writes inline text, collapsing runs of whitespace to one space.
func (t *lineWriter) text(s []byte) {
	for i := 0; i < len(s); {
		c := s[i]
		if isHTMLSpace(c) {
			if t.col > 0 {
				nl := c == '\n' || c == '\r'
				if !t.space {
					t.space, t.segBrk = true, nl
				} else if !nl {
					t.segBrk = false
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		i += size
		switch {
		case r == utf8.RuneError: // undecodable, or a U+FFFD the input already had
			r = Geta
		case r == '\u00a0':
			// A non-breaking space is spacing, not content: collapse it like a space.
			if t.col > 0 {
				t.space, t.segBrk = true, false
			}
			continue
		case r < 0x20 || r >= 0x7f && r <= 0x9f:
			continue
		}
		if t.col == 0 {
			t.startText()
		}
		t.putRune(r)
	}
}

func (t *lineWriter) putRune(r rune) {
	t.putSep()
	if t.space {
		// An owed space that came only from source line breaks is dropped between two
		// East Asian wide characters (CSS Text 3 segment break transformation).
		if t.last != ' ' && !(t.segBrk && wide(t.last) && wide(r)) {
			t.line = append(t.line, ' ')
			t.col++
		}
		t.space = false
	}
	t.setMark()
	t.line = utf8.AppendRune(t.line, r)
	t.col += utf8.RuneLen(r)
	t.last = r
	if len(t.line) >= lineFlush {
		t.flushLine()
	}
}

// cellSep owes a " | " before the next text on this line. Separators are written only
// between text on one line: a row of a layout table, whose cells hold blocks or only a
// spacer image, gets none at its ends, while an empty cell between two others keeps
// its column ("a | | c").
func (t *lineWriter) cellSep() { t.sep++ }

func (t *lineWriter) putSep() {
	if t.sep == 0 {
		return
	}
	if t.col > 0 {
		for ; t.sep > 0; t.sep-- {
			if t.last != ' ' {
				t.line = append(t.line, ' ')
			}
			t.line = append(t.line, '|')
			t.last = '|'
		}
		t.col++ // col only needs to stay > 0
		t.space, t.segBrk = true, false
	}
	t.sep = 0
}

func (t *lineWriter) setMark() {
	if t.markReq {
		t.markReq, t.markSet = false, true
		t.markGen, t.markPos = t.gen, len(t.line)
	}
}

// pre writes preformatted text: spaces and tabs kept, each newline a line break.
func (t *lineWriter) pre(s []byte) {
	for i := 0; i < len(s); {
		c := s[i]
		if c == '\r' {
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			c = '\n'
		}
		if c == '\n' {
			i++
			if t.col == 0 {
				if t.wrote {
					t.emit([]byte{'\n'})
				}
				continue
			}
			t.endLine()
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		i += size
		switch {
		case r == utf8.RuneError: // undecodable, or a U+FFFD the input already had
			r = Geta
		case r == '\t':
		case r < 0x20 || r >= 0x7f && r <= 0x9f:
			continue
		}
		if t.col == 0 {
			t.startText()
		}
		t.putSep()
		if t.space && t.last != ' ' {
			t.line = append(t.line, ' ')
			t.col++
		}
		t.space = false
		t.setMark()
		t.line = utf8.AppendRune(t.line, r)
		t.col += utf8.RuneLen(r)
		t.last = r
		if len(t.line) >= lineFlush {
			t.flushLine()
		}
	}
}

// raw writes literal text (separators, markers) as inline content, with no collapsing.
func (t *lineWriter) raw(s string) {
	if t.col == 0 {
		t.startText()
	}
	t.putSep()
	if t.space {
		if t.last != ' ' {
			t.line = append(t.line, ' ')
			t.col++
		}
		t.space = false
	}
	t.setMark()
	t.line = append(t.line, s...)
	t.col += len(s)
	r, _ := utf8.DecodeLastRuneInString(s)
	t.last = r
}

// softSpace owes a space, as whitespace in the source would.
func (t *lineWriter) softSpace() {
	if t.col > 0 {
		t.space, t.segBrk = true, false
	}
}

// startMark asks for a mark at the next character written (a link's text starts there).
func (t *lineWriter) startMark() { t.markReq, t.markSet = true, false }

// endMark returns what was written since the mark, and whether it is all still on the
// current, unflushed line (set is false when nothing was written at all).
func (t *lineWriter) endMark() (s string, set, ok bool) {
	set = t.markSet
	ok = set && t.markGen == t.gen && t.markPos <= len(t.line)
	t.markReq, t.markSet = false, false
	if ok {
		s = string(t.line[t.markPos:])
	}
	return s, set, ok
}

// replaceMarked replaces the text endMark returned with s; call it right after endMark.
func (t *lineWriter) replaceMarked(s string) {
	if t.markGen != t.gen || t.markPos > len(t.line) {
		return
	}
	t.col += len(s) - (len(t.line) - t.markPos)
	t.line = append(t.line[:t.markPos], s...)
}

func (t *lineWriter) finish() error {
	t.endLine()
	t.flushLine()
	return t.err
}

// wide reports East Asian wide and full-width characters, between which a source line
// break is not a space.
func wide(r rune) bool {
	return r >= 0x1100 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r) ||
		r >= 0x3000 && r <= 0x303f || r >= 0xff00 && r <= 0xffef)
}
