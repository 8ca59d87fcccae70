package pdf

import (
	"encoding/binary"
	"math"
)

// The tables of a CFF program that say which glyph is which (charset, encoding, the
// font dicts of a CIDFont and FDSelect) and each glyph's width, read for cff.go.

// cffCharset returns the SID (or CID) of glyphs 1 to n-1.
func cffCharset(b []byte, top map[int][]float64, n int) ([]int, error) {
	at := 0
	if _, ok := top[15]; ok {
		v, ok := cffOffset(top, 15, len(b))
		if !ok {
			return nil, cffErr("charset offset")
		}
		at = v
	}
	ids := make([]int, 0, n-1)
	switch at {
	case 0: // ISOAdobe: glyph i is SID i
		if n > 229 {
			return nil, cffErr("ISOAdobe charset for %d glyphs", n)
		}
		for i := 1; i < n; i++ {
			ids = append(ids, i)
		}
		return ids, nil
	case 1, 2:
		return nil, cffErr("expert charset")
	}
	format := b[at]
	p := at + 1
	for len(ids) < n-1 {
		switch format {
		case 0:
			if p+2 > len(b) {
				return nil, cffErr("charset out of bounds")
			}
			ids = append(ids, int(binary.BigEndian.Uint16(b[p:])))
			p += 2
		case 1, 2:
			w := 3 + int(format) - 1
			if p+w > len(b) {
				return nil, cffErr("charset out of bounds")
			}
			first := int(binary.BigEndian.Uint16(b[p:]))
			left := int(b[p+2])
			if format == 2 {
				left = int(binary.BigEndian.Uint16(b[p+2:]))
			}
			p += w
			for k := 0; k <= left && len(ids) < n-1; k++ {
				if first+k > 65535 {
					return nil, cffErr("charset range past 65535")
				}
				ids = append(ids, first+k)
			}
		default:
			return nil, cffErr("charset format %d", format)
		}
	}
	return ids, nil
}

// cffEncoding reads the built-in encoding of a non-CID font.
func cffEncoding(b []byte, top map[int][]float64, f *cffFont, sid func(float64) (int, error)) error {
	at := 0
	if _, ok := top[16]; ok {
		v, ok := cffOffset(top, 16, len(b))
		if !ok {
			return cffErr("encoding offset")
		}
		at = v
	}
	if at <= 1 {
		f.encoding = at
		return nil
	}
	f.encoding = 2
	format := b[at] & 0x7f
	p := at + 1
	if p >= len(b) {
		return cffErr("encoding out of bounds")
	}
	count := int(b[p])
	p++
	switch format {
	case 0:
		if p+count > len(b) {
			return cffErr("encoding out of bounds")
		}
		f.codes = append(f.codes, b[p:p+count]...)
		p += count
	case 1:
		if p+2*count > len(b) {
			return cffErr("encoding out of bounds")
		}
		for i := range count {
			first, left := int(b[p+2*i]), int(b[p+2*i+1])
			for k := 0; k <= left && first+k <= 255; k++ {
				f.codes = append(f.codes, byte(first+k))
			}
		}
		p += 2 * count
	default:
		return cffErr("encoding format %d", format)
	}
	if len(f.codes) > f.numGlyphs-1 {
		f.codes = f.codes[:f.numGlyphs-1]
	}
	if b[at]&0x80 == 0 {
		return nil
	}
	if p >= len(b) {
		return cffErr("encoding supplements out of bounds")
	}
	nsups := int(b[p])
	p++
	if p+3*nsups > len(b) {
		return cffErr("encoding supplements out of bounds")
	}
	for i := range nsups {
		s, err := sid(float64(binary.BigEndian.Uint16(b[p+3*i+1:])))
		if err != nil {
			return err
		}
		f.sups = append(f.sups, cffSup{code: b[p+3*i], sid: s})
	}
	return nil
}

