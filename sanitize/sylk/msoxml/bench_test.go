package msoxml

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// BenchmarkConvert measures Office 2003 XML to CSV or text on the LibreOffice files.
func BenchmarkConvert(b *testing.B) {
	for _, name := range []string{"lo-excel2003.xml", "lo-word2003.xml"} {
		data, err := os.ReadFile(filepath.Join(corpusDir, name))
		if err != nil {
			b.Fatal(err)
		}
		b.Run("type=msoxml/file="+name, func(b *testing.B) {
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
