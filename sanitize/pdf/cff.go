package pdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Bare CFF programs (FontFile3 /Type1C and /CIDFontType0C, 9.9) and the CFF table of
// OpenType programs are written again from their parse, never copied: a CFF file is a
// set of INDEX and DICT structures found by offsets, so bytes between or after them, an
// unused string or subroutine, or an unknown DICT operator reach a viewer's font engine
// without any glyph using them. The new program holds the outline of each glyph as
// golang.org/x/image/font/sfnt's Type 2 interpreter draws it, written as a flat
// charstring (no hints, no subroutines) with the glyph's advance width; the charset
// (glyph names, or CIDs), the built-in encoding, the font matrix and bounding box, and for
// a CIDFont its registry, ordering and supplement. cff_write.go writes it.

const (
	cffMaxFDs      = 256
	cffMaxStrings  = 65000
	cffStdStrings  = 391 // SIDs below are the predefined strings (CFF spec appendix A)
	cffMaxNameLen  = 127
	cffMaxCoord    = 32767
	cffMaxStackArg = 48
)

var errCFF = errors.New("bad CFF")

func cffErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errCFF, fmt.Sprintf(format, args...))
}

// cffFont is what a viewer needs of a CFF program.
type cffFont struct {
	name       string
	cid        bool
	ros        [2]int // CIDFont: registry and ordering SIDs
	supplement float64
	cidCount   int
	matrix     []float64 // nil: the default [0.001 0 0 0.001 0 0]
	bbox       []float64
	numGlyphs  int
	charset    []int    // SIDs (glyph names), or CIDs for a CIDFont, from glyph 1 on
	strings    [][]byte // the String INDEX: SID 391 on
	encoding   int      // 0 Standard, 1 Expert, 2 the codes below
	codes      []byte   // custom encoding: the code of glyph i+1
	sups       []cffSup // custom encoding: more codes for glyphs by name
	glyphs     [][]byte // rebuilt charstrings

	src   [][]byte     // the program's charstrings, for their widths
	privs []cffPrivate // its Private DICTs, by font dict
	fdOf  func(glyph int) int
}

type cffSup struct {
	code byte
	sid  int
}

// cffIndex reads the INDEX at p and returns its items and the offset after it.
func cffIndex(b []byte, p int) ([][]byte, int, error) {
	if p < 0 || p+2 > len(b) {
		return nil, 0, cffErr("INDEX at %d out of bounds", p)
	}
	count := int(binary.BigEndian.Uint16(b[p:]))
	if count == 0 {
		return nil, p + 2, nil
	}
	if p+3 > len(b) {
		return nil, 0, cffErr("INDEX at %d out of bounds", p)
	}
	offSize := int(b[p+2])
	if offSize < 1 || offSize > 4 {
		return nil, 0, cffErr("INDEX offset size %d", offSize)
	}
	offs := p + 3
	if offs+(count+1)*offSize > len(b) {
		return nil, 0, cffErr("INDEX at %d out of bounds", p)
	}
	at := func(i int) int {
		v := 0
		for _, c := range b[offs+i*offSize : offs+(i+1)*offSize] {
			v = v<<8 | int(c)
		}
		return v
	}
	base := offs + (count+1)*offSize - 1
	items := make([][]byte, count)
	prev := at(0)
	if prev != 1 {
		return nil, 0, cffErr("INDEX first offset %d", prev)
	}
	for i := range count {
		next := at(i + 1)
		if next < prev || base+next > len(b) {
			return nil, 0, cffErr("INDEX item %d out of bounds", i)
		}
		items[i] = b[base+prev : base+next]
		prev = next
	}
	return items, base + prev, nil
}

