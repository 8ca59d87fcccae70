package metafile

import (
	"context"
	"fmt"
	"image"
	"math"
	"unicode/utf16"
)

type emfPlayer struct {
	*player
	objs []any
}

// erec reads an EMF record's fields by byte offset from the record's start.
type erec struct {
	b     []byte
	short bool
}

func (r *erec) u32(o int) uint32 {
	if o < 0 || o+4 > len(r.b) {
		r.short = true
		return 0
	}
	return le.Uint32(r.b[o:])
}

func (r *erec) i32(o int) float64 { return float64(int32(r.u32(o))) }

func (r *erec) f32(o int) float64 { return float64(math.Float32frombits(r.u32(o))) }

func (r *erec) i16(o int) float64 {
	if o < 0 || o+2 > len(r.b) {
		r.short = true
		return 0
	}
	return float64(int16(le.Uint16(r.b[o:])))
}

// rect reads a RECTL as left, top, right, bottom.
func (r *erec) rect(o int) (float64, float64, float64, float64) {
	return r.i32(o), r.i32(o + 4), r.i32(o + 8), r.i32(o + 12)
}

// span returns the bytes at off..off+n of the record, checked.
func (r *erec) span(off, n uint32) ([]byte, error) {
	if n == 0 || uint64(off)+uint64(n) > uint64(len(r.b)) {
		return nil, errMalformed("bitmap at %d+%d outside a record of %d bytes", off, n, len(r.b))
	}
	return r.b[off : off+n], nil
}

func renderEMF(ctx context.Context, data []byte, lim Limits) (*Result, error) {
	hs := le.Uint32(data[4:])
	if hs < 88 || int(hs) > len(data) {
		return nil, errMalformed("EMF header size %d", hs)
	}
	h := &erec{b: data[:hs]}
	fl, ft, fr, fb := h.rect(24) // the frame, in 0.01 mm
	devX, devY := h.i32(72), h.i32(76)
	mmX, mmY := h.i32(80), h.i32(84)
	ppmX, ppmY := 96/25.4, 96/25.4
	if devX > 0 && devY > 0 && mmX > 0 && mmY > 0 {
		ppmX, ppmY = devX/mmX, devY/mmY
	}
	w, hgt, err := outputSize(abs(fr-fl)/100, abs(fb-ft)/100, 25.4, lim)
	if err != nil {
		return nil, err
	}
	ep := &emfPlayer{player: newPlayer(ctx, lim, "EMF", w, hgt), objs: make([]any, le.Uint16(data[56:]))}
	ep.devPerMM = (ppmX + ppmY) / 2
	// Reference-device pixels to output pixels: the frame's corner to the origin.
	x0, y0 := fl/100*ppmX, ft/100*ppmY
	sx, sy := float64(w)/(abs(fr-fl)/100*ppmX), float64(hgt)/(abs(fb-ft)/100*ppmY)
	ep.dev = xform{a: sx, d: sy, e: -x0 * sx, f: -y0 * sy}
	for off := 0; off+8 <= len(data); {
		if err := ep.step(); err != nil {
			return nil, err
		}
		typ, size := le.Uint32(data[off:]), le.Uint32(data[off+4:])
		if size < 8 || size%4 != 0 || uint64(off)+uint64(size) > uint64(len(data)) {
			return nil, errMalformed("EMF record %d at %d: size %d", typ, off, size)
		}
		if typ == 14 { // EOF
			break
		}
		r := &erec{b: data[off : off+int(size)]}
		if off > 0 || typ != 1 {
			err := ep.record(typ, r)
			if err == nil && r.short {
				err = errMalformed("record too short")
			}
			if err != nil {
				return nil, fmt.Errorf("EMF record %d at byte %d: %w", typ, off, err)
			}
		}
		off += int(size)
	}
	if err := ep.checkWork(); err != nil {
		return nil, err
	}
	return ep.res, nil
}

// stock returns a stock object (index with the high bit set).
func stock(i uint32) any {
	switch i & 0x7fffffff {
	case 0:
		return whiteBrush
	case 1:
		return &brush{color: rgba{192, 192, 192, 255}}
	case 2:
		return &brush{color: rgba{128, 128, 128, 255}}
	case 3:
		return &brush{color: rgba{64, 64, 64, 255}}
	case 4, 18:
		return &brush{color: rgba{0, 0, 0, 255}}
	case 5:
		return nullBrush
	case 6:
		return &pen{color: rgba{255, 255, 255, 255}}
	case 7, 19:
		return blackPen
	case 8:
		return nullPen
	}
	return nil
}

