package metafile

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"

	"github.com/sekisho/sekisho/sanitize"
)

// Limits bound one rendering. Zero fields take the defaults.
type Limits struct {
	MaxBytes   int     // input size (default 64 MiB)
	MaxRecords int     // records (default 1,000,000)
	MaxPixels  int64   // output width*height, and each embedded bitmap (default 50,000,000)
	MaxSide    int     // longest output side in pixels (default 2048: wider than a page at 150 dpi)
	DPI        float64 // output resolution for the picture's physical size (default 150)
	// NoSystemFonts draws the characters the Go fonts lack as boxes even where a system
	// CJK font is installed (see fallback.go).
	NoSystemFonts bool
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = 64 << 20
	}
	if l.MaxRecords <= 0 {
		l.MaxRecords = 1_000_000
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = 50_000_000
	}
	if l.MaxSide <= 0 {
		l.MaxSide = 2048
	}
	if l.DPI <= 0 {
		l.DPI = 150
	}
	return l
}

// Result is a rendered picture and what of it was not drawn.
type Result struct {
	Image   *image.RGBA
	Kind    string // "WMF" or "EMF"
	Records int
	// Text counts text records. They are drawn in the Go fonts (the producer's fonts are
	// not in the file): Glyphs characters had a glyph there or in the system CJK font
	// (Fallback of them, the latter), Boxes had neither and are drawn as the Go fonts'
	// empty box (CJK text when no CJK font is installed).
	Text, Glyphs, Fallback, Boxes int
	// Shapes counts the drawing operations other than text that painted something.
	Shapes int
	// Approximated counts records drawn approximately (dash styles, arc directions under
	// mirroring, raster operations other than copy/and/or/xor, non-rectangular clips).
	Approximated int
}

// maxObjects bounds the object table (WMF's header says 16 bits; EMF's as well).
const maxObjects = 65535

// errUnsupported wraps sanitize.ErrUnsupported with the record that is not drawn, so that
// the caller can keep the picture out with a reason instead of drawing it wrong.
func errUnsupported(format string, a ...any) error {
	return fmt.Errorf("%w: %s", sanitize.ErrUnsupported, fmt.Sprintf(format, a...))
}

func errMalformed(format string, a ...any) error {
	return fmt.Errorf("%w: %s", sanitize.ErrMalformed, fmt.Sprintf(format, a...))
}

// Render draws a WMF (with or without the placeable header) or an EMF into a new RGBA
// image with a transparent background.
func Render(ctx context.Context, data []byte, lim Limits) (*Result, error) {
	lim = lim.withDefaults()
	if len(data) > lim.MaxBytes {
		return nil, &sanitize.LimitError{Limit: "metafile bytes", Max: int64(lim.MaxBytes), Got: int64(len(data))}
	}
	switch Kind(data) {
	case "WMF":
		return renderWMF(ctx, data, lim)
	case "EMF":
		return renderEMF(ctx, data, lim)
	}
	return nil, errMalformed("not a WMF or EMF header")
}

// Kind names the metafile format from the first bytes: "WMF", "EMF" or "".
func Kind(head []byte) string {
	switch {
	case len(head) >= 4 && string(head[:4]) == "\xd7\xcd\xc6\x9a":
		return "WMF"
	case len(head) >= 6 && (head[0] == 1 || head[0] == 2) && head[1] == 0 && head[2] == 9 && head[3] == 0 && head[4] == 0 && (head[5] == 1 || head[5] == 3):
		return "WMF"
	case len(head) >= 44 && head[0] == 1 && head[1] == 0 && head[2] == 0 && head[3] == 0 && string(head[40:44]) == " EMF":
		return "EMF"
	}
	return ""
}

