package ooxml

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/sekisho/sekisho/sanitize"
)

// The rewriter reads a part with this package's scanner (xmlscan.go) and writes it back
// itself. encoding/xml's Encoder cannot be used: it turns prefixes into namespace URIs and
// re-declares them on every element (golang/go#9519), which Office rejects. The scanner
// keeps the prefixes as written; a scope stack resolves them so that rules match on
// namespace URIs whatever prefix a producer chose, and the serializer below writes the
// original prefixes and xmlns declarations back unchanged.

const (
	maxXMLDepth     = 512     // deeper nesting is not produced by any office suite
	maxHeldBytes    = 1 << 20 // a held element (an Excel formula, a defined name)
	ctxCheckEvery   = 4096    // tokens between context checks (a power of two)
	maxFieldQueue   = 1 << 16 // tokens queued while a Word field instruction is open
	maxInstrCapture = 4096    // bytes of a field instruction kept to decide on it
)

type tokKind uint8

const (
	kStart tokKind = iota + 1
	kEnd
	kText
	kProcInst
)

// tok is one token with its names resolved. Stages before the serializer may mark it. It
// is a plain struct rather than an xml.Token: boxing every token in an interface cost an
// allocation each.
type tok struct {
	kind    tokKind
	raw     xml.Name   // Start/End: prefix (in Space) and local name as written
	rawAttr []xml.Attr // Start: attributes as written
	// src is the tag as read, without the closing '>' or "/>" of a start tag, when the
	// scanner found it written exactly as the serializer writes rawAttr back (see
	// appendStart): the serializer then copies it. Any change to the attributes clears it
	// (removeAttr, setAttr). It points into the scanner's buffer: valid until the next
	// token is read, and never copied with the token.
	src    []byte
	text   []byte     // Text: decoded character data
	plain  bool       // Text: as written, without references or CRs: only '>' needs escaping
	target string     // ProcInst
	name   xml.Name   // Start/End: Space is the namespace URI
	attrs  []xml.Name // Start: resolved attribute names, parallel to rawAttr
	drop   bool       // Start: drop the subtree; other tokens: drop the token
	unwrap bool       // Start: drop the tags, keep the children
	field  *field     // Word complex fields: the field a fldChar belongs to
	// tag is, for a start tag, its entry in the scanner's cache, resolved under the
	// bindings in scope (xmltags.go); nil when it has none. A copy does not keep it.
	tag *tagEntry
	// ns resolves a prefix in the scope of the token being read, for attribute values
	// that are QNames (ODF formulas: "of:=SUM(...)"). It is valid only while the token
	// is pushed; a clone's ns sees the reader's later scope.
	ns func(prefix string) (string, bool)
}

// clone returns a copy that stays valid after the next token is read.
func (t *tok) clone() *tok {
	c := &tok{}
	t.copyTo(c)
	return c
}

// copyTo makes c a copy of t that stays valid after the next token is read, reusing c's
// slices: a stage that queues tokens recycles the copies once it has passed them on.
func (t *tok) copyTo(c *tok) {
	rawAttr, attrs, text := c.rawAttr[:0], c.attrs[:0], c.text[:0]
	*c = tok{kind: t.kind, raw: t.raw, src: nil, name: t.name, target: t.target, drop: t.drop, unwrap: t.unwrap, field: t.field, ns: t.ns, plain: t.plain}
	c.rawAttr, c.attrs, c.text = rawAttr, attrs, text
	switch t.kind {
	case kStart:
		c.rawAttr = append(rawAttr, t.rawAttr...)
		c.attrs = append(attrs, t.attrs...)
	case kText:
		c.text = append(text, t.text...)
	}
}

func (t *tok) start() (xml.StartElement, bool) {
	if t.kind != kStart {
		return xml.StartElement{}, false
	}
	return xml.StartElement{Name: t.raw, Attr: t.rawAttr}, true
}

