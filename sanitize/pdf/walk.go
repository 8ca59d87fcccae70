package pdf

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/sekisho/sekisho/sanitize"
)

// maxDepth bounds the recursion of the walk. Direct nesting is already bounded by the
// parser; this catches long chains of indirect objects (outline siblings linked by /Next,
// a hostile million-link list) before they exhaust the goroutine stack, which Go cannot
// recover from.
const maxDepth = 10_000

// cleaner walks pdfcpu's object model once, from the trailer's roots, and unlinks active
// content in place. Every removal is recorded as one action.
type cleaner struct {
	ctx     context.Context
	x       *model.XRefTable
	b       *sanitize.Budget
	path    string
	keepURI bool
	actions []sanitize.Action

	visited map[int]bool // indirect objects already walked
	dropped map[int]bool // indirect objects unlinked wherever they are referenced
	pages   map[int]int  // page object number -> page number, from 1
	steps   int

	objStmCharged map[int]int64 // object stream number -> decoded bytes charged to the budget
}

func newCleaner(ctx context.Context, x *model.XRefTable, b *sanitize.Budget, path string, keepURI bool) *cleaner {
	return &cleaner{
		ctx: ctx, x: x, b: b, path: path, keepURI: keepURI,
		visited: map[int]bool{}, dropped: map[int]bool{}, pages: map[int]int{},
		objStmCharged: map[int]int64{},
	}
}

func (c *cleaner) report(kind sanitize.ActionKind, detail string) {
	c.actions = append(c.actions, sanitize.Action{Kind: kind, Path: c.path, Detail: detail})
}

// run numbers the pages, then walks the catalog, the document information dictionary and
// any extra trailer streams: exactly the roots pdfcpu's writer writes from.
func (c *cleaner) run() error {
	if err := c.numberPages(); err != nil {
		return err
	}
	if _, _, err := c.walk(*c.x.Root, "trailer", "Root", 0); err != nil {
		return err
	}
	if c.x.Info != nil {
		_, keep, err := c.walk(*c.x.Info, "trailer", "Info", 0)
		if err != nil {
			return err
		}
		if !keep {
			c.x.Info = nil
		}
	}
	if c.x.AdditionalStreams != nil {
		o, _, err := c.walk(*c.x.AdditionalStreams, "trailer", "AdditionalStreams", 0)
		if err != nil {
			return err
		}
		if a, ok := o.(types.Array); ok {
			*c.x.AdditionalStreams = a
		}
	}
	// pdfcpu's writer rebuilds the catalog's name trees from this cache when it holds
	// them: a cached JavaScript or EmbeddedFiles tree would come back.
	for _, k := range []string{"JavaScript", "EmbeddedFiles", "AlternatePresentations", "Renditions"} {
		delete(c.x.Names, k)
	}
	return c.freeUnreached()
}

// freeUnreached marks every object the walk did not keep as free. The writer skips them
// either way; marked free, they leave no hole between the xref table and the trailer's
// /Size (pdfcpu keeps the input's /Size, which counted the input's object streams).
func (c *cleaner) freeUnreached() error {
	for _, nr := range slices.Sorted(maps.Keys(c.x.Table)) {
		e := c.x.Table[nr]
		if nr == 0 || e == nil || e.Free || c.visited[nr] && !c.dropped[nr] {
			continue
		}
		if err := c.x.FreeObject(nr); err != nil {
			return fmt.Errorf("pdf: %w: xref: %v", sanitize.ErrMalformed, err)
		}
	}
	return nil
}

// numberPages walks the page tree iteratively, numbering leaves in document order and
// charging them against limits.max_pages.
func (c *cleaner) numberPages() error {
	cat, err := c.x.DereferenceDict(*c.x.Root)
	if err != nil || cat == nil {
		return fmt.Errorf("pdf: %w: unreadable catalog", sanitize.ErrMalformed)
	}
	root, ok := cat.Find("Pages")
	if !ok {
		return fmt.Errorf("pdf: %w: no page tree", sanitize.ErrMalformed)
	}
	if d, err := c.x.DereferenceDict(root); err == nil && d != nil {
		// The claimed count is what viewers allocate for; check it as well as the real one.
		if n := d.IntEntry("Count"); n != nil {
			if err := c.b.CheckPages(*n); err != nil {
				return err
			}
		}
	}
	stack := []types.Object{root}
	seen := map[int]bool{}
	n := 0
	for len(stack) > 0 {
		if err := c.tick(); err != nil {
			return err
		}
		o := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		nr := -1
		if r, ok := o.(types.IndirectRef); ok {
			nr = r.ObjectNumber.Value()
			if seen[nr] {
				continue
			}
			seen[nr] = true
			if err := c.load(nr); err != nil {
				return err
			}
		}
		d, err := c.x.DereferenceDict(o)
		if err != nil {
			return fmt.Errorf("pdf: %w: page tree: %v", sanitize.ErrMalformed, err)
		}
		if d == nil {
			continue
		}
		kids, hasKids := d.Find("Kids")
		if typeName(d) == "Pages" && !hasKids {
			continue // an empty intermediate node, not a page
		}
		if hasKids && typeName(d) != "Page" {
			a, err := c.x.DereferenceArray(kids)
			if err != nil {
				return fmt.Errorf("pdf: %w: page tree: %v", sanitize.ErrMalformed, err)
			}
			for i := len(a) - 1; i >= 0; i-- {
				stack = append(stack, a[i])
			}
			continue
		}
		n++
		if err := c.b.CheckPages(n); err != nil {
			return err
		}
		if nr >= 0 {
			c.pages[nr] = n
		}
	}
	if n == 0 {
		return fmt.Errorf("pdf: %w: document has no pages", sanitize.ErrMalformed)
	}
	return nil
}

