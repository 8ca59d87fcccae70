package metafile

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkRender draws each real picture in testdata (file=<name>); BenchmarkToPNG adds
// the PNG encoding the document families deliver.
func BenchmarkRender(b *testing.B) {
	benchFiles(b, func(data []byte) error {
		_, err := Render(context.Background(), data, Limits{})
		return err
	})
}

func BenchmarkToPNG(b *testing.B) {
	benchFiles(b, func(data []byte) error {
		_, _, err := ToPNG(context.Background(), bytes.NewReader(data), int64(len(data)), Limits{})
		return err
	})
}

func benchFiles(b *testing.B, run func([]byte) error) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.[we]mf"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("file="+filepath.Base(f), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if err := run(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCJKText draws a six-character Japanese caption from the system IPA font
// (fonts=ipa, after the one-time load) and as boxes (fonts=none).
func BenchmarkCJKText(b *testing.B) {
	data := cjkText("ＭＳ ゴシック", "「人口推移」")
	for _, c := range []struct {
		name string
		lim  Limits
	}{{"ipa", Limits{DPI: 254}}, {"none", Limits{DPI: 254, NoSystemFonts: true}}} {
		b.Run("fonts="+c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Render(context.Background(), data, c.lim); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLoadSystemFonts is the one-time cost of reading and parsing both IPA fonts.
func BenchmarkLoadSystemFonts(b *testing.B) {
	for b.Loop() {
		if loadFirst(gothicPaths) == nil || loadFirst(minchoPaths) == nil {
			b.Skip("IPA fonts not installed")
		}
	}
}
