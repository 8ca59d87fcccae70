package render

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

var (
	imagesOnce sync.Once
	imagesPDF  []byte
	imagesErr  error
)

// imageHeavyPDF builds a 20-page PDF of photographic images (ImageMagick plasma fractals,
// 1600x1200 JPEG, one per A4 page) once per run; it is too large to commit.
func imageHeavyPDF(b *testing.B) []byte {
	convert := "/usr/bin/convert" // ImageMagick itself, not a stand-in elsewhere in PATH
	if _, err := os.Stat(convert); err != nil {
		testtool.Need(b, "convert (imagemagick)")
	}
	imagesOnce.Do(func() {
		dir, err := os.MkdirTemp("", "render-bench-")
		if err != nil {
			imagesErr = err
			return
		}
		defer os.RemoveAll(dir)
		var pages []string
		for i := range 20 {
			p := filepath.Join(dir, fmt.Sprintf("p%02d.jpg", i))
			cmd := exec.Command(convert, "-seed", strconv.Itoa(i+1), "-size", "1600x1200", "plasma:fractal", "-quality", "85", p)
			if out, err := cmd.CombinedOutput(); err != nil {
				imagesErr = fmt.Errorf("convert: %v: %s", err, out)
				return
			}
			pages = append(pages, p)
		}
		// ImageMagick's policy forbids writing PDF on Debian; img2pdf embeds the JPEGs as
		// they are.
		img2pdf, err := exec.LookPath("img2pdf")
		if err != nil {
			imagesErr = fmt.Errorf("img2pdf not installed (apt-get install img2pdf): %w", err)
			return
		}
		out := filepath.Join(dir, "images.pdf")
		args := append(append([]string{"--pagesize", "A4"}, pages...), "-o", out)
		if b, err := exec.Command(img2pdf, args...).CombinedOutput(); err != nil {
			imagesErr = fmt.Errorf("img2pdf: %v: %s", err, b)
			return
		}
		imagesPDF, imagesErr = os.ReadFile(out)
	})
	if imagesErr != nil {
		b.Fatal(imagesErr)
	}
	return imagesPDF
}

func benchRender(b *testing.B, r *Renderer, data []byte, name string, pages int) {
	b.Helper()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var outLen int
	start := time.Now()
	for b.Loop() {
		out, _, err := run(b, r, data, name, sanitize.Limits{})
		if err != nil {
			b.Fatal(err)
		}
		outLen = len(out)
	}
	b.ReportMetric(float64(pages*b.N)/time.Since(start).Seconds(), "pages/s")
	b.ReportMetric(float64(outLen)/float64(len(data)), "out/in")
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
}

// peakRSSMB is the process's peak resident set (VmHWM) so far.
func peakRSSMB() float64 {
	s, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(s), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

func BenchmarkRender(b *testing.B) {
	inputs := []struct {
		name  string
		data  func(*testing.B) []byte
		pages int
	}{
		{"text-50p", func(b *testing.B) []byte { return readFile(b, corpusFile("render", "ja-50p.pdf")) }, 50},
		{"images-20p", imageHeavyPDF, 20},
	}
	for _, in := range inputs {
		for _, n := range []int{1, runtime.NumCPU()} {
			b.Run(fmt.Sprintf("%s/instances=%d", in.name, n), func(b *testing.B) {
				benchRender(b, renderer(b, Options{Instances: n}), in.data(b), in.name+".pdf", in.pages)
			})
		}
		b.Run(in.name+"/text-layer", func(b *testing.B) {
			benchRender(b, renderer(b, Options{TextLayer: true}), in.data(b), in.name+".pdf", in.pages)
		})
		// The reference: poppler's rasterizer and img2pdf, as dangerzone-style pipelines do.
		b.Run(in.name+"/pdftoppm+img2pdf", func(b *testing.B) {
			pdftoppm := testtool.Need(b, "pdftoppm")
			img2pdf := testtool.Need(b, "img2pdf")
			data := in.data(b)
			dir := b.TempDir()
			src := filepath.Join(dir, "in.pdf")
			if err := os.WriteFile(src, data, 0o600); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			start := time.Now()
			for b.Loop() {
				if out, err := exec.Command(pdftoppm, "-r", "150", "-png", src, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
					b.Fatalf("pdftoppm: %v %s", err, out)
				}
				imgs, _ := filepath.Glob(filepath.Join(dir, "p-*.png"))
				args := append(imgs, "-o", filepath.Join(dir, "out.pdf"))
				if out, err := exec.Command(img2pdf, args...).CombinedOutput(); err != nil {
					b.Fatalf("img2pdf: %v %s", err, out)
				}
			}
			b.ReportMetric(float64(in.pages*b.N)/time.Since(start).Seconds(), "pages/s")
			if st, err := os.Stat(filepath.Join(dir, "out.pdf")); err == nil {
				b.ReportMetric(float64(st.Size())/float64(len(data)), "out/in")
			}
		})
	}
}

// BenchmarkFirstDocument is the latency from New to the first rendered page: compiling
// PDFium in memory, or loading it from the compilation cache.
func BenchmarkFirstDocument(b *testing.B) {
	data := readFile(b, corpusFile("pdf", "text-1p.pdf"))
	for _, cached := range []bool{true, false} {
		b.Run("cache="+strconv.FormatBool(cached), func(b *testing.B) {
			o := Options{Instances: 1}
			if cached {
				o.CacheDir = cacheDir
			}
			for b.Loop() {
				r, err := New(o)
				if err != nil {
					b.Fatal(err)
				}
				in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}
				in.Detected = sanitize.Detect(in.Body)
				if _, err := r.Sanitize(context.Background(), in, io.Discard, sanitize.NewBudget(sanitize.Limits{})); err != nil {
					b.Fatal(err)
				}
				r.Close()
			}
		})
	}
}

// BenchmarkOffice is docx to image-only PDF end to end (LibreOffice, then PDFium).
func BenchmarkOffice(b *testing.B) {
	testtool.Need(b, "soffice")
	r := renderer(b, Options{})
	data := readFile(b, corpusFile("ooxml", "memo.docx"))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := run(b, r, data, "memo.docx", sanitize.Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
