package render

import (
	"bytes"
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// BenchmarkConvert measures the convert policy end to end (LibreOffice in the sandbox,
// then the OOXML family) on a one-page Word 97 file, with a warm template profile, with a
// LibreOffice started per document (reuse=1) and kept running (reuse=20, python3-uno),
// at converters=1 and 2. It reports documents/s and the CPU seconds LibreOffice and its
// helpers used per document (cpu-s/doc, from the children's rusage once the converter has
// stopped them), which is what the shared machine's load makes unreliable in ns/op.
func BenchmarkConvert(b *testing.B) {
	testtool.Need(b, "soffice")
	data := readFile(b, corpusFile("ole", "lo-plain.doc"))
	for _, reuse := range []int{1, DefaultReuse} {
		for _, n := range []int{1, 2} {
			b.Run(fmt.Sprintf("type=doc/reuse=%d/converters=%d", reuse, n), func(b *testing.B) {
				if reuse > 1 && findUNOPython() == "" {
					b.Skip("no python3 with the uno module (Debian python3-uno)")
				}
				e, c := convertEngine(b, ConvertOptions{ProfileDir: sharedProfile(), Converters: n, Reuse: reuse}, sanitize.Limits{})
				engineRun(b, e, data, "warm.doc") // the template profile is made outside the timing
				before := childCPU()
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
				b.StopTimer()
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
				// Warm workers are counted when they are reaped; the warm-up document's
				// worker is among them, so its share is a bound, not noise.
				c.Close()
				b.ReportMetric((childCPU()-before).Seconds()/float64(b.N), "cpu-s/doc")
			})
		}
	}
}

// childCPU is the user and system CPU time of every reaped child process so far.
func childCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
