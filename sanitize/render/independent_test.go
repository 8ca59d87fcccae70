package render

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// forbidden are keys that must never appear in an image-only PDF.
var forbidden = []string{"/JavaScript", "/JS", "/AA", "/OpenAction", "/Annots", "/AcroForm", "/Names",
	"/EmbeddedFile", "/EmbeddedFiles", "/URI", "/Launch", "/XFA", "/RichMedia", "/Outlines", "/Metadata"}

// allowedTypes are the object kinds the writer may produce.
var objRe = regexp.MustCompile(`(?m)^%% Original object ID: \d+ 0\n\d+ 0 obj\n(<<[\s\S]*?\n>>|\[[\s\S]*?\])`)

// checkImageOnly expands out with qpdf and checks that it holds only the catalog, the page
// tree, pages, image XObjects, content streams and (with a text layer) the invisible font.
func checkImageOnly(t *testing.T, qpdf string, out []byte, text bool) {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "out.pdf")
	if err := os.WriteFile(in, out, 0o600); err != nil {
		t.Fatal(err)
	}
	qdf := filepath.Join(dir, "qdf.pdf")
	if b, err := exec.Command(qpdf, "--qdf", "--object-streams=disable", in, qdf).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --qdf: %v: %s", err, b)
	}
	x, err := os.ReadFile(qdf)
	if err != nil {
		t.Fatal(err)
	}
	// Dictionaries only: stream data (pixels, text operators) may contain any bytes.
	var dicts strings.Builder
	for _, m := range objRe.FindAllSubmatch(x, -1) {
		dicts.Write(m[1])
		dicts.WriteByte('\n')
	}
	d := dicts.String()
	if !strings.Contains(d, "/Type /Catalog") || !strings.Contains(d, "/Subtype /Image") {
		t.Fatalf("qpdf expansion not understood: no catalog or image dictionaries found")
	}
	for _, k := range forbidden {
		if regexp.MustCompile(regexp.QuoteMeta(k) + `\b`).MatchString(d) {
			t.Errorf("output contains %s", k)
		}
	}
	for _, m := range regexp.MustCompile(`/Type /(\w+)`).FindAllStringSubmatch(d, -1) {
		switch m[1] {
		case "Catalog", "Pages", "Page", "XObject":
		case "Font", "FontDescriptor":
			if !text {
				t.Errorf("output without text layer has a /Type /%s", m[1])
			}
		default:
			t.Errorf("output has an object of /Type /%s", m[1])
		}
	}
	for _, m := range regexp.MustCompile(`/Subtype /(\w+)`).FindAllStringSubmatch(d, -1) {
		switch m[1] {
		case "Image", "Type0", "CIDFontType2":
		default:
			t.Errorf("output has /Subtype /%s", m[1])
		}
	}
	if strings.Contains(d, "/FontFile") {
		t.Errorf("output embeds a font program")
	}
}

