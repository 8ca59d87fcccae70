package ooxml

import (
	_ "embed"
	"encoding/xml"
	"maps"
	"strings"

	"github.com/sekisho/sekisho/internal/freelist"
)

// The per-element allow-list inside the known namespaces: an element of a namespace the
// schema catalogue describes stays only if the schema defines it, and each of its
// attributes only if the schema gives that attribute to that element (the union over the
// complex types the catalogue declares the element with). So an element or attribute the
// family does not know — a new Office feature, an attacker's extension, an attribute of one
// element written on another — is dropped and reported even when its namespace is a
// familiar one. What is active among the schema's own names (macros, links, formulas,
// fields, controls) is judged by the rules of rules.go, sheetrules.go and fields.go.
//
// schemanames.txt is generated from the Open XML SDK's schema catalogue (MIT licence),
// itself generated from the ECMA-376 schemas and Microsoft's published extensions;
// testdata/schemanames.py says how. Namespaces of ooxmlNamespaces the catalogue does not
// describe (Dublin Core, core properties, LibreOffice's) stay on the namespace list alone,
// and so do attributes in them.

//go:embed schemanames.txt
var schemaNamesText string

// attrSet is the attributes one element may carry. Qualified names use the transitional
// namespace URI (strict documents are looked up through strictTwins).
type attrSet struct {
	names map[string]bool   // unqualified
	qual  map[xml.Name]bool // in a namespace
}

func (s *attrSet) has(a xml.Name) bool {
	if a.Space == "" {
		return s.names[a.Local]
	}
	if s.qual[a] {
		return true
	}
	trans, ok := strictTwins[a.Space]
	return ok && s.qual[xml.Name{Space: trans, Local: a.Local}]
}

// nsNames are the names one namespace defines.
type nsNames struct {
	elems  map[string]*attrSet // elements and their attributes
	qattrs map[string]bool     // attributes in the namespace, on elements of namespaces the catalogue does not describe
}

// strictTwins maps each ECMA-376 strict namespace to its transitional twin, whose names
// it shares (strict only removes some).
var strictTwins = map[string]string{
	nsW[1]: nsW[0], nsX[1]: nsX[0], nsP[1]: nsP[0], nsA[1]: nsA[0], nsR[1]: nsR[0],
	oxPurl + "drawingml/picture":               oxDML + "picture",
	oxPurl + "drawingml/wordprocessingDrawing": oxDML + "wordprocessingDrawing",
	nsXDRS:                                   nsXDR,
	nsChartS:                                 nsChart,
	oxPurl + "drawingml/chartDrawing":        oxDML + "chartDrawing",
	oxPurl + "drawingml/diagram":             oxDML + "diagram",
	oxPurl + "drawingml/lockedCanvas":        oxDML + "lockedCanvas",
	oxPurl + "officeDocument/math":           "http://schemas.openxmlformats.org/officeDocument/2006/math",
	oxPurl + "officeDocument/docPropsVTypes": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
	nsExtPropsS:                              nsExtProps,
	oxPurl + "officeDocument/customXml":      "http://schemas.openxmlformats.org/officeDocument/2006/customXml",
}

// schemaNames holds the names of every namespace of ooxmlNamespaces the catalogue
// describes, and markup compatibility (ECMA-376 Part 3), which it does not.
var schemaNames = func() map[string]*nsNames {
	all := map[string]*nsNames{}
	prefixes := map[string]string{}
	sets := map[string]*attrSet{}
	var cur *nsNames
	for _, line := range strings.Split(schemaNamesText, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "p":
			prefixes[f[1]] = f[2]
		case "s":
			s := sets[f[1]]
			if s == nil {
				s = &attrSet{map[string]bool{}, map[xml.Name]bool{}}
				sets[f[1]] = s
			}
			for _, n := range f[2:] {
				if p, local, ok := strings.Cut(n, ":"); ok {
					s.qual[xml.Name{Space: prefixes[p], Local: local}] = true
				} else {
					s.names[n] = true
				}
			}
		case "ns":
			cur = &nsNames{map[string]*attrSet{}, map[string]bool{}}
			all[f[1]] = cur
		case "e":
			s := sets[f[1]]
			if s == nil { // the empty set has no "s" line
				s = &attrSet{map[string]bool{}, map[xml.Name]bool{}}
				sets[f[1]] = s
			}
			for _, n := range f[2:] {
				cur.elems[n] = s
			}
		case "q":
			for _, n := range f[1:] {
				cur.qattrs[n] = true
			}
		}
	}
	choice := &attrSet{map[string]bool{"Requires": true}, map[xml.Name]bool{}}
	all[nsMC] = &nsNames{
		elems:  map[string]*attrSet{"AlternateContent": choice, "Choice": choice, "Fallback": choice},
		qattrs: mcAttrs,
	}
	for _, x := range schemaExtras {
		n := all[x.space]
		if n == nil {
			n = &nsNames{map[string]*attrSet{}, map[string]bool{}}
			all[x.space] = n
		}
		// Copy before adding: sets are shared by every element of the same type.
		old := n.elems[x.elem]
		s := &attrSet{map[string]bool{}, map[xml.Name]bool{}}
		if old != nil {
			maps.Copy(s.names, old.names)
			maps.Copy(s.qual, old.qual)
		}
		switch {
		case x.attr.Space != "":
			s.qual[x.attr] = true
		case x.attr.Local != "":
			s.names[x.attr.Local] = true
		}
		n.elems[x.elem] = s
	}
	for strict, trans := range strictTwins {
		all[strict] = all[trans]
	}
	for uri := range all {
		if _, ok := ooxmlNamespaces[uri]; !ok {
			delete(all, uri)
		}
	}
	return all
}()