// outputSize scales a picture of w x h units at perInch units per inch to the output
// resolution, then down to the pixel limits, keeping the aspect ratio.
func outputSize(w, h, perInch float64, lim Limits) (int, int, error) {
	if !(w > 0 && h > 0 && perInch > 0) || math.IsInf(w, 0) || math.IsInf(h, 0) {
		return 0, 0, errMalformed("picture size %gx%g", w, h)
	}
	s := lim.DPI / perInch
	pw, ph := w*s, h*s
	if m := math.Max(pw, ph); m > float64(lim.MaxSide) {
		pw, ph = pw*float64(lim.MaxSide)/m, ph*float64(lim.MaxSide)/m
	}
	if px := pw * ph; px > float64(lim.MaxPixels) {
		f := math.Sqrt(float64(lim.MaxPixels) / px)
		pw, ph = pw*f, ph*f
	}
	iw, ih := max(int(math.Round(pw)), 1), max(int(math.Round(ph)), 1)
	if int64(iw)*int64(ih) > lim.MaxPixels || max(iw, ih) > lim.MaxSide {
		iw, ih = max(int(pw), 1), max(int(ph), 1)
	}
	if iw > lim.MaxSide || ih > lim.MaxSide || int64(iw)*int64(ih) > lim.MaxPixels {
		return 0, 0, &sanitize.LimitError{Limit: "limits.max_pixels", Max: lim.MaxPixels, Got: int64(iw) * int64(ih)}
	}
	return iw, ih, nil
}

// Objects a metafile creates and selects.
type pen struct {
	style int // PS_* low nibble; 5 = PS_NULL
	width float64
	color rgba
}

type brush struct {
	style int // BS_SOLID 0, BS_NULL 1, BS_HATCHED 2, BS_PATTERN 3, BS_DIBPATTERN 5
	color rgba
	hatch int
	tile  *image.RGBA
}

type palette struct{}

type region struct{}

// xform is an affine transform: x' = a*x + c*y + e, y' = b*x + d*y + f.
type xform struct{ a, b, c, d, e, f float64 }

var identity = xform{a: 1, d: 1}

func (t xform) apply(x, y float64) (float64, float64) {
	return t.a*x + t.c*y + t.e, t.b*x + t.d*y + t.f
}

// then is t followed by u.
func (t xform) then(u xform) xform {
	return xform{
		a: t.a*u.a + t.b*u.c, b: t.a*u.b + t.b*u.d,
		c: t.c*u.a + t.d*u.c, d: t.c*u.b + t.d*u.d,
		e: t.e*u.a + t.f*u.c + u.e, f: t.e*u.b + t.f*u.d + u.f,
	}
}

// dc is the drawing state SaveDC saves.
type dc struct {
	pen              *pen
	brush            *brush
	font             *logFont
	textAlign        int
	textColor, bkClr rgba
	bkMode           int // 1 TRANSPARENT, 2 OPAQUE
	evenOdd          bool
	mapMode          int
	wOrg, wExt       [2]float64
	vOrg, vExt       [2]float64
	world            xform
	cur              [2]float64 // logical
	clip             clipState
	rop2             int
}

var (
	blackPen   = &pen{color: rgba{0, 0, 0, 255}}
	whiteBrush = &brush{color: rgba{255, 255, 255, 255}}
	nullPen    = &pen{style: 5}
	nullBrush  = &brush{style: 1}
)

// player is the state shared by the WMF and EMF players.
type player struct {
	ctx   context.Context
	lim   Limits
	res   *Result
	cv    *canvas
	st    dc
	stack []dc
	// dev maps page space (after the world transform and the window/viewport mapping) to
	// output pixels.
	dev  xform
	path *pathBuf // EMF BeginPath..EndPath
	// devPerMM is the reference device's pixels per millimetre (EMF header) for the metric
	// mapping modes; WMF pictures always use the window mapping.
	devPerMM float64
}

func newPlayer(ctx context.Context, lim Limits, kind string, w, h int) *player {
	p := &player{ctx: ctx, lim: lim, res: &Result{Kind: kind}, cv: newCanvas(w, h)}
	p.res.Image = p.cv.img
	// The drawing work of all fills and blits together is bounded, so that a small file
	// of many full-picture fills, or of records that make many points, ends in bounded
	// time and memory even without a deadline.
	p.cv.maxWork = 64*int64(w)*int64(h) + 1<<26
	p.st = dc{pen: blackPen, brush: whiteBrush, textColor: rgba{0, 0, 0, 255}, bkClr: rgba{255, 255, 255, 255},
		bkMode: 2, evenOdd: true, mapMode: 1, wExt: [2]float64{1, 1}, vExt: [2]float64{1, 1}, world: identity, rop2: 13,
		clip: clipState{rect: p.cv.img.Rect}}
	p.dev = identity
	return p
}

