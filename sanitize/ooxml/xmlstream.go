package ooxml

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// The rewriter reads a part with encoding/xml's RawToken and writes it back itself.
// encoding/xml's Encoder cannot be used: it turns prefixes into namespace URIs and
// re-declares them on every element (golang/go#9519), which Office rejects. RawToken keeps
// the prefixes as written; a scope stack resolves them so that rules match on namespace
// URIs whatever prefix a producer chose, and the serializer below writes the original
// prefixes and xmlns declarations back unchanged.

const (
	maxXMLDepth     = 512     // deeper nesting is not produced by any office suite
	maxHeldBytes    = 1 << 20 // a held element (an Excel formula, a defined name)
	ctxCheckEvery   = 4096    // tokens between context checks
	maxFieldQueue   = 1 << 16 // tokens queued while a Word field instruction is open
	maxInstrCapture = 4096    // bytes of a field instruction kept to decide on it
)

// tok is one token with its names resolved. Stages before the serializer may mark it.
type tok struct {
	t      xml.Token
	name   xml.Name   // Start/End: Space is the namespace URI
	attrs  []xml.Name // Start: resolved attribute names, parallel to the raw attributes
	drop   bool       // Start: drop the subtree; other tokens: drop the token
	unwrap bool       // Start: drop the tags, keep the children
	field  *field     // Word complex fields: the field a fldChar belongs to
}

// clone returns a copy that stays valid after the next token is read.
func (t *tok) clone() *tok {
	c := *t
	c.t = xml.CopyToken(t.t)
	c.attrs = append([]xml.Name(nil), t.attrs...)
	return &c
}

func (t *tok) start() (xml.StartElement, bool) {
	s, ok := t.t.(xml.StartElement)
	return s, ok
}

// attr returns the raw value of the attribute with the resolved name n.
func (t *tok) attr(space, local string) (string, bool) {
	s, ok := t.start()
	if !ok {
		return "", false
	}
	for i, a := range t.attrs {
		if a.Local == local && a.Space == space {
			return s.Attr[i].Value, true
		}
	}
	return "", false
}

// removeAttr deletes attribute i from a start token.
func (t *tok) removeAttr(i int) {
	s := t.t.(xml.StartElement)
	s.Attr = append(s.Attr[:i:i], s.Attr[i+1:]...)
	t.attrs = append(t.attrs[:i:i], t.attrs[i+1:]...)
	t.t = s
}

// stage receives tokens in document order.
type stage interface {
	push(t *tok) error
	finish() error
}

