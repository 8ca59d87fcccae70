package ooxml

import (
	"bytes"
	"context"
	"encoding/xml"
	"sort"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// The allow-lists are data (ooxmltables.go, odftables.go, sheetrules.go, metadata.go),
// and every entry needs a case here: each test lists the entries it expects, fails when
// a table has an entry without a case, and runs every case through the rules. Adding an
// entry therefore means writing down what it must do.

// rewriteWith runs one XML stream through a family's rules.
func rewriteWith(t *testing.T, ru rules, doc string) string {
	t.Helper()
	var out bytes.Buffer
	if err := readXML(context.Background(), strings.NewReader(doc), newWriter(&out, ru)); err != nil {
		t.Fatalf("rewrite(%.120q): %v", doc, err)
	}
	return out.String()
}

func ooxmlRulesFor(ctype string, strip bool) (*ooxmlRules, *job) {
	j := &job{s: &Sanitizer{keepLinks: true, stripMeta: strip}, ctx: context.Background(), in: &sanitize.Item{Path: "item"}}
	r := &ooxmlRules{j: j, p: &part{name: "part.xml", ctype: ctype}, elems: new(elemCache)}
	r.meta = &metaRules{strip: strip, report: r.report}
	return r, j
}

func odfRulesFor(name string, strip bool) (*odfRules, *odfJob) {
	j := &odfJob{s: &Sanitizer{keepLinks: true, stripMeta: strip}, ctx: context.Background(), in: &sanitize.Item{Path: "item"}, reported: map[string]bool{}}
	r := &odfRules{j: j, p: &part{name: name}}
	r.meta = &metaRules{strip: strip, report: r.report}
	if name == "meta.xml" {
		r.meta.kind = "odf"
	}
	return r, j
}

// covered fails when the keys of a table and the cases differ.
func covered(t *testing.T, table string, keys, cases []string) {
	t.Helper()
	sort.Strings(keys)
	sort.Strings(cases)
	have := map[string]bool{}
	for _, c := range cases {
		have[c] = true
	}
	for _, k := range keys {
		if !have[k] {
			t.Errorf("%s: entry %s has no test case", table, k)
		}
		delete(have, k)
	}
	for c := range have {
		t.Errorf("%s: test case %s has no entry", table, c)
	}
}

func nameKey(n xml.Name) string { return n.Space + " " + n.Local }

// TestOOXMLNamespacesCovered: every allowed namespace keeps an attribute of it, or, when
// the schema catalogue describes it (schemanames.go), an element it defines and not one
// it does not; an unknown namespace loses both.
func TestOOXMLNamespacesCovered(t *testing.T) {
	var keys, cases []string
	for ns := range ooxmlNamespaces {
		keys = append(keys, ns)
	}
	for _, ns := range ooxmlNamespaceCases {
		cases = append(cases, ns)
		r, j := ooxmlRulesFor("application/xml", true)
		names := schemaNames[ns]
		if names == nil {
			out := rewriteWith(t, r, `<w:document xmlns:w="`+nsW[0]+`"><w:body xmlns:t="`+ns+`" t:probe="kept"/></w:document>`)
			if !strings.Contains(out, `t:probe="kept"`) {
				t.Errorf("namespace %s: attribute dropped: %s", ns, out)
			}
			continue
		}
		var elem string
		for e := range names.elems {
			if ns == nsMC {
				break // its elements go when empty: probe its attributes
			}
			if elem == "" || e < elem {
				elem = e
			}
		}
		body, kept := `<t:`+elem+`/><t:probeUnknown/>`, `<t:`+elem+`/>`
		if elem == "" { // attributes only (relationship references): on an element that has one
			hostNS, host, attr := attrCarrier(t, ns)
			body, kept = `<h:`+host+` xmlns:h="`+hostNS+`" t:`+attr+`="kept" t:probeUnknown="1"/>`, `t:`+attr+`="kept"`
		}
		out := rewriteWith(t, r, `<w:document xmlns:w="`+nsW[0]+`"><w:body xmlns:t="`+ns+`">`+body+`</w:body></w:document>`)
		if !strings.Contains(out, kept) || strings.Contains(out, "probeUnknown") || !hasKind(j.res, sanitize.ActRemovedUnknown) {
			t.Errorf("namespace %s: want %s kept and probeUnknown dropped: %s", ns, elem, out)
		}
	}
	covered(t, "ooxmlNamespaces", keys, cases)
	r, j := ooxmlRulesFor("application/xml", true)
	out := rewriteWith(t, r, `<w:document xmlns:w="`+nsW[0]+`" xmlns:u="urn:unknown"><u:payload>x</u:payload><w:body u:probe="1"/></w:document>`)
	if strings.Contains(out, "probe") || strings.Contains(out, "payload") || len(j.res.Actions) != 2 {
		t.Errorf("unknown namespace kept: %s %+v", out, j.res.Actions)
	}
}

// attrCarrier finds an element the schema gives an attribute of namespace ns.
func attrCarrier(t *testing.T, ns string) (hostNS, host, attr string) {
	t.Helper()
	if ns == nsMC { // on any element
		return nsW[0], "p", "Ignorable"
	}
	var attrs, spaces []string
	for a := range schemaNames[ns].qattrs {
		attrs = append(attrs, a)
	}
	for s := range schemaNames {
		spaces = append(spaces, s)
	}
	sort.Strings(attrs)
	sort.Strings(spaces)
	for _, s := range spaces {
		var elems []string
		for e := range schemaNames[s].elems {
			elems = append(elems, e)
		}
		sort.Strings(elems)
		for _, e := range elems {
			for _, a := range attrs {
				if schemaNames[s].elems[e].has(xml.Name{Space: ns, Local: a}) {
					return s, e, a
				}
			}
		}
	}
	t.Fatalf("no element carries an attribute of %s", ns)
	return
}

// ooxmlNamespaceCases lists the namespaces that must stay, as written in the table.
var ooxmlNamespaceCases = []string{
	nsW[0], nsW[1], nsX[0], nsX[1], nsP[0], nsP[1], nsA[0], nsA[1], nsR[0], nsR[1],
	oxDML + "picture", oxPurl + "drawingml/picture", oxDML + "wordprocessingDrawing", oxPurl + "drawingml/wordprocessingDrawing",
	nsXDR, nsXDRS, nsChart, nsChartS, oxDML + "chartDrawing", oxPurl + "drawingml/chartDrawing",
	oxDML + "diagram", oxPurl + "drawingml/diagram", oxDML + "lockedCanvas", oxPurl + "drawingml/lockedCanvas",
	"http://schemas.openxmlformats.org/officeDocument/2006/math", oxPurl + "officeDocument/math",
	"http://schemas.openxmlformats.org/officeDocument/2006/bibliography",
	"http://schemas.openxmlformats.org/officeDocument/2006/customXml", oxPurl + "officeDocument/customXml",
	"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes", oxPurl + "officeDocument/docPropsVTypes",
	nsExtProps, nsExtPropsS, nsCoreProps, nsDC, nsDCTerms, "http://purl.org/dc/dcmitype/",
	"http://www.w3.org/2001/XMLSchema-instance", nsMC,
	"urn:schemas-microsoft-com:vml", nsO, "urn:schemas-microsoft-com:office:word", nsVMLX,
	"urn:schemas-microsoft-com:office:powerpoint",
	msOffice + "word/2010/wordml", msOffice + "word/2012/wordml", msOffice + "word/2015/wordml/symex",
	msOffice + "word/2016/wordml/cid", msOffice + "word/2018/wordml", msOffice + "word/2018/wordml/cex",
	msOffice + "word/2020/wordml/sdtdatahash", msOffice + "word/2023/wordml/word16du",
	msOffice + "word/2010/wordprocessingDrawing", msOffice + "word/2010/wordprocessingCanvas",
	msOffice + "word/2010/wordprocessingGroup", msOffice + "word/2010/wordprocessingInk",
	msOffice + "word/2010/wordprocessingShape", msOffice + "drawing/2010/main", msOffice + "drawing/2012/main",
	msOffice + "drawing/2014/main", msOffice + "drawing/2016/11/main", msOffice + "drawing/2016/SVG/main",
	msOffice + "drawing/2017/decorative", msOffice + "drawing/2018/hyperlinkcolor", msOffice + "drawing/2010/picture",
	msOffice + "drawing/2010/diagram", msOffice + "drawing/2008/diagram", msOffice + "drawing/2007/8/2/chart",
	nsC15, msOffice + "drawing/2014/chart", msOffice + "drawing/2015/06/chart", msOffice + "drawing/2017/03/chart",
	nsCX, msOffice + "drawing/2010/chartDrawing", msOffice + "thememl/2012/main", nsX14,
	msOffice + "spreadsheetml/2009/9/ac", msOffice + "spreadsheetml/2010/11/main", msOffice + "spreadsheetml/2010/11/ac",
	msOffice + "spreadsheetml/2014/11/main", msOffice + "spreadsheetml/2015/02/main", msOffice + "spreadsheetml/2014/revision",
	msOffice + "spreadsheetml/2015/revision2", msOffice + "spreadsheetml/2016/revision3", msOffice + "spreadsheetml/2016/revision6",
	msOffice + "spreadsheetml/2016/revision10", msOffice + "spreadsheetml/2017/dynamicarray",
	msOffice + "spreadsheetml/2018/calcfeatures", nsXLThreaded, nsXM, msOffice + "powerpoint/2010/main",
	msOffice + "powerpoint/2012/main", msOffice + "powerpoint/2015/09/main", nsPPT2018, "http://schemas.libreoffice.org/",
}

// TestSheetFormulaTablesCovered: every element and attribute the spreadsheet tables name
// loses a remote formula and keeps a benign one.
func TestSheetFormulaTablesCovered(t *testing.T) {
	const bad, good = `WEBSERVICE("http://probe.example/")`, `SUM(1,2)`
	wrap := func(ns, body string) string {
		return `<w:document xmlns:w="` + nsW[0] + `" xmlns:n="` + ns + `" xmlns:xm="` + nsXM + `">` + body + `</w:document>`
	}
	check := func(what, doc, want string, gone bool) {
		r, _ := ooxmlRulesFor("application/xml", true)
		out := rewriteWith(t, r, doc)
		if strings.Contains(out, want) == gone {
			t.Errorf("%s: %q present = %v, want %v: %s", what, want, !gone, !gone, out)
		}
	}
	var keys, cases []string
	for n := range formulaText {
		keys = append(keys, nameKey(n))
	}
	for _, n := range formulaTextCases {
		cases = append(cases, nameKey(n))
		// An element its namespace's schema does not define (x:Formula, x:FmlaTextLink,
		// listed as a precaution) goes whole, its formula with it.
		undefined := schemaNames[n.Space] != nil && schemaNames[n.Space].elems[n.Local] == nil
		for _, f := range []string{bad, good} {
			check(nameKey(n)+" "+f, wrap(n.Space, `<n:`+n.Local+`>`+escText(f)+`</n:`+n.Local+`>`), escText(f)[:6], f == bad || undefined)
		}
	}
	covered(t, "formulaText", keys, cases)

	keys, cases = nil, nil
	for n := range formulaUnits {
		keys = append(keys, nameKey(n))
	}
	for n, child := range formulaUnitCases {
		cases = append(cases, nameKey(n))
		for _, f := range []string{bad, good} {
			check(nameKey(n)+" "+f, wrap(n.Space, `<n:`+n.Local+`>`+strings.Replace(child, "F", escText(f), 1)+`</n:`+n.Local+`>`), escText(f)[:6], f == bad)
		}
	}
	covered(t, "formulaUnits", keys, cases)

	keys, cases = nil, nil
	for n, attrs := range formulaAttrs {
		for a := range attrs {
			keys = append(keys, nameKey(n)+" @"+a)
		}
	}
	for _, c := range formulaAttrCases {
		cases = append(cases, nameKey(c.elem)+" @"+c.attr)
		for _, f := range []string{bad, good} {
			doc := wrap(c.elem.Space, `<n:`+c.elem.Local+` `+c.attr+`="`+escAttr(f)+`">keep</n:`+c.elem.Local+`>`)
			check(nameKey(c.elem)+" @"+c.attr+" "+f, doc, escText(f)[:6], f == bad)
			r, _ := ooxmlRulesFor("application/xml", true)
			if out := rewriteWith(t, r, doc); strings.Contains(out, "keep") != (f == good || !c.whole) {
				t.Errorf("%s @%s %s: element kept = %v, want %v", nameKey(c.elem), c.attr, f, !(f == bad && c.whole), !c.whole)
			}
		}
	}
	covered(t, "formulaAttrs", keys, cases)

	keys, cases = nil, nil
	for n := range sheetDrop {
		keys = append(keys, nameKey(n))
	}
	for _, n := range sheetDropCases {
		cases = append(cases, nameKey(n))
		check(nameKey(n), wrap(n.Space, `<n:`+n.Local+`>probe</n:`+n.Local+`>`), "probe", true)
	}
	covered(t, "sheetDrop", keys, cases)
}

var formulaTextCases = []xml.Name{
	{Space: nsXM, Local: "f"}, {Space: nsChart, Local: "f"}, {Space: nsChartS, Local: "f"},
	{Space: nsC15, Local: "f"}, {Space: nsCX, Local: "f"}, {Space: nsVMLX, Local: "FmlaLink"},
	{Space: nsVMLX, Local: "FmlaRange"}, {Space: nsVMLX, Local: "FmlaGroup"}, {Space: nsVMLX, Local: "FmlaTxbx"},
	{Space: nsVMLX, Local: "FmlaPict"}, {Space: nsVMLX, Local: "Formula"}, {Space: nsVMLX, Local: "FmlaTextLink"},
	{Space: nsXTrans, Local: "f"}, {Space: nsXTrans, Local: "formula"}, {Space: nsXTrans, Local: "formula1"},
	{Space: nsXTrans, Local: "formula2"}, {Space: nsXTrans, Local: "definedName"}, {Space: nsXTrans, Local: "calculatedColumnFormula"},
	{Space: nsXTrans, Local: "totalsRowFormula"}, {Space: nsXStrict, Local: "f"}, {Space: nsXStrict, Local: "formula"},
	{Space: nsXStrict, Local: "formula1"}, {Space: nsXStrict, Local: "formula2"}, {Space: nsXStrict, Local: "definedName"},
	{Space: nsXStrict, Local: "calculatedColumnFormula"}, {Space: nsXStrict, Local: "totalsRowFormula"},
}

// formulaUnitCases: each unit with a formula child; F is the formula.
var formulaUnitCases = map[xml.Name]string{
	{Space: nsXTrans, Local: "cfRule"}:             `<n:formula>F</n:formula>`,
	{Space: nsXStrict, Local: "cfRule"}:            `<n:formula>F</n:formula>`,
	{Space: nsXTrans, Local: "dataValidation"}:     `<n:formula1>F</n:formula1>`,
	{Space: nsXStrict, Local: "dataValidation"}:    `<n:formula1>0</n:formula1><n:formula2>F</n:formula2>`,
	{Space: nsX14, Local: "conditionalFormatting"}: `<n:cfRule><xm:f>F</xm:f></n:cfRule><xm:sqref>A1</xm:sqref>`,
	{Space: nsX14, Local: "dataValidation"}:        `<n:formula1><xm:f>F</xm:f></n:formula1><xm:sqref>A1</xm:sqref>`,
	{Space: nsX14, Local: "sparklineGroup"}:        `<n:sparklines><n:sparkline><xm:f>F</xm:f><xm:sqref>A1</xm:sqref></n:sparkline></n:sparklines>`,
}

var formulaAttrCases = []struct {
	elem  xml.Name
	attr  string
	whole bool
}{
	{xml.Name{Space: nsXTrans, Local: "cacheField"}, "formula", false},
	{xml.Name{Space: nsXStrict, Local: "cacheField"}, "formula", false},
	{xml.Name{Space: nsXTrans, Local: "calculatedItem"}, "formula", true},
	{xml.Name{Space: nsXStrict, Local: "calculatedItem"}, "formula", true},
	{xml.Name{Space: nsXTrans, Local: "hyperlink"}, "location", false},
	{xml.Name{Space: nsXStrict, Local: "hyperlink"}, "location", false},
	{xml.Name{Space: nsX14, Local: "formControlPr"}, "fmlaLink", false},
	{xml.Name{Space: nsX14, Local: "formControlPr"}, "fmlaRange", false},
	{xml.Name{Space: nsX14, Local: "formControlPr"}, "fmlaGroup", false},
	{xml.Name{Space: nsX14, Local: "formControlPr"}, "fmlaTxbx", false},
	{xml.Name{Space: nsXDR, Local: "sp"}, "textlink", false},
	{xml.Name{Space: nsXDRS, Local: "sp"}, "textlink", false},
	{xml.Name{Space: nsXTrans, Local: "cfvo"}, "val", true},
	{xml.Name{Space: nsXStrict, Local: "cfvo"}, "val", true},
}

var sheetDropCases = []xml.Name{
	{Space: nsXTrans, Local: "webPublishItems"}, {Space: nsXStrict, Local: "webPublishItems"},
	{Space: nsXTrans, Local: "webPublishObjects"}, {Space: nsXStrict, Local: "webPublishObjects"},
	{Space: nsXTrans, Local: "calculatedMember"}, {Space: nsXStrict, Local: "calculatedMember"},
}

// TestSchemaExtrasCovered: every name added to the schema catalogue stays, in a part
// whose other unknown names go.
func TestSchemaExtrasCovered(t *testing.T) {
	var keys, cases []string
	for _, x := range schemaExtras {
		keys = append(keys, extraKey(x.space, x.elem, x.attr))
	}
	for _, c := range schemaExtraCases {
		cases = append(cases, c.key)
		r, j := ooxmlRulesFor("application/xml", false)
		out := rewriteWith(t, r, c.doc)
		if !strings.Contains(out, c.kept) {
			t.Errorf("%s: %q dropped: %s", c.key, c.kept, out)
		}
		if strings.Contains(out, "probeUnknown") || !hasKind(j.res, sanitize.ActRemovedUnknown) {
			t.Errorf("%s: an unknown name next to it survived or went unreported: %s", c.key, out)
		}
	}
	covered(t, "schemaExtras", keys, cases)
}

func extraKey(space, elem string, attr xml.Name) string {
	return space + " " + elem + " " + attr.Space + " " + attr.Local
}

// schemaExtraCases: each extra name in a document where it belongs, next to an unknown
// element and an attribute the schema gives another element.
var schemaExtraCases = func() []struct{ key, doc, kept string } {
	w := `xmlns:w="` + nsW[0] + `"`
	a := `xmlns:a="` + nsA[0] + `"`
	probe := `<w:probeUnknown/>`
	in := func(ns, body string) string {
		return `<w:document ` + w + ` ` + ns + `><w:body w:probeUnknown="1">` + body + probe + `</w:body></w:document>`
	}
	x := func(ns, body string) string {
		return `<x:worksheet xmlns:x="` + nsX[0] + `" ` + ns + ` probeUnknown="1">` + body + `<x:probeUnknown/></x:worksheet>`
	}
	w15 := `xmlns:w15="` + nsW15 + `"`
	xr := `xmlns:xr="` + nsXR + `"`
	xr3 := `xmlns:xr3="` + nsXR3 + `"`
	uid := `xr:uid="{00000000-0001-0000-0000-000000000000}"`
	wn := func(l string) xml.Name { return xml.Name{Space: nsW[0], Local: l} }
	cases := []struct{ key, doc, kept string }{
		{extraKey(nsW[0], "smartTag", xml.Name{}), in("", `<w:smartTag><w:r><w:t>Tokyo</w:t></w:r></w:smartTag>`), `<w:smartTag><w:r><w:t>Tokyo</w:t>`},
		{extraKey(nsW[0], "smartTag", wn("uri")), in("", `<w:smartTag w:uri="urn:x"/>`), `<w:smartTag w:uri="urn:x"/>`},
		{extraKey(nsW[0], "smartTag", wn("element")), in("", `<w:smartTag w:element="City"/>`), `w:element="City"`},
		{extraKey(nsW[0], "smartTagPr", xml.Name{}), in("", `<w:smartTag><w:smartTagPr><w:attr w:name="n" w:val="v"/></w:smartTagPr></w:smartTag>`), `<w:smartTagPr><w:attr w:name="n" w:val="v"/>`},
		{extraKey(nsW[0], "smartTagType", xml.Name{}), in("", `<w:smartTagType/>`), `<w:smartTagType/>`},
		{extraKey(nsW[0], "smartTagType", wn("namespaceuri")), in("", `<w:smartTagType w:namespaceuri="urn:y"/>`), `w:namespaceuri="urn:y"`},
		{extraKey(nsW[0], "smartTagType", wn("name")), in("", `<w:smartTagType w:name="place"/>`), `w:name="place"`},
		{extraKey(nsW[0], "doNotEmbedSmartTags", wn("val")), in("", `<w:doNotEmbedSmartTags w:val="1"/>`), `<w:doNotEmbedSmartTags w:val="1"/>`},
		{extraKey(nsW[0], "abstractNum", xml.Name{Space: nsW15, Local: "restartNumberingAfterBreak"}), in(w15, `<w:abstractNum w15:restartNumberingAfterBreak="0"/>`), `w15:restartNumberingAfterBreak="0"`},
		{extraKey(nsX[0], "worksheet", xml.Name{Space: nsXR, Local: "uid"}), x(xr+" "+uid, ""), uid},
		{extraKey(nsX[0], "table", xml.Name{Space: nsXR, Local: "uid"}), x(xr, `<x:table `+uid+`/>`), uid},
		{extraKey(nsX[0], "autoFilter", xml.Name{Space: nsXR, Local: "uid"}), x(xr, `<x:autoFilter `+uid+`/>`), uid},
		{extraKey(nsX[0], "dataValidation", xml.Name{Space: nsXR, Local: "uid"}), x(xr, `<x:dataValidation `+uid+`/>`), uid},
		{extraKey(nsX[0], "hyperlink", xml.Name{Space: nsXR, Local: "uid"}), x(xr, `<x:hyperlink `+uid+`/>`), uid},
		{extraKey(nsX[0], "tableColumn", xml.Name{Space: nsXR3, Local: "uid"}), x(xr3, `<x:tableColumn xr3:uid="{1}"/>`), `xr3:uid="{1}"`},
		{extraKey(nsA[0], "duotone", xml.Name{Local: "xfr1"}), in(a, `<a:duotone xfr1="moreMidClr"/>`), `xfr1="moreMidClr"`},
		{extraKey(nsA[0], "duotone", xml.Name{Local: "xfr2"}), in(a, `<a:duotone xfr2="invMoreMidClr"/>`), `xfr2="invMoreMidClr"`},
	}
	for _, e := range []string{"shape", "shapetype", "rect", "roundrect", "oval", "line", "polyline", "arc", "curve", "group", "image"} {
		doc := in(`xmlns:v="`+nsVML+`" xmlns:w14="`+w14AnchorID.Space+`"`, `<w:r><w:pict><v:`+e+` w14:anchorId="6A2B1C3D" w14:paraId="1"/></w:pict></w:r>`)
		cases = append(cases, struct{ key, doc, kept string }{extraKey(nsVML, e, w14AnchorID), doc, `<v:` + e + ` w14:anchorId="6A2B1C3D"/>`})
	}
	return cases
}()

// TestSlideActionsCovered: every allowed PowerPoint action keeps its link; a macro, a
// program, an OLE verb and an unknown action lose it.
func TestSlideActionsCovered(t *testing.T) {
	var keys, cases []string
	for k := range slideActions {
		keys = append(keys, k)
	}
	link := func(act string) string {
		return `<p:sld xmlns:p="` + nsP[0] + `" xmlns:a="` + nsA[0] + `" xmlns:r="` + nsR[0] + `"><a:hlinkClick r:id="" action="` + act + `"/></p:sld>`
	}
	for _, c := range []struct{ key, act string }{
		{"", ""}, {"ppaction://noaction", "ppaction://noaction"},
		{"ppaction://hlinkshowjump", "ppaction://hlinkshowjump?jump=nextslide"},
		{"ppaction://hlinksldjump", "ppaction://hlinksldjump"},
		{"ppaction://customshow", "ppaction://customshow?id=0&amp;return=true"},
		{"ppaction://hlinkpres", "ppaction://hlinkpres?slideindex=1&amp;slidetitle="},
		{"ppaction://hlinkfile", "ppaction://hlinkfile"}, {"ppaction://media", "ppaction://media"},
	} {
		cases = append(cases, c.key)
		r, _ := ooxmlRulesFor(ctPML+"slide+xml", true)
		if out := rewriteWith(t, r, link(c.act)); !strings.Contains(out, "hlinkClick") {
			t.Errorf("action %q dropped: %s", c.act, out)
		}
	}
	covered(t, "slideActions", keys, cases)
	for act, kind := range map[string]sanitize.ActionKind{
		"ppaction://macro?name=AutoRun": sanitize.ActRemovedMacros, "PPACTION://program": sanitize.ActRemovedExternalLink,
		"ppaction://ole?verb=0": sanitize.ActRemovedOLE, "ppaction://futureverb": sanitize.ActRemovedUnknown,
		"http://example.com/": sanitize.ActRemovedUnknown,
	} {
		r, j := ooxmlRulesFor(ctPML+"slide+xml", true)
		if out := rewriteWith(t, r, link(act)); strings.Contains(out, "hlinkClick") || !hasKind(j.res, kind) {
			t.Errorf("action %q: want dropped with %s: %s %+v", act, kind, out, j.res.Actions)
		}
	}
}

// TestAttributesPerElement: an attribute stays only on an element the schema gives it to,
// not on any element of a namespace that defines it somewhere (strict names included).
func TestAttributesPerElement(t *testing.T) {
	w, r, x := `xmlns:w="`+nsW[0]+`"`, `xmlns:r="`+nsR[0]+`"`, `xmlns:x="`+nsX[0]+`"`
	ac := `xmlns:x14ac="` + msOffice + `spreadsheetml/2009/9/ac"`
	for _, c := range []struct{ name, doc, want string }{
		{"rsidRDefault only on w:p", `<w:document ` + w + `><w:body><w:p w:rsidRDefault="00A1" w:rsidR="00A2"><w:r w:rsidRDefault="00A3" w:rsidR="00A4"/></w:p></w:body></w:document>`,
			`<w:p w:rsidRDefault="00A1" w:rsidR="00A2"><w:r w:rsidR="00A4"/></w:p>`},
		{"r:embed not on w:hyperlink", `<w:document ` + w + ` ` + r + `><w:body><w:p><w:hyperlink r:id="rId1" r:embed="rId2" w:anchor="x"/></w:p></w:body></w:document>`,
			`<w:hyperlink r:id="rId1" w:anchor="x"/>`},
		{"strict names", `<w:document xmlns:w="` + nsW[1] + `" xmlns:r="` + nsR[1] + `"><w:body><w:p w:rsidR="00A1" w:val="1"><w:hyperlink r:id="rId1" r:embed="rId2"/></w:p></w:body></w:document>`,
			`<w:p w:rsidR="00A1"><w:hyperlink r:id="rId1"/></w:p>`},
		{"x14ac:dyDescent on rows only", `<x:worksheet ` + x + ` ` + ac + `><x:sheetData><x:row r="1" x14ac:dyDescent="0.2"><x:c r="A1" x14ac:dyDescent="0.2" spans="1:2"/></x:row></x:sheetData></x:worksheet>`,
			`<x:row r="1" x14ac:dyDescent="0.2"><x:c r="A1"/></x:row>`},
	} {
		rules, j := ooxmlRulesFor("application/xml", false) // metadata kept: rsids stay
		out := rewriteWith(t, rules, c.doc)
		if !strings.Contains(out, c.want) || !hasKind(j.res, sanitize.ActRemovedUnknown) {
			t.Errorf("%s: want %s and a removed-unknown report, got %s %+v", c.name, c.want, out, j.res.Actions)
		}
	}
}

// TestPlainElemFollowsRules checks the shortcut of ooxmlRules.start: no element of the
// schema catalogue that plainElem lets skip the element rules has a rule there. A case
// added to word, or a formula element added to the sheet tables, without updating
// plainElem fails here.
func TestPlainElemFollowsRules(t *testing.T) {
	plain := 0
	for space, names := range schemaNames {
		for local := range names.elems {
			n := xml.Name{Space: space, Local: local}
			if !plainElem(n) {
				continue
			}
			plain++
			r, j := ooxmlRulesFor("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", true)
			tk := &tok{kind: kStart, name: n, raw: xml.Name{Local: local}}
			if nsW.has(space) {
				if o := r.word(tk, n); o != opKeep {
					t.Errorf("%s: word decides %d, but plainElem skips it", local, o)
				}
			}
			sheet, _ := sheetIdx.get(n)
			if o, ok := r.formulaStart(tk, sheet); ok {
				t.Errorf("%s %s: formulaStart decides %d, but plainElem skips it", space, local, o)
			}
			if len(j.res.Actions) > 0 {
				t.Errorf("%s %s: reported %v, but plainElem skips it", space, local, j.res.Actions)
			}
		}
	}
	for local := range wordRuled {
		if plainElem(xml.Name{Space: nsW[0], Local: local}) {
			t.Errorf("w:%s is ruled by word but plain", local)
		}
	}
	if plain < 1000 {
		t.Errorf("only %d plain elements: the catalogue did not load?", plain)
	}
}
