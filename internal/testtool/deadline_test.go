package testtool

import (
	"flag"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestDeadline: while fuzzing, an input that outlives its deadline crashes the process
// with a message naming the hang (run in a child, which is the process that dies); outside
// fuzzing the deadline is inert, so slow seeds under -race cannot crash go test.
func TestDeadline(t *testing.T) {
	if os.Getenv("TESTTOOL_DEADLINE_CHILD") != "" {
		if err := flag.Set("test.fuzz", "FuzzSomething"); err != nil {
			t.Fatal(err)
		}
		Deadline(t, 10*time.Millisecond)
		time.Sleep(5 * time.Second)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestDeadline$", "-test.count=1")
	cmd.Env = append(os.Environ(), "TESTTOOL_DEADLINE_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "fuzz input still running after 10ms") {
		t.Fatalf("child: %v, want a crash naming the hang:\n%s", err, out)
	}

	Deadline(t, time.Millisecond)
	time.Sleep(50 * time.Millisecond) // not fuzzing: nothing fires
}
