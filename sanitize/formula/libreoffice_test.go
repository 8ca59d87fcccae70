package formula

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
)

// newerThanLibreOffice are allowed functions that LibreOffice 7.4 (the version CI
// installs) does not know yet: Excel 365 additions and Excel names LibreOffice never
// took over (BINOM.DIST.RANGE it reads only under its ODF name B). Their reasons in
// functions.go still hold; this list only exempts them from the recognition check below.
var newerThanLibreOffice = map[string]bool{
	"ARRAYTOTEXT": true, "BINOM.DIST.RANGE": true, "BYCOL": true, "BYROW": true, "CHOOSECOLS": true, "CHOOSEROWS": true,
	"DBCS": true, "DROP": true, "ECMA.CEILING": true, "EXPAND": true, "FILTER": true,
	"GROUPBY": true, "HSTACK": true, "ISOMITTED": true, "LAMBDA": true, "LET": true,
	"MAKEARRAY": true, "MAP": true, "PERCENTOF": true, "PHONETIC": true, "PIVOTBY": true,
	"RANDARRAY": true, "REDUCE": true, "REGEXEXTRACT": true, "REGEXREPLACE": true,
	"REGEXTEST": true, "SCAN": true, "SEQUENCE": true, "SORT": true, "SORTBY": true,
	"TAKE": true, "TEXTAFTER": true, "TEXTBEFORE": true, "TEXTSPLIT": true, "TOCOL": true,
	"TOROW": true, "TRIMRANGE": true, "UNIQUE": true, "VALUETOTEXT": true, "VSTACK": true,
	"WRAPCOLS": true, "WRAPROWS": true, "XLOOKUP": true, "XMATCH": true,
}

// TestFunctionsKnownToLibreOffice is the independent check of the allow-list: every
// sample is opened by LibreOffice (xlsx for Excel names, flat ODS for ODF names) and saved
// as ODS; LibreOffice writes the functions it knows in upper case and unknown ones in
// lower case. A misspelt or invented entry fails here.
func TestFunctionsKnownToLibreOffice(t *testing.T) {
	if testing.Short() {
		t.Skip("LibreOffice conversion is slow")
	}
	soffice := testtool.Need(t, "soffice")
	samples := readSamples(t)
	var names, excel, odf []string
	for n := range samples {
		names = append(names, n)
	}
	sort.Strings(names)
	var excelNames, odfNames []string
	for _, n := range names {
		if d, f := sampleDialect(samples[n]); d == OpenFormula {
			odf, odfNames = append(odf, f), append(odfNames, n)
		} else {
			excel, excelNames = append(excel, f), append(excelNames, n)
		}
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "excel.xlsx"), xlsxOf(t, excel), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "odf.fods"), fodsOf(odf), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--headless", "--norestore", "--convert-to", "ods", "--outdir", filepath.Join(dir, "out"),
		filepath.Join(dir, "excel.xlsx"), filepath.Join(dir, "odf.fods"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	for _, c := range []struct {
		file  string
		names []string
	}{{"excel.ods", excelNames}, {"odf.ods", odfNames}} {
		got := odsFormulas(t, filepath.Join(dir, "out", c.file))
		if len(got) != len(c.names) {
			t.Fatalf("%s has %d formulas, want %d", c.file, len(got), len(c.names))
		}
		for i, n := range c.names {
			called := strings.TrimPrefix(got[i], "of:=")
			if k := strings.IndexByte(called, '('); k > 0 {
				called = called[:k]
			}
			if called != strings.ToUpper(called) || strings.HasPrefix(called, "_XLFN") {
				if !newerThanLibreOffice[n] {
					t.Errorf("LibreOffice does not know %s: it reads %q as %q", n, samples[n], got[i])
				}
			}
		}
	}
}

func xlsxOf(t testing.TB, formulas []string) []byte {
	t.Helper()
	var rows strings.Builder
	for i, f := range formulas {
		fmt.Fprintf(&rows, `<row r="%d"><c r="A%d"><f>`, i+1, i+1)
		xml.EscapeText(&rows, []byte(f))
		rows.WriteString(`</f></c></row>`)
	}
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + rows.String() + `</sheetData></worksheet>`},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, p.body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func fodsOf(formulas []string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet"><office:body><office:spreadsheet><table:table table:name="S">`)
	for _, f := range formulas {
		b.WriteString(`<table:table-row><table:table-cell table:formula="of:`)
		xml.EscapeText(&b, []byte(f))
		b.WriteString(`"/></table:table-row>`)
	}
	b.WriteString(`</table:table></office:spreadsheet></office:body></office:document>`)
	return []byte(b.String())
}

var formulaAttr = regexp.MustCompile(`table:formula="([^"]*)"`)

// odsFormulas returns the table:formula values of an ODS in document order.
func odsFormulas(t testing.TB, path string) []string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	rc, err := zr.Open("content.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range formulaAttr.FindAllSubmatch(data, -1) {
		var v string
		if err := xml.Unmarshal([]byte("<a>"+string(m[1])+"</a>"), &v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}