// attr returns the raw value of the attribute with the resolved name n.
func (t *tok) attr(space, local string) (string, bool) {
	if t.kind != kStart {
		return "", false
	}
	for i, a := range t.attrs {
		if a.Local == local && a.Space == space {
			return t.rawAttr[i].Value, true
		}
	}
	return "", false
}

// removeAttr deletes attribute i from a start token. It never writes into the arrays the
// token was given, which may be the tag cache's (xmltags.go): appending to a slice capped
// at i makes a new one.
func (t *tok) removeAttr(i int) {
	t.src = nil
	t.rawAttr = append(t.rawAttr[:i:i], t.rawAttr[i+1:]...)
	t.attrs = append(t.attrs[:i:i], t.attrs[i+1:]...)
}

// setAttr sets the value of attribute i of a start token. The attributes may be the
// tag cache's (xmltags.go): the change is made to a copy.
func (t *tok) setAttr(i int, v string) {
	t.src = nil
	t.rawAttr = append([]xml.Attr(nil), t.rawAttr...)
	t.rawAttr[i].Value = v
}

// stage receives tokens in document order.
type stage interface {
	push(t *tok) error
	finish() error
}

const (
	nsXML   = "http://www.w3.org/XML/1998/namespace"
	nsXMLNS = "http://www.w3.org/2000/xmlns/"
)

// knownNS maps the namespaces the rules test to the rules' own strings: comparing a string
// with itself stops at the pointer, comparing equal copies reads both.
var knownNS = func() map[string]string {
	m := map[string]string{}
	for _, p := range []nsPair{nsR, nsW, nsX, nsA, nsP} {
		m[p[0]], m[p[1]] = p[0], p[1]
	}
	for _, u := range []string{nsO, nsVMLX, nsMC, nsXLink, nsOffice, nsScript, nsText, nsDraw, nsTable, nsPresent, nsForm, nsMeta} {
		m[u] = u
	}
	return m
}()

func canonicalNS(uri string) string {
	if c, ok := knownNS[uri]; ok {
		return c
	}
	return uri
}

// binding is a namespace binding in scope; scope is an open element: its name as written,
// resolved (the end tag takes it instead of resolving again), and how many bindings there
// were before it.
type (
	binding struct{ prefix, uri string }
	scope   struct {
		raw      xml.Name
		name     xml.Name
		nbind    int
		wlo, whi uint64 // raw as the scanner's words (wn > 0), for its end tag
		wn       int
		gen      uint64 // the scanner's generation of bindings before this element's own
	}
)

// readState is what readXML keeps while it reads a part: the open elements, the
// namespace bindings in scope (innermost last) and a small cache of recent prefix
// answers, cleared whenever the bindings change (Office parts declare nearly everything
// on the root, so it answers most lookups). It is pooled: allocated per part, its slices
// and the token were most of a small document's allocations.
type readState struct {
	stack  []scope
	binds  []binding
	cache  [4]binding
	ncache int
	names  []xml.Name
	cur    tok
	lookup func(prefix string) (string, bool) // rs.resolve, bound once
}

var readStates = sync.Pool{New: func() any {
	rs := &readState{}
	rs.lookup = rs.resolve
	return rs
}}

func (rs *readState) resolve(prefix string) (string, bool) {
	for i := range rs.ncache {
		if rs.cache[i].prefix == prefix {
			return rs.cache[i].uri, true
		}
	}
	switch prefix {
	case "xml":
		return nsXML, true
	case "xmlns":
		return nsXMLNS, true
	}
	for i := len(rs.binds) - 1; i >= 0; i-- {
		if rs.binds[i].prefix == prefix {
			if rs.ncache < len(rs.cache) {
				rs.cache[rs.ncache] = rs.binds[i]
				rs.ncache++
			}
			return rs.binds[i].uri, true
		}
	}
	return "", prefix == ""
}

