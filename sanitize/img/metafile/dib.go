package metafile

import (
	"encoding/binary"
	"image"
	"math/bits"

	"github.com/sekisho/sekisho/sanitize"
)

var le = binary.LittleEndian

// monoColors are the colours of a monochrome pattern whose bitmap indexes the palette,
// and the size of its colour-table entries (2 for DIB_PAL_COLORS, 0 for DIB_PAL_INDICES).
type monoColors struct {
	colors [2]rgba
	entry  int
}

// dibInfo is a parsed BITMAPINFO (or BITMAPCOREINFO) header with its colour table.
type dibInfo struct {
	w, h    int
	topDown bool
	bpp     int
	comp    uint32
	colors  []rgba
	masks   [3]uint32
	// size is the header plus colour table (and BI_BITFIELDS masks) in bytes.
	size int
}

// parseDIBHeader reads the header. pal is set for bitmaps whose colours index the
// selected palette (DIB_PAL_COLORS), taken only for monochrome patterns; JPEG/PNG-compressed
// and RLE bitmaps are not decoded.
func parseDIBHeader(b []byte, maxPixels int64, pal *monoColors) (*dibInfo, error) {
	if len(b) < 12 {
		return nil, errMalformed("bitmap header truncated")
	}
	hs := int(le.Uint32(b))
	d := &dibInfo{}
	switch {
	case hs == 12:
		d.w, d.h = int(le.Uint16(b[4:])), int(int16(le.Uint16(b[6:])))
		d.bpp = int(le.Uint16(b[10:]))
	case hs >= 40 && hs <= 124 && len(b) >= hs:
		d.w, d.h = int(int32(le.Uint32(b[4:]))), int(int32(le.Uint32(b[8:])))
		d.bpp = int(le.Uint16(b[14:]))
		d.comp = le.Uint32(b[16:])
	default:
		return nil, errMalformed("bitmap header size %d", hs)
	}
	if d.h < 0 {
		d.h, d.topDown = -d.h, true
	}
	if d.w <= 0 || d.h <= 0 || int64(d.w)*int64(d.h) > maxPixels || d.w > 1<<20 || d.h > 1<<20 {
		return nil, errMalformed("bitmap size %dx%d", d.w, d.h)
	}
	switch d.bpp {
	case 1, 4, 8, 16, 24, 32:
	default:
		return nil, errUnsupported("bitmap of %d bits per pixel", d.bpp)
	}
	d.size = hs
	switch d.comp {
	case 0: // BI_RGB
		if d.bpp == 16 {
			d.masks = [3]uint32{0x7c00, 0x3e0, 0x1f}
		} else if d.bpp == 32 {
			d.masks = [3]uint32{0xff0000, 0xff00, 0xff}
		}
	case 3: // BI_BITFIELDS
		if d.bpp != 16 && d.bpp != 32 {
			return nil, errMalformed("bit fields with %d bits per pixel", d.bpp)
		}
		if hs == 40 {
			if len(b) < 52 {
				return nil, errMalformed("bitmap masks truncated")
			}
			d.size += 12
		}
		d.masks = [3]uint32{le.Uint32(b[40:]), le.Uint32(b[44:]), le.Uint32(b[48:])}
	default:
		return nil, errUnsupported("bitmap compression %d", d.comp)
	}
	if d.bpp <= 8 {
		n := 1 << d.bpp
		entry := 4
		if hs == 12 {
			entry = 3
		} else if u := int(le.Uint32(b[32:])); u > 0 && u < n {
			n = u
		}
		if pal != nil {
			// DIB_PAL_COLORS (16-bit indices into the selected palette) or DIB_PAL_INDICES
			// (no table): palettes are not drawn here, so only a two-colour pattern is
			// taken, in the colours GDI gives a monochrome brush (text colour for 0 bits,
			// background for 1).
			if d.bpp != 1 || len(b) < d.size+pal.entry*n {
				return nil, errUnsupported("bitmap of %d bits per pixel with palette-index colours", d.bpp)
			}
			d.colors = pal.colors[:]
			d.size += pal.entry * n
			return d, nil
		}
		if len(b) < d.size+n*entry {
			return nil, errMalformed("bitmap colour table truncated")
		}
		for i := range n {
			c := b[d.size+i*entry:]
			d.colors = append(d.colors, rgba{c[2], c[1], c[0], 255})
		}
		d.size += n * entry
	}
	return d, nil
}

