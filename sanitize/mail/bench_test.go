package mail

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

// BenchmarkSanitize measures the whole mail path through the real engine and families:
// parse, decode, convert, attachments through their families, notice, new message.
// Inputs are in testdata/mail/bench (written by gen.py): a 4 KiB ISO-2022-JP text mail,
// a 50 KiB Shift_JIS HTML mail, the relay benchmark's (c) message (HTML, a 2-page PDF
// and a DOCX, from benchmarks/loadgen -write), and a 5 MB mail with a 3.7 MB scanned PDF and a docx.
func BenchmarkSanitize(b *testing.B) {
	for _, bc := range []struct{ name, file string }{
		{"mail=text-4KiB", "bench/text-4k.eml"},
		{"mail=html-50KiB", "bench/html-50k.eml"},
		{"mail=mixed-50KiB", "bench/mixed-50k.eml"},
		{"mail=pdf-docx-5MB", "bench/pdf-docx-5m.eml"},
		{"mail=outlook-tnef", "outlook-related-tnef.eml"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			data, err := os.ReadFile(filepath.Join(corpusDir, bc.file))
			if err != nil {
				b.Fatal(err)
			}
			_, s := testEngine(b, Options{})
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			cpu, n := cpuTime(), 0
			for b.Loop() {
				in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}
				if _, err := s.Sanitize(context.Background(), in, io.Discard, sanitize.NewBudget(sanitize.Limits{})); err != nil {
					b.Fatal(err)
				}
				n++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			// The process's CPU per message, garbage collection included: on a shared
			// machine it moves far less with the load than the wall time does.
			b.ReportMetric((cpuTime()-cpu).Seconds()*1000/float64(n), "cpu-ms/op")
		})
	}
}

// BenchmarkWalk measures the MIME walk and header decoding alone (no attachment work),
// on the 500-attachment message.
func BenchmarkWalk(b *testing.B) {
	data := genParts(500, readCorpus(b, "assets/red.png"))
	s := New(Options{})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var res sanitize.Result
		wk := newWalker(context.Background(), bytes.NewReader(data), s, sanitize.NewBudget(sanitize.Limits{}), &res, "item")
		if _, err := wk.entity(0, int64(len(data)), "1", 0, true, false); err != nil {
			b.Fatal(err)
		}
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