func (ep *emfPlayer) set(i uint32, o any) error {
	if int64(i) >= int64(len(ep.objs)) {
		if i >= maxObjects {
			return errMalformed("object index %d", i)
		}
		ep.objs = append(ep.objs, make([]any, int(i)+1-len(ep.objs))...)
	}
	ep.objs[i] = o
	return nil
}

func (ep *emfPlayer) record(typ uint32, r *erec) error {
	a, ok := emfRecords[typ]
	if !ok {
		return errUnsupported("record %d is not drawn by the gateway", typ)
	}
	if a.noop {
		if typ == 70 && r.u32(12) == 0x2B464D45 && len(r.b) >= 20 && le.Uint16(r.b[16:]) == 0x4001 && le.Uint16(r.b[18:])&1 == 0 {
			return errUnsupported("EMF+ only picture (no GDI records to draw)")
		}
		return nil
	}
	p := ep.player
	s := &p.st
	switch typ {
	case 9: // SETWINDOWEXTEX
		if x, y := r.i32(8), r.i32(12); x != 0 && y != 0 {
			s.wExt = [2]float64{x, y}
		}
	case 10: // SETWINDOWORGEX
		s.wOrg = [2]float64{r.i32(8), r.i32(12)}
	case 11: // SETVIEWPORTEXTEX
		if x, y := r.i32(8), r.i32(12); x != 0 && y != 0 {
			s.vExt = [2]float64{x, y}
		}
	case 12: // SETVIEWPORTORGEX
		s.vOrg = [2]float64{r.i32(8), r.i32(12)}
	case 31, 32: // SCALEVIEWPORTEXTEX, SCALEWINDOWEXTEX
		xn, xd, yn, yd := r.i32(8), r.i32(12), r.i32(16), r.i32(20)
		if xn != 0 && xd != 0 && yn != 0 && yd != 0 {
			e := &s.vExt
			if typ == 32 {
				e = &s.wExt
			}
			*e = [2]float64{e[0] * xn / xd, e[1] * yn / yd}
		}
	case 17: // SETMAPMODE
		if m := int(r.u32(8)); m >= 1 && m <= 8 {
			s.mapMode = m
		}
	case 18: // SETBKMODE
		s.bkMode = int(r.u32(8))
	case 19: // SETPOLYFILLMODE
		s.evenOdd = r.u32(8) != 2
	case 20: // SETROP2
		s.rop2 = int(r.u32(8))
		if s.rop2 != 13 && s.rop2 != 11 {
			p.res.Approximated++
		}
	case 24: // SETTEXTCOLOR
		s.textColor = colorRef(r.u32(8))
	case 25: // SETBKCOLOR
		s.bkClr = colorRef(r.u32(8))
	case 26: // OFFSETCLIPRGN
		p.res.Approximated++
	case 27: // MOVETOEX
		s.cur = [2]float64{r.i32(8), r.i32(12)}
		p.pathMove()
	case 29, 30: // EXCLUDECLIPRECT, INTERSECTCLIPRECT
		d := p.devRect(r.rect(8))
		if typ == 29 {
			p.excludeClip(d)
		} else {
			p.intersectClip(d)
		}
	case 33: // SAVEDC
		return p.save()
	case 34: // RESTOREDC
		p.restore(int(r.i32(8)))
	case 35: // SETWORLDTRANSFORM
		s.world = readXform(r, 8)
	case 36: // MODIFYWORLDTRANSFORM
		x := readXform(r, 8)
		switch r.u32(32) {
		case 1:
			s.world = identity
		case 2:
			s.world = x.then(s.world)
		case 3:
			s.world = s.world.then(x)
		case 4:
			s.world = x
		}
	case 37: // SELECTOBJECT
		i := r.u32(8)
		var o any
		if i&0x80000000 != 0 {
			o = stock(i)
		} else if int64(i) < int64(len(ep.objs)) {
			o = ep.objs[i]
		}
		switch o := o.(type) {
		case *pen:
			s.pen = o
		case *brush:
			s.brush = o
		case *logFont:
			s.font = o
		}
	case 40: // DELETEOBJECT
		if i := r.u32(8); int64(i) < int64(len(ep.objs)) {
			ep.objs[i] = nil
		}
	case 38: // CREATEPEN
		return ep.set(r.u32(8), &pen{style: int(r.u32(12)), width: abs(r.i32(16)), color: colorRef(r.u32(24))})
	case 95: // EXTCREATEPEN
		pe := &pen{style: int(r.u32(28)), width: float64(r.u32(32)), color: colorRef(r.u32(40))}
		if pe.style&0x00010000 == 0 { // PS_COSMETIC: one pixel wide
			pe.width = 0
		}
		if bs := r.u32(36); bs == 1 { // BS_NULL
			pe.style = 5
		} else if bs != 0 {
			p.res.Approximated++ // a patterned pen is drawn in its colour
		}
		return ep.set(r.u32(8), pe)
	case 39: // CREATEBRUSHINDIRECT
		return ep.set(r.u32(8), &brush{style: int(r.u32(12)), color: colorRef(r.u32(16)), hatch: int(r.u32(20))})
	case 93, 94: // CREATEMONOBRUSH, CREATEDIBPATTERNBRUSHPT
		var pal *monoColors
		switch u := r.u32(12); u {
		case 0:
		case 1, 2: // DIB_PAL_COLORS, DIB_PAL_INDICES
			pal = &monoColors{colors: [2]rgba{s.textColor, s.bkClr}, entry: 2 * int(2-u)}
		default:
			return errUnsupported("pattern brush colour usage %d", r.u32(12))
		}
		tile, err := ep.dib(r, 16, 20, 24, 28, 1<<20, pal)
		if err != nil {
			return err
		}
		return ep.set(r.u32(8), &brush{style: 5, tile: tile})
	case 82: // EXTCREATEFONTINDIRECTW
		if len(r.b) < 44 {
			return errMalformed("record too short")
		}
		u := make([]uint16, 0, 32)
		for o := 40; o+2 <= min(len(r.b), 104); o += 2 {
			c := le.Uint16(r.b[o:])
			if c == 0 {
				break
			}
			u = append(u, c)
		}
		return ep.set(r.u32(8), &logFont{height: r.i32(12), width: r.i32(16), esc: r.i32(20), weight: int(r.i32(28)),
			italic: r.b[32] != 0, underline: r.b[33] != 0, strike: r.b[34] != 0, charset: int(r.b[35]),
			face: string(utf16.Decode(u))})
	case 22: // SETTEXTALIGN
		s.textAlign = int(r.u32(8))
	case 49: // CREATEPALETTE
		return ep.set(r.u32(8), palette{})
	case 54: // LINETO
		x, y := r.i32(8), r.i32(12)
		p.lineTo([]float64{x, y})
	case 42: // ELLIPSE
		p.ellipse(r.rect(8))
	case 43: // RECTANGLE
		l, t, rr, b := r.rect(8)
		p.rect(l, t, rr, b, 0, 0)
	case 44: // ROUNDRECT
		l, t, rr, b := r.rect(8)
		p.rect(l, t, rr, b, r.i32(24), r.i32(28))
	case 45, 46, 47: // ARC, CHORD, PIE
		l, t, rr, b := r.rect(8)
		p.arc(map[uint32]int{45: 0, 46: 1, 47: 2}[typ], l, t, rr, b, r.i32(24), r.i32(28), r.i32(32), r.i32(36))
	case 57: // SETARCDIRECTION
		if r.u32(8) == 2 {
			p.res.Approximated++ // clockwise arcs drawn counter-clockwise
		}
	case 15: // SETPIXELV
		d := p.toDev(r.i32(8), r.i32(12))
		p.cv.fill([][]pt{{{d.x, d.y}, {d.x + 1, d.y}, {d.x + 1, d.y + 1}, {d.x, d.y + 1}}}, false, &paint{c: colorRef(r.u32(16))}, &s.clip)
	case 2, 3, 4, 5, 6, 85, 86, 87, 88, 89: // POLYBEZIER, POLYGON, POLYLINE, POLYBEZIERTO, POLYLINETO (+16)
		small := typ >= 85
		base := typ
		if small {
			base -= 83
		}
		n := int(r.u32(24))
		xy, err := ep.points(r, 28, n, small)
		if err != nil {
			return err
		}
		p.poly(int(base), xy)
	case 7, 8, 90, 91: // POLYPOLYLINE, POLYPOLYGON (+16)
		small := typ >= 90
		np, total := int(r.u32(24)), int(r.u32(28))
		if np < 0 || np > len(r.b)/4 {
			return errMalformed("%d polygons", np)
		}
		xy, err := ep.points(r, 32+4*np, total, small)
		if err != nil {
			return err
		}
		var polys [][]pt
		at := 0
		for i := range np {
			c := int(r.u32(32 + 4*i))
			if c < 0 || at+2*c > len(xy) {
				return errMalformed("polygon points past the record")
			}
			polys = append(polys, p.pts(xy[at:at+2*c]))
			at += 2 * c
		}
		if typ == 7 || typ == 90 {
			for _, l := range polys {
				p.strokeLine(l, false)
			}
		} else {
			p.fillStroke(polys, true, true)
		}
	case 59: // BEGINPATH
		p.path = &pathBuf{}
	case 60: // ENDPATH
		if p.path != nil {
			p.path.ended = true
		}
	case 61: // CLOSEFIGURE
		if p.path != nil && len(p.path.figs) > 0 {
			p.path.figs[len(p.path.figs)-1].closed = true
			p.path.open = false
		}
	case 68: // ABORTPATH
		p.path = nil
	case 62, 63, 64: // FILLPATH, STROKEANDFILLPATH, STROKEPATH
		p.drawPath(typ != 64, typ != 62)
	case 66: // WIDENPATH
		p.res.Approximated++
	case 67: // SELECTCLIPPATH
		p.clipPath()
	case 75: // EXTSELECTCLIPRGN
		return ep.selectClipRgn(r)
	case 71, 74: // FILLRGN, PAINTRGN
		pa := p.brushPaint(s.brush)
		at := 28 // PAINTRGN: bounds, cbRgnData, then the region
		if typ == 71 {
			at = 32
			if i := r.u32(28); i&0x80000000 != 0 {
				if b, ok := stock(i).(*brush); ok {
					pa = p.brushPaint(b)
				}
			} else if int64(i) < int64(len(ep.objs)) {
				if b, ok := ep.objs[i].(*brush); ok {
					pa = p.brushPaint(b)
				}
			}
		}
		rects, err := regionRects(r, at)
		if err != nil {
			return err
		}
		for _, q := range rects {
			p.fillRect(q[0], q[1], q[2], q[3], pa)
		}
	case 76, 77: // BITBLT, STRETCHBLT
		x, y, w, h := r.i32(24), r.i32(28), r.i32(32), r.i32(36)
		rop := r.u32(40)
		if r.u32(88) == 0 { // no source bitmap
			return p.blit(rop, x, y, w, h, nil, 0, 0, 0, 0)
		}
		if r.u32(80) != 0 {
			return errUnsupported("bitmap with palette-index colours")
		}
		if t := readXform(r, 52); t.b != 0 || t.c != 0 {
			return errUnsupported("rotated or sheared source bitmap")
		}
		img, err := ep.dib(r, 84, 88, 92, 96, p.lim.MaxPixels, nil)
		if err != nil {
			return err
		}
		sw, sh := w, h
		if typ == 77 {
			sw, sh = r.i32(100), r.i32(104)
		}
		return p.blit(rop, x, y, w, h, img, r.i32(44), r.i32(48), sw, sh)
	case 80, 81: // SETDIBITSTODEVICE, STRETCHDIBITS
		if r.u32(64) != 0 {
			return errUnsupported("bitmap with palette-index colours")
		}
		img, err := ep.dib(r, 48, 52, 56, 60, p.lim.MaxPixels, nil)
		if err != nil {
			return err
		}
		x, y := r.i32(24), r.i32(28)
		sx, sy, sw, sh := r.i32(32), r.i32(36), r.i32(40), r.i32(44)
		w, h, rop := sw, sh, uint32(ropSrcCopy<<16)
		if typ == 81 {
			rop, w, h = r.u32(68), r.i32(72), r.i32(76)
		} else if r.u32(68) != 0 || int(r.u32(72)) != img.Bounds().Dy() {
			return errUnsupported("partial-scan SetDIBitsToDevice")
		}
		return p.blit(rop, x, y, w, h, img, sx, sy, sw, sh)
	case 83, 84: // EXTTEXTOUTA, EXTTEXTOUTW
		return ep.extTextOut(r, typ == 84)
	default:
		return errUnsupported("record %d is allowed but has no drawing", typ)
	}
	return nil
}

