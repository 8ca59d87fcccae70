package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"

	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"golang.org/x/image/ccitt"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/internal/jpegre"
)

// pixels is a decoded image: a baseline JPEG rebuilt from its coefficients (dct), a JPEG
// decoded by image/jpeg (to be encoded again as JPEG) or raw samples, rows of w*n*bpc bits
// padded to a byte.
type pixels struct {
	dct     []byte
	jpg     image.Image
	samples []byte
	w, h    int
	bpc, n  int
}

func rowBytes(w, n, bpc int) int { return (w*n*bpc + 7) / 8 }

// needsRender is the error for image data no decoder here can read: the document goes to
// the renderer, or to quarantine, with a reason naming the stream.
func needsRender(what string, nr int) error {
	if nr >= 0 {
		return fmt.Errorf("pdf: %w: %s image stream (object %d) has no decoder here", sanitize.ErrNeedsRender, what, nr)
	}
	return fmt.Errorf("pdf: %w: %s inline image has no decoder here", sanitize.ErrNeedsRender, what)
}

// decodeImage decodes an image's data to pixels. It returns nil pixels (reported) for
// data that does not decode, ErrNeedsRender for formats without a decoder here, and
// limit errors as such.
func (b *builder) decodeImage(raw []byte, steps []filterStep, w, h, bpc, n, nr int) (*pixels, error) {
	if err := b.b.CheckPixels(w, h); err != nil {
		return nil, err
	}
	last := ""
	if len(steps) > 0 {
		last = steps[len(steps)-1].name
	}
	switch last {
	case filter.JBIG2:
		return nil, needsRender("JBIG2", nr)
	case filter.JPX:
		return nil, needsRender("JPX (JPEG 2000)", nr)
	}
	data, err := b.decode(raw, steps)
	if err != nil {
		if errors.Is(err, sanitize.ErrLimit) {
			return nil, err
		}
		b.report(sanitize.ActRemovedUnknown, fmt.Sprintf("image whose data does not decode (%v)", err))
		return nil, nil
	}
	switch last {
	case filter.DCT:
		return b.decodeJPEG(data, nr)
	case filter.CCITTFax:
		return b.decodeCCITT(data, steps[len(steps)-1].parms, w, h, nr)
	}
	if w <= 0 || h <= 0 || n <= 0 || n > 32 {
		b.report(sanitize.ActRemovedUnknown, "image without usable dimensions or colour space")
		return nil, nil
	}
	switch bpc {
	case 1, 2, 4, 8, 16:
	default:
		b.report(sanitize.ActRemovedUnknown, fmt.Sprintf("image with %d bits per component", bpc))
		return nil, nil
	}
	want := int64(rowBytes(w, n, bpc)) * int64(h)
	if err := b.b.AddExpanded(want); err != nil {
		return nil, err
	}
	// Short data is padded as viewers do; bytes past the last row are not kept.
	samples := make([]byte, want)
	copy(samples, data)
	return &pixels{samples: samples, w: w, h: h, bpc: bpc, n: n}, nil
}

func (b *builder) decodeJPEG(data []byte, nr int) (*pixels, error) {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err == nil {
		if err := b.b.CheckPixels(cfg.Width, cfg.Height); err != nil {
			return nil, err
		}
		err = b.b.AddExpanded(int64(cfg.Width) * int64(cfg.Height) * 4)
		if err != nil {
			return nil, err
		}
	}
	if err == nil && nr >= 0 {
		// An XObject's baseline JPEG is rebuilt from its coefficients: same pixels, a
		// fraction of the work. Inline images need their samples, so they are decoded.
		out, info, rerr := jpegre.Rebuild(data, int64(cfg.Width)*int64(cfg.Height))
		if rerr == nil {
			return &pixels{dct: out, w: info.Width, h: info.Height, bpc: 8, n: info.Components}, nil
		}
	}
	var m image.Image
	if err == nil {
		m, err = jpeg.Decode(bytes.NewReader(data))
	}
	var unsupported jpeg.UnsupportedError
	if errors.As(err, &unsupported) {
		// Arithmetic coding, 12-bit samples, ...: a real JPEG, just not one Go reads.
		return nil, needsRender(fmt.Sprintf("DCT (%s)", unsupported), nr)
	}
	if err != nil {
		b.report(sanitize.ActRemovedUnknown, fmt.Sprintf("DCT image that does not decode (%v)", err))
		return nil, nil
	}
	r := m.Bounds()
	switch m := m.(type) {
	case *image.CMYK:
		// image/jpeg undoes the inversion of Adobe CMYK JPEGs; a PDF viewer's DCT filter
		// does not (the file's /Decode array does). Write the samples the filter gives.
		s := make([]byte, len(m.Pix))
		for i, v := range m.Pix {
			s[i] = 255 - v
		}
		return &pixels{samples: s, w: r.Dx(), h: r.Dy(), bpc: 8, n: 4}, nil
	case *image.Gray:
		return &pixels{jpg: m, w: r.Dx(), h: r.Dy(), bpc: 8, n: 1}, nil
	}
	return &pixels{jpg: m, w: r.Dx(), h: r.Dy(), bpc: 8, n: 3}, nil
}

