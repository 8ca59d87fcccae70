package rtf

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

const (
	// maxDepth bounds group nesting. Word gives up far earlier on real documents; the
	// bound keeps the frame stack small whatever the input claims.
	maxDepth = 512
	// maxHead bounds the control words before a group's first content. The document
	// group's header (fonts are in subgroups) holds a few dozen.
	maxHead = 4096
	// maxFieldBuffer bounds what one field may hold while its instruction is undecided.
	maxFieldBuffer = 16 << 20
	// maxInstr bounds the collected text of one field instruction.
	maxInstr = 64 << 10
)

// frameMode is what happens to a group's tokens.
type frameMode uint8

const (
	modeEmit frameMode = iota // written to the frame's writer
	modeSkip                  // dropped: an object, a remote template, a data store
)

// frame is one open group.
type frame struct {
	mode   frameMode
	w      *outBuf // where the group writes; nil while skipping
	rslt   *outBuf // a second copy: the unwrapped results of the enclosing field
	inHead bool
	head   []Token // the group's leading control words, held until the kind is known

	field   *fieldState // set on a \field group
	outW    *outBuf     // a field's writers before it started buffering
	outR    *outBuf
	instrOf *fieldState  // set inside a \fldinst: the field whose instruction this is
	object  *objectState // set on a dropped object group
	class   *collector   // where text is collected: an \objclass, a shape property name
	uc      int          // \ucN in effect: characters a reader skips after each \uN
	headUC  int          // the \ucN in effect where the group's head starts
	sp      *shapeProp   // set on a \sp group
	info    bool         // the \info group: its children are document properties
	pict    *pictState   // set on a \pict group
	shppict bool         // a {\*\shppict} child was kept: its {\nonshppict} twin is a copy

	// bare: nothing of the group's body is written yet. sep: a child group that wrote
	// nothing ended the head, so a word written next would join the head when the output
	// is read again ("{{\sn}\sn" must not come out as "{\sn"). atOpen is the parent's
	// output length when this group started, to tell whether it wrote anything.
	bare, sep bool
	atOpen    int
	closed    bool // the head ended at the group's own closing brace
}

// fieldState buffers a \field group until it closes and its instruction is known: full is
// the group as written, rslt its \fldrslt contents without the destination word.
type fieldState struct {
	full, rslt outBuf
	instr      collector
	nested     bool // the instruction holds another field: a code built from pieces
	instrs     int  // \fldinst groups: readers take the last, the collector joins them all
}

// shapeProp buffers a shape property ({\sp{\sn name}{\sv value}}) until its name is
// known: a pibName property links the shape's picture to a file or URL that Word fetches
// when the document opens.
type shapeProp struct {
	buf   outBuf
	name  collector
	names int // \sn groups seen: a property named twice is not guessed at
}

// objectState remembers where a dropped object's \result goes.
type objectState struct {
	w, rslt *outBuf
	class   collector
	word    string
}

// outBuf is a group's output. needSpace is set after a control word, so that text
// written next gets the delimiting space.
type outBuf struct {
	bytes.Buffer
	needSpace bool
	skip      int // characters a reader of the output still skips after a written \uN
}

// rewriter holds the state of one Sanitize call.
type rewriter struct {
	lex       *Lexer
	out       *bufio.Writer
	root      outBuf // output of the document group; flushed as it grows
	stack     []*frame
	res       *sanitize.Result
	path      string
	objects   string // Options.Objects
	inner     sanitize.Sanitizer
	b         *sanitize.Budget
	ctx       context.Context
	stripMeta bool // Options.Metadata is strip
	meta      []string
	stray     int // closing braces after the document group
	ctrl      int
	after     bool // the root group has closed
	trail     int64
	// unknown counts the control words dropped for not being on the list (controlwords.go)
	unknown     map[string]int
	unknownMore int
	binGone     bool // \binN data outside a picture was dropped
}

func (rw *rewriter) top() *frame { return rw.stack[len(rw.stack)-1] }

// write appends a token to buffer w, inserting the delimiter space a control word needs
// before text. A line break follows each closing brace so the output stays diffable;
// RTF readers ignore raw line breaks outside \bin data.
// writes reports whether write keeps a control word or symbol.
func writes(t Token) bool {
	switch t.Kind {
	case Word:
		return knownWord(t.Name) && !strings.EqualFold(t.Name, "bin")
	case Symbol:
		return strings.ContainsRune(knownSymbols, rune(t.Sym))
	}
	return true
}

