package pdf

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/sekisho/sekisho/sanitize"
)

// BenchmarkSanitize measures the whole pass (parse, rebuild, write) on real producers'
// files: LibreOffice text of 1 and 100 pages, Japanese with an embedded TrueType font,
// object streams, a 1 MB merge of those by qpdf (312 pages), Chromium's Japanese notice
// (Type 3 fonts, images), img2pdf's five image kinds, a hostile sample, and the PDF of the relay benchmark's mixed
// mail (benchmarks/loadgen: text and a 400x200 JPEG logo). MB/s counts
// input bytes; pages/s counts input pages. benchmarks/pdf.sh runs it on this tree and on
// the deny-list walker it replaced, with the same inputs.
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
		{"bench/merged-1mb.pdf", 312},
		{"chromium-ja.pdf", 1},
		{"img2pdf-images.pdf", 5},
		{"bench/loadgen-mixed.pdf", 2},
	} {
		data, err := os.ReadFile(filepath.Join(corpusDir, tc.file))
		if err != nil {
			b.Logf("skipping %s: %v", tc.file, err)
			continue
		}
		b.Run("type=pdf/file="+tc.file, func(b *testing.B) {
			s := New(Options{})
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			n := 0
			cpu := cpuTime()
			for b.Loop() {
				in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}
				if _, err := s.Sanitize(context.Background(), in, io.Discard, sanitize.NewBudget(sanitize.Limits{})); err != nil {
					b.Fatal(err)
				}
				n++
			}
			b.ReportMetric(float64(tc.pages*n)/b.Elapsed().Seconds(), "pages/s")
			// CPU time (user and system, the process's, so garbage collection counts) does
			// not grow with the machine's load the way wall time does.
			b.ReportMetric((cpuTime()-cpu).Seconds()*1000/float64(n), "cpu-ms/op")
		})
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