// release drops the part's strings and returns the state to the pool.
func (rs *readState) release() {
	clear(rs.stack[:cap(rs.stack)])
	clear(rs.binds[:cap(rs.binds)])
	clear(rs.names[:cap(rs.names)])
	rs.stack, rs.binds, rs.names = rs.stack[:0], rs.binds[:0], rs.names[:0]
	rs.cache, rs.ncache = [4]binding{}, 0
	lookup := rs.lookup
	// The token's slices are the scanner's, which goes back to its own free list.
	rs.cur = tok{ns: lookup}
	readStates.Put(rs)
}

// readXML decodes r and pushes every token, resolved, to st. It enforces the structure
// (matching tags, one root, declared prefixes, bounded depth) that the scanner leaves to
// it.
func readXML(ctx context.Context, r io.Reader, st stage) error {
	scn := getScanner(r)
	defer putScanner(scn)
	rs := readStates.Get().(*readState)
	defer rs.release()
	// The loop works on local copies of the slices it grows most; rs keeps their arrays
	// when they grow, for the next part.
	stack := rs.stack
	lookup := rs.lookup
	roots, n := 0, 0
	// One tok and one attribute-name buffer serve every token: stages consume a token
	// before the next is read, and the one that keeps tokens (the Word field queue)
	// copies them (see tok.clone).
	cur := &rs.cur
	cur.ns = lookup
	names := rs.names
	fs, _ := st.(*fieldStage)
	wr, _ := st.(*writer)
	for {
		if n++; n&(ctxCheckEvery-1) == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		t := cur
		t.drop, t.unwrap = false, false
		if t.field != nil {
			t.field = nil
		}
		err := scn.next(t)
		if err == io.EOF {
			break
		}
		if err != nil {
			return xmlErr(err)
		}
		switch t.kind {
		case kStart:
			if len(stack) == 0 {
				if roots++; roots > 1 {
					return fmt.Errorf("%w: xml: more than one root element", sanitize.ErrMalformed)
				}
			}
			if len(stack) >= maxXMLDepth {
				return fmt.Errorf("%w: xml: nesting deeper than %d", sanitize.ErrMalformed, maxXMLDepth)
			}
			// The scope is grown in place and filled field by field: appending a scope
			// literal built it on the stack and copied it, and the copy's wide loads
			// of narrow stores stalled on every element.
			if len(stack) == cap(stack) {
				stack = append(stack, scope{})
				rs.stack = stack[:0]
			} else {
				stack = stack[:len(stack)+1]
			}
			top := &stack[len(stack)-1]
			top.raw, top.nbind = t.raw, len(rs.binds)
			top.wlo, top.whi, top.wn = scn.wlo, scn.whi, scn.wn
			scn.expect = top // the stack grows only here, so the pointer stays valid
			if h := scn.hit; h != nil && h.gen == scn.gen {
				// Read and resolved before, under the same bindings (xmltags.go).
				t.name = h.name
				top.name = h.name
				t.attrs = h.names[:len(h.names):len(h.names)] // see cachedStart
				t.tag = h
				break
			}
			for _, a := range t.rawAttr {
				switch {
				case a.Name.Space == "xmlns":
					rs.binds = append(rs.binds, binding{a.Name.Local, canonicalNS(a.Value)})
					rs.ncache = 0
				case a.Name.Space == "" && a.Name.Local == "xmlns":
					rs.binds = append(rs.binds, binding{"", canonicalNS(a.Value)})
					rs.ncache = 0
				}
			}
			if top.nbind != len(rs.binds) {
				top.gen = scn.gen // given back at the end tag, with the bindings
				scn.newGen()
			}
			// The first cached binding answers most names (Word's w:): test it here,
			// where a call through the closure would cost more than the test.
			u, ok := rs.cache[0].uri, rs.ncache > 0 && rs.cache[0].prefix == t.raw.Space
			if !ok {
				u, ok = lookup(t.raw.Space)
			}
			if !ok {
				return fmt.Errorf("%w: xml: undeclared prefix %q", sanitize.ErrMalformed, t.raw.Space)
			}
			t.name.Space, t.name.Local = u, t.raw.Local
			top.name = t.name
			if cap(names) < len(t.rawAttr) {
				names = make([]xml.Name, len(t.rawAttr), 2*len(t.rawAttr))
				rs.names = names[:0]
			}
			t.attrs = names[:len(t.rawAttr)]
			for i, a := range t.rawAttr {
				switch {
				case a.Name.Space == "":
					t.attrs[i].Space, t.attrs[i].Local = "", a.Name.Local // unprefixed attributes have no namespace
				default:
					au, ok := rs.cache[0].uri, rs.ncache > 0 && rs.cache[0].prefix == a.Name.Space
					if !ok {
						au, ok = lookup(a.Name.Space)
					}
					if !ok {
						return fmt.Errorf("%w: xml: undeclared prefix %q", sanitize.ErrMalformed, a.Name.Space)
					}
					t.attrs[i].Space, t.attrs[i].Local = au, a.Name.Local
				}
				// Two prefixes bound to one namespace can repeat an attribute under
				// different spellings; consumers would disagree on which one counts.
				for k := range i {
					if t.attrs[k] == t.attrs[i] {
						return fmt.Errorf("%w: xml: attribute %s repeated", sanitize.ErrMalformed, qname(a.Name))
					}
				}
			}
			t.tag = scn.hit
			if h := scn.hit; h != nil {
				h.gen, h.name, h.names = scn.gen, t.name, append(h.names[:0], t.attrs...)
			}
		case kEnd:
			// The scanner compared the bytes with the open element's name already when
			// it says so: comparing the strings again read them twice.
			if len(stack) == 0 || !scn.matched && stack[len(stack)-1].raw != t.raw {
				return fmt.Errorf("%w: xml: unexpected end element </%s>", sanitize.ErrMalformed, qname(t.raw))
			}
			t.name = stack[len(stack)-1].name
			if nb := stack[len(stack)-1].nbind; nb != len(rs.binds) {
				rs.binds = rs.binds[:nb]
				rs.ncache = 0
				scn.gen = stack[len(stack)-1].gen
			}
			stack = stack[:len(stack)-1]
			scn.expect = nil
			if len(stack) > 0 {
				scn.expect = &stack[len(stack)-1]
			}
		case kText:
			if len(stack) == 0 {
				// A UTF-8 byte-order mark comes back as text before the root; some
				// producers (customXml items) write one.
				if len(bytes.TrimSpace(bytes.ReplaceAll(t.text, []byte("\ufeff"), nil))) != 0 {
					return fmt.Errorf("%w: xml: text outside the root element", sanitize.ErrMalformed)
				}
				continue
			}
		case kProcInst:
			if t.target != "xml" || len(stack) != 0 || roots != 0 {
				continue // processing instructions (mso-application, ...) are dropped
			}
		}
		// The rewrite's stages are called directly, not through the interface (a
		// dynamic call per token, 14% of this loop's instructions on a long docx).
		// Outside Word fields the field stage has nothing to do (fieldStage.idle) and
		// the token goes to the writer.
		switch {
		case fs != nil:
			if fs.idle(t) {
				err = fs.next.push(t)
			} else {
				err = fs.push(t)
			}
		case wr != nil:
			err = wr.push(t)
		default:
			err = st.push(t)
		}
		if err != nil {
			return err
		}
	}
	if len(stack) != 0 {
		return fmt.Errorf("%w: xml: unexpected end of part", sanitize.ErrMalformed)
	}
	if roots == 0 {
		return fmt.Errorf("%w: xml: no root element", sanitize.ErrMalformed)
	}
	return st.finish()
}

