package img

import (
	"bufio"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"io"

	"github.com/sekisho/sekisho/sanitize"
)

// scanGIF walks the block structure up to the trailer without decoding: every frame's
// bounds are checked against the logical screen, the frame count against maxFrames, and the
// sum of frame pixels against the budget, all before image/gif allocates a frame.
func scanGIF(ctx context.Context, r io.ReaderAt, size int64, b *sanitize.Budget, maxFrames int) (*findings, error) {
	f := newFindings()
	f.endMarker = "trailer"
	cr := &countingReader{r: bufio.NewReaderSize(io.NewSectionReader(r, 0, size), 32<<10)}
	var hdr [13]byte
	if err := cr.full(hdr[:]); err != nil {
		return nil, truncated("gif", err)
	}
	if string(hdr[:6]) != "GIF89a" {
		f.canonical = false // our encoder writes 89a
	}
	sw, sh := int(hdr[6])|int(hdr[7])<<8, int(hdr[8])|int(hdr[9])<<8
	if hdr[10]&0x80 != 0 {
		if err := cr.skip(3 << (hdr[10]&7 + 1)); err != nil {
			return nil, truncated("gif", err)
		}
	}
	c := counter{ctx: ctx, of: "gif blocks"}
	var total int64
	for {
		if err := c.next(); err != nil {
			return nil, err
		}
		kind, err := cr.ReadByte()
		if err != nil {
			return nil, truncated("gif", err)
		}
		switch kind {
		case 0x3b: // trailer
			if f.frames == 0 {
				return nil, fmt.Errorf("%w: gif: no image", sanitize.ErrMalformed)
			}
			f.end = cr.off
			return f, nil
		case 0x21:
			if err := scanGIFExtension(ctx, f, cr); err != nil {
				return nil, err
			}
		case 0x2c:
			var d [9]byte
			if err := cr.full(d[:]); err != nil {
				return nil, truncated("gif", err)
			}
			x, y := int(d[0])|int(d[1])<<8, int(d[2])|int(d[3])<<8
			w, h := int(d[4])|int(d[5])<<8, int(d[6])|int(d[7])<<8
			if x+w > sw || y+h > sh {
				return nil, fmt.Errorf("%w: gif: frame %d (%dx%d at %d,%d) outside the %dx%d screen", sanitize.ErrMalformed, f.frames+1, w, h, x, y, sw, sh)
			}
			f.frames++
			if f.frames > maxFrames {
				return nil, fmt.Errorf("%w: gif: more than %d frames", sanitize.ErrUnsupported, maxFrames)
			}
			// Each frame is a separate allocation in image/gif: the frames together count
			// against limits.max_pixels.
			total += int64(w) * int64(h)
			if err := b.CheckPixels(1, int(total)); err != nil {
				return nil, err
			}
			if d[8]&0x40 != 0 {
				f.drop("interlacing")
			}
			if d[8]&0x80 != 0 {
				if err := cr.skip(3 << (d[8]&7 + 1)); err != nil {
					return nil, truncated("gif", err)
				}
			}
			if err := cr.skip(1); err != nil { // LZW minimum code size
				return nil, truncated("gif", err)
			}
			data := counter{ctx: ctx, unbounded: true}
			if _, err := skipSubBlocks(cr, &data); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("%w: gif: unknown block 0x%02x at offset %d", sanitize.ErrMalformed, kind, cr.off-1)
		}
	}
}

func scanGIFExtension(ctx context.Context, f *findings, cr *countingReader) error {
	label, err := cr.ReadByte()
	if err != nil {
		return truncated("gif", err)
	}
	c := counter{ctx: ctx, unbounded: true}
	switch label {
	case 0xf9: // graphic control: delay, disposal, transparency; re-encoded per frame
	case 0xfe:
		f.addMeta("comment")
	case 0x01:
		f.addMeta("text") // plain text extension: text drawn over the image by few viewers
	case 0xff:
		first, err := readSubBlock(cr)
		if err != nil {
			return err
		}
		switch string(first) {
		case "NETSCAPE2.0", "ANIMEXTS1.0":
			loop, err := readSubBlock(cr)
			if err != nil {
				return err
			}
			if string(first) != "NETSCAPE2.0" || len(loop) != 3 || loop[0] != 1 {
				f.canonical = false
			}
			if len(loop) == 0 {
				return nil
			}
		case "XMP DataXMP":
			f.addMeta("xmp")
		case "ICCRGBG1012":
			f.addMeta("icc")
		default:
			f.addMeta("application extension")
		}
	default:
		f.drop(fmt.Sprintf("extension 0x%02x", label))
	}
	_, err = skipSubBlocks(cr, &c)
	return err
}

// readSubBlock reads one data sub-block; an empty result is the block terminator.
func readSubBlock(cr *countingReader) ([]byte, error) {
	n, err := cr.ReadByte()
	if err != nil {
		return nil, truncated("gif", err)
	}
	p := make([]byte, n)
	if err := cr.full(p); err != nil {
		return nil, truncated("gif", err)
	}
	return p, nil
}

func skipSubBlocks(cr *countingReader, c *counter) (int64, error) {
	var total int64
	for {
		if err := c.next(); err != nil {
			return 0, err
		}
		n, err := cr.ReadByte()
		if err != nil {
			return 0, truncated("gif", err)
		}
		if n == 0 {
			return total, nil
		}
		if err := cr.skip(int(n)); err != nil {
			return 0, truncated("gif", err)
		}
		total += int64(n)
	}
}

// gifStill composites a single-frame GIF onto its logical screen (transparent where the
// frame does not cover it), keeping the palette when the frame covers the whole screen.
func gifStill(g *gif.GIF) image.Image {
	fr := g.Image[0]
	screen := image.Rect(0, 0, g.Config.Width, g.Config.Height)
	if fr.Rect == screen {
		return fr
	}
	dst := image.NewNRGBA(screen)
	draw.Draw(dst, screen, image.NewUniform(color.Transparent), image.Point{}, draw.Src)
	draw.Draw(dst, fr.Rect, fr, fr.Rect.Min, draw.Over)
	return dst
}
