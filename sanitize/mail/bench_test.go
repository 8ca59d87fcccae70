package mail

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// BenchmarkSanitize measures the whole mail path through the real engine and families:
// parse, decode, convert, attachments through their families, notice, new message.
// Inputs are in testdata/mail/bench (written by gen.py): a 4 KiB ISO-2022-JP text mail,
// a 50 KiB Shift_JIS HTML mail, and a 5 MB mail with a 3.7 MB scanned PDF and a docx.
func BenchmarkSanitize(b *testing.B) {
	for _, bc := range []struct{ name, file string }{
		{"mail=text-4KiB", "bench/text-4k.eml"},
		{"mail=html-50KiB", "bench/html-50k.eml"},
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
			for b.Loop() {
				in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}
				if _, err := s.Sanitize(context.Background(), in, io.Discard, sanitize.NewBudget(sanitize.Limits{})); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
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
