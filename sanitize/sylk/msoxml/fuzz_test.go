package msoxml

import (
	"os"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

// FuzzMSOXML: no panic, and every successful conversion re-parses as formula-free CSV or
// markup-free UTF-8 text.
func FuzzMSOXML(f *testing.F) {
	for _, file := range corpus(f) {
		if b, err := os.ReadFile(file); err == nil && len(b) <= 32<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		out, _, err := run(t, data)
		if err != nil {
			return
		}
		if err := reparse(out); err != nil {
			t.Fatalf("%v\ninput: %q", err, data)
		}
	})
}