func (rw *rewriter) write(w *outBuf, t Token) {
	if w == nil || t.Kind == Text && len(t.Text) == 0 {
		return
	}
	dropped := true
	switch {
	case t.Kind == Word && !knownWord(t.Name):
		rw.dropWord(t.Name)
	case t.Kind == Word && strings.EqualFold(t.Name, "bin"):
		// \binN data means something only as a picture's (picture.go takes it there) or
		// an object's (dropped whole). Anywhere else it is opaque bytes a reader skips,
		// or, if it does not take \bin there or counts N differently, parses as RTF:
		// written back, it would carry words past every rule here.
		rw.binGone = true
	case t.Kind == Symbol && !strings.ContainsRune(knownSymbols, rune(t.Sym)):
		rw.dropWord(string(t.Sym))
	default:
		dropped = false
	}
	if dropped {
		if w.skip == 0 {
			return
		}
		// The dropped token was the fallback a reader skips after a \uN: left out, the
		// reader would skip the next character instead (a field's closing quote, say),
		// so a placeholder takes its place.
		t = Token{Kind: Text, Text: []byte("?")}
	}
	if t.Kind == Text && w.needSpace {
		w.WriteByte(' ')
	}
	b := AppendToken(w.AvailableBuffer(), t)
	w.Write(b)
	w.needSpace = t.Kind == Word && t.Name != "bin"
	uc := 1
	if len(rw.stack) > 0 {
		uc = rw.top().uc
	}
	w.skip = nextSkip(w.skip, t, uc)
	if t.Kind == Close {
		w.WriteString("\r\n")
	}
}

// nextSkip is the count of characters still to skip after t is read. The judge's collector
// and the writer both count with it, so the output is skipped where the input was judged;
// a group boundary ends the writer's count (readers disagree there, and the collector marks
// text judged across one ambiguous instead).
func nextSkip(skip int, t Token, uc int) int {
	switch t.Kind {
	case Open, Close:
		return 0
	case Text:
		return skip - min(skip, len(t.Text))
	case Word:
		if skip > 0 {
			return skip - 1
		}
		if t.Name == "u" && t.HasParam {
			return uc
		}
		return 0
	}
	return max(skip-1, 0)
}

func (rw *rewriter) run(ctx context.Context) error {
	t, err := rw.lex.Next()
	if err != nil {
		return err
	}
	if t.Kind != Open {
		return fmt.Errorf("%w: rtf: does not start with {", sanitize.ErrMalformed)
	}
	rw.stack = append(rw.stack, &frame{mode: modeEmit, w: &rw.root, inHead: true, uc: 1, headUC: 1})
	for n := 0; ; n++ {
		if n&0xFFF == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if rw.root.Len() > 1<<20 && len(rw.stack) > 0 {
				if _, err := rw.root.WriteTo(rw.out); err != nil {
					return err
				}
			}
		}
		t, err := rw.lex.Next()
		if err != nil {
			return err
		}
		if rw.after {
			if err := rw.trailing(t); err != nil {
				return err
			}
			if t.Kind == EOF {
				break
			}
			continue
		}
		if t.Kind == EOF {
			// Word and LibreOffice close the groups a truncated file leaves open; so
			// does this, and the output is balanced.
			n := len(rw.stack)
			for len(rw.stack) > 0 {
				if err := rw.token(Token{Kind: Close}); err != nil {
					return err
				}
			}
			rw.res.Add(sanitize.ActRebuilt, rw.path, fmt.Sprintf("closed %d groups left open at the end of the file", n))
			break
		}
		if err := rw.token(t); err != nil {
			return err
		}
	}
	if rw.ctrl > 0 {
		rw.res.Add(sanitize.ActRemovedControlChars, rw.path, fmt.Sprintf("%d control characters in text", rw.ctrl))
	}
	if rw.trail > 0 {
		rw.res.Add(sanitize.ActRemovedTrailingData, rw.path, fmt.Sprintf("%d bytes after the document group", rw.trail))
	}
	if rw.stray > 0 {
		rw.res.Add(sanitize.ActRemovedTrailingData, rw.path, fmt.Sprintf("%d closing braces after the document group", rw.stray))
	}
	if len(rw.unknown) > 0 {
		rw.res.Add(sanitize.ActRemovedUnknown, rw.path, rw.unknownDetail())
	}
	if rw.binGone {
		rw.res.Add(sanitize.ActRemovedUnknown, rw.path, "binary data (\\binN) outside a picture")
	}
	if len(rw.meta) > 0 {
		rw.res.Add(sanitize.ActRemovedMetadata, rw.path, strings.Join(rw.meta, ", "))
	}
	_, err = rw.root.WriteTo(rw.out)
	return err
}

