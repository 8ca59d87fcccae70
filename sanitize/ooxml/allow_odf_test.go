package ooxml

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/formula"
)

// The OpenDocument and metadata allow-lists, entry by entry (see allow_test.go).

const odfRoot = `<office:document-content xmlns:office="` + nsOffice + `" xmlns:text="` + nsText + `" xmlns:table="` + nsTable +
	`" xmlns:style="` + nsStyle + `" xmlns:draw="` + nsDraw + `" xmlns:xlink="` + nsXLink + `" xmlns:calcext="` + nsCalcExt +
	`" xmlns:config="` + nsConfig + `" xmlns:form="` + nsForm + `" xmlns:script="` + nsScript + `" xmlns:of="` + nsOF +
	`" xmlns:ooow="` + nsOOoW + `" xmlns:grddl="` + nsGRDDL + `">`

func odfRewrite(t *testing.T, body string) (string, sanitize.Result) {
	t.Helper()
	r, j := odfRulesFor("content.xml", true)
	out := rewriteWith(t, r, odfRoot+body+`</office:document-content>`)
	return out, j.res
}

func TestODFNamespacesCovered(t *testing.T) {
	var keys, cases []string
	for ns := range odfNamespaces {
		keys = append(keys, ns)
	}
	for _, ns := range odfNamespaceCases {
		cases = append(cases, ns)
		out, _ := odfRewrite(t, `<text:p xmlns:t="`+ns+`" t:probe="kept">x</text:p>`)
		if !strings.Contains(out, `t:probe="kept"`) {
			t.Errorf("namespace %s: attribute dropped: %s", ns, out)
		}
	}
	covered(t, "odfNamespaces", keys, cases)
	out, res := odfRewrite(t, `<text:p xmlns:u="http://www.w3.org/2002/xforms" u:probe="1">x<u:model>payload</u:model></text:p>`)
	if strings.Contains(out, "probe") || strings.Contains(out, "payload") || len(res.Actions) != 2 {
		t.Errorf("XForms kept: %s %+v", out, res.Actions)
	}
}

var odfNamespaceCases = []string{
	nsOffice, nsStyle, nsText, nsTable, nsDraw, nsFO, nsXLink, nsDC, nsMeta, nsNumber, nsPresent, nsSVG,
	nsChartODF, nsDR3D, nsMathML, nsForm, nsScript, nsConfig, nsSMIL, nsAnim, nsXHTML, nsGRDDL, nsOOo,
	nsOOoW, nsOOoC, nsOOoTable, nsOOoDraw, nsOOoOffice, nsCSS3T, nsField, nsFormX, nsLOExt, nsCalcExt,
	nsOOoChart, nsRDF, nsPkgRDF,
}

// TestODFDropCovered: each dropped element goes, with its subtree and its action; each
// unwrapped one loses its markup and keeps its text.
func TestODFDropCovered(t *testing.T) {
	var keys, cases []string
	for n := range odfDrop {
		keys = append(keys, nameKey(n))
	}
	for _, n := range odfDropCases {
		cases = append(cases, nameKey(n))
		out, res := odfRewrite(t, `<text:p><n:`+n.Local+` xmlns:n="`+n.Space+`"><text:span>probe</text:span></n:`+n.Local+`></text:p>`)
		if strings.Contains(out, "probe") || len(res.Actions) != 1 || res.Actions[0].Kind != odfDrop[n].kind {
			t.Errorf("%s: %s %+v, want dropped with %s", nameKey(n), out, res.Actions, odfDrop[n].kind)
		}
	}
	covered(t, "odfDrop", keys, cases)

	keys, cases = nil, nil
	for n := range odfUnwrap {
		keys = append(keys, nameKey(n))
	}
	// The root odfRewrite writes declares these; an element to unwrap that declares a
	// namespace itself goes whole (its children would lose the declaration).
	rootPrefix := map[string]string{nsText: "text", nsOffice: "office", nsTable: "table", nsDraw: "draw", nsScript: "script", nsForm: "form"}
	for _, n := range odfUnwrapCases {
		cases = append(cases, nameKey(n))
		p, ok := rootPrefix[n.Space]
		if !ok {
			t.Fatalf("%s: no prefix for its namespace on the test's root", nameKey(n))
		}
		out, _ := odfRewrite(t, `<text:p><`+p+`:`+n.Local+` text:name="x">shown text</`+p+`:`+n.Local+`></text:p>`)
		if !strings.Contains(out, "shown text") || strings.Contains(out, ":"+n.Local) {
			t.Errorf("%s: %s, want the text without the element", nameKey(n), out)
		}
	}
	covered(t, "odfUnwrap", keys, cases)
}

