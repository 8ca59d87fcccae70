package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// fuzzNames are the declared names the fuzzer picks from: none, innocent ones of each
// family, and names that must make the engine stricter.
var fuzzNames = []string{"", "a.txt", "a.csv", "a.pdf", "a.docx", "a.zip", "a.eml", "a.png", "a.rtf", "a.svg", "a.html", "a.exe"}

// FuzzEngine feeds arbitrary bytes under a chosen name through the fully wired engine.
// Properties: no recovered panic (panicHandler fails the test), the call returns within
// the budget's timeout, no output without a delivering verdict, a delivered output
// re-parses and carries no active content, and a name that BlockedName refuses is never
// delivered.
func FuzzEngine(f *testing.F) {
	fuzzing := testtool.Fuzzing()
	seen := map[string]bool{}
	for i, file := range corpus(f) {
		ext := strings.ToLower(filepath.Ext(file))
		office := ext == ".doc" || ext == ".xls" || ext == ".ppt"
		if raceEnabled && (i%6 != 0 || office) {
			// The seeds run whole without -race (CI's full sets); keep -race within budget.
			// A LibreOffice conversion runs in another process, where the race detector
			// sees nothing, and took 13-20 s of the 10 s budget on a loaded machine.
			continue
		}
		if fuzzing {
			// -fuzztime includes gathering baseline coverage, which over the whole corpus
			// (LibreOffice conversions included) took minutes: a 10 s run never fuzzed.
			// One seed per file type, none that goes to LibreOffice; the families' own
			// targets fuzz the rest.
			if seen[ext] || office {
				continue
			}
			seen[ext] = true
		}
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, uint8(i))
	}
	f.Add(pdfJS(), uint8(3))
	f.Add(docmBytes(f), uint8(4))
	f.Add(eml(att("application/octet-stream", "attachment; filename=\"a.exe\"", []byte("x"))), uint8(6))
	const timeout = 10 * time.Second
	e := newEngine(f, sanitize.Limits{Timeout: timeout, MaxTotalSize: 64 << 20})
	f.Fuzz(func(t *testing.T, data []byte, n uint8) {
		testtool.Deadline(t, 2*timeout)
		name := fuzzNames[int(n)%len(fuzzNames)]
		var out bytes.Buffer
		start := time.Now()
		res, err := e.Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(data), Name: name, Path: "fuzz"}, &out, nil)
		if err != nil {
			t.Fatalf("Sanitize error: %v", err)
		}
		// Whether the engine honours its own deadline is judged only while fuzzing, one
		// input at a time: the seeds also run under -race in CI on a loaded machine, where
		// a wall-clock bound says more about the machine than about the engine.
		if d := time.Since(start); fuzzing && d > timeout+2*time.Second {
			t.Fatalf("took %v, want under %v", d, timeout)
		}
		if !res.Verdict.HasOutput() {
			if out.Len() > 0 {
				t.Fatalf("verdict %s with %d bytes of output", res.Verdict, out.Len())
			}
			return
		}
		if sanitize.BlockedName(name, "") != "" {
			t.Fatalf("name %q delivered as %s", name, res.Verdict)
		}
		if err := reparse(outResult(res, name), out.Bytes()); err != nil {
			t.Fatalf("verdict %s (%s): %v", res.Verdict, res.Detected.Name, err)
		}
	})
}