// trailing accounts for what follows the document's closing brace: Word ignores it, and
// droppers hide payloads there, so it is dropped and reported. Line breaks, spaces and
// NULs are padding. Stray closing braces at the very end (producers that miscount
// write them; Word and LibreOffice open such files) are dropped too. A stray brace with
// anything else around it is refused: a reader that keeps going after the document
// group would see a different document.
func (rw *rewriter) trailing(t Token) error {
	content := false
	switch t.Kind {
	case EOF:
	case Close:
		if rw.trail > 0 {
			return fmt.Errorf("%w: rtf: unbalanced } after the document group", sanitize.ErrMalformed)
		}
		rw.stray++
	case Text:
		if len(bytes.Trim(t.Text, " \t")) > 0 {
			rw.trail += int64(len(t.Text))
			content = true
		}
	default:
		rw.trail += max(int64(len(t.Bin)), 1)
		content = true
	}
	if content && rw.stray > 0 {
		return fmt.Errorf("%w: rtf: unbalanced } after the document group", sanitize.ErrMalformed)
	}
	return nil
}

// metaGone notes a document property dropped with Metadata "strip".
func (rw *rewriter) metaGone(what string) {
	for _, m := range rw.meta {
		if m == what {
			return
		}
	}
	rw.meta = append(rw.meta, what)
}

func (rw *rewriter) token(t Token) error {
	f := rw.top()
	rw.ctrl += t.Ctrl
	if t.Kind == Text && len(t.Text) == 0 {
		// Text that was only control characters is not written, so it does not end a
		// head either: "{\x00\sn" comes out as "{\sn" and is judged as that.
		return nil
	}
	if f.inHead {
		if t.Kind == Word || t.Kind == Symbol {
			if len(f.head) >= maxHead {
				return fmt.Errorf("%w: rtf: more than %d control words before a group's content", sanitize.ErrMalformed, maxHead)
			}
			if t.Bin != nil {
				t.Bin = bytes.Clone(t.Bin)
			}
			f.head = append(f.head, t)
			if t.Name == "bin" {
				return rw.endHead(f)
			}
			return nil
		}
		f.closed = t.Kind == Close
		if err := rw.endHead(f); err != nil {
			return err
		}
	} else if t.Kind == Symbol && t.Sym == '*' {
		// \* marks an ignorable destination at the start of a group; in the middle of
		// one it marks nothing, and written back it could start the next group's head.
		return nil
	} else if t.Kind == Word && f.mode == modeEmit {
		// Destinations belong at the start of a group. Word and other readers disagree on
		// what a destination word in the middle of a group applies to, so none is guessed.
		if dangerous(t.Name) != kindNormal {
			return fmt.Errorf("%w: rtf: \\%s after the start of its group (readers disagree on what it applies to)", sanitize.ErrMalformed, t.Name)
		}
		if decidedByHead(t.Name) {
			return fmt.Errorf("%w: rtf: \\%s after the start of its group", sanitize.ErrMalformed, t.Name)
		}
	}
	if f.w != nil && f.w != &rw.root && f.w.Len() > maxFieldBuffer {
		return &sanitize.LimitError{Limit: "rtf.max_field_size", Max: maxFieldBuffer, Got: int64(f.w.Len())}
	}
	switch t.Kind {
	case Open:
		if len(rw.stack) >= maxDepth {
			return fmt.Errorf("%w: rtf: groups nested deeper than %d", sanitize.ErrMalformed, maxDepth)
		}
		c := rw.child(f)
		if f.w != nil {
			c.atOpen = f.w.Len()
		}
		rw.stack = append(rw.stack, c)
		return nil
	case Close:
		return rw.close(f)
	}
	rw.content(f, t)
	return nil
}

