package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/sekisho/sekisho/sanitize"
)

// Options configure a Renderer. Zero values take the documented defaults.
type Options struct {
	DPI         int    // render.dpi: default 150
	Instances   int    // render.instances: PDFium instances in the pool, default runtime.NumCPU()
	TextLayer   bool   // render.text_layer: add the extracted text invisibly (render mode 3)
	Gray        string // render.gray: "auto" (default), "always" or "never"
	JPEGQuality int    // render.jpeg_quality: default 80
	// FontDir is shown read-only to every PDFium instance as its system font folder, so
	// text in non-embedded fonts (Japanese above all) renders. "" uses DefaultFontDir when
	// it exists; "-" shows nothing.
	FontDir  string
	CacheDir string // wazero compilation cache (data_dir/cache); "" = compile in memory at start
	// Soffice is the LibreOffice program for Office/ODF/RTF/legacy inputs; "" looks up
	// "soffice" in PATH. When absent, those types fail with ErrUnsupported.
	Soffice        string
	ConvertTimeout time.Duration // render.convert_timeout: LibreOffice wall clock, default 60s
	Converters     int           // LibreOffice processes at once, default 1
	ConverterReuse int           // documents per LibreOffice process, default DefaultReuse
	TempDir        string        // LibreOffice work folders and the font root; "" = os.TempDir()
}

// DefaultFontDir is the Debian font folder (fonts-ipafont, fonts-noto-cjk install there).
const DefaultFontDir = "/usr/share/fonts"

// Gray modes.
const (
	GrayAuto   = "auto"
	GrayAlways = "always"
	GrayNever  = "never"
)

func (o Options) withDefaults() (Options, error) {
	if o.DPI == 0 {
		o.DPI = 150
	}
	if o.DPI < 36 || o.DPI > 600 {
		return o, fmt.Errorf("render: dpi %d out of range 36..600", o.DPI)
	}
	if o.Instances <= 0 {
		o.Instances = runtime.NumCPU()
	}
	switch o.Gray {
	case "":
		o.Gray = GrayAuto
	case GrayAuto, GrayAlways, GrayNever:
	default:
		return o, fmt.Errorf("render: gray %q: want auto, always or never", o.Gray)
	}
	if o.JPEGQuality == 0 {
		o.JPEGQuality = 80
	}
	if o.JPEGQuality < 1 || o.JPEGQuality > 100 {
		return o, fmt.Errorf("render: jpeg quality %d out of range 1..100", o.JPEGQuality)
	}
	switch o.FontDir {
	case "":
		if st, err := os.Stat(DefaultFontDir); err == nil && st.IsDir() {
			o.FontDir = DefaultFontDir
		}
	case "-":
		o.FontDir = ""
	}
	if o.ConvertTimeout <= 0 {
		o.ConvertTimeout = 60 * time.Second
	}
	if o.Converters <= 0 {
		o.Converters = 1
	}
	if o.ConverterReuse <= 0 {
		o.ConverterReuse = DefaultReuse
	}
	return o, nil
}

// Renderer rasterizes documents into image-only PDFs. It is safe for concurrent use; at most
// Options.Instances pages render at once across all callers.
type Renderer struct {
	o   Options
	eng *engine
	lo  *converter // nil when LibreOffice is not installed
}

var _ sanitize.Sanitizer = (*Renderer)(nil)

// New compiles PDFium and prepares the pool; it takes seconds without a compilation cache,
// so call it once per process. Close releases everything.
func New(o Options) (*Renderer, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	// The converter first: it is cheap and a bad path should not cost a compile.
	lo, err := newConverter(o.Soffice, o.TempDir, o.ConvertTimeout, o.Converters, o.ConverterReuse)
	if err != nil && !errors.Is(err, errNoSoffice) {
		return nil, err
	}
	eng, err := newEngine(o.Instances, o.FontDir, o.CacheDir, o.TempDir)
	if err != nil {
		return nil, err
	}
	return &Renderer{o: o, eng: eng, lo: lo}, nil
}

// Office reports whether Office, ODF, RTF and legacy documents can be rendered (LibreOffice
// was found); `sekisho config check` warns when it is false.
func (r *Renderer) Office() bool { return r.lo != nil }

// Close stops the pool. Calls in flight must have returned.
func (r *Renderer) Close() error {
	err := r.eng.close()
	if r.lo != nil {
		err = errors.Join(err, r.lo.close())
	}
	return err
}

// Sanitize rasterizes a PDF, or converts an Office/ODF/RTF/legacy document with LibreOffice
// and rasterizes the result, writing an image-only PDF to w.
func (r *Renderer) Sanitize(ctx context.Context, in *sanitize.Item, w io.Writer, b *sanitize.Budget) (sanitize.Result, error) {
	res := sanitize.Result{Detected: in.Detected}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	ctx, cancel := b.Context(ctx)
	defer cancel()
	if err := b.CheckFileSize(in.Body.Size()); err != nil {
		return res, err
	}
	var data []byte
	var err error
	switch in.Detected.Class {
	case sanitize.ClassPDF:
		data, err = readAll(in, b)
	case sanitize.ClassOOXML, sanitize.ClassODF, sanitize.ClassRTF, sanitize.ClassOLE:
		if r.lo == nil {
			return res, fmt.Errorf("%w: renderer unavailable for %s: LibreOffice not installed", sanitize.ErrUnsupported, in.Detected.Name)
		}
		data, err = r.lo.convert(ctx, in, b, "pdf")
		res.OutType = "application/pdf"
		res.OutName = sanitize.ReplaceExt(in.Name, ".pdf")
	default:
		return res, fmt.Errorf("%w: cannot render %s", sanitize.ErrUnsupported, in.Detected.Name)
	}
	if err != nil {
		return res, err
	}
	// Image-only PDFs are larger than their input: cap the output here as well as in the
	// engine's spool, so a caller writing to memory is bounded too.
	w = sanitize.LimitWriter(w, b.Limits().MaxFileSize, "limits.max_file_size")
	st, err := r.rasterize(ctx, data, w, b)
	if err != nil {
		return res, err
	}
	res.Verdict = sanitize.Sanitized
	layer := "no"
	if st.textLayer {
		layer = "yes"
	}
	res.Add(sanitize.ActRasterized, in.Path, fmt.Sprintf("%d pages at %d dpi, text layer %s", st.pages, r.o.DPI, layer))
	return res, nil
}

// readAll copies the spooled input into memory (PDFium needs the whole file in its own
// memory anyway); the size was checked against limits.max_file_size.
func readAll(in *sanitize.Item, b *sanitize.Budget) ([]byte, error) {
	n := in.Body.Size()
	data := make([]byte, n)
	if _, err := in.Body.ReadAt(data, 0); err != nil && !(errors.Is(err, io.EOF) && n == 0) {
		if !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("render: read input: %w", err)
		}
	}
	return data, nil
}
