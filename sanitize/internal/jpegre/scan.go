package jpegre

import "encoding/binary"

// bitReader reads entropy-coded bits, removing stuffed zero bytes and stopping at the
// first marker: no bits are ever taken from a marker or from what follows it.
type bitReader struct {
	data   []byte
	pos    int
	acc    uint64
	n      uint
	marker bool
}

func (r *bitReader) fill() {
	// Eight bytes without 0xff hold neither a stuffed byte nor a marker: take as many
	// whole bytes of them as the accumulator holds at once.
	if !r.marker && r.pos+8 <= len(r.data) {
		x := binary.BigEndian.Uint64(r.data[r.pos:])
		if !hasFF(x) {
			nb := (63 - r.n) / 8
			r.acc = r.acc<<(8*nb) | x>>(64-8*nb)
			r.n += 8 * nb
			r.pos += int(nb)
			return
		}
	}
	for r.n <= 56 && !r.marker {
		if r.pos >= len(r.data) {
			r.marker = true
			return
		}
		b := r.data[r.pos]
		if b == 0xff {
			if r.pos+1 >= len(r.data) || r.data[r.pos+1] != 0 {
				r.marker = true
				return
			}
			r.pos += 2
		} else {
			r.pos++
		}
		r.acc = r.acc<<8 | uint64(b)
		r.n += 8
	}
}

// hasFF tells whether any byte of x is 0xff (a zero byte of ^x).
func hasFF(x uint64) bool {
	x = ^x
	return (x-0x0101010101010101)&^x&0x8080808080808080 != 0
}

func (r *bitReader) bits(k uint) (int32, error) {
	if r.n < k {
		r.fill()
		if r.n < k {
			return 0, unsupported("scan data ends inside a block")
		}
	}
	r.n -= k
	return int32(r.acc>>r.n) & (1<<k - 1), nil
}

func (r *bitReader) decode(t *huffTable) (byte, error) {
	if r.n < 16 {
		r.fill()
	}
	if r.n >= 8 {
		if v := t.fast[(r.acc>>(r.n-8))&0xff]; v != 0 {
			r.n -= uint(v >> 8)
			return byte(v), nil
		}
	}
	code := int32(0)
	for l := 1; l <= 16; l++ {
		b, err := r.bits(1)
		if err != nil {
			return 0, err
		}
		code = code<<1 | b
		if code <= t.maxcode[l] {
			return t.vals[t.valptr[l]+code-t.mincode[l]], nil
		}
	}
	return 0, unsupported("invalid Huffman code")
}

// align drops the padding bits of the last byte and requires the marker right after it:
// entropy bytes that no block used are not a plain JPEG.
func (r *bitReader) align() error {
	r.n -= r.n % 8
	if r.n == 0 && !r.marker {
		r.fill()
	}
	if r.n != 0 || !r.marker {
		return unsupported("entropy data left over at the end of an interval")
	}
	return nil
}

// restart consumes the RSTn marker expected after an interval.
func (r *bitReader) restart(want int) error {
	if err := r.align(); err != nil {
		return err
	}
	i := r.pos
	for i < len(r.data) && r.data[i] == 0xff {
		i++
	}
	if i == r.pos || i >= len(r.data) || r.data[i] != 0xd0+byte(want) {
		return unsupported("missing or out-of-order restart marker")
	}
	r.pos, r.marker, r.acc = i+1, false, 0
	return nil
}

func extend(v int32, s uint) int32 {
	if v < 1<<(s-1) {
		return v - 1<<s + 1
	}
	return v
}

// The ranges an 8-bit baseline encoder produces and the standard tables can carry: DC
// differences of at most 11 bits, AC values of at most 10.
const (
	minDC, maxDC = -1024, 1023
	maxAC        = 10
)

// transcodeBlock reads one block and writes it at once: the DC value differenced against
// the output's own prediction, each AC symbol with the output's code for it followed by
// the same value bits. Every symbol and value is checked on the way. With w nil it only
// reads and checks (the scan is then copied, see transcode).
func transcodeBlock(r *bitReader, w *bitWriter, pred, outPred *int32, t *tables) error {
	if r.n < lookBits {
		r.fill()
	}
	var e uint32
	if t.fdc != nil && r.n >= lookBits {
		e = t.fdc[(r.acc>>(r.n-lookBits))&(1<<lookBits-1)]
	}
	if e != 0 {
		r.n -= uint(e>>16) & 0xff
		*pred += int32(int16(e))
	} else if err := dcSlow(r, pred, t.dc); err != nil {
		return err
	}
	if *pred < minDC || *pred > maxDC {
		return unsupported("DC coefficient %d out of range", *pred)
	}
	if w != nil {
		w.value(t.edc, *pred-*outPred)
	}
	*outPred = *pred
	ac, eac := t.ac, t.eac
	for k := 1; k < 64; {
		var e uint64
		if t.fac != nil {
			if r.n < lookBits {
				r.fill()
			}
			if r.n >= lookBits {
				e = t.fac[(r.acc>>(r.n-lookBits))&(1<<lookBits-1)]
			}
		}
		var rs byte
		if e != 0 {
			r.n -= uint(e>>40) & 0xff
			rs = byte(e >> 48)
			if e>>56 == 0 {
				// The whole symbol with its value bits, checked when the lookup was built.
				switch rs {
				case 0:
					if w != nil {
						w.put(e&0xffffffff, uint(e>>32)&0xff)
					}
					return nil
				case 0xf0:
					if k += 16; k > 64 {
						return unsupported("zero run past the block")
					}
				default:
					if k += int(rs >> 4); k > 63 {
						return unsupported("AC symbol 0x%02x at %d", rs, k)
					}
					k++
				}
				if w != nil {
					w.put(e&0xffffffff, uint(e>>32)&0xff)
				}
				continue
			}
		} else {
			var err error
			if rs, err = r.decode(ac); err != nil {
				return err
			}
		}
		run, size := int(rs>>4), uint(rs&15)
		if size == 0 {
			if run == 15 {
				k += 16
				if k > 64 {
					return unsupported("zero run past the block")
				}
				if w != nil {
					w.put(uint64(eac.code[rs]), uint(eac.size[rs]))
				}
				continue
			}
			if run != 0 {
				return unsupported("AC symbol 0x%02x", rs)
			}
			if w != nil {
				w.put(uint64(eac.code[rs]), uint(eac.size[rs]))
			}
			break
		}
		k += run
		if k > 63 || size > maxAC {
			return unsupported("AC symbol 0x%02x at %d", rs, k)
		}
		v, err := r.bits(size)
		if err != nil {
			return err
		}
		if w != nil {
			w.put(uint64(eac.code[rs])<<size|uint64(v), uint(eac.size[rs])+size)
		}
		k++
	}
	return nil
}

