package assemble

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/archive"
	"github.com/sekisho/sekisho/sanitize/img"
	"github.com/sekisho/sekisho/sanitize/mail"
	"github.com/sekisho/sekisho/sanitize/ole"
	"github.com/sekisho/sekisho/sanitize/ooxml"
	"github.com/sekisho/sekisho/sanitize/pdf"
	"github.com/sekisho/sekisho/sanitize/render"
	"github.com/sekisho/sekisho/sanitize/rtf"
	"github.com/sekisho/sekisho/sanitize/sylk"
	"github.com/sekisho/sekisho/sanitize/sylk/msoxml"
	"github.com/sekisho/sekisho/sanitize/text"
)

// Options are what the configuration cannot say.
type Options struct {
	// Logger receives every component's log; nil discards.
	Logger *slog.Logger
	// Families replace, wrap or add handlers, by type name or class, after the built-in
	// ones are registered: each function gets the built-in family for its key (nil when
	// there is none) and returns the one to register. The whole-message entry uses the
	// "message" result too, so a test can make the mail family panic on the relay path.
	Families map[string]func(builtin sanitize.Sanitizer) sanitize.Sanitizer
	// Holder keeps the attachments the mail family quarantines. Nil (the offline
	// commands) reports them as "would be quarantined"; NewGateway sets the quarantine's.
	Holder mail.Holder
	// Direction is config.Inbound (the default: mail and uploads from the Internet side)
	// or config.Outbound (files leaving the LGWAN side). It picks the families' settings
	// that differ by direction (metadata.inbound or metadata.outbound).
	Direction string
	// Observer is told the outcome of every item both engines handle (metrics); nil for
	// none. NewGateway sets its metrics.
	Observer sanitize.Observer
}

func (o Options) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
}

// Sanitizers are the engines every caller goes through: Files decides by detected type and
// policy; Message reads its input as mail. Both recover from a family's panic, apply the
// budget and commit output only on success. Close releases the rasterizer.
type Sanitizers struct {
	Files     *sanitize.Engine
	Message   *sanitize.Engine
	render    *render.Renderer
	pdfRender *lazyRenderer // the PDF fallback when render is not in the policy
	convert   *render.Converter
}

// Close stops the rasterizers and the converter, if they were started.
func (s *Sanitizers) Close() error {
	var errs []error
	if s.render != nil {
		errs = append(errs, s.render.Close())
	}
	if s.pdfRender != nil {
		errs = append(errs, s.pdfRender.Close())
	}
	if s.convert != nil {
		errs = append(errs, s.convert.Close())
	}
	return errors.Join(errs...)
}

// Limits converts the limits section to the engine's Limits.
func Limits(c config.Limits) sanitize.Limits {
	return sanitize.Limits{
		MaxFileSize:  c.MaxFileSize.Int64(),
		MaxTotalSize: c.MaxTotalSize.Int64(),
		MaxDepth:     c.MaxDepth,
		MaxEntries:   c.MaxEntries,
		MaxRatio:     c.MaxRatio,
		MaxPixels:    c.MaxPixels,
		MaxPages:     c.MaxPages,
		Timeout:      c.Timeout.Std(),
	}
}

// Policy applies the configured overrides to the built-in table.
func Policy(overrides map[string]string) (sanitize.Policy, error) {
	o := make(map[string]sanitize.PolicyAction, len(overrides))
	for k, v := range overrides {
		a, err := sanitize.ParsePolicyAction(v)
		if err != nil {
			return nil, fmt.Errorf("policy.%s: %w", k, err)
		}
		o[k] = a
	}
	return sanitize.DefaultPolicy().With(o), nil
}