// decodeCCITT decodes fax data with golang.org/x/image/ccitt. Mixed 1-D/2-D coding (K > 0)
// has no decoder there.
func (b *builder) decodeCCITT(data []byte, parms types.Dict, w, h, nr int) (*pixels, error) {
	k, _ := b.integer(parms["K"])
	cols, ok := b.integer(parms["Columns"])
	if !ok {
		cols = 1728
	}
	rows, ok := b.integer(parms["Rows"])
	if !ok || rows <= 0 {
		rows = int64(h)
	}
	flag := func(key string) bool {
		v, _, _ := b.resolve(parms[key])
		bv, _ := v.(types.Boolean)
		return bool(bv)
	}
	if k > 0 {
		return nil, needsRender("CCITT mixed 1-D/2-D (K > 0)", nr)
	}
	if cols <= 0 || cols > 1<<16 || rows <= 0 || int64(w) != cols {
		b.report(sanitize.ActRemovedUnknown, "CCITT image whose size disagrees with its parameters")
		return nil, nil
	}
	sf := ccitt.Group4
	if k == 0 {
		sf = ccitt.Group3
	}
	want := int64(rowBytes(int(cols), 1, 1)) * rows
	if err := b.b.AddExpanded(want); err != nil {
		return nil, err
	}
	r := ccitt.NewReader(bytes.NewReader(data), ccitt.MSB, sf, int(cols), int(rows),
		&ccitt.Options{Align: flag("EncodedByteAlign"), Invert: flag("BlackIs1")})
	samples := make([]byte, want)
	n, err := io.ReadFull(r, samples)
	if err != nil && n == 0 {
		b.report(sanitize.ActRemovedUnknown, fmt.Sprintf("CCITT image that does not decode (%v)", err))
		return nil, nil
	}
	return &pixels{samples: samples, w: int(cols), h: int(rows), bpc: 1, n: 1}, nil
}

// encodeJPEG writes a decoded JPEG again as a baseline JPEG, in the form jpegre writes: an
// XObject's baseline JPEG is rebuilt by jpegre, so the output fed back (now baseline)
// would otherwise come out in other bytes (image/jpeg writes both quantization tables in
// one segment, jpegre one each). Same coefficients, so the same pixels.
func (b *builder) encodeJPEG(m image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: b.opt.jpegQuality}); err != nil {
		return nil, fmt.Errorf("pdf: encode image: %w", err)
	}
	r := m.Bounds()
	if out, _, err := jpegre.Rebuild(buf.Bytes(), int64(r.Dx())*int64(r.Dy())); err == nil {
		return out, nil
	}
	return buf.Bytes(), nil
}

// samplesOf returns the raw samples of a decoded JPEG: grey or RGB, 8 bits.
func samplesOf(px *pixels) []byte {
	if px.jpg == nil {
		return px.samples
	}
	r := px.jpg.Bounds()
	if g, ok := px.jpg.(*image.Gray); ok {
		out := make([]byte, 0, r.Dx()*r.Dy())
		for y := r.Min.Y; y < r.Max.Y; y++ {
			out = append(out, g.Pix[(y-r.Min.Y)*g.Stride:(y-r.Min.Y)*g.Stride+r.Dx()]...)
		}
		return out
	}
	out := make([]byte, 0, r.Dx()*r.Dy()*3)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := color.RGBAModel.Convert(px.jpg.At(x, y)).(color.RGBA)
			out = append(out, c.R, c.G, c.B)
		}
	}
	return out
}

func deviceSpace(n int) name {
	switch n {
	case 1:
		return "DeviceGray"
	case 4:
		return "DeviceCMYK"
	}
	return "DeviceRGB"
}