// xmlErr classifies an error met while reading a part: the scanner's own are already
// ErrMalformed; limits and cancellation pass through; a read error is a broken part.
func xmlErr(err error) error {
	if errors.Is(err, sanitize.ErrMalformed) || errors.Is(err, sanitize.ErrLimit) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var le *sanitize.LimitError
	if errors.As(err, &le) {
		return err
	}
	return fmt.Errorf("%w: xml: %w", sanitize.ErrMalformed, err)
}

func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// op is a rule's decision for one start element.
type op int

const (
	opKeep       op = iota
	opDrop          // drop the element and its subtree
	opUnwrap        // drop the tags, keep the children
	opPruneEmpty    // keep, unless nothing is left inside it
	opHold          // buffer the element; the rule's held callback decides at its end
	opEmpty         // keep the element and its attributes, drop its content
)

// rules decide what happens to each element. held is called at the end of an element
// that start answered opHold for, and returns whether to keep it.
type rules interface {
	start(t *tok, parent xml.Name) op
	held(h *heldElem) bool
}

// heldElem is an element buffered until its end: its start tag and the text of every
// element inside it, so that a rule decides on all of it at once (a conditional-format
// rule with its formulas, a cell formula with its shared-formula attributes).
type heldElem struct {
	name  xml.Name
	raw   xml.Name   // as written
	empty bool       // set by held: write the element without its content
	attrs []xml.Attr // as written
	names []xml.Name // resolved, parallel to attrs
	texts []heldText // in document order, one per element that has text
}

