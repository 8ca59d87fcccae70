package render

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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
				var cpu time.Duration
				if reuse > 1 {
					// A warm worker's LibreOffice is killed, not reaped by us, so its CPU
					// never reaches our rusage: read it from /proc while it runs. It
					// includes the worker's start and the warm-up document.
					if b.N >= reuse {
						b.Fatalf("-benchtime %dx replaces workers; use fewer than %d documents", b.N, reuse)
					}
					cpu = poolCPU(c)
				}
				c.Close()
				if reuse == 1 {
					cpu = childCPU() - before
				}
				b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/doc")
			})
		}
	}
}

// poolCPU is the CPU time every idle warm worker's processes have used, from /proc.
func poolCPU(c *Converter) time.Duration {
	p := c.lo.pool
	p.mu.Lock()
	defer p.mu.Unlock()
	var ticks int64
	for _, w := range p.idle {
		for _, pid := range groupPIDs(w.pid) {
			stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
			if err != nil {
				continue
			}
			f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
			// Fields 14-17 of stat (utime, stime, cutime, cstime), counted from the state.
			for _, k := range []int{11, 12, 13, 14} {
				n, _ := strconv.ParseInt(f[k], 10, 64)
				ticks += n
			}
		}
	}
	return time.Duration(ticks) * time.Second / 100 // USER_HZ is 100 on Linux
}

// childCPU is the user and system CPU time of every reaped child process so far.
func childCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
