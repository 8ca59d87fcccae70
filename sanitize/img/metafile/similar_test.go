package metafile

import (
	"image"
	"image/color"
	"math"

	"golang.org/x/image/draw"
)

// inkMap is a picture's darkness (over white) inside the bounding box of what is drawn,
// scaled to n x n: the coarse shape two renderers of the same drawing agree on, whatever
// the page or resolution each puts it on.
func inkMap(img image.Image, n int) []float64 {
	b := img.Bounds()
	ink := func(x, y int) float64 {
		r, g, bb, a := img.At(x, y).RGBA()
		// over white: c + (1 - a)
		w := float64(0xffff - a)
		lum := (0.299*(float64(r)+w) + 0.587*(float64(g)+w) + 0.114*(float64(bb)+w)) / 0xffff
		return 1 - math.Min(lum, 1)
	}
	box := image.Rectangle{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if ink(x, y) > 0.06 {
				box = box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	if box.Empty() {
		return nil
	}
	gray := image.NewGray(box)
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for x := box.Min.X; x < box.Max.X; x++ {
			gray.SetGray(x, y, color.Gray{uint8(255 * ink(x, y))})
		}
	}
	small := image.NewGray(image.Rect(0, 0, n, n))
	draw.ApproxBiLinear.Scale(small, small.Rect, gray, box, draw.Src, nil)
	// A box filter after the scaling keeps thin lines from vanishing between samples.
	out := make([]float64, n*n)
	for y := range n {
		for x := range n {
			s, c := 0.0, 0.0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					if xx, yy := x+dx, y+dy; xx >= 0 && yy >= 0 && xx < n && yy < n {
						s += float64(small.GrayAt(xx, yy).Y)
						c++
					}
				}
			}
			out[y*n+x] = s / c
		}
	}
	return out
}

// similarity is the correlation of two ink maps (1 = same shape, 0 = unrelated).
func similarity(a, b []float64) float64 {
	if len(a) == 0 || len(a) != len(b) {
		return 0
	}
	var ma, mb float64
	for i := range a {
		ma += a[i]
		mb += b[i]
	}
	ma /= float64(len(a))
	mb /= float64(len(b))
	var sab, saa, sbb float64
	for i := range a {
		da, db := a[i]-ma, b[i]-mb
		sab += da * db
		saa += da * da
		sbb += db * db
	}
	if saa == 0 || sbb == 0 {
		if saa == sbb {
			return 1
		}
		return 0
	}
	return sab / math.Sqrt(saa*sbb)
}
