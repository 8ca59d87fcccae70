package text

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/sekisho/sekisho/sanitize"
)

// HTMLOptions configure HTMLToText. The zero value is usable.
type HTMLOptions struct {
	DefangLinks bool  // write URLs as hxxp://example[.]com so they are not clickable
	MaxDepth    int   // element nesting bound, default 256; deeper content is still emitted as flat text
	MaxOutput   int64 // cap on bytes written, default 64 MiB; beyond it a *sanitize.LimitError ("limits.max_file_size")
}

// HTMLStats counts what HTMLToText found.
type HTMLStats struct {
	Links, Images, Tables         int
	DroppedHidden, DroppedScripts int
}

const (
	defaultMaxDepth  = 256
	defaultMaxOutput = 64 << 20
	// maxToken bounds the tokenizer's buffer: one tag or text run (an inline data: image,
	// a huge script) may not hold more than this in memory.
	maxToken = 32 << 20
)

// HTMLToText converts UTF-8 HTML read from r to readable plain text written to w. It
// streams (golang.org/x/net/html's Tokenizer, memory bounded by MaxDepth and one token) and
// renders what a reader of the page would see:
//
//   - script, style, noscript, template, head, title, iframe, svg, canvas, audio, video,
//     select, closed dialogs and comments are dropped, as is every element hidden by the
//     hidden attribute, by its style (display:none, visibility:hidden, a font under 2px,
//     opacity:0, transparent colour, mso-hide:all, zero size with overflow:hidden, clipped
//     or scaled to nothing, off-screen) or by a class, id or tag rule of a preceding
//     <style> that hides it;
//   - paragraphs, headings ("# ", "## ", ...), divs and <br> become line breaks with at most
//     one blank line; lists become "- " and "1. " items, indented when nested; blockquotes
//     are prefixed "> "; table rows become lines with cells separated by " | ";
//   - a link becomes "text <url>", and only the text when the text is the URL; http(s),
//     mailto: and tel: URLs are kept (mailto: and tel: are never defanged), every other
//     scheme (javascript:, data:, file:, relative links) is dropped with its text kept;
//   - an image with alt text becomes "[image: alt]"; images without alt (spacers,
//     tracking pixels) are counted but not written;
//   - entities are decoded; whitespace collapses except in <pre>, <textarea> and <xmp>; a
//     source line break between two Japanese characters is not a space.
//
// The title is dropped: it is not part of the page a reader sees, and in mail it repeats
// the subject. Nesting deeper than MaxDepth is flattened: its text is still written, and a
// hidden element down there hides the rest of its deepest tracked ancestor, so depth can
// cost layout but never reveals hidden text.
func HTMLToText(w io.Writer, r io.Reader, o HTMLOptions) (HTMLStats, error) {
	if o.MaxDepth <= 0 {
		o.MaxDepth = defaultMaxDepth
	}
	if o.MaxOutput <= 0 {
		o.MaxOutput = defaultMaxOutput
	}
	c := &converter{
		o:        o,
		out:      newLineWriter(w, o.MaxOutput),
		overflow: map[string]int{},
		isOpen:   map[int]bool{},
	}
	z := html.NewTokenizer(r)
	z.SetMaxBuf(maxToken)
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			err := z.Err()
			if err == io.EOF {
				c.popAll()
				return c.stats, c.out.finish()
			}
			if errors.Is(err, html.ErrBufferExceeded) {
				return c.stats, &sanitize.LimitError{Limit: "limits.max_file_size", Max: maxToken, Got: maxToken + 1}
			}
			return c.stats, err
		case html.TextToken:
			c.onText(z.Text())
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			c.onStart(z, a, tagName(a, name), hasAttr, tt == html.SelfClosingTagToken)
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			c.onEnd(a, tagName(a, name))
		}
		c.preStart = c.preStart && tt == html.StartTagToken
		if tt == html.EndTagToken {
			// An empty <script></script> has no text token: the skip must not outlive it.
			c.rawSkip, c.rawStyle = false, false
		}
		if c.out.err != nil {
			return c.stats, c.out.err
		}
	}
}

