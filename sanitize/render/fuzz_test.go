package render

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// FuzzRender feeds malformed PDFs through PDFium: no panic may escape, every failure is an
// error the engine quarantines, and an accepted input yields a PDF of at most the page
// limit. Limits are small so the fuzzer spends its time in the parser, not in pixels.
func FuzzRender(f *testing.F) {
	files, _ := filepath.Glob(corpusFile("pdf", "*.pdf"))
	for _, file := range files {
		if filepath.Base(file) == "text-100p.pdf" {
			continue
		}
		f.Add(readFile(f, file))
	}
	f.Add(hugePagePDF())
	f.Add(manyPagesPDF())
	f.Add(jaNonEmbeddedPDF("日本語"))
	r := renderer(f, Options{DPI: 36, TextLayer: true, Instances: 1})
	lim := sanitize.Limits{MaxPages: 5, MaxPixels: 1 << 20, Timeout: 10 * time.Second}
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, 2*lim.Timeout)
		in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item", Detected: sanitize.Type{Name: "pdf", Class: sanitize.ClassPDF, MIME: "application/pdf"}}
		var out bytes.Buffer
		res, err := r.Sanitize(context.Background(), in, &out, sanitize.NewBudget(lim))
		if err != nil {
			if errors.Is(err, sanitize.ErrPanic) {
				t.Fatal(err)
			}
			return
		}
		if res.Verdict != sanitize.Sanitized || !bytes.HasPrefix(out.Bytes(), []byte("%PDF-1.7\n")) {
			t.Fatalf("accepted input gave %s and %d bytes without a PDF header", res.Verdict, out.Len())
		}
	})
}
