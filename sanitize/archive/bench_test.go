package archive

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// smallFiles is a zip (or tar.gz) of n short text files in a few directories, the shape
// of a folder of minutes or forms sent as one archive.
func smallFiles(b *testing.B, n int, tgz bool) []byte {
	b.Helper()
	var zf []zfile
	var te []tarEntry
	for i := range n {
		name := fmt.Sprintf("dept%02d/議事録-%04d.txt", i%10, i)
		body := fmt.Sprintf("第%d回 会議録\n出席者: 総務課、企画課\n議題: 予算案の確認 (%d)\n", i, i*37)
		zf = append(zf, zfile{name: name, body: txt(body)})
		te = append(te, reg(name, body))
	}
	if tgz {
		return makeTar(b, true, te...)
	}
	return makeZip(b, zf...)
}

// BenchmarkSanitize measures a whole archive walk through a real engine (detection,
// policy, the text family for every entry) and the rebuild.
func BenchmarkSanitize(b *testing.B) {
	for _, tc := range []struct {
		name string
		tgz  bool
	}{{"type=zip/files=1000", false}, {"type=tgz/files=1000", true}} {
		b.Run(tc.name, func(b *testing.B) {
			data := smallFiles(b, 1000, tc.tgz)
			_, a := testEngine(b, sanitize.Limits{})
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item", Name: "minutes.zip"}
				in.Detected = sanitize.Detect(in.Body)
				res, err := a.Sanitize(b.Context(), in, io.Discard, sanitize.NewBudget(sanitize.Limits{}))
				if err != nil || res.Verdict != sanitize.Clean {
					b.Fatalf("Sanitize = %s, %v", res.Verdict, err)
				}
			}
		})
	}
}

// BenchmarkBomb measures how fast each bomb kind is rejected with default limits; the
// peak RSS of the same rejections is measured by TestBombPeakRSS.
func BenchmarkBomb(b *testing.B) {
	for _, tc := range []struct {
		name string
		data func(testing.TB) []byte
	}{
		{"kind=42-style-16GiB", func(t testing.TB) []byte { return recursiveZip(t, 3, 16, 4<<20) }},
		{"kind=overlap-quoted", func(t testing.TB) []byte { return quotedOverlapZip(t, 16, 64<<10) }},
		{"kind=overlap-full", func(t testing.TB) []byte { return fullOverlapZip(t, 16, 64<<10) }},
		{"kind=million-entries", func(t testing.TB) []byte { return zip64Claim(t, 1_000_000) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			data := tc.data(b)
			_, a := testEngine(b, sanitize.Limits{})
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}
				in.Detected = sanitize.Detect(in.Body)
				if _, err := a.Sanitize(b.Context(), in, io.Discard, sanitize.NewBudget(sanitize.Limits{})); err == nil {
					b.Fatal("bomb accepted")
				}
			}
		})
	}
}
