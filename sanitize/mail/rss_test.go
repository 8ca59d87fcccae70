package mail

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// TestPeakRSS measures the peak resident set of sanitizing one message read from a file
// (so the input is not in the heap), as the gateway does from its spool. It runs only
// when MAIL_RSS_INPUT names the message; MAIL_RSS_WRITE=25mb|500 writes the generated
// inputs first. See the package README for the commands.
//
//	MAIL_RSS_WRITE=25mb MAIL_RSS_INPUT=/tmp/m25.eml go test -run TestPeakRSS -count=1 -v ./sanitize/mail
func TestPeakRSS(t *testing.T) {
	path := os.Getenv("MAIL_RSS_INPUT")
	if path == "" {
		t.Skip("set MAIL_RSS_INPUT to measure")
	}
	switch os.Getenv("MAIL_RSS_WRITE") {
	case "25mb":
		if err := os.WriteFile(path, gen25MB(t), 0o600); err != nil {
			t.Fatal(err)
		}
		t.Log("wrote", path, "; run again without MAIL_RSS_WRITE to measure")
		return
	case "500":
		if err := os.WriteFile(path, genParts(500, readCorpus(t, "assets/red.png")), 0o600); err != nil {
			t.Fatal(err)
		}
		t.Log("wrote", path, "; run again without MAIL_RSS_WRITE to measure")
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	_, s := testEnginePolicy(t, Options{}, map[string]sanitize.PolicyAction{"png": sanitize.Pass})
	before := vmHWM(t)
	in := &sanitize.Item{Body: io.NewSectionReader(f, 0, st.Size()), Path: "item"}
	res, err := s.Sanitize(context.Background(), in, io.Discard, sanitize.NewBudget(sanitize.Limits{}))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("input %d MB, verdict %s, VmHWM before %s, after %s", st.Size()>>20, res.Verdict, before, vmHWM(t))
}

func vmHWM(t *testing.T) string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc")
	}
	for _, l := range bytes.Split(b, []byte("\n")) {
		if bytes.HasPrefix(l, []byte("VmHWM:")) {
			return strings.Join(strings.Fields(string(l[6:])), " ")
		}
	}
	return "?"
}
