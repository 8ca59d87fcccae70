package sylk

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// BenchmarkConvert measures SYLK to CSV on the LibreOffice file and the attack samples.
func BenchmarkConvert(b *testing.B) {
	for _, name := range []string{"lo-formula.slk", "gen-injection-values.slk"} {
		data, err := os.ReadFile(filepath.Join(corpusDir, name))
		if err != nil {
			b.Fatal(err)
		}
		b.Run("type=sylk/file="+name, func(b *testing.B) {
			s := New(Options{})
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}
				if _, err := s.Sanitize(context.Background(), in, io.Discard, sanitize.NewBudget(sanitize.Limits{})); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
