package rtf

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// BenchmarkRewrite measures a full Sanitize call (lex, classify groups, re-emit) on corpus
// files: a 1.5 MB LibreOffice document, 50 pages of Japanese text (400 KB of \uN escapes)
// and a document with an embedded Package object.
func BenchmarkRewrite(b *testing.B) {
	for _, name := range []string{"lo-large.rtf", "lo-ja-guide.rtf", "lo-plain.rtf", "gen-object-package.rtf", "gen-dde-field.rtf", "lo-metafile-pictures.rtf"} {
		data, err := os.ReadFile(filepath.Join(corpusDir, name))
		if err != nil {
			b.Fatal(err)
		}
		b.Run("type=rtf/file="+name, func(b *testing.B) {
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