// NewSanitizers builds the engine and registers every family on it, once; the mail family
// is built once and serves both engines. A type whose family is not registered is
// quarantined by the engine (ErrNoHandler): the fail-closed default.
func NewSanitizers(cfg *config.Config, o Options) (_ *Sanitizers, err error) {
	log := o.logger()
	pol, err := Policy(cfg.Policy)
	if err != nil {
		return nil, err
	}
	e := sanitize.NewEngine(sanitize.EngineOptions{
		Policy:   pol,
		Limits:   Limits(cfg.Limits),
		TempDir:  cfg.TempDir,
		Logger:   log,
		Observer: o.Observer,
	})
	s := &Sanitizers{Files: e}
	builtin := map[string]sanitize.Sanitizer{}
	register := func(key string, f sanitize.Sanitizer) {
		builtin[key] = f
		e.Register(key, f)
	}

	meta := cfg.Metadata.For(o.Direction)
	// PDF: every object rebuilt from its type's allow-list, images and fonts re-encoded,
	// a fresh file written.
	register(string(sanitize.ClassPDF), pdf.New(pdf.Options{URIActions: cfg.PDF.URIActions, Fonts: cfg.PDF.Fonts,
		Metadata: meta, JPEGQuality: cfg.Image.JPEGQuality}))
	// Text, CSV/TSV, HTML (to plain text), XML, JSON, calendars: normalized to UTF-8.
	register(string(sanitize.ClassText), text.New(text.Options{DefangLinks: cfg.Text.DefangLinks, CSVBOM: cfg.Text.CSVBOM}))
	// Images: decoded after a pixel check and re-encoded (JPEG stays JPEG, others PNG).
	images := img.New(img.Options{
		JPEGQuality:    cfg.Image.JPEGQuality,
		PNGCompression: cfg.Image.PNGCompression,
	})
	register(string(sanitize.ClassImage), images)
	// Under the render policy an image is rasterized already: decoding and re-encoding it is
	// the same as rendering it, so the image family serves both.
	e.RegisterRenderer(string(sanitize.ClassImage), images)
	// Office Open XML and OpenDocument: rebuilt without macros, ActiveX, OLE, DDE and
	// external references; embedded media go back through the engine (image family).
	office := ooxml.New(ooxml.Options{Inner: e, KeepHyperlinks: cfg.OOXML.KeepHyperlinks, Metadata: meta})
	register(string(sanitize.ClassOOXML), office)
	register(string(sanitize.ClassODF), office)
	// SYLK and Office 2003 XML look like text but open as spreadsheets and documents in
	// Office: converted to CSV or plain text of their values. Registered by type name, so
	// they win over the ooxml class the detector files them under.
	register("sylk", sylk.New(sylk.Options{}))
	register("msoxml", msoxml.New(msoxml.Options{}))
	// RTF: rewritten token by token without objects, DDE and remote links.
	register(string(sanitize.ClassRTF), rtf.New(rtf.Options{Objects: cfg.RTF.Objects, Metadata: meta, Inner: e}))
	// Legacy compound files: inspected and refused with a precise reason.
	register(string(sanitize.ClassOLE), ole.New(ole.Options{}))
	// Containers recurse through the engine itself, sharing the item's Budget.
	register(string(sanitize.ClassArchive), archive.New(archive.Options{Inner: e, TempDir: cfg.TempDir, DefangLinks: cfg.Text.DefangLinks}))
	// Messages (.eml attachments, archive entries, and every whole message through
	// Message below): bodies to plain text, attachments back through the engine.
	register(string(sanitize.ClassMessage), mail.New(mailOptions(cfg, e, o.Holder)))

	// Legacy Office (and RTF where the policy says convert) goes out as editable OOXML:
	// LibreOffice rebuilds it in the render sandbox, then the engine sanitizes the result
	// with the OOXML family. Finding LibreOffice is cheap; the first conversion makes a
	// template profile in the temp folder, which later conversions copy and Close removes.
	if usesConvert(pol) {
		c, err := render.NewConverter(render.ConvertOptions{
			Inner:      e,
			Timeout:    cfg.Render.ConvertTimeout.Std(),
			Converters: cfg.Render.Converters,
			Reuse:      cfg.Render.ConverterReuse,
			TempDir:    cfg.TempDir,
		})
		switch {
		case errors.Is(err, render.ErrNoLibreOffice):
			log.Warn("convert: LibreOffice (soffice) not found; doc, xls and ppt will be quarantined (install libreoffice-core, -writer, -calc, -impress)")
		case err != nil:
			return nil, fmt.Errorf("convert: %w", err)
		default:
			s.convert = c
			e.RegisterConverter(string(sanitize.ClassOLE), c)
			e.RegisterConverter(string(sanitize.ClassRTF), c)
		}
	}

	// HEIC photos (the iPhone's format) have no Go decoder: libheif decodes them in the
	// same sandbox and the image family rebuilds the JPEG. Finding heif-convert is cheap.
	if photos := photoTypes(pol); len(photos) > 0 {
		p, err := render.NewPhotoConverter(render.PhotoOptions{Inner: e, Timeout: cfg.Render.ConvertTimeout.Std(), TempDir: cfg.TempDir})
		switch {
		case errors.Is(err, render.ErrNoHEIFDecoder):
			log.Warn("convert: heif-convert not found; HEIC and AVIF images will be quarantined (install libheif-examples)")
		case err != nil:
			return nil, fmt.Errorf("convert: %w", err)
		default:
			for _, name := range photos {
				e.RegisterConverter(name, p)
			}
		}
	}

	// The rasterizer exists only when the policy asks for it: compiling PDFium costs
	// seconds and ~330 MB. It lives until Close.
	if cfg.UsesRender() {
		r, err := render.New(renderOptions(cfg))
		if err != nil {
			return nil, fmt.Errorf("render: %w", err)
		}
		s.render = r
		if !r.Office() {
			log.Warn("render: LibreOffice (soffice) not found; Office, ODF and RTF documents set to render will be quarantined")
		}
		for _, c := range []sanitize.Class{sanitize.ClassPDF, sanitize.ClassOOXML, sanitize.ClassODF, sanitize.ClassRTF, sanitize.ClassOLE} {
			e.RegisterRenderer(string(c), r)
		}
	} else {
		// No policy entry says render, but a PDF whose images have no decoder here
		// (JPEG 2000, JBIG2) is still rendered rather than held; PDFium starts then.
		s.pdfRender = &lazyRenderer{o: renderOptions(cfg)}
		e.RegisterRenderer(string(sanitize.ClassPDF), s.pdfRender)
	}

	for k, wrap := range o.Families {
		f := wrap(builtin[k])
		builtin[k] = f
		e.Register(k, f)
	}
	s.Message = messageEngine(cfg, log, o.Observer, builtin[string(sanitize.ClassMessage)])
	return s, nil
}

