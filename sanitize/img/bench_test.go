package img

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// BenchmarkSanitize measures one full Sanitize call (header check, structural scan, decode,
// re-encode) on corpus files; MB/s counts input (compressed) bytes, Mpx/s the pixels of the
// first frame. The PNG grid shows what Options.PNGCompression costs.
func BenchmarkSanitize(b *testing.B) {
	cases := []struct {
		name string
		file string
		o    Options
	}{
		{"type=jpeg/size=2MP", "bench-2mp.jpg", Options{}},
		{"type=png/size=2MP/compression=speed", "bench-2mp.png", Options{PNGCompression: "speed"}},
		{"type=png/size=2MP/compression=default", "bench-2mp.png", Options{PNGCompression: "default"}},
		{"type=jpeg/file=photo-exif-gps-orient6.jpg", "photo-exif-gps-orient6.jpg", Options{}},
		{"type=gif/file=animated.gif", "animated.gif", Options{}},
		{"type=png/file=gray16.png", "gray16.png", Options{}},
		{"type=png/file=palette.png", "palette.png", Options{}},
		{"type=png/file=report.docx-image1.png", "", Options{}}, // the 16-bit PNG of loadgen's DOCX
	}
	for _, c := range cases {
		data, err := os.ReadFile(filepath.Join(corpusDir, c.file))
		if c.file == "" {
			data, err = docxPNG16(b), nil
		}
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			s := New(c.o)
			in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}
			in.Detected = sanitize.Detect(in.Body)
			cfg, err := configFuncs[in.Detected.Name](bytes.NewReader(data))
			if err != nil {
				b.Fatal(err)
			}
			var out bytes.Buffer
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				out.Reset()
				if _, err := s.Sanitize(context.Background(), in, &out, sanitize.NewBudget(sanitize.Limits{})); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cfg.Width*cfg.Height)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mpx/s")
		})
	}
}

// BenchmarkRefuseHugeClaim measures refusing a PNG whose header claims 10^10 pixels.
func BenchmarkRefuseHugeClaim(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(corpusDir, "bad-huge-dimensions.png"))
	if err != nil {
		b.Fatal(err)
	}
	s := New(Options{})
	in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}
	in.Detected = sanitize.Detect(in.Body)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Sanitize(context.Background(), in, &bytes.Buffer{}, sanitize.NewBudget(sanitize.Limits{})); err == nil {
			b.Fatal("accepted")
		}
	}
}

// BenchmarkSanitizeAfterGC measures small pictures as a busy gateway meets them: its other
// work runs the collector every few messages and every second collection empties each
// sync.Pool, so two collections before each picture show what the family allocates per
// picture when it keeps nothing across them. Only the Sanitize call's CPU is counted.
func BenchmarkSanitizeAfterGC(b *testing.B) {
	for _, c := range []struct{ name, file string }{
		{"type=png/file=report.docx-image1.png", ""}, // 48x32, 16-bit: encodePNGRows
		{"type=png/file=rgba.png", "rgba.png"},       // 8-bit: image/png's encoder
		{"type=jpeg/file=gray.jpg", "gray.jpg"},
	} {
		b.Run(c.name, func(b *testing.B) {
			var data []byte
			if c.file == "" {
				data = docxPNG16(b)
			} else {
				var err error
				if data, err = os.ReadFile(filepath.Join(corpusDir, c.file)); err != nil {
					b.Fatal(err)
				}
			}
			s := New(Options{})
			in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}
			in.Detected = sanitize.Detect(in.Body)
			var out bytes.Buffer
			testtool.AfterGC(b, func() {
				out.Reset()
				if _, err := s.Sanitize(context.Background(), in, &out, sanitize.NewBudget(sanitize.Limits{})); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}
