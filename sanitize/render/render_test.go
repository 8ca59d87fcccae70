package render

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/sanitizetest"
)

// pdfCorpus is the engine's PDF corpus without the 100-page benchmark input, which the
// conformance suite would render a dozen times.
func pdfCorpus(t testing.TB) []string {
	all, err := filepath.Glob(corpusFile("pdf", "*.pdf"))
	if err != nil || len(all) == 0 {
		t.Fatalf("no pdf corpus: %v", err)
	}
	var out []string
	for _, f := range all {
		if filepath.Base(f) != "text-100p.pdf" {
			out = append(out, f)
		}
	}
	return out
}

// raceShare keeps every "bad-" file and one in n of the others.
func raceShare(files []string, n int) []string {
	var out []string
	good := 0
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "bad-") {
			out = append(out, f)
			continue
		}
		if good%n == 0 {
			out = append(out, f)
		}
		good++
	}
	return out
}

func TestConformance(t *testing.T) {
	qpdf := testtool.Need(t, "qpdf")
	corpus := pdfCorpus(t)
	if raceEnabled {
		// Each good file is rendered six times here (twice, canceled, past its deadline,
		// truncated), and PDFium runs several times slower under the race detector: every
		// refusal but a third of the good files. The full sets (without -race) take all.
		corpus = raceShare(corpus, 3)
	}
	var names []string
	for _, f := range corpus {
		names = append(names, filepath.Base(f))
	}
	sanitizetest.Run(t, renderer(t, Options{TextLayer: true}), corpus, sanitizetest.Options{
		Reparse: func(out []byte) error { return qpdfCheck(qpdf, t.TempDir(), out) },
		// Rendering an image-only PDF again rasterizes it again: never a clean no-op.
		NotIdempotent: names,
	})
}

// qpdfCheck runs qpdf --check on out.
func qpdfCheck(qpdf, dir string, out []byte) error {
	f, err := os.CreateTemp(dir, "out-*.pdf")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(out); err != nil {
		return err
	}
	f.Close()
	if b, err := exec.Command(qpdf, "--check", f.Name()).CombinedOutput(); err != nil {
		return errors.New(strings.TrimSpace(string(b)))
	}
	return nil
}

func TestRefused(t *testing.T) {
	r := renderer(t, Options{})
	tests := []struct {
		name  string
		data  []byte
		lim   sanitize.Limits
		want  error
		limit string
	}{
		{"huge page", hugePagePDF(), sanitize.Limits{}, sanitize.ErrLimit, "limits.max_pixels"},
		{"100000 pages", manyPagesPDF(), sanitize.Limits{}, sanitize.ErrLimit, "limits.max_pages"},
		{"51 pages over 50", readFile(t, corpusFile("render", "ja-50p.pdf")), sanitize.Limits{MaxPages: 49}, sanitize.ErrLimit, "limits.max_pages"},
		{"output over max_file_size", readFile(t, corpusFile("pdf", "hostile-aa.pdf")), sanitize.Limits{MaxFileSize: 4000}, sanitize.ErrLimit, "limits.max_file_size"},
		{"encrypted, empty user password", readFile(t, corpusFile("pdf", "bad-encrypted-empty-userpw.pdf")), sanitize.Limits{}, sanitize.ErrEncrypted, ""},
		{"encrypted, user password", readFile(t, corpusFile("pdf", "bad-encrypted-userpw.pdf")), sanitize.Limits{}, sanitize.ErrEncrypted, ""},
		{"garbage", readFile(t, corpusFile("pdf", "bad-garbage.pdf")), sanitize.Limits{}, sanitize.ErrMalformed, ""},
		{"no pages", buildPDF([]string{"<</Type /Catalog /Pages 2 0 R>>", "<</Type /Pages /Count 0 /Kids []>>"}), sanitize.Limits{}, sanitize.ErrMalformed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			_, res, err := run(t, r, tt.data, "x.pdf", tt.lim)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Sanitize = %v, %v; want %v", res.Verdict, err, tt.want)
			}
			var le *sanitize.LimitError
			if tt.limit != "" && (!errors.As(err, &le) || le.Limit != tt.limit) {
				t.Fatalf("Sanitize error %v, want limit %s", err, tt.limit)
			}
			_ = out
		})
	}
}

func TestResult(t *testing.T) {
	tests := []struct {
		text bool
		file string
		want string
	}{
		{true, "ja-multipage.pdf", "3 pages at 150 dpi, text layer yes"},
		{false, "ja-multipage.pdf", "3 pages at 150 dpi, text layer no"},
	}
	for _, tt := range tests {
		r := renderer(t, Options{TextLayer: tt.text})
		_, res, err := run(t, r, readFile(t, corpusFile("pdf", tt.file)), tt.file, sanitize.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Verdict != sanitize.Sanitized || len(res.Actions) != 1 || res.Actions[0].Kind != sanitize.ActRasterized || res.Actions[0].Detail != tt.want {
			t.Errorf("text layer %v: got %+v, want one rasterized action %q", tt.text, res, tt.want)
		}
	}
}

func TestOptions(t *testing.T) {
	bad := []Options{{DPI: 10}, {DPI: 1200}, {Gray: "sometimes"}, {JPEGQuality: 101}, {FontDir: "/nonexistent-font-dir"}, {Soffice: "/nonexistent/soffice"}}
	for _, o := range bad {
		o.CacheDir = cacheDir
		if r, err := New(o); err == nil {
			r.Close()
			t.Errorf("New(%+v) succeeded, want an error", o)
		}
	}
}