// messageEngine is the top-level entry for a whole message (the relay, sanitize-mail). The
// caller says the input is a message, and the mail family, not the content sniffer, is the
// authority on that: a message with a NUL byte or an odd first line still sniffs as
// "unknown" or "text" and must be repaired or refused by the MIME walker with its precise
// reason. So every class goes to the mail family, except executables and scripts, which
// stay blocked; the engine still provides the per-item recover, the budget's deadline and
// commit-on-success. Attachments go through the mail family's inner engine.
func messageEngine(cfg *config.Config, log *slog.Logger, obs sanitize.Observer, msg sanitize.Sanitizer) *sanitize.Engine {
	pol := sanitize.Policy{}
	e := sanitize.NewEngine(sanitize.EngineOptions{
		Policy:   pol,
		Limits:   Limits(cfg.Limits),
		TempDir:  cfg.TempDir,
		Logger:   log,
		Observer: obs,
	})
	for _, c := range []sanitize.Class{sanitize.ClassPDF, sanitize.ClassImage, sanitize.ClassSVG,
		sanitize.ClassText, sanitize.ClassRTF, sanitize.ClassOOXML, sanitize.ClassODF, sanitize.ClassOLE,
		sanitize.ClassArchive, sanitize.ClassMessage, sanitize.ClassMedia, sanitize.ClassUnknown} {
		pol[string(c)] = sanitize.Sanitize
		e.Register(string(c), msg)
	}
	pol[string(sanitize.ClassExecutable)] = sanitize.Block
	pol[string(sanitize.ClassScript)] = sanitize.Block
	pol["empty"] = sanitize.Quarantine
	return e
}

// usesConvert reports whether any entry of the effective policy says convert.
// photoTypes lists the image types libheif decodes that the policy says to convert.
func photoTypes(p sanitize.Policy) []string {
	var out []string
	for _, name := range []string{"heic", "avif"} {
		if p.Lookup(sanitize.Type{Name: name, Class: sanitize.ClassImage}) == sanitize.Convert {
			out = append(out, name)
		}
	}
	return out
}

func usesConvert(p sanitize.Policy) bool {
	for _, a := range p {
		if a == sanitize.Convert {
			return true
		}
	}
	return false
}

// mailOptions converts the mail and text sections for the mail family, with inner as the
// sanitizer for attachments and h keeping the ones to quarantine.
func mailOptions(cfg *config.Config, inner sanitize.Sanitizer, h mail.Holder) mail.Options {
	release, ppap := portalLinks(cfg)
	return mail.Options{
		Inner:            inner,
		OutputCharset:    cfg.Mail.OutputCharset,
		NoticePosition:   cfg.Mail.NoticePosition,
		NestedMessages:   cfg.Mail.NestedMessages,
		ExtraHeaders:     cfg.Mail.ExtraHeaders,
		DefangLinks:      cfg.Text.DefangLinks,
		MaxParts:         cfg.Mail.MaxParts,
		MaxHeaderBytes:   int(cfg.Mail.MaxHeaderBytes.Int64()),
		NoticeTemplateJA: cfg.Mail.NoticeTemplateJA,
		NoticeTemplateEN: cfg.Mail.NoticeTemplateEN,
		ReleaseContact:   cfg.Mail.ReleaseContact,
		ReleaseURL:       release,
		PPAPURL:          ppap,
		Holder:           h,
		Hostname:         cfg.SMTP.Hostname,
		TempDir:          cfg.TempDir,
	}
}

// portalLinks are the portal pages a notice sends the recipient of a held item to: the
// item's page (where they ask for its release) and the password page of an encrypted zip
// or PDF. Both are nil when the gateway serves no portal, and the notice names the
// release contact instead.
func portalLinks(cfg *config.Config) (release, ppap func(id string) string) {
	if !cfg.Portal.Enabled || cfg.HTTP.Listen == "" {
		return nil, nil
	}
	base := PortalURL(cfg)
	return func(id string) string { return base + "/items/" + id },
		func(id string) string { return base + "/ppap/" + id }
}

// renderOptions converts the render section; the compilation cache lives under data_dir.
func renderOptions(cfg *config.Config) render.Options {
	return render.Options{
		DPI:            cfg.Render.DPI,
		Instances:      cfg.Render.Instances,
		TextLayer:      cfg.Render.TextLayer,
		Gray:           cfg.Render.Gray,
		JPEGQuality:    cfg.Render.JPEGQuality,
		FontDir:        cfg.Render.FontDir,
		CacheDir:       filepath.Join(cfg.DataDir, "cache"),
		ConvertTimeout: cfg.Render.ConvertTimeout.Std(),
		Converters:     cfg.Render.Converters,
		ConverterReuse: cfg.Render.ConverterReuse,
		TempDir:        cfg.TempDir,
	}
}
