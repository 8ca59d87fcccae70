package e2e

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

var update = flag.Bool("update", false, "rewrite testdata/adversarial from the case tables")

// advDir is the committed adversarial corpus, shared with other packages' fuzzers and
// with external harnesses.
var advDir = filepath.Join("..", "..", "testdata", "adversarial")

// maxCorpusFile keeps the committed corpus small; larger cases are built at test time.
const maxCorpusFile = 256 << 10

var (
	corpusMu   sync.Mutex
	corpusRows = map[string]string{} // file -> README row
)

// corpusFile names the committed file of a case: the expectation prefix (bad- refused, ok-
// delivered, any- either but safe), the case name, and the declared name's extension,
// since the engine reads the extension as the declared name.
func corpusFile(c advCase) string {
	prefix := "any-"
	switch c.want {
	case refused:
		prefix = "bad-"
	case "delivered", "clean", "sanitized":
		prefix = "ok-"
	}
	if knownBypass[c.name] != "" {
		prefix = "known-"
	}
	ext := filepath.Ext(c.file)
	return prefix + strings.ReplaceAll(c.name, "/", "-") + ext
}

// record writes a case to the corpus when -update is set.
func record(t *testing.T, c advCase) {
	if !*update || len(c.data) > maxCorpusFile {
		return
	}
	name := corpusFile(c)
	if err := os.WriteFile(filepath.Join(advDir, name), c.data, 0o644); err != nil {
		t.Fatal(err)
	}
	class, variant, _ := strings.Cut(c.name, "/")
	corpusMu.Lock()
	corpusRows[name] = fmt.Sprintf("| `%s` | %s | %s | %s |", name, class, strings.ReplaceAll(variant, "-", " "), expectText(c))
	corpusMu.Unlock()
}

func expectText(c advCase) string {
	if k := knownBypass[c.name]; k != "" {
		return "**open bypass** (" + k + ")"
	}
	switch want := c.want; want {
	case refused:
		return "refused (quarantined or blocked)"
	case "safe":
		return "refused, or delivered without the active part"
	case "delivered":
		return "delivered without the active part"
	}
	return c.want + ", without the active part"
}

// TestMain writes the corpus README after an -update run.
func TestMain(m *testing.M) {
	flag.Parse()
	if *update {
		if err := os.MkdirAll(advDir, 0o755); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		old, _ := filepath.Glob(filepath.Join(advDir, "*-*"))
		for _, f := range old {
			os.Remove(f)
		}
	}
	code := m.Run()
	if *update && code == 0 {
		if err := writeCorpusREADME(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}

func writeCorpusREADME() error {
	rows := make([]string, 0, len(corpusRows))
	for _, r := range corpusRows {
		rows = append(rows, r)
	}
	sort.Strings(rows)
	head, err := os.ReadFile(filepath.Join(advDir, "README.head.md"))
	if err != nil {
		return err
	}
	body := string(head) + "\n| File | Class | What it hides | Expected |\n|---|---|---|---|\n" + strings.Join(rows, "\n") + "\n"
	return os.WriteFile(filepath.Join(advDir, "README.md"), []byte(body), 0o644)
}

// TestAdversarialCorpus runs every committed adversarial file under its own name: bad-*
// must be refused, ok-* delivered, and whatever is delivered must re-parse without active
// content.
func TestAdversarialCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(advDir, "*-*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("empty adversarial corpus: run go test ./sanitize/e2e -update")
	}
	e := newEngine(t, sanitize.Limits{})
	n := 0
	for _, f := range files {
		name := filepath.Base(f)
		if strings.HasSuffix(name, ".md") {
			continue
		}
		n++
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) {
			if strings.HasPrefix(name, "known-") {
				t.Skip("known bypass, see README.md")
			}
			out, res := run(t, e, name, "", data)
			switch {
			case strings.HasPrefix(name, "bad-") && res.Verdict.HasOutput():
				t.Fatalf("Sanitize(%s) = %s, want refused", name, res.Verdict)
			case strings.HasPrefix(name, "ok-") && !res.Verdict.HasOutput():
				t.Fatalf("Sanitize(%s) = %s (%s), want delivered", name, res.Verdict, res.Reason)
			}
			if res.Verdict.HasOutput() {
				if err := reparse(outResult(res, name), out); err != nil {
					t.Errorf("Sanitize(%s) = %s: %v", name, res.Verdict, err)
				}
			}
		})
	}
	t.Logf("%d adversarial files", n)
}
