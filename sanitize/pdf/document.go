package pdf

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/mailto"
)

// pageLeaf is one page found in the page tree, with the inheritable attributes it
// inherits from its ancestors (7.7.3.4).
type pageLeaf struct {
	nr  int
	d   types.Dict
	inh map[string]types.Object
}

var inheritable = []string{"Resources", "MediaBox", "CropBox", "Rotate"}

// maxOutlineDepth bounds nested bookmarks; deeper levels are cut and reported.
const maxOutlineDepth = 64

// catalog rebuilds the document catalog and the page tree, and returns the catalog.
func (b *builder) catalog() (ref, error) {
	cat, _, err := b.resolveDict(*b.x.Root)
	if err != nil {
		return 0, err
	}
	if cat == nil {
		return 0, fmt.Errorf("pdf: %w: unreadable catalog", sanitize.ErrMalformed)
	}
	leaves, err := b.collectPages(cat["Pages"])
	if err != nil {
		return 0, err
	}
	// Every page gets its number first: destinations and annotations anywhere point to
	// pages, and must know which are real.
	pages := b.w.alloc()
	refs := make([]ref, len(leaves))
	for i, l := range leaves {
		refs[i] = b.w.alloc()
		if _, dup := b.pageRefs[l.nr]; l.nr >= 0 && !dup {
			b.pageRefs[l.nr] = refs[i]
			b.pageNo[l.nr] = i + 1
		}
	}
	root := b.w.alloc()
	out, err := b.fields(cat, catalogKeys, "Catalog")
	if err != nil {
		return 0, err
	}
	out["Type"] = name("Catalog")
	out["Pages"] = pages
	kids := make(array, len(leaves))
	for i, l := range leaves {
		b.where = fmt.Sprintf("page %d", i+1)
		pd, err := b.page(l, pages)
		if err != nil {
			return 0, err
		}
		b.w.put(refs[i], pd)
		kids[i] = refs[i]
	}
	b.where = ""
	b.w.put(pages, dict{"Type": name("Pages"), "Kids": kids, "Count": int64(len(leaves))})
	b.w.put(root, out)
	return root, nil
}

