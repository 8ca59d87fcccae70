package render

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"

	"github.com/klauspost/compress/zlib"
	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/enums"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"

	"github.com/sekisho/sekisho/sanitize"
)

// pageOut is one rendered page, encoded and ready for the writer.
type pageOut struct {
	size   pageSize
	wPx    int
	hPx    int
	gray   bool   // DeviceGray, else DeviceRGB
	filter string // DCTDecode or FlateDecode
	bpc    int    // bits per component: 8 for JPEG, 4 for Flate
	data   []byte
	text   []textRun
}

// renderPage renders page i, picks the colour model and codec, and extracts the text layer.
func (r *Renderer) renderPage(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT, i int, sz pageSize) (*pageOut, error) {
	page := requests.Page{ByIndex: &requests.PageByIndex{Document: doc, Index: i}}
	resp, err := inst.RenderPageInDPI(&requests.RenderPageInDPI{
		Page: page,
		DPI:  r.o.DPI,
		// Annotation appearances (stamps, filled fields) are what the reader sees; they are
		// pixels like the rest. Forms are not initialised: no form filling environment runs.
		RenderFlags: enums.FPDF_RENDER_FLAG_ANNOT,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: pdfium render: %v", sanitize.ErrMalformed, err)
	}
	// The pixels live in the instance's memory until Cleanup: encode before releasing them.
	defer resp.Cleanup()
	rgba, ok := resp.Result.RenderedImage.(*image.RGBA)
	if !ok || rgba == nil {
		return nil, fmt.Errorf("%w: pdfium returned no image", sanitize.ErrMalformed)
	}
	b := rgba.Bounds()
	if b.Dx() <= 0 || b.Dy() <= 0 || b.Dx() > sz.wPx+1 || b.Dy() > sz.hPx+1 {
		return nil, fmt.Errorf("%w: rendered %dx%d, expected %dx%d", sanitize.ErrMalformed, b.Dx(), b.Dy(), sz.wPx, sz.hPx)
	}
	pg := &pageOut{size: sz, wPx: b.Dx(), hPx: b.Dy()}
	if err := r.encode(pg, rgba, resp.Result.HasTransparency); err != nil {
		return nil, err
	}
	if r.o.TextLayer {
		pg.text, err = pageText(inst, page, sz)
		if err != nil {
			return nil, err
		}
	}
	return pg, nil
}

// pageStats summarises a rendered page for the codec choice.
type pageStats struct {
	colour bool    // some pixel is visibly not gray
	flat   float64 // share of pixels that are near white or near black
}

// analyse composites transparent pixels onto white in place (PDFium fills transparent pages
// with transparent black) and measures the page.
func analyse(img *image.RGBA, transparent bool) pageStats {
	var coloured, flat, total int
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := img.Pix[(y-b.Min.Y)*img.Stride : (y-b.Min.Y)*img.Stride+b.Dx()*4]
		for x := 0; x < len(row); x += 4 {
			r, g, bl := int(row[x]), int(row[x+1]), int(row[x+2])
			if transparent {
				// PDFium's ARGB bitmaps are not premultiplied.
				a := int(row[x+3])
				r = (r*a + 255*(255-a)) / 255
				g = (g*a + 255*(255-a)) / 255
				bl = (bl*a + 255*(255-a)) / 255
				row[x], row[x+1], row[x+2], row[x+3] = byte(r), byte(g), byte(bl), 255
			}
			if max(r, g, bl)-min(r, g, bl) > 24 {
				coloured++
			}
			l := (299*r + 587*g + 114*bl) / 1000
			if l >= 240 || l <= 24 {
				flat++
			}
			total++
		}
	}
	return pageStats{colour: coloured > total/10000, flat: float64(flat) / float64(total)}
}

// lineArt is the share of near-white and near-black pixels above which a page is treated
// as text or line art: lossless Flate keeps glyph edges sharp and is smaller than JPEG there.
const lineArt = 0.90

// encode chooses the colour model (grayscale when nothing on the page is coloured, per
// Options.Gray) and the codec (Flate for text and line art, JPEG for photographic content).
func (r *Renderer) encode(pg *pageOut, img *image.RGBA, transparent bool) error {
	st := analyse(img, transparent)
	switch r.o.Gray {
	case GrayAlways:
		pg.gray = true
	case GrayNever:
		pg.gray = false
	default:
		pg.gray = !st.colour
	}
	var buf bytes.Buffer
	if st.flat >= lineArt {
		pg.filter = "FlateDecode"
		// 16 levels per component keep antialiased glyph edges smooth and make text pages
		// about 40% smaller than 8 bits would.
		pg.bpc = 4
		// Level 6 is about 9% smaller than level 1 on dense text at little extra time.
		zw, err := zlib.NewWriterLevel(&buf, zlib.DefaultCompression)
		if err != nil {
			return err
		}
		if pg.gray {
			_, err = zw.Write(pack4(grayPix(img), pg.wPx))
		} else {
			_, err = zw.Write(pack4(rgbPix(img), pg.wPx*3))
		}
		if err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
	} else {
		pg.filter = "DCTDecode"
		pg.bpc = 8
		var src image.Image = img
		if pg.gray {
			b := img.Bounds()
			src = &image.Gray{Pix: grayPix(img), Stride: b.Dx(), Rect: image.Rect(0, 0, b.Dx(), b.Dy())}
		}
		if err := jpeg.Encode(&buf, src, &jpeg.Options{Quality: r.o.JPEGQuality}); err != nil {
			return fmt.Errorf("render: jpeg: %w", err)
		}
	}
	pg.data = buf.Bytes()
	return nil
}

func grayPix(img *image.RGBA) []byte {
	b := img.Bounds()
	out := make([]byte, 0, b.Dx()*b.Dy())
	for y := 0; y < b.Dy(); y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+b.Dx()*4]
		for x := 0; x < len(row); x += 4 {
			out = append(out, byte((299*int(row[x])+587*int(row[x+1])+114*int(row[x+2])+500)/1000))
		}
	}
	return out
}

func rgbPix(img *image.RGBA) []byte {
	b := img.Bounds()
	out := make([]byte, 0, b.Dx()*b.Dy()*3)
	for y := 0; y < b.Dy(); y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+b.Dx()*4]
		for x := 0; x < len(row); x += 4 {
			out = append(out, row[x], row[x+1], row[x+2])
		}
	}
	return out
}

// pack4 quantizes 8-bit samples to 4 bits, two per byte; every row of n samples starts on
// a byte boundary as PDF requires.
func pack4(pix []byte, n int) []byte {
	rows := len(pix) / n
	out := make([]byte, 0, rows*((n+1)/2))
	for y := 0; y < rows; y++ {
		row := pix[y*n : (y+1)*n]
		for x := 0; x < n; x += 2 {
			hi := (int(row[x])*15 + 127) / 255
			lo := 0
			if x+1 < n {
				lo = (int(row[x+1])*15 + 127) / 255
			}
			out = append(out, byte(hi<<4|lo))
		}
	}
	return out
}
