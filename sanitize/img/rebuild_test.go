package img

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// Baseline JPEGs without an orientation to apply come out with exactly the input's pixels
// (rebuilt from their coefficients) and none of its segments; the others are decoded.
func TestJPEGRebuild(t *testing.T) {
	for _, tc := range []struct {
		file string
		same bool
	}{
		{"photo.jpg", true},
		{"gray.jpg", true},
		{"polyglot-zip.jpg", true},
		{"photo-progressive.jpg", false},
		{"photo-exif-gps-orient6.jpg", false},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(corpusDir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			out, _, err := run(t, New(Options{}), tc.file, data, sanitize.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			want, err := jpeg.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			got, err := jpeg.Decode(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if same := identical(want, got); same != tc.same {
				t.Fatalf("identical pixels: %v, want %v", same, tc.same)
			}
			for i := 2; i+4 < len(out) && out[i+1] != 0xda; i += 2 + int(out[i+2])<<8 | int(out[i+3]) {
				if m := out[i+1]; m >= 0xe0 && m <= 0xef || m == 0xfe {
					t.Fatalf("marker 0x%02x in the output", m)
				}
			}
			if bytes.Contains(out, []byte("PK\x03\x04")) {
				t.Fatal("zip payload in the output")
			}
		})
	}
}

func identical(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	switch a := a.(type) {
	case *image.YCbCr:
		b, ok := b.(*image.YCbCr)
		return ok && a.SubsampleRatio == b.SubsampleRatio && bytes.Equal(a.Y, b.Y) && bytes.Equal(a.Cb, b.Cb) && bytes.Equal(a.Cr, b.Cr)
	case *image.Gray:
		b, ok := b.(*image.Gray)
		return ok && bytes.Equal(a.Pix, b.Pix)
	}
	return false
}
