package e2e

import (
	"bytes"
	"context"
	"hash/fnv"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/sanitize"
)

// corpus returns every committed file under the shared testdata folder, skipping the
// generators and READMEs; big benchmark inputs are skipped to keep the run short.
func corpus(t testing.TB) []string {
	t.Helper()
	root := filepath.Join("..", "..", "testdata")
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "bench" {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(p) {
		case ".md", ".go", ".py", ".sh", ".golden", ".json":
			if !strings.Contains(p, "adversarial") || filepath.Ext(p) == ".md" {
				return nil
			}
		}
		if strings.HasPrefix(d.Name(), "known-") {
			return nil // open bypasses: replayed (skipped) by TestAdversarialCorpus only
		}
		if info, err := d.Info(); err != nil || info.Size() > 1<<20 {
			return nil
		}
		files = append(files, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("empty corpus")
	}
	return files
}

// mutations derives damaged variants of data: truncations at fixed fractions and a few
// seeded bit flips, so that every run tests the same inputs. few asks for one truncation
// and one flip, chosen by the seed so that the whole set is still covered across files.
func mutations(data []byte, seed uint64, few bool) map[string][]byte {
	out := map[string][]byte{"orig": data}
	fracs := []int{1, 2, 3, 5, 8}
	flips := 3
	if few {
		fracs = fracs[seed%uint64(len(fracs)):][:1]
		flips = 1
	}
	for _, f := range fracs {
		n := len(data) * f / 10
		out["trunc"+string(rune('0'+f))] = data[:n]
	}
	if len(data) > 0 {
		r := rand.New(rand.NewPCG(seed, 7))
		for i := range flips {
			m := bytes.Clone(data)
			for range 1 + i*4 {
				m[r.IntN(len(m))] ^= 1 << r.IntN(8)
			}
			out["flip"+string(rune('a'+i))] = m
		}
	}
	return out
}

// robustTimeout is what one damaged file may take; the default budget is two minutes, so
// anything close to this is already a finding. It is also the engine's deadline here, so a
// variant that reaches it is quarantined for its time; robustGrace is what stopping the work
// may take on a loaded machine (a converter's process group killed and reaped).
const (
	robustTimeout = 20 * time.Second
	robustGrace   = 10 * time.Second
)

// TestRobustnessCorpusMutations runs truncated and bit-flipped variants of every committed
// test file through the engine: no recovered panic, bounded time, and every output that the
// engine delivers re-parses as its type.
func TestRobustnessCorpusMutations(t *testing.T) {
	files := corpus(t)
	e := newEngine(t, sanitize.Limits{Timeout: robustTimeout})
	n := 0
	for i, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(filepath.Join("..", ".."), file)
		if testing.Short() && i%4 != 0 {
			continue
		}
		// The race detector makes every run ~10x slower: one file in three, a few variants
		// each (it looks for data races, which need the code paths, not every input; CI's
		// full-sets phase runs every file and variant without it). Files
		// the policy converts with LibreOffice (seconds of CPU each; all nine variants of
		// every such file made the package time out) get a few variants, and none under
		// -race: the converter's sandbox has its own fault tests (sanitize/render
		// convert_fault_test.go) and what it writes goes to the OOXML family, which has its
		// own fuzz target.
		converted := sanitize.DefaultPolicy().Lookup(sanitize.Detect(bytes.NewReader(data))) == sanitize.Convert
		if raceEnabled && (converted || i%3 != 0) {
			continue
		}
		h := fnv.New64a()
		h.Write([]byte(filepath.ToSlash(rel)))
		for kind, m := range mutations(data, h.Sum64(), raceEnabled || converted) {
			if k := knownRobust[filepath.ToSlash(rel)+"/"+kind]; k != "" {
				t.Logf("%s/%s: skipped, known: %s", rel, kind, k)
				continue
			}
			n++
			name := filepath.Base(file)
			start := time.Now()
			var out bytes.Buffer
			res, err := e.Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(m), Name: name, Path: name}, &out, nil)
			if err != nil {
				t.Errorf("%s/%s: %v", rel, kind, err)
				continue
			}
			if d := time.Since(start); d > robustTimeout+robustGrace {
				t.Errorf("%s/%s: took %v, want the engine to stop it at %v", rel, kind, d, robustTimeout)
			}
			if res.Verdict.HasOutput() {
				if err := reparse(res, out.Bytes()); err != nil {
					t.Errorf("%s/%s: verdict %s but output does not re-parse: %v", rel, kind, res.Verdict, err)
				}
			}
		}
	}
	t.Logf("%d files, %d damaged variants", len(files), n)
}

// knownRobust are damaged variants whose failure is an open bug inside a family, as
// "<family>: <one line>"; delete an entry to see it fail.
var knownRobust = map[string]string{
	"testdata/adversarial/any-pdf-uri-javascript-scheme.pdf/flipa": "pdf: a bit flip in this file's xref yields an output qpdf cannot find /Root in (delivered sanitized, unreadable, not active)",
}
