package pdf

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// probeUnitsPerEm is the unitsPerEm of the OpenType container a bare CFF program is
// wrapped in for sfnt: loading glyphs at this many pixels per em gives coordinates in
// font units (times 64).
const probeUnitsPerEm = 1000

// cffProbe wraps a CFF program of n glyphs in the minimal OpenType tables sfnt needs.
func cffProbe(cff []byte, n int) map[string][]byte {
	head := make([]byte, 54)
	binary.BigEndian.PutUint32(head, 0x00010000)
	binary.BigEndian.PutUint32(head[12:], 0x5F0F3CF5)
	binary.BigEndian.PutUint16(head[18:], probeUnitsPerEm)
	hhea := make([]byte, 36)
	binary.BigEndian.PutUint32(hhea, 0x00010000)
	binary.BigEndian.PutUint16(hhea[34:], 1)
	maxp := make([]byte, 6)
	binary.BigEndian.PutUint32(maxp, 0x00005000)
	binary.BigEndian.PutUint16(maxp[4:], uint16(n))
	hmtx := make([]byte, 4+2*(n-1))
	return map[string][]byte{"head": head, "hhea": hhea, "maxp": maxp, "hmtx": hmtx, "CFF ": cff,
		"cmap": emptyCmap(), "post": post3()}
}

// rebuildCFF parses a CFF program and writes a new one from what cff.go keeps of it.
// The new program is checked by sfnt like any other: every glyph must load.
func rebuildCFF(data []byte) ([]byte, error) {
	f, err := parseCFF(data)
	if err != nil {
		return nil, err
	}
	sf, err := sfnt.Parse(writeTables(0x4f54544f, cffProbe(data, f.numGlyphs)))
	if err != nil {
		return nil, err
	}
	var buf sfnt.Buffer
	f.glyphs = make([][]byte, f.numGlyphs)
	for g := range f.numGlyphs {
		segs, err := sf.LoadGlyph(&buf, sfnt.GlyphIndex(g), fixed.I(probeUnitsPerEm), nil)
		if err != nil {
			return nil, fmt.Errorf("glyph %d: %v", g, err)
		}
		if f.glyphs[g], err = type2Glyph(segs, cffWidth(f.src[g], f.privs[f.fdOf(g)])); err != nil {
			return nil, fmt.Errorf("glyph %d: %v", g, err)
		}
	}
	out := f.write()
	if err := check(0x4f54544f, cffProbe(out, f.numGlyphs)); err != nil {
		return nil, fmt.Errorf("rebuilt program: %v", err)
	}
	return out, nil
}

// type2Glyph writes a glyph's outline as a Type 2 charstring: the width (nominalWidthX
// and defaultWidthX of the rebuilt font are 0), then rmoveto, rlineto and rrcurveto
// with relative coordinates in font units, then endchar.
func type2Glyph(segs sfnt.Segments, width float64) ([]byte, error) {
	w := t2Writer{width: width}
	for i, s := range segs {
		p := s.Args
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			if err := w.op(21, 2, p[0]); err != nil {
				return nil, err
			}
		case sfnt.SegmentOpLineTo:
			if i == 0 {
				if err := w.op(21, 2, fixed.Point26_6{}); err != nil {
					return nil, err
				}
			}
			if err := w.op(5, 2, p[0]); err != nil {
				return nil, err
			}
		case sfnt.SegmentOpCubeTo:
			if i == 0 {
				if err := w.op(21, 2, fixed.Point26_6{}); err != nil {
					return nil, err
				}
			}
			if err := w.op(8, 6, p[0], p[1], p[2]); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("segment type %d in a CFF outline", s.Op)
		}
	}
	w.flush()
	w.start()
	w.b = append(w.b, 14) // endchar
	return w.b, nil
}

// t2Writer accumulates operands of one operator kind (rlineto or rrcurveto take many
// segments in one operator, up to the 48-operand stack).
type t2Writer struct {
	b       []byte
	x, y    int32
	pending byte
	args    []float64
	width   float64
	started bool
}

// op adds one segment to absolute points pts (26.6, y down, as sfnt gives them).
func (w *t2Writer) op(code byte, n int, pts ...fixed.Point26_6) error {
	if code != w.pending || len(w.args)+n > cffMaxStackArg-1 || code == 21 {
		w.flush()
	}
	w.pending = code
	for _, p := range pts {
		x, y := units(p.X), -units(p.Y)
		dx, dy := x-w.x, y-w.y
		if dx < -cffMaxCoord || dx > cffMaxCoord || dy < -cffMaxCoord || dy > cffMaxCoord {
			return fmt.Errorf("coordinate step (%d, %d) out of range", dx, dy)
		}
		w.args = append(w.args, float64(dx), float64(dy))
		w.x, w.y = x, y
	}
	return nil
}