// step is called once per record: it counts records and stops on the deadline.
func (p *player) step() error {
	p.res.Records++
	if p.res.Records > p.lim.MaxRecords {
		return &sanitize.LimitError{Limit: "metafile records", Max: int64(p.lim.MaxRecords), Got: int64(p.res.Records)}
	}
	return p.checkWork()
}

// checkWork refuses a picture whose drawing went over the work budget (a record that did
// stopped drawing there) or whose deadline passed. It runs before each record and once
// after the last, so that the last record's work counts too.
func (p *player) checkWork() error {
	if w := p.cv.work; w > p.cv.maxWork {
		return &sanitize.LimitError{Limit: "metafile drawing work (pixels, points and edge crossings)", Max: p.cv.maxWork, Got: w}
	}
	return p.ctx.Err()
}

// pointCost is the work charged for each point a record makes: transformed, flattened
// from a curve, stroked or taken from a glyph outline. A point costs about what a few
// pixels filled do, and then an edge and its share of the fill's sort; charging it before
// it is made bounds the time and memory of records that multiply points (a short text
// record of many characters, a long Bézier or a wide pen), which the pixel count alone
// would see only after they were all built.
const pointCost = 16

// spend charges n points to the work budget and reports whether it still holds: a record
// stops making points when it does not, and the picture is refused.
func (p *player) spend(n int) bool { return p.cv.spend(n) }

// toDev maps a logical point to output pixels.
func (p *player) toDev(x, y float64) pt {
	x, y = p.st.world.apply(x, y)
	x, y = p.pageToDevice(x, y)
	x, y = p.dev.apply(x, y)
	return pt{x, y}
}

// pageToDevice applies the mapping mode. The metric modes map 1 unit to a physical
// length, y up; the player's dev transform takes device units to output pixels.
func (p *player) pageToDevice(x, y float64) (float64, float64) {
	s := &p.st
	switch s.mapMode {
	case 7, 8: // MM_ISOTROPIC, MM_ANISOTROPIC
		sx, sy := s.vExt[0]/s.wExt[0], s.vExt[1]/s.wExt[1]
		if s.mapMode == 7 {
			m := math.Min(math.Abs(sx), math.Abs(sy))
			sx, sy = math.Copysign(m, sx), math.Copysign(m, sy)
		}
		return (x-s.wOrg[0])*sx + s.vOrg[0], (y-s.wOrg[1])*sy + s.vOrg[1]
	case 2, 3, 4, 5, 6:
		mm := [...]float64{2: 0.1, 3: 0.01, 4: 0.254, 5: 0.0254, 6: 25.4 / 1440}[s.mapMode]
		k := mm * p.devPerMM
		return (x-s.wOrg[0])*k + s.vOrg[0], -(y-s.wOrg[1])*k + s.vOrg[1]
	}
	return x - s.wOrg[0] + s.vOrg[0], y - s.wOrg[1] + s.vOrg[1]
}

// scale is the output length of one logical unit (for pen widths).
func (p *player) scale() float64 {
	o := p.toDev(0, 0)
	a, b := p.toDev(1, 0), p.toDev(0, 1)
	return math.Sqrt(math.Abs((a.x-o.x)*(b.y-o.y) - (a.y-o.y)*(b.x-o.x)))
}

func (p *player) pts(xy []float64) []pt {
	p.spend(len(xy) / 2)
	out := make([]pt, 0, len(xy)/2)
	for i := 0; i+1 < len(xy); i += 2 {
		out = append(out, p.toDev(xy[i], xy[i+1]))
	}
	return out
}

func (p *player) brushPaint(b *brush) *paint {
	if b == nil || b.style == 1 {
		return nil
	}
	if b.tile != nil {
		return &paint{tile: b.tile}
	}
	if b.style == 2 {
		return &paint{tile: hatchTile(b.hatch, b.color, p.st.bkClr, p.st.bkMode == 2)}
	}
	return &paint{c: b.color}
}

