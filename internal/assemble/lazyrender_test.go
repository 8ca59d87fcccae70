package assemble

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// TestPDFNeedsRenderByDefault: with the default policy (no entry says render), a PDF whose
// image has no decoder here is rendered to an image-only PDF rather than held, and one
// that needs no render never starts PDFium. The JPEG 2000 sample is img2pdf's, the JBIG2
// one hand-built for the PDF family's findings.
func TestPDFNeedsRenderByDefault(t *testing.T) {
	testtool.Need(t, "pdftoppm")
	cfg := config.Default()
	cfg.TempDir, cfg.DataDir = t.TempDir(), testtool.DataDir()
	s, err := NewSanitizers(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	plain := readTestdata(t, "pdf", "text-1p.pdf")
	if res := sanitizeBytes(t, s.Files, plain, "a.pdf"); res.Verdict != sanitize.Sanitized || hasKind(res, sanitize.ActRasterized) {
		t.Fatalf("text-1p.pdf: %s (%s), want sanitized structurally", res.Verdict, res.Reason)
	}
	if s.pdfRender.r != nil {
		t.Error("PDFium started for a PDF that did not need it")
	}

	// PDFium's first start compiles it, which takes minutes under -race on a loaded machine
	// and would spend the first item's limits.timeout; the start is not what this measures.
	if _, err := s.pdfRender.get(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"render/img2pdf-jpx.pdf", "pdf/needsrender-finding-raw-jbig2-and-font.pdf"} {
		t.Run(filepath.Base(name), func(t *testing.T) {
			data := readTestdata(t, strings.Split(name, "/")...)
			var out bytes.Buffer
			res, err := s.Files.Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(data), Name: "scan.pdf", Path: "scan.pdf"}, &out, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != sanitize.Sanitized || !hasKind(res, sanitize.ActRasterized) {
				t.Fatalf("verdict %s (%s), actions %v: want sanitized by rendering", res.Verdict, res.Reason, res.Actions)
			}
			for _, f := range []string{"/JPXDecode", "/JBIG2Decode"} {
				if bytes.Contains(out.Bytes(), []byte(f)) {
					t.Errorf("output still holds %s", f)
				}
			}
			// An independent reader draws the page.
			pdf := filepath.Join(t.TempDir(), "out.pdf")
			if err := os.WriteFile(pdf, out.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			if b, err := exec.Command("pdftoppm", "-r", "20", "-png", pdf, filepath.Join(t.TempDir(), "p")).CombinedOutput(); err != nil {
				t.Errorf("pdftoppm: %v: %s", err, b)
			}
		})
	}
}

func readTestdata(t *testing.T, parts ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{"..", "..", "testdata"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sanitizeBytes(t *testing.T, e *sanitize.Engine, data []byte, name string) sanitize.Result {
	t.Helper()
	res, err := e.Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(data), Name: name, Path: name}, &bytes.Buffer{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func hasKind(res sanitize.Result, k sanitize.ActionKind) bool {
	for _, a := range res.Actions {
		if a.Kind == k {
			return true
		}
	}
	return false
}