// readXML decodes r and pushes every token, resolved, to st. It enforces well-formedness
// (matching tags, one root, no DOCTYPE) because RawToken does not.
func readXML(ctx context.Context, r io.Reader, st stage) error {
	d := xml.NewDecoder(r)
	d.Strict = true
	type scope struct {
		raw  xml.Name
		decl map[string]string
	}
	var stack []scope
	lookup := func(prefix string) (string, bool) {
		if prefix == "xml" {
			return "http://www.w3.org/XML/1998/namespace", true
		}
		if prefix == "xmlns" {
			return "http://www.w3.org/2000/xmlns/", true
		}
		for i := len(stack) - 1; i >= 0; i-- {
			if u, ok := stack[i].decl[prefix]; ok {
				return u, true
			}
		}
		return "", prefix == ""
	}
	roots, n := 0, 0
	// One tok and one attribute-name buffer serve every token: stages consume a token
	// before the next is read, and the one that keeps tokens (the Word field queue)
	// copies them (see tok.clone).
	var cur tok
	var names []xml.Name
	for {
		if n++; n%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		raw, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return xmlErr(err)
		}
		cur = tok{t: raw}
		t := &cur
		switch v := t.t.(type) {
		case xml.StartElement:
			if len(stack) == 0 {
				if roots++; roots > 1 {
					return fmt.Errorf("%w: xml: more than one root element", sanitize.ErrMalformed)
				}
			}
			if len(stack) >= maxXMLDepth {
				return fmt.Errorf("%w: xml: nesting deeper than %d", sanitize.ErrMalformed, maxXMLDepth)
			}
			sc := scope{raw: v.Name}
			for _, a := range v.Attr {
				switch {
				case a.Name.Space == "xmlns":
					if sc.decl == nil {
						sc.decl = map[string]string{}
					}
					sc.decl[a.Name.Local] = a.Value
				case a.Name.Space == "" && a.Name.Local == "xmlns":
					if sc.decl == nil {
						sc.decl = map[string]string{}
					}
					sc.decl[""] = a.Value
				}
			}
			stack = append(stack, sc)
			u, ok := lookup(v.Name.Space)
			if !ok {
				return fmt.Errorf("%w: xml: undeclared prefix %q", sanitize.ErrMalformed, v.Name.Space)
			}
			t.name = xml.Name{Space: u, Local: v.Name.Local}
			if cap(names) < len(v.Attr) {
				names = make([]xml.Name, len(v.Attr), 2*len(v.Attr))
			}
			t.attrs = names[:len(v.Attr)]
			for i, a := range v.Attr {
				switch {
				case a.Name.Space == "":
					t.attrs[i] = xml.Name{Local: a.Name.Local} // unprefixed attributes have no namespace
				default:
					au, ok := lookup(a.Name.Space)
					if !ok {
						return fmt.Errorf("%w: xml: undeclared prefix %q", sanitize.ErrMalformed, a.Name.Space)
					}
					t.attrs[i] = xml.Name{Space: au, Local: a.Name.Local}
				}
			}
		case xml.EndElement:
			if len(stack) == 0 || stack[len(stack)-1].raw != v.Name {
				return fmt.Errorf("%w: xml: unexpected end element </%s>", sanitize.ErrMalformed, qname(v.Name))
			}
			u, _ := lookup(v.Name.Space)
			t.name = xml.Name{Space: u, Local: v.Name.Local}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				// A UTF-8 byte-order mark comes back as text before the root; some
				// producers (customXml items) write one.
				if len(bytes.TrimSpace(bytes.ReplaceAll(v, []byte("\ufeff"), nil))) != 0 {
					return fmt.Errorf("%w: xml: text outside the root element", sanitize.ErrMalformed)
				}
				continue
			}
		case xml.Directive:
			// A DOCTYPE has no place in a package part; refusing it also rules out entity tricks.
			return fmt.Errorf("%w: xml: DOCTYPE or directive in a package part", sanitize.ErrMalformed)
		case xml.Comment:
			continue // comments carry nothing a consumer needs
		case xml.ProcInst:
			if v.Target != "xml" || len(stack) != 0 || roots != 0 {
				continue // processing instructions (mso-application, ...) are dropped
			}
		}
		if err := st.push(t); err != nil {
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

func xmlErr(err error) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("%w: xml: %v", sanitize.ErrMalformed, se)
	}
	if errors.Is(err, sanitize.ErrLimit) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
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
)

// rules decide what happens to each element. held is called with the text of an element
// that start answered opHold for, and returns whether to keep it.
type rules interface {
	start(t *tok, parent xml.Name) op
	held(t *tok, text string) bool
}

type frame struct {
	name    xml.Name
	raw     xml.Name
	skip    bool // inside a dropped subtree
	unwrap  bool
	pending []byte // serialized start tag not yet written (opPruneEmpty)
	open    bool   // pending and not yet flushed
	hold    bool
}

// writer is the last stage: it applies the rules and serializes what is kept.
type writer struct {
	out     *bufio.Writer
	dst     io.Writer // out, or the hold buffer
	holdBuf bytes.Buffer
	holdTxt strings.Builder
	holding *tok
	r       rules
	stack   []frame
	skip    int  // depth inside a dropped subtree
	openTag bool // a start tag was written without its '>' yet
	wrote   bool
}

func newWriter(w io.Writer, r rules) *writer {
	bw := bufio.NewWriterSize(w, 32<<10)
	return &writer{out: bw, dst: bw, r: r}
}