// load decodes the object stream holding object nr, if any, and charges its decoded size
// against limits.max_total_size. pdfcpu decodes object streams lazily, each bounded only by
// its own limit; without this charge a file of many small streams that inflate to the
// per-stream limit could exhaust memory. The decoded size is read from the capacity of the
// object's slice into the stream's content, which reaches to the end of the content.
func (c *cleaner) load(nr int) error {
	e, ok := c.x.Table[nr]
	if !ok || e == nil || e.ObjectStream == nil {
		return nil
	}
	l, ok := e.Object.(types.LazyObjectStreamObject)
	if !ok {
		return nil
	}
	data, err := l.GetData()
	if err != nil {
		if errors.Is(err, filter.ErrDecodeLimitExceeded) {
			return decodeLimit(c.b)
		}
		return fmt.Errorf("pdf: %w: object stream %d: %v", sanitize.ErrMalformed, *e.ObjectStream, err)
	}
	stm := *e.ObjectStream
	if size := int64(cap(data)); size > c.objStmCharged[stm] {
		if err := c.b.AddExpanded(size - c.objStmCharged[stm]); err != nil {
			return err
		}
		c.objStmCharged[stm] = size
	}
	return nil
}

// tick checks for cancellation every few thousand objects: the walk is CPU-bound.
func (c *cleaner) tick() error {
	c.steps++
	if c.steps&0xfff == 0 {
		return c.ctx.Err()
	}
	return nil
}

// walk cleans o, found under key in the object described by where. It returns the object
// the parent should hold from now on, and keep=false when the parent must drop its
// reference to o entirely.
func (c *cleaner) walk(o types.Object, where, key string, depth int) (types.Object, bool, error) {
	if depth > maxDepth {
		return nil, false, fmt.Errorf("pdf: %w: object graph nested deeper than %d", sanitize.ErrMalformed, maxDepth)
	}
	if err := c.tick(); err != nil {
		return nil, false, err
	}
	switch v := o.(type) {
	case types.IndirectRef:
		return c.walkRef(v, where, key, depth)
	case types.Dict:
		if c.forbidden(v, where, key) {
			return nil, false, nil
		}
		return v, true, c.cleanDict(v, c.label(v, -1, where), depth)
	case types.StreamDict:
		if c.forbidden(v.Dict, where, key) {
			return nil, false, nil
		}
		return v, true, c.cleanDict(v.Dict, c.label(v.Dict, -1, where), depth)
	case types.Array:
		return c.walkArray(v, where, key, depth)
	}
	return o, true, nil
}

func (c *cleaner) walkRef(r types.IndirectRef, where, key string, depth int) (types.Object, bool, error) {
	nr := r.ObjectNumber.Value()
	if c.dropped[nr] {
		return nil, false, nil
	}
	if c.visited[nr] {
		return r, true, nil
	}
	c.visited[nr] = true
	if err := c.load(nr); err != nil {
		return nil, false, err
	}
	// Dereference also unpacks objects that sit in object streams.
	obj, err := c.x.Dereference(r)
	if err != nil {
		return nil, false, fmt.Errorf("pdf: %w: object %d: %v", sanitize.ErrMalformed, nr, err)
	}
	var d types.Dict
	switch v := obj.(type) {
	case nil, types.ObjectStreamDict, types.XRefStreamDict:
		// A reference to a missing or free object means null (ISO 32000-1 7.3.10), so
		// dropping it changes nothing for a reader; kept, it would collide with the
		// numbers pdfcpu gives the object and xref streams it writes. References to
		// the input's own object or xref streams are structure, never content.
		c.dropped[nr] = true
		return nil, false, nil
	case types.Dict:
		d = v
	case types.StreamDict:
		d = v.Dict
	case types.Array:
		a, _, err := c.walkArray(v, where, key, depth+1)
		if err != nil {
			return nil, false, err
		}
		if e, ok := c.x.Table[nr]; ok && e != nil {
			e.Object = a
		}
		return r, true, nil
	default:
		return r, true, nil
	}
	if c.forbidden(d, where, key) {
		c.dropped[nr] = true
		return nil, false, nil
	}
	return r, true, c.cleanDict(d, c.label(d, nr, where), depth+1)
}