// heldText is the text of one element inside a held element (or of the element itself).
type heldText struct {
	name xml.Name
	text []byte
}

// attr returns the raw value of an unprefixed attribute of the held element.
func (h *heldElem) attr(local string) (string, bool) {
	for i, n := range h.names {
		if n.Space == "" && n.Local == local {
			return h.attrs[i].Value, true
		}
	}
	return "", false
}

type frame struct {
	name    xml.Name
	skip    bool // inside a dropped subtree
	unwrap  bool
	pending []byte // serialized start tag not yet written (opPruneEmpty)
	open    bool   // pending and not yet flushed
	hold    bool
	mute    bool // opEmpty: the content goes
	htext   int  // 1 + index in the held element's texts, 0 when none yet
}

// writer is the last stage: it applies the rules and serializes what is kept. It appends
// to its own buffer and writes it out in large pieces: an io.Writer call per name and
// attribute was a fifth of the rewrite's time.
type writer struct {
	out      io.Writer
	buf      []byte  // serialized, not yet written to out
	hold     []byte  // the held element, while holding
	d        *[]byte // &buf, or &hold while holding
	held     heldElem
	heldLen  int // bytes of text in held
	holding  bool
	r        rules
	ox       *ooxmlRules // r when it is one: called directly
	stack    []frame
	npending int  // frames with a pending start tag
	skip     int  // depth inside a dropped subtree
	mute     int  // open opEmpty frames
	openTag  bool // a start tag was written without its '>' yet
	wrote    bool
	// While holding: the stack index of the held element, and whether the element it sits
	// in still awaits its '>'. Nothing outside the held element is written until the rule
	// keeps it, so a parent left empty by a dropped one is written as <c/> (or pruned),
	// as a second pass writes it, not as <c></c>.
	holdAt   int
	heldOpen bool
}

const writerFlush = 32 << 10

// writers are pooled with their buffers and frame stacks, which a part grows once: a
// writer per part was, after the inflater's input, the largest allocation of a small
// document.
var writers = sync.Pool{New: func() any { return &writer{buf: make([]byte, 0, writerFlush+4<<10)} }}

func newWriter(w io.Writer, r rules) *writer {
	wr := writers.Get().(*writer)
	wr.out, wr.r = w, r
	wr.ox, _ = r.(*ooxmlRules)
	wr.d = &wr.buf
	return wr
}

