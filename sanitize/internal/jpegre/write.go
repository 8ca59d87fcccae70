package jpegre

import (
	"encoding/binary"
	"math/bits"
)

// Rebuild parses data as a plain baseline JPEG and returns a new JPEG holding the same
// quantization tables and coefficients, written with the standard Huffman tables and
// nothing else: no APPn, no comments, no restart markers. Frames of more than maxPixels
// pixels are refused before any coefficient is decoded. Any error wraps ErrUnsupported:
// the caller takes its pixel path instead.
func Rebuild(data []byte, maxPixels int64) ([]byte, Info, error) {
	return rebuild(&parser{data: data, maxPixels: maxPixels})
}

func rebuild(p *parser) ([]byte, Info, error) {
	if err := p.parse(); err != nil {
		return nil, Info{}, err
	}
	w := &bitWriter{buf: p.headers()}
	if err := p.transcode(w); err != nil {
		return nil, Info{}, err
	}
	if err := p.end(); err != nil {
		return nil, Info{}, err
	}
	w.finish()
	return append(w.buf, 0xff, 0xd9), Info{Width: p.w, Height: p.h, Components: len(p.comps)}, nil
}

type bitWriter struct {
	buf []byte
	acc uint64
	n   uint // bits in acc not yet written, fewer than 32 between calls
}

// put writes size bits (at most 32; code has none above them), stuffing a zero after 0xff.
// Bits go out four bytes at a time; only a group holding 0xff is written byte by byte.
func (w *bitWriter) put(code uint64, size uint) {
	w.acc = w.acc<<size | code
	w.n += size
	if w.n >= 32 {
		w.flush32()
	}
}

// flush32 writes the oldest 32 of the pending bits.
func (w *bitWriter) flush32() {
	w.n -= 32
	v := uint32(w.acc >> w.n)
	w.acc &= 1<<w.n - 1
	if x := ^v; (x-0x01010101)&^x&0x80808080 == 0 {
		// Reslicing only stores the length: no write barrier per four bytes while the
		// collector runs, as append's pointer store would have.
		n := len(w.buf)
		if cap(w.buf)-n < 4 {
			w.buf = append(w.buf, make([]byte, 4+n/2)...)[:n]
		}
		w.buf = w.buf[:n+4]
		binary.BigEndian.PutUint32(w.buf[n:], v)
		return
	}
	for i := 24; i >= 0; i -= 8 {
		b := byte(v >> i)
		w.buf = append(w.buf, b)
		if b == 0xff {
			w.buf = append(w.buf, 0)
		}
	}
}

// finish pads the last byte with one bits (F.1.2.3) and writes what is left.
func (w *bitWriter) finish() {
	if pad := (8 - w.n%8) % 8; pad > 0 {
		w.acc = w.acc<<pad | 1<<pad - 1
		w.n += pad
	}
	for w.n > 0 {
		w.n -= 8
		b := byte(w.acc >> w.n)
		w.buf = append(w.buf, b)
		if b == 0xff {
			w.buf = append(w.buf, 0)
		}
	}
	w.acc = 0
}

// value writes a DC difference: the symbol for its size, then its bits (F.1.2.1).
func (w *bitWriter) value(t *encTable, v int32) {
	a := v
	if a < 0 {
		a, v = -a, v-1
	}
	s := uint(bits.Len32(uint32(a)))
	w.put(uint64(t.code[s])<<s|uint64(uint32(v)&(1<<s-1)), uint(t.size[s])+s)
}

// headers writes SOI and the table, frame and scan headers of the output.
func (p *parser) headers() []byte {
	n := len(p.comps)
	out := make([]byte, 0, len(p.data)+1024)
	out = append(out, 0xff, 0xd8)

	// DQT: the tables the components use, each once, 16-bit only where a value needs it.
	wide := false
	var done [4]bool
	for _, comp := range p.comps {
		if done[comp.tq] {
			continue
		}
		done[comp.tq] = true
		t := p.quant[comp.tq]
		pq := 0
		for _, q := range t {
			if q > 255 {
				pq = 1
			}
		}
		wide = wide || pq == 1
		size := 2 + 1 + 64*(1+pq)
		out = append(out, 0xff, 0xdb, byte(size>>8), byte(size), byte(pq<<4|comp.tq))
		for _, q := range t {
			if pq == 1 {
				out = append(out, byte(q>>8))
			}
			out = append(out, byte(q))
		}
	}

	// SOF: component ids renumbered 1..n (image/jpeg and viewers read three of them
	// without JFIF or Adobe marker as YCbCr, as the parser required of the input).
	sof := byte(0xc0)
	if wide {
		sof = 0xc1
	}
	size := 8 + 3*n
	out = append(out, 0xff, sof, byte(size>>8), byte(size), 8,
		byte(p.h>>8), byte(p.h), byte(p.w>>8), byte(p.w), byte(n))
	for i, comp := range p.comps {
		out = append(out, byte(i+1), byte(comp.h<<4|comp.v), byte(comp.tq))
	}

	// DHT: luminance tables as 0, chrominance tables as 1.
	ntab := 2
	if n > 1 {
		ntab = 4
	}
	for i, t := range stdTables[:ntab] {
		size := 2 + 1 + 16 + len(t.vals)
		out = append(out, 0xff, 0xc4, byte(size>>8), byte(size), byte((i&1)<<4|i>>1))
		out = append(out, t.counts[:]...)
		out = append(out, t.vals...)
	}

	// SOS: one interleaved scan.
	size = 6 + 2*n
	out = append(out, 0xff, 0xda, byte(size>>8), byte(size), byte(n))
	for i := range p.comps {
		t := byte(min(i, 1))
		out = append(out, byte(i+1), t<<4|t)
	}
	return append(out, 0, 63, 0)
}
