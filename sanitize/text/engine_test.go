package text

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// TestThroughEngine runs the corpus through the real engine with this family registered,
// under the files' own names, as sanitize-file and the mail family will.
func TestThroughEngine(t *testing.T) {
	e := sanitize.NewEngine(sanitize.EngineOptions{})
	e.Register(string(sanitize.ClassText), New(Options{}))
	for _, file := range corpus(t) {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			data := corpusFile(t, name)
			in := &sanitize.Item{Body: bytes.NewReader(data), Path: "attachment[1]", Name: name}
			var out bytes.Buffer
			res, err := e.Sanitize(context.Background(), in, &out, nil)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(name, "bad-") {
				if res.Verdict.HasOutput() || out.Len() > 0 {
					t.Fatalf("verdict %s with %d bytes out, want no output", res.Verdict, out.Len())
				}
				return
			}
			if !res.Verdict.HasOutput() {
				t.Fatalf("verdict %s (%s), want output", res.Verdict, res.Reason)
			}
			if err := checkOutput(out.Bytes()); err != nil {
				t.Fatal(err)
			}
			for _, a := range res.Actions {
				if a.Path != "attachment[1]" {
					t.Errorf("action %+v: path %q, want attachment[1]", a, a.Path)
				}
			}
		})
	}
}
