package sylk

import (
	"os"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize/sylk/internal/csvcheck"
)

// FuzzSYLK: no panic, and every successful conversion is strict CSV without a cell that
// starts like a formula.
func FuzzSYLK(f *testing.F) {
	for _, file := range corpus(f) {
		if b, err := os.ReadFile(file); err == nil && len(b) <= 16<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		out, _, err := run(t, data)
		if err != nil {
			return
		}
		if err := csvcheck.NoFormulas(out); err != nil {
			t.Fatalf("%v\ninput: %q\noutput: %q", err, data, out)
		}
	})
}