func (d *dibInfo) stride() int { return (d.w*d.bpp + 31) / 32 * 4 }

// decode turns the pixel array into an opaque RGBA image (GDI ignores the fourth byte of
// 32-bit pixels outside AlphaBlend).
func (d *dibInfo) decode(px []byte) (*image.RGBA, error) {
	st := d.stride()
	if need := int64(st) * int64(d.h); int64(len(px)) < need {
		// Some writers leave out the last row's padding or the row itself; GDI draws
		// what is there. More missing is a damaged bitmap.
		if int64(len(px)) < need-int64(st) {
			return nil, errMalformed("bitmap pixels truncated: %d bytes for %dx%d", len(px), d.w, d.h)
		}
		px = append(px[:len(px):len(px)], make([]byte, need-int64(len(px)))...)
	}
	img := image.NewRGBA(image.Rect(0, 0, d.w, d.h))
	for y := range d.h {
		row := px[y*st : (y+1)*st]
		oy := d.h - 1 - y
		if d.topDown {
			oy = y
		}
		o := img.PixOffset(0, oy)
		for x := range d.w {
			var c rgba
			switch d.bpp {
			case 1, 4, 8:
				bit := x * d.bpp
				i := int(row[bit/8]>>(8-d.bpp-bit%8)) & (1<<d.bpp - 1)
				if i < len(d.colors) {
					c = d.colors[i]
				} else {
					c = rgba{0, 0, 0, 255}
				}
			case 24:
				c = rgba{row[x*3+2], row[x*3+1], row[x*3], 255}
			case 16:
				c = maskColor(uint32(le.Uint16(row[x*2:])), d.masks)
			case 32:
				c = maskColor(le.Uint32(row[x*4:]), d.masks)
			}
			copy(img.Pix[o+x*4:], []uint8{c.r, c.g, c.b, 255})
		}
	}
	return img, nil
}

func maskColor(v uint32, m [3]uint32) rgba {
	ch := func(mask uint32) uint8 {
		if mask == 0 {
			return 0
		}
		s := bits.TrailingZeros32(mask)
		n := bits.OnesCount32(mask)
		x := uint64((v & mask) >> s)
		return uint8(x * 255 / (uint64(1)<<n - 1))
	}
	return rgba{ch(m[0]), ch(m[1]), ch(m[2]), 255}
}

// decodeDIB decodes a packed DIB: header, colour table and pixels in one buffer.
func (c *canvas) decodeDIB(b []byte, maxPixels int64) (*image.RGBA, error) {
	d, err := parseDIBHeader(b, maxPixels, nil)
	if err != nil {
		return nil, err
	}
	return c.decode(d, b[d.size:])
}

// decode decodes a bitmap whose header was read, charging its pixels to the work budget
// first: a one-bit bitmap takes 32 times its bytes once decoded, and pattern brushes stay
// in the object table, so without the charge a file of many bitmaps holds many times its
// size (300 brushes of a megapixel from 38 MB: 1.2 GB).
func (c *canvas) decode(d *dibInfo, px []byte) (*image.RGBA, error) {
	if !c.spendBytes(4 * int64(d.w) * int64(d.h)) {
		return nil, &sanitize.LimitError{Limit: "metafile drawing work (decoded bitmap pixels)", Max: c.maxWork, Got: c.work}
	}
	return d.decode(px)
}