func pageCount(t *testing.T, pdfinfo string, data []byte) int {
	t.Helper()
	cmd := exec.Command(pdfinfo, "-")
	cmd.Stdin = bytes.NewReader(data)
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("pdfinfo printed no page count: %s", b)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

func TestIndependent(t *testing.T) {
	qpdf := testtool.Need(t, "qpdf")
	pdfinfo := testtool.Need(t, "pdfinfo")
	pdftoppm := testtool.Need(t, "pdftoppm")
	for _, text := range []bool{true, false} {
		r := renderer(t, Options{TextLayer: text})
		for i, f := range pdfCorpus(t) {
			name := filepath.Base(f)
			if strings.HasPrefix(name, "bad-") {
				continue
			}
			switch {
			case raceEnabled && (i%3 != 0 || (i/3%2 == 0) != text):
				// Under the race detector PDFium runs several times slower: a third of the
				// files, rendered once each, with and without the text layer in turn. The
				// full sets (without -race) render every file.
				continue
			case !raceEnabled && !text && i%3 != 0:
				// Without the text layer the writer only leaves out the font: a third of
				// the corpus shows that, at a third of the cost.
				continue
			}
			t.Run(name+"/text="+strconv.FormatBool(text), func(t *testing.T) {
				data := readFile(t, f)
				out, _, err := run(t, r, data, name, sanitize.Limits{})
				if err != nil {
					t.Fatal(err)
				}
				checkImageOnly(t, qpdf, out, text)
				if got, want := pageCount(t, pdfinfo, out), pageCount(t, pdfinfo, data); got != want {
					t.Errorf("pdfinfo pages = %d, want %d", got, want)
				}
				cmd := exec.Command(pdftoppm, "-r", "10", "-gray", "-", filepath.Join(t.TempDir(), "p"))
				cmd.Stdin = bytes.NewReader(out)
				if b, err := cmd.CombinedOutput(); err != nil || len(b) > 0 {
					t.Errorf("pdftoppm: %v %s", err, b)
				}
			})
		}
	}
}

// TestTextLayerJapanese renders the 50-page Japanese document and finds its sentences,
// page by page, with poppler's pdftotext.
func TestTextLayerJapanese(t *testing.T) {
	pdftotext := testtool.Need(t, "pdftotext")
	pdfinfo := testtool.Need(t, "pdfinfo")
	data := readFile(t, corpusFile("render", "ja-50p.pdf"))
	for _, text := range []bool{true, false} {
		if raceEnabled && !text {
			// 50 pages under the race detector take a minute a pass; the pass without a
			// text layer runs in CI's full-sets phase, without the race detector.
			continue
		}
		out, res, err := run(t, renderer(t, Options{TextLayer: text}), data, "ja-50p.pdf", sanitize.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if got := pageCount(t, pdfinfo, out); got != 50 {
			t.Fatalf("pages = %d, want 50", got)
		}
		t.Logf("text layer %v: %d bytes in, %d out (%.1fx), %v", text, len(data), len(out), float64(len(out))/float64(len(data)), res.Actions)
		cmd := exec.Command(pdftotext, "-enc", "UTF-8", "-", "-")
		cmd.Stdin = bytes.NewReader(out)
		b, err := cmd.Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		got := strings.Join(strings.Fields(string(b)), "")
		want := []string{
			"第1章情報セキュリティの手引き",
			"これは五十ページの試験用文書の第37ページです。",
			"電子メールに添付されたマクロ付きの文書は、画像に変換してから職員に届けます。",
			"手数料は一通につき三百円です。",
		}
		for _, w := range want {
			if found := strings.Contains(got, w); found != text {
				t.Errorf("text layer %v: pdftotext finds %q = %v", text, w, found)
			}
		}
	}
}

// TestNonEmbeddedJapanese: Japanese in a font that is not embedded must not vanish. The
// page is rendered back by poppler and the text box must hold dark pixels; without the
// font folder the same page comes out blank, which shows the check can fail.
func TestNonEmbeddedJapanese(t *testing.T) {
	pdftoppm := testtool.Need(t, "pdftoppm")
	if _, err := os.Stat(filepath.Join(DefaultFontDir, "opentype", "ipafont-gothic")); err != nil {
		testtool.Need(t, "fonts-ipafont-gothic (install the Debian package)")
	}
	data := jaNonEmbeddedPDF("日本語のテキストが消えないこと")
	for _, tt := range []struct {
		fontDir string
		visible bool
	}{{"", true}, {"-", false}} {
		out, _, err := run(t, renderer(t, Options{FontDir: tt.fontDir}), data, "x.pdf", sanitize.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		// The text sits at x 72..432, baseline 706 on an 842-point page: 72 dpi crop.
		cmd := exec.Command(pdftoppm, "-r", "72", "-gray", "-x", "60", "-y", "100", "-W", "400", "-H", "50", "-singlefile", "-")
		cmd.Stdin = bytes.NewReader(out)
		pgm, err := cmd.Output()
		if err != nil {
			t.Fatalf("pdftoppm: %v", err)
		}
		dark := darkPixels(t, pgm)
		if got := dark > 500; got != tt.visible {
			t.Errorf("font dir %q: %d dark pixels in the text box, visible = %v, want %v", tt.fontDir, dark, got, tt.visible)
		}
	}
}

// darkPixels counts pixels below half intensity in a binary PGM (P5, maxval 255).
func darkPixels(t *testing.T, pgm []byte) int {
	t.Helper()
	f := bytes.Fields(pgm[:min(len(pgm), 64)])
	if len(f) < 4 || string(f[0]) != "P5" || string(f[3]) != "255" {
		t.Fatalf("not an 8-bit PGM")
	}
	w, _ := strconv.Atoi(string(f[1]))
	h, _ := strconv.Atoi(string(f[2]))
	pix := pgm[len(pgm)-w*h:]
	n := 0
	for _, p := range pix {
		if p < 128 {
			n++
		}
	}
	return n
}