func readXform(r *erec, o int) xform {
	return xform{a: r.f32(o), b: r.f32(o + 4), c: r.f32(o + 8), d: r.f32(o + 12), e: r.f32(o + 16), f: r.f32(o + 20)}
}

// points reads n points of 16- or 32-bit coordinates at byte o.
func (ep *emfPlayer) points(r *erec, o, n int, small bool) ([]float64, error) {
	sz := 8
	if small {
		sz = 4
	}
	if n < 0 || o < 0 || int64(o)+int64(n)*int64(sz) > int64(len(r.b)) {
		return nil, errMalformed("%d points past the record", n)
	}
	xy := make([]float64, 0, 2*n)
	for i := range n {
		if small {
			xy = append(xy, r.i16(o+4*i), r.i16(o+4*i+2))
		} else {
			xy = append(xy, r.i32(o+8*i), r.i32(o+8*i+4))
		}
	}
	return xy, nil
}

// dib decodes the bitmap whose header and bits the record locates by the offset and
// size fields at the given positions.
func (ep *emfPlayer) dib(r *erec, offBmi, cbBmi, offBits, cbBits int, maxPixels int64, pal *monoColors) (*image.RGBA, error) {
	hdr, err := r.span(r.u32(offBmi), r.u32(cbBmi))
	if err != nil {
		return nil, err
	}
	d, err := parseDIBHeader(hdr, min(maxPixels, ep.lim.MaxPixels), pal)
	if err != nil {
		return nil, err
	}
	px, err := r.span(r.u32(offBits), r.u32(cbBits))
	if err != nil {
		return nil, err
	}
	return ep.cv.decode(d, px)
}