var odfDropCases = []xml.Name{
	{Space: nsOffice, Local: "event-listeners"}, {Space: nsScript, Local: "event-listener"},
	{Space: nsPresent, Local: "event-listener"}, {Space: nsOffice, Local: "script"}, {Space: nsText, Local: "script"},
	{Space: nsDraw, Local: "applet"}, {Space: nsDraw, Local: "plugin"}, {Space: nsDraw, Local: "floating-frame"},
	{Space: nsOffice, Local: "dde-source"}, {Space: nsText, Local: "dde-connection-decls"},
	{Space: nsText, Local: "dde-connection-decl"}, {Space: nsTable, Local: "dde-links"}, {Space: nsTable, Local: "dde-link"},
	{Space: nsText, Local: "section-source"}, {Space: nsTable, Local: "table-source"},
	{Space: nsTable, Local: "cell-range-source"}, {Space: nsMeta, Local: "auto-reload"}, {Space: nsMeta, Local: "template"},
	{Space: nsTable, Local: "database-source-sql"}, {Space: nsTable, Local: "database-source-table"},
	{Space: nsTable, Local: "database-source-query"}, {Space: nsText, Local: "database-display"},
	{Space: nsText, Local: "database-next"}, {Space: nsText, Local: "database-row-select"},
	{Space: nsText, Local: "database-row-number"}, {Space: nsText, Local: "database-name"},
	{Space: nsOffice, Local: "binary-data"}, {Space: nsTable, Local: "source-service"},
}

var odfUnwrapCases = []xml.Name{
	{Space: nsText, Local: "execute-macro"}, {Space: nsText, Local: "dde-connection"}, {Space: nsOffice, Local: "scripts"},
}

// TestODFFormulaAttrsCovered: each formula- and condition-valued attribute refuses a remote
// function in its grammar and keeps a benign expression; the failure action is the one
// the table gives (or odfElementFail for its element).
func TestODFFormulaAttrsCovered(t *testing.T) {
	type tc struct {
		elem      string // element carrying the attribute, qualified
		bad, good string
	}
	cases := map[xml.Name]tc{
		{Space: nsTable, Local: "formula"}:    {"table:table-cell", `of:=WEBSERVICE("http://probe/")`, `of:=SUM([.A1:.A2])`},
		{Space: nsTable, Local: "condition"}:  {"table:content-validation", `of:is-true-formula(WEBSERVICE("http://probe/"))`, `of:cell-content-is-between(1;5)`},
		{Space: nsTable, Local: "expression"}: {"table:named-expression", `of:=WEBSERVICE("http://probe/")`, `of:=[.A1]*2`},
		{Space: nsStyle, Local: "condition"}:  {"style:map", `is-true-formula(WEBSERVICE("http://probe/"))`, `value()>=0`},
		{Space: nsCalcExt, Local: "value"}:    {"calcext:condition", `formula-is(WEBSERVICE("http://probe/"))`, `between(1,2)`},
		{Space: nsCalcExt, Local: "formula"}:  {"calcext:formatting-entry", `of:=WEBSERVICE("http://probe/")`, `of:=1`},
		{Space: nsText, Local: "formula"}:     {"text:expression", `ooow:probe(1)`, `ooow:2+3`},
		{Space: nsText, Local: "condition"}:   {"text:conditional-text", `ooow:probe(1) == 1`, `ooow:Page == 1`},
	}
	var keys, have []string
	for n := range odfFormulaAttrs {
		keys = append(keys, nameKey(n))
	}
	for n, c := range cases {
		have = append(have, nameKey(n))
		attr := map[string]string{nsTable: "table:", nsStyle: "style:", nsCalcExt: "calcext:", nsText: "text:"}[n.Space] + n.Local
		for _, v := range []string{c.bad, c.good} {
			out, res := odfRewrite(t, `<text:p><`+c.elem+` `+attr+`="`+escAttr(v)+`">shown</`+c.elem+`></text:p>`)
			if v == c.good && (len(res.Actions) != 0 || !strings.Contains(out, escAttr(v)[:4])) {
				t.Errorf("%s %q: %s %+v, want kept", attr, v, out, res.Actions)
			}
			if v == c.bad {
				want := odfFormulaAttrs[n].fail
				kept := strings.Contains(out, "<"+c.elem)
				if strings.Contains(out, "probe") || len(res.Actions) != 1 || kept != (want != opDrop && want != opUnwrap) {
					t.Errorf("%s %q: %s %+v, want the value gone (element kept %v)", attr, v, out, res.Actions, want == opKeep)
				}
			}
		}
	}
	covered(t, "odfFormulaAttrs", keys, have)

	// Element-specific failures of text:condition.
	var fkeys, fhave []string
	for n := range odfElementFail {
		fkeys = append(fkeys, nameKey(n))
	}
	for n, keepElem := range map[xml.Name]bool{{Space: nsText, Local: "hidden-paragraph"}: false, {Space: nsText, Local: "section"}: true} {
		fhave = append(fhave, nameKey(n))
		out, _ := odfRewrite(t, `<text:`+n.Local+` text:condition="ooow:probe(1)"><text:p>body</text:p></text:`+n.Local+`>`)
		if strings.Contains(out, "probe") || strings.Contains(out, "<text:"+n.Local) != keepElem {
			t.Errorf("%s: %s, want element kept %v", n.Local, out, keepElem)
		}
	}
	covered(t, "odfElementFail", fkeys, fhave)

	// Units: a refused formula anywhere inside removes the whole unit.
	var ukeys []string
	for n := range odfUnits {
		ukeys = append(ukeys, nameKey(n))
	}
	covered(t, "odfUnits", ukeys, []string{nameKey(xml.Name{Space: nsCalcExt, Local: "conditional-format"})})
	out, _ := odfRewrite(t, `<calcext:conditional-format calcext:target-range-address="S.A1"><calcext:condition calcext:value="between(1,2)"/><calcext:condition calcext:value="formula-is(WEBSERVICE(&quot;http://probe/&quot;))"/></calcext:conditional-format>`)
	if strings.Contains(out, "conditional-format") {
		t.Errorf("conditional format unit kept: %s", out)
	}
	if err := formula.Check(formula.Condition, "between(1,2)"); err != nil {
		t.Errorf("benign condition refused: %v", err)
	}
}

