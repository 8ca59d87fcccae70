package img

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"strings"
	"sync"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"

	"github.com/sekisho/sekisho/internal/freelist"
	"github.com/sekisho/sekisho/sanitize"
)

// Options configure New. The zero value is ready to use.
type Options struct {
	// JPEGQuality is the quality JPEG output is written at, 1..100. Default 92.
	JPEGQuality int
	// PNGCompression is "speed" (png.BestSpeed, the default: a 2 MP PNG costs ~0.16 s
	// against ~0.7 s at the default level), "default" or "best". Unknown values mean "speed".
	PNGCompression string
	// MaxFrames bounds the frames of an animated GIF. Default 500.
	MaxFrames int
}

// Sanitizer decodes and re-encodes images. It is safe for concurrent use.
type Sanitizer struct {
	quality   int
	level     png.CompressionLevel
	maxFrames int
	pngBufs   pngPool
}

var _ sanitize.Sanitizer = (*Sanitizer)(nil)

// New returns the image family's sanitizer.
func New(o Options) *Sanitizer {
	s := &Sanitizer{quality: o.JPEGQuality, level: png.BestSpeed, maxFrames: o.MaxFrames}
	if s.quality <= 0 || s.quality > 100 {
		s.quality = 92
	}
	switch o.PNGCompression {
	case "default":
		s.level = png.DefaultCompression
	case "best":
		s.level = png.BestCompression
	}
	if s.maxFrames <= 0 {
		s.maxFrames = 500
	}
	return s
}

// pngPool lets concurrent PNG encodes reuse the encoder's zlib and row buffers. It is a
// free list, not a sync.Pool: a pool is empty after every second collection, and the
// encoder's zlib writer (about 1 MB and half a millisecond to allocate and clear) then cost
// more than the rest of a small document's pictures; the relay collects every few messages.
type pngPool struct {
	once sync.Once
	l    *freelist.List[*png.EncoderBuffer]
}

func (p *pngPool) list() *freelist.List[*png.EncoderBuffer] {
	p.once.Do(func() { p.l = freelist.New[*png.EncoderBuffer](freelist.Kept) })
	return p.l
}

func (p *pngPool) Get() *png.EncoderBuffer {
	b, _ := p.list().Get()
	return b
}

func (p *pngPool) Put(b *png.EncoderBuffer) { p.list().Put(b) }

// outBufs holds the 32 KiB output buffers: allocating and zeroing one per image cost more
// than encoding a small PNG.
var outBufs = freelist.New[*bufio.Writer](freelist.Kept)

func getOutBuf(w io.Writer) *bufio.Writer {
	bw, ok := outBufs.Get()
	if !ok {
		return bufio.NewWriterSize(w, 32<<10)
	}
	bw.Reset(w)
	return bw
}

var configFuncs = map[string]func(io.Reader) (image.Config, error){
	"png":  png.DecodeConfig,
	"jpeg": jpeg.DecodeConfig,
	"gif":  gif.DecodeConfig,
	"webp": webp.DecodeConfig,
	"bmp":  bmp.DecodeConfig,
	"tiff": tiff.DecodeConfig,
}

