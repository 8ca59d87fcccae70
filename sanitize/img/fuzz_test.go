package img

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// FuzzSanitize feeds mutated corpus files through detection and the sanitizer. Properties:
// no panic; an error leaves nothing that contains the input; success yields an output the
// standard library decodes, within the pixel budget, that sanitizes again as clean and
// unchanged.
func FuzzSanitize(f *testing.F) {
	for _, file := range corpus(f) {
		if strings.HasPrefix(filepath.Base(file), "bench-") {
			continue // 2 MP seeds slow every mutation down
		}
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	s := New(Options{})
	const maxPixels = 1 << 20
	lim := sanitize.Limits{MaxPixels: maxPixels, Timeout: 10 * time.Second}
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, 2*lim.Timeout)
		in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}
		in.Detected = sanitize.Detect(in.Body)
		if _, ok := configFuncs[in.Detected.Name]; !ok {
			return
		}
		var out bytes.Buffer
		_, err := s.Sanitize(context.Background(), in, &out, sanitize.NewBudget(lim))
		if err != nil {
			if len(data) >= 64 && bytes.Contains(out.Bytes(), data) {
				t.Fatalf("error %v, and the output contains the input", err)
			}
			return
		}
		d, err := decodeOutput(out.Bytes())
		if err != nil {
			t.Fatalf("success, but the output does not decode: %v", err)
		}
		if int64(d.Width)*int64(d.Height) > maxPixels {
			t.Fatalf("output %dx%d exceeds the %d pixel budget", d.Width, d.Height, maxPixels)
		}
		out2, res2, err := run(t, s, "", out.Bytes(), lim)
		if err != nil || res2.Verdict != sanitize.Clean || len(res2.Actions) != 0 {
			t.Fatalf("second pass = %s %v %v, want clean with no actions", res2.Verdict, res2.Actions, err)
		}
		// A fixed point: what the family writes it takes back unchanged, a JPEG it decoded
		// and encoded again included (written through jpegre, which rebuilds its own output
		// into the same bytes).
		if !bytes.Equal(out.Bytes(), out2) {
			t.Fatalf("second pass changed the %s output (%d bytes, then %d)", d.Format, out.Len(), len(out2))
		}
	})
}

// FuzzParseExif checks the EXIF reader alone (it runs on every JPEG APP1, PNG eXIf and WebP
// EXIF block): no panic, and an orientation is either absent or a valid EXIF value.
func FuzzParseExif(f *testing.F) {
	for o := uint16(0); o <= 9; o++ {
		f.Add(exifBlock(o))
	}
	f.Add(append([]byte("Exif\x00\x00"), exifBlock(6)...))
	f.Fuzz(func(t *testing.T, block []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		if o := parseExif(block).orientation; o < 0 || o > 8 {
			t.Fatalf("parseExif orientation = %d, want 0..8", o)
		}
	})
}
