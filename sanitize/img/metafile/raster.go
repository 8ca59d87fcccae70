package metafile

import (
	"cmp"
	"image"
	"math"
	"slices"
)

// pt is a point in output pixels.
type pt struct{ x, y float64 }

// subRows is the vertical supersampling of the scanline filler; horizontal coverage is exact.
const subRows = 4

// paint gives the colour of an output pixel: a solid colour or a pattern brush's tile.
type paint struct {
	c    rgba
	tile *image.RGBA // nil: solid
}

type rgba struct{ r, g, b, a uint8 }

func (p *paint) at(x, y int) rgba {
	if p.tile == nil {
		return p.c
	}
	b := p.tile.Bounds()
	tx, ty := x%b.Dx(), y%b.Dy()
	o := p.tile.PixOffset(b.Min.X+tx, b.Min.Y+ty)
	s := p.tile.Pix[o : o+4]
	return rgba{s[0], s[1], s[2], s[3]}
}

// clipState is the drawable area in output pixels: one rectangle the clip records narrowed
// it to, minus the rectangles excluded since. Regions of other shapes are approximated by
// their bounding box.
type clipState struct {
	rect image.Rectangle
	excl []image.Rectangle
}

func (c clipState) clone() clipState {
	return clipState{rect: c.rect, excl: append([]image.Rectangle(nil), c.excl...)}
}

func (c *clipState) inside(x, y int) bool {
	p := image.Pt(x, y)
	for _, e := range c.excl {
		if p.In(e) {
			return false
		}
	}
	return true
}

// canvas is the output image with a scanline polygon filler (non-zero and even-odd rules,
// anti-aliased by coverage) that the records draw on.
type canvas struct {
	img *image.RGBA
	cov []float32
	// edges is reused between fills.
	edges   []edge
	work    int64 // crossings and pixels visited by fills and blits
	maxWork int64
	// xs and active are the filler's scratch, reused between fills.
	xs     []xing
	active []int
}

type xing struct {
	x   float64
	dir int
}

type edge struct {
	x0, y0, x1, y1 float64
	dir            int
}

func newCanvas(w, h int) *canvas {
	return &canvas{img: image.NewRGBA(image.Rect(0, 0, w, h)), cov: make([]float32, w+1)}
}

func (c *canvas) spend(points int) bool { return c.spendBytes(int64(points) * pointCost) }

// spendBytes charges n units (a byte of a decoded bitmap is one) to the work budget.
func (c *canvas) spendBytes(n int64) bool {
	c.work += n
	return c.work <= c.maxWork
}

// fill paints the union of the closed polygons with p under the winding rule.
func (c *canvas) fill(polys [][]pt, evenOdd bool, p *paint, clip *clipState) {
	n := 0
	for _, poly := range polys {
		n += len(poly)
	}
	if !c.spend(n) { // the edges and their sort
		return
	}
	c.edges = c.edges[:0]
	minY, maxY := math.Inf(1), math.Inf(-1)
	for _, poly := range polys {
		n := len(poly)
		if n < 2 {
			continue
		}
		for i := range n {
			a, b := poly[i], poly[(i+1)%n]
			if !finite(a) || !finite(b) || a.y == b.y {
				continue
			}
			e := edge{a.x, a.y, b.x, b.y, 1}
			if a.y > b.y {
				e = edge{b.x, b.y, a.x, a.y, -1}
			}
			c.edges = append(c.edges, e)
			minY, maxY = math.Min(minY, e.y0), math.Max(maxY, e.y1)
		}
	}
	if len(c.edges) == 0 {
		return
	}
	r := clip.rect.Intersect(c.img.Rect)
	y0 := max(int(math.Floor(minY)), r.Min.Y)
	y1 := min(int(math.Ceil(maxY)), r.Max.Y)
	if y0 >= y1 {
		return
	}
	slices.SortFunc(c.edges, func(a, b edge) int { return cmp.Compare(a.y0, b.y0) })
	xs := c.xs[:0]
	active := c.active[:0]
	defer func() { c.xs, c.active = xs, active }()
	next := 0
	w := c.img.Rect.Dx()
	for y := y0; y < y1; y++ {
		// Each row costs its crossings and its pixels; past the budget the fill stops
		// and the player refuses the picture at the next record.
		c.work += int64(len(active))*subRows + int64(r.Dx()) + 1
		if c.work > c.maxWork {
			return
		}
		lo, hi := w, 0
		for s := range subRows {
			sy := float64(y) + (float64(s)+0.5)/subRows
			for next < len(c.edges) && c.edges[next].y0 <= sy {
				active = append(active, next)
				next++
			}
			xs = xs[:0]
			k := 0
			for _, ei := range active {
				e := &c.edges[ei]
				if e.y1 <= sy {
					continue // finished
				}
				active[k] = ei
				k++
				if e.y0 > sy {
					continue
				}
				t := (sy - e.y0) / (e.y1 - e.y0)
				xs = append(xs, xing{e.x0 + t*(e.x1-e.x0), e.dir})
			}
			active = active[:k]
			slices.SortFunc(xs, func(a, b xing) int { return cmp.Compare(a.x, b.x) })
			wind := 0
			for i := 0; i+1 < len(xs); i++ {
				if evenOdd {
					wind ^= 1
				} else {
					wind += xs[i].dir
				}
				if wind == 0 {
					continue
				}
				a, b := math.Max(xs[i].x, float64(r.Min.X)), math.Min(xs[i+1].x, float64(r.Max.X))
				if b <= a {
					continue
				}
				addSpan(c.cov, a, b, 1.0/subRows)
				lo, hi = min(lo, int(a)), max(hi, int(b)+1)
			}
		}
		if lo < hi {
			c.composite(y, lo, min(hi, w), p, clip)
		}
	}
}

