package mail

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// rssChildEnv names the message a child process sanitizes for TestPeakRSS.
const rssChildEnv = "SEKISHO_MAIL_RSS_CHILD"

// maxRSSGrowth bounds how much the resident set may grow while one message is sanitized
// from a file, as the gateway does from its spool: decoded parts above 1 MiB go to temp
// files, so memory follows the limits, not the message. Measured (2026-12, 2 cores): the
// 25 MB message and the 500 attachments each grow it by 8 MiB, 25 MiB under the race
// detector, which multiplies the heap's footprint. Holding the message in memory would
// alone cost its 24 MiB, and its decoded attachment 18 MiB more.
func maxRSSGrowth() int64 {
	if raceEnabled {
		return 80 << 20
	}
	return 32 << 20
}

// TestPeakRSS sanitizes large messages in a child process (so that nothing else the
// tests did is in its resident set) and asserts that the peak resident set grows by less
// than maxRSSGrowth: the 25 MB message with an 18 MB attachment, and 500 attachments.
func TestPeakRSS(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc: the resident set cannot be read here")
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		data func() []byte
	}{
		{"25 MB message", func() []byte { return gen25MB(t) }},
		{"500 attachments", func() []byte { return genParts(500, readCorpus(t, "assets/red.png")) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "in.eml")
			data := tc.data()
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			size := len(data)
			data = nil
			cmd := exec.Command(os.Args[0], "-test.run=^TestPeakRSSChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), rssChildEnv+"="+path)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			var before, after int64
			for _, l := range strings.Split(string(out), "\n") {
				if v, ok := strings.CutPrefix(strings.TrimSpace(l), "rss "); ok {
					f := strings.Fields(v)
					if len(f) == 2 {
						before, _ = strconv.ParseInt(f[0], 10, 64)
						after, _ = strconv.ParseInt(f[1], 10, 64)
					}
				}
			}
			if after == 0 {
				t.Fatalf("the child did not report its resident set:\n%s", out)
			}
			t.Logf("%s (%d MB): peak resident set %d MiB before, %d MiB after (grew %d MiB; bound %d MiB)",
				tc.name, size>>20, before>>20, after>>20, (after-before)>>20, maxRSSGrowth()>>20)
			if after-before > maxRSSGrowth() {
				t.Errorf("peak resident set grew by %d MiB sanitizing %d MB, want at most %d MiB", (after-before)>>20, size>>20, maxRSSGrowth()>>20)
			}
		})
	}
}

// TestPeakRSSChild is the child of TestPeakRSS; it does nothing unless started by it.
func TestPeakRSSChild(t *testing.T) {
	path := os.Getenv(rssChildEnv)
	if path == "" {
		t.Skip("run by TestPeakRSS")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	// PNG passes, so the 18 MB travel the whole path (decode, spool, engine, re-encode).
	_, s := testEnginePolicy(t, Options{}, map[string]sanitize.PolicyAction{"png": sanitize.Pass})
	before := vmHWM(t)
	in := &sanitize.Item{Body: io.NewSectionReader(f, 0, st.Size()), Path: "item"}
	res, err := s.Sanitize(context.Background(), in, io.Discard, sanitize.NewBudget(sanitize.Limits{}))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Verdict.HasOutput() {
		t.Fatalf("verdict %s, want the message delivered", res.Verdict)
	}
	fmt.Printf("rss %d %d\n", before, vmHWM(t))
}

// vmHWM is the process's peak resident set, in bytes.
func vmHWM(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range bytes.Split(b, []byte("\n")) {
		if v, ok := bytes.CutPrefix(l, []byte("VmHWM:")); ok {
			f := strings.Fields(string(v))
			kb, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}
