package img

import (
	"bufio"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"sync"
)

// image/png encodes every 16-bit image (Gray16, RGBA64, NRGBA64: what the PNG and TIFF
// decoders return for 16-bit samples) pixel by pixel through At() and the color.Color
// interface, one allocation per pixel. encodePNG16 writes the same file from the decoded
// image's Pix rows instead: same colour type, same adaptive filter, same zlib level and
// IDAT chunking, so the output is byte-for-byte what image/png writes (the tests hold it to
// that). The other types image/png reaches through At() or ColorIndexAt (Alpha, Alpha16,
// paletted images of 16 colours or fewer) are left to it: no decoder here returns the first
// two and the third is an index lookup, not a colour conversion.

// png16Buf holds one encode's reusable zlib writer, chunking buffer and filter rows.
type png16Buf struct {
	zw      *zlib.Writer
	zwLevel int
	bw      *bufio.Writer
	cr      [5][]byte // cr[0] unfiltered row; cr[1..4] the row under filters Sub..Paeth
	pr      []byte    // previous unfiltered row
	crc     [8]byte
}

var png16Pool = sync.Pool{New: func() any { return new(png16Buf) }}

const (
	ftNone = iota
	ftSub
	ftUp
	ftAverage
	ftPaeth
)

// encodePNG16 writes m when it is a 16-bit type and reports whether it did.
func encodePNG16(w io.Writer, m image.Image, level png.CompressionLevel) (bool, error) {
	var (
		colorType byte
		bpp       int // bytes per pixel in the file
		row       func(dst []byte, y int)
	)
	b := m.Bounds()
	switch s := m.(type) {
	case *image.Gray16:
		colorType, bpp = 0, 2
		row = func(dst []byte, y int) {
			i := s.PixOffset(b.Min.X, y)
			copy(dst, s.Pix[i:i+2*b.Dx()]) // Gray16.Pix is already big-endian
		}
	case *image.NRGBA64:
		if s.Opaque() {
			colorType, bpp = 2, 6
			row = func(dst []byte, y int) { dropAlpha16(dst, s.Pix[s.PixOffset(b.Min.X, y):]) }
		} else {
			colorType, bpp = 6, 8
			row = func(dst []byte, y int) {
				i := s.PixOffset(b.Min.X, y)
				copy(dst, s.Pix[i:i+8*b.Dx()])
			}
		}
	case *image.RGBA64:
		if s.Opaque() {
			colorType, bpp = 2, 6
			row = func(dst []byte, y int) { dropAlpha16(dst, s.Pix[s.PixOffset(b.Min.X, y):]) }
		} else {
			colorType, bpp = 6, 8
			row = func(dst []byte, y int) { unpremultiply16(dst, s.Pix[s.PixOffset(b.Min.X, y):]) }
		}
	default:
		return false, nil
	}
	wd, ht := b.Dx(), b.Dy()
	if wd <= 0 || ht <= 0 || int64(wd) >= 1<<31 || int64(ht) >= 1<<31 {
		return false, nil // image/png words the refusal
	}

	e := png16Pool.Get().(*png16Buf)
	defer png16Pool.Put(e)
	cw := &chunkWriter{w: w, hdr: &e.crc}
	if _, err := io.WriteString(w, "\x89PNG\r\n\x1a\n"); err != nil {
		return true, err
	}
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:4], uint32(wd))
	binary.BigEndian.PutUint32(ihdr[4:8], uint32(ht))
	ihdr[8], ihdr[9] = 16, colorType // compression, filter and interlace methods stay 0
	if err := cw.chunk("IHDR", ihdr[:]); err != nil {
		return true, err
	}

	// Chunking as image/png does: zlib output through a 32 KiB buffer, one IDAT per flush.
	if e.bw == nil {
		e.bw = bufio.NewWriterSize(cw, 1<<15)
	} else {
		e.bw.Reset(cw)
	}
	zl := zlibLevel(level)
	if e.zw == nil || e.zwLevel != zl {
		zw, err := zlib.NewWriterLevel(e.bw, zl)
		if err != nil {
			return true, err
		}
		e.zw, e.zwLevel = zw, zl
	} else {
		e.zw.Reset(e.bw)
	}
	sz := 1 + bpp*wd
	for i := range e.cr {
		if cap(e.cr[i]) < sz {
			e.cr[i] = make([]byte, sz)
		}
		e.cr[i] = e.cr[i][:sz]
		e.cr[i][0] = byte(i)
	}
	if cap(e.pr) < sz {
		e.pr = make([]byte, sz)
	}
	e.pr = e.pr[:sz]
	clear(e.pr)
	cr, pr := e.cr, e.pr
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row(cr[0][1:], y)
		f := ftNone
		if zl != zlib.NoCompression {
			f = filter(&cr, pr, bpp)
		}
		if _, err := e.zw.Write(cr[f]); err != nil {
			return true, err
		}
		pr, cr[0] = cr[0], pr
	}
	e.cr, e.pr = cr, pr
	if err := e.zw.Close(); err != nil {
		return true, err
	}
	if err := e.bw.Flush(); err != nil {
		return true, err
	}
	return true, cw.chunk("IEND", nil)
}

