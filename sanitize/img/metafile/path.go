package metafile

import (
	"image"
	"math"
)

// pathBuf collects the figures drawn between BeginPath and EndPath, in output pixels (GDI
// keeps paths in device space, so later transform changes do not move them).
type pathBuf struct {
	figs  []fig
	open  bool // the last figure is still being extended by LineTo and PolyBezierTo
	ended bool
}

type fig struct {
	pts    []pt
	closed bool
}

func (pb *pathBuf) add(pts []pt, closed bool) {
	pb.figs = append(pb.figs, fig{pts: pts, closed: closed})
	pb.open = false
}

func (pb *pathBuf) size() int {
	n := 0
	for _, f := range pb.figs {
		n += len(f.pts)
	}
	return n
}

func (p *player) pathMove() {
	if p.path != nil {
		p.path.open = false
	}
}

// lineTo draws (or adds to the path) lines from the current position through xy.
func (p *player) lineTo(xy []float64) {
	if len(xy) < 2 {
		return
	}
	line := append([]pt{p.toDev(p.st.cur[0], p.st.cur[1])}, p.pts(xy)...)
	p.st.cur = [2]float64{xy[len(xy)-2], xy[len(xy)-1]}
	if p.path != nil && !p.path.ended {
		if p.path.open && len(p.path.figs) > 0 {
			f := &p.path.figs[len(p.path.figs)-1]
			f.pts = append(f.pts, line[1:]...)
		} else {
			p.path.figs = append(p.path.figs, fig{pts: line})
			p.path.open = true
		}
		return
	}
	p.strokeLine(line, false)
}

// poly draws EMR_POLYBEZIER (2), POLYGON (3), POLYLINE (4), POLYBEZIERTO (5) and
// POLYLINETO (6).
func (p *player) poly(kind int, xy []float64) {
	switch kind {
	case 3:
		p.fillStroke([][]pt{p.pts(xy)}, true, true)
	case 4:
		p.strokeLine(p.pts(xy), false)
	case 6:
		p.lineTo(xy)
	case 2:
		if len(xy) < 2 {
			return
		}
		p.st.cur = [2]float64{xy[0], xy[1]}
		p.pathMove()
		saved := p.st.cur
		p.lineTo(p.flattenBeziers(xy[0], xy[1], xy[2:]))
		p.st.cur = saved
		p.pathMove()
	case 5:
		p.lineTo(p.flattenBeziers(p.st.cur[0], p.st.cur[1], xy))
	}
}

// flattenBeziers turns cubic segments (three points each, after the start point) into
// line points (none once the work budget is spent: sixteen points for each).
func (p *player) flattenBeziers(x0, y0 float64, xy []float64) []float64 {
	const steps = 16
	if !p.spend(len(xy) / 6 * steps) {
		return nil
	}
	var out []float64
	for i := 0; i+5 < len(xy); i += 6 {
		x1, y1, x2, y2, x3, y3 := xy[i], xy[i+1], xy[i+2], xy[i+3], xy[i+4], xy[i+5]
		for s := 1; s <= steps; s++ {
			t := float64(s) / steps
			u := 1 - t
			a, b, c, d := u*u*u, 3*u*u*t, 3*u*t*t, t*t*t
			out = append(out, a*x0+b*x1+c*x2+d*x3, a*y0+b*y1+c*y2+d*y3)
		}
		x0, y0 = x3, y3
	}
	return out
}

// drawPath fills and/or strokes the path and discards it.
func (p *player) drawPath(fill, stroke bool) {
	pb := p.path
	p.path = nil
	if pb == nil {
		return
	}
	if fill {
		var polys [][]pt
		for _, f := range pb.figs {
			polys = append(polys, f.pts)
		}
		p.fillStroke(polys, true, false)
	}
	if stroke {
		for _, f := range pb.figs {
			p.strokeLine(f.pts, f.closed)
		}
	}
}

// clipPath clips to the bounding box of the path (a path clip of another shape is
// approximated).
func (p *player) clipPath() {
	pb := p.path
	p.path = nil
	if pb == nil || len(pb.figs) == 0 {
		return
	}
	p.res.Approximated++
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, f := range pb.figs {
		for _, q := range f.pts {
			if finite(q) {
				x0, y0, x1, y1 = math.Min(x0, q.x), math.Min(y0, q.y), math.Max(x1, q.x), math.Max(y1, q.y)
			}
		}
	}
	if x0 <= x1 {
		p.intersectClip(image.Rect(int(math.Floor(x0)), int(math.Floor(y0)), int(math.Ceil(x1)), int(math.Ceil(y1))))
	}
}