// regionRects reads the rectangles of a RegionData at byte o (device units of the
// reference device for clip regions, logical for painted ones).
func regionRects(r *erec, o int) ([][4]float64, error) {
	n := int(r.u32(o + 8))
	if n < 0 || int64(o)+32+int64(n)*16 > int64(len(r.b)) {
		return nil, errMalformed("region of %d rectangles past the record", n)
	}
	out := make([][4]float64, 0, n)
	for i := range n {
		l, t, rr, b := r.rect(o + 32 + 16*i)
		out = append(out, [4]float64{l, t, rr, b})
	}
	return out, nil
}

// selectClipRgn applies EMR_EXTSELECTCLIPRGN: a copy of an empty region resets the clip;
// other regions clip to their bounding box (exact for the single rectangles producers
// write), combined by intersection for RGN_AND and RGN_COPY.
func (ep *emfPlayer) selectClipRgn(r *erec) error {
	p := ep.player
	cb, mode := r.u32(8), r.u32(12)
	if cb == 0 {
		if mode == 5 {
			p.resetClip()
		}
		return nil
	}
	rects, err := regionRects(r, 16)
	if err != nil {
		return err
	}
	if len(rects) != 1 {
		p.res.Approximated++
	}
	var box image.Rectangle
	for _, q := range rects {
		a, b := ep.dev.apply(q[0], q[1])
		c, d := ep.dev.apply(q[2], q[3])
		box = box.Union(image.Rect(int(math.Round(a)), int(math.Round(b)), int(math.Round(c)), int(math.Round(d))))
	}
	switch mode {
	case 5: // RGN_COPY
		p.resetClip()
		p.intersectClip(box)
	case 1: // RGN_AND
		p.intersectClip(box)
	default:
		p.res.Approximated++
	}
	return nil
}