// units converts a 26.6 coordinate at probeUnitsPerEm pixels per em to font units.
func units(v fixed.Int26_6) int32 { return int32((v + 32) >> 6) }

// start writes the width before the first operator when it differs from the default.
func (w *t2Writer) start() {
	if w.started {
		return
	}
	w.started = true
	if w.width != 0 {
		w.b = t2Num(w.b, w.width)
	}
}

func (w *t2Writer) flush() {
	if w.pending == 0 {
		return
	}
	w.start()
	for _, a := range w.args {
		w.b = t2Num(w.b, a)
	}
	w.b = append(w.b, w.pending)
	w.pending, w.args = 0, w.args[:0]
}

// t2Num encodes a charstring number (Type 2 section 3.2). The value is rounded to the
// 16.16 form first and written as an integer when that is whole: a width of
// 401.9999999 written as the fixed 402.0 was read back as 402 and written shorter by
// the next pass, so the output was not a fixed point.
func t2Num(b []byte, v float64) []byte {
	f := int32(math.Round(math.Max(-32768, math.Min(32767.99998, v)) * 65536))
	if f&0xffff != 0 {
		return binary.BigEndian.AppendUint32(append(b, 255), uint32(f))
	}
	return cffInt(b, int(f>>16), 28)
}

// cffInt encodes an integer in the forms DICTs and charstrings share, with the 16-bit
// form (28) or, in DICTs, the 32-bit form (29) for the rest.
func cffInt(b []byte, v int, wide byte) []byte {
	switch {
	case v >= -107 && v <= 107:
		return append(b, byte(v+139))
	case v >= 108 && v <= 1131:
		v -= 108
		return append(b, byte(v>>8+247), byte(v))
	case v >= -1131 && v <= -108:
		v = -v - 108
		return append(b, byte(v>>8+251), byte(v))
	case wide == 28 || v >= -32768 && v <= 32767:
		return binary.BigEndian.AppendUint16(append(b, 28), uint16(int16(v)))
	}
	return binary.BigEndian.AppendUint32(append(b, 29), uint32(int32(v)))
}

// dictNum encodes a DICT operand: integers compactly, the rest as real numbers.
func dictNum(b []byte, v float64) []byte {
	if v == math.Trunc(v) && math.Abs(v) < 1<<31 {
		return cffInt(b, int(v), 29)
	}
	s := strings.ToUpper(strconv.FormatFloat(v, 'g', 10, 64))
	s = strings.ReplaceAll(strings.ReplaceAll(s, "E+", "E"), "E-", "c")
	var nib []byte
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			nib = append(nib, byte(c-'0'))
		case c == '.':
			nib = append(nib, 0xa)
		case c == 'E':
			nib = append(nib, 0xb)
		case c == 'c':
			nib = append(nib, 0xc)
		case c == '-':
			nib = append(nib, 0xe)
		}
	}
	nib = append(nib, 0xf)
	if len(nib)%2 == 1 {
		nib = append(nib, 0xf)
	}
	b = append(b, 30)
	for i := 0; i < len(nib); i += 2 {
		b = append(b, nib[i]<<4|nib[i+1])
	}
	return b
}

// dictOffset encodes an offset in the fixed 5-byte form, so that a DICT's size does not
// depend on where the structures it points to land.
func dictOffset(b []byte, v int) []byte {
	return binary.BigEndian.AppendUint32(append(b, 29), uint32(v))
}

func dictOp(b []byte, op int) []byte {
	if op >= 1200 {
		return append(b, 12, byte(op-1200))
	}
	return append(b, byte(op))
}

// cffIndexBytes writes an INDEX.
func cffIndexBytes(items [][]byte) []byte {
	if len(items) == 0 {
		return []byte{0, 0}
	}
	total := 1
	for _, it := range items {
		total += len(it)
	}
	offSize := 1
	for total >= 1<<(8*offSize) {
		offSize++
	}
	b := binary.BigEndian.AppendUint16(nil, uint16(len(items)))
	b = append(b, byte(offSize))
	put := func(v int) {
		for k := offSize - 1; k >= 0; k-- {
			b = append(b, byte(v>>(8*k)))
		}
	}
	at := 1
	put(at)
	for _, it := range items {
		at += len(it)
		put(at)
	}
	for _, it := range items {
		b = append(b, it...)
	}
	return b
}

