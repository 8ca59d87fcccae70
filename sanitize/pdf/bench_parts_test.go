package pdf

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/zlib"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/sekisho/sekisho/sanitize"
)

// The parts of the pass, each on its own: parsing (pdfcpu), re-serialising content
// streams, re-encoding a photo, rebuilding font programs.

func BenchmarkParse(b *testing.B) {
	data := readFile(b, filepath.Join(corpusDir, "bench/merged-1mb.pdf"))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := read(context.Background(), bytes.NewReader(data), sanitize.NewBudget(sanitize.Limits{})); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkContent re-serialises every page content stream of the 100-page text file,
// concatenated (MB/s of decoded content).
func BenchmarkContent(b *testing.B) {
	pctx, err := read(context.Background(), bytes.NewReader(readFile(b, filepath.Join(corpusDir, "text-100p.pdf"))), sanitize.NewBudget(sanitize.Limits{}))
	if err != nil {
		b.Fatal(err)
	}
	var all []byte
	for _, e := range pctx.XRefTable.Table {
		if sd, ok := e.Object.(types.StreamDict); ok && sd.Dict.Type() == nil && sd.Dict["Subtype"] == nil && sd.Dict["Length1"] == nil {
			if err := sd.Decode(); err == nil && bytes.Contains(sd.Content, []byte("BT")) {
				all = append(all, sd.Content...)
			}
		}
	}
	b.SetBytes(int64(len(all)))
	for b.Loop() {
		if _, err := testBuilder().content(all, "bench"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImageJPEG passes baseline JPEGs through the DCT image path: path=rebuild as
// every baseline XObject JPEG goes (coefficients re-encoded by jpegre), path=pixels as
// inline images and the rest go (decoded and encoded again). photo is a 1200x900 photo;
// logo is a 400x200 JPEG like the one in benchmarks/loadgen's mixed mail (image/jpeg,
// quality 85).
func BenchmarkImageJPEG(b *testing.B) {
	for _, in := range []struct {
		name string
		data []byte
	}{
		{"photo-1200x900", readFile(b, filepath.Join(corpusDir, "src", "images", "report-photo.jpg"))},
		{"logo-400x200", benchLogo(b)},
	} {
		b.Run("image="+in.name+"/path=rebuild", func(b *testing.B) {
			b.SetBytes(int64(len(in.data)))
			cpu, n := cpuTime(), 0
			for b.Loop() {
				px, err := testBuilder().decodeJPEG(in.data, 1)
				if err != nil || px == nil || px.dct == nil {
					b.Fatal("not rebuilt", err)
				}
				n++
			}
			b.ReportMetric((cpuTime()-cpu).Seconds()*1000/float64(n), "cpu-ms/op")
		})
		b.Run("image="+in.name+"/path=pixels", func(b *testing.B) {
			b.SetBytes(int64(len(in.data)))
			for b.Loop() {
				bl := testBuilder()
				px, err := bl.decodeJPEG(in.data, -1)
				if err != nil || px == nil || px.jpg == nil {
					b.Fatal("not decoded", err)
				}
				if _, err := bl.encodeJPEG(px.jpg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchLogo draws a 400x200 picture (gradients, a disc, grain) and encodes it at quality 85.
func benchLogo(b *testing.B) []byte {
	m := image.NewRGBA(image.Rect(0, 0, 400, 200))
	seed := uint32(7)
	for y := range 200 {
		for x := range 400 {
			seed = seed*1664525 + 1013904223
			g := uint8(seed >> 28)
			c := color.RGBA{uint8(x/2) + g, uint8(y) + g, 200 - uint8(x/4), 255}
			if dx, dy := x-300, y-100; dx*dx+dy*dy < 60*60 {
				c = color.RGBA{220, 40 + g, 40, 255}
			}
			m.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 85}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func BenchmarkFontType1(b *testing.B) {
	t1, _ := fontFile(b, "text-1p.pdf", "FontFile")
	b.SetBytes(int64(len(t1)))
	for b.Loop() {
		if _, _, _, err := rebuildType1(t1, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFontTrueType(b *testing.B) {
	tt, _ := fontFile(b, "ja-multipage.pdf", "FontFile2")
	b.SetBytes(int64(len(tt)))
	for b.Loop() {
		if _, err := rebuildSFNT(tt); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFlateLevel compresses the rewritten content streams of the 100-page text file,
// the relay benchmark's mixed-mail PDF, the 1 MB merge and the Japanese files of
// LibreOffice, Chromium and Ghostscript one stream at a time, as the writer does, at each
// zlib level: the cost per MB of content against the output's size
// (out-%, compressed bytes per 100 bytes of content). The writer uses level 1.
func BenchmarkFlateLevel(b *testing.B) {
	for _, file := range []string{"text-100p.pdf", "bench/loadgen-mixed.pdf", "bench/merged-1mb.pdf", "ja-multipage.pdf", "chromium-ja.pdf", "gs-pdf20-ja.pdf"} {
		pctx, err := read(context.Background(), bytes.NewReader(readFile(b, filepath.Join(corpusDir, file))), sanitize.NewBudget(sanitize.Limits{}))
		if err != nil {
			b.Fatal(err)
		}
		var streams [][]byte
		total := 0
		for _, e := range pctx.XRefTable.Table {
			if sd, ok := e.Object.(types.StreamDict); ok && sd.Dict.Type() == nil && sd.Dict["Subtype"] == nil && sd.Dict["Length1"] == nil {
				if err := sd.Decode(); err == nil && bytes.Contains(sd.Content, []byte("BT")) {
					out, err := testBuilder().content(sd.Content, "bench")
					if err != nil {
						b.Fatal(err)
					}
					streams = append(streams, out)
					total += len(out)
				}
			}
		}
		for _, level := range []int{zlib.HuffmanOnly, 1, 2, 3, 4, 6, 9} {
			b.Run(fmt.Sprintf("file=%s/level=%d", file, level), func(b *testing.B) {
				var buf bytes.Buffer
				zw, _ := zlib.NewWriterLevel(&buf, level)
				b.SetBytes(int64(total))
				size := 0
				for b.Loop() {
					size = 0
					for _, s := range streams {
						buf.Reset()
						zw.Reset(&buf)
						zw.Write(s)
						zw.Close()
						size += buf.Len()
					}
				}
				b.ReportMetric(100*float64(size)/float64(total), "out-%")
			})
		}
	}
}
