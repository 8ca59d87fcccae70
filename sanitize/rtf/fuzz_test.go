package rtf

import (
	"bytes"
	"os"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

// FuzzRTF checks the properties of every rewrite: no panic; on success the output re-lexes
// with balanced groups and no object, template or DDE destination; and a second pass over
// it is clean with no actions.
func FuzzRTF(f *testing.F) {
	for _, file := range corpusFiles(f) {
		if b, err := os.ReadFile(file); err == nil && len(b) <= 64<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		out, _, err := run(t, data, Options{})
		if err != nil {
			return
		}
		if err := reparse(out); err != nil {
			t.Fatalf("output does not re-parse: %v\ninput: %q\noutput: %q", err, data, out)
		}
		out2, res2, err := run(t, out, Options{})
		if err != nil || len(res2.Actions) != 0 {
			t.Fatalf("second pass = %v %v\ninput: %q\noutput: %q", res2.Actions, err, data, out)
		}
		// JPEG pictures are encoded again on every pass (lossy, so new bytes each time);
		// everything else must come out byte for byte the same.
		// (Picture words are read in any case, as \jpegBlip here.)
		if !bytes.Equal(out, out2) && !bytes.Contains(bytes.ToLower(out), []byte(`\jpegblip`)) {
			t.Fatalf("rewrite is not a fixed point\nfirst:  %q\nsecond: %q", out, out2)
		}
	})
}