// addSpan adds coverage wt over [a, b) with fractional pixels at both ends.
func addSpan(cov []float32, a, b float64, wt float32) {
	i0, i1 := int(a), int(b)
	if i0 == i1 {
		cov[i0] += wt * float32(b-a)
		return
	}
	cov[i0] += wt * float32(float64(i0+1)-a)
	for i := i0 + 1; i < i1; i++ {
		cov[i] += wt
	}
	if i1 < len(cov) {
		cov[i1] += wt * float32(b-float64(i1))
	}
}

// composite blends row y's coverage in [lo, hi) over the image and clears it.
func (c *canvas) composite(y, lo, hi int, p *paint, clip *clipState) {
	solid := p.tile == nil && p.c.a == 255
	// Each pixel is tested against every excluded rectangle (up to 256): that is work
	// the row's pixel count alone does not show.
	c.work += int64(hi-lo) * int64(len(clip.excl))
	row := c.img.Pix[c.img.PixOffset(0, y):]
	for x := lo; x < hi; x++ {
		cv := c.cov[x]
		c.cov[x] = 0
		if cv <= 0 || len(clip.excl) > 0 && !clip.inside(x, y) {
			continue
		}
		if solid && cv >= 0.999 {
			// Fully covered by an opaque colour: most pixels of a filled shape.
			copy(row[4*x:4*x+4], []uint8{p.c.r, p.c.g, p.c.b, 255})
			continue
		}
		c.blend(x, y, p.at(x, y), min(cv, 1))
	}
	c.cov[hi] = 0
}

// blend draws colour s with coverage cv over pixel (x, y), source-over, premultiplied.
func (c *canvas) blend(x, y int, s rgba, cv float32) {
	o := c.img.PixOffset(x, y)
	d := c.img.Pix[o : o+4 : o+4]
	a := float32(s.a) / 255 * cv
	ia := 1 - a
	d[0] = uint8(float32(s.r)*a + float32(d[0])*ia + 0.5)
	d[1] = uint8(float32(s.g)*a + float32(d[1])*ia + 0.5)
	d[2] = uint8(float32(s.b)*a + float32(d[2])*ia + 0.5)
	d[3] = uint8(255*a + float32(d[3])*ia + 0.5)
}

func finite(p pt) bool {
	return !math.IsNaN(p.x) && !math.IsNaN(p.y) && !math.IsInf(p.x, 0) && !math.IsInf(p.y, 0) &&
		math.Abs(p.x) < 1e7 && math.Abs(p.y) < 1e7
}

// strokePolys turns a polyline of width w (output pixels) into polygons whose non-zero
// union is the stroke: one quadrilateral per segment, all wound the same way so that
// overlaps add up, and a square at each inner joint so that corners are not notched.
func strokePolys(line []pt, closed bool, w float64) [][]pt {
	if w < 1 {
		w = 1
	}
	h := w / 2
	var out [][]pt
	n := len(line)
	segs := n - 1
	if closed && n > 2 {
		segs = n
	}
	for i := range segs {
		a, b := line[i], line[(i+1)%n]
		dx, dy := b.x-a.x, b.y-a.y
		l := math.Hypot(dx, dy)
		if l == 0 {
			continue
		}
		nx, ny := -dy/l*h, dx/l*h
		// The line's ends are extended by half a pixel for thin pens so that a one-pixel
		// rule drawn between two points covers both end pixels, as GDI's does.
		ex, ey := 0.0, 0.0
		if w <= 1.5 {
			ex, ey = dx/l*0.5, dy/l*0.5
		}
		out = append(out, []pt{{a.x + nx - ex, a.y + ny - ey}, {b.x + nx + ex, b.y + ny + ey}, {b.x - nx + ex, b.y - ny + ey}, {a.x - nx - ex, a.y - ny - ey}})
	}
	if w > 2 {
		for i, p := range line {
			if !closed && (i == 0 || i == n-1) {
				continue
			}
			out = append(out, []pt{{p.x - h, p.y - h}, {p.x + h, p.y - h}, {p.x + h, p.y + h}, {p.x - h, p.y + h}})
		}
	}
	for _, q := range out {
		if area(q) < 0 {
			q[1], q[3] = q[3], q[1]
		}
	}
	return out
}

func area(p []pt) float64 {
	s := 0.0
	for i := range p {
		a, b := p[i], p[(i+1)%len(p)]
		s += a.x*b.y - b.x*a.y
	}
	return s / 2
}

// ellipsePts approximates the ellipse in box (l, t, r, b) from angle a0 to a1 (radians,
// y down) with segments short enough for the output scale.
func ellipsePts(cx, cy, rx, ry, a0, a1 float64) []pt {
	span := a1 - a0
	n := int(math.Ceil(math.Abs(span) / (2 * math.Pi) * 64))
	n = max(min(n, 256), 2)
	out := make([]pt, 0, n+1)
	for i := 0; i <= n; i++ {
		a := a0 + span*float64(i)/float64(n)
		out = append(out, pt{cx + rx*math.Cos(a), cy + ry*math.Sin(a)})
	}
	return out
}