// cffFDs reads the Font DICTs of a CIDFont (their Private DICTs give the widths) and
// FDSelect, and settles the one font matrix the rebuilt font carries.
func cffFDs(b []byte, top map[int][]float64, n int, f *cffFont) ([]cffPrivate, func(int) int, error) {
	at, ok := cffOffset(top, 1236, len(b))
	if !ok {
		return nil, nil, cffErr("CIDFont without FDArray")
	}
	fds, _, err := cffIndex(b, at)
	if err != nil {
		return nil, nil, err
	}
	if len(fds) == 0 || len(fds) > cffMaxFDs {
		return nil, nil, cffErr("%d font dicts", len(fds))
	}
	privs := make([]cffPrivate, len(fds))
	// A Font DICT's own matrix is concatenated with the Top DICT's when both are given
	// (as FreeType does); the rebuilt font has one, so all must agree.
	var eff []float64
	for i, raw := range fds {
		fd, err := cffDict(raw)
		if err != nil {
			return nil, nil, err
		}
		if privs[i], err = cffPrivateDict(b, fd); err != nil {
			return nil, nil, err
		}
		m := f.matrix
		if fm, ok := fd[1207]; ok {
			if len(fm) != 6 || fm[0]*fm[3]-fm[1]*fm[2] == 0 {
				return nil, nil, cffErr("font matrix %v", fm)
			}
			m = fm
			if f.matrix != nil {
				m = matMul(fm, f.matrix)
			}
		}
		if i == 0 {
			eff = m
		} else if !matEqual(eff, m) {
			return nil, nil, cffErr("font dicts with different matrices")
		}
	}
	f.matrix = eff
	sel, ok := cffOffset(top, 1237, len(b))
	if !ok {
		return nil, nil, cffErr("CIDFont without FDSelect")
	}
	fdOf, err := cffFDSelect(b[sel:], n, len(fds))
	return privs, fdOf, err
}

func cffFDSelect(b []byte, n, nfd int) (func(int) int, error) {
	sel := make([]uint8, n)
	switch b[0] {
	case 0:
		if len(b) < 1+n {
			return nil, cffErr("FDSelect out of bounds")
		}
		copy(sel, b[1:1+n])
	case 3:
		if len(b) < 3 {
			return nil, cffErr("FDSelect out of bounds")
		}
		nr := int(binary.BigEndian.Uint16(b[1:]))
		if nr == 0 || len(b) < 3+3*nr+2 {
			return nil, cffErr("FDSelect out of bounds")
		}
		for i := range nr {
			r := b[3+3*i:]
			first, fd := int(binary.BigEndian.Uint16(r)), r[2]
			end := int(binary.BigEndian.Uint16(r[3:]))
			if first > end || end > n || i == 0 && first != 0 {
				return nil, cffErr("FDSelect range %d", i)
			}
			for g := first; g < end; g++ {
				sel[g] = fd
			}
		}
	default:
		return nil, cffErr("FDSelect format %d", b[0])
	}
	for _, fd := range sel {
		if int(fd) >= nfd {
			return nil, cffErr("FDSelect names font dict %d of %d", fd, nfd)
		}
	}
	return func(g int) int { return int(sel[g]) }, nil
}

func matMul(a, b []float64) []float64 {
	return []float64{
		a[0]*b[0] + a[1]*b[2], a[0]*b[1] + a[1]*b[3],
		a[2]*b[0] + a[3]*b[2], a[2]*b[1] + a[3]*b[3],
		a[4]*b[0] + a[5]*b[2] + b[4], a[4]*b[1] + a[5]*b[3] + b[5],
	}
}

func matEqual(a, b []float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-9*math.Max(1, math.Abs(a[i])) {
			return false
		}
	}
	return true
}

// cffWidth reads a glyph's advance width from the operators before its first stack-
// clearing one (Type 2 charstrings, section 3.1): an extra first operand there is the
// width minus nominalWidthX; without it the width is defaultWidthX. A subroutine call
// before that point is not followed: the default width is used.
func cffWidth(cs []byte, p cffPrivate) float64 {
	n := 0
	var first float64
	for i := 0; i < len(cs); {
		c := cs[i]
		var v float64
		switch {
		case c == 28:
			if i+3 > len(cs) {
				return p.defaultWidth
			}
			v = float64(int16(binary.BigEndian.Uint16(cs[i+1:])))
			i += 3
		case c == 255:
			if i+5 > len(cs) {
				return p.defaultWidth
			}
			v = float64(int32(binary.BigEndian.Uint32(cs[i+1:]))) / 65536
			i += 5
		case c >= 32 && c <= 246:
			v = float64(int(c) - 139)
			i++
		case c >= 247 && c <= 250:
			if i+2 > len(cs) {
				return p.defaultWidth
			}
			v = float64((int(c)-247)*256 + int(cs[i+1]) + 108)
			i += 2
		case c >= 251 && c <= 254:
			if i+2 > len(cs) {
				return p.defaultWidth
			}
			v = float64(-(int(c)-251)*256 - int(cs[i+1]) - 108)
			i += 2
		default:
			extra := false
			switch c {
			case 1, 3, 18, 23, 19, 20: // stems and hint masks take pairs
				extra = n%2 == 1
			case 21: // rmoveto
				extra = n > 2
			case 4, 22: // vmoveto, hmoveto
				extra = n > 1
			case 14: // endchar
				extra = n == 1 || n == 5
			}
			if extra {
				return p.nominalWidth + first
			}
			return p.defaultWidth
		}
		if n == 0 {
			first = v
		}
		n++
	}
	return p.defaultWidth
}
