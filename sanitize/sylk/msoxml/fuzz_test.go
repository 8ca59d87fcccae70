package msoxml

import (
	"os"
	"testing"
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
		out, _, err := run(t, data)
		if err != nil {
			return
		}
		if err := reparse(out); err != nil {
			t.Fatalf("%v\ninput: %q", err, data)
		}
	})
}
