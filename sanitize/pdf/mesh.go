package pdf

import (
	"errors"
	"fmt"
	"slices"
)

// Mesh shadings (types 4 to 7, 8.7.4.5.5 to 8.7.4.5.8) carry their geometry as packed
// bit fields that a viewer's shading decoder reads. The data is read record by record
// (a vertex, or a patch) at the widths the dictionary gives and packed again: a record
// with a flag the type does not define, a partial last record, and whatever follows
// are dropped. Vertices of types 4 and 5 start on a byte boundary; patches do not (as
// pdf.js, MuPDF and hayro read them).

var (
	meshCoordBits = []int64{1, 2, 4, 8, 12, 16, 24, 32}
	meshCompBits  = []int64{1, 2, 4, 8, 12, 16}
	meshFlagBits  = []int64{2, 4, 8}
)

// meshLayout is the shape of one shading's records.
type meshLayout struct {
	typ                   int64
	coord, comp, flag, nc int
	perRow                int
}

// newMeshLayout checks a rebuilt shading dictionary's mesh entries.
func newMeshLayout(st int64, out dict) (meshLayout, error) {
	bits := func(key string, allowed []int64) (int, error) {
		v, ok := out[key].(int64)
		if !ok || !slices.Contains(allowed, v) {
			return 0, fmt.Errorf("/%s %v", key, out[key])
		}
		return int(v), nil
	}
	l := meshLayout{typ: st}
	var err error
	if l.coord, err = bits("BitsPerCoordinate", meshCoordBits); err != nil {
		return l, err
	}
	if l.comp, err = bits("BitsPerComponent", meshCompBits); err != nil {
		return l, err
	}
	if st != 5 {
		if l.flag, err = bits("BitsPerFlag", meshFlagBits); err != nil {
			return l, err
		}
	} else {
		v, ok := out["VerticesPerRow"].(int64)
		if !ok || v < 2 || v > 1<<16 {
			return l, fmt.Errorf("/VerticesPerRow %v", out["VerticesPerRow"])
		}
		l.perRow = int(v)
	}
	l.nc = ncomp(out["ColorSpace"])
	if out["Function"] != nil {
		l.nc = 1 // one parametric value t per vertex
	}
	if d, ok := out["Decode"].(array); !ok || l.nc == 0 || len(d) != 4+2*l.nc {
		return l, fmt.Errorf("/Decode %v for %d colour components", out["Decode"], l.nc)
	}
	return l, nil
}

type bitReader struct {
	b   []byte
	pos int // in bits
}

func (r *bitReader) read(n int) (uint64, bool) {
	if r.pos+n > 8*len(r.b) {
		return 0, false
	}
	var v uint64
	for range n {
		v = v<<1 | uint64(r.b[r.pos>>3]>>(7-r.pos&7)&1)
		r.pos++
	}
	return v, true
}

func (r *bitReader) align() { r.pos = (r.pos + 7) &^ 7 }

type bitWriter struct {
	b   []byte
	pos int
}

func (w *bitWriter) write(v uint64, n int) {
	for i := n - 1; i >= 0; i-- {
		if w.pos&7 == 0 {
			w.b = append(w.b, 0)
		}
		w.b[len(w.b)-1] |= byte(v>>i&1) << (7 - w.pos&7)
		w.pos++
	}
}

func (w *bitWriter) align() { w.pos = (w.pos + 7) &^ 7 }

// widths returns the field widths of a record that starts with flag (0 for type 5).
func (l meshLayout) widths(flag uint64) []int {
	var ws []int
	add := func(n, width int) {
		for range n {
			ws = append(ws, width)
		}
	}
	switch l.typ {
	case 4, 5:
		if l.typ == 4 {
			add(1, l.flag)
		}
		add(2, l.coord)
		add(l.nc, l.comp)
	case 6, 7:
		points, colours := 12, 4
		if l.typ == 7 {
			points = 16
		}
		if flag != 0 {
			points, colours = points-4, 2 // an edge and two colours come from the previous patch
		}
		add(1, l.flag)
		add(2*points, l.coord)
		add(colours*l.nc, l.comp)
	}
	return ws
}

// next reads one record, or returns false at the end of the data or at a patch flag
// the type does not define.
func (l meshLayout) next(r *bitReader, first bool) ([]uint64, bool) {
	var flag uint64
	if l.typ == 6 || l.typ == 7 {
		v, ok := r.read(l.flag)
		if !ok || v > 3 || first && v != 0 {
			return nil, false
		}
		flag = v
	}
	ws := l.widths(flag)
	rec := make([]uint64, 0, len(ws))
	if l.typ == 6 || l.typ == 7 {
		rec, ws = append(rec, flag), ws[1:]
	}
	for _, n := range ws {
		v, ok := r.read(n)
		if !ok {
			return nil, false
		}
		rec = append(rec, v)
	}
	if l.typ == 4 || l.typ == 5 {
		r.align()
	}
	return rec, true
}

// repack reads the mesh records of data and writes the complete ones again.
func (l meshLayout) repack(data []byte) ([]byte, error) {
	r := &bitReader{b: data}
	var recs [][]uint64
	for len(recs) < 1<<24 {
		rec, ok := l.next(r, len(recs) == 0)
		if !ok {
			break
		}
		recs = append(recs, rec)
	}
	keep := len(recs)
	switch l.typ {
	case 4:
		// A flag-0 vertex begins a triangle the next two complete (their flags are not
		// read: written as 0); flags 1 and 2 extend the previous triangle.
		keep = 0
		pending := 0
		for i, rec := range recs {
			switch {
			case pending > 0:
				rec[0] = 0
				pending--
				if pending == 0 {
					keep = i + 1
				}
			case rec[0] == 0:
				pending = 2
			case rec[0] <= 2 && keep > 0:
				keep = i + 1
			default:
				pending = -1
			}
			if pending < 0 {
				break
			}
		}
	case 5:
		keep -= keep % l.perRow
		if keep < 2*l.perRow {
			keep = 0
		}
	}
	if keep == 0 {
		return nil, errors.New("no complete mesh")
	}
	w := &bitWriter{}
	for _, rec := range recs[:keep] {
		for i, n := range l.widths(rec[0]) {
			w.write(rec[i], n)
		}
		if l.typ == 4 || l.typ == 5 {
			w.align()
		}
	}
	return w.b, nil
}
