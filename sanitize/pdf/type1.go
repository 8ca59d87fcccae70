package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"math"
)

// Type 1 font programs (FontFile, 9.9) are read by this package's own parser: the clear
// text part for the font's name, matrix, bounding box and built-in encoding, the eexec
// part for the glyph programs, each run through a Type 1 charstring interpreter. A new
// program is then written from the glyph outlines alone: no hints, no subroutines, no
// OtherSubrs (the PostScript procedures a Type 1 font may carry), no other keys.
// LibreOffice embeds the CJK fonts of Japanese documents this way.

const (
	t1MaxGlyphs  = 65536
	t1MaxOps     = 1 << 16 // operators per glyph, subroutines included
	t1MaxFontOps = 1 << 22 // operators per font: subroutine loops cannot multiply the work
	t1MaxStack   = 48
	t1MaxCallDep = 10
)

var errType1 = errors.New("bad Type 1 program")

type t1Font struct {
	name     string
	matrix   []float64
	bbox     []float64
	encoding map[int]string // nil: StandardEncoding
	glyphs   map[string][]byte
	order    []string
}

// rebuildType1 parses a Type 1 program and writes a new one with the same glyphs. It
// returns the program and the lengths of its clear text and encrypted parts.
func rebuildType1(data []byte, length1 int) ([]byte, int, int, error) {
	f, err := parseType1(data, length1)
	if err != nil {
		return nil, 0, 0, err
	}
	return f.write()
}

func eexecDecrypt(c []byte, r uint16) []byte {
	out := make([]byte, len(c))
	for i, b := range c {
		out[i] = b ^ byte(r>>8)
		r = (uint16(b)+r)*52845 + 22719
	}
	return out
}

func eexecEncrypt(p []byte, r uint16) []byte {
	out := make([]byte, len(p))
	for i, b := range p {
		c := b ^ byte(r>>8)
		out[i] = c
		r = (uint16(c)+r)*52845 + 22719
	}
	return out
}

func parseType1(data []byte, length1 int) (*t1Font, error) {
	i := bytes.Index(data, []byte("eexec"))
	if i < 0 {
		return nil, fmt.Errorf("%w: no eexec section", errType1)
	}
	clear := data[:i]
	start := i + len("eexec")
	if length1 > start && length1 < len(data) {
		start = length1
	}
	for start < len(data) && isSpace(data[start]) {
		start++
	}
	f := &t1Font{glyphs: map[string][]byte{}}
	if err := f.parseClear(clear); err != nil {
		return nil, err
	}
	enc := data[start:]
	if isHexPrefix(enc) {
		var err error
		if enc, err = hexBody(enc); err != nil {
			return nil, err
		}
	}
	if len(enc) < 4 {
		return nil, fmt.Errorf("%w: empty eexec section", errType1)
	}
	priv := eexecDecrypt(enc, 55665)[4:]
	if err := f.parsePrivate(priv); err != nil {
		return nil, err
	}
	return f, nil
}

func isHexPrefix(b []byte) bool {
	if len(b) < 4 {
		return false
	}
	for _, c := range b[:4] {
		if _, ok := unhex(c); !ok {
			return false
		}
	}
	return true
}