// walkArray keeps the elements that survive; dropped elements are removed, not nulled,
// so /Annots, /Kids and /Next arrays stay meaningful.
func (c *cleaner) walkArray(a types.Array, where, key string, depth int) (types.Object, bool, error) {
	out := a[:0:0]
	changed := false
	for _, e := range a {
		ne, keep, err := c.walk(e, where, key, depth+1)
		if err != nil {
			return nil, false, err
		}
		if !keep {
			changed = true
			continue
		}
		out = append(out, ne)
	}
	if !changed {
		return a, true, nil
	}
	return out, true, nil
}

// cleanDict deletes the keys that carry active content and walks the rest, in sorted key
// order so that reports are stable.
func (c *cleaner) cleanDict(d types.Dict, label string, depth int) error {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if kind, ok := removedKeys[k]; ok {
			if budget := 1000; c.hasJS(d[k], 0, &budget) {
				kind = sanitize.ActRemovedJavaScript
			}
			c.report(kind, fmt.Sprintf("/%s on %s%s", k, label, c.describe(k, d[k])))
			delete(d, k)
			if k == "XFA" {
				// Without XFA a viewer must not wait for a dynamic form to render.
				delete(d, "NeedsRendering")
			}
			continue
		}
		v, ok := d[k]
		if !ok {
			continue // deleted above as a companion key
		}
		nv, keep, err := c.walk(v, label, k, depth+1)
		if err != nil {
			return err
		}
		if !keep {
			delete(d, k)
			continue
		}
		if a, ok := nv.(types.Array); ok {
			d[k] = a
		}
	}
	return nil
}

// label names an object for reports: "page 3", "page 3 Link annotation", "catalog".
func (c *cleaner) label(d types.Dict, nr int, where string) string {
	if n, ok := c.pages[nr]; ok {
		return fmt.Sprintf("page %d", n)
	}
	_, ft := d.Find("FT")
	if t, ok := d.Find("T"); ft || ok && nameOf(d, "Subtype") == "Widget" {
		if name, err := c.x.DereferenceStringOrHexLiteral(t, model.V10, nil); err == nil && name != "" {
			return fmt.Sprintf("form field %q", name)
		}
		return "form field"
	}
	switch t := typeName(d); {
	case t == "Catalog":
		return "catalog"
	case t == "Annot" || (t == "" && annotSubtypes[nameOf(d, "Subtype")]):
		return fmt.Sprintf("%s %s annotation", where, nameOf(d, "Subtype"))
	case t == "Outlines":
		return "outlines"
	}
	if _, ok := d.Find("Fields"); ok {
		return "AcroForm"
	}
	if _, ok := d.Find("Title"); ok {
		if _, ok := d.Find("Parent"); ok {
			return "outline item"
		}
	}
	return where
}

// describe adds what a removed value was, for the operator: " (JavaScript action)",
// " (destination)", or for /AA the triggers and their actions " (O: JavaScript)".
func (c *cleaner) describe(key string, o types.Object) string {
	d, a := c.derefContainer(o)
	if a != nil {
		return " (destination)"
	}
	if d == nil {
		return ""
	}
	if s := nameOf(d, "S"); s != "" {
		return " (" + s + " action)"
	}
	if key != "AA" {
		return ""
	}
	var parts []string
	for _, trig := range slices.Sorted(maps.Keys(d)) {
		if ad, _ := c.derefContainer(d[trig]); ad != nil {
			parts = append(parts, trig+": "+cmp.Or(nameOf(ad, "S"), "?"))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// hasJS reports whether o holds JavaScript within a few levels: an /S /JavaScript action
// or a /JS entry, directly or through /Next and trigger dictionaries, looking at no more
// than budget objects. It decides whether a
// removed /OpenAction or /AA is reported as JavaScript.
func (c *cleaner) hasJS(o types.Object, depth int, budget *int) bool {
	*budget--
	if depth > 8 || *budget < 0 {
		return false
	}
	d, a := c.derefContainer(o)
	for _, e := range a {
		if c.hasJS(e, depth+1, budget) {
			return true
		}
	}
	if d == nil {
		return false
	}
	if nameOf(d, "S") == "JavaScript" {
		return true
	}
	if _, ok := d.Find("JS"); ok {
		return true
	}
	for k, v := range d {
		if k == "Next" || len(k) <= 2 { // /Next chains and trigger keys (/O, /WC, /K ...)
			if c.hasJS(v, depth+1, budget) {
				return true
			}
		}
	}
	return false
}

// derefContainer resolves o to a dictionary (streams give their dictionary) or an array.
func (c *cleaner) derefContainer(o types.Object) (types.Dict, types.Array) {
	v, err := c.x.Dereference(o)
	if err != nil {
		return nil, nil
	}
	switch t := v.(type) {
	case types.Dict:
		return t, nil
	case types.StreamDict:
		return t.Dict, nil
	case types.Array:
		return nil, t
	}
	return nil, nil
}

func nameOf(d types.Dict, key string) string {
	if p := d.NameEntry(key); p != nil {
		return *p
	}
	return ""
}

func typeName(d types.Dict) string { return nameOf(d, "Type") }