// write lays the rebuilt font out: header, Name, Top DICT, String and (empty) Global
// Subr INDEXes, charset, encoding or FDSelect, CharStrings, FDArray, Private DICT.
func (f *cffFont) write() []byte {
	// Only strings a kept SID names are written, renumbered in order of use.
	var strs [][]byte
	remap := map[int]int{}
	use := func(sid int) int {
		if sid < cffStdStrings {
			return sid
		}
		if n, ok := remap[sid]; ok {
			return n
		}
		remap[sid] = cffStdStrings + len(strs)
		strs = append(strs, f.strings[sid-cffStdStrings])
		return remap[sid]
	}
	var ros [2]int
	if f.cid {
		ros = [2]int{use(f.ros[0]), use(f.ros[1])}
	}
	charset := []byte{0}
	for _, id := range f.charset {
		if !f.cid {
			id = use(id)
		}
		charset = binary.BigEndian.AppendUint16(charset, uint16(id))
	}
	var enc []byte
	if f.encoding == 2 {
		format := byte(0)
		if len(f.sups) > 0 {
			format = 0x80
		}
		enc = append([]byte{format, byte(len(f.codes))}, f.codes...)
		if len(f.sups) > 0 {
			enc = append(enc, byte(len(f.sups)))
			for _, s := range f.sups {
				enc = binary.BigEndian.AppendUint16(append(enc, s.code), uint16(use(s.sid)))
			}
		}
	}
	var fdsel []byte
	if f.cid {
		fdsel = []byte{3, 0, 1, 0, 0, 0}
		fdsel = binary.BigEndian.AppendUint16(fdsel, uint16(f.numGlyphs))
	}
	private := []byte{139, 20, 139, 21} // defaultWidthX 0, nominalWidthX 0
	privateDict := func(at int) []byte {
		return dictOp(dictOffset(dictOffset(nil, len(private)), at), 18)
	}
	type offsets struct{ charset, enc, fdsel, cs, fdarray, private int }
	top := func(o offsets) []byte {
		var b []byte
		if f.cid {
			b = dictOp(dictNum(dictNum(dictNum(b, float64(ros[0])), float64(ros[1])), f.supplement), 1230)
			b = dictOp(dictNum(b, float64(f.cidCount)), 1234)
		}
		if f.matrix != nil {
			for _, v := range f.matrix {
				b = dictNum(b, v)
			}
			b = dictOp(b, 1207)
		}
		if f.bbox != nil {
			for _, v := range f.bbox {
				b = dictNum(b, v)
			}
			b = dictOp(b, 5)
		}
		b = dictOp(dictOffset(b, o.charset), 15)
		switch {
		case f.encoding == 1:
			b = dictOp(dictNum(b, 1), 16)
		case f.encoding == 2:
			b = dictOp(dictOffset(b, o.enc), 16)
		}
		b = dictOp(dictOffset(b, o.cs), 17)
		if f.cid {
			b = dictOp(dictOffset(b, o.fdarray), 1236)
			b = dictOp(dictOffset(b, o.fdsel), 1237)
		} else {
			b = append(b, privateDict(o.private)...)
		}
		return b
	}
	head := append([]byte{1, 0, 4, 4}, cffIndexBytes([][]byte{[]byte(f.name)})...)
	var o offsets
	at := len(head) + len(cffIndexBytes([][]byte{top(o)}))
	rest := append(cffIndexBytes(strs), 0, 0) // and an empty Global Subr INDEX
	o.charset = at + len(rest)
	rest = append(rest, charset...)
	if enc != nil {
		o.enc = at + len(rest)
		rest = append(rest, enc...)
	}
	if fdsel != nil {
		o.fdsel = at + len(rest)
		rest = append(rest, fdsel...)
	}
	o.cs = at + len(rest)
	rest = append(rest, cffIndexBytes(f.glyphs)...)
	if f.cid {
		o.fdarray = at + len(rest)
		fdLen := len(cffIndexBytes([][]byte{privateDict(0)}))
		o.private = o.fdarray + fdLen
		rest = append(rest, cffIndexBytes([][]byte{privateDict(o.private)})...)
	} else {
		o.private = at + len(rest)
	}
	rest = append(rest, private...)
	return append(append(head, cffIndexBytes([][]byte{top(o)})...), rest...)
}
