package img

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/sekisho/sekisho/sanitize"
)

// maxMetaRead bounds how much of one metadata chunk or segment is read to classify it.
const maxMetaRead = 1 << 20

// scanPNG walks the chunk list (headers only, via ReadAt: image data is never read here)
// up to IEND. Chunk CRCs are left to image/png, which verifies every chunk it reads.
func scanPNG(ctx context.Context, r io.ReaderAt, size int64) (*findings, error) {
	f := newFindings()
	f.endMarker = "IEND"
	c := counter{ctx: ctx, of: "png chunks"}
	var hdr [8]byte
	off := int64(8)
	seenIDAT, seenPLTE := false, false
	for {
		if err := c.next(); err != nil {
			return nil, err
		}
		if off+12 > size {
			return nil, fmt.Errorf("%w: png: truncated before IEND", sanitize.ErrMalformed)
		}
		if _, err := r.ReadAt(hdr[:], off); err != nil {
			return nil, fmt.Errorf("%w: png: %w", sanitize.ErrMalformed, err)
		}
		n := int64(binary.BigEndian.Uint32(hdr[:4]))
		typ := string(hdr[4:8])
		if n > 0x7fffffff || !validChunkType(hdr[4:8]) {
			return nil, fmt.Errorf("%w: png: invalid chunk at offset %d", sanitize.ErrMalformed, off)
		}
		next := off + 12 + n
		if next > size {
			return nil, fmt.Errorf("%w: png: chunk %q runs past the end of the file", sanitize.ErrMalformed, typ)
		}
		if off == 8 && typ != "IHDR" {
			return nil, fmt.Errorf("%w: png: first chunk is %q, not IHDR", sanitize.ErrMalformed, typ)
		}
		body := func() []byte { // bounded read of the chunk's data
			b := make([]byte, min(n, maxMetaRead))
			if _, err := r.ReadAt(b, off+8); err != nil {
				return nil
			}
			return b
		}
		switch typ {
		case "IHDR", "IDAT":
			seenIDAT = seenIDAT || typ == "IDAT"
			if typ == "IHDR" && n == 13 {
				if b := body(); len(b) == 13 && b[12] != 0 {
					f.drop("interlacing") // Adam7; our encoder writes non-interlaced
				}
			}
		case "PLTE":
			seenPLTE = true
		case "tRNS":
			if !seenPLTE { // our encoder writes tRNS only for paletted images
				f.drop("tRNS")
			}
		case "IEND":
			f.end = next
			return f, nil
		case "eXIf":
			f.exif(parseExif(body()))
		case "tEXt", "zTXt":
			// ImageMagick keeps EXIF and IPTC as hex "Raw profile type exif" text chunks.
			f.addMeta(rawProfileKind(body()))
		case "iTXt":
			if bytes.HasPrefix(body(), []byte("XML:com.adobe.xmp\x00")) {
				f.addMeta("xmp")
			} else {
				f.addMeta("text")
			}
		case "iCCP":
			f.addMeta("icc")
		case "tIME":
			f.addMeta("time")
		case "acTL", "fdAT":
			f.canonical = false
		case "fcTL":
			// APNG: a frame control after IDAT starts a frame the default image does not show.
			f.canonical = false
			if seenIDAT {
				f.extraFrames++
			}
		default:
			if hdr[4]&0x20 == 0 {
				// Critical chunks we do not know change how the image must be read: image/png
				// would skip them and show something else than the producer meant.
				return nil, fmt.Errorf("%w: png: unknown critical chunk %q", sanitize.ErrUnsupported, typ)
			}
			if hdr[5]&0x20 != 0 { // private (second letter lower case)
				f.addMeta("private chunks")
			} else {
				f.drop(typ)
			}
		}
		off = next
	}
}

func validChunkType(t []byte) bool {
	for _, c := range t {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

// rawProfileKind classifies a tEXt/zTXt chunk by its keyword.
func rawProfileKind(b []byte) string {
	kw, _, _ := bytes.Cut(b, []byte{0})
	switch string(kw) {
	case "Raw profile type exif", "Raw profile type APP1":
		return "exif"
	case "Raw profile type iptc":
		return "iptc"
	case "Raw profile type xmp", "XML:com.adobe.xmp":
		return "xmp"
	case "Raw profile type icc", "Raw profile type icm":
		return "icc"
	case "Raw profile type 8bim":
		return "photoshop"
	}
	return "text"
}