// collectPages walks the page tree iteratively in document order, charging pages to
// limits.max_pages and resolving inherited attributes into each leaf. A node seen twice
// (a cycle) is skipped.
func (b *builder) collectPages(root types.Object) ([]pageLeaf, error) {
	if d, _, err := b.resolveDict(root); err == nil && d != nil {
		// The claimed count is what viewers allocate for; check it as well as the real one.
		if n, ok := b.integer(d["Count"]); ok {
			if err := b.b.CheckPages(int(min(n, 1<<30))); err != nil {
				return nil, err
			}
		}
	}
	type node struct {
		o   types.Object
		inh map[string]types.Object
	}
	stack := []node{{root, map[string]types.Object{}}}
	seen := map[int]bool{}
	var out []pageLeaf
	for len(stack) > 0 {
		if err := b.tick(); err != nil {
			return nil, err
		}
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		d, nr, err := b.resolveDict(n.o)
		if err != nil {
			return nil, err
		}
		if d == nil {
			continue
		}
		if nr >= 0 {
			if seen[nr] {
				continue
			}
			seen[nr] = true
		}
		inh := n.inh
		for _, k := range inheritable {
			if v, ok := d[k]; ok {
				inh = cloneInh(inh)
				inh[k] = v
			}
		}
		kids, hasKids := d["Kids"]
		t := b.nameOf(d, "Type")
		if t == "Pages" || hasKids && t != "Page" {
			a, _ := b.array(kids)
			for i := len(a) - 1; i >= 0; i-- {
				stack = append(stack, node{a[i], inh})
			}
			continue
		}
		out = append(out, pageLeaf{nr: nr, d: d, inh: inh})
		if err := b.b.CheckPages(len(out)); err != nil {
			return nil, err
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("pdf: %w: document has no pages", sanitize.ErrMalformed)
	}
	return out, nil
}

func cloneInh(m map[string]types.Object) map[string]types.Object {
	c := make(map[string]types.Object, len(m)+1)
	for k, v := range m {
		c[k] = v
	}
	return c
}

func (b *builder) tick() error {
	b.steps++
	if b.steps&0x3ff == 0 {
		return b.ctx.Err()
	}
	return nil
}

// page rebuilds one page from its allow-list; its content streams become one stream.
func (b *builder) page(l pageLeaf, parent ref) (dict, error) {
	d := make(types.Dict, len(l.d)+len(l.inh))
	for k, v := range l.inh {
		d[k] = v
	}
	for k, v := range l.d {
		d[k] = v
	}
	out, err := b.fields(d, pageKeys, "Page")
	if err != nil {
		return nil, err
	}
	out["Type"] = name("Page")
	out["Parent"] = parent
	if _, ok := out["MediaBox"]; !ok {
		out["MediaBox"] = array{int64(0), int64(0), int64(612), int64(792)} // the default readers assume
	}
	if c, ok := d["Contents"]; ok {
		r, err := b.pageContents(c)
		if err != nil {
			return nil, err
		}
		if r != 0 {
			out["Contents"] = r
		}
	}
	return out, nil
}

// pageContents decodes the page's content streams, joins them (a token may not span two
// streams, but the operand stack does, 7.8.2) and writes them as one re-serialised stream.
func (b *builder) pageContents(o types.Object) (ref, error) {
	v, _, err := b.resolve(o)
	if err != nil {
		return 0, err
	}
	var parts []types.Object
	switch v := v.(type) {
	case types.StreamDict:
		parts = []types.Object{v}
	case types.Array:
		parts = v
	default:
		return 0, nil
	}
	var all []byte
	if len(parts) > 1 {
		all = b.joined[:0]
	}
	for _, p := range parts {
		pv, _, err := b.resolve(p)
		if err != nil {
			return 0, err
		}
		sd, ok := pv.(types.StreamDict)
		if !ok {
			continue
		}
		data, err := b.contentData(sd, "content stream")
		if err != nil {
			return 0, err
		}
		if len(parts) == 1 {
			all = data // one stream is read as it is, without a copy
			break
		}
		all = append(append(all, data...), '\n')
	}
	if len(parts) > 1 {
		b.joined = all
	}
	out, err := b.content(all, "page content")
	if err != nil {
		return 0, err
	}
	r := b.w.alloc()
	b.w.put(r, &outStream{d: dict{}, data: out})
	return r, nil
}

// dest rebuilds a destination: an explicit array to a page of this document, a named
// destination's dictionary, or a name or string naming one.
func (b *builder) dest(v types.Object, nr int) (any, bool, error) {
	switch v := v.(type) {
	case types.Array:
		return b.destArray(v)
	case types.Dict:
		return b.place(nr, "Dest", false, func() (any, error) {
			out, err := b.fields(v, destDictKeys, "destination")
			if err != nil || out["D"] == nil {
				return nil, err
			}
			return out, nil
		})
	case types.Name:
		return name(v), true, nil
	case types.StringLiteral, types.HexLiteral:
		s, ok := b.text(v)
		return str(s), ok, nil
	}
	return nil, false, nil
}

func (b *builder) destArray(a types.Array) (any, bool, error) {
	if len(a) < 2 {
		return nil, false, nil
	}
	r, ok := a[0].(types.IndirectRef)
	if !ok {
		return nil, false, nil // a page number is a remote destination (12.3.2.2)
	}
	page, ok := b.pageRefs[r.ObjectNumber.Value()]
	if !ok {
		return nil, false, nil
	}
	view, ok := b.nameValue(a[1])
	n, known := destViews[view]
	if !ok || !known {
		return nil, false, nil
	}
	out := array{page, name(view)}
	for i := range n {
		var arg any
		if 2+i < len(a) {
			if v, ok := b.numValue(a[2+i]); ok {
				arg = v
			}
		}
		out = append(out, arg)
	}
	return out, true, nil
}

// action rebuilds an action whose resolved type is on keptActions, or drops and reports
// it. /Next chains go through the same judgement (the schema's /Next is an array of
// actions); a cycle ends at the memo.
func (b *builder) action(v types.Object, nr int) (any, bool, error) {
	d, ok := v.(types.Dict)
	if !ok {
		return b.drop(nr, "Action")
	}
	s := b.nameOf(d, "S")
	if _, kept := keptActions[s]; !kept {
		shown := s
		if shown == "" {
			shown = "untyped"
		}
		b.report(actionKind(s), shown+" action")
		return b.drop(nr, "Action")
	}
	switch s {
	case "URI":
		uri, _ := b.text(d["URI"])
		switch {
		case !b.opt.keepURI:
			b.report(sanitize.ActRemovedLink, "URI action "+quoteURI(string(uri))+" (pdf.uri_actions: remove)")
			return b.drop(nr, "Action")
		case !webSchemes[scheme(string(uri))]:
			b.report(sanitize.ActRemovedLink, "URI action "+quoteURI(string(uri))+" (not http, https or mailto)")
			return b.drop(nr, "Action")
		case !mailto.Safe(string(uri)):
			b.report(sanitize.ActRemovedLink, "URI action "+quoteURI(string(uri))+" (a mail link asking for more than recipients, subject and body)")
			return b.drop(nr, "Action")
		}
	case "Named":
		if n := b.nameOf(d, "N"); !navigation[n] {
			b.report(sanitize.ActRemovedAction, "Named action "+n)
			return b.drop(nr, "Action")
		}
	case "GoTo":
		if _, ok, err := b.typed(d["D"], "Dest"); err != nil || !ok {
			if err == nil {
				b.report(sanitize.ActRemovedAction, "GoTo action without a destination in this document")
			}
			return nil, false, err
		}
	}
	return b.place(nr, "Action", false, func() (any, error) {
		out, err := b.fields(d, actionSchemas[s], "Action/"+s)
		if err != nil {
			return nil, err
		}
		out["Type"] = name("Action")
		out["S"] = name(s)
		if s == "URI" && out["URI"] == nil {
			return nil, nil
		}
		return out, nil
	})
}

// actionSchemas are the full allow-lists of the kept action types.
var actionSchemas = map[string]schema{
	"GoTo":  merge(actionKeys, actionGoToKeys),
	"URI":   merge(actionKeys, actionURIKeys),
	"Named": merge(actionKeys, actionNamedKeys),
}

// outlines rebuilds the bookmark tree: items keep their titles and lose actions that are
// not kept; links between items are recomputed from the items found, so a cycle or a
// dangling /Next cannot survive.
func (b *builder) outlines(v types.Object) (any, bool, error) {
	d, ok := v.(types.Dict)
	if !ok {
		return nil, false, nil
	}
	root := b.w.alloc()
	first, last, visible, err := b.outlineLevel(d["First"], root, 0, map[int]bool{})
	if err != nil {
		return nil, false, err
	}
	out := dict{"Type": name("Outlines")}
	if first != 0 {
		out["First"], out["Last"], out["Count"] = first, last, int64(visible)
	}
	b.w.put(root, out)
	return root, true, nil
}

// outlineLevel rebuilds the siblings starting at first and returns the first and last
// item written and how many items are visible below parent when it is open.
func (b *builder) outlineLevel(first types.Object, parent ref, depth int, seen map[int]bool) (ref, ref, int, error) {
	if depth >= maxOutlineDepth {
		b.report(sanitize.ActRemovedUnknown, fmt.Sprintf("bookmarks nested deeper than %d levels", maxOutlineDepth))
		return 0, 0, 0, nil
	}
	var items []types.Dict
	for o := first; o != nil; {
		if err := b.tick(); err != nil {
			return 0, 0, 0, err
		}
		d, nr, err := b.resolveDict(o)
		if err != nil {
			return 0, 0, 0, err
		}
		if d == nil || nr >= 0 && seen[nr] {
			break
		}
		if nr >= 0 {
			seen[nr] = true
		}
		items = append(items, d)
		o = d["Next"]
	}
	if len(items) == 0 {
		return 0, 0, 0, nil
	}
	refs := make([]ref, len(items))
	for i := range items {
		refs[i] = b.w.alloc()
	}
	visible := 0
	for i, d := range items {
		out, err := b.fields(d, outlineItemKeys, "OutlineItem")
		if err != nil {
			return 0, 0, 0, err
		}
		if _, ok := out["Title"]; !ok {
			out["Title"] = str("")
		}
		out["Parent"] = parent
		if i > 0 {
			out["Prev"] = refs[i-1]
		}
		if i+1 < len(items) {
			out["Next"] = refs[i+1]
		}
		f, l, below, err := b.outlineLevel(d["First"], refs[i], depth+1, seen)
		if err != nil {
			return 0, 0, 0, err
		}
		visible++
		if f != 0 {
			out["First"], out["Last"] = f, l
			if c, _ := b.integer(d["Count"]); c < 0 {
				out["Count"] = int64(-below)
			} else {
				out["Count"] = int64(below)
				visible += below
			}
		}
		b.w.put(refs[i], out)
	}
	return refs[0], refs[len(refs)-1], visible, nil
}

// treeEntries collects the key/value pairs of a name tree (numbers=false) or number tree,
// walking /Kids iteratively; nodes seen twice are skipped.
func (b *builder) treeEntries(root types.Object, numbers bool) ([]treeEntry, error) {
	leafKey := "Names"
	if numbers {
		leafKey = "Nums"
	}
	var out []treeEntry
	stack := []types.Object{root}
	seen := map[int]bool{}
	for len(stack) > 0 {
		if err := b.tick(); err != nil {
			return nil, err
		}
		d, nr, err := b.resolveDict(stack[len(stack)-1])
		stack = stack[:len(stack)-1]
		if err != nil {
			return nil, err
		}
		if d == nil || nr >= 0 && seen[nr] {
			continue
		}
		if nr >= 0 {
			seen[nr] = true
		}
		if kids, ok := b.array(d["Kids"]); ok {
			for i := len(kids) - 1; i >= 0; i-- {
				stack = append(stack, kids[i])
			}
		}
		leaf, _ := b.array(d[leafKey])
		for i := 0; i+1 < len(leaf); i += 2 {
			e := treeEntry{v: leaf[i+1]}
			if numbers {
				n, ok := b.integer(leaf[i])
				if !ok {
					continue
				}
				e.n = n
			} else {
				k, ok := b.text(leaf[i])
				if !ok {
					continue
				}
				e.k = k
			}
			out = append(out, e)
		}
	}
	return out, nil
}

type treeEntry struct {
	k []byte
	n int64
	v types.Object
}

// nameTreeDests rebuilds the named destinations as one flat, sorted name tree.
func (b *builder) nameTreeDests(v types.Object) (any, bool, error) {
	return b.flatNameTree(v, "Dest")
}

// flatNameTree rebuilds a name tree as one flat, sorted Names array whose values are
// rebuilt as typ; the first of duplicate keys wins, entries that do not rebuild are left
// out, and a tree left empty is dropped.
func (b *builder) flatNameTree(v types.Object, typ string) (any, bool, error) {
	es, err := b.treeEntries(v, false)
	if err != nil {
		return nil, false, err
	}
	slices.SortStableFunc(es, func(x, y treeEntry) int { return bytes.Compare(x.k, y.k) })
	names := array{}
	for i, e := range es {
		if i > 0 && bytes.Equal(e.k, es[i-1].k) {
			continue
		}
		r, ok, err := b.typed(e.v, typ)
		if err != nil {
			return nil, false, err
		}
		if ok {
			names = append(names, str(e.k), r)
		}
	}
	if len(names) == 0 {
		return nil, false, nil
	}
	return dict{"Names": names}, true, nil
}

// pageLabels rebuilds the page label number tree flat.
func (b *builder) pageLabels(v types.Object) (any, bool, error) {
	es, err := b.treeEntries(v, true)
	if err != nil {
		return nil, false, err
	}
	slices.SortStableFunc(es, func(x, y treeEntry) int { return int(min(max(x.n-y.n, -1), 1)) })
	nums := array{}
	for i, e := range es {
		if i > 0 && e.n == es[i-1].n || e.n < 0 {
			continue
		}
		d, _, err := b.resolveDict(e.v)
		if err != nil {
			return nil, false, err
		}
		if d == nil {
			continue
		}
		out, err := b.fields(d, pageLabelKeys, "PageLabel")
		if err != nil {
			return nil, false, err
		}
		out["Type"] = name("PageLabel")
		nums = append(nums, e.n, out)
	}
	if len(nums) == 0 {
		return nil, false, nil
	}
	return dict{"Nums": nums}, true, nil
}

// scheme returns the lower-cased scheme of uri, or "" when it has none or hides one
// behind control characters or spaces (which viewers and browsers strip).
func scheme(uri string) string {
	i := strings.IndexByte(uri, ':')
	if i <= 0 {
		return ""
	}
	s := uri[:i]
	for j := 0; j < len(s); j++ {
		ch := s[j]
		ok := ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' ||
			j > 0 && (ch >= '0' && ch <= '9' || ch == '+' || ch == '-' || ch == '.')
		if !ok {
			return ""
		}
	}
	return strings.ToLower(s)
}

// quoteURI shortens a URI for a report and makes it printable.
func quoteURI(u string) string {
	const max = 120
	if len(u) > max {
		cut := max
		for cut > 0 && (u[cut]&0xC0) == 0x80 {
			cut--
		}
		u = u[:cut] + "…"
	}
	return fmt.Sprintf("%q", u)
}
