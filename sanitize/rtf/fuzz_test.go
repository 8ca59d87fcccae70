package rtf

import (
	"bytes"
	"os"
	"regexp"
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
		if !bytes.Equal(maskJPEG(out), maskJPEG(out2)) {
			t.Fatalf("rewrite is not a fixed point\nfirst:  %q\nsecond: %q", out, out2)
		}
	})
}

// jpegData matches a JPEG picture's hex data: the family reads control words in any case
// and writes them as they came (\jpegBlip), and a picture's properties may follow the
// word; the first long hex run after it is the data.
var jpegData = regexp.MustCompile(`(?is)(\\jpegblip[^{}]*?)[0-9a-f\r\n]{16,}`)

// maskJPEG replaces the data of every JPEG picture in an RTF output with a marker.
func maskJPEG(b []byte) []byte {
	return jpegData.ReplaceAll(b, []byte("${1}<jpeg>"))
}
