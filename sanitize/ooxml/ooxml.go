package ooxml

import (
	"context"
	"fmt"
	"io"

	"github.com/sekisho/sekisho/sanitize"
)

// Options configure the OOXML and OpenDocument sanitizer. The zero value is usable but
// drops every image (see Inner).
type Options struct {
	// Inner sanitizes embedded media (word/media/*, Pictures/*, thumbnails): the engine, so
	// images are decoded and re-encoded by the image family under the same Budget (through
	// Budget.Nest). An image the inner sanitizer refuses is removed from the package. Nil
	// removes every image part: media are never copied through unparsed.
	Inner sanitize.Sanitizer
	// KeepHyperlinks keeps external hyperlinks whose target is http, https or mailto: they
	// are text links a person must click. The configuration default is true. False removes
	// them too (the link text stays). Other external relationships (templates, linked
	// objects and images, data connections) are always removed, and so are hyperlinks to
	// file:, UNC paths and protocol handlers (ms-msdt:, search-ms:, ...).
	KeepHyperlinks bool
	// Metadata is "strip" (the default; "" means strip) or "keep". Property parts are
	// always rebuilt from the allow-list of metadata.go (title, subject, language,
	// counts). "strip" also removes what names the people behind a document: authors,
	// last editors, company, manager, dates, custom properties and custom XML data,
	// revision identifiers, comment and change authors. "keep" keeps those.
	Metadata string
}

// Sanitizer rebuilds OOXML (docx, xlsx, pptx and their macro-enabled and template
// variants) and OpenDocument (odt, ods, odp, odg) packages.
type Sanitizer struct {
	inner     sanitize.Sanitizer
	keepLinks bool
	stripMeta bool
	badOption string
}

var _ sanitize.Sanitizer = (*Sanitizer)(nil)

// New returns a sanitizer. It has no side effects.
func New(o Options) *Sanitizer {
	s := &Sanitizer{inner: o.Inner, keepLinks: o.KeepHyperlinks, stripMeta: true}
	switch o.Metadata {
	case "", "strip":
	case "keep":
		s.stripMeta = false
	default:
		s.badOption = o.Metadata
	}
	return s
}

// Sanitize rebuilds in as a new package. The family (OOXML or OpenDocument) and the exact
// type are derived from the package itself, never from the name or the engine's guess.
func (s *Sanitizer) Sanitize(ctx context.Context, in *sanitize.Item, w io.Writer, b *sanitize.Budget) (sanitize.Result, error) {
	if s.badOption != "" {
		return sanitize.Result{}, fmt.Errorf("ooxml: metadata option %q is neither strip nor keep", s.badOption)
	}
	if b == nil {
		b = sanitize.NewBudget(sanitize.Limits{})
	}
	if err := ctx.Err(); err != nil {
		return sanitize.Result{}, err
	}
	if err := b.CheckFileSize(in.Body.Size()); err != nil {
		return sanitize.Result{}, err
	}
	var magic [4]byte
	if _, err := in.Body.ReadAt(magic[:], 0); err != nil || string(magic[:]) != "PK\x03\x04" {
		// Office 2003 XML, SYLK and compound files (legacy or encrypted Office) belong to
		// other families; whatever else this is, it is not a package.
		return sanitize.Result{}, fmt.Errorf("%w: not a zip package (%s)", sanitize.ErrUnsupported, in.Detected.Name)
	}
	z, err := openZip(in, b)
	if err != nil {
		return sanitize.Result{}, err
	}
	var res sanitize.Result
	switch {
	case z.byKey["[content_types].xml"] != nil:
		res, err = s.sanitizeOOXML(ctx, in, z, w, b)
	case z.byKey["mimetype"] != nil:
		res, err = s.sanitizeODF(ctx, in, z, w, b)
	default:
		return sanitize.Result{}, fmt.Errorf("%w: zip is neither an OOXML nor an OpenDocument package", sanitize.ErrUnsupported)
	}
	if err == nil && len(z.dropped) > 0 && res.Verdict.HasOutput() {
		// The rebuild takes the parts the central directory lists; what else the file
		// held is gone, and the positive model reports every drop.
		res.Actions = append(res.Actions, z.dropped...)
		res.Verdict = sanitize.Sanitized
	}
	return res, err
}
