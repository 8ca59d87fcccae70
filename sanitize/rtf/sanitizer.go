package rtf

import (
	"bufio"
	"context"
	"fmt"
	"io"

	"github.com/sekisho/sekisho/sanitize"
)

// Options configure New.
type Options struct {
	// Objects says what to do with embedded and linked OLE objects: "strip" (the default)
	// removes them and keeps the picture or text Word shows in their place; "quarantine"
	// refuses the document.
	Objects string
	// Metadata is "strip" (the default; "" means strip) or "keep". With strip the
	// document properties in {\info} other than the title and subject go, and so do the
	// producer, custom properties, revision authors and identifiers, and comment
	// authors.
	Metadata string
	// Inner re-encodes pictures: the engine, whose image family decodes and encodes PNG
	// and JPEG pictures again under the same Budget. Nil removes every picture: picture
	// data is never copied.
	Inner sanitize.Sanitizer
}

// Sanitizer rebuilds RTF documents from their tokens.
type Sanitizer struct {
	objects, metadata string
	inner             sanitize.Sanitizer
}

var _ sanitize.Sanitizer = (*Sanitizer)(nil)

// New returns the RTF family's sanitizer.
func New(o Options) *Sanitizer {
	if o.Objects == "" {
		o.Objects = "strip"
	}
	if o.Metadata == "" {
		o.Metadata = "strip"
	}
	return &Sanitizer{objects: o.Objects, metadata: o.Metadata, inner: o.Inner}
}

// Sanitize tokenizes the document and writes it again from the tokens, without object
// groups, DDE and link fields, remote templates and mail-merge sources. Malformed input
// (unbalanced braces, overlong control words, a \binN longer than the file) is refused.
func (s *Sanitizer) Sanitize(ctx context.Context, in *sanitize.Item, w io.Writer, b *sanitize.Budget) (sanitize.Result, error) {
	res := sanitize.Result{Detected: in.Detected}
	if s.objects != "strip" && s.objects != "quarantine" {
		return res, fmt.Errorf("rtf: unknown objects option %q", s.objects)
	}
	if s.metadata != "strip" && s.metadata != "keep" {
		return res, fmt.Errorf("rtf: unknown metadata option %q", s.metadata)
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	// Output is at most about three times the input (a line break after each closing
	// brace), but it is capped like every other output.
	out := bufio.NewWriterSize(sanitize.LimitWriter(w, b.Limits().MaxFileSize, "limits.max_file_size"), 64<<10)
	rw := &rewriter{
		lex:       NewLexer(in.Reader(), in.Body.Size()),
		out:       out,
		res:       &res,
		path:      in.Path,
		objects:   s.objects,
		inner:     s.inner,
		b:         b,
		ctx:       ctx,
		stripMeta: s.metadata == "strip",
	}
	if err := rw.run(ctx); err != nil {
		return res, err
	}
	if err := out.Flush(); err != nil {
		return res, err
	}
	return res, nil
}