// content handles a token in the body of a group.
func (rw *rewriter) content(f *frame, t Token) {
	f.setUC(t)
	if f.class != nil {
		f.class.add(t, f.uc)
	}
	if f.mode == modeSkip {
		return
	}
	if f.instrOf != nil {
		f.instrOf.instr.add(t, f.uc)
	}
	if f.pict != nil && rw.pictContent(f.pict, t) {
		return
	}
	if writes(t) {
		if f.sep && (t.Kind == Word || t.Kind == Symbol) {
			for _, w := range []*outBuf{f.w, f.rslt} {
				rw.write(w, Token{Kind: Open})
				rw.write(w, Token{Kind: Close})
			}
		}
		f.bare, f.sep = false, false
	}
	rw.write(f.w, t)
	if f.rslt != nil {
		rw.write(f.rslt, t)
	}
}

// child opens a subgroup. Its kind is decided when its head ends; until then it inherits
// where its parent writes and what its parent collects.
func (rw *rewriter) child(p *frame) *frame {
	p.endSkip()
	if p.class != nil {
		// A group inside a name ({\sn {\sn pibName}}, {\sn pib{}Name}) is read one way by
		// a reader that skips it and another by one that does not: the name is not plain.
		p.class.ambiguous = true
	}
	return &frame{mode: p.mode, w: p.w, rslt: p.rslt, inHead: true, instrOf: p.instrOf, class: p.class, uc: p.uc, headUC: p.uc, bare: true}
}

// setUC follows \ucN, which holds until the group ends.
func (f *frame) setUC(t Token) {
	if t.Kind == Word && t.Name == "uc" && t.HasParam && t.Param >= 0 {
		f.uc = int(min(t.Param, maxInstr))
	}
}

// endSkip marks a group boundary. Readers disagree on whether characters still to be
// skipped after a \uN are skipped across one: LibreOffice carries the count into the
// child group and back to the parent after it, a reader that resets it does not. Text
// collected across such a boundary is ambiguous and judged unsafe.
func (f *frame) endSkip() {
	for _, c := range []*collector{f.class, f.instr()} {
		if c != nil && c.skip > 0 {
			c.ambiguous = true
			c.skip = 0
		}
	}
}

// instr is the instruction collector of the field this frame is the instruction of.
func (f *frame) instr() *collector {
	if f.instrOf == nil {
		return nil
	}
	return &f.instrOf.instr
}

// collector gathers the text a reader sees in a field instruction or a name, to judge it:
// the characters after each \uN that \ucN tells the reader to skip are skipped here too
// (HYPERLINK "\uc6\u109 ailto:s-msdt:..." is ms-msdt: to Word and LibreOffice).
type collector struct {
	b         strings.Builder
	skip      int  // characters still to skip after a \uN
	ambiguous bool // a group started or ended while characters were still to be skipped
}

func (c *collector) String() string { return c.b.String() }

// wordSpace are the control words that stand for white space in text.
var wordSpace = map[string]byte{
	"tab": '\t', "line": '\n', "par": '\n', "emspace": ' ', "enspace": ' ', "qmspace": ' ',
}

// add appends what t shows. A control word, a control symbol and a \'hh escape each
// count as one skipped character, as the specification says.
func (c *collector) add(t Token, uc int) {
	if c.b.Len() >= maxInstr {
		return
	}
	skip := c.skip
	c.skip = nextSkip(skip, t, uc)
	if skip > 0 {
		if t.Kind != Text {
			return
		}
		t.Text = t.Text[min(skip, len(t.Text)):]
	}
	switch t.Kind {
	case Text:
		c.b.Write(t.Text)
	case Hex:
		c.b.WriteByte(t.Sym)
	case Word:
		if t.Name == "u" && t.HasParam {
			r := rune(t.Param)
			if r < 0 {
				r += 65536
			}
			c.b.WriteRune(r)
		} else if sp := wordSpace[t.Name]; sp != 0 {
			// A reader may split arguments at these: the judge sees every piece.
			c.b.WriteByte(sp)
		}
	case Symbol:
		if t.Sym == '\\' || t.Sym == '{' || t.Sym == '}' {
			c.b.WriteByte(t.Sym)
		}
	}
}

// parent returns the frame below the top one.
func (rw *rewriter) parent() *frame {
	if len(rw.stack) < 2 {
		return nil
	}
	return rw.stack[len(rw.stack)-2]
}