// extTextOut draws EMR_EXTTEXTOUTA/W: the EMRTEXT at byte 36 locates the string and the
// advances (pairs with ETO_PDY) in the record.
func (ep *emfPlayer) extTextOut(r *erec, wide bool) error {
	p := ep.player
	n, opts := r.u32(44), r.u32(52)
	if n == 0 {
		p.res.Text++
		return nil
	}
	if n > uint32(len(r.b)) {
		return errMalformed("%d characters in a record of %d bytes", n, len(r.b))
	}
	cw := uint32(1)
	if wide {
		cw = 2
	}
	str, err := r.span(r.u32(48), n*cw)
	if err != nil {
		return err
	}
	var dx []float64
	step := uint32(4)
	if opts&0x2000 != 0 { // ETO_PDY: x and y advances
		step = 8
	}
	if off := r.u32(72); off != 0 {
		if b, err := r.span(off, n*step); err == nil {
			for i := uint32(0); i < n; i++ {
				dx = append(dx, float64(int32(le.Uint32(b[i*step:]))))
			}
		}
	}
	l, t, rr, b := r.rect(56)
	rect := &[4]float64{l, t, rr, b}
	lf := p.st.font
	if lf == nil {
		lf = &logFont{}
	}
	var rs []rune
	if wide {
		rs, dx = decode16(str, dx, lf)
	} else {
		rs, dx = decode8(str, dx, lf)
	}
	p.textOut(r.i32(36), r.i32(40), rs, dx, opts, rect)
	return nil
}