// dcSlow reads a DC difference symbol by symbol.
func dcSlow(r *bitReader, pred *int32, dc *huffTable) error {
	s, err := r.decode(dc)
	if err != nil {
		return err
	}
	if s > 11 {
		return unsupported("DC difference of %d bits", s)
	}
	if s > 0 {
		v, err := r.bits(uint(s))
		if err != nil {
			return err
		}
		*pred += extend(v, uint(s))
	}
	return nil
}

// tables are what one component's blocks are read and written with: the input's Huffman
// tables, the output's, and the combined lookups (nil when disabled).
type tables struct {
	dc, ac   *huffTable
	edc, eac *encTable
	fdc      *dcLookup
	fac      *acLookup
}

// layout returns the number of MCUs of the frame (the first component has the largest
// sampling factors, as the parser required).
func (p *parser) layout() int {
	hmax, vmax := p.comps[0].h, p.comps[0].v
	return (p.w + 8*hmax - 1) / (8 * hmax) * ((p.h + 8*vmax - 1) / (8 * vmax))
}

// transcode decodes the scan block by block and writes each block again at once: the
// output keeps the input's frame layout and the order of the coefficients, so no
// coefficient buffer is needed. Restart
// intervals reset the input's DC prediction only; the output has none.
func (p *parser) transcode(w *bitWriter) error {
	mcus := p.layout()
	r := &bitReader{data: p.data, pos: p.pos}
	var pred, outPred [3]int32
	var ts [3]*tables
	for ci, comp := range p.comps {
		o := 2 * min(ci, 1)
		t := &tables{dc: p.dc[comp.td], ac: p.ac[comp.ta], edc: encTables[o], eac: encTables[o+1]}
		// Components sharing input and output tables share the lookups too.
		for _, u := range ts[:ci] {
			if u.dc == t.dc && u.ac == t.ac && u.eac == t.eac {
				t.fdc, t.fac = u.fdc, u.fac
			}
		}
		if t.fac == nil && !p.noLookup {
			t.fdc, t.fac = lookups(t.dc, t.ac, o+1)
		}
		ts[ci] = t
	}
	// The output's codes are the standard tables' and it has no restart intervals: for a
	// scan written with the same tables and without intervals, the rebuilt entropy data
	// is the input's, bit for bit (each symbol and value is written as read, each DC
	// difference is the same, stuffing is the same), except for the padding of the last
	// byte. Such a scan is still read and checked whole, but not written again: its bytes
	// are copied once the padding is found to be the one bits the writer would put.
	copyScan := p.restart == 0 && !p.noCopy
	for ci, comp := range p.comps {
		o := 2 * min(ci, 1)
		copyScan = copyScan && p.dc[comp.td].std == o+1 && p.ac[comp.ta].std == o+2
	}
	bw := w
	if copyScan {
		bw = nil
	}
	start := r.pos
	for m := range mcus {
		if p.restart > 0 && m > 0 && m%p.restart == 0 {
			if err := r.restart((m/p.restart - 1) & 7); err != nil {
				return err
			}
			pred = [3]int32{}
		}
		for ci := range p.comps {
			comp := &p.comps[ci]
			for range comp.h * comp.v {
				if err := transcodeBlock(r, bw, &pred[ci], &outPred[ci], ts[ci]); err != nil {
					return err
				}
			}
		}
	}
	var ones bool
	if k := r.n % 8; r.n >= k {
		ones = (r.acc>>(r.n-k))&(1<<k-1) == 1<<k-1
	}
	if err := r.align(); err != nil {
		return err
	}
	if copyScan {
		if !ones {
			// Zero padding (allowed to readers, not what the writer puts): write it again.
			p.noCopy = true
			r.pos = start
			return p.transcode(w)
		}
		w.buf = append(w.buf, p.data[start:r.pos]...)
	}
	p.pos = r.pos
	return nil
}