func hexBody(b []byte) ([]byte, error) {
	out := make([]byte, 0, len(b)/2)
	var hi byte
	half := false
	for _, c := range b {
		if isSpace(c) {
			continue
		}
		v, ok := unhex(c)
		if !ok {
			break // the trailer of zeros and cleartomark after the hex part
		}
		if half {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	return out, nil
}

// parseClear reads /FontName, /FontMatrix, /FontBBox and /Encoding from the clear text.
func (f *t1Font) parseClear(clear []byte) error {
	l := lexer{data: clear}
	var prev token
	for {
		t, err := l.next()
		if err != nil {
			return fmt.Errorf("%w: clear text: %v", errType1, err)
		}
		if t.kind == tEOF {
			break
		}
		if prev.kind == tName {
			switch string(prev.b) {
			case "FontName":
				if t.kind == tName && psName(t.b) {
					f.name = string(t.b)
				}
			case "FontMatrix", "FontBBox":
				nums, err := numberList(&l, t)
				if err != nil {
					return err
				}
				if string(prev.b) == "FontMatrix" {
					f.matrix = nums
				} else {
					f.bbox = nums
				}
			case "Encoding":
				if err := f.parseEncoding(&l, t); err != nil {
					return err
				}
			}
		}
		prev = t
	}
	if f.name == "" || len(f.matrix) != 6 || len(f.bbox) != 4 {
		return fmt.Errorf("%w: clear text lacks name, matrix or bounding box", errType1)
	}
	return nil
}

// numberList reads [n n ...] or {n n ...} starting at t.
func numberList(l *lexer, t token) ([]float64, error) {
	closer := tArrClose
	switch t.kind {
	case tArrOpen:
	case tBraceOpen:
		closer = tBraceClose
	default:
		return nil, fmt.Errorf("%w: expected an array", errType1)
	}
	var out []float64
	for len(out) <= 16 {
		t, err := l.next()
		if err != nil {
			return nil, err
		}
		switch t.kind {
		case closer:
			return out, nil
		case tInt:
			out = append(out, float64(t.i))
		case tReal:
			out = append(out, t.f)
		default:
			return nil, fmt.Errorf("%w: bad number array", errType1)
		}
	}
	return nil, fmt.Errorf("%w: number array too long", errType1)
}

// parseEncoding reads "StandardEncoding" or "256 array ... dup code /name put ... def".
func (f *t1Font) parseEncoding(l *lexer, t token) error {
	if t.kind == tKeyword && string(t.b) == "StandardEncoding" {
		return nil
	}
	f.encoding = map[int]string{}
	var ops []token
	for {
		t, err := l.next()
		if err != nil || t.kind == tEOF {
			return fmt.Errorf("%w: unterminated encoding", errType1)
		}
		if t.kind == tKeyword {
			switch string(t.b) {
			case "def", "readonly":
				return nil
			case "put":
				if n := len(ops); n >= 2 && ops[n-2].kind == tInt && ops[n-1].kind == tName {
					code := ops[n-2].i
					if code >= 0 && code <= 255 && psName(ops[n-1].b) {
						f.encoding[int(code)] = string(ops[n-1].b)
					}
				}
				ops = ops[:0]
				continue
			}
		}
		if len(ops) < 8 {
			ops = append(ops, t)
		}
	}
}

// parsePrivate reads /lenIV, /Subrs and /CharStrings from the decrypted private part and
// rebuilds every glyph through the interpreter.
func (f *t1Font) parsePrivate(p []byte) error {
	l := lexer{data: p}
	lenIV := 4
	var subrs [][]byte
	raw := map[string][]byte{}
	var order []string
	var stack []token
	inCharStrings := false
	for {
		t, err := l.next()
		if err != nil {
			if len(raw) > 0 {
				break // the decrypted zeros of the trailer, past the last glyph
			}
			return fmt.Errorf("%w: private part: %v", errType1, err)
		}
		if t.kind == tEOF || t.kind == tKeyword && string(t.b) == "closefile" {
			break
		}
		if t.kind == tKeyword && (string(t.b) == "RD" || string(t.b) == "-|") {
			n := len(stack)
			if n == 0 || stack[n-1].kind != tInt {
				return fmt.Errorf("%w: RD without a length", errType1)
			}
			size := int(stack[n-1].i)
			from := l.pos + 1
			if size < 0 || from+size > len(p) {
				return fmt.Errorf("%w: binary string out of bounds", errType1)
			}
			cs := p[from : from+size]
			l.pos = from + size
			switch {
			case n >= 3 && stack[n-3].kind == tKeyword && string(stack[n-3].b) == "dup" && stack[n-2].kind == tInt:
				idx := int(stack[n-2].i)
				if idx < 0 || idx >= t1MaxGlyphs {
					return fmt.Errorf("%w: subroutine number %d", errType1, idx)
				}
				for len(subrs) <= idx {
					subrs = append(subrs, nil)
				}
				subrs[idx] = cs
			case n >= 2 && stack[n-2].kind == tName && inCharStrings:
				gname := string(stack[n-2].b)
				if _, dup := raw[gname]; !dup {
					order = append(order, gname)
				}
				raw[gname] = cs
				if len(raw) > t1MaxGlyphs {
					return fmt.Errorf("%w: too many glyphs", errType1)
				}
			}
			stack = stack[:0]
			continue
		}
		if t.kind == tName && string(t.b) == "CharStrings" {
			inCharStrings = true
		}
		if t.kind == tInt && len(stack) > 0 && stack[len(stack)-1].kind == tName && string(stack[len(stack)-1].b) == "lenIV" {
			if t.i >= -1 && t.i <= 16 {
				lenIV = int(t.i)
			}
		}
		if len(stack) >= 8 {
			stack = stack[1:]
		}
		stack = append(stack, t)
	}
	if len(raw) == 0 {
		return fmt.Errorf("%w: no glyphs", errType1)
	}
	decrypt := func(cs []byte) []byte {
		if lenIV < 0 {
			return cs
		}
		d := eexecDecrypt(cs, 4330)
		if len(d) < lenIV {
			return nil
		}
		return d[lenIV:]
	}
	for i, s := range subrs {
		if s != nil {
			subrs[i] = decrypt(s)
		}
	}
	total := 0
	for _, gname := range order {
		if !psName([]byte(gname)) {
			continue
		}
		in := &t1Interp{subrs: subrs}
		out, err := in.run(decrypt(raw[gname]))
		if err != nil {
			return fmt.Errorf("%w: glyph %s: %v", errType1, gname, err)
		}
		if total += in.ops; total > t1MaxFontOps {
			return fmt.Errorf("%w: more than %d charstring operators", errType1, t1MaxFontOps)
		}
		f.glyphs[gname] = out
		f.order = append(f.order, gname)
	}
	if _, ok := f.glyphs[".notdef"]; !ok {
		f.glyphs[".notdef"] = append(t1Encode([]float64{0, 500}, 13), t1Encode(nil, 14)...)
		f.order = append([]string{".notdef"}, f.order...)
	}
	return nil
}

// t1Interp runs one glyph's charstring and writes it again as a plain outline.
type t1Interp struct {
	subrs    [][]byte
	stack    []float64
	ps       []float64
	ops      int
	x, y     float64 // current point
	ox, oy   float64 // current point as written (rounded)
	flex     bool
	flexPts  [][2]float64
	out      []byte
	finished bool
}

var errCharstring = errors.New("bad charstring")

func (in *t1Interp) run(cs []byte) ([]byte, error) {
	if cs == nil {
		return nil, errCharstring
	}
	if err := in.exec(cs, 0); err != nil {
		return nil, err
	}
	if !in.finished {
		return nil, errors.New("no endchar")
	}
	return in.out, nil
}

func (in *t1Interp) pop(n int) ([]float64, error) {
	if len(in.stack) < n {
		return nil, errCharstring
	}
	a := in.stack[len(in.stack)-n:]
	in.stack = in.stack[:len(in.stack)-n]
	return a, nil
}

// point writes a path point relative to the last written one, rounded to font units so
// errors do not accumulate.
func (in *t1Interp) point(x, y float64) (float64, float64) {
	rx, ry := math.Round(x), math.Round(y)
	dx, dy := rx-in.ox, ry-in.oy
	in.ox, in.oy = rx, ry
	return dx, dy
}

func (in *t1Interp) emit(op int, nums ...float64) {
	in.out = t1Append(in.out, nums, op)
}

func (in *t1Interp) moveTo(dx, dy float64) {
	in.x, in.y = in.x+dx, in.y+dy
	if in.flex {
		return
	}
	px, py := in.point(in.x, in.y)
	in.emit(21, px, py)
}

func (in *t1Interp) lineTo(dx, dy float64) {
	in.x, in.y = in.x+dx, in.y+dy
	px, py := in.point(in.x, in.y)
	in.emit(5, px, py)
}

func (in *t1Interp) curveTo(d []float64) {
	var args [6]float64
	for i := 0; i < 6; i += 2 {
		in.x, in.y = in.x+d[i], in.y+d[i+1]
		args[i], args[i+1] = in.point(in.x, in.y)
	}
	in.emit(8, args[:]...)
}

func (in *t1Interp) curveAbs(p1, p2, p3 [2]float64) {
	var args [6]float64
	for i, p := range [3][2]float64{p1, p2, p3} {
		args[2*i], args[2*i+1] = in.point(p[0], p[1])
	}
	in.x, in.y = p3[0], p3[1]
	in.emit(8, args[:]...)
}

func (in *t1Interp) exec(cs []byte, depth int) error {
	if depth > t1MaxCallDep {
		return errors.New("subroutines nested too deep")
	}
	for i := 0; i < len(cs); {
		if in.finished {
			return nil
		}
		in.ops++
		if in.ops > t1MaxOps {
			return errors.New("too many operators")
		}
		v := cs[i]
		if v >= 32 {
			var n float64
			switch {
			case v <= 246:
				n = float64(int(v) - 139)
				i++
			case v <= 250:
				if i+1 >= len(cs) {
					return errCharstring
				}
				n = float64((int(v)-247)*256 + int(cs[i+1]) + 108)
				i += 2
			case v <= 254:
				if i+1 >= len(cs) {
					return errCharstring
				}
				n = float64(-(int(v)-251)*256 - int(cs[i+1]) - 108)
				i += 2
			default:
				if i+4 >= len(cs) {
					return errCharstring
				}
				n = float64(int32(uint32(cs[i+1])<<24 | uint32(cs[i+2])<<16 | uint32(cs[i+3])<<8 | uint32(cs[i+4])))
				i += 5
			}
			if len(in.stack) >= t1MaxStack {
				return errors.New("stack overflow")
			}
			in.stack = append(in.stack, n)
			continue
		}
		op := int(v)
		i++
		if v == 12 {
			if i >= len(cs) {
				return errCharstring
			}
			op = 1200 + int(cs[i])
			i++
		}
		ret, err := in.op(op, depth)
		if err != nil {
			return err
		}
		if ret {
			return nil
		}
	}
	return nil
}

// op runs one operator; ret reports a subroutine return.
func (in *t1Interp) op(op, depth int) (bool, error) {
	switch op {
	case 13, 1207: // hsbw, sbw
		n := 2
		if op == 1207 {
			n = 4
		}
		a, err := in.pop(n)
		if err != nil {
			return false, err
		}
		sbx, sby, wx, wy := a[0], 0.0, a[1], 0.0
		if n == 4 {
			sby, wx, wy = a[1], a[2], a[3]
		}
		in.x, in.y = sbx, sby
		in.ox, in.oy = math.Round(sbx), math.Round(sby)
		if sby == 0 && wy == 0 {
			in.emit(13, math.Round(sbx), math.Round(wx))
		} else {
			in.emit(1207, math.Round(sbx), math.Round(sby), math.Round(wx), math.Round(wy))
		}
	case 21, 22, 4: // rmoveto, hmoveto, vmoveto
		switch op {
		case 21:
			a, err := in.pop(2)
			if err != nil {
				return false, err
			}
			in.moveTo(a[0], a[1])
		case 22:
			a, err := in.pop(1)
			if err != nil {
				return false, err
			}
			in.moveTo(a[0], 0)
		case 4:
			a, err := in.pop(1)
			if err != nil {
				return false, err
			}
			in.moveTo(0, a[0])
		}
	case 5, 6, 7: // rlineto, hlineto, vlineto
		n := 2
		if op != 5 {
			n = 1
		}
		a, err := in.pop(n)
		if err != nil {
			return false, err
		}
		switch op {
		case 5:
			in.lineTo(a[0], a[1])
		case 6:
			in.lineTo(a[0], 0)
		case 7:
			in.lineTo(0, a[0])
		}
	case 8: // rrcurveto
		a, err := in.pop(6)
		if err != nil {
			return false, err
		}
		in.curveTo(a)
	case 30: // vhcurveto
		a, err := in.pop(4)
		if err != nil {
			return false, err
		}
		in.curveTo([]float64{0, a[0], a[1], a[2], a[3], 0})
	case 31: // hvcurveto
		a, err := in.pop(4)
		if err != nil {
			return false, err
		}
		in.curveTo([]float64{a[0], 0, a[1], a[2], 0, a[3]})
	case 9: // closepath
		in.emit(9)
		in.stack = in.stack[:0]
	case 14: // endchar
		in.emit(14)
		in.finished = true
	case 1206: // seac: an accented glyph built from two standard glyphs
		a, err := in.pop(5)
		if err != nil {
			return false, err
		}
		for _, c := range a[3:] {
			if c < 0 || c > 255 || c != math.Trunc(c) {
				return false, errCharstring
			}
		}
		in.emit(1206, math.Round(a[0]), math.Round(a[1]), math.Round(a[2]), a[3], a[4])
		in.finished = true
	case 1, 3, 1201, 1202, 1200: // hints and dotsection: not kept
		in.stack = in.stack[:0]
	case 1212: // div
		a, err := in.pop(2)
		if err != nil {
			return false, err
		}
		if a[1] == 0 {
			return false, errors.New("division by zero")
		}
		in.stack = append(in.stack, a[0]/a[1])
	case 10: // callsubr
		a, err := in.pop(1)
		if err != nil {
			return false, err
		}
		n := int(a[0])
		if n < 0 || n >= len(in.subrs) || in.subrs[n] == nil || float64(n) != a[0] {
			return false, fmt.Errorf("missing subroutine %v", a[0])
		}
		if err := in.exec(in.subrs[n], depth+1); err != nil {
			return false, err
		}
	case 11: // return
		return true, nil
	case 1216: // callothersubr
		return false, in.otherSubr()
	case 1217: // pop: a value from the PostScript stack
		if len(in.ps) == 0 {
			return false, errCharstring
		}
		if len(in.stack) >= t1MaxStack {
			return false, errors.New("stack overflow")
		}
		in.stack = append(in.stack, in.ps[len(in.ps)-1])
		in.ps = in.ps[:len(in.ps)-1]
	case 1233: // setcurrentpoint
		a, err := in.pop(2)
		if err != nil {
			return false, err
		}
		in.x, in.y = a[0], a[1]
	default:
		return false, fmt.Errorf("unknown operator %d", op)
	}
	return false, nil
}

// otherSubr implements the standard OtherSubrs 0 to 3 (flex and hint replacement) the way
// interpreters do; the font's own PostScript for them is never used. Others pass their
// arguments through, as interpreters do for unknown ones.
func (in *t1Interp) otherSubr() error {
	a, err := in.pop(2)
	if err != nil {
		return err
	}
	n, num := int(a[0]), a[1]
	if n < 0 || n > 16 || float64(n) != a[0] {
		return errCharstring
	}
	args, err := in.pop(n)
	if err != nil {
		return err
	}
	switch num {
	case 1: // flex start
		in.flex = true
		in.flexPts = [][2]float64{{in.x, in.y}}
		return nil
	case 2: // flex point
		if !in.flex || len(in.flexPts) > 8 {
			return errCharstring
		}
		in.flexPts = append(in.flexPts, [2]float64{in.x, in.y})
		return nil
	case 0: // flex end: two curves through the seven recorded points
		if !in.flex || len(in.flexPts) != 8 || n != 3 {
			return errCharstring
		}
		p := in.flexPts
		in.flex = false
		in.x, in.y = p[0][0], p[0][1]
		in.curveAbs(p[2], p[3], p[4])
		in.curveAbs(p[5], p[6], p[7])
		in.ps = append(in.ps, args[2], args[1])
		return nil
	}
	for i := len(args) - 1; i >= 0; i-- {
		in.ps = append(in.ps, args[i])
	}
	return nil
}

// t1Encode writes numbers and an operator as Type 1 charstring bytes.
func t1Encode(nums []float64, op int) []byte { return t1Append(nil, nums, op) }

func t1Append(b []byte, nums []float64, op int) []byte {
	for _, f := range nums {
		v := int32(math.Round(f))
		switch {
		case v >= -107 && v <= 107:
			b = append(b, byte(v+139))
		case v >= 108 && v <= 1131:
			v -= 108
			b = append(b, byte(v/256+247), byte(v%256))
		case v >= -1131 && v <= -108:
			v = -v - 108
			b = append(b, byte(v/256+251), byte(v%256))
		default:
			b = append(b, 255, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
		}
	}
	if op >= 1200 {
		return append(b, 12, byte(op-1200))
	}
	return append(b, byte(op))
}

// write produces the new program: clear text, eexec part, trailer.
func (f *t1Font) write() ([]byte, int, int, error) {
	var c bytes.Buffer
	fmt.Fprintf(&c, "%%!FontType1-1.0: %s 001.000\n11 dict begin\n/FontType 1 def\n/PaintType 0 def\n", f.name)
	fmt.Fprintf(&c, "/FontName /%s def\n/FontMatrix [%s] readonly def\n/FontBBox {%s} readonly def\n",
		f.name, realList(f.matrix), realList(f.bbox))
	if f.encoding == nil {
		c.WriteString("/Encoding StandardEncoding def\n")
	} else {
		c.WriteString("/Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\n")
		for code := range 256 {
			if g, ok := f.encoding[code]; ok && g != ".notdef" {
				fmt.Fprintf(&c, "dup %d /%s put\n", code, g)
			}
		}
		c.WriteString("readonly def\n")
	}
	c.WriteString("currentdict end\ncurrentfile eexec\n")

	var p bytes.Buffer
	p.Write([]byte{0, 0, 0, 0})
	p.WriteString("dup /Private 8 dict dup begin\n/RD{string currentfile exch readstring pop}executeonly def\n")
	p.WriteString("/ND{noaccess def}executeonly def\n/NP{noaccess put}executeonly def\n")
	p.WriteString("/MinFeature{16 16}def\n/password 5839 def\n/lenIV 4 def\n/BlueValues [] def\n/Subrs 0 array\n")
	fmt.Fprintf(&p, "2 index /CharStrings %d dict dup begin\n", len(f.order))
	for _, g := range f.order {
		cs := eexecEncrypt(append([]byte{0, 0, 0, 0}, f.glyphs[g]...), 4330)
		fmt.Fprintf(&p, "/%s %d RD ", g, len(cs))
		p.Write(cs)
		p.WriteString(" ND\n")
	}
	p.WriteString("end\nend\nreadonly put\nnoaccess put\ndup /FontName get exch definefont pop\nmark currentfile closefile\n")
	enc := eexecEncrypt(p.Bytes(), 55665)

	out := append(c.Bytes(), enc...)
	trailer := bytes.Repeat([]byte(zeros64+"\n"), 8)
	out = append(append(out, '\n'), trailer...)
	out = append(out, "cleartomark\n"...)
	return out, c.Len(), len(enc), nil
}

const zeros64 = "0000000000000000000000000000000000000000000000000000000000000000"

func realList(fs []float64) string {
	var b []byte
	for i, f := range fs {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, formatReal(f)...)
	}
	return string(b)
}

// psName reports whether a font or glyph name can be written back into a program as is.
func psName(b []byte) bool {
	if len(b) == 0 || len(b) > 127 {
		return false
	}
	for _, c := range b {
		if !regular(c) {
			return false
		}
	}
	return true
}
