package mail

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/ole"
	"github.com/sekisho/sekisho/sanitize/text"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// corpusDir is the shared mail corpus.
const corpusDir = "../../testdata/mail"

// fixedNow keeps the Received header reproducible.
func fixedNow() time.Time { return time.Date(2026, 11, 16, 0, 30, 0, 0, time.UTC) }

// testEngine builds the real engine with the families committed in the tree (text, ole)
// and this package registered for messages, as cmd/sekisho does. Every other family is
// missing, so those attachments are quarantined with "no sanitizer for type", which is
// what the notice tests need. PNG and JPEG pass unchanged (a policy override) so that the
// re-attachment path is exercised with real images.
func testEngine(t testing.TB, o Options) (*sanitize.Engine, *Sanitizer) {
	t.Helper()
	pol := sanitize.DefaultPolicy().With(map[string]sanitize.PolicyAction{"png": sanitize.Pass, "jpeg": sanitize.Pass})
	e := sanitize.NewEngine(sanitize.EngineOptions{Policy: pol, TempDir: t.TempDir()})
	e.Register(string(sanitize.ClassText), text.New(text.Options{}))
	e.Register(string(sanitize.ClassOLE), ole.New(ole.Options{}))
	o.Inner = e
	if o.Now == nil {
		o.Now = fixedNow
	}
	if o.TempDir == "" {
		o.TempDir = t.TempDir()
	}
	s := New(o)
	e.Register(string(sanitize.ClassMessage), s)
	return e, s
}

// run sanitizes data with s directly (as the engine would for a top-level message).
func run(t testing.TB, s *Sanitizer, data []byte) ([]byte, sanitize.Result, error) {
	t.Helper()
	in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}
	in.Detected = sanitize.Detect(in.Body)
	var out bytes.Buffer
	res, err := s.Sanitize(context.Background(), in, &out, sanitize.NewBudget(sanitize.Limits{}))
	return out.Bytes(), res, err
}

func readCorpus(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func corpusFiles(t testing.TB) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(corpusDir, "*.eml"))
	if err != nil || len(m) == 0 {
		t.Fatalf("no corpus in %s: %v", corpusDir, err)
	}
	return m
}

func isBad(name string) bool { return strings.HasPrefix(filepath.Base(name), "bad-") }