// TestODFURIAndSettingsCovered: URI attributes lose unsafe values; settings lose listed and
// binary items, keep the binary ones on odfSettingsBinary.
func TestODFURIAndSettingsCovered(t *testing.T) {
	var keys, have []string
	for n := range odfURIAttrs {
		keys = append(keys, nameKey(n))
	}
	uris := map[xml.Name]string{
		{Space: nsText, Local: "url"}:             `<text:bibliography-mark text:url="V">b</text:bibliography-mark>`,
		{Space: nsGRDDL, Local: "transformation"}: `<text:span grddl:transformation="V">s</text:span>`,
	}
	for n, snippet := range uris {
		have = append(have, nameKey(n))
		out, _ := odfRewrite(t, `<text:p>`+strings.Replace(snippet, "V", `file://probe/x`, 1)+`</text:p>`)
		if strings.Contains(out, "probe") {
			t.Errorf("%s: unsafe URI kept: %s", nameKey(n), out)
		}
		out, _ = odfRewrite(t, `<text:p>`+strings.Replace(snippet, "V", `https://www.example.jp/`, 1)+`</text:p>`)
		if !strings.Contains(out, "www.example.jp") {
			t.Errorf("%s: web URI dropped: %s", nameKey(n), out)
		}
	}
	covered(t, "odfURIAttrs", keys, have)

	keys, have = nil, nil
	for n := range odfFetchAttrs {
		keys = append(keys, nameKey(n))
	}
	fetched := map[xml.Name]string{
		{Space: nsForm, Local: "image-data"}: `<form:button form:image-data="V"/>`,
	}
	for n, snippet := range fetched {
		have = append(have, nameKey(n))
		for _, v := range []string{"https://probe.example/a.png", "file://probe/a.png", `\\probe\s\a.png`, "../probe.png", "/probe.png"} {
			out, res := odfRewrite(t, `<text:p>`+strings.Replace(snippet, "V", v, 1)+`</text:p>`)
			if strings.Contains(out, "probe") || len(res.Actions) != 1 || res.Actions[0].Kind != sanitize.ActRemovedExternalLink {
				t.Errorf("%s %s: kept or not reported: %s %+v", nameKey(n), v, out, res.Actions)
			}
		}
		r, j := odfRulesFor("content.xml", true)
		j.kept = map[string]bool{"Pictures/a.png": true}
		for _, v := range []string{"Pictures/a.png", "./Pictures/a.png"} {
			out := rewriteWith(t, r, odfRoot+`<text:p>`+strings.Replace(snippet, "V", v, 1)+`</text:p></office:document-content>`)
			if !strings.Contains(out, v) {
				t.Errorf("%s %s: package picture dropped: %s", nameKey(n), v, out)
			}
		}
	}
	covered(t, "odfFetchAttrs", keys, have)

	keys, have = nil, nil
	for n := range odfAttrDrop {
		keys = append(keys, nameKey(n))
	}
	dropped := map[xml.Name]string{
		{Space: nsForm, Local: "datasource"}: `<office:forms><form:form form:name="F" form:datasource="V"/></office:forms>`,
	}
	for n, snippet := range dropped {
		have = append(have, nameKey(n))
		out, res := odfRewrite(t, `<office:body><office:text>`+strings.Replace(snippet, "V", "sdbc:mysql:jdbc:probe:3306/db", 1)+`</office:text></office:body>`)
		if strings.Contains(out, "probe") || !strings.Contains(out, `form:name="F"`) || len(res.Actions) != 1 || res.Actions[0].Kind != odfAttrDrop[n].kind {
			t.Errorf("%s: %s %+v, want the attribute dropped with %s", nameKey(n), out, res.Actions, odfAttrDrop[n].kind)
		}
	}
	covered(t, "odfAttrDrop", keys, have)

	item := func(name, typ, v string) string {
		r, _ := odfRulesFor("settings.xml", true)
		return rewriteWith(t, r, `<office:document-settings xmlns:office="`+nsOffice+`" xmlns:config="`+nsConfig+`"><config:config-item config:name="`+name+`" config:type="`+typ+`">`+v+`</config:config-item></office:document-settings>`)
	}
	keys, have = nil, nil
	for k := range odfSettingsDrop {
		keys = append(keys, k)
	}
	for _, k := range []string{"PrinterSetup", "PrinterName", "CurrentDatabaseDataSource", "CurrentDatabaseCommand"} {
		have = append(have, k)
		if out := item(k, "string", "probe"); strings.Contains(out, "probe") {
			t.Errorf("setting %s kept: %s", k, out)
		}
		if out := item(k, "string", ""); !strings.Contains(out, k) {
			t.Errorf("empty setting %s dropped: %s", k, out)
		}
	}
	covered(t, "odfSettingsDrop", keys, have)
	keys = nil
	for k := range odfSettingsBinary {
		keys = append(keys, k)
	}
	covered(t, "odfSettingsBinary", keys, []string{"RedlineProtectionKey"})
	if out := item("RedlineProtectionKey", "base64Binary", "cHJvYmU="); !strings.Contains(out, "cHJvYmU=") {
		t.Errorf("RedlineProtectionKey dropped: %s", out)
	}
	if out := item("SomeBlob", "base64Binary", "cHJvYmU="); strings.Contains(out, "cHJvYmU=") {
		t.Errorf("binary setting kept: %s", out)
	}
}

