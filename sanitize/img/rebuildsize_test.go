package img

import (
	"bytes"
	"image"
	"math/rand/v2"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// noise is the picture JPEG compresses worst: every sample random.
func noise(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range m.Pix {
		m.Pix[i] = byte(r.Uint32())
	}
	for i := 3; i < len(m.Pix); i += 4 {
		m.Pix[i] = 0xff
	}
	return m
}

// TestRebuildFitsOwnOutput: a JPEG the decode path writes must be rebuilt, not decoded
// again, when it comes back, or it is not a fixed point (each pass re-quantizes it). Our
// encoder's worst case, noise at quality 100, scaled to the largest picture the limits
// allow, must fit rebuildFits; with the old fixed 16 MiB bound, anything over 16 MiB
// (about 12 MP of noise at the default quality) was decoded and re-encoded again.
func TestRebuildFitsOwnOutput(t *testing.T) {
	const w, h = 256, 256
	for _, q := range []int{92, 100} {
		var buf bytes.Buffer
		if err := New(Options{JPEGQuality: q}).encodeJPEG(&buf, forJPEG(noise(w, h))); err != nil {
			t.Fatal(err)
		}
		perPixel := float64(buf.Len()) / (w * h)
		for _, px := range []int64{w * h, 12_000_000, sanitize.DefaultLimits().MaxPixels} {
			size := int64(perPixel * float64(px))
			if !rebuildFits(size, px) {
				t.Errorf("quality %d: our %.2f bytes a pixel at %d pixels (%d bytes) would be decoded again, not rebuilt", q, perPixel, px, size)
			}
		}
	}
	// A small picture padded with segments is still streamed, not read whole.
	if rebuildFits(64<<20, 100*100) {
		t.Error("a 100x100 JPEG of 64 MiB is read whole")
	}
}
