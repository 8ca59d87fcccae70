// Package jpegre rebuilds baseline Huffman JPEGs without decoding their pixels: the file
// is parsed into its quantization tables, frame and scan headers and the entropy-decoded
// DCT coefficients, every value is checked, and a new file is written from those values
// with tables and headers of its own. No byte of the input reaches the output, and the
// output decodes to exactly the pixels the input does, at a fraction of the cost of an
// IDCT, colour conversion and a fresh lossy encode.
//
// Only the plainest layout is taken: 8-bit baseline or extended sequential Huffman frames
// (SOF0, SOF1) with one or three components, one interleaved scan, up to EOI. Anything else
// — progressive, arithmetic, 12-bit, CMYK, several scans, RGB without colour transform,
// odd sampling, data after EOI — is ErrUnsupported and the caller decodes and re-encodes
// the pixels as before.
package jpegre

import (
	"errors"
	"fmt"
)

// ErrUnsupported marks a JPEG this package does not rebuild; it may still be a valid JPEG.
var ErrUnsupported = errors.New("jpegre: not a plain baseline JPEG")

// Info describes a rebuilt image.
type Info struct {
	Width, Height, Components int
}

func unsupported(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrUnsupported, fmt.Sprintf(format, a...))
}

type component struct {
	h, v   int // sampling factors
	tq     int // quantization table
	td, ta int // Huffman tables of the scan
	id     byte
}

type parser struct {
	data      []byte
	pos       int
	maxPixels int64

	quant   [4]*[64]uint16
	dc, ac  [4]*huffTable
	restart int
	jfif    bool
	adobe   bool
	adobeT  byte

	frame bool
	w, h  int
	comps []component

	noLookup bool // tests: every symbol the slow way, to compare outputs
	noCopy   bool // write every scan again, even one transcode could copy
}

// marker reads a marker at pos, after any fill bytes.
func (p *parser) marker() (byte, error) {
	if p.pos >= len(p.data) || p.data[p.pos] != 0xff {
		return 0, unsupported("no marker at offset %d", p.pos)
	}
	for p.pos < len(p.data) && p.data[p.pos] == 0xff {
		p.pos++
	}
	if p.pos >= len(p.data) {
		return 0, unsupported("truncated")
	}
	m := p.data[p.pos]
	p.pos++
	return m, nil
}

// segment returns the payload of a length-prefixed marker segment.
func (p *parser) segment() ([]byte, error) {
	if p.pos+2 > len(p.data) {
		return nil, unsupported("truncated segment length")
	}
	n := int(p.data[p.pos])<<8 | int(p.data[p.pos+1])
	if n < 2 || p.pos+n > len(p.data) {
		return nil, unsupported("segment length %d out of range", n)
	}
	seg := p.data[p.pos+2 : p.pos+n]
	p.pos += n
	return seg, nil
}

// parse walks the markers up to the scan and checks its header; pos is then at the
// entropy-coded data.
func (p *parser) parse() error {
	if len(p.data) < 4 || p.data[0] != 0xff || p.data[1] != 0xd8 {
		return unsupported("no SOI")
	}
	p.pos = 2
	for segs := 0; ; segs++ {
		if segs > 1024 {
			return unsupported("too many marker segments")
		}
		m, err := p.marker()
		if err != nil {
			return err
		}
		switch {
		case m == 0xd9:
			return unsupported("EOI before the scan")
		case m == 0x00 || m == 0x01 || m == 0xd8 || m >= 0xd0 && m <= 0xd7:
			return unsupported("marker 0x%02x out of place", m)
		}
		seg, err := p.segment()
		if err != nil {
			return err
		}
		switch {
		case m == 0xc0 || m == 0xc1:
			if err := p.sof(seg); err != nil {
				return err
			}
		case m == 0xc4:
			if err := p.dht(seg); err != nil {
				return err
			}
		case m == 0xdb:
			if err := p.dqt(seg); err != nil {
				return err
			}
		case m == 0xdd:
			if len(seg) != 2 {
				return unsupported("DRI of %d bytes", len(seg))
			}
			p.restart = int(seg[0])<<8 | int(seg[1])
		case m == 0xe0:
			if len(seg) >= 5 && string(seg[:5]) == "JFIF\x00" {
				p.jfif = true
			}
		case m == 0xee:
			if len(seg) >= 12 && string(seg[:5]) == "Adobe" {
				p.adobe, p.adobeT = true, seg[11]
			}
		case m > 0xe0 && m <= 0xef || m == 0xfe:
			// Other APPn and comments: read past, never looked into, never carried.
		case m == 0xda:
			return p.sos(seg)
		default:
			return unsupported("marker 0x%02x", m)
		}
	}
}

// end requires EOI right after the scan and nothing after it but PDF line ends and spaces.
func (p *parser) end() error {
	m, err := p.marker()
	if err != nil {
		return err
	}
	if m != 0xd9 {
		return unsupported("marker 0x%02x after the scan", m)
	}
	for _, c := range p.data[p.pos:] {
		switch c {
		case '\r', '\n', ' ', '\t', 0:
		default:
			return unsupported("data after EOI")
		}
	}
	return nil
}