// TestMetadataListsCovered: metaKeep entries stay in both modes; metaKeepAlso entries go
// with strip and stay with keep; anything else goes in both.
func TestMetadataListsCovered(t *testing.T) {
	doc := func(n xml.Name) (kind, text string) {
		if n.Space == nsExtProps {
			return "app", `<Properties xmlns="` + nsExtProps + `"><` + n.Local + `>probe</` + n.Local + `></Properties>`
		}
		if n.Space == nsMeta {
			return "odf", `<office:document-meta xmlns:office="` + nsOffice + `"><office:meta><n:` + n.Local + ` xmlns:n="` + n.Space + `">probe</n:` + n.Local + `></office:meta></office:document-meta>`
		}
		return "core", `<cp:coreProperties xmlns:cp="` + nsCoreProps + `"><n:` + n.Local + ` xmlns:n="` + n.Space + `">probe</n:` + n.Local + `></cp:coreProperties>`
	}
	run := func(n xml.Name, strip bool) bool {
		kind, text := doc(n)
		r, _ := ooxmlRulesFor("application/xml", strip)
		r.meta.kind = kind
		var ru rules = r
		if kind == "odf" {
			o, _ := odfRulesFor("meta.xml", strip)
			ru = o
		}
		return strings.Contains(rewriteWith(t, ru, text), "probe")
	}
	var keys, have []string
	for n := range metaKeep {
		keys = append(keys, nameKey(n))
	}
	for _, n := range metaKeepCases {
		have = append(have, nameKey(n))
		if !run(n, true) || !run(n, false) {
			t.Errorf("%s: dropped, want kept in both modes", nameKey(n))
		}
	}
	covered(t, "metaKeep", keys, have)
	keys, have = nil, nil
	for n := range metaKeepAlso {
		keys = append(keys, nameKey(n))
	}
	for _, n := range metaKeepAlsoCases {
		have = append(have, nameKey(n))
		if run(n, true) || !run(n, false) {
			t.Errorf("%s: kept with strip = %v, with keep = %v; want false, true", nameKey(n), run(n, true), run(n, false))
		}
	}
	covered(t, "metaKeepAlso", keys, have)
	if run(xml.Name{Space: nsExtProps, Local: "HyperlinkBase"}, false) {
		t.Error("HyperlinkBase kept with keep, want dropped in every mode")
	}
}

