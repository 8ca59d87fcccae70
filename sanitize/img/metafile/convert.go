package metafile

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"io"

	"github.com/sekisho/sekisho/sanitize"
)

// ToPNG renders the metafile in r (size bytes) and encodes it as PNG. A picture of text
// that comes out empty, or that is text of which no character has a glyph in the Go fonts
// or the system CJK font (boxes only), is refused: it would lose the picture silently, where
// a removal is reported. A picture that draws nothing at all is delivered as drawn.
func ToPNG(ctx context.Context, r io.ReaderAt, size int64, lim Limits) ([]byte, *Result, error) {
	lim = lim.withDefaults()
	if size > int64(lim.MaxBytes) {
		return nil, nil, &sanitize.LimitError{Limit: "metafile bytes", Max: int64(lim.MaxBytes), Got: size}
	}
	data := make([]byte, size)
	if _, err := r.ReadAt(data, 0); err != nil && err != io.EOF {
		return nil, nil, err
	}
	res, err := Render(ctx, data, lim)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case res.Text > 0 && blank(res):
		return nil, res, errUnsupported("nothing of the picture's text is drawn (%d text records)", res.Text)
	case res.Text > 0 && res.Shapes == 0 && res.Glyphs == 0:
		return nil, res, errUnsupported("the picture is text only and none of its %d characters has a glyph in the gateway's fonts", res.Boxes)
	}
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&b, res.Image); err != nil {
		return nil, nil, fmt.Errorf("metafile: encoding PNG: %w", err)
	}
	return b.Bytes(), res, nil
}

// blank reports whether nothing was drawn.
func blank(res *Result) bool {
	pix := res.Image.Pix
	for i := 3; i < len(pix); i += 4 {
		if pix[i] != 0 {
			return false
		}
	}
	return true
}

// Summary says, for a report, how the picture was drawn: its size in pixels, its text in
// the gateway's fonts, the characters drawn from the system CJK font and as boxes, and
// the approximated records.
func (r *Result) Summary() string {
	s := fmt.Sprintf("drawn as PNG (%dx%d)", r.Image.Rect.Dx(), r.Image.Rect.Dy())
	if r.Text > 0 {
		s += fmt.Sprintf("; its text (%d records) in the gateway's fonts", r.Text)
		if r.Fallback > 0 {
			s += fmt.Sprintf(", %d characters in the system's Japanese font", r.Fallback)
		}
		if r.Boxes > 0 {
			s += fmt.Sprintf(", %d characters without a glyph there drawn as boxes", r.Boxes)
		}
	}
	if r.Approximated > 0 {
		s += fmt.Sprintf("; %d records drawn approximately", r.Approximated)
	}
	return s
}