// mcAttrs are the markup-compatibility attributes (ECMA-376 Part 3 §7), which any
// element may carry; what they name is judged by the namespace rules.
var mcAttrs = map[string]bool{"Ignorable": true, "ProcessContent": true, "MustUnderstand": true, "PreserveElements": true, "PreserveAttributes": true}

// schemaExtra is a name Office writes that the catalogue lacks: ECMA-376 transitional names
// the SDK left out (smart tags, dropped from Word in 2010) and a few Office writes outside
// any published schema, found by the survey of Office-written files (survey_test.go). Each
// names the element (space, elem) and, when attr is set, one attribute of it.
// TestSchemaExtrasCovered fails when an entry has no case.
type schemaExtra struct {
	space, elem string
	attr        xml.Name
	reason      string
}

var (
	nsXR  = msOffice + "spreadsheetml/2014/revision"
	nsXR3 = msOffice + "spreadsheetml/2016/revision3"
	nsW15 = msOffice + "word/2012/wordml"
	nsVML = "urn:schemas-microsoft-com:vml"

	w14AnchorID = xml.Name{Space: msOffice + "word/2010/wordml", Local: "anchorId"}
)

var schemaExtras = []schemaExtra{
	{nsW[0], "smartTag", xml.Name{}, "ECMA-376 Part 4 §2.5.1.9: a run wrapper naming a recognizer by strings; nothing runs"},
	{nsW[0], "smartTag", xml.Name{Space: nsW[0], Local: "uri"}, "smart tag: the recognizer's namespace name, never fetched"},
	{nsW[0], "smartTag", xml.Name{Space: nsW[0], Local: "element"}, "smart tag: the recognized element's name"},
	{nsW[0], "smartTagPr", xml.Name{}, "smart tag properties: name and value strings"},
	{nsW[0], "smartTagType", xml.Name{}, "settings: a smart tag type's namespace and name (its url is not listed and goes)"},
	{nsW[0], "smartTagType", xml.Name{Space: nsW[0], Local: "namespaceuri"}, "smart tag type: a namespace name, never fetched"},
	{nsW[0], "smartTagType", xml.Name{Space: nsW[0], Local: "name"}, "smart tag type: its name"},
	{nsW[0], "doNotEmbedSmartTags", xml.Name{Space: nsW[0], Local: "val"}, "settings: an on/off flag"},
	{nsW[0], "abstractNum", xml.Name{Space: nsW15, Local: "restartNumberingAfterBreak"}, "Word 2013 list numbering flag on numbering definitions"},
	{nsX[0], "worksheet", xml.Name{Space: nsXR, Local: "uid"}, "Excel revision id, a GUID"},
	{nsX[0], "table", xml.Name{Space: nsXR, Local: "uid"}, "Excel revision id, a GUID"},
	{nsX[0], "autoFilter", xml.Name{Space: nsXR, Local: "uid"}, "Excel revision id, a GUID"},
	{nsX[0], "dataValidation", xml.Name{Space: nsXR, Local: "uid"}, "Excel revision id, a GUID"},
	{nsX[0], "hyperlink", xml.Name{Space: nsXR, Local: "uid"}, "Excel revision id, a GUID"},
	{nsX[0], "tableColumn", xml.Name{Space: nsXR3, Local: "uid"}, "Excel revision id on table columns, a GUID"},
	{nsVML, "shape", w14AnchorID, "Word 2010 anchor id of a VML shape, a hex number"},
	{nsVML, "shapetype", w14AnchorID, "Word 2010 anchor id of a VML shape, a hex number"},
	{nsVML, "rect", w14AnchorID, "Word 2010 anchor id of a VML shape, a hex number"},
	{nsVML, "roundrect", w14AnchorID, "Word 2010 anchor id of a VML shape, a hex number"},
	{nsVML, "oval", w14AnchorID, "Word 2010 anchor id of a VML shape, a hex number"},
	{nsVML, "line", w14AnchorID, "Word 2010 anchor id of a VML shape, a hex number"},
	{nsVML, "polyline", w14AnchorID, "Word 2010 anchor id of a VML shape, a hex number"},
	{nsVML, "arc", w14AnchorID, "Word 2010 anchor id of a VML shape, a hex number"},
	{nsVML, "curve", w14AnchorID, "Word 2010 anchor id of a VML shape, a hex number"},
	{nsVML, "group", w14AnchorID, "Word 2010 anchor id of a VML shape, a hex number"},
	{nsVML, "image", w14AnchorID, "Word 2010 anchor id of a VML shape, a hex number"},
	{nsA[0], "duotone", xml.Name{Local: "xfr1"}, "duotone colour transform name PowerPoint 2007 templates write"},
	{nsA[0], "duotone", xml.Name{Local: "xfr2"}, "duotone colour transform name PowerPoint 2007 templates write"},
}

