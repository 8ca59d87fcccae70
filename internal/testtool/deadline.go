package testtool

import (
	"flag"
	"fmt"
	"sync"
	"syscall"
	"time"
)

// Fuzzing reports whether the test binary runs with -test.fuzz: it is the fuzzing
// coordinator or one of its workers, not a plain go test running the seeds.
func Fuzzing() bool {
	f := flag.Lookup("test.fuzz")
	return f != nil && f.Value.String() != ""
}

// FuzzInputTimeout bounds one fuzz input: twice the five-second Limits.Timeout the fuzz
// targets give the sanitizers, so an input that runs past it ignored its own deadline.
const FuzzInputTimeout = 10 * time.Second

// Deadline crashes the test process when the calling test (one fuzz input) has not
// finished within d while fuzzing. Go's fuzzer has no per-input timeout: a hung worker is
// killed silently when -fuzztime ends and the run passes. A crash instead makes the fuzzer
// record the input in flight under testdata/fuzz, like any other find, and .ci/fuzz.sh
// fails on it. Call it first in the function given to f.Fuzz. Outside fuzzing (seeds run
// as plain tests, maybe under -race) it does nothing: go test's -timeout covers those.
func Deadline(t interface{ Cleanup(func()) }, d time.Duration) {
	if !Fuzzing() {
		return
	}
	keepFuzzPipesFromChildren()
	start := time.Now()
	timer := time.AfterFunc(d, func() {
		panic(fmt.Sprintf("testtool.Deadline: fuzz input still running after %v (started %s): a hang", d, start.Format(time.TimeOnly)))
	})
	t.Cleanup(func() { timer.Stop() })
}

// keepFuzzPipesFromChildren marks the descriptors a fuzz worker gets from its coordinator
// (internal/fuzz passes its two pipes and the shared input memory as descriptors 3, 4 and
// 5, without close-on-exec) as close-on-exec, once. Otherwise a program the input starts
// (LibreOffice) inherits them; when the worker then dies on a find, the coordinator waits
// for the pipes to close, which the orphaned program never does, and fuzzing hangs
// instead of reporting the input.
var keepFuzzPipesFromChildren = sync.OnceFunc(func() {
	for fd := 3; fd <= 5; fd++ {
		syscall.CloseOnExec(fd)
	}
})