func (w *writer) push(t *tok) error {
	switch t.kind {
	case kStart:
		if w.skip > 0 {
			w.skip++
			return nil
		}
		if w.mute > 0 {
			w.skip = 1
			return nil
		}
		if w.ox != nil && w.npending == 0 && !t.drop && !t.unwrap && keptAsRead(t) {
			// What the path below does for a tag the rules keep as read.
			w.pushFrame(t.name)
			w.writeStartTok(t)
			break
		}
		parent := xml.Name{}
		if len(w.stack) > 0 {
			parent = w.stack[len(w.stack)-1].name
		}
		o := opKeep
		switch {
		case t.drop:
			o = opDrop
		case t.unwrap:
			o = opUnwrap
		case w.ox != nil:
			o = w.ox.start(t, parent) // rules may edit the attributes
		default:
			o = w.r.start(t, parent)
		}
		switch o {
		case opDrop:
			w.skip = 1
			return nil
		case opUnwrap:
			if declares(t) {
				// Its children would lose the namespaces declared on it: a prefix left
				// undeclared, or one bound to another namespace than it was judged in.
				// Producers declare namespaces on the root; this one goes whole.
				w.skip = 1
				return nil
			}
			w.pushFrame(t.name).unwrap = true
			return nil
		case opPruneEmpty:
			b := appendStartTok(nil, t)
			b = append(b, '>')
			f := w.pushFrame(t.name)
			f.pending, f.open = b, true
			w.npending++
			return nil
		case opHold:
			if !w.holding {
				w.heldOpen, w.openTag = w.openTag, false
				w.holdAt = len(w.stack)
				w.holding = true
				w.held = heldElem{name: t.name, raw: t.raw, attrs: append(w.held.attrs[:0], t.rawAttr...), names: append(w.held.names[:0], t.attrs...), texts: w.held.texts[:0]}
				w.heldLen = 0
				w.hold = w.hold[:0]
				w.d = &w.hold
				w.pushFrame(t.name).hold = true
				w.writeStartTok(t)
				return nil
			}
		}
		w.flushPending()
		w.pushFrame(t.name).mute = o == opEmpty
		if o == opEmpty {
			w.mute++
		}
		w.writeStartTok(t)
	case kEnd:
		if w.skip > 0 {
			w.skip--
			return nil
		}
		f := &w.stack[len(w.stack)-1] // a pointer: copying a frame costs write barriers
		w.stack = w.stack[:len(w.stack)-1]
		if f.mute {
			w.mute--
		}
		switch {
		case f.unwrap:
			return nil
		case f.open:
			w.npending--
			f.pending = nil
			return nil // nothing inside: pruned
		}
		if w.openTag {
			*w.d = append(*w.d, "/>"...)
			w.openTag = false
		} else if t.src != nil {
			*w.d = append(*w.d, t.src...)
		} else {
			*w.d = append(*w.d, "</"...)
			*w.d = appendName(*w.d, t.raw)
			*w.d = append(*w.d, '>')
		}
		if f.hold {
			keep := w.r.held(&w.held)
			w.d = &w.buf
			w.holding = false
			w.openTag = w.heldOpen
			if keep {
				w.flushPending()
				w.closeTag()
			}
			switch {
			case keep && w.held.empty:
				w.buf = appendStart(w.buf, &tok{raw: w.held.raw, rawAttr: w.held.attrs})
				w.buf = append(w.buf, "/>"...)
			case keep:
				w.buf = append(w.buf, w.hold...)
			}
		}
	case kText:
		v := t.text
		if w.skip > 0 || t.drop || w.mute > 0 {
			return nil
		}
		if len(w.stack) > 0 && w.stack[len(w.stack)-1].open && len(bytes.TrimSpace(v)) == 0 {
			return nil
		}
		w.flushPending()
		w.closeTag()
		if w.holding {
			if w.heldLen += len(v); w.heldLen > maxHeldBytes {
				return fmt.Errorf("%w: xml: element %s too long", sanitize.ErrMalformed, w.held.name.Local)
			}
			top := &w.stack[len(w.stack)-1]
			if top.htext == 0 {
				// Reuse the text buffers of earlier held elements: a sheet holds a
				// formula per cell.
				if n := len(w.held.texts); n < cap(w.held.texts) {
					w.held.texts = w.held.texts[:n+1]
					w.held.texts[n].name, w.held.texts[n].text = top.name, w.held.texts[n].text[:0]
				} else {
					w.held.texts = append(w.held.texts, heldText{name: top.name})
				}
				top.htext = len(w.held.texts)
			}
			h := &w.held.texts[top.htext-1]
			h.text = append(h.text, v...)
		}
		if t.plain {
			*w.d = appendEscGT(*w.d, v)
		} else {
			*w.d = appendEscText(*w.d, v)
		}
	case kProcInst:
		if t.target == "xml" && !w.wrote {
			*w.d = append(*w.d, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"...)
		}
	}
	w.wrote = true
	if w.holding {
		if len(w.hold) > maxHeldBytes {
			return fmt.Errorf("%w: xml: element %s too long", sanitize.ErrMalformed, w.held.name.Local)
		}
	} else if len(w.buf) >= writerFlush {
		return w.flush()
	}
	return nil
}

// parentIsRun reports whether the element a start token would open sits in a w:r. The
// writer keeps a frame for every open element it writes; when it writes nothing (inside a
// dropped or emptied element) the answer does not matter, the token goes anyway.
func (w *writer) parentIsRun() bool {
	if len(w.stack) == 0 {
		return false
	}
	n := w.stack[len(w.stack)-1].name
	return n.Local == "r" && nsW.has(n.Space)
}

// pushFrame opens a frame for an element and returns it, its flags cleared. It reuses the
// slot in place: appending a frame literal built and copied the whole struct for every
// element.
func (w *writer) pushFrame(name xml.Name) *frame {
	n := len(w.stack)
	if n == cap(w.stack) {
		w.stack = append(w.stack, frame{})
	} else {
		w.stack = w.stack[:n+1]
	}
	f := &w.stack[n]
	f.name = name
	f.skip, f.unwrap, f.open, f.hold, f.mute, f.htext = false, false, false, false, false, 0
	if f.pending != nil {
		f.pending = nil
	}
	return f
}

func (w *writer) flush() error {
	_, err := w.out.Write(w.buf)
	w.buf = w.buf[:0]
	return err
}

func (w *writer) finish() error {
	err := w.flush()
	if cap(w.buf) > 2*writerFlush || len(w.stack) > 0 || w.holding || w.skip > 0 {
		// A buffer grown by one large element goes; a writer stopped inside an element
		// (its reader failed) is not reused at all.
		w.buf, w.d = nil, nil
		return err
	}
	// Drop this part's strings; keep the buffers.
	clear(w.stack[:cap(w.stack)])
	clear(w.held.attrs[:cap(w.held.attrs)])
	clear(w.held.names[:cap(w.held.names)])
	ts := w.held.texts[:cap(w.held.texts)]
	for i := range ts {
		ts[i].name = xml.Name{}
	}
	*w = writer{
		buf: w.buf[:0], hold: w.hold[:0], stack: w.stack[:0],
		held: heldElem{attrs: w.held.attrs[:0], names: w.held.names[:0], texts: w.held.texts[:0]},
	}
	writers.Put(w)
	return err
}

func (w *writer) writeStartTok(t *tok) {
	w.closeTag()
	*w.d = appendStartTok(*w.d, t)
	w.openTag = true
}

func (w *writer) closeTag() {
	if w.openTag {
		*w.d = append(*w.d, '>')
		w.openTag = false
	}
}

// flushPending writes the start tags of prune-if-empty ancestors that now have content.
func (w *writer) flushPending() {
	if w.npending == 0 {
		return
	}
	from := 0
	if w.holding {
		from = w.holdAt + 1 // the ones outside wait for the rule to keep the held element
	}
	for i := from; i < len(w.stack); i++ {
		if w.stack[i].open {
			w.closeTag()
			*w.d = append(*w.d, w.stack[i].pending...)
			w.stack[i].open = false
			w.stack[i].pending = nil
			w.npending--
		}
	}
}

// declares reports whether a start tag declares a namespace or the default namespace.
func declares(t *tok) bool {
	for _, a := range t.rawAttr {
		if a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns" {
			return true
		}
	}
	return false
}