func (p *parser) sof(seg []byte) error {
	if p.frame {
		return unsupported("second frame header")
	}
	p.frame = true
	if len(seg) < 6 || seg[0] != 8 {
		return unsupported("frame header: not 8-bit")
	}
	p.h, p.w = int(seg[1])<<8|int(seg[2]), int(seg[3])<<8|int(seg[4])
	n := int(seg[5])
	if p.w == 0 || p.h == 0 {
		return unsupported("frame of %dx%d", p.w, p.h)
	}
	if int64(p.w)*int64(p.h) > p.maxPixels {
		return unsupported("frame of %dx%d exceeds the pixel limit", p.w, p.h)
	}
	if n != 1 && n != 3 || len(seg) != 6+3*n {
		return unsupported("frame with %d components", n)
	}
	p.comps = make([]component, n)
	for i := range p.comps {
		c := &p.comps[i]
		c.id, c.h, c.v, c.tq = seg[6+3*i], int(seg[7+3*i]>>4), int(seg[7+3*i]&15), int(seg[8+3*i])
		if c.tq > 3 {
			return unsupported("quantization table %d", c.tq)
		}
		for j := range i {
			if p.comps[j].id == c.id {
				return unsupported("duplicate component id")
			}
		}
	}
	if n == 1 {
		// A single component is non-interleaved: one block per MCU whatever it says (A.2).
		if p.comps[0].h < 1 || p.comps[0].h > 4 || p.comps[0].v < 1 || p.comps[0].v > 4 {
			return unsupported("sampling factors")
		}
		p.comps[0].h, p.comps[0].v = 1, 1
		return nil
	}
	y := p.comps[0]
	if y.h < 1 || y.h > 2 || y.v < 1 || y.v > 2 {
		return unsupported("luma sampling %dx%d", y.h, y.v)
	}
	for _, c := range p.comps[1:] {
		if c.h != 1 || c.v != 1 {
			return unsupported("chroma sampling %dx%d", c.h, c.v)
		}
	}
	return nil
}

// isRGB tells, as image/jpeg does from every marker before the scan, whether three
// components are RGB rather than YCbCr. The rebuilt file says YCbCr, so RGB ones are left
// to the pixel path.
func (p *parser) isRGB() bool {
	if len(p.comps) != 3 || p.jfif {
		return false
	}
	return p.adobe && p.adobeT == 0 || p.comps[0].id == 'R' && p.comps[1].id == 'G' && p.comps[2].id == 'B'
}

func (p *parser) dqt(seg []byte) error {
	for len(seg) > 0 {
		pq, tq := seg[0]>>4, int(seg[0]&15)
		if pq > 1 || tq > 3 {
			return unsupported("quantization table %d/%d", pq, tq)
		}
		size := 64 * (1 + int(pq))
		if len(seg) < 1+size {
			return unsupported("short quantization table")
		}
		t := new([64]uint16)
		for i := range t {
			if pq == 0 {
				t[i] = uint16(seg[1+i])
			} else {
				t[i] = uint16(seg[1+2*i])<<8 | uint16(seg[2+2*i])
			}
			if t[i] == 0 {
				return unsupported("zero quantizer")
			}
		}
		p.quant[tq] = t
		seg = seg[1+size:]
	}
	return nil
}

func (p *parser) dht(seg []byte) error {
	for len(seg) > 0 {
		if len(seg) < 17 {
			return unsupported("short Huffman table")
		}
		tc, th := seg[0]>>4, int(seg[0]&15)
		if tc > 1 || th > 3 {
			return unsupported("Huffman table %d/%d", tc, th)
		}
		var counts [16]int
		total := 0
		for i := range counts {
			counts[i] = int(seg[1+i])
			total += counts[i]
		}
		if total == 0 || total > 256 || len(seg) < 17+total {
			return unsupported("Huffman table of %d codes", total)
		}
		t, err := newHuffTable(counts, seg[17:17+total])
		if err != nil {
			return err
		}
		t.std = stdIndex(tc, counts, seg[17:17+total])
		if tc == 0 {
			p.dc[th] = t
		} else {
			p.ac[th] = t
		}
		seg = seg[17+total:]
	}
	return nil
}

func (p *parser) sos(seg []byte) error {
	if !p.frame {
		return unsupported("scan before frame")
	}
	n := len(p.comps)
	if len(seg) != 4+2*n || int(seg[0]) != n {
		return unsupported("scan does not hold every component")
	}
	for i := range p.comps {
		c := &p.comps[i]
		if seg[1+2*i] != c.id {
			return unsupported("scan components out of frame order")
		}
		c.td, c.ta = int(seg[2+2*i]>>4), int(seg[2+2*i]&15)
		if c.td > 3 || c.ta > 3 || p.dc[c.td] == nil || p.ac[c.ta] == nil {
			return unsupported("scan names an undefined Huffman table")
		}
		if p.quant[c.tq] == nil {
			return unsupported("frame names an undefined quantization table")
		}
	}
	if p.isRGB() {
		return unsupported("RGB without colour transform")
	}
	if ss, se, a := seg[1+2*n], seg[2+2*n], seg[3+2*n]; ss != 0 || se != 63 || a != 0 {
		return unsupported("scan not sequential (Ss=%d Se=%d A=%#x)", ss, se, a)
	}
	return nil
}
