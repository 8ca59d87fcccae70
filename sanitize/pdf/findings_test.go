package pdf

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/render"
)

// The December 2026 review's PDF files (testdata/pdf/*finding-*), each judged by the
// independent tools on what it carried.
func TestFindings(t *testing.T) {
	s := New(Options{})
	tests := []struct {
		file  string
		kinds []sanitize.ActionKind // each must be reported
		gone  []string              // link targets MuPDF must no longer list
	}{
		{
			file:  "hostile-finding-action-type-indirect.pdf",
			kinds: []sanitize.ActionKind{sanitize.ActRemovedAction, sanitize.ActRemovedLink},
			gone:  []string{"cmd.exe", "javascript:", "file://attacker.example"},
		},
		{
			file:  "hostile-finding-3d-oninstantiate.pdf",
			kinds: []sanitize.ActionKind{sanitize.ActRemovedRichMedia},
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			in := filepath.Join(corpusDir, tc.file)
			if len(judgeQPDF(t, in)) == 0 {
				t.Fatal("qpdf judge finds nothing in the input")
			}
			before := strings.Join(mutoolLinks(t, in), "\n")
			for _, g := range tc.gone {
				if !strings.Contains(before, g) {
					t.Fatalf("MuPDF does not list %q in the input: %q", g, before)
				}
			}
			out, res, err := run(t, s, readFile(t, in))
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range tc.kinds {
				if !slices.ContainsFunc(res.Actions, func(a sanitize.Action) bool { return a.Kind == k }) {
					t.Errorf("actions %v lack %s", res.Actions, k)
				}
			}
			file := filepath.Join(t.TempDir(), "out.pdf")
			if err := os.WriteFile(file, out, 0o644); err != nil {
				t.Fatal(err)
			}
			if found := judgeQPDF(t, file); len(found) > 0 {
				t.Errorf("qpdf finds %v in the output", found)
			}
			after := strings.Join(mutoolLinks(t, file), "\n")
			for _, g := range tc.gone {
				if strings.Contains(after, g) {
					t.Errorf("MuPDF still lists %q: %q", g, after)
				}
			}
		})
	}
}

// TestFindingJBIG2 follows the JBIG2 finding through the engine: quarantined with a
// reason naming the stream when no renderer is configured, rasterized by PDFium when
// one is. Nothing of the JBIG2 or font bytes reaches an output.
func TestFindingJBIG2(t *testing.T) {
	data := readFile(t, filepath.Join(corpusDir, "needsrender-finding-raw-jbig2-and-font.pdf"))
	e := sanitize.NewEngine(sanitize.EngineOptions{})
	e.Register(string(sanitize.ClassPDF), New(Options{}))
	sanitizeWith := func(e *sanitize.Engine) ([]byte, sanitize.Result) {
		var out bytes.Buffer
		in := &sanitize.Item{Body: bytes.NewReader(data), Path: "attachment[1]", Name: "scan.pdf"}
		res, err := e.Sanitize(context.Background(), in, &out, nil)
		if err != nil {
			t.Fatal(err)
		}
		return out.Bytes(), res
	}
	out, res := sanitizeWith(e)
	if res.Verdict != sanitize.Quarantined || !strings.Contains(res.Reason, "JBIG2 image stream (object 5)") || len(out) > 0 {
		t.Fatalf("without a renderer: %s %q (%d bytes), want quarantined naming the JBIG2 stream", res.Verdict, res.Reason, len(out))
	}
	if testing.Short() {
		t.Skip("rendering with PDFium is slow; skipped in -short")
	}
	testtool.Need(t, "pdfinfo")
	r, err := render.New(render.Options{Instances: 1, CacheDir: filepath.Join(os.TempDir(), "sekisho-render-test-cache")})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	e.RegisterRenderer(string(sanitize.ClassPDF), r)
	out, res = sanitizeWith(e)
	if res.Verdict != sanitize.Sanitized || len(res.Actions) == 0 || res.Actions[0].Kind != sanitize.ActRasterized ||
		!strings.Contains(res.Actions[0].Detail, "JBIG2") {
		t.Fatalf("with a renderer: %s %v, want rasterized first, naming JBIG2", res.Verdict, res.Actions)
	}
	for _, marker := range []string{"JBIG2_EXPLOIT_PAYLOAD_MARKER", "JBIG2Decode", "FontFile2"} {
		if bytes.Contains(out, []byte(marker)) {
			t.Errorf("rendered output contains %q", marker)
		}
	}
	file := filepath.Join(t.TempDir(), "out.pdf")
	if err := os.WriteFile(file, out, 0o644); err != nil {
		t.Fatal(err)
	}
	if msg, err := exec.Command("pdfinfo", file).CombinedOutput(); err != nil {
		t.Fatalf("pdfinfo of the rendered output: %v\n%s", err, msg)
	}
}

// TestFindingFontDropped: without its JBIG2 image the same document keeps no byte of the
// marker-filled TrueType program, and says the text shows in a fallback font.
func TestFindingFontDropped(t *testing.T) {
	data := readFile(t, filepath.Join(corpusDir, "needsrender-finding-raw-jbig2-and-font.pdf"))
	data = bytes.Replace(data, []byte("/JBIG2Decode"), []byte("/FlateDecode"), 1)
	out, res, err := run(t, New(Options{}), data)
	if err != nil && !errors.Is(err, sanitize.ErrMalformed) {
		t.Fatal(err)
	}
	if err != nil {
		t.Skipf("pdfcpu refuses the edited file: %v", err)
	}
	if !slices.ContainsFunc(res.Actions, func(a sanitize.Action) bool {
		return a.Kind == sanitize.ActRemovedFont && strings.Contains(a.Detail, "fallback font")
	}) {
		t.Errorf("actions %v lack the dropped font program", res.Actions)
	}
	if bytes.Contains(out, []byte("FontFile")) {
		t.Error("output still has a font program")
	}
}
