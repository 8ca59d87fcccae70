package mail

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/archive"
	"github.com/sekisho/sekisho/sanitize/img"
	"github.com/sekisho/sekisho/sanitize/ole"
	"github.com/sekisho/sekisho/sanitize/ooxml"
	"github.com/sekisho/sekisho/sanitize/pdf"
	"github.com/sekisho/sekisho/sanitize/rtf"
	"github.com/sekisho/sekisho/sanitize/text"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// corpusDir is the shared mail corpus.
const corpusDir = "../../testdata/mail"

// fixedNow keeps the Received header reproducible.
func fixedNow() time.Time { return time.Date(2026, 11, 16, 0, 30, 0, 0, time.UTC) }

// testEngine builds the real engine the way cmd/sekisho does, with every family committed
// in the tree and this package registered for messages.
func testEngine(t testing.TB, o Options) (*sanitize.Engine, *Sanitizer) {
	return testEnginePolicy(t, o, nil)
}

// testEnginePolicy is testEngine with policy overrides.
func testEnginePolicy(t testing.TB, o Options, overrides map[string]sanitize.PolicyAction) (*sanitize.Engine, *Sanitizer) {
	t.Helper()
	tmp := t.TempDir()
	e := sanitize.NewEngine(sanitize.EngineOptions{Policy: sanitize.DefaultPolicy().With(overrides), TempDir: tmp})
	e.Register(string(sanitize.ClassText), text.New(text.Options{}))
	e.Register(string(sanitize.ClassImage), img.New(img.Options{}))
	office := ooxml.New(ooxml.Options{Inner: e, KeepHyperlinks: true})
	e.Register(string(sanitize.ClassOOXML), office)
	e.Register(string(sanitize.ClassODF), office)
	e.Register(string(sanitize.ClassOLE), ole.New(ole.Options{}))
	e.Register(string(sanitize.ClassArchive), archive.New(archive.Options{Inner: e, TempDir: tmp}))
	e.Register(string(sanitize.ClassPDF), pdf.New(pdf.Options{}))
	e.Register(string(sanitize.ClassRTF), rtf.New(rtf.Options{}))
	o.Inner = e
	if o.Now == nil {
		o.Now = fixedNow
	}
	if o.TempDir == "" {
		o.TempDir = tmp
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

func newBufReader(s string) *bufio.Reader { return bufio.NewReader(strings.NewReader(s)) }