// image rebuilds an image XObject: its dictionary from imageKeys and its samples decoded
// and encoded again (JPEG as JPEG, everything else as Flate-compressed samples).
func (b *builder) image(sd types.StreamDict, nr int) (any, bool, error) {
	return b.place(nr, "Image", true, func() (any, error) {
		out, err := b.fields(sd.Dict, imageKeys, "Image")
		if err != nil {
			return nil, err
		}
		out["Type"], out["Subtype"] = name("XObject"), name("Image")
		steps, err := b.filters(sd.Dict["Filter"], sd.Dict["DecodeParms"])
		if err != nil {
			b.report(sanitize.ActRemovedUnknown, fmt.Sprintf("image with %v", err))
			return nil, nil
		}
		w, _ := out["Width"].(int64)
		h, _ := out["Height"].(int64)
		bpc, _ := out["BitsPerComponent"].(int64)
		mask, _ := out["ImageMask"].(bool)
		n := ncomp(out["ColorSpace"])
		if mask {
			n, bpc = 1, 1
			delete(out, "ColorSpace")
		}
		raw, err := b.streamRaw(sd)
		if err != nil {
			return nil, err
		}
		px, err := b.decodeImage(raw, steps, int(w), int(h), int(bpc), n, nr)
		if err != nil || px == nil {
			return nil, err
		}
		return b.imageStream(out, px, mask)
	})
}

// imageStream finishes an image dictionary for its decoded pixels.
func (b *builder) imageStream(out dict, px *pixels, mask bool) (any, error) {
	out["Width"], out["Height"] = int64(px.w), int64(px.h)
	out["BitsPerComponent"] = int64(px.bpc)
	if !mask && ncomp(out["ColorSpace"]) != px.n {
		out["ColorSpace"] = deviceSpace(px.n)
	}
	if d, ok := out["Decode"].(array); ok && len(d) != 2*px.n {
		delete(out, "Decode")
	}
	if px.dct != nil {
		return &outStream{d: out, data: px.dct, filter: "DCTDecode"}, nil
	}
	if px.jpg != nil {
		data, err := b.encodeJPEG(px.jpg)
		if err != nil {
			return nil, err
		}
		return &outStream{d: out, data: data, filter: "DCTDecode"}, nil
	}
	return &outStream{d: out, data: px.samples}, nil
}

// inlineImage reads an inline image after BI (8.9.7), decodes it and returns it written
// again with its samples in ASCIIHex, which cannot contain the EI that ends it.
func (b *builder) inlineImage(l *lexer) ([]byte, error) {
	d := dict{}
	for i := 0; ; i++ {
		t, err := l.next()
		if err != nil || i > 32 {
			return nil, errSyntax
		}
		if t.kind == tKeyword && string(t.b) == "ID" {
			break
		}
		if t.kind != tName {
			return nil, errSyntax
		}
		vt, err := l.next()
		if err != nil {
			return nil, errSyntax
		}
		v, ok, err := l.object(vt, 0)
		if err != nil || !ok {
			return nil, errSyntax
		}
		if key, known := inlineImageKeys[string(t.b)]; known {
			d[key] = v
		}
	}
	if l.pos < len(l.data) && isSpace(l.data[l.pos]) {
		l.pos++
	}
	start := l.pos
	end := -1
	if n, ok := d["Length"].(int64); ok && n >= 0 && int64(start)+n <= int64(len(l.data)) {
		end = start + int(n)
	} else {
		end = findEI(l.data, start)
	}
	if end < 0 {
		return nil, errSyntax
	}
	data := l.data[start:end]
	l.pos = end
	if t, err := l.next(); err != nil || t.kind != tKeyword || string(t.b) != "EI" {
		return nil, errSyntax
	}

	w, _ := d["Width"].(int64)
	h, _ := d["Height"].(int64)
	bpc, _ := d["BitsPerComponent"].(int64)
	mask, _ := d["ImageMask"].(bool)
	var cs any
	n := 0
	if mask {
		n, bpc = 1, 1
	} else {
		cs, n = b.inlineColorSpace(d["ColorSpace"])
	}
	steps, err := b.filters(toObject(d["Filter"]), toObject(d["DecodeParms"]))
	if err != nil {
		b.report(sanitize.ActRemovedUnknown, fmt.Sprintf("inline image with %v", err))
		return nil, nil
	}
	if n == 0 && len(steps) == 0 && w > 0 && h > 0 && bpc > 0 {
		// A colour space named from the resources: its size follows from the data.
		n = inferComponents(len(data), int(w), int(h), int(bpc))
	}
	px, err := b.decodeImage(data, steps, int(w), int(h), int(bpc), n, -1)
	if err != nil || px == nil {
		return nil, err
	}
	if cs == nil && !mask {
		if px.n != 1 && px.n != 3 && px.n != 4 {
			// No colour space, and a size that fits no device space: written as one,
			// the samples would be read with another number of components.
			b.report(sanitize.ActRemovedUnknown, fmt.Sprintf("inline image without a colour space (%d components)", px.n))
			return nil, nil
		}
		cs = deviceSpace(px.n)
	}
	samples := samplesOf(px)
	if px.jpg != nil && ncomp(cs) != px.n {
		cs = deviceSpace(px.n)
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "BI /W %d /H %d /BPC %d ", px.w, px.h, px.bpc)
	if mask {
		buf.WriteString("/IM true ")
	} else {
		buf.WriteString("/CS ")
		encode(&buf, cs)
		buf.WriteByte(' ')
	}
	if dec, ok := d["Decode"].(array); ok && len(dec) == 2*px.n && allOf(dec, isNum) {
		buf.WriteString("/D ")
		encode(&buf, dec)
		buf.WriteByte(' ')
	}
	if v, ok := d["Interpolate"].(bool); ok && v {
		buf.WriteString("/I true ")
	}
	if v, ok := d["Intent"].(name); ok {
		buf.WriteString("/Intent ")
		encode(&buf, v)
		buf.WriteByte(' ')
	}
	buf.WriteString("/F /AHx ID\n")
	const hexdigits = "0123456789ABCDEF"
	for i, c := range samples {
		if i > 0 && i%64 == 0 {
			buf.WriteByte('\n')
		}
		buf.WriteByte(hexdigits[c>>4])
		buf.WriteByte(hexdigits[c&15])
	}
	buf.WriteString(">\nEI\n")
	return buf.Bytes(), nil
}