// Sanitize rebuilds one image from its decoded pixels. See the package documentation for
// what survives and how the verdict is decided.
func (s *Sanitizer) Sanitize(ctx context.Context, in *sanitize.Item, w io.Writer, b *sanitize.Budget) (sanitize.Result, error) {
	res := sanitize.Result{Detected: in.Detected}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	kind := in.Detected.Name
	config, ok := configFuncs[kind]
	if !ok {
		return res, fmt.Errorf("%w: image type %q", sanitize.ErrUnsupported, kind)
	}
	size := in.Body.Size()

	// 1. Claimed dimensions, read from the header alone (golang/go#53778: a PNG header can
	// claim billions of pixels and the decoder allocates for them).
	cfg, err := config(ctxSection{ctx, in.Reader()})
	if err != nil {
		return res, decodeErr(ctx, kind, err)
	}
	if err := b.CheckPixels(cfg.Width, cfg.Height); err != nil {
		return res, err
	}

	// 2. Structure: metadata, end marker, frames, orientation; still no pixel allocated.
	var f *findings
	switch kind {
	case "png":
		f, err = scanPNG(ctx, in.Body, size)
	case "jpeg":
		f, err = scanJPEG(ctx, in.Body, size, b)
	case "gif":
		f, err = scanGIF(ctx, in.Body, size, b, s.maxFrames)
	case "webp":
		f, err = scanWebP(ctx, in.Body, size)
	case "bmp":
		f, err = scanBMP(in.Body, size)
	case "tiff":
		f, err = scanTIFF(ctx, in.Body, size)
	}
	if err != nil {
		return res, err
	}

	// 3. Decode only what the scan understood, then re-encode.
	src := ctxSection{ctx, io.NewSectionReader(in.Body, 0, f.end)}
	bw := getOutBuf(ctxWriter{ctx, w})
	defer func() { bw.Reset(nil); outBufs.Put(bw) }()
	var detail string
	outKind := "png"
	if kind == "gif" {
		g, err := gif.DecodeAll(src)
		if err != nil {
			return res, decodeErr(ctx, kind, err)
		}
		if len(g.Image) > 1 {
			outKind = "gif"
			detail = fmt.Sprintf("gif animation %dx%d re-encoded (%d frames)", cfg.Width, cfg.Height, len(g.Image))
			err = gif.EncodeAll(bw, g)
		} else {
			detail = fmt.Sprintf("gif %dx%d converted to png", cfg.Width, cfg.Height)
			err = s.encodePNG(bw, gifStill(g))
		}
		if err != nil {
			return res, encodeErr(ctx, err)
		}
	} else if out := rebuildJPEG(kind, f, in.Body, cfg); out != nil {
		outKind = "jpeg"
		detail = fmt.Sprintf("jpeg %dx%d rebuilt from its coefficients (same pixels)", cfg.Width, cfg.Height)
		if _, err := bw.Write(out); err != nil {
			return res, encodeErr(ctx, err)
		}
	} else {
		m, err := decode(kind, src)
		if err != nil {
			return res, decodeErr(ctx, kind, err)
		}
		if got := m.Bounds(); got.Dx() != cfg.Width || got.Dy() != cfg.Height {
			return res, fmt.Errorf("%w: %s: decoded %dx%d, header said %dx%d", sanitize.ErrMalformed, kind, got.Dx(), got.Dy(), cfg.Width, cfg.Height)
		}
		if err := ctx.Err(); err != nil {
			return res, err
		}
		detail = fmt.Sprintf("%s %dx%d converted to png", kind, cfg.Width, cfg.Height)
		switch kind {
		case "png":
			detail = fmt.Sprintf("png %dx%d re-encoded", cfg.Width, cfg.Height)
		case "jpeg":
			outKind = "jpeg"
			detail = fmt.Sprintf("jpeg %dx%d re-encoded at quality %d", cfg.Width, cfg.Height, s.quality)
		}
		if o := f.orientation; o >= 2 {
			m = orient(m, o)
			detail += fmt.Sprintf("; exif orientation %d (%s) applied, now %dx%d", o, orientNames[o], m.Bounds().Dx(), m.Bounds().Dy())
		}
		if outKind == "jpeg" {
			err = s.encodeJPEG(bw, forJPEG(m))
		} else {
			err = s.encodePNG(bw, forPNG(m))
		}
		if err != nil {
			return res, encodeErr(ctx, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return res, encodeErr(ctx, err)
	}

	// 4. The verdict: clean only when the input already was what our encoder writes.
	trailing := size - f.end
	if f.canonical && outKind == kind && trailing == 0 && len(f.meta) == 0 && f.extraFrames == 0 && f.extraPages == 0 {
		res.Verdict = sanitize.Clean
		return res, nil
	}
	res.Verdict = sanitize.Sanitized
	if len(f.dropped) > 0 {
		detail += "; dropped " + strings.Join(f.dropped, ", ")
	}
	res.Add(sanitize.ActReencoded, in.Path, detail)
	if len(f.meta) > 0 {
		res.Add(sanitize.ActRemovedMetadata, in.Path, f.metaList())
	}
	if f.extraPages > 0 {
		rest := "page 2"
		if f.extraPages > 1 {
			rest = fmt.Sprintf("pages 2-%d", f.extraPages+1)
		}
		res.Add(sanitize.ActRemovedPart, in.Path, fmt.Sprintf("multi-page tiff: only the first of %d pages delivered (%s not carried over)", f.extraPages+1, rest))
	}
	if f.extraFrames > 0 {
		res.Add(sanitize.ActRemovedPart, in.Path, fmt.Sprintf("apng animation: %d frame(s) after the default image", f.extraFrames))
	}
	if trailing > 0 {
		t := sanitize.Detect(io.NewSectionReader(in.Body, f.end, trailing))
		res.Add(sanitize.ActRemovedTrailingData, in.Path, fmt.Sprintf("%d bytes after %s (%s)", trailing, f.endMarker, t.Name))
	}
	if outKind != kind {
		res.OutType = "image/" + outKind
		res.OutName = sanitize.ReplaceExt(in.Name, "."+outKind)
	}
	return res, nil
}

func decode(kind string, r io.Reader) (image.Image, error) {
	switch kind {
	case "png":
		return png.Decode(r)
	case "jpeg":
		return jpeg.Decode(r)
	case "webp":
		return webp.Decode(r)
	case "bmp":
		return bmp.Decode(r)
	case "tiff":
		return tiff.Decode(r)
	}
	return nil, fmt.Errorf("%w: image type %q", sanitize.ErrUnsupported, kind)
}

func (s *Sanitizer) encodePNG(w io.Writer, m image.Image) error {
	if done, err := encodePNGRows(w, m, s.level); done {
		return err
	}
	enc := png.Encoder{CompressionLevel: s.level, BufferPool: &s.pngBufs}
	return enc.Encode(w, m)
}

// forJPEG hands the encoder a type it has a fast path for.
func forJPEG(m image.Image) image.Image {
	switch m.(type) {
	case *image.YCbCr, *image.Gray, *image.RGBA:
		return m
	}
	return toRGBA(m)
}

// forPNG converts the decoder types image/png would otherwise read pixel by pixel through
// the color.Color interface.
func forPNG(m image.Image) image.Image {
	switch s := m.(type) {
	case *image.YCbCr, *image.CMYK:
		return toRGBA(m)
	case *image.NYCbCrA:
		return nycbcraToNRGBA(s)
	}
	return m
}

// decodeErr classifies a decoder's error: the context's own error when it ended the
// decode, ErrUnsupported for valid files using features the decoders lack, ErrMalformed
// for everything else.
func decodeErr(ctx context.Context, kind string, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	var le *sanitize.LimitError
	if errors.As(err, &le) || errors.Is(err, sanitize.ErrMalformed) || errors.Is(err, sanitize.ErrUnsupported) {
		return err
	}
	var (
		pu png.UnsupportedError
		ju jpeg.UnsupportedError
		tu tiff.UnsupportedError
	)
	sentinel := sanitize.ErrMalformed
	if errors.As(err, &pu) || errors.As(err, &ju) || errors.As(err, &tu) || errors.Is(err, bmp.ErrUnsupported) {
		sentinel = sanitize.ErrUnsupported
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: %s: truncated", sentinel, kind)
	}
	if strings.HasPrefix(err.Error(), kind+":") || kind == "webp" && strings.HasPrefix(err.Error(), "vp8") {
		return fmt.Errorf("%w: %w", sentinel, err)
	}
	return fmt.Errorf("%w: %s: %w", sentinel, kind, err)
}

func encodeErr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	return fmt.Errorf("encode: %w", err)
}