// elem is one open element we track.
type elem struct {
	f        tagInfo
	id       int
	name     string
	a        atom.Atom
	suppress bool   // hidden or never rendered: its content is dropped
	indent   string // the writer's indent before this element, restored when it closes
	pre      bool   // preformatted content
	ordered  bool   // ol
	next     int    // next ol item number
	cells    int    // cells seen in a tr
	href     string // a: the URL, normalized
	show     string // a: the URL as written out (defanged when asked)
	link     bool   // a: marks the writer
}

type converter struct {
	o        HTMLOptions
	out      *lineWriter
	stats    HTMLStats
	stack    []elem
	suppress int // open elements with suppress set
	preDepth int
	rawSkip  bool // the next text token is a script, style or similar: drop it
	rawStyle bool // ... and it is a style sheet to learn hidden selectors from
	preStart bool // just after <pre>: a leading newline is not content
	css      styleSheet

	heads, maths  int           // open head and math elements, to skip searching the stack
	active        []activeEntry // active formatting elements (htmlformat.go)
	isOpen        map[int]bool  // ids of the elements on the stack
	nextID        int
	overflow      map[string]int // elements opened past MaxDepth, by name
	overflowTotal int
}

// attrs are the attributes the converter looks at.
type attrs struct {
	hidden, open                     bool
	style, class, id, href, alt, typ string
	start                            string
}

func readAttrs(z *html.Tokenizer) attrs {
	var a attrs
	for {
		k, v, more := z.TagAttr()
		switch string(k) {
		case "hidden":
			a.hidden = true
		case "open":
			a.open = true
		case "style":
			a.style = string(v)
		case "class":
			a.class = string(v)
		case "id":
			a.id = string(v)
		case "href":
			a.href = string(v)
		case "alt":
			a.alt = string(v)
		case "type":
			a.typ = strings.ToLower(string(v))
		case "start":
			a.start = string(v)
		}
		if !more {
			return a
		}
	}
}

func (c *converter) hidden() bool { return c.suppress > 0 }

func (c *converter) count(a atom.Atom, d int) {
	switch a {
	case atom.Head:
		c.heads += d
	case atom.Math:
		c.maths += d
	}
}

func (c *converter) onText(p []byte) {
	if c.rawSkip {
		c.rawSkip = false
		if c.rawStyle {
			c.rawStyle = false
			c.css.add(string(p))
		}
		return
	}
	if c.heads > 0 && len(bytes.TrimSpace(p)) > 0 {
		i := c.find(atom.Head)
		// Text cannot live in head: a browser closes head here, and so do we, rather than
		// hide the rest of a document whose </head> is missing.
		c.popTo(i)
	}
	c.reconstruct()
	if c.hidden() {
		return
	}
	s := p
	if c.preStart {
		s = bytes.TrimPrefix(bytes.TrimPrefix(s, []byte("\r")), []byte("\n"))
	}
	if c.preDepth > 0 {
		c.out.pre(s)
		return
	}
	c.out.text(s)
}

// tagName returns the element name without allocating for known elements.
func tagName(a atom.Atom, name []byte) string {
	if a != 0 {
		return a.String()
	}
	return string(name)
}

