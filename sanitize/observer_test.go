package sanitize_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"sort"
	"sync"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/archive"
	"github.com/sekisho/sekisho/sanitize/text"
)

type recorder struct {
	mu  sync.Mutex
	obs []sanitize.Observation
}

func (r *recorder) Observe(o sanitize.Observation) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.obs = append(r.obs, o)
}

// TestObserverSeesNestedItems: the observer hears of every item, archive entries
// included, with its depth, policy and verdict: metrics count held parts, not only the
// top-level verdict.
func TestObserverSeesNestedItems(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{"a.txt": "hello\n", "b.bin": "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + string(make([]byte, 200))} {
		w, _ := zw.Create(name)
		io.WriteString(w, body)
	}
	zw.Close()

	rec := &recorder{}
	e := sanitize.NewEngine(sanitize.EngineOptions{TempDir: t.TempDir(), Observer: rec})
	e.Register(string(sanitize.ClassText), text.New(text.Options{}))
	e.Register(string(sanitize.ClassArchive), archive.New(archive.Options{Inner: e, TempDir: t.TempDir()}))
	in := &sanitize.Item{Body: bytes.NewReader(buf.Bytes()), Name: "x.zip", Path: "x.zip"}
	res, err := e.Sanitize(context.Background(), in, io.Discard, nil)
	if err != nil {
		t.Fatal(err)
	}
	type seen struct {
		typ, policy, verdict string
		depth                int
	}
	var got []seen
	for _, o := range rec.obs {
		got = append(got, seen{o.Result.Detected.Name, string(o.Policy), string(o.Result.Verdict), o.Depth})
		if o.Duration <= 0 {
			t.Errorf("observation of %s has no duration", o.Result.Detected.Name)
		}
	}
	sort.Slice(got, func(i, j int) bool {
		return got[i].depth < got[j].depth || got[i].depth == got[j].depth && got[i].typ < got[j].typ
	})
	want := []seen{
		{"zip", "sanitize", string(res.Verdict), 0},
		{"exe", "block", "blocked", 1},
		{"text", "sanitize", "clean", 1},
	}
	if len(got) != len(want) {
		t.Fatalf("observations = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("observation %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
