package testtool

import (
	"runtime"
	"syscall"
	"testing"
	"time"
)

// CPUTime is the process's user plus system CPU time. Benchmarks report it per operation
// beside ns/op: on a shared machine it moves far less with the load than the wall time.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// AfterGC runs op once per benchmark iteration after two garbage collections, which empty
// every sync.Pool, as a busy gateway's collector does between small items: what op then
// allocates and costs is what it pays with nothing pooled but what survives a collection.
// Only op is timed; its CPU is reported as cpu-ms/op.
func AfterGC(b *testing.B, op func()) {
	b.Helper()
	b.ReportAllocs()
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		runtime.GC()
		runtime.GC()
		b.StartTimer()
		cpu0 := CPUTime()
		op()
		cpu += CPUTime() - cpu0
	}
	b.ReportMetric(cpu.Seconds()*1000/float64(b.N), "cpu-ms/op")
}