func (c *converter) onStart(z *html.Tokenizer, a atom.Atom, name string, hasAttr bool, selfClosing bool) {
	fl := info(a)
	var at attrs
	if hasAttr {
		at = readAttrs(z)
	}
	if a == atom.Script {
		c.stats.DroppedScripts++
	}
	if fl.has(iRawDropped) {
		// The tokenizer returns the element's content as one raw text token.
		c.rawSkip = true
		c.rawStyle = a == atom.Style
	}
	if c.heads > 0 && !fl.has(iHeadOK) {
		c.popTo(c.find(atom.Head))
	}
	if fl.has(iTablePart) && c.find(atom.Table) < 0 {
		return // outside a table, browsers ignore <td>, <tr>, <tbody>...
	}
	c.autoClose(a, fl)
	c.tableContext(a, fl)
	if !fl.has(iSpecial) || fl.has(iReconstruct) {
		c.reconstruct()
	}

	hide := at.hidden || hiddenStyle(at.style) || c.css.hides(name, at.class, at.id) ||
		a == atom.Input && at.typ == "hidden" || a == atom.Dialog && !at.open
	if hide && !c.hidden() {
		c.stats.DroppedHidden++
	}
	isVoid := fl.has(iVoid) || selfClosing && c.inForeign()
	if isVoid {
		if !hide && !c.hidden() {
			c.voidElement(a, at)
		}
		return
	}
	e := elem{f: fl, name: name, a: a, suppress: hide || fl.has(iDropped), indent: c.out.indent}
	if !c.pushElem(&e, true) {
		c.openOverflow(name, a, e.suppress)
		return
	}
	if c.hidden() {
		return
	}
	c.startEffects(&c.stack[len(c.stack)-1], at)
}

// pushElem opens e unless the stack is at MaxDepth; it assigns e.id. remember adds it to
// the active formatting elements (reconstructed clones are already there).
func (c *converter) pushElem(e *elem, remember bool) bool {
	if len(c.stack) >= c.o.MaxDepth {
		return false
	}
	c.nextID++
	e.id = c.nextID
	if e.suppress {
		c.suppress++
	}
	c.count(e.a, 1)
	c.isOpen[e.id] = true
	c.stack = append(c.stack, *e)
	if remember {
		c.noteOpened(*e)
	}
	return true
}

// suppressTop hides the rest of the deepest open element.
func (c *converter) suppressTop() {
	top := &c.stack[len(c.stack)-1]
	if !top.suppress {
		top.suppress = true
		c.suppress++
	}
}

// inForeign reports whether we are inside MathML, where "<x/>" really closes the element.
// (SVG is dropped whole.)
func (c *converter) inForeign() bool { return c.maths > 0 }

func (c *converter) voidElement(a atom.Atom, at attrs) {
	switch a {
	case atom.Br:
		c.out.br()
	case atom.Hr:
		c.out.block(2)
		c.out.raw("----------")
		c.out.block(2)
	case atom.Img:
		c.stats.Images++
		if alt := strings.TrimSpace(at.alt); alt != "" {
			c.out.softSpace()
			c.out.text([]byte("[image: " + alt + "]"))
			c.out.softSpace()
		}
	}
}

// openOverflow handles a start tag past MaxDepth: nothing is pushed, only counted, so the
// matching end tag can be consumed; a hidden element hides the rest of the deepest tracked
// element, which contains it.
func (c *converter) openOverflow(name string, a atom.Atom, hide bool) {
	key := name
	if _, ok := c.overflow[key]; !ok && len(c.overflow) >= 1024 {
		key = "\x00other"
	}
	c.overflow[key]++
	c.overflowTotal++
	if hide {
		c.suppressTop()
		return
	}
	if !c.hidden() {
		c.blockEffect(a)
	}
}

func (c *converter) blockEffect(a atom.Atom) {
	fl := info(a)
	switch {
	case fl.has(iPara):
		c.out.block(2)
	case fl.has(iBlock), a == atom.Li, a == atom.Dd:
		c.out.block(1)
	case a == atom.Td || a == atom.Th:
		c.out.softSpace()
	}
}

