package pdf

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/sekisho/sekisho/sanitize"
)

// URI action policies for Options.URIActions.
const (
	URIKeep   = "keep"   // keep URI actions to http, https and mailto (the default)
	URIRemove = "remove" // remove every URI action, each reported
)

// Font program policies for Options.Fonts.
const (
	FontsKeepValid = "keep-valid" // keep programs an independent parser reads cleanly (the default)
	FontsDrop      = "drop"       // drop every embedded program; text shows in fallback fonts
)

// Metadata policies for Options.Metadata.
const (
	MetadataStrip = "strip" // keep title, subject and language only (the default)
	MetadataKeep  = "keep"  // keep the standard information entries and the XMP packet
)

// Options configure the PDF sanitizer. The zero value is ready to use. An unknown value
// of any option means its strictest setting: an unknown setting must not loosen the policy.
type Options struct {
	// URIActions: "keep" keeps link actions to http, https or mailto; "remove" drops
	// URI actions too (each reported). Default "keep".
	URIActions string
	// Fonts: "keep-valid" keeps embedded TrueType, OpenType and CFF programs that
	// golang.org/x/image/font/sfnt parses cleanly (rebuilt without hinting programs);
	// "drop" drops every embedded program. Default "keep-valid".
	Fonts string
	// Metadata: "strip" keeps the title, subject and language of the document
	// information and XMP; "keep" keeps the standard entries. Default "strip".
	Metadata string
	// JPEGQuality is the quality DCT images are encoded at again, 1..100. Default 92.
	JPEGQuality int
}

// Sanitizer rebuilds PDFs from allow-lists. It is safe for concurrent use.
type Sanitizer struct {
	keepURI     bool
	dropFonts   bool
	keepMeta    bool
	jpegQuality int
}

var _ sanitize.Sanitizer = (*Sanitizer)(nil)

// New returns a PDF sanitizer. It has no side effects.
func New(o Options) *Sanitizer {
	s := &Sanitizer{
		keepURI:     o.URIActions == "" || o.URIActions == URIKeep,
		dropFonts:   o.Fonts != "" && o.Fonts != FontsKeepValid,
		keepMeta:    o.Metadata == MetadataKeep,
		jpegQuality: o.JPEGQuality,
	}
	if s.jpegQuality <= 0 || s.jpegQuality > 100 {
		s.jpegQuality = 92
	}
	return s
}

// Sanitize parses in as a PDF, removes active content and writes a fresh file to w. An
// error means nothing written to w may be used.
func (s *Sanitizer) Sanitize(ctx context.Context, in *sanitize.Item, w io.Writer, b *sanitize.Budget) (res sanitize.Result, err error) {
	res = sanitize.Result{Detected: in.Detected}
	// pdfcpu's own fault.Catch converts only its own panics; index errors and nil
	// dereferences on malformed files escape it. The engine recovers too, but a precise
	// reason ("malformed") serves the operator better than "sanitizer crashed".
	defer func() {
		if p := recover(); p != nil {
			res = sanitize.Result{Detected: in.Detected}
			err = fmt.Errorf("pdf: %w: parser crashed: %v", sanitize.ErrMalformed, p)
		}
	}()
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if err := b.CheckFileSize(in.Body.Size()); err != nil {
		return res, err
	}

	trailing, err := trailingBytes(in.Body, in.Body.Size())
	if err != nil {
		return res, err
	}
	pctx, err := read(ctx, in.Reader(), b)
	oddVersion := ""
	if err != nil && strings.Contains(err.Error(), "unknown PDF header version") {
		if r, v, ok := headerVersionOverlay(in.Body, in.Body.Size()); ok {
			oddVersion = v
			pctx, err = read(ctx, r, b)
		}
	}
	if err != nil {
		return res, err
	}
	if err := checkDirectEncrypt(pctx.XRefTable, in.Body, in.Body.Size()); err != nil {
		return res, err
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}

	ew := &errWriter{w: w}
	bl := &builder{
		ctx: ctx, x: pctx.XRefTable, b: b, path: in.Path, opt: s, w: newWriter(ew),
		memo: map[memoKey]ref{}, pageRefs: map[int]ref{}, pageNo: map[int]int{},
		objStmCharged: map[int]int64{}, fonts: map[[32]byte]fontResult{},
		body: in.Body, size: in.Body.Size(),
	}
	defer bl.w.release()
	defer bl.releaseInflater()
	root, err := bl.catalog()
	if err != nil {
		return sanitize.Result{Detected: in.Detected}, err
	}
	info, err := bl.info()
	if err != nil {
		return sanitize.Result{Detected: in.Detected}, err
	}
	if err := ctx.Err(); err != nil {
		return sanitize.Result{Detected: in.Detected}, err
	}
	if err := bl.w.finish(root, info); err != nil {
		if ew.err != nil {
			err = ew.err
		}
		return sanitize.Result{Detected: in.Detected}, fmt.Errorf("pdf: write: %w", err)
	}
	res.Actions = bl.rep.actions(in.Path)
	if oddVersion != "" {
		res.Add(sanitize.ActRebuilt, in.Path, fmt.Sprintf("header version %s is not a PDF version: read as 1.7", oddVersion))
	}
	if lead := leadingBytes(in.Body); lead > 0 {
		res.Add(sanitize.ActRemovedTrailingData, in.Path, fmt.Sprintf("%d bytes before the %%PDF- header", lead))
	}
	if trailing > 0 {
		res.Add(sanitize.ActRemovedTrailingData, in.Path, fmt.Sprintf("%d bytes after the last %%%%EOF", trailing))
	}
	res.Verdict = sanitize.Clean
	if len(res.Actions) > 0 {
		res.Verdict = sanitize.Sanitized
	}
	return res, nil
}

