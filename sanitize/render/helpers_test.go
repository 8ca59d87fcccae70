package render

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

var update = flag.Bool("update", false, "rewrite generated files under testdata/render")

// cacheDir is the wazero compilation cache shared by every renderer the package's tests
// start, and by the engines other packages' tests build (testtool.DataDir). It lives in
// the temp folder across runs: compiling PDFium takes seconds, and minutes under the race
// detector; a cached module loads in a fraction of a second.
var cacheDir = filepath.Join(testtool.DataDir(), "cache")

func TestMain(m *testing.M) {
	code := m.Run()
	closeShared()
	os.Exit(code)
}

var (
	sharedMu sync.Mutex
	shared   = map[string]*Renderer{}
)

// renderer returns a renderer for o, shared by tests that use the same options; they are
// closed in TestMain.
func renderer(t testing.TB, o Options) *Renderer {
	t.Helper()
	o.CacheDir = cacheDir
	key := fmt.Sprintf("%+v", o)
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if r, ok := shared[key]; ok {
		return r
	}
	r, err := New(o)
	if err != nil {
		t.Fatalf("New(%+v): %v", o, err)
	}
	shared[key] = r
	return r
}

func closeShared() {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	for k, r := range shared {
		r.Close()
		delete(shared, k)
	}
}

// corpusFile returns the path of a file in the repository's testdata.
func corpusFile(parts ...string) string {
	return filepath.Join(append([]string{"..", "..", "testdata"}, parts...)...)
}

// run renders data as the engine would and returns the output.
func run(t testing.TB, r *Renderer, data []byte, name string, lim sanitize.Limits) ([]byte, sanitize.Result, error) {
	t.Helper()
	in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item", Name: name}
	in.Detected = sanitize.Detect(in.Body)
	var buf bytes.Buffer
	res, err := r.Sanitize(context.Background(), in, &buf, sanitize.NewBudget(lim))
	return buf.Bytes(), res, err
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func execCommand(name string, args ...string) *exec.Cmd { return exec.Command(name, args...) }

func execLookPath(name string) (string, error) { return exec.LookPath(name) }
