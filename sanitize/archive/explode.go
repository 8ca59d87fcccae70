package archive

import (
	"archive/zip"
	"bufio"
	"errors"
	"hash"
	"hash/crc32"
	"io"
	"sort"
)

// methodImplode is PKZIP 1.x's Implode (APPNOTE 5.3): a sliding dictionary of 4 or 8 KiB
// with Shannon-Fano coded literals, lengths and distances. PKZIP wrote it from 1989 to
// 1993 and old archives (and some installers' payloads) still carry it; archive/zip has
// no decompressor for it.
const methodImplode = 6

// Implode's general-purpose flags.
const (
	implode8K     = 0x2 // 8 KiB dictionary (else 4 KiB)
	implode3Trees = 0x4 // literals are Shannon-Fano coded (else stored as 8 bits)
)

var errImplode = errors.New("imploded data does not decode")

// exploder decompresses one imploded entry of a known size. What it writes is only a
// decoder's output: the entry then goes through the engine like any other.
type exploder struct {
	br       bitReader
	lit      *sfTree // nil with two trees: literals are 8 raw bits
	length   *sfTree
	dist     *sfTree
	lowBits  uint // distance bits stored raw: 6 with a 4 KiB dictionary, 7 with 8 KiB
	minMatch int
	window   []byte
	pos      int64 // bytes written so far
	left     int64 // bytes still to write
	copyDist int64
	copyLen  int
	err      error
}

// newExploder reads the entry's code trees from r and returns a reader of its size bytes.
func newExploder(r io.Reader, flags uint16, size int64) (*exploder, error) {
	br := bitReader{r: bufio.NewReader(r)}
	x := &exploder{br: br, left: size, lowBits: 6, minMatch: 2, window: make([]byte, 4096)}
	if flags&implode8K != 0 {
		x.lowBits, x.window = 7, make([]byte, 8192)
	}
	var err error
	if flags&implode3Trees != 0 {
		x.minMatch = 3
		if x.lit, err = readSFTree(x.br.r, 256); err != nil {
			return nil, err
		}
	}
	if x.length, err = readSFTree(x.br.r, 64); err != nil {
		return nil, err
	}
	if x.dist, err = readSFTree(x.br.r, 64); err != nil {
		return nil, err
	}
	return x, nil
}

func (x *exploder) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) && x.err == nil {
		if x.left == 0 {
			x.err = io.EOF
			break
		}
		if x.copyLen == 0 {
			x.err = x.next(p[n:], &n)
			continue
		}
		// A distance reaching before the first byte reads zeros, as PKZIP's own
		// extractor and Info-ZIP do.
		var c byte
		if from := x.pos - x.copyDist; from >= 0 {
			c = x.window[from%int64(len(x.window))]
		}
		x.put(c)
		p[n] = c
		n++
		x.copyLen--
	}
	if n > 0 {
		return n, nil
	}
	return 0, x.err
}

// next decodes one literal (written to p) or one match (left in copyDist, copyLen).
func (x *exploder) next(p []byte, n *int) error {
	bit, err := x.br.bits(1)
	if err != nil {
		return err
	}
	if bit == 1 {
		var c int
		if x.lit != nil {
			c, err = x.lit.decode(&x.br)
		} else {
			var v uint32
			v, err = x.br.bits(8)
			c = int(v)
		}
		if err != nil {
			return err
		}
		x.put(byte(c))
		p[0] = byte(c)
		*n++
		return nil
	}
	low, err := x.br.bits(x.lowBits)
	if err != nil {
		return err
	}
	high, err := x.dist.decode(&x.br)
	if err != nil {
		return err
	}
	length, err := x.length.decode(&x.br)
	if err != nil {
		return err
	}
	if length == 63 {
		more, err := x.br.bits(8)
		if err != nil {
			return err
		}
		length += int(more)
	}
	x.copyDist = int64(high)<<x.lowBits | int64(low) + 1
	x.copyLen = min(length+x.minMatch, int(min(x.left, 1<<16)))
	return nil
}

func (x *exploder) put(c byte) {
	x.window[x.pos%int64(len(x.window))] = c
	x.pos++
	x.left--
}

// bitReader reads bits least significant first, as Implode stores them.
type bitReader struct {
	r    *bufio.Reader
	acc  uint32
	nacc uint
}

func (b *bitReader) bits(n uint) (uint32, error) {
	for b.nacc < n {
		c, err := b.r.ReadByte()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return 0, err
		}
		b.acc |= uint32(c) << b.nacc
		b.nacc += 8
	}
	v := b.acc & (1<<n - 1)
	b.acc >>= n
	b.nacc -= n
	return v, nil
}

// sfTree is a Shannon-Fano code: symbol by (bit length, code read first bit first).
type sfTree struct {
	codes map[uint32]int
	max   uint
}

// readSFTree reads a code tree of n symbols as Implode stores it: a count byte, then
// that many plus one bytes, each giving a bit length (low nibble + 1) for a run of
// symbols (high nibble + 1). Codes are given longest first, counting up, as APPNOTE
// 5.3.7 describes.
func readSFTree(r *bufio.Reader, n int) (*sfTree, error) {
	c, err := r.ReadByte()
	if err != nil {
		return nil, io.ErrUnexpectedEOF
	}
	lengths := make([]int, 0, n)
	for range int(c) + 1 {
		b, err := r.ReadByte()
		if err != nil {
			return nil, io.ErrUnexpectedEOF
		}
		run, bl := int(b>>4)+1, int(b&0xF)+1
		if len(lengths)+run > n {
			return nil, errImplode
		}
		for range run {
			lengths = append(lengths, bl)
		}
	}
	order := make([]int, len(lengths))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return lengths[order[i]] < lengths[order[j]] })
	t := &sfTree{codes: make(map[uint32]int, len(lengths))}
	code, inc, last := 0, 0, 0
	for i := len(order) - 1; i >= 0; i-- {
		code += inc
		if l := lengths[order[i]]; l != last {
			last, inc = l, 1<<(16-l)
		}
		if code >= 1<<16 {
			return nil, errImplode // more codes than the lengths allow
		}
		l := lengths[order[i]]
		t.codes[uint32(l)<<16|uint32(code>>(16-l))] = order[i]
		t.max = max(t.max, uint(l))
	}
	return t, nil
}

// decode reads bits until they spell a code of the tree.
func (t *sfTree) decode(b *bitReader) (int, error) {
	var v uint32
	for l := uint(1); l <= t.max; l++ {
		bit, err := b.bits(1)
		if err != nil {
			return 0, err
		}
		v = v<<1 | bit // the code's first (highest) bit comes first

		if s, ok := t.codes[uint32(l)<<16|v]; ok {
			return s, nil
		}
	}
	return 0, errImplode
}

// crcReader checks an entry's CRC-32 once its declared size has been read.
type crcReader struct {
	r    io.Reader
	h    hash.Hash32
	want uint32
}

func newCRCReader(r io.Reader, want uint32) *crcReader {
	return &crcReader{r: r, h: crc32.NewIEEE(), want: want}
}

func (c *crcReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.h.Write(p[:n])
	if err == io.EOF && c.h.Sum32() != c.want {
		return n, zip.ErrChecksum
	}
	return n, err
}
