package main

import (
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

// engineLimits converts the limits section to the engine's Limits.
func engineLimits(c config.Limits) sanitize.Limits {
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

// enginePolicy applies the configured overrides to the built-in table.
func enginePolicy(overrides map[string]string) (sanitize.Policy, error) {
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

// buildEngine builds the engine from a validated configuration and registers every
// sanitizer family on it, once. A type whose family is not registered is quarantined by
// the engine (ErrNoHandler): the fail-closed default while families are added.
func buildEngine(cfg *config.Config, log *slog.Logger) (*sanitize.Engine, error) {
	pol, err := enginePolicy(cfg.Policy)
	if err != nil {
		return nil, err
	}
	e := sanitize.NewEngine(sanitize.EngineOptions{
		Policy:  pol,
		Limits:  engineLimits(cfg.Limits),
		TempDir: cfg.TempDir,
		Logger:  log,
	})

	// PDF: active content removed from the object tree, then a fresh file is written.
	e.Register(string(sanitize.ClassPDF), pdf.New(pdf.Options{URIActions: cfg.PDF.URIActions}))
	// Text, CSV/TSV, HTML (to plain text), XML, JSON, calendars: normalized to UTF-8.
	e.Register(string(sanitize.ClassText), text.New(text.Options{DefangLinks: cfg.Text.DefangLinks, CSVBOM: cfg.Text.CSVBOM}))
	// Images: decoded after a pixel check and re-encoded (JPEG stays JPEG, others PNG).
	images := img.New(img.Options{
		JPEGQuality:    cfg.Image.JPEGQuality,
		PNGCompression: cfg.Image.PNGCompression,
	})
	e.Register(string(sanitize.ClassImage), images)
	// Under the render policy an image is rasterized already: decoding and re-encoding it is
	// the same as rendering it, so the image family serves both.
	e.RegisterRenderer(string(sanitize.ClassImage), images)
	// Office Open XML and OpenDocument: rebuilt without macros, ActiveX, OLE, DDE and
	// external references; embedded media go back through the engine (image family).
	office := ooxml.New(ooxml.Options{Inner: e, KeepHyperlinks: cfg.OOXML.KeepHyperlinks})
	e.Register(string(sanitize.ClassOOXML), office)
	e.Register(string(sanitize.ClassODF), office)
	// SYLK and Office 2003 XML look like text but open as spreadsheets and documents in
	// Office: converted to CSV or plain text of their values. Registered by type name, so
	// they win over the ooxml class the detector files them under.
	e.Register("sylk", sylk.New(sylk.Options{}))
	e.Register("msoxml", msoxml.New(msoxml.Options{}))
	// RTF: rewritten token by token without objects, DDE and remote links.
	e.Register(string(sanitize.ClassRTF), rtf.New(rtf.Options{Objects: cfg.RTF.Objects}))
	// Legacy compound files: inspected and refused with a precise reason.
	e.Register(string(sanitize.ClassOLE), ole.New(ole.Options{}))
	// Containers recurse through the engine itself, sharing the item's Budget.
	e.Register(string(sanitize.ClassArchive), archive.New(archive.Options{Inner: e, TempDir: cfg.TempDir}))
	// Messages (sanitize-mail, and .eml attachments and archive entries): bodies to plain
	// text, attachments back through the engine. No quarantine store here: attachments
	// that must be held are reported as such; serve registers its own with a Holder.
	e.Register(string(sanitize.ClassMessage), mail.New(mailOptions(cfg, e)))

	// The rasterizer exists only when the policy asks for it: compiling PDFium costs
	// seconds and ~330 MB. It lives as long as the process.
	if cfg.UsesRender() {
		r, err := render.New(renderOptions(cfg))
		if err != nil {
			return nil, fmt.Errorf("render: %w", err)
		}
		if !r.Office() {
			log.Warn("render: LibreOffice (soffice) not found; Office, ODF and RTF documents set to render will be quarantined")
		}
		for _, c := range []sanitize.Class{sanitize.ClassPDF, sanitize.ClassOOXML, sanitize.ClassODF, sanitize.ClassRTF, sanitize.ClassOLE} {
			e.RegisterRenderer(string(c), r)
		}
	}

	return e, nil
}

// mailOptions converts the mail and text sections for the mail family, with inner as the
// sanitizer for attachments. Holder is left nil: the caller sets it when a quarantine
// store exists.
func mailOptions(cfg *config.Config, inner sanitize.Sanitizer) mail.Options {
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
		Hostname:         cfg.SMTP.Hostname,
		TempDir:          cfg.TempDir,
	}
}

// buildMailEngine is the top-level engine of sanitize-mail. The command says the input is
// a message, and the mail family, not the content sniffer, is the authority on that:
// a message with a NUL byte or an odd first line still sniffs as "unknown" or "text" and
// must be repaired or refused by the MIME walker with its precise reason. So every class
// goes to the mail sanitizer, except executables and scripts, which stay blocked; the
// engine still provides the per-item recover, the deadline and commit-on-success.
// Attachments go through inner, the ordinary engine.
func buildMailEngine(cfg *config.Config, log *slog.Logger, inner *sanitize.Engine) *sanitize.Engine {
	msan := mail.New(mailOptions(cfg, inner))
	pol := sanitize.Policy{}
	e := sanitize.NewEngine(sanitize.EngineOptions{
		Policy:  pol,
		Limits:  engineLimits(cfg.Limits),
		TempDir: cfg.TempDir,
		Logger:  log,
	})
	for _, c := range []sanitize.Class{sanitize.ClassPDF, sanitize.ClassImage, sanitize.ClassSVG,
		sanitize.ClassText, sanitize.ClassRTF, sanitize.ClassOOXML, sanitize.ClassODF, sanitize.ClassOLE,
		sanitize.ClassArchive, sanitize.ClassMessage, sanitize.ClassMedia, sanitize.ClassUnknown} {
		pol[string(c)] = sanitize.Sanitize
		e.Register(string(c), msan)
	}
	pol[string(sanitize.ClassExecutable)] = sanitize.Block
	pol[string(sanitize.ClassScript)] = sanitize.Block
	pol["empty"] = sanitize.Quarantine
	return e
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
		TempDir:        cfg.TempDir,
	}
}
