package render

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// BenchmarkConvert measures the convert policy end to end (LibreOffice in the sandbox,
// then the OOXML family) on a one-page Word 97 file, with a warm template profile and
// converters=1 and 2; documents/s is reported as docs/s. Each LibreOffice start costs most
// of a CPU, so on two cores two converters are the ceiling.
func BenchmarkConvert(b *testing.B) {
	testtool.Need(b, "soffice")
	data := readFile(b, corpusFile("ole", "lo-plain.doc"))
	for _, n := range []int{1, 2} {
		b.Run(fmt.Sprintf("type=doc/converters=%d", n), func(b *testing.B) {
			e, _ := convertEngine(b, ConvertOptions{ProfileDir: sharedProfile(), Converters: n}, sanitize.Limits{})
			engineRun(b, e, data, "warm.doc") // the template profile is made outside the timing
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			b.SetParallelism(n) // n goroutines per GOMAXPROCS would queue behind n slots anyway
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					var out bytes.Buffer
					res, err := e.Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(data), Path: "a.doc", Name: "a.doc"}, &out, nil)
					if err != nil || res.Verdict != sanitize.Sanitized {
						b.Errorf("Sanitize = %s %v (%s)", res.Verdict, err, res.Reason)
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
		})
	}
}
