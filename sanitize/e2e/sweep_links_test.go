package e2e

import (
	"archive/zip"
	"bytes"
	"fmt"
	"html"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// The link sweep puts link targets that open something other than a browser or a mail
// draft (script schemes, files and shares, protocol handlers, mail links that attach
// local files) into every carrier a family keeps links in, and checks that no delivered
// output still holds the target: each target has a marker, and the output's parts are
// searched for it after XML, HTML and percent decoding.

type sweepLink struct {
	name, target, marker string
}

var sweepLinks = []sweepLink{
	{"javascript", "javascript:alert(1)", "javascript"},
	{"javascript-leading-space", " javascript:alert(1)", "javascript"},
	{"vbscript-upper", "VBScript:MsgBox(1)", "vbscript"},
	{"file-upper", "FILE://attacker.example/share/x.exe", "attacker.example"},
	{"file-percent", "%66ile://attacker.example/share/x.exe", "attacker.example"},
	{"unc", `\\attacker.example\share\x.exe`, "attacker.example"},
	{"ms-msdt", "ms-msdt:/id PCWDiagnostic /skip force", "ms-msdt"},
	{"search-ms", `search-ms:query=x&crumb=location:\\attacker.example\s`, "attacker.example"},
	{"ms-word", "ms-word:ofe|u|https://attacker.example/x.docx", "attacker.example"},
	{"mailto-attach", "mailto:staff@example.invalid?subject=hi&attach=C:/Users/staff/Documents/a.xlsx", "attach="},
	{"mailto-attach-escaped", "mailto:staff@example.invalid?%61ttach=/etc/passwd", "passwd"},
	{"mailto-attach-semicolon", "mailto:staff@example.invalid?subject=hi;attachment=/etc/passwd", "passwd"},
}

// linkCarriers build a file of one family holding a link to target.
var linkCarriers = map[string]func(t testing.TB, target string) (file string, data []byte){
	"docx-relationship": func(t testing.TB, target string) (string, []byte) {
		return "a.docx", docx(t, `<w:p><w:hyperlink r:id="rId9"><w:r><w:t>x</w:t></w:r></w:hyperlink></w:p>`,
			`<Relationship Id="rId9" Type="`+relBase+`hyperlink" Target="`+html.EscapeString(target)+`" TargetMode="External"/>`, "")
	},
	"docx-field": func(t testing.TB, target string) (string, []byte) {
		return "a.docx", docx(t, `<w:p>`+field("w:", `HYPERLINK "`+html.EscapeString(target)+`"`)+`</w:p>`, "", "")
	},
	"docx-field-after-switch": func(t testing.TB, target string) (string, []byte) {
		return "a.docx", docx(t, `<w:p>`+field("w:", `HYPERLINK \l "top" \o "tip" "`+html.EscapeString(target)+`"`)+`</w:p>`, "", "")
	},
	"docx-fldsimple": func(t testing.TB, target string) (string, []byte) {
		return "a.docx", docx(t, `<w:p><w:fldSimple w:instr="HYPERLINK &quot;`+html.EscapeString(target)+`&quot;"><w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>`, "", "")
	},
	"rtf-field": func(t testing.TB, target string) (string, []byte) {
		r := strings.NewReplacer(`\`, `\\`, `{`, `\{`, `}`, `\}`).Replace(target)
		return "a.rtf", []byte(`{\rtf1\ansi{\field{\*\fldinst HYPERLINK "` + r + `"}{\fldrslt x}}\par}`)
	},
	"xlsx-formula": func(t testing.TB, target string) (string, []byte) {
		return "a.xlsx", sweepXLSX(t, `<row r="1"><c r="A1" t="str"><f>HYPERLINK("`+html.EscapeString(strings.ReplaceAll(target, `"`, `""`))+`","x")</f><v>x</v></c></row>`, "", "")
	},
	"xlsx-relationship": func(t testing.TB, target string) (string, []byte) {
		return "a.xlsx", sweepXLSX(t, `<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>`, `<hyperlinks><hyperlink ref="A1" r:id="rId9"/></hyperlinks>`,
			`<Relationship Id="rId9" Type="`+relBase+`hyperlink" Target="`+html.EscapeString(target)+`" TargetMode="External"/>`)
	},
	"odt-link": func(t testing.TB, target string) (string, []byte) {
		return "a.odt", sweepODF(t, "text", `<office:text><text:p><text:a xlink:type="simple" xlink:href="`+html.EscapeString(target)+`">x</text:a></text:p></office:text>`)
	},
	"ods-formula": func(t testing.TB, target string) (string, []byte) {
		f := html.EscapeString(`of:=HYPERLINK("` + strings.ReplaceAll(target, `"`, `""`) + `";"x")`)
		return "a.ods", sweepODF(t, "spreadsheet", `<office:spreadsheet><table:table table:name="S"><table:table-row><table:table-cell table:formula="`+f+`" office:value-type="string" office:string-value="x"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet>`)
	},
	"pdf-link": func(t testing.TB, target string) (string, []byte) {
		var h strings.Builder
		for _, c := range []byte(target) {
			fmt.Fprintf(&h, "%02X", c)
		}
		return "a.pdf", pdfObjects(append(pdfBase("", "/Annots [<< /Type /Annot /Subtype /Link /Rect [72 600 300 630] /A 6 0 R >>]")[:5], "<< /S /URI /URI <"+h.String()+"> >>"))
	},
}

func sweepXLSX(t testing.TB, rows, sheetTail, sheetRels string) []byte {
	ct := `<?xml version="1.0"?><Types xmlns="` + ctPackage + `"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`
	p := []zipEntry{
		{"[Content_Types].xml", ct},
		{"_rels/.rels", `<?xml version="1.0"?><Relationships xmlns="` + relsNS + `"><Relationship Id="rId1" Type="` + relBase + `officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="` + relBase[:len(relBase)-1] + `"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0"?><Relationships xmlns="` + relsNS + `"><Relationship Id="rId1" Type="` + relBase + `worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="` + relBase[:len(relBase)-1] + `"><sheetData>` + rows + `</sheetData>` + sheetTail + `</worksheet>`},
	}
	if sheetRels != "" {
		p = append(p, zipEntry{"xl/worksheets/_rels/sheet1.xml.rels", `<?xml version="1.0"?><Relationships xmlns="` + relsNS + `">` + sheetRels + `</Relationships>`})
	}
	return mkzip(t, p...)
}

func sweepODF(t testing.TB, kind, body string) []byte {
	mt := "application/vnd.oasis.opendocument." + kind
	return mkzip(t,
		zipEntry{"mimetype", mt},
		zipEntry{"META-INF/manifest.xml", `<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="` + mt + `"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>`},
		zipEntry{"content.xml", `<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.2"><office:body>` + body + `</office:body></office:document-content>`})
}

// decodedText is every part of data (the entries of a zip, or the file itself), with XML
// and HTML references and percent-escapes decoded and PDF hex strings read, lower case.
func decodedText(data []byte) string {
	var parts [][]byte
	if zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err == nil {
		for _, f := range zr.File {
			if rc, err := f.Open(); err == nil {
				b, _ := io.ReadAll(io.LimitReader(rc, maxInspect))
				rc.Close()
				parts = append(parts, b)
			}
		}
	} else {
		parts = [][]byte{data}
		if bytes.HasPrefix(data, []byte("%PDF")) {
			for _, m := range pdfURI.FindAllSubmatch(data, -1) {
				parts = append(parts, []byte(pdfString(m[1])))
			}
		}
	}
	var b strings.Builder
	for _, p := range parts {
		s := html.UnescapeString(string(p))
		if d, err := url.PathUnescape(s); err == nil {
			s = d
		}
		b.WriteString(s)
		b.WriteByte('\n')
	}
	return strings.ToLower(b.String())
}

// TestSweepLinks: every bad target in every carrier is dropped (or the file refused).
func TestSweepLinks(t *testing.T) {
	e := newEngine(t, sanitize.Limits{})
	for carrier, build := range linkCarriers {
		for _, l := range sweepLinks {
			t.Run(carrier+"/"+l.name, func(t *testing.T) {
				file, data := build(t, l.target)
				if !strings.Contains(decodedText(data), l.marker) {
					t.Fatalf("the input does not show the marker %q: the check is blind", l.marker)
				}
				out, res := run(t, e, file, "", data)
				t.Logf("%s: %s %s", res.Detected.Name, res.Verdict, summarize(res))
				if !res.Verdict.HasOutput() {
					return
				}
				if err := reparse(outResult(res, file), out); err != nil {
					t.Errorf("%v", err)
				}
				if strings.Contains(decodedText(out), l.marker) {
					t.Errorf("delivered (%s) with the link %q", res.Verdict, l.target)
				}
			})
		}
	}
}

// TestLinkCorpus keeps one committed file per link carrier that the independent checks
// judge on their own (PDF URI actions, OOXML relationships); TestSweepLinks covers the
// rest at test time.
func TestLinkCorpus(t *testing.T) {
	var cases []advCase
	for _, l := range sweepLinks {
		if !strings.HasPrefix(l.name, "mailto-") {
			continue
		}
		for _, carrier := range []string{"pdf-link", "docx-relationship"} {
			file, data := linkCarriers[carrier](t, l.target)
			cases = append(cases, advCase{"links/" + carrier + "-" + l.name, file, "", data, "safe", ""})
		}
	}
	runCases(t, cases)
}