// dropAlpha16 copies the 6 colour bytes of each 8-byte opaque pixel.
func dropAlpha16(dst, src []byte) {
	for ; len(dst) >= 6; dst, src = dst[6:], src[8:] {
		copy(dst[:6], src[:6])
	}
}

// unpremultiply16 does what color.NRGBA64Model.Convert does to an RGBA64 pixel.
func unpremultiply16(dst, src []byte) {
	for ; len(dst) >= 8; dst, src = dst[8:], src[8:] {
		a := uint32(src[6])<<8 | uint32(src[7])
		switch a {
		case 0xffff:
			copy(dst[:8], src[:8])
		case 0:
			clear(dst[:8])
		default:
			for c := 0; c < 6; c += 2 {
				v := (uint32(src[c])<<8 | uint32(src[c+1])) * 0xffff / a
				dst[c], dst[c+1] = byte(v>>8), byte(v)
			}
			dst[6], dst[7] = src[6], src[7]
		}
	}
}

func zlibLevel(l png.CompressionLevel) int {
	switch l {
	case png.NoCompression:
		return zlib.NoCompression
	case png.BestSpeed:
		return zlib.BestSpeed
	case png.BestCompression:
		return zlib.BestCompression
	}
	return zlib.DefaultCompression
}

// chunkWriter frames what is written to it as PNG chunks; Write makes one IDAT.
type chunkWriter struct {
	w   io.Writer
	hdr *[8]byte
}

func (c *chunkWriter) Write(p []byte) (int, error) {
	if err := c.chunk("IDAT", p); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (c *chunkWriter) chunk(name string, data []byte) error {
	h := c.hdr
	binary.BigEndian.PutUint32(h[:4], uint32(len(data)))
	copy(h[4:], name)
	crc := crc32.Update(crc32.ChecksumIEEE(h[4:8]), crc32.IEEETable, data)
	if _, err := c.w.Write(h[:8]); err != nil {
		return err
	}
	if _, err := c.w.Write(data); err != nil {
		return err
	}
	binary.BigEndian.PutUint32(h[:4], crc)
	_, err := c.w.Write(h[:4])
	return err
}

// filter picks the filter with the smallest sum of absolute differences, trying them in the
// order image/png does (its filter function, BSD licence, The Go Authors), so that ties
// resolve the same way.
func filter(cr *[5][]byte, pr []byte, bpp int) int {
	cdat0, cdat1, cdat2, cdat3, cdat4 := cr[0][1:], cr[1][1:], cr[2][1:], cr[3][1:], cr[4][1:]
	pdat := pr[1:]
	n := len(cdat0)

	sum := 0
	for i := 0; i < n; i++ {
		cdat2[i] = cdat0[i] - pdat[i]
		sum += abs8(cdat2[i])
	}
	best, f := sum, ftUp

	sum = 0
	for i := 0; i < bpp; i++ {
		cdat4[i] = cdat0[i] - pdat[i]
		sum += abs8(cdat4[i])
	}
	for i := bpp; i < n && sum < best; i++ {
		cdat4[i] = cdat0[i] - paeth(cdat0[i-bpp], pdat[i], pdat[i-bpp])
		sum += abs8(cdat4[i])
	}
	if sum < best {
		best, f = sum, ftPaeth
	}

	sum = 0
	for i := 0; i < n && sum < best; i++ {
		sum += abs8(cdat0[i])
	}
	if sum < best {
		best, f = sum, ftNone
	}

	sum = 0
	for i := 0; i < bpp; i++ {
		cdat1[i] = cdat0[i]
		sum += abs8(cdat1[i])
	}
	for i := bpp; i < n && sum < best; i++ {
		cdat1[i] = cdat0[i] - cdat0[i-bpp]
		sum += abs8(cdat1[i])
	}
	if sum < best {
		best, f = sum, ftSub
	}

	sum = 0
	for i := 0; i < bpp; i++ {
		cdat3[i] = cdat0[i] - pdat[i]/2
		sum += abs8(cdat3[i])
	}
	for i := bpp; i < n && sum < best; i++ {
		cdat3[i] = cdat0[i] - uint8((int(cdat0[i-bpp])+int(pdat[i]))/2)
		sum += abs8(cdat3[i])
	}
	if sum < best {
		f = ftAverage
	}
	return f
}

func abs8(d uint8) int {
	if d < 128 {
		return int(d)
	}
	return 256 - int(d)
}

// paeth is the PNG Paeth predictor.
func paeth(a, b, c uint8) uint8 {
	pc := int(c)
	pa := int(b) - pc
	pb := int(a) - pc
	pc = abs(pa + pb)
	pa = abs(pa)
	pb = abs(pb)
	if pa <= pb && pa <= pc {
		return a
	} else if pb <= pc {
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