// cffDict reads a Top, Font or Private DICT into its operators (12 x as 1200+x) and their
// operands. Operand values are read as numbers; no byte of a DICT is kept as it is.
func cffDict(b []byte) (map[int][]float64, error) {
	d := map[int][]float64{}
	var args []float64
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c <= 21:
			op := int(c)
			i++
			if c == 12 {
				if i >= len(b) {
					return nil, cffErr("DICT escape at end")
				}
				op = 1200 + int(b[i])
				i++
			}
			d[op] = args
			args = nil
			continue
		case c == 28:
			if i+3 > len(b) {
				return nil, cffErr("DICT number at end")
			}
			args = append(args, float64(int16(binary.BigEndian.Uint16(b[i+1:]))))
			i += 3
		case c == 29:
			if i+5 > len(b) {
				return nil, cffErr("DICT number at end")
			}
			args = append(args, float64(int32(binary.BigEndian.Uint32(b[i+1:]))))
			i += 5
		case c == 30:
			v, n, err := cffReal(b[i+1:])
			if err != nil {
				return nil, err
			}
			args = append(args, v)
			i += 1 + n
		case c >= 32 && c <= 246:
			args = append(args, float64(int(c)-139))
			i++
		case c >= 247 && c <= 250:
			if i+2 > len(b) {
				return nil, cffErr("DICT number at end")
			}
			args = append(args, float64((int(c)-247)*256+int(b[i+1])+108))
			i += 2
		case c >= 251 && c <= 254:
			if i+2 > len(b) {
				return nil, cffErr("DICT number at end")
			}
			args = append(args, float64(-(int(c)-251)*256-int(b[i+1])-108))
			i += 2
		default:
			return nil, cffErr("DICT byte %d", c)
		}
		if len(args) > cffMaxStackArg {
			return nil, cffErr("DICT operands overflow")
		}
	}
	if len(args) > 0 {
		return nil, cffErr("DICT operands without an operator")
	}
	return d, nil
}

// cffReal reads the nibbles of a real number operand and returns it and the bytes read.
func cffReal(b []byte) (float64, int, error) {
	var s strings.Builder
	for i, c := range b {
		for _, nib := range [2]byte{c >> 4, c & 0x0F} {
			switch {
			case nib <= 9:
				s.WriteByte('0' + nib)
			case nib == 0xa:
				s.WriteByte('.')
			case nib == 0xb:
				s.WriteByte('E')
			case nib == 0xc:
				s.WriteString("E-")
			case nib == 0xe:
				s.WriteByte('-')
			case nib == 0xf:
				v, err := strconv.ParseFloat(s.String(), 64)
				if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
					return 0, 0, cffErr("real number %q", s.String())
				}
				return v, i + 1, nil
			default:
				return 0, 0, cffErr("real number nibble %x", nib)
			}
		}
		if s.Len() > 64 {
			break
		}
	}
	return 0, 0, cffErr("unterminated real number")
}

// offset returns the single integer operand of op that must point inside the program.
func cffOffset(d map[int][]float64, op, size int) (int, bool) {
	a, ok := d[op]
	if !ok || len(a) != 1 || a[0] != math.Trunc(a[0]) || a[0] < 0 || int(a[0]) >= size {
		return 0, false
	}
	return int(a[0]), true
}

