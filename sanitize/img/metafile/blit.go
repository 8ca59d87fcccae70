package metafile

import (
	"image"
	"math"
)

// Ternary raster operations (the high word of a ROP3 code) the blits carry out.
const (
	ropBlackness = 0x00
	ropNotSrc    = 0x33
	ropDstInvert = 0x55
	ropPatInvert = 0x5a
	ropSrcInvert = 0x66
	ropSrcAnd    = 0x88
	ropNop       = 0xaa
	ropSrcCopy   = 0xcc
	ropSrcPaint  = 0xee
	ropPatCopy   = 0xf0
	ropWhiteness = 0xff
)

// blit carries out a bit-block transfer to the logical rectangle (x, y, w, h): from the
// rectangle (sx, sy, sw, sh) of src when the operation reads a source, else from the
// brush. Operations that combine source, pattern and destination in other ways are not
// drawn: the picture is refused.
func (p *player) blit(rop uint32, x, y, w, h float64, src *image.RGBA, sx, sy, sw, sh float64) error {
	op := int(rop >> 16 & 0xff)
	if op != ropNop {
		p.res.Shapes++
	}
	switch op {
	case ropNop:
		return nil
	case ropPatCopy:
		p.fillRect(x, y, x+w, y+h, p.brushPaint(p.st.brush))
		return nil
	case ropBlackness, ropWhiteness:
		c := rgba{0, 0, 0, 255}
		if op == ropWhiteness {
			c = rgba{255, 255, 255, 255}
		}
		p.fillRect(x, y, x+w, y+h, &paint{c: c})
		return nil
	case ropDstInvert, ropPatInvert:
		p.res.Approximated++ // inversions of what is below: nothing is drawn
		return nil
	case ropSrcCopy, ropNotSrc, ropSrcAnd, ropSrcPaint, ropSrcInvert:
	default:
		return errUnsupported("raster operation 0x%06x", rop)
	}
	if src == nil {
		return errMalformed("raster operation 0x%06x without a bitmap", rop)
	}
	d0, d1 := p.toDev(x, y), p.toDev(x+w, y+h)
	if !finite(d0) || !finite(d1) || d0.x == d1.x || d0.y == d1.y {
		return nil
	}
	r := image.Rect(int(math.Floor(math.Min(d0.x, d1.x))), int(math.Floor(math.Min(d0.y, d1.y))),
		int(math.Ceil(math.Max(d0.x, d1.x))), int(math.Ceil(math.Max(d0.y, d1.y))))
	r = r.Intersect(p.st.clip.rect).Intersect(p.cv.img.Rect)
	p.cv.work += int64(r.Dx()) * int64(r.Dy()) * int64(1+len(p.st.clip.excl))
	if p.cv.work > p.cv.maxWork {
		return nil // refused at the next record
	}
	sb := src.Bounds()
	img := p.cv.img
	for oy := r.Min.Y; oy < r.Max.Y; oy++ {
		v := (float64(oy) + 0.5 - d0.y) / (d1.y - d0.y)
		syi := int(math.Floor(sy + v*sh))
		if v < 0 || v >= 1 || syi < sb.Min.Y || syi >= sb.Max.Y {
			continue
		}
		for ox := r.Min.X; ox < r.Max.X; ox++ {
			u := (float64(ox) + 0.5 - d0.x) / (d1.x - d0.x)
			sxi := int(math.Floor(sx + u*sw))
			if u < 0 || u >= 1 || sxi < sb.Min.X || sxi >= sb.Max.X {
				continue
			}
			if len(p.st.clip.excl) > 0 && !p.st.clip.inside(ox, oy) {
				continue
			}
			so := src.PixOffset(sxi, syi)
			s := rgba{src.Pix[so], src.Pix[so+1], src.Pix[so+2], 255}
			o := img.PixOffset(ox, oy)
			d := img.Pix[o : o+4 : o+4]
			if op == ropSrcCopy {
				copy(d, []uint8{s.r, s.g, s.b, 255})
				continue
			}
			// The destination under a transparent background is taken as white, and a
			// result that leaves it white keeps it transparent (a mask blit's outside).
			wr, wg, wb := overWhite(d)
			var nr, ng, nb uint8
			switch op {
			case ropNotSrc:
				nr, ng, nb = ^s.r, ^s.g, ^s.b
			case ropSrcAnd:
				nr, ng, nb = wr&s.r, wg&s.g, wb&s.b
			case ropSrcPaint:
				nr, ng, nb = wr|s.r, wg|s.g, wb|s.b
			case ropSrcInvert:
				nr, ng, nb = wr^s.r, wg^s.g, wb^s.b
			}
			if d[3] < 255 && nr == wr && ng == wg && nb == wb {
				continue
			}
			copy(d, []uint8{nr, ng, nb, 255})
		}
	}
	return nil
}

// overWhite is a premultiplied pixel composited over white.
func overWhite(d []uint8) (uint8, uint8, uint8) {
	ia := 255 - int(d[3])
	return uint8(min(int(d[0])+ia, 255)), uint8(min(int(d[1])+ia, 255)), uint8(min(int(d[2])+ia, 255))
}
