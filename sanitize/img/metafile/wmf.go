package metafile

import (
	"context"
	"fmt"
	"image"
)

type wmfPlayer struct {
	*player
	data []byte
	objs []any
}

func renderWMF(ctx context.Context, data []byte, lim Limits) (*Result, error) {
	off := 0
	var bbox [4]float64
	inch := 0.0
	if string(data[:4]) == "\xd7\xcd\xc6\x9a" {
		if len(data) < 22 {
			return nil, errMalformed("WMF placeable header truncated")
		}
		for i := range 4 {
			bbox[i] = float64(int16(le.Uint16(data[6+2*i:])))
		}
		inch = float64(le.Uint16(data[14:]))
		off = 22
	}
	if len(data) < off+18 {
		return nil, errMalformed("WMF header truncated")
	}
	h := data[off:]
	if le.Uint16(h[2:]) != 9 {
		return nil, errMalformed("WMF header size %d words", le.Uint16(h[2:]))
	}
	nObj := int(le.Uint16(h[10:]))
	recs := off + 18
	if inch == 0 || bbox[0] == bbox[2] || bbox[1] == bbox[3] {
		// No placeable header, or one with an empty box: the picture's size is its first
		// window extent; only the aspect ratio matters, the document sets the size it is
		// shown at.
		org, ext, ok := wmfFirstWindow(data[recs:])
		if !ok {
			return nil, errUnsupported("WMF without a placeable header or a window extent")
		}
		bbox = [4]float64{org[0], org[1], org[0] + ext[0], org[1] + ext[1]}
		if inch == 0 {
			inch = max(abs(ext[0]), abs(ext[1])) * lim.DPI / 1024
		}
	}
	w, hgt, err := outputSize(abs(bbox[2]-bbox[0]), abs(bbox[3]-bbox[1]), inch, lim)
	if err != nil {
		return nil, err
	}
	wp := &wmfPlayer{player: newPlayer(ctx, lim, "WMF", w, hgt), data: data, objs: make([]any, nObj)}
	s := &wp.st
	s.mapMode = 8
	s.wOrg = [2]float64{bbox[0], bbox[1]}
	s.wExt = [2]float64{bbox[2] - bbox[0], bbox[3] - bbox[1]}
	s.vExt = [2]float64{float64(w), float64(hgt)}
	for off := recs; off+6 <= len(data); {
		if err := wp.step(); err != nil {
			return nil, err
		}
		size := int64(le.Uint32(data[off:])) * 2
		fn := le.Uint16(data[off+4:])
		if size < 6 || int64(off)+size > int64(len(data)) {
			if fn == 0 && size >= 6 {
				break // an EOF record whose size runs past the end
			}
			return nil, errMalformed("WMF record 0x%04x at %d: size %d", fn, off, size)
		}
		r := rec{b: data[off+6 : off+int(size)]}
		if fn == 0 {
			break
		}
		if err := wp.record(fn, r); err != nil {
			return nil, fmt.Errorf("WMF record 0x%04x at byte %d: %w", fn, off, err)
		}
		off += int(size)
	}
	if err := wp.checkWork(); err != nil {
		return nil, err
	}
	return wp.res, nil
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// wmfFirstWindow finds the first window origin and extent records.
func wmfFirstWindow(b []byte) (org, ext [2]float64, ok bool) {
	for off, n := 0, 0; off+10 <= len(b) && n < 10000; n++ {
		size := int(le.Uint32(b[off:])) * 2
		fn := le.Uint16(b[off+4:])
		if size < 6 || off+size > len(b) || fn == 0 {
			break
		}
		if size >= 10 {
			y, x := float64(int16(le.Uint16(b[off+6:]))), float64(int16(le.Uint16(b[off+8:])))
			switch fn {
			case 0x020B:
				org = [2]float64{x, y}
			case 0x020C:
				if x != 0 && y != 0 {
					return org, [2]float64{x, y}, true
				}
			}
		}
		off += size
	}
	return org, ext, false
}

// rec reads a record's parameters; a read past the end marks it short.
type rec struct {
	b     []byte
	short bool
}

func (r *rec) u16(i int) uint16 {
	if i*2+2 > len(r.b) {
		r.short = true
		return 0
	}
	return le.Uint16(r.b[i*2:])
}

func (r *rec) i16(i int) float64 { return float64(int16(r.u16(i))) }

func (r *rec) u32(i int) uint32 { return uint32(r.u16(i)) | uint32(r.u16(i+1))<<16 }

func (r *rec) words() int { return len(r.b) / 2 }

func (wp *wmfPlayer) record(fn uint16, r rec) error {
	a, ok := wmfRecords[fn]
	if !ok {
		return errUnsupported("record 0x%04x is not drawn by the gateway", fn)
	}
	if a.noop {
		return nil
	}
	err := wp.draw(fn, &r)
	if err == nil && r.short {
		return errMalformed("record too short")
	}
	return err
}

func (wp *wmfPlayer) draw(fn uint16, r *rec) error {
	p := wp.player
	s := &p.st
	switch fn {
	case 0x020B: // SETWINDOWORG
		s.wOrg = [2]float64{r.i16(1), r.i16(0)}
	case 0x020C: // SETWINDOWEXT
		if x, y := r.i16(1), r.i16(0); x != 0 && y != 0 {
			s.wExt = [2]float64{x, y}
		}
	case 0x020F: // OFFSETWINDOWORG
		s.wOrg[0] += r.i16(1)
		s.wOrg[1] += r.i16(0)
	case 0x0410: // SCALEWINDOWEXT
		yd, yn, xd, xn := r.i16(0), r.i16(1), r.i16(2), r.i16(3)
		if xd != 0 && yd != 0 && xn != 0 && yn != 0 {
			s.wExt = [2]float64{s.wExt[0] * xn / xd, s.wExt[1] * yn / yd}
		}
	case 0x0102: // SETBKMODE
		s.bkMode = int(r.u16(0))
	case 0x0201: // SETBKCOLOR
		s.bkClr = colorRef(r.u32(0))
	case 0x0209: // SETTEXTCOLOR
		s.textColor = colorRef(r.u32(0))
	case 0x0106: // SETPOLYFILLMODE
		s.evenOdd = r.u16(0) != 2
	case 0x0104: // SETROP2
		s.rop2 = int(r.u16(0))
		if s.rop2 != 13 && s.rop2 != 11 {
			p.res.Approximated++
		}
	case 0x001E: // SAVEDC
		return p.save()
	case 0x0127: // RESTOREDC
		p.restore(int(r.i16(0)))
	case 0x02FA: // CREATEPENINDIRECT
		return wp.create(&pen{style: int(r.u16(0)), width: abs(r.i16(1)), color: colorRef(r.u32(3))})
	case 0x02FC: // CREATEBRUSHINDIRECT
		return wp.create(&brush{style: int(r.u16(0)), color: colorRef(r.u32(1)), hatch: int(r.u16(3))})
	case 0x0142: // DIBCREATEPATTERNBRUSH
		if r.words() < 2 {
			return errMalformed("record too short")
		}
		tile, err := p.cv.decodeDIB(r.b[4:], min(p.lim.MaxPixels, 1<<20))
		if err != nil {
			return err
		}
		return wp.create(&brush{style: 5, tile: tile})
	case 0x02FB: // CREATEFONTINDIRECT
		if len(r.b) < 18 {
			return errMalformed("record too short")
		}
		return wp.create(&logFont{height: r.i16(0), width: r.i16(1), esc: r.i16(2), weight: int(r.i16(4)),
			italic: r.b[10] != 0, underline: r.b[11] != 0, strike: r.b[12] != 0, charset: int(r.b[13]),
			face: faceName(r.b[18:min(len(r.b), 18+32)], int(r.b[13]))})
	case 0x012E: // SETTEXTALIGN
		s.textAlign = int(r.u16(0))
	case 0x00F7: // CREATEPALETTE
		return wp.create(palette{})
	case 0x06FF: // CREATEREGION
		return wp.create(region{})
	case 0x012D: // SELECTOBJECT
		i := int(r.u16(0))
		if i >= len(wp.objs) || wp.objs[i] == nil {
			return nil // GDI fails the call and draws on
		}
		switch o := wp.objs[i].(type) {
		case *pen:
			s.pen = o
		case *brush:
			s.brush = o
		case *logFont:
			s.font = o
		}
	case 0x01F0: // DELETEOBJECT
		if i := int(r.u16(0)); i < len(wp.objs) {
			wp.objs[i] = nil
		}
	case 0x012C: // SELECTCLIPREGION
		i := int(r.u16(0))
		if i < len(wp.objs) && wp.objs[i] != nil {
			if _, ok := wp.objs[i].(region); ok {
				p.res.Approximated++ // region clips are not applied
				return nil
			}
		}
		p.resetClip()
	case 0x0416: // INTERSECTCLIPRECT
		p.intersectClip(p.devRect(r.i16(3), r.i16(2), r.i16(1), r.i16(0)))
	case 0x0415: // EXCLUDECLIPRECT
		p.excludeClip(p.devRect(r.i16(3), r.i16(2), r.i16(1), r.i16(0)))
	case 0x0214: // MOVETO
		s.cur = [2]float64{r.i16(1), r.i16(0)}
	case 0x0213: // LINETO
		p.lineTo([]float64{r.i16(1), r.i16(0)})
	case 0x0325, 0x0324: // POLYLINE, POLYGON
		n := int(r.u16(0))
		if n*2+1 > r.words() {
			return errMalformed("%d points in a record of %d words", n, r.words())
		}
		poly := p.pts(wmfPoints(r, 1, n))
		if fn == 0x0325 {
			p.strokeLine(poly, false)
		} else {
			p.fillStroke([][]pt{poly}, true, true)
		}
	case 0x0538: // POLYPOLYGON
		n := int(r.u16(0))
		if n+1 > r.words() {
			return errMalformed("%d polygons in a record of %d words", n, r.words())
		}
		at := 1 + n
		var polys [][]pt
		for i := range n {
			c := int(r.u16(1 + i))
			if at+2*c > r.words() {
				return errMalformed("polygon points past the record")
			}
			polys = append(polys, p.pts(wmfPoints(r, at, c)))
			at += 2 * c
		}
		p.fillStroke(polys, true, true)
	case 0x041B: // RECTANGLE
		p.rect(r.i16(3), r.i16(2), r.i16(1), r.i16(0), 0, 0)
	case 0x061C: // ROUNDRECT
		p.rect(r.i16(5), r.i16(4), r.i16(3), r.i16(2), r.i16(1), r.i16(0))
	case 0x0418: // ELLIPSE
		p.ellipse(r.i16(3), r.i16(2), r.i16(1), r.i16(0))
	case 0x0817, 0x081A, 0x0830: // ARC, PIE, CHORD
		kind := map[uint16]int{0x0817: 0, 0x0830: 1, 0x081A: 2}[fn]
		p.arc(kind, r.i16(7), r.i16(6), r.i16(5), r.i16(4), r.i16(3), r.i16(2), r.i16(1), r.i16(0))
	case 0x041F: // SETPIXEL
		x, y := r.i16(3), r.i16(2)
		d := p.toDev(x, y)
		p.cv.fill([][]pt{{{d.x, d.y}, {d.x + 1, d.y}, {d.x + 1, d.y + 1}, {d.x, d.y + 1}}}, false, &paint{c: colorRef(r.u32(0))}, &s.clip)
	case 0x061D: // PATBLT
		return p.blit(r.u32(0), r.i16(5), r.i16(4), r.i16(3), r.i16(2), nil, 0, 0, 0, 0)
	case 0x0940: // DIBBITBLT
		if len(r.b) == 9*2 { // no bitmap: a pattern operation
			return p.blit(r.u32(0), r.i16(8), r.i16(7), r.i16(6), r.i16(5), nil, 0, 0, 0, 0)
		}
		img, err := p.decodeDIBAt(r, 16, p.lim.MaxPixels)
		if err != nil {
			return err
		}
		return p.blit(r.u32(0), r.i16(7), r.i16(6), r.i16(5), r.i16(4), img, r.i16(3), r.i16(2), r.i16(5), r.i16(4))
	case 0x0B41: // DIBSTRETCHBLT
		if len(r.b) == 11*2 {
			return p.blit(r.u32(0), r.i16(10), r.i16(9), r.i16(8), r.i16(7), nil, 0, 0, 0, 0)
		}
		img, err := p.decodeDIBAt(r, 20, p.lim.MaxPixels)
		if err != nil {
			return err
		}
		return p.blit(r.u32(0), r.i16(9), r.i16(8), r.i16(7), r.i16(6), img, r.i16(5), r.i16(4), r.i16(3), r.i16(2))
	case 0x0F43: // STRETCHDIB
		if r.u16(2) != 0 {
			return errUnsupported("bitmap with palette-index colours")
		}
		img, err := p.decodeDIBAt(r, 22, p.lim.MaxPixels)
		if err != nil {
			return err
		}
		return p.blit(r.u32(0), r.i16(10), r.i16(9), r.i16(8), r.i16(7), img, r.i16(6), r.i16(5), r.i16(4), r.i16(3))
	case 0x0D33: // SETDIBTODEV
		if r.u16(0) != 0 {
			return errUnsupported("bitmap with palette-index colours")
		}
		img, err := p.decodeDIBAt(r, 18, p.lim.MaxPixels)
		if err != nil {
			return err
		}
		w, h := r.i16(6), r.i16(5)
		return p.blit(ropSrcCopy<<16, r.i16(8), r.i16(7), w, h, img, r.i16(4), r.i16(3), w, h)
	case 0x0521: // TEXTOUT
		n := int(r.u16(0))
		w := (n + 1) / 2
		if 1+w+2 > r.words() {
			return errMalformed("string of %d bytes past the record", n)
		}
		lf := s.font
		if lf == nil {
			lf = &logFont{}
		}
		rs, _ := decode8(r.b[2:2+n], nil, lf)
		p.textOut(r.i16(2+w), r.i16(1+w), rs, nil, 0, nil)
	case 0x0A32: // EXTTEXTOUT
		return wp.extTextOut(r)
	default:
		return errUnsupported("record 0x%04x is allowed but has no drawing", fn)
	}
	return nil
}

// wmfPoints reads n (x, y) pairs of 16-bit coordinates from word at.
func wmfPoints(r *rec, at, n int) []float64 {
	xy := make([]float64, 0, 2*n)
	for i := range 2 * n {
		xy = append(xy, r.i16(at+i))
	}
	return xy
}

func (p *player) decodeDIBAt(r *rec, at int, maxPixels int64) (*image.RGBA, error) {
	if at >= len(r.b) {
		return nil, errMalformed("bitmap missing")
	}
	return p.cv.decodeDIB(r.b[at:], maxPixels)
}

// create puts an object into the lowest free slot of the table.
func (wp *wmfPlayer) create(o any) error {
	// An object takes the lowest free slot; the slots looked at are charged to the work
	// budget, since a full table of 65,535 made each creation after it a walk through all
	// of them (100,000 such records: 10 s).
	for i, v := range wp.objs {
		if v == nil {
			wp.cv.spendBytes(int64(i + 1))
			wp.objs[i] = o
			return nil
		}
	}
	wp.cv.spendBytes(int64(len(wp.objs)))
	// GDI fails the creation when the table is full; a later selection of the missing
	// index then draws with the current objects.
	return nil
}

// extTextOut draws META_EXTTEXTOUT: y, x, length, options, an optional rectangle, the
// string (padded to a word) and optional advances, one per byte.
func (wp *wmfPlayer) extTextOut(r *rec) error {
	p := wp.player
	n, opts := int(r.u16(2)), uint32(r.u16(3))
	off := 8
	var rect *[4]float64
	if opts&6 != 0 && len(r.b) >= 16 {
		rect = &[4]float64{r.i16(4), r.i16(5), r.i16(6), r.i16(7)}
		off = 16
	}
	if r.short || off+n > len(r.b) {
		return errMalformed("string of %d bytes past the record", n)
	}
	var dx []float64
	if d := off + n + n%2; d+2*n <= len(r.b) {
		for i := range n {
			dx = append(dx, r.i16(d/2+i))
		}
	}
	lf := p.st.font
	if lf == nil {
		lf = &logFont{}
	}
	rs, dx := decode8(r.b[off:off+n], dx, lf)
	p.textOut(r.i16(1), r.i16(0), rs, dx, opts, rect)
	return nil
}
