package img

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
)

// orientNames describe EXIF orientation values (TIFF 6.0, tag 274) for reports.
var orientNames = [9]string{
	2: "mirror horizontal",
	3: "rotate 180",
	4: "mirror vertical",
	5: "transpose",
	6: "rotate 90 cw",
	7: "transverse",
	8: "rotate 90 ccw",
}

// orient returns m transformed so that it displays upright for EXIF orientation o. Values
// outside 2..8 return m unchanged. Pixel-slice types are transformed byte-wise in their own
// type; subsampled YCbCr and CMYK are converted to RGBA first (rotating 4:2:0 planes would
// change the subsampling), which the encoders take on their fast paths anyway.
func orient(m image.Image, o int) image.Image {
	if o < 2 || o > 8 {
		return m
	}
	switch s := m.(type) {
	case *image.YCbCr, *image.CMYK:
		m = toRGBA(m)
	case *image.NYCbCrA:
		m = nycbcraToNRGBA(s)
	}
	var pix []byte
	var stride, bpp int
	switch s := m.(type) {
	case *image.Gray:
		pix, stride, bpp = s.Pix, s.Stride, 1
	case *image.Alpha:
		pix, stride, bpp = s.Pix, s.Stride, 1
	case *image.Paletted:
		pix, stride, bpp = s.Pix, s.Stride, 1
	case *image.Gray16:
		pix, stride, bpp = s.Pix, s.Stride, 2
	case *image.Alpha16:
		pix, stride, bpp = s.Pix, s.Stride, 2
	case *image.RGBA:
		pix, stride, bpp = s.Pix, s.Stride, 4
	case *image.NRGBA:
		pix, stride, bpp = s.Pix, s.Stride, 4
	case *image.RGBA64:
		pix, stride, bpp = s.Pix, s.Stride, 8
	case *image.NRGBA64:
		pix, stride, bpp = s.Pix, s.Stride, 8
	default:
		n := image.NewNRGBA64(m.Bounds())
		draw.Draw(n, n.Rect, m, m.Bounds().Min, draw.Src)
		m, pix, stride, bpp = n, n.Pix, n.Stride, 8
	}
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dstride := dw * bpp
	dst := make([]byte, dstride*dh)
	for y := 0; y < dh; y++ {
		drow := dst[y*dstride:]
		for x := 0; x < dw; x++ {
			var sx, sy int
			switch o {
			case 2:
				sx, sy = w-1-x, y
			case 3:
				sx, sy = w-1-x, h-1-y
			case 4:
				sx, sy = x, h-1-y
			case 5:
				sx, sy = y, x
			case 6:
				sx, sy = y, h-1-x
			case 7:
				sx, sy = w-1-y, h-1-x
			case 8:
				sx, sy = w-1-y, x
			}
			si := sy*stride + sx*bpp
			copy(drow[x*bpp:x*bpp+bpp], pix[si:si+bpp])
		}
	}
	r := image.Rect(0, 0, dw, dh)
	switch s := m.(type) {
	case *image.Gray:
		return &image.Gray{Pix: dst, Stride: dstride, Rect: r}
	case *image.Alpha:
		return &image.Alpha{Pix: dst, Stride: dstride, Rect: r}
	case *image.Paletted:
		return &image.Paletted{Pix: dst, Stride: dstride, Rect: r, Palette: s.Palette}
	case *image.Gray16:
		return &image.Gray16{Pix: dst, Stride: dstride, Rect: r}
	case *image.Alpha16:
		return &image.Alpha16{Pix: dst, Stride: dstride, Rect: r}
	case *image.RGBA:
		return &image.RGBA{Pix: dst, Stride: dstride, Rect: r}
	case *image.NRGBA:
		return &image.NRGBA{Pix: dst, Stride: dstride, Rect: r}
	case *image.RGBA64:
		return &image.RGBA64{Pix: dst, Stride: dstride, Rect: r}
	case *image.NRGBA64:
		return &image.NRGBA64{Pix: dst, Stride: dstride, Rect: r}
	}
	panic(fmt.Sprintf("img: orient: unexpected image type %T", m)) // unreachable: every case above converts
}

// toRGBA converts through image/draw, which has fast paths for YCbCr, CMYK and Gray sources.
func toRGBA(m image.Image) *image.RGBA {
	b := m.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Rect, m, b.Min, draw.Src)
	return dst
}

// nycbcraToNRGBA keeps WebP's straight alpha exact; image/draw would premultiply it.
func nycbcraToNRGBA(s *image.NYCbCrA) *image.NRGBA {
	b := s.Rect
	dst := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := dst.Pix[(y-b.Min.Y)*dst.Stride:]
		for x := b.Min.X; x < b.Max.X; x++ {
			yi, ci := s.YOffset(x, y), s.COffset(x, y)
			r, g, bl := color.YCbCrToRGB(s.Y[yi], s.Cb[ci], s.Cr[ci])
			i := (x - b.Min.X) * 4
			row[i], row[i+1], row[i+2], row[i+3] = r, g, bl, s.A[s.AOffset(x, y)]
		}
	}
	return dst
}
