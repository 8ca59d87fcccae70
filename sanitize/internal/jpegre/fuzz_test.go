package jpegre

import (
	"bytes"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

// FuzzRebuild: whatever is accepted decodes, to the same pixels image/jpeg reads from the
// input, and holds none of the input's APPn or COM segments; the combined lookups accept
// and write exactly what the symbol-by-symbol path does, a copied scan included.
func FuzzRebuild(f *testing.F) {
	for _, name := range []string{"mail/assets/logo.jpg", "img/gray.jpg", "img/photo.jpg"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		out, _, err := Rebuild(data, 1<<22)
		slow, _, serr := rebuild(&parser{data: data, maxPixels: 1 << 22, noLookup: true, noCopy: true})
		if (err == nil) != (serr == nil) || !bytes.Equal(out, slow) {
			t.Fatalf("lookups and the slow path differ: %v / %v, %d / %d bytes", err, serr, len(out), len(slow))
		}
		if err != nil {
			return
		}
		if err := checkOwnMarkers(out); err != nil {
			t.Fatal(err)
		}
		got, err := jpeg.Decode(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("output does not decode: %v", err)
		}
		if want, err := jpeg.Decode(bytes.NewReader(data)); err == nil {
			if err := samePixels(want, got); err != nil {
				t.Fatal(err)
			}
		}
		for _, seg := range foreignSegments(data) {
			if len(seg) >= 16 && bytes.Contains(out, seg) {
				t.Fatalf("output holds an input segment of %d bytes", len(seg))
			}
		}
	})
}

// foreignSegments returns the payloads of the input's APPn and COM segments.
func foreignSegments(data []byte) [][]byte {
	var out [][]byte
	for pos := 2; pos+4 <= len(data) && data[pos] == 0xff; {
		m := data[pos+1]
		n := int(data[pos+2])<<8 | int(data[pos+3])
		if n < 2 || pos+2+n > len(data) || m == 0xda {
			break
		}
		if m >= 0xe0 && m <= 0xef || m == 0xfe {
			out = append(out, data[pos+4:pos+2+n])
		}
		pos += 2 + n
	}
	return out
}
