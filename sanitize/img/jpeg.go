package img

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/internal/jpegre"
)

// rebuildFits reports whether a JPEG of size bytes up to EOI and pixels pixels is read
// whole into memory for jpegre; others stream through the decoder. The bound scales with
// the pixels: decoding holds 1.5 to 4 bytes a pixel and the re-encoded output, so reading
// 4 bytes a pixel costs no more, while a small picture padded with megabytes of segments
// still streams. Every JPEG the decode path writes is within it (quality 100, the worst,
// stays under 4 bytes a pixel: TestRebuildFitsOwnOutput), so that output fed back is
// rebuilt, not decoded and re-encoded again: a fixed point at any size.
func rebuildFits(size, pixels int64) bool {
	return size <= max(minRebuild, 4*pixels)
}

// minRebuild is read whole whatever the pixel count.
const minRebuild = 16 << 20

// rebuildJPEG returns a baseline JPEG rebuilt from its coefficients by jpegre, or nil
// when it must be decoded instead: another kind, an EXIF orientation to apply (which
// moves pixels), too large, or a layout jpegre does not take. Only the bytes up to EOI
// are read; trailing data is reported by the caller as before.
func rebuildJPEG(kind string, f *findings, r io.ReaderAt, cfg image.Config) []byte {
	if kind != "jpeg" || f.orientation >= 2 || !rebuildFits(f.end, int64(cfg.Width)*int64(cfg.Height)) {
		return nil
	}
	data := make([]byte, f.end)
	if n, _ := r.ReadAt(data, 0); int64(n) != f.end {
		return nil
	}
	out, _, err := jpegre.Rebuild(data, int64(cfg.Width)*int64(cfg.Height))
	if err != nil {
		return nil
	}
	return out
}

// encodeJPEG writes m as image/jpeg does, then through jpegre: the output fed back (now a
// baseline JPEG that rebuildJPEG takes) is rebuilt into the same bytes, so a decoded and
// re-encoded JPEG is a fixed point like every other output (image/jpeg writes both
// quantization tables in one segment, jpegre one each). Same coefficients, same pixels.
func (s *Sanitizer) encodeJPEG(w io.Writer, m image.Image) error {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: s.quality}); err != nil {
		return err
	}
	r := m.Bounds()
	out, _, err := jpegre.Rebuild(buf.Bytes(), int64(r.Dx())*int64(r.Dy()))
	if err != nil {
		out = buf.Bytes()
	}
	_, err = w.Write(out)
	return err
}

// countingReader tracks the offset the JPEG and GIF walkers have consumed.
type countingReader struct {
	r   *bufio.Reader
	off int64
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.off++
	}
	return b, err
}

func (c *countingReader) full(p []byte) error {
	n, err := io.ReadFull(c.r, p)
	c.off += int64(n)
	return err
}

func (c *countingReader) skip(n int) error {
	d, err := c.r.Discard(n)
	c.off += int64(d)
	return err
}

func truncated(kind string, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: %s: truncated", sanitize.ErrMalformed, kind)
	}
	return fmt.Errorf("%w: %s: %w", sanitize.ErrMalformed, kind, err)
}

