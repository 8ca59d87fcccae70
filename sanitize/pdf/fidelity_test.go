package pdf

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

// realFiles are the PDFs from real producers (LibreOffice, Ghostscript, Chromium,
// img2pdf, qpdf) in testdata: what structural CDR must deliver looking and reading the same.
var realFiles = []string{
	"ja-multipage.pdf", "text-1p.pdf", "text-100p.pdf", "forms-links.pdf", "qpdf-objstm.pdf",
	"gs-outline.pdf", "gs-fonts.pdf", "cairo-cid-cff.pdf", "chromium-ja.pdf", "img2pdf-images.pdf", "gs-pdf20-ja.pdf", "cairo-forms.pdf",
	"../render/ja-50p.pdf",
}

// TestFidelity compares each real file with its sanitized form: pdftotext keeps at least
// 99% of the characters, MuPDF lists the same web links, and poppler renders the first
// pages alike (per-page RMS difference under 1.5% of full scale at 50 dpi; JPEG
// re-encoding accounts for most of what differs).
func TestFidelity(t *testing.T) {
	pdftotext := testtool.Need(t, "pdftotext")
	pdftoppm := testtool.Need(t, "pdftoppm")
	s := New(Options{})
	for _, name := range realFiles {
		t.Run(filepath.Base(name), func(t *testing.T) {
			in := filepath.Join(corpusDir, name)
			outData, _, err := run(t, s, readFile(t, in))
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "out.pdf")
			if err := os.WriteFile(out, outData, 0o644); err != nil {
				t.Fatal(err)
			}
			a, b := text(t, pdftotext, in), text(t, pdftotext, out)
			if kept := keptChars(a, b); kept < 0.99 {
				t.Errorf("pdftotext keeps %.2f%% of the characters, want at least 99%%", 100*kept)
			}
			var webIn, webOut []string
			for _, l := range mutoolLinks(t, in) {
				if _, target, _ := strings.Cut(l, " "); webURI(target) {
					webIn = append(webIn, l)
				}
			}
			for _, l := range mutoolLinks(t, out) {
				if _, target, _ := strings.Cut(l, " "); webURI(target) {
					webOut = append(webOut, l)
				}
			}
			if !slices.Equal(webIn, webOut) {
				t.Errorf("web links %q, want %q", webOut, webIn)
			}
			if a, b := structure(t, in), structure(t, out); a != b {
				t.Errorf("poppler's structure tree differs:\n%s\nwant:\n%s", short(b), short(a))
			}
			for p, d := range pageDiffs(t, pdftoppm, in, out, 3) {
				if d > 0.015 {
					t.Errorf("page %d renders %.2f%% RMS different, want under 1.5%%", p+1, 100*d)
				}
			}
		})
	}
}

// keptChars is the share of a's characters (with multiplicity, spaces ignored) that b has.
func keptChars(a, b string) float64 {
	count := map[rune]int{}
	total := 0
	for _, r := range a {
		if r > ' ' {
			count[r]++
			total++
		}
	}
	if total == 0 {
		return 1
	}
	for _, r := range b {
		if count[r] > 0 {
			count[r]--
		}
	}
	missing := 0
	for _, n := range count {
		missing += n
	}
	return float64(total-missing) / float64(total)
}

// pageDiffs renders the first n pages of both files in grey at 50 dpi and returns the
// RMS difference of each page, 0 to 1.
func pageDiffs(t *testing.T, pdftoppm, a, b string, n int) []float64 {
	t.Helper()
	dir := t.TempDir()
	render := func(file, prefix string) []string {
		cmd := exec.Command(pdftoppm, "-r", "50", "-gray", "-l", fmt.Sprint(n), file, filepath.Join(dir, prefix))
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm %s: %v\n%s", filepath.Base(file), err, msg)
		}
		pages, _ := filepath.Glob(filepath.Join(dir, prefix+"-*.pgm"))
		slices.Sort(pages)
		return pages
	}
	pa, pb := render(a, "a"), render(b, "b")
	if len(pa) != len(pb) || len(pa) == 0 {
		t.Fatalf("rendered %d and %d pages", len(pa), len(pb))
	}
	var out []float64
	for i := range pa {
		ga, gb := readPGM(t, pa[i]), readPGM(t, pb[i])
		if len(ga) != len(gb) {
			t.Fatalf("page %d sizes differ", i+1)
		}
		var sum float64
		for j := range ga {
			d := float64(ga[j]) - float64(gb[j])
			sum += d * d
		}
		out = append(out, math.Sqrt(sum/float64(len(ga)))/255)
	}
	return out
}

// readPGM reads a binary greymap (P5, 8 bits) as pdftoppm -gray writes it.
func readPGM(t *testing.T, file string) []byte {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	var magic string
	var w, h, maxv int
	if _, err := fmt.Fscan(r, &magic, &w, &h, &maxv); err != nil || magic != "P5" || maxv != 255 {
		t.Fatalf("%s: not an 8-bit P5 greymap: %v", file, err)
	}
	if _, err := r.ReadByte(); err != nil {
		t.Fatal(err)
	}
	pix := make([]byte, w*h)
	if _, err := io.ReadFull(r, pix); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return pix
}

var objectNumber = regexp.MustCompile(`Object \d+ \d+`)

// structure is poppler's listing of the tagged structure (pdfinfo -struct), object
// numbers blanked: the rebuild renumbers objects.
func structure(t *testing.T, file string) string {
	t.Helper()
	out, err := exec.Command(testtool.Need(t, "pdfinfo"), "-struct", file).Output()
	if err != nil {
		t.Fatalf("pdfinfo -struct %s: %v", filepath.Base(file), err)
	}
	return objectNumber.ReplaceAllString(string(out), "Object")
}
