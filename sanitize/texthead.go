package sanitize

import (
	"bytes"
	"fmt"
	"io"
)

// HeadWriter passes writes on to W and keeps the first bytes written, as many as Detect
// reads, for CheckTextHead.
type HeadWriter struct {
	W    io.Writer
	Head []byte
}

func (h *HeadWriter) Write(p []byte) (int, error) {
	if n := sniffLen - len(h.Head); n > 0 {
		h.Head = append(h.Head, p[:min(n, len(p))]...)
	}
	return h.W.Write(p)
}

// CheckTextHead refuses a text output, given its head, that Detect does not name text.
// Detection decided on the input; a family that writes text writes it transformed (a byte
// order mark and control characters dropped, CR written as LF, entities decoded, quotes
// taken off CSV cells, a document's text extracted), and that can uncover the signature
// of a format readers open by content whatever the name: SYLK behind a BOM or in quoted
// cells, delivered as a .csv, is a sheet Excel reads DDE formulas from; RTF as a .txt is
// a document Word opens as RTF, objects included.
func CheckTextHead(head []byte) error {
	d := Detect(bytes.NewReader(head))
	if d.Class == ClassText || d.Name == "empty" {
		return nil
	}
	return fmt.Errorf("%w: text output reads as %s (a signature uncovered by normalizing or extracting the text)", ErrMalformed, d.Name)
}
