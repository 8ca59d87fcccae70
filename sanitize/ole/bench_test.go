package ole

import (
	"bytes"
	"context"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// BenchmarkInspect measures the whole family call (parse header, FAT, directory, walk the
// tree, check every chain, read the FIB or BIFF globals) on corpus files.
func BenchmarkInspect(b *testing.B) {
	for _, name := range []string{"lo-slides.ppt", "lo-plain.doc", "lo-plain.xls", "gen-vba.doc", "gen-encrypted.docx"} {
		data := readCorpus(b, name)
		b.Run("type=ole/file="+name, func(b *testing.B) {
			s := New(Options{})
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}
				if _, err := s.Sanitize(context.Background(), in, &bytes.Buffer{}, sanitize.NewBudget(sanitize.Limits{})); err == nil {
					b.Fatal("Sanitize succeeded")
				}
			}
		})
	}
}
