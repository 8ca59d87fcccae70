package img

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/sekisho/sekisho/sanitize"
)

// BMP colour-space types of the V4/V5 header (LOGCOLORSPACE, as little-endian uint32).
const (
	bmpProfileLinked   = 0x4c494e4b // 'LINK': a file name of a profile, e.g. a UNC path
	bmpProfileEmbedded = 0x4d424544 // 'MBED'
)

// scanBMP reads the headers: where the pixel array and any ICC profile end (what follows
// is trailing data) and whether a profile is embedded or linked by name. The pixel array's
// size is known only for uncompressed layouts, the only ones x/image/bmp decodes.
func scanBMP(r io.ReaderAt, size int64) (*findings, error) {
	f := newFindings()
	f.endMarker = "pixel data"
	f.canonical = false // always converted to PNG
	var h [14 + 124]byte
	n, _ := r.ReadAt(h[:], 0)
	if n < 14+40 {
		return nil, fmt.Errorf("%w: bmp: truncated header", sanitize.ErrMalformed)
	}
	le := binary.LittleEndian
	pixOff := int64(le.Uint32(h[10:]))
	dib := int64(le.Uint32(h[14:]))
	if dib < 40 {
		return nil, fmt.Errorf("%w: bmp: header size %d (OS/2 bitmap)", sanitize.ErrUnsupported, dib)
	}
	if 14+min(dib, 124) > int64(n) {
		return nil, fmt.Errorf("%w: bmp: truncated header", sanitize.ErrMalformed)
	}
	w, hgt := int64(int32(le.Uint32(h[18:]))), int64(int32(le.Uint32(h[22:])))
	bpp := int64(le.Uint16(h[28:]))
	comp := le.Uint32(h[30:])
	if hgt < 0 {
		hgt = -hgt
	}
	end := size
	if (comp == 0 || comp == 3) && w > 0 {
		end = pixOff + (w*bpp+31)/32*4*hgt
	}
	if dib >= 124 {
		switch le.Uint32(h[14+56:]) {
		case bmpProfileEmbedded, bmpProfileLinked:
			f.addMeta("icc")
			pe := 14 + int64(le.Uint32(h[14+112:])) + int64(le.Uint32(h[14+116:]))
			end = max(end, pe)
		}
	}
	if end > size {
		// Short pixel data: x/image/bmp reports it as it reads.
		end = size
	}
	f.end = end
	return f, nil
}
