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

// BenchmarkPictures measures a full Sanitize call with pictures re-encoded (the test image
// family: standard-library decode and encode): lo-large.rtf carries two JPEG photos, each
// with a WMF fallback that goes; lo-metafile-pictures.rtf a WMF and an EMF picture drawn
// into PNGs. Compare with BenchmarkRewrite, which drops pictures.
func BenchmarkPictures(b *testing.B) {
	for _, name := range []string{"lo-large.rtf", "gen-picture-png.rtf", "lo-metafile-pictures.rtf"} {
		data, err := os.ReadFile(filepath.Join(corpusDir, name))
		if err != nil {
			b.Fatal(err)
		}
		b.Run("type=rtf/file="+name, func(b *testing.B) {
			s := New(Options{Inner: imageFamily{}})
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
