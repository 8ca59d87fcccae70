package pdf

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"

	"github.com/sekisho/sekisho/sanitize"
)

// FuzzSanitize feeds mutated corpus files to Sanitize. Properties: no panic escapes
// (Sanitize recovers pdfcpu's), an error carries a sentinel or limit and nothing written
// counts, and a success reopens with pdfcpu and holds no more than the budget allows.
func FuzzSanitize(f *testing.F) {
	for _, file := range corpusFiles(f) {
		// The 100-page file is slow per execution; its structure is in text-1p.pdf.
		if filepath.Base(file) == "text-100p.pdf" {
			continue
		}
		f.Add(readFile(f, file))
	}
	s := New(Options{})
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := sanitize.Limits{MaxFileSize: 4 << 20, MaxTotalSize: 16 << 20, MaxPages: 200, Timeout: 5 * time.Second}
		b := sanitize.NewBudget(lim)
		ctx, cancel := b.Context(context.Background())
		defer cancel()
		var out bytes.Buffer
		w := sanitize.LimitWriter(&out, lim.MaxFileSize, "limits.max_file_size")
		res, err := s.Sanitize(ctx, &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}, w, b)
		if err != nil {
			if !errors.Is(err, sanitize.ErrMalformed) && !errors.Is(err, sanitize.ErrEncrypted) &&
				!errors.Is(err, sanitize.ErrLimit) && !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Sanitize error %q carries no sentinel", err)
			}
			return
		}
		if !res.Verdict.HasOutput() {
			t.Fatalf("Sanitize succeeded with verdict %q", res.Verdict)
		}
		for _, a := range res.Actions {
			if a.Path != "item" || a.Kind == "" {
				t.Fatalf("action %+v lacks path or kind", a)
			}
		}
		if _, err := api.ReadContext(bytes.NewReader(out.Bytes()), testConf()); err != nil {
			t.Fatalf("output does not reopen: %v", err)
		}
	})
}
