package ooxml

import (
	"archive/zip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/sekisho/sekisho/internal/testtool"
)

// TestFidelity measures what a reader loses: the real-producer documents of testdata
// (Japanese text, formulas, links) are exported by LibreOffice before and after
// sanitizing, and the sanitized export must keep at least 99% of the characters of the
// original one, every formula of the spreadsheets, and every https link.
func TestFidelity(t *testing.T) {
	t.Parallel() // LibreOffice round trips: each has its own profile
	if testing.Short() {
		t.Skip("LibreOffice exports are slow")
	}
	if raceEnabled {
		t.Skip("LibreOffice does the work here, out of the race detector's sight: runs without -race")
	}
	soffice := testtool.Need(t, "soffice")
	pdftotext := testtool.Need(t, "pdftotext")
	files := []string{
		"ooxml/ja-guide.docx", "odf/ja-guide.odt", "ooxml/ja-ledger.xlsx", "odf/ja-ledger.ods",
		"ooxml/report.docx", "odf/report.odt", "ooxml/memo.docx", "odf/memo.odt",
		"ooxml/ledger.xlsx", "odf/ledger.ods", "ooxml/slides.pptx", "odf/slides.odp",
	}
	dir := t.TempDir()
	_, s := newEngine(true)
	// Both sides go through one LibreOffice start per export: its start-up, not the
	// export, is most of the time.
	var writer, calc, impress []string
	for _, f := range files {
		in := readCorpus(t, f)
		out, _, err := sanitizeBytes(t, s, f, in)
		if err != nil {
			t.Fatalf("Sanitize(%s): %v", f, err)
		}
		for side, data := range map[string][]byte{"before": in, "after": out} {
			p := filepath.Join(dir, "in", exportBase(side, f)+filepath.Ext(f))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			switch filepath.Ext(f) {
			case ".docx", ".odt":
				writer = append(writer, p)
			case ".xlsx", ".ods":
				calc = append(calc, p)
			default:
				impress = append(impress, p)
			}
		}
	}
	texts := map[string]string{}
	formulas := map[string]int{}
	links := map[string][]string{}
	out := filepath.Join(dir, "lo")
	soffice1(t, soffice, dir, "txt:Text (encoded):UTF8", out, writer)
	soffice1(t, soffice, dir, "html", out, writer)
	soffice1(t, soffice, dir, `csv:Text - txt - csv (StarCalc):44,34,76`, out, calc)
	soffice1(t, soffice, dir, "ods", filepath.Join(out, "ods"), calc)
	soffice1(t, soffice, dir, "pdf", out, impress)
	for _, side := range []string{"before", "after"} {
		for _, f := range files {
			base := exportBase(side, f)
			key := side + " " + f
			switch filepath.Ext(f) {
			case ".docx", ".odt":
				texts[key] = readText(t, filepath.Join(out, base+".txt"))
				links[key] = httpsLinks(readText(t, filepath.Join(out, base+".html")))
			case ".xlsx", ".ods":
				texts[key] = readText(t, filepath.Join(out, base+".csv"))
				formulas[key] = odsFormulaCount(t, filepath.Join(out, "ods", base+".ods"))
			default:
				b, err := exec.Command(pdftotext, "-enc", "UTF-8", filepath.Join(out, base+".pdf"), "-").Output()
				if err != nil {
					t.Fatalf("pdftotext %s: %v", f, err)
				}
				texts[key] = string(b)
			}
		}
	}
	for _, f := range files {
		b, a := texts["before "+f], texts["after "+f]
		kept, total := keptChars(b, a)
		if total == 0 {
			t.Errorf("%s: LibreOffice exported no text before sanitizing", f)
			continue
		}
		ratio := float64(kept) / float64(total)
		t.Logf("%-22s %6d characters, %6.2f%% kept, %3d formulas before, %3d after, %d https links", f, total, 100*ratio, formulas["before "+f], formulas["after "+f], len(links["before "+f]))
		if ratio < 0.99 {
			t.Errorf("%s: %.2f%% of the characters kept, want at least 99%%", f, 100*ratio)
		}
		if formulas["before "+f] != formulas["after "+f] {
			t.Errorf("%s: %d formulas before, %d after", f, formulas["before "+f], formulas["after "+f])
		}
		if strings.Join(links["before "+f], " ") != strings.Join(links["after "+f], " ") {
			t.Errorf("%s: https links %v before, %v after", f, links["before "+f], links["after "+f])
		}
	}
}

// exportBase names a file's copy for LibreOffice so that no two exports collide: a docx
// and an odt of the same name export to the same text file name.
func exportBase(side, f string) string {
	return side + "-" + strings.ReplaceAll(filepath.Base(f), ".", "-")
}

func readText(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("LibreOffice export missing: %v", err)
	}
	return string(b)
}

var hrefHTTPS = regexp.MustCompile(`href="(https://[^"]+)"`)

func httpsLinks(html string) []string {
	var out []string
	for _, m := range hrefHTTPS.FindAllStringSubmatch(html, -1) {
		out = append(out, m[1])
	}
	return out
}

// keptChars counts the characters (spaces aside) of before that after still has, as a
// multiset: order and repetitions both count.
func keptChars(before, after string) (kept, total int) {
	have := map[rune]int{}
	for _, r := range after {
		if !unicode.IsSpace(r) {
			have[r]++
		}
	}
	for _, r := range before {
		if unicode.IsSpace(r) {
			continue
		}
		total++
		if have[r] > 0 {
			have[r]--
			kept++
		}
	}
	return kept, total
}

var odsFormulaAttr = regexp.MustCompile(`table:formula="`)

func odsFormulaCount(t *testing.T, p string) int {
	t.Helper()
	zr, err := zip.OpenReader(p)
	if err != nil {
		t.Fatalf("LibreOffice ODS export: %v", err)
	}
	defer zr.Close()
	rc, err := zr.Open("content.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return len(odsFormulaAttr.FindAll(b, -1))
}