func (w *writer) push(t *tok) error {
	switch v := t.t.(type) {
	case xml.StartElement:
		if w.skip > 0 {
			w.skip++
			return nil
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
		default:
			o = w.r.start(t, parent)
		}
		v, _ = t.start() // rules may have edited attributes
		switch o {
		case opDrop:
			w.skip = 1
			return nil
		case opUnwrap:
			w.stack = append(w.stack, frame{name: t.name, raw: v.Name, unwrap: true})
			return nil
		case opPruneEmpty:
			var b bytes.Buffer
			writeStart(&b, v)
			b.WriteByte('>')
			w.stack = append(w.stack, frame{name: t.name, raw: v.Name, pending: b.Bytes(), open: true})
			return nil
		case opHold:
			if w.holding == nil {
				w.flushPending()
				w.closeTag()
				h := t.clone()
				w.holding = h
				w.holdBuf.Reset()
				w.holdTxt.Reset()
				w.dst = &w.holdBuf
				w.stack = append(w.stack, frame{name: t.name, raw: v.Name, hold: true})
				w.writeStartTok(v)
				return nil
			}
		}
		w.flushPending()
		w.stack = append(w.stack, frame{name: t.name, raw: v.Name})
		w.writeStartTok(v)
	case xml.EndElement:
		if w.skip > 0 {
			w.skip--
			return nil
		}
		f := w.stack[len(w.stack)-1]
		w.stack = w.stack[:len(w.stack)-1]
		switch {
		case f.unwrap:
			return nil
		case f.open:
			return nil // nothing inside: pruned
		}
		if w.openTag {
			io.WriteString(w.dst, "/>")
			w.openTag = false
		} else {
			io.WriteString(w.dst, "</")
			writeName(w.dst, v.Name)
			io.WriteString(w.dst, ">")
		}
		if f.hold {
			keep := w.r.held(w.holding, w.holdTxt.String())
			w.dst = w.out
			w.holding = nil
			if keep {
				w.out.Write(w.holdBuf.Bytes())
			}
		}
	case xml.CharData:
		if w.skip > 0 || t.drop {
			return nil
		}
		if len(w.stack) > 0 && w.stack[len(w.stack)-1].open && len(bytes.TrimSpace(v)) == 0 {
			return nil
		}
		w.flushPending()
		w.closeTag()
		if w.holding != nil {
			if w.holdTxt.Len()+len(v) > maxHeldBytes {
				return fmt.Errorf("%w: xml: element %s too long", sanitize.ErrMalformed, w.holding.name.Local)
			}
			w.holdTxt.Write(v)
		}
		escapeText(w.dst, v)
	case xml.ProcInst:
		if v.Target == "xml" && !w.wrote {
			io.WriteString(w.dst, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n")
		}
	}
	w.wrote = true
	if w.holding != nil && w.holdBuf.Len() > maxHeldBytes {
		return fmt.Errorf("%w: xml: element %s too long", sanitize.ErrMalformed, w.holding.name.Local)
	}
	return nil
}

func (w *writer) finish() error { return w.out.Flush() }

func (w *writer) writeStartTok(v xml.StartElement) {
	w.closeTag()
	writeStart(w.dst, v)
	w.openTag = true
}

func (w *writer) closeTag() {
	if w.openTag {
		io.WriteString(w.dst, ">")
		w.openTag = false
	}
}

// flushPending writes the start tags of prune-if-empty ancestors that now have content.
func (w *writer) flushPending() {
	for i := range w.stack {
		if w.stack[i].open {
			w.closeTag()
			w.dst.Write(w.stack[i].pending)
			w.stack[i].open = false
			w.stack[i].pending = nil
		}
	}
}

func writeName(w io.Writer, n xml.Name) {
	if n.Space != "" {
		io.WriteString(w, n.Space)
		io.WriteString(w, ":")
	}
	io.WriteString(w, n.Local)
}

func writeStart(w io.Writer, v xml.StartElement) {
	io.WriteString(w, "<")
	writeName(w, v.Name)
	for _, a := range v.Attr {
		io.WriteString(w, " ")
		writeName(w, a.Name)
		io.WriteString(w, `="`)
		escapeAttr(w, a.Value)
		io.WriteString(w, `"`)
	}
}

func escapeText(w io.Writer, s []byte) {
	last := 0
	for i, c := range s {
		var esc string
		switch c {
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '&':
			esc = "&amp;"
		case '\r':
			esc = "&#xD;"
		default:
			continue
		}
		w.Write(s[last:i])
		io.WriteString(w, esc)
		last = i + 1
	}
	w.Write(s[last:])
}

func escapeAttr(w io.Writer, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '&':
			esc = "&amp;"
		case '"':
			esc = "&quot;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			continue
		}
		io.WriteString(w, s[last:i])
		io.WriteString(w, esc)
		last = i + 1
	}
	io.WriteString(w, s[last:])
}
