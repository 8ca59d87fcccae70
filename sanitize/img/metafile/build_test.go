package metafile

import (
	"encoding/binary"
	"math"
)

// wmfFile builds a placeable WMF of w x h logical units at 150 units per inch, which the
// default 150 dpi draws one pixel per unit.
type wmfFile struct {
	w, h int16
	recs []byte
}

func (f *wmfFile) rec(fn uint16, params ...int) *wmfFile {
	b := binary.LittleEndian.AppendUint32(nil, uint32(3+len(params)))
	b = binary.LittleEndian.AppendUint16(b, fn)
	for _, v := range params {
		b = binary.LittleEndian.AppendUint16(b, uint16(v))
	}
	f.recs = append(f.recs, b...)
	return f
}

// raw appends a record with a byte payload (padded to words).
func (f *wmfFile) raw(fn uint16, payload []byte) *wmfFile {
	if len(payload)%2 == 1 {
		payload = append(payload, 0)
	}
	b := binary.LittleEndian.AppendUint32(nil, uint32(3+len(payload)/2))
	b = binary.LittleEndian.AppendUint16(b, fn)
	f.recs = append(f.recs, append(b, payload...)...)
	return f
}

func (f *wmfFile) bytes() []byte {
	le := binary.LittleEndian
	b := []byte{0xd7, 0xcd, 0xc6, 0x9a, 0, 0}
	for _, v := range []int16{0, 0, f.w, f.h} {
		b = le.AppendUint16(b, uint16(v))
	}
	b = le.AppendUint16(b, 150)
	b = append(b, 0, 0, 0, 0, 0, 0) // reserved, checksum (not checked by readers)
	recs := append(append([]byte(nil), f.recs...), 3, 0, 0, 0, 0, 0)
	b = le.AppendUint16(b, 1)
	b = le.AppendUint16(b, 9)
	b = le.AppendUint16(b, 0x300)
	b = le.AppendUint32(b, uint32(9+len(recs)/2))
	b = le.AppendUint16(b, 16) // objects
	b = le.AppendUint32(b, 0)
	b = le.AppendUint16(b, 0)
	return append(b, recs...)
}

// color is a COLORREF as two WMF words.
func colorWords(r, g, b uint8) []int {
	v := uint32(r) | uint32(g)<<8 | uint32(b)<<16
	return []int{int(v & 0xffff), int(v >> 16)}
}

func cat(parts ...any) []int {
	var out []int
	for _, p := range parts {
		switch v := p.(type) {
		case int:
			out = append(out, v)
		case []int:
			out = append(out, v...)
		}
	}
	return out
}

// dib24 is a packed 24-bit BITMAPINFO + pixels, rows given top first.
func dib24(rows [][][3]uint8) []byte {
	le := binary.LittleEndian
	h, w := len(rows), len(rows[0])
	b := le.AppendUint32(nil, 40)
	b = le.AppendUint32(b, uint32(w))
	b = le.AppendUint32(b, uint32(h))
	b = le.AppendUint16(b, 1)
	b = le.AppendUint16(b, 24)
	b = append(b, make([]byte, 24)...)
	for y := h - 1; y >= 0; y-- {
		n := 0
		for _, px := range rows[y] {
			b = append(b, px[2], px[1], px[0])
			n += 3
		}
		for ; n%4 != 0; n++ {
			b = append(b, 0)
		}
	}
	return b
}

// emfFile builds an EMF whose reference device has 10 pixels per millimetre, framed
// w x h device pixels: at 254 dpi one logical unit (MM_TEXT) is one output pixel.
type emfFile struct {
	w, h int32
	recs []byte
}

func (f *emfFile) rec(typ uint32, fields ...any) *emfFile {
	le := binary.LittleEndian
	var p []byte
	for _, v := range fields {
		switch x := v.(type) {
		case int:
			p = le.AppendUint32(p, uint32(int32(x)))
		case uint32:
			p = le.AppendUint32(p, x)
		case float32:
			p = le.AppendUint32(p, math.Float32bits(x))
		case int16:
			p = le.AppendUint16(p, uint16(x))
		case []byte:
			p = append(p, x...)
		}
	}
	for len(p)%4 != 0 {
		p = append(p, 0)
	}
	b := le.AppendUint32(nil, typ)
	b = le.AppendUint32(b, uint32(8+len(p)))
	f.recs = append(f.recs, append(b, p...)...)
	return f
}

func (f *emfFile) bytes() []byte {
	le := binary.LittleEndian
	h := make([]byte, 88)
	le.PutUint32(h[0:], 1)
	le.PutUint32(h[4:], 88)
	le.PutUint32(h[16:], uint32(f.w))
	le.PutUint32(h[20:], uint32(f.h))
	le.PutUint32(h[32:], uint32(f.w*10)) // frame in 0.01 mm: 10 px per mm
	le.PutUint32(h[36:], uint32(f.h*10))
	copy(h[40:], " EMF")
	le.PutUint32(h[44:], 0x10000)
	le.PutUint16(h[56:], 16)
	le.PutUint32(h[72:], 1000)
	le.PutUint32(h[76:], 1000)
	le.PutUint32(h[80:], 100)
	le.PutUint32(h[84:], 100)
	out := append(h, f.recs...)
	out = append(out, 14, 0, 0, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0)
	le.PutUint32(out[48:], uint32(len(out)))
	return out
}

func colorRefU(r, g, b uint8) uint32 { return uint32(r) | uint32(g)<<8 | uint32(b)<<16 }

const corpusDir = "../../../testdata/metafile"