var metaKeepCases = []xml.Name{
	{Space: nsDC, Local: "title"}, {Space: nsDC, Local: "subject"}, {Space: nsDC, Local: "language"},
	{Space: nsMeta, Local: "document-statistic"}, {Space: nsExtProps, Local: "Pages"}, {Space: nsExtProps, Local: "Words"},
	{Space: nsExtProps, Local: "Characters"}, {Space: nsExtProps, Local: "CharactersWithSpaces"},
	{Space: nsExtProps, Local: "Lines"}, {Space: nsExtProps, Local: "Paragraphs"}, {Space: nsExtProps, Local: "Slides"},
	{Space: nsExtProps, Local: "Notes"}, {Space: nsExtProps, Local: "HiddenSlides"}, {Space: nsExtProps, Local: "MMClips"},
	{Space: nsExtProps, Local: "DocSecurity"}, {Space: nsExtProps, Local: "ScaleCrop"},
	{Space: nsExtProps, Local: "LinksUpToDate"}, {Space: nsExtProps, Local: "SharedDoc"},
	{Space: nsExtProps, Local: "HyperlinksChanged"},
}

var metaKeepAlsoCases = []xml.Name{
	{Space: nsDC, Local: "creator"}, {Space: nsDC, Local: "description"}, {Space: nsDC, Local: "date"},
	{Space: nsDC, Local: "identifier"}, {Space: nsCoreProps, Local: "lastModifiedBy"}, {Space: nsCoreProps, Local: "revision"},
	{Space: nsCoreProps, Local: "lastPrinted"}, {Space: nsCoreProps, Local: "keywords"}, {Space: nsCoreProps, Local: "category"},
	{Space: nsCoreProps, Local: "contentStatus"}, {Space: nsCoreProps, Local: "version"}, {Space: nsDCTerms, Local: "created"},
	{Space: nsDCTerms, Local: "modified"}, {Space: nsExtProps, Local: "Application"}, {Space: nsExtProps, Local: "AppVersion"},
	{Space: nsExtProps, Local: "Company"}, {Space: nsExtProps, Local: "Manager"}, {Space: nsExtProps, Local: "TotalTime"},
	{Space: nsExtProps, Local: "PresentationFormat"}, {Space: nsExtProps, Local: "HeadingPairs"},
	{Space: nsExtProps, Local: "TitlesOfParts"}, {Space: nsMeta, Local: "initial-creator"},
	{Space: nsMeta, Local: "creation-date"}, {Space: nsMeta, Local: "editing-cycles"}, {Space: nsMeta, Local: "editing-duration"},
	{Space: nsMeta, Local: "generator"}, {Space: nsMeta, Local: "keyword"}, {Space: nsMeta, Local: "print-date"},
	{Space: nsMeta, Local: "printed-by"}, {Space: nsMeta, Local: "user-defined"}, {Space: nsMeta, Local: "hyperlink-behaviour"},
	{Space: nsExtProps, Local: "DigSig"}, {Space: nsCoreProps, Local: "contentType"}, {Space: nsExtProps, Local: "Template"},
	{Space: nsMeta, Local: "creator-initials"},
}