// namesMemo remembers the names of the last namespace asked about: elements of one
// namespace come in runs.
type namesMemo struct {
	last  string
	names *nsNames
	set   bool
}

func (m *namesMemo) get(space string) *nsNames {
	if !m.set || space != m.last {
		m.last, m.names, m.set = space, schemaNames[space], true
	}
	return m.names
}

// elemCache remembers the schema's answer for elements met recently, and the attributes
// already found on their lists: a part repeats a few dozen names thousands of times, and
// a lookup in a namespace's table of hundreds of names misses the processor's cache each
// time. Names from the scanner are interned, so comparing them mostly compares pointers.
//
// What it holds depends on the schema alone, not on the part or the document, so one cache
// serves every part of a package and then the next package (elemCaches): allocating and
// clearing its 11 KB per part was a third of a small document's allocations.
type elemCache struct {
	sets [elemSets]elemSet
}

// elemSet is two entries and which one answered last: a miss replaces the other.
type elemSet struct {
	e    [2]elemEntry
	last int
}

// elemSets is the number of two-way sets: a document part uses a few dozen names over and
// over, and with 64 direct-mapped slots pairs of them (w:p and w:tcPr, w:t and w:gridCol)
// evicted each other on every element of a table.
const elemSets = 128

// elemCaches outlive garbage collections (a sync.Pool is emptied by every second one):
// at 50 KB a cache rebuilt per small document after a collection cost more than it saved.
var elemCaches = freelist.New[*elemCache](freelist.Kept)

func getElemCache() *elemCache {
	if c, ok := elemCaches.Get(); ok {
		return c
	}
	return new(elemCache)
}

func putElemCache(c *elemCache) { elemCaches.Put(c) }

type elemEntry struct {
	name  xml.Name
	own   *nsNames // the element's namespace, nil when the catalogue does not describe it
	set   *attrSet // its attributes; nil with own set: not in the schema
	valid bool
	// plain: no rule of ooxmlRules.start but the attribute checks concerns the element
	// (see plainElem); it depends on the name alone, like the rest of the entry.
	plain bool
	meta  bool // metaRules.start looks at the element's name (metaElem)
	// sheet is the element's entry in the sheet tables (formulaStart), nil for most: a
	// map lookup per element was 6% of a large sheet's rewrite.
	sheet *sheetEntry
	n     int
	ok    [4]xml.Name // attributes the schema check kept on it
}

// get returns the entry for n. The set is chosen from the name's lengths and a few of
// its bytes rather than a hash of every byte: the name is compared in full anyway, and
// names from the scanner are interned, so that comparison mostly compares pointers.
func (c *elemCache) get(n xml.Name, m *namesMemo) *elemEntry {
	l := n.Local
	h := uint(len(n.Space))*7 + uint(len(l))*131
	if len(l) > 0 {
		h += uint(l[0])*31 + uint(l[len(l)-1])*17 + uint(l[len(l)/2])
	}
	set := &c.sets[(h^h>>7)%elemSets]
	for i := range set.e {
		if e := &set.e[i]; e.valid && e.name == n {
			set.last = i
			return e
		}
	}
	set.last = 1 - set.last
	e := &set.e[set.last]
	e.name, e.own, e.set, e.valid, e.n, e.plain, e.meta = n, m.get(n.Space), nil, true, 0, plainElem(n), metaElem(n.Local)
	e.sheet, _ = sheetIdx.get(n)
	if e.own != nil {
		e.set = e.own.elems[n.Local]
	}
	return e
}

// kept reports whether a passed the schema check on this element before.
func (e *elemEntry) kept(a xml.Name) bool {
	for i := range e.n {
		if e.ok[i] == a {
			return true
		}
	}
	return false
}

func (e *elemEntry) keep(a xml.Name) {
	if e.n < len(e.ok) {
		e.ok[e.n] = a
		e.n++
	}
}