// findEI finds the end of inline image data: whitespace, "EI", then whitespace or the
// end, followed by text that looks like content (not more binary data).
func findEI(data []byte, from int) int {
	for i := from; i+1 < len(data); i++ {
		if data[i] != 'E' || data[i+1] != 'I' || i > from && !isSpace(data[i-1]) {
			continue
		}
		if i+2 < len(data) && !isSpace(data[i+2]) && !isDelim(data[i+2]) {
			continue
		}
		ok := true
		for j := i + 2; j < len(data) && j < i+34; j++ {
			if c := data[j]; c > 0x7e || c < 0x20 && !isSpace(c) {
				ok = false
				break
			}
		}
		if ok {
			end := i
			if end > from && isSpace(data[end-1]) {
				end--
			}
			return end
		}
	}
	return -1
}

func inferComponents(size, w, h, bpc int) int {
	for n := 1; n <= 4; n++ {
		if rowBytes(w, n, bpc)*h == size {
			return n
		}
	}
	return 0
}

// inlineColorSpace resolves the abbreviations of an inline image's colour space; a name
// of the resources' colour spaces is kept as a name (its components unknown here).
func (b *builder) inlineColorSpace(v any) (any, int) {
	switch v := v.(type) {
	case name:
		switch v {
		case "G", "DeviceGray":
			return name("DeviceGray"), 1
		case "RGB", "DeviceRGB":
			return name("DeviceRGB"), 3
		case "CMYK", "DeviceCMYK":
			return name("DeviceCMYK"), 4
		}
		return v, 0
	case array:
		if len(v) > 0 {
			if v[0] == name("I") {
				v = append(array{name("Indexed")}, v[1:]...)
			}
			if len(v) > 1 {
				if base, ok := v[1].(name); ok {
					if full, _ := b.inlineColorSpace(base); full != nil {
						v[1] = full
					}
				}
			}
		}
		cs, ok, err := b.colorSpace(toObject(v), 0)
		if err != nil || !ok {
			return nil, 0
		}
		return cs, ncomp(cs)
	}
	return nil, 0
}

// toObject converts a value read by the content lexer to pdfcpu's types, so that the
// builders shared with the object tree can judge it.
func toObject(v any) types.Object {
	switch v := v.(type) {
	case int64:
		return types.Integer(v)
	case float64:
		return types.Float(v)
	case bool:
		return types.Boolean(v)
	case name:
		return types.Name(v)
	case str:
		return types.NewHexLiteral(v)
	case array:
		a := make(types.Array, len(v))
		for i, e := range v {
			a[i] = toObject(e)
		}
		return a
	case dict:
		d := types.Dict{}
		for k, e := range v {
			d[k] = toObject(e)
		}
		return d
	}
	return nil
}
