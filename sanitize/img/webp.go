package img

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/sekisho/sekisho/sanitize"
)

// scanWebP walks the RIFF chunks. golang.org/x/image/webp decodes still images (VP8, VP8L,
// VP8X with ALPH); animations (ANIM/ANMF) are refused rather than flattened to a frame the
// sender did not choose.
func scanWebP(ctx context.Context, r io.ReaderAt, size int64) (*findings, error) {
	f := newFindings()
	f.endMarker = "RIFF end"
	var h [12]byte
	if size < 12 {
		return nil, fmt.Errorf("%w: webp: truncated header", sanitize.ErrMalformed)
	}
	if _, err := r.ReadAt(h[:], 0); err != nil || string(h[:4]) != "RIFF" || string(h[8:]) != "WEBP" {
		return nil, fmt.Errorf("%w: webp: not a RIFF WEBP file", sanitize.ErrMalformed)
	}
	end := int64(binary.LittleEndian.Uint32(h[4:])) + 8
	if end > size {
		return nil, fmt.Errorf("%w: webp: truncated (RIFF says %d bytes, file has %d)", sanitize.ErrMalformed, end, size)
	}
	c := counter{ctx: ctx, of: "webp chunks"}
	for off := int64(12); off < end; {
		if err := c.next(); err != nil {
			return nil, err
		}
		var ch [8]byte
		if off+8 > end {
			return nil, fmt.Errorf("%w: webp: chunk header past the RIFF end", sanitize.ErrMalformed)
		}
		if _, err := r.ReadAt(ch[:], off); err != nil {
			return nil, truncated("webp", err)
		}
		n := int64(binary.LittleEndian.Uint32(ch[4:]))
		next := off + 8 + n + n&1
		if next > end {
			return nil, fmt.Errorf("%w: webp: chunk %q runs past the RIFF end", sanitize.ErrMalformed, ch[:4])
		}
		switch id := string(ch[:4]); id {
		case "VP8 ", "VP8L", "VP8X", "ALPH":
		case "ANIM", "ANMF":
			return nil, fmt.Errorf("%w: webp: animated webp", sanitize.ErrUnsupported)
		case "ICCP":
			f.addMeta("icc")
		case "EXIF":
			b := make([]byte, min(n, maxMetaRead))
			if _, err := r.ReadAt(b, off+8); err != nil {
				return nil, truncated("webp", err)
			}
			f.exif(parseExif(b))
		case "XMP ":
			f.addMeta("xmp")
		default:
			f.addMeta("unknown chunks")
		}
		off = next
	}
	f.end = end
	f.canonical = false // always converted to PNG
	return f, nil
}