// scanJPEG walks the marker segments and entropy-coded scans up to EOI, classifying every
// APPn and COM segment. Every frame header's dimensions are checked against the budget.
func scanJPEG(ctx context.Context, r io.ReaderAt, size int64, b *sanitize.Budget) (*findings, error) {
	f := newFindings()
	f.endMarker = "EOI"
	cr := &countingReader{r: bufio.NewReaderSize(io.NewSectionReader(r, 0, size), 32<<10)}
	var soi [2]byte
	if err := cr.full(soi[:]); err != nil || soi != [2]byte{0xff, 0xd8} {
		return nil, fmt.Errorf("%w: jpeg: no SOI marker", sanitize.ErrMalformed)
	}
	c := counter{ctx: ctx, of: "jpeg segments"}
	frames, scans := 0, 0
	var m byte
	haveMarker := false
	for {
		if err := c.next(); err != nil {
			return nil, err
		}
		if !haveMarker {
			x, err := cr.ReadByte()
			if err != nil {
				return nil, truncated("jpeg", err)
			}
			if x != 0xff {
				return nil, fmt.Errorf("%w: jpeg: expected a marker at offset %d", sanitize.ErrMalformed, cr.off-1)
			}
			for x == 0xff { // fill bytes
				if x, err = cr.ReadByte(); err != nil {
					return nil, truncated("jpeg", err)
				}
			}
			m = x
		}
		haveMarker = false
		switch {
		case m == 0xd9: // EOI
			if frames == 0 || scans == 0 {
				return nil, fmt.Errorf("%w: jpeg: EOI before any image data", sanitize.ErrMalformed)
			}
			f.end = cr.off
			return f, nil
		case m == 0x01 || m >= 0xd0 && m <= 0xd7: // TEM, RSTn: no length
			f.canonical = false
			continue
		case m == 0x00 || m == 0xd8:
			return nil, fmt.Errorf("%w: jpeg: unexpected marker 0x%02x", sanitize.ErrMalformed, m)
		}
		var lb [2]byte
		if err := cr.full(lb[:]); err != nil {
			return nil, truncated("jpeg", err)
		}
		n := (int(lb[0])<<8 | int(lb[1])) - 2
		if n < 0 {
			return nil, fmt.Errorf("%w: jpeg: segment length below 2", sanitize.ErrMalformed)
		}
		// Read what classification needs: frame headers and EXIF whole (at most 64 KiB),
		// the identifier of other APPn segments; skip tables, scan headers and comments.
		keep := 0
		switch {
		case m == 0xe1 || m >= 0xc0 && m <= 0xcf:
			keep = n
		case m >= 0xe0 && m <= 0xef:
			keep = min(n, 64)
		}
		seg := make([]byte, keep)
		if err := cr.full(seg); err != nil {
			return nil, truncated("jpeg", err)
		}
		if err := cr.skip(n - keep); err != nil {
			return nil, truncated("jpeg", err)
		}
		switch {
		case m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc: // SOFn
			frames++
			if frames > 1 {
				return nil, fmt.Errorf("%w: jpeg: more than one frame header (hierarchical)", sanitize.ErrUnsupported)
			}
			if len(seg) < 6 {
				return nil, fmt.Errorf("%w: jpeg: short frame header", sanitize.ErrMalformed)
			}
			h, w := int(seg[1])<<8|int(seg[2]), int(seg[3])<<8|int(seg[4])
			if err := b.CheckPixels(w, h); err != nil {
				return nil, err
			}
			switch m {
			case 0xc0:
			case 0xc2:
				f.drop("progressive")
			default:
				f.drop(fmt.Sprintf("SOF%d", m-0xc0))
			}
		case m == 0xc4 || m == 0xdb: // DHT, DQT
		case m == 0xdd: // DRI
			f.canonical = false
		case m == 0xda: // SOS: the entropy-coded data follows until the next real marker
			scans++
			if frames == 0 {
				return nil, fmt.Errorf("%w: jpeg: scan before frame header", sanitize.ErrMalformed)
			}
			if scans > 1 {
				f.canonical = false
			}
			next, err := skipEntropy(cr)
			if err != nil {
				return nil, err
			}
			m, haveMarker = next, true
		case m == 0xfe:
			f.addMeta("comment")
		case m >= 0xe0 && m <= 0xef:
			classifyAPP(f, m-0xe0, seg)
		default: // DNL, DHP, EXP, JPGn and reserved markers: not produced by ordinary encoders
			f.drop(fmt.Sprintf("marker 0x%02x", m))
		}
	}
}

// skipEntropy consumes entropy-coded data (0xff00 stuffing and RSTn inside) and returns the
// marker that ends it.
func skipEntropy(cr *countingReader) (byte, error) {
	for {
		buf, _ := cr.r.Peek(cr.r.Buffered())
		if len(buf) == 0 {
			if _, err := cr.r.Peek(1); err != nil {
				return 0, truncated("jpeg", err)
			}
			continue
		}
		i := bytes.IndexByte(buf, 0xff)
		if i < 0 {
			cr.skip(len(buf))
			continue
		}
		cr.skip(i + 1)
		x, err := cr.ReadByte()
		if err != nil {
			return 0, truncated("jpeg", err)
		}
		for x == 0xff {
			if x, err = cr.ReadByte(); err != nil {
				return 0, truncated("jpeg", err)
			}
		}
		if x == 0 || x >= 0xd0 && x <= 0xd7 {
			continue
		}
		return x, nil
	}
}

// classifyAPP names what an APPn segment carries.
func classifyAPP(f *findings, n byte, seg []byte) {
	has := func(p string) bool { return bytes.HasPrefix(seg, []byte(p)) }
	switch {
	case n == 0 && has("JFIF\x00"):
		f.drop("JFIF header")
	case n == 0 && has("JFXX\x00"):
		f.addMeta("thumbnail")
	case n == 1 && has("Exif\x00"):
		f.exif(parseExif(seg))
	case n == 1 && (has("http://ns.adobe.com/xap/1.0/\x00") || has("http://ns.adobe.com/xmp/extension/\x00")):
		f.addMeta("xmp")
	case n == 2 && has("ICC_PROFILE\x00"):
		f.addMeta("icc")
	case n == 2 && has("MPF\x00"):
		f.addMeta("mpf")
	case n == 13 && has("Photoshop 3.0\x00"):
		f.addMeta("photoshop")
	case n == 14 && has("Adobe"):
		f.drop("Adobe header")
	default:
		f.addMeta(fmt.Sprintf("app%d", n))
	}
}