func (c *converter) startEffects(e *elem, at attrs) {
	w := c.out
	if (e.a == atom.Ul || e.a == atom.Ol) && c.find(atom.Li) >= 0 {
		w.block(1) // a nested list sits right under its item
	} else {
		c.blockEffect(e.a)
	}
	switch e.a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		w.lead = strings.Repeat("#", int(e.name[1]-'0')) + " "
	case atom.Pre, atom.Listing, atom.Xmp, atom.Plaintext, atom.Textarea:
		e.pre = true
		c.preDepth++
		c.preStart = true
	case atom.Ol:
		e.ordered = true
		e.next = 1
		if n, err := strconv.Atoi(strings.TrimSpace(at.start)); err == nil && n > -1e6 && n < 1e6 {
			e.next = n
		}
	case atom.Li:
		bullet := "- "
		if i := c.findBefore(atom.Ol, atom.Ul, atom.Menu, atom.Dir); i >= 0 {
			bullet = strconv.Itoa(c.stack[i].next) + ". "
			c.stack[i].next++
		}
		w.bullet = bullet
		w.indent = deeper(w.indent, strings.Repeat(" ", len(bullet)))
	case atom.Dd:
		w.indent = deeper(w.indent, "  ")
	case atom.Blockquote:
		w.indent = deeper(w.indent, "> ")
	case atom.Table:
		c.stats.Tables++
	case atom.Td, atom.Th:
		if i := c.findBefore(atom.Tr, atom.Table); i >= 0 {
			tr := &c.stack[i]
			if tr.cells > 0 {
				w.cellSep()
			}
			tr.cells++
		}
	case atom.A:
		if u, show := linkURL(at.href, c.o.DefangLinks); u != "" {
			e.href, e.show = u, show
			e.link = true
			w.startMark()
		}
	}
}

// maxIndent caps indentation: deeply nested lists would otherwise turn a few input bytes
// per item into hundreds of output bytes.
const maxIndent = 40

func deeper(indent, more string) string {
	if len(indent)+len(more) > maxIndent {
		return indent
	}
	return indent + more
}

func isHeading(a atom.Atom) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

func (c *converter) onEnd(a atom.Atom, name string) {
	if c.overflowTotal > 0 {
		key := name
		if _, ok := c.overflow[key]; !ok && len(c.overflow) >= 1024 {
			key = "\x00other"
		}
		if c.overflow[key] > 0 {
			c.overflow[key]--
			c.overflowTotal--
			if !c.hidden() {
				c.blockEffect(a)
			}
			return
		}
	}
	if info(a).has(iFormatting) && c.endFormatting(name) {
		return
	}
	if i := c.endTarget(a, name); i >= 0 {
		c.popTo(i)
		return
	}
	if c.hidden() {
		return
	}
	switch a {
	case atom.Br:
		c.out.br() // "</br>" is a <br> to browsers
	case atom.P:
		c.out.block(2)
	}
}

// popTo closes the element at index i and everything opened inside it.
func (c *converter) popTo(i int) {
	for len(c.stack) > i {
		c.pop()
	}
}

func (c *converter) popAll() { c.popTo(0) }

func (c *converter) pop() {
	n := len(c.stack) - 1
	e := c.stack[n]
	c.stack = c.stack[:n]
	delete(c.isOpen, e.id)
	c.noteClosed(e)
	c.count(e.a, -1)
	wasHidden := c.hidden()
	if e.suppress {
		c.suppress--
	}
	if e.pre {
		c.preDepth--
	}
	if wasHidden {
		c.out.indent = e.indent
		return
	}
	w := c.out
	if e.link {
		c.endLink(e)
	}
	w.indent = e.indent
	switch {
	case e.a == atom.Li:
		w.bullet = "" // an empty item leaves no bullet behind
	case isHeading(e.a):
		w.lead = ""
	}
	switch {
	case (e.a == atom.Ul || e.a == atom.Ol) && c.find(atom.Li) >= 0:
		w.block(1) // a nested list ends with its item
	case e.f.has(iPara):
		w.block(2)
	case e.f.has(iBlock), e.a == atom.Li, e.a == atom.Dd:
		w.block(1)
	}
}

func (c *converter) endLink(e elem) {
	w := c.out
	txt, set, ok := w.endMark()
	c.stats.Links++
	if ok && sameAsURL(txt, e.href) {
		if e.show != e.href {
			lead := txt[:len(txt)-len(strings.TrimLeft(txt, " "))]
			w.replaceMarked(lead + e.show)
		}
		return
	}
	if set {
		w.softSpace()
	}
	w.raw("<" + e.show + ">")
}
