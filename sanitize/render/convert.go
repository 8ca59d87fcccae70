package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/ole"
)

// ErrNoLibreOffice is returned by NewConverter when soffice is not installed.
var ErrNoLibreOffice = errors.New("render: LibreOffice (soffice) not found")

// ConvertOptions configure a Converter. Zero values take the documented defaults.
type ConvertOptions struct {
	// Inner sanitizes the converted document: the engine, so the OOXML family's rules
	// apply to it exactly as to a docx that arrived as one. Required.
	Inner   sanitize.Sanitizer
	Soffice string        // LibreOffice program; "" looks up "soffice" in PATH
	Timeout time.Duration // render.convert_timeout: wall clock per document, default 60s
	// Converters is how many LibreOffice processes run at once (render.converters),
	// default 1. Each takes one CPU while it works and 150-250 MB.
	Converters int
	// Reuse is how many documents one LibreOffice process converts before a fresh one
	// replaces it (render.converter_reuse), default DefaultReuse; 1 starts a process per
	// document. Reuse above 1 needs python3-uno; without it every document starts its own.
	Reuse   int
	TempDir string // work folders; "" = os.TempDir()
	// ProfileDir keeps the template LibreOffice profile across processes
	// (data_dir/cache/libreoffice-profile); "" makes it in TempDir once per process.
	ProfileDir string
}

// DefaultReuse is how many documents one LibreOffice process converts by default: its
// start (one to three seconds of CPU) is then spread over twenty documents, while what a
// hostile document could leave in the process reaches at most nineteen others, each of
// which still goes through the OOXML family or the rasterizer.
const DefaultReuse = 20

// Converter is the convert policy: it rebuilds a legacy Office document (doc, xls, ppt) or
// an RTF file as its OOXML equivalent with LibreOffice in the sandbox the render policy
// uses, then hands the result to Inner, so what is delivered is an editable document that
// went through structural CDR. LibreOffice reads the legacy binary records and writes a
// new package from its own document model: VBA projects are not written to docx, xlsx or
// pptx, and the OOXML family then removes whatever else it does not know to be inert
// (embedded OLE objects, external links, DDE, disallowed formulas).
type Converter struct {
	inner sanitize.Sanitizer
	lo    *converter
}

var _ sanitize.Sanitizer = (*Converter)(nil)

// NewConverter finds LibreOffice; it returns ErrNoLibreOffice when soffice is not
// installed, so the caller can leave the policy's fallback (the family's reason and an
// install hint) in place. It starts nothing: the first conversion makes the template
// profile. Close removes it.
func NewConverter(o ConvertOptions) (*Converter, error) {
	if o.Inner == nil {
		return nil, errors.New("render: converter needs an inner sanitizer")
	}
	if o.Timeout <= 0 {
		o.Timeout = 60 * time.Second
	}
	if o.Converters <= 0 {
		o.Converters = 1
	}
	o.Converters = min(o.Converters, max(runtime.NumCPU()*4, 4))
	if o.Reuse <= 0 {
		o.Reuse = DefaultReuse
	}
	lo, err := newConverter(o.Soffice, o.TempDir, o.Timeout, o.Converters, o.Reuse)
	if errors.Is(err, errNoSoffice) {
		return nil, ErrNoLibreOffice
	}
	if err != nil {
		return nil, err
	}
	if o.ProfileDir != "" {
		if lo.profileDir, err = filepath.Abs(o.ProfileDir); err != nil {
			return nil, fmt.Errorf("render: profile folder: %w", err)
		}
	}
	return &Converter{inner: o.Inner, lo: lo}, nil
}

// Close removes the template profile. Calls in flight must have returned.
func (c *Converter) Close() error { return c.lo.close() }

// conversions lists, per input type, the OOXML type it becomes.
var conversions = map[string]string{
	"doc": "docx",
	"xls": "xlsx",
	"ppt": "pptx",
	"rtf": "docx",
}

// Target returns the OOXML type name t is converted to, or "".
func Target(t sanitize.Type) string { return conversions[t.Name] }

// Sanitize converts in and sanitizes the result through Inner, writing it to w. Encrypted
// and damaged legacy files are refused before LibreOffice sees them, with the ole family's
// reason.
func (c *Converter) Sanitize(ctx context.Context, in *sanitize.Item, w io.Writer, b *sanitize.Budget) (sanitize.Result, error) {
	res := sanitize.Result{Detected: in.Detected}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	target := Target(in.Detected)
	if target == "" {
		return res, fmt.Errorf("%w: convert handles doc, xls, ppt and rtf, not %s", sanitize.ErrUnsupported, in.Detected.Name)
	}
	if err := b.CheckFileSize(in.Body.Size()); err != nil {
		return res, err
	}
	var notes []string
	if in.Detected.Class == sanitize.ClassOLE {
		info, err := ole.Inspect(in.Body, in.Body.Size())
		if err != nil {
			return res, fmt.Errorf("%w: %w", sanitize.ErrMalformed, err)
		}
		if info.Encrypted {
			// LibreOffice would stop at a password prompt; the reason names the evidence.
			return res, ole.Reason(info, in.Detected.Name)
		}
		if info.Kind != in.Detected.Name && info.Kind != "ole" {
			return res, fmt.Errorf("%w: the compound file is %s, not %s", sanitize.ErrMalformed, info.Kind, in.Detected.Name)
		}
		if info.HasVBA {
			res.Add(sanitize.ActRemovedMacros, in.Path, "VBA project not carried over by the conversion")
		}
		if info.HasXLM {
			res.Add(sanitize.ActRemovedMacros, in.Path, "Excel 4.0 macro sheets not carried over as macros by the conversion")
		}
		if info.HasOLEObjects {
			notes = append(notes, "embedded objects go through the OOXML family")
		}
	}
	ctx, cancel := b.Context(ctx)
	defer cancel()
	data, err := c.lo.convert(ctx, in, b, target)
	if err != nil {
		return res, err
	}
	// What LibreOffice wrote must be the package it was asked for before anything trusts
	// it: the engine would otherwise dispatch on whatever the bytes turned out to be.
	body := bytes.NewReader(data)
	if got := sanitize.Detect(body); got.Name != target {
		return res, fmt.Errorf("%w: libreoffice wrote %s, want %s", sanitize.ErrMalformed, got.Name, target)
	}
	nb, err := b.Nest()
	if err != nil {
		return res, err
	}
	name := sanitize.ReplaceExt(in.Name, "."+target)
	sub := &sanitize.Item{Body: body, Path: in.Path, Name: name, DeclaredType: sanitize.OOXMLMIME(target)}
	r, err := c.inner.Sanitize(ctx, sub, w, nb)
	if err != nil {
		return res, err
	}
	if !r.Verdict.HasOutput() {
		return res, fmt.Errorf("converted %s refused: %s", target, r.Reason)
	}
	detail := fmt.Sprintf("%s → %s by LibreOffice", in.Detected.Name, target)
	if len(notes) > 0 {
		detail += " (" + strings.Join(notes, "; ") + ")"
	}
	res.Add(sanitize.ActConverted, in.Path, detail)
	for _, a := range r.Actions {
		if a.Kind == sanitize.ActRenamed {
			continue // the converted name is ours; the engine names the output
		}
		res.Actions = append(res.Actions, a)
	}
	res.Verdict = sanitize.Sanitized
	res.OutName = name
	if r.OutName != "" {
		res.OutName = r.OutName
	}
	res.OutType = sanitize.OOXMLMIME(target)
	return res, nil
}
