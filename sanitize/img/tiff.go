package img

import (
	"context"
	"fmt"
	"io"

	"github.com/sekisho/sekisho/sanitize"
)

// maxTIFFIFDs bounds the IFD chain walked to tell thumbnails from pages.
const maxTIFFIFDs = 64

// tiffTextTags are descriptive ASCII tags (TIFF 6.0 section 8) that identify people,
// devices or software.
var tiffTextTags = map[uint16]bool{269: true, 270: true, 271: true, 272: true, 285: true, 305: true, 306: true, 315: true, 316: true, 33432: true}

// scanTIFF classifies IFD0's metadata tags and walks the IFD chain: x/image/tiff decodes
// only the first image, so of a multi-page file the first page is delivered and the
// others are counted for the report, never cut silently; reduced-resolution IFDs
// (thumbnails) are dropped as metadata. TIFF places data anywhere
// by offset, so there is no end marker and no trailing-data finding.
func scanTIFF(ctx context.Context, r io.ReaderAt, size int64) (*findings, error) {
	f := newFindings()
	f.canonical = false // always converted to PNG
	f.end = size
	t, off, err := parseTIFFHeader(r, size)
	if err != nil {
		return nil, fmt.Errorf("%w: tiff: bad header", sanitize.ErrMalformed)
	}
	es, next, err := t.readIFD(off)
	if err != nil {
		return nil, fmt.Errorf("%w: tiff: bad first IFD", sanitize.ErrMalformed)
	}
	for _, e := range es {
		switch {
		case e.tag == tagExifIFD:
			f.addMeta("exif")
		case e.tag == tagXMP:
			f.addMeta("xmp")
		case e.tag == tagICC:
			f.addMeta("icc")
		case e.tag == tagIPTC:
			f.addMeta("iptc")
		case e.tag == tagPhotoshop || e.tag == tagImageSource:
			f.addMeta("photoshop")
		case e.tag == tagSubIFDs:
			f.addMeta("sub-images")
		case tiffTextTags[e.tag]:
			f.addMeta("text")
		}
	}
	facts := t.facts(es)
	if facts.gps {
		f.addMeta("gps")
	}
	f.orientation = facts.orientation
	seen := map[uint32]bool{off: true}
	for i := 2; next != 0; i++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if i > maxTIFFIFDs || seen[next] {
			return nil, fmt.Errorf("%w: tiff: IFD chain too long or looping", sanitize.ErrMalformed)
		}
		seen[next] = true
		es, n, err := t.readIFD(next)
		if err != nil {
			return nil, fmt.Errorf("%w: tiff: bad IFD %d", sanitize.ErrMalformed, i)
		}
		if e, ok := find(es, tagNewSubfileType); ok {
			if v, ok := t.uint(e); ok && v&1 != 0 {
				f.addMeta("thumbnail")
				next = n
				continue
			}
		}
		// A further page (a scanned form's second sheet, a fax). x/image/tiff decodes the
		// first image only: that page is delivered and the report says how many were not.
		f.extraPages++
		next = n
	}
	return f, nil
}
