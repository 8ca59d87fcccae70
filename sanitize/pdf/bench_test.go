package pdf

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// BenchmarkSanitize measures the whole structural pass (parse, walk, rewrite) on
// LibreOffice-written text PDFs of 1 and 100 pages, and on the Japanese, object-stream and
// a hostile sample. MB/s counts input bytes; pages/s counts input pages.
func BenchmarkSanitize(b *testing.B) {
	for _, tc := range []struct {
		file  string
		pages int
	}{
		{"text-1p.pdf", 1},
		{"text-100p.pdf", 100},
		{"ja-multipage.pdf", 3},
		{"qpdf-objstm.pdf", 2},
		{"hostile-next-chain.pdf", 1},
	} {
		data := readFile(b, filepath.Join(corpusDir, tc.file))
		b.Run("type=pdf/file="+tc.file, func(b *testing.B) {
			s := New(Options{})
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			n := 0
			for b.Loop() {
				in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}
				if _, err := s.Sanitize(context.Background(), in, io.Discard, sanitize.NewBudget(sanitize.Limits{})); err != nil {
					b.Fatal(err)
				}
				n++
			}
			b.ReportMetric(float64(tc.pages*n)/b.Elapsed().Seconds(), "pages/s")
		})
	}
}
