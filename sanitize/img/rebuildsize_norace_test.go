//go:build !race

package img

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// TestLargeReencodeIsFixedPoint: a JPEG decoded and re-encoded into more than 16 MiB
// comes back as the same bytes. The input is noise carrying an EXIF orientation (which
// sends it down the decode path); the output, upright and without EXIF, must then be
// rebuilt from its coefficients on a second pass. Seconds of encoding: not under -short
// or the race detector.
func TestLargeReencodeIsFixedPoint(t *testing.T) {
	if testing.Short() {
		t.Skip("encodes a JPEG over 16 MiB")
	}
	s := New(Options{JPEGQuality: 100})
	var enc bytes.Buffer
	if err := s.encodeJPEG(&enc, forJPEG(noise(3000, 3000))); err != nil {
		t.Fatal(err)
	}
	exif := app1Exif(t)
	in := append(append(append([]byte{}, enc.Bytes()[:2]...), exif...), enc.Bytes()[2:]...)
	out1, res1, err := run(t, s, "a.jpg", in, sanitize.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out1) <= minRebuild {
		t.Fatalf("first output %d bytes, want over %d", len(out1), minRebuild)
	}
	t.Logf("pass 1: %s, %d bytes", res1.Verdict, len(out1))
	out2, res2, err := run(t, s, "a.jpg", out1, sanitize.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out1, out2) {
		t.Fatalf("second pass (%s) changed the %d-byte output into %d bytes", res2.Verdict, len(out1), len(out2))
	}
}

// app1Exif is the EXIF segment (orientation 6) of a testdata photo.
func app1Exif(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir, "photo-exif-gps-orient6.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 2; i+4 < len(b) && b[i] == 0xff; {
		n := int(b[i+2])<<8 | int(b[i+3])
		if b[i+1] == 0xe1 && bytes.HasPrefix(b[i+4:], []byte("Exif\x00")) {
			return b[i : i+2+n]
		}
		i += 2 + n
	}
	t.Fatal("no EXIF segment")
	return nil
}
