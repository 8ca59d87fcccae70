package ooxml

import (
	_ "embed"
	"strings"
)

// The per-element allow-list inside the known namespaces: an element of a namespace the
// schema catalogue describes stays only if the schema defines it, and an attribute only if
// some element of its namespace may carry it (unqualified attributes: the union over the
// namespace's elements; qualified ones: the attributes the namespace defines). So an
// element the family does not know — a new Office feature, an attacker's extension — is
// dropped with its subtree and reported even when its namespace is a familiar one. What
// is active among the schema's own names (macros, links, formulas, fields, controls) is
// judged by the rules of rules.go, sheetrules.go and fields.go.
//
// schemanames.txt is generated from the Open XML SDK's schema catalogue (MIT licence),
// itself generated from the ECMA-376 schemas and Microsoft's published extensions;
// testdata/schemanames.py says how. Namespaces of ooxmlNamespaces the catalogue does not
// describe (Dublin Core, core properties, LibreOffice's) stay on the namespace list alone.

//go:embed schemanames.txt
var schemaNamesText string

// nsNames are the names one namespace defines.
type nsNames struct {
	elems  map[string]bool // elements
	attrs  map[string]bool // unqualified attributes of its elements
	qattrs map[string]bool // attributes in the namespace
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
	var cur *nsNames
	for _, line := range strings.Split(schemaNamesText, "\n") {
		tag, rest, _ := strings.Cut(line, " ")
		var into map[string]bool
		switch tag {
		case "ns":
			cur = &nsNames{map[string]bool{}, map[string]bool{}, map[string]bool{}}
			all[rest] = cur
			continue
		case "e":
			into = cur.elems
		case "a":
			into = cur.attrs
		case "q":
			into = cur.qattrs
		default:
			continue
		}
		for _, n := range strings.Fields(rest) {
			into[n] = true
		}
	}
	all[nsMC] = &nsNames{
		elems:  map[string]bool{"AlternateContent": true, "Choice": true, "Fallback": true},
		attrs:  map[string]bool{"Requires": true},
		qattrs: map[string]bool{"Ignorable": true, "ProcessContent": true, "MustUnderstand": true, "PreserveElements": true, "PreserveAttributes": true},
	}
	for _, x := range schemaExtras {
		n := all[x.space]
		if n == nil {
			n = &nsNames{map[string]bool{}, map[string]bool{}, map[string]bool{}}
			all[x.space] = n
		}
		switch x.kind {
		case 'e':
			n.elems[x.name] = true
		case 'a':
			n.attrs[x.name] = true
		case 'q':
			n.qattrs[x.name] = true
		}
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

// schemaExtra is a name Office writes that the catalogue lacks: ECMA-376 transitional names
// the SDK left out (smart tags, dropped from Word in 2010) and a few Office writes outside
// any published schema, found by the survey of Office-written files (survey_test.go).
// kind: 'e' element, 'a' unqualified attribute of the namespace's elements, 'q' attribute
// in the namespace. TestSchemaExtrasCovered fails when an entry has no case.
type schemaExtra struct {
	space  string
	kind   byte
	name   string
	reason string
}

var schemaExtras = []schemaExtra{
	{nsW[0], 'e', "smartTag", "ECMA-376 Part 4 §2.5.1.9: a run wrapper naming a recognizer by strings; nothing runs"},
	{nsW[0], 'e', "smartTagPr", "smart tag properties: name and value strings"},
	{nsW[0], 'e', "smartTagType", "settings: a smart tag type's namespace and name (its url is not listed and goes)"},
	{nsW[0], 'e', "doNotEmbedSmartTags", "settings: an on/off flag"},
	{nsW[0], 'q', "element", "smart tag: the recognized element's name"},
	{nsW[0], 'q', "namespaceuri", "smart tag type: a namespace name, never fetched"},
	{msOffice + "word/2012/wordml", 'q', "restartNumberingAfterBreak", "Word 2013 list numbering flag on numbering definitions"},
	{msOffice + "spreadsheetml/2014/revision", 'q', "uid", "Excel revision id, a GUID"},
	{msOffice + "spreadsheetml/2016/revision3", 'q', "uid", "Excel revision id on table columns, a GUID"},
	{nsA[0], 'a', "xfr1", "duotone colour transform name PowerPoint 2007 templates write"},
	{nsA[0], 'a', "xfr2", "duotone colour transform name PowerPoint 2007 templates write"},
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