// hatchTile is the 8x8 hatch pattern of a BS_HATCHED brush.
func hatchTile(style int, fg, bg rgba, opaque bool) *image.RGBA {
	t := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for y := range 8 {
		for x := range 8 {
			on := false
			switch style {
			case 0: // HS_HORIZONTAL
				on = y == 4
			case 1: // HS_VERTICAL
				on = x == 4
			case 2: // HS_FDIAGONAL
				on = x == y
			case 3: // HS_BDIAGONAL
				on = x == 7-y
			case 4: // HS_CROSS
				on = x == 4 || y == 4
			default: // HS_DIAGCROSS
				on = x == y || x == 7-y
			}
			c := fg
			if !on {
				if !opaque {
					continue
				}
				c = bg
			}
			o := t.PixOffset(x, y)
			copy(t.Pix[o:], []uint8{c.r, c.g, c.b, c.a})
		}
	}
	return t
}

// fillStroke fills the polygons with the brush and outlines them with the pen.
func (p *player) fillStroke(polys [][]pt, fill, stroke bool) {
	if p.path != nil && !p.path.ended {
		for _, poly := range polys {
			p.path.add(poly, true)
		}
		return
	}
	if p.st.rop2 == 11 { // R2_NOP
		return
	}
	if fill {
		if pa := p.brushPaint(p.st.brush); pa != nil {
			p.res.Shapes++
			p.cv.fill(polys, p.st.evenOdd, pa, &p.st.clip)
		}
	}
	if stroke {
		for _, poly := range polys {
			p.strokeLine(poly, fill)
		}
	}
}

func (p *player) strokeLine(line []pt, closed bool) {
	if p.path != nil && !p.path.ended {
		p.path.add(line, closed)
		return
	}
	pe := p.st.pen
	if pe == nil || pe.style&0xf == 5 || len(line) < 2 || p.st.rop2 == 11 {
		return
	}
	if !p.spend(8 * len(line)) { // strokePolys makes up to eight points of each
		return
	}
	if s := pe.style & 0xf; s >= 1 && s <= 4 {
		p.res.Approximated++ // dashes drawn solid
	}
	w := pe.width * p.scale()
	if pe.width == 0 {
		w = 1
	}
	// GDI draws a line through pixel centres: the line at x = 10 is pixel column 10,
	// which spans 10..11 here.
	c := make([]pt, len(line))
	for i, q := range line {
		c[i] = pt{q.x + 0.5, q.y + 0.5}
	}
	p.res.Shapes++
	p.cv.fill(strokePolys(c, closed, w), false, &paint{c: pe.color}, &p.st.clip)
}

// rect draws a rectangle, rounded when rw, rh > 0.
func (p *player) rect(l, t, r, b, rw, rh float64) {
	var poly []float64
	if rw <= 0 || rh <= 0 {
		poly = []float64{l, t, r, t, r, b, l, b}
	} else {
		rx, ry := math.Min(rw/2, math.Abs(r-l)/2), math.Min(rh/2, math.Abs(b-t)/2)
		x0, x1 := math.Min(l, r), math.Max(l, r)
		y0, y1 := math.Min(t, b), math.Max(t, b)
		corner := func(cx, cy, a0 float64) {
			for _, q := range ellipsePts(cx, cy, rx, ry, a0, a0+math.Pi/2) {
				poly = append(poly, q.x, q.y)
			}
		}
		corner(x1-rx, y0+ry, -math.Pi/2)
		corner(x1-rx, y1-ry, 0)
		corner(x0+rx, y1-ry, math.Pi/2)
		corner(x0+rx, y0+ry, math.Pi)
	}
	p.fillStroke([][]pt{p.pts(poly)}, true, true)
}