// parseCFF reads the structures of a CFF program a viewer uses; outlines and widths come
// later (rebuildCFF), from sfnt and from each charstring's first operators.
func parseCFF(b []byte) (*cffFont, error) {
	if len(b) < 4 || b[0] != 1 || int(b[2]) < 4 || int(b[2]) > len(b) {
		return nil, cffErr("header")
	}
	names, p, err := cffIndex(b, int(b[2]))
	if err != nil {
		return nil, err
	}
	tops, p, err := cffIndex(b, p)
	if err != nil {
		return nil, err
	}
	if len(names) != 1 || len(tops) != 1 {
		return nil, cffErr("%d fonts in one program", len(tops))
	}
	strs, _, err := cffIndex(b, p)
	if err != nil {
		return nil, err
	}
	if len(strs) > cffMaxStrings {
		return nil, cffErr("%d strings", len(strs))
	}
	top, err := cffDict(tops[0])
	if err != nil {
		return nil, err
	}
	if t, ok := top[1206]; ok && (len(t) != 1 || t[0] != 2) {
		return nil, cffErr("charstring type %v", t)
	}
	if _, ok := top[1220]; ok {
		return nil, cffErr("synthetic font")
	}
	f := &cffFont{name: "Font"}
	if psName(names[0]) && len(names[0]) <= cffMaxNameLen {
		f.name = string(names[0])
	}
	f.strings = strs
	// A string a kept SID names must be a PostScript name: glyph names, registry and
	// ordering are, and nothing else is written.
	sid := func(v float64) (int, error) {
		if v != math.Trunc(v) || v < 0 || int(v) >= cffStdStrings+len(strs) {
			return 0, cffErr("string id %v", v)
		}
		if int(v) >= cffStdStrings {
			if s := strs[int(v)-cffStdStrings]; !psName(s) || len(s) > cffMaxNameLen {
				return 0, cffErr("string %q is not a PostScript name", s)
			}
		}
		return int(v), nil
	}
	if m, ok := top[1207]; ok {
		if len(m) != 6 || m[0]*m[3]-m[1]*m[2] == 0 {
			return nil, cffErr("font matrix %v", m)
		}
		f.matrix = m
	}
	if bb, ok := top[5]; ok && len(bb) == 4 {
		f.bbox = bb
	}
	csAt, ok := cffOffset(top, 17, len(b))
	if !ok {
		return nil, cffErr("no CharStrings")
	}
	charstrings, _, err := cffIndex(b, csAt)
	if err != nil {
		return nil, err
	}
	n := len(charstrings)
	if n == 0 || n > 65535 {
		return nil, cffErr("%d glyphs", n)
	}
	f.numGlyphs = n
	ids, err := cffCharset(b, top, n)
	if err != nil {
		return nil, err
	}
	f.src = charstrings
	f.fdOf = func(int) int { return 0 }
	if ros, ok := top[1230]; ok {
		f.cid = true
		if len(ros) != 3 {
			return nil, cffErr("ROS %v", ros)
		}
		for i := range 2 {
			if f.ros[i], err = sid(ros[i]); err != nil {
				return nil, err
			}
		}
		f.supplement = ros[2]
		f.cidCount = 8720
		if c, ok := top[1234]; ok && len(c) == 1 && c[0] >= 1 && c[0] <= 65536 && c[0] == math.Trunc(c[0]) {
			f.cidCount = int(c[0])
		}
		f.charset = ids
		f.privs, f.fdOf, err = cffFDs(b, top, n, f)
		if err != nil {
			return nil, err
		}
	} else {
		for _, id := range ids {
			if _, err = sid(float64(id)); err != nil {
				return nil, err
			}
		}
		f.charset = ids
		pr, err := cffPrivateDict(b, top)
		if err != nil {
			return nil, err
		}
		f.privs = []cffPrivate{pr}
		if err := cffEncoding(b, top, f, sid); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// cffPrivate holds the two Private DICT entries the widths need.
type cffPrivate struct{ defaultWidth, nominalWidth float64 }

func cffPrivateDict(b []byte, d map[int][]float64) (cffPrivate, error) {
	a, ok := d[18]
	if !ok {
		return cffPrivate{}, nil
	}
	if len(a) != 2 || a[0] < 0 || a[1] < 0 || a[0]+a[1] > float64(len(b)) || a[0] != math.Trunc(a[0]) || a[1] != math.Trunc(a[1]) {
		return cffPrivate{}, cffErr("Private DICT %v", a)
	}
	pd, err := cffDict(b[int(a[1]) : int(a[1])+int(a[0])])
	if err != nil {
		return cffPrivate{}, err
	}
	var p cffPrivate
	if v, ok := pd[20]; ok && len(v) == 1 {
		p.defaultWidth = v[0]
	}
	if v, ok := pd[21]; ok && len(v) == 1 {
		p.nominalWidth = v[0]
	}
	return p, nil
}
