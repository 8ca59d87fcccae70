package portal

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// maxPagePixels bounds one page image (A4 at 600 dpi, the most portal.preview_dpi allows, is
// ~35 million).
const maxPagePixels = 36 << 20

// pdfPages takes the page images out of an image-only PDF that the rasterizer wrote: one
// image XObject /Im0 per page, a JPEG (DCTDecode, sent as it is) or 4-bit gray or RGB
// samples (FlateDecode, written as a PNG here). pdfcpu's image extraction would do it for
// any PDF, at a Go call per pixel: most of a preview's time.
func pdfPages(pdf []byte, max int) (pages []PageImage, total int, err error) {
	// pdfcpu panics on some malformed files (a nil page tree, seen by FuzzPDFPages); a
	// preview that cannot be read is a failed preview, not a crashed portal.
	defer func() {
		if r := recover(); r != nil {
			pages, total, err = nil, 0, fmt.Errorf("portal: page images: unreadable PDF (%v)", r)
		}
	}()
	ctx, err := api.ReadContext(bytes.NewReader(pdf), pdfConf())
	if err != nil {
		return nil, 0, fmt.Errorf("portal: page images: %w", err)
	}
	if err := ctx.EnsurePageCount(); err != nil {
		return nil, 0, fmt.Errorf("portal: page images: %w", err)
	}
	for i := 1; i <= min(ctx.PageCount, max); i++ {
		d, _, _, err := ctx.PageDict(i, false)
		if err != nil || d == nil {
			return nil, 0, fmt.Errorf("portal: page %d: %v", i, err)
		}
		res, err := ctx.DereferenceDict(d["Resources"])
		if err != nil || res == nil {
			return nil, 0, fmt.Errorf("portal: page %d: no resources", i)
		}
		xo, err := ctx.DereferenceDict(res["XObject"])
		if err != nil || xo == nil {
			return nil, 0, fmt.Errorf("portal: page %d: no image", i)
		}
		sd, _, err := ctx.DereferenceStreamDict(xo["Im0"])
		if err != nil || sd == nil {
			return nil, 0, fmt.Errorf("portal: page %d: no image", i)
		}
		b, err := pageBytes(sd)
		if err != nil {
			return nil, 0, fmt.Errorf("portal: page %d: %w", i, err)
		}
		if pg, ok := pageImage(b); ok {
			pages = append(pages, pg)
		}
	}
	return pages, ctx.PageCount, nil
}

// pageBytes is one page image as a browser takes it.
func pageBytes(sd *types.StreamDict) ([]byte, error) {
	intOf := func(k string) int {
		if v := sd.IntEntry(k); v != nil {
			return *v
		}
		return 0
	}
	nameOf := func(k string) string {
		if v := sd.NameEntry(k); v != nil {
			return *v
		}
		return ""
	}
	w, h, bpc, cs := intOf("Width"), intOf("Height"), intOf("BitsPerComponent"), nameOf("ColorSpace")
	if w <= 0 || h <= 0 || w > maxPagePixels/h {
		return nil, fmt.Errorf("image of %dx%d", w, h)
	}
	switch f := nameOf("Filter"); {
	case f == "DCTDecode":
		return sd.Raw, nil
	case f == "FlateDecode" && bpc == 4 && (cs == "DeviceGray" || cs == "DeviceRGB"):
	default:
		return nil, fmt.Errorf("image filter %s, %d bits, %s: not the rasterizer's", f, bpc, cs)
	}
	comps := 1
	if cs == "DeviceRGB" {
		comps = 3
	}
	row := (w*comps*4 + 7) / 8
	zr, err := zlib.NewReader(bytes.NewReader(sd.Raw))
	if err != nil {
		return nil, err
	}
	packed := make([]byte, row*h)
	if _, err := io.ReadFull(zr, packed); err != nil {
		return nil, fmt.Errorf("image samples: %w", err)
	}
	var img image.Image
	if comps == 1 {
		// Sixteen grays as a palette: the PNG keeps 4 bits a pixel.
		pal := make(color.Palette, 16)
		for i := range pal {
			pal[i] = color.Gray{Y: uint8(i * 17)}
		}
		p := image.NewPaletted(image.Rect(0, 0, w, h), pal)
		for y := range h {
			unpack4(p.Pix[y*p.Stride:y*p.Stride+w], packed[y*row:(y+1)*row], 1)
		}
		img = p
	} else {
		p := image.NewRGBA(image.Rect(0, 0, w, h))
		line := make([]byte, w*3)
		for y := range h {
			unpack4(line, packed[y*row:(y+1)*row], 17)
			dst := p.Pix[y*p.Stride:]
			for x := range w {
				dst[4*x], dst[4*x+1], dst[4*x+2], dst[4*x+3] = line[3*x], line[3*x+1], line[3*x+2], 0xff
			}
		}
		img = p
	}
	var out bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&out, img); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// unpack4 spreads len(dst) 4-bit samples from src, high nibble first, each times scale.
func unpack4(dst, src []byte, scale byte) {
	for i := range dst {
		v := src[i/2]
		if i%2 == 0 {
			v >>= 4
		}
		dst[i] = (v & 0x0f) * scale
	}
}

// firstPages cuts a PDF original to its first max pages before it is rasterized, so a
// long document costs a preview no more than the pages it shows, and reports how many it
// had. A PDF that pdfcpu cannot read or cut goes to the renderer whole, which reads more
// than pdfcpu does (or fails with its own reason).
func firstPages(pdf []byte, max int) (out []byte, pages int) {
	defer func() {
		if recover() != nil {
			out, pages = pdf, 0
		}
	}()
	conf := pdfConf()
	conf.Cmd, conf.Eol = model.TRIM, types.EolLF // without an end of line pdfcpu writes no startxref
	n, err := api.PageCount(bytes.NewReader(pdf), conf)
	if err != nil || n <= max {
		return pdf, n
	}
	var cut bytes.Buffer
	if err := api.Trim(bytes.NewReader(pdf), &cut, []string{fmt.Sprintf("1-%d", max)}, conf); err != nil {
		return pdf, n
	}
	return cut.Bytes(), n
}