// arc draws an arc (0), chord (1) or pie (2) of the ellipse in the box from the radial
// through (x1, y1) counter-clockwise to the one through (x2, y2). Counter-clockwise is
// taken in logical space with y down, which is the default arc direction of GDI.
func (p *player) arc(kind int, l, t, r, b, x1, y1, x2, y2 float64) {
	cx, cy := (l+r)/2, (t+b)/2
	rx, ry := math.Abs(r-l)/2, math.Abs(b-t)/2
	if rx == 0 || ry == 0 {
		return
	}
	a0 := math.Atan2((y1-cy)/ry, (x1-cx)/rx)
	a1 := math.Atan2((y2-cy)/ry, (x2-cx)/rx)
	for a1 >= a0 {
		a1 -= 2 * math.Pi
	}
	pts := ellipsePts(cx, cy, rx, ry, a0, a1)
	var xy []float64
	for _, q := range pts {
		xy = append(xy, q.x, q.y)
	}
	if kind == 2 {
		xy = append(xy, cx, cy)
	}
	d := p.pts(xy)
	if kind == 0 {
		p.strokeLine(d, false)
		return
	}
	p.fillStroke([][]pt{d}, true, true)
}

func (p *player) ellipse(l, t, r, b float64) {
	pts := ellipsePts((l+r)/2, (t+b)/2, math.Abs(r-l)/2, math.Abs(b-t)/2, 0, 2*math.Pi)
	var xy []float64
	for _, q := range pts[:len(pts)-1] {
		xy = append(xy, q.x, q.y)
	}
	p.fillStroke([][]pt{p.pts(xy)}, true, true)
}

// fillRectDev paints an axis-aligned rectangle given in logical units with a paint,
// ignoring the pen (PatBlt, an opaque text background).
func (p *player) fillRect(l, t, r, b float64, pa *paint) {
	if pa == nil {
		return
	}
	p.cv.fill([][]pt{p.pts([]float64{l, t, r, t, r, b, l, b})}, false, pa, &p.st.clip)
}

// devRect is the output-pixel bounding box of a logical rectangle.
func (p *player) devRect(l, t, r, b float64) image.Rectangle {
	q := p.pts([]float64{l, t, r, t, r, b, l, b})
	x0, y0, x1, y1 := q[0].x, q[0].y, q[0].x, q[0].y
	for _, v := range q[1:] {
		x0, y0, x1, y1 = math.Min(x0, v.x), math.Min(y0, v.y), math.Max(x1, v.x), math.Max(y1, v.y)
	}
	clampF := func(v float64) int { return int(math.Round(math.Max(-1e6, math.Min(1e6, v)))) }
	return image.Rect(clampF(x0), clampF(y0), clampF(x1), clampF(y1))
}

func (p *player) intersectClip(r image.Rectangle) { p.st.clip.rect = p.st.clip.rect.Intersect(r) }

func (p *player) excludeClip(r image.Rectangle) {
	if len(p.st.clip.excl) >= 256 {
		p.res.Approximated++
		return
	}
	p.st.clip.excl = append(p.st.clip.excl, r)
}

func (p *player) resetClip() { p.st.clip = clipState{rect: p.cv.img.Rect} }

func (p *player) save() error {
	if len(p.stack) >= 1024 {
		return errUnsupported("more than 1024 nested SaveDC")
	}
	s := p.st
	// The saved state holds its own copy of the excluded rectangles (up to 256): a file
	// of SaveDC/RestoreDC pairs under many exclusions copied 3.5 GB from 9 MB. The copy is
	// charged as the bytes it moves.
	if !p.cv.spendBytes(32 * int64(len(s.clip.excl))) {
		return nil // refused at the next record
	}
	s.clip = s.clip.clone()
	p.stack = append(p.stack, s)
	return nil
}

// restore pops to the n-th saved state: n < 0 is relative (-1 the last), n > 0 absolute.
func (p *player) restore(n int) {
	i := len(p.stack) + n
	if n > 0 {
		i = n - 1
	}
	if i < 0 || i >= len(p.stack) {
		return // GDI ignores a RestoreDC with no matching SaveDC
	}
	p.st = p.stack[i]
	p.stack = p.stack[:i]
}

var errStop = errors.New("end of metafile")

// colorRef reads a COLORREF (0x00bbggrr); palette-indexed colours (flag 0x01) are rare in
// documents and drawn black.
func colorRef(v uint32) rgba {
	if v>>24 == 1 {
		return rgba{0, 0, 0, 255}
	}
	return rgba{uint8(v), uint8(v >> 8), uint8(v >> 16), 255}
}