// read parses the whole file into pdfcpu's object model and refuses encrypted files.
func read(ctx context.Context, rs io.ReadSeeker, b *sanitize.Budget) (*model.Context, error) {
	pctx, err := pdfcpu.ReadWithContext(ctx, rs, config(b))
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return nil, cerr
		}
		if errors.Is(err, filter.ErrDecodeLimitExceeded) {
			return nil, decodeLimit(b)
		}
		if isEncryptionError(err) {
			return nil, fmt.Errorf("pdf: %w: %v", sanitize.ErrEncrypted, err)
		}
		return nil, fmt.Errorf("pdf: %w: %v", sanitize.ErrMalformed, err)
	}
	// pdfcpu opens files with an empty user password without complaint and would write
	// them decrypted. An encrypted PDF is refused whatever its password: the sender chose
	// to hide its content from inspection.
	if pctx.XRefTable.Encrypt != nil || pctx.XRefTable.E != nil {
		return nil, fmt.Errorf("pdf: %w: document has an /Encrypt dictionary", sanitize.ErrEncrypted)
	}
	if pctx.XRefTable.Root == nil {
		return nil, fmt.Errorf("pdf: %w: no document catalog", sanitize.ErrMalformed)
	}
	return pctx, nil
}

func isEncryptionError(err error) bool {
	if errors.Is(err, pdfcpu.ErrWrongPassword) || errors.Is(err, pdfcpu.ErrEncrypted) ||
		errors.Is(err, pdfcpu.ErrPermissionDenied) {
		return true
	}
	// "decrypt": a stream of an encrypted file whose ciphertext does not decrypt (pdf.js
	// secHandler.pdf, AES-256 with an empty user password) is refused for the encryption,
	// not as damage.
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "encrypt") || strings.Contains(msg, "decrypt") || strings.Contains(msg, "password")
}

// config is the explicit pdfcpu configuration: relaxed validation (strict rejects
// ordinary files), offline, and resource limits taken from the item's budget so that a
// hostile stream cannot make pdfcpu allocate beyond what the operator configured.
//
// The output uses a classic xref table and no object streams: pdfcpu starts a fresh
// flate compressor (about 1 MiB) for each object and xref stream it writes, which made a
// one-page file cost 2 MiB of allocation instead of 0.4 MiB, for 5-15% smaller files.
// Classic xref is also what every viewer reads.
func config(b *sanitize.Budget) *model.Configuration {
	lim := b.Limits()
	rl := model.DefaultResourceLimits()
	rl.MaxStreamBytes = min(rl.MaxStreamBytes, lim.MaxFileSize)
	// Only object streams honour MaxDecodeBytes; the walk charges what they decode to
	// the budget (see cleaner.load), so the per-stream cap only bounds the overshoot.
	rl.MaxDecodeBytes = min(rl.MaxDecodeBytes, lim.MaxTotalSize, 64<<20)
	rl.MaxImagePixels = min(rl.MaxImagePixels, lim.MaxPixels)
	rl.MaxImageBytes = min(rl.MaxImageBytes, lim.MaxTotalSize)
	return &model.Configuration{
		Version:                   model.VersionStr,
		Reader15:                  true,
		ValidationMode:            model.ValidationRelaxed,
		UnsupportedResourcePolicy: model.UnsupportedResourceSkip,
		Eol:                       types.EolLF,
		WriteObjectStream:         false,
		WriteXRefStream:           false,
		Offline:                   true,
		Timeout:                   5,
		TimestampFormat:           "2006-01-02 15:04",
		DateFormat:                "2006-01-02",
		Cmd:                       model.VALIDATE,
		Limits:                    rl,
	}
}

// errWriter remembers the first error of the underlying writer, so that a failing output
// can be told apart from pdfcpu refusing to write a broken document.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	if err != nil && e.err == nil {
		e.err = err
	}
	return n, err
}

// decodeLimit reports pdfcpu's per-stream decode cap as the configured limit it derives from.
func decodeLimit(b *sanitize.Budget) error {
	max := config(b).Limits.MaxDecodeBytes
	return fmt.Errorf("pdf: object stream: %w", &sanitize.LimitError{Limit: "limits.max_total_size", Max: max, Got: max + 1})
}
