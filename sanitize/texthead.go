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
//
// Only formats a reader takes by content over a text name are refused: text that starts
// "MZ Corporation" or "GIF89a is a format" (an HTML newsletter's first words) reads as a
// program or a picture to Detect, but nothing runs or draws a .txt by its content, and
// holding it would be an over-block.
func CheckTextHead(head []byte) error {
	d := Detect(bytes.NewReader(head))
	if !openedByContent[d.Name] {
		return nil
	}
	return fmt.Errorf("%w: text output reads as %s (a signature uncovered by normalizing or extracting the text)", ErrMalformed, d.Name)
}

// openedByContent are the types whose readers take a file by its content whatever its
// name says: Excel reads a .csv or .txt that starts with ID;P as SYLK, Word opens RTF and
// Office 2003 XML behind any name, and a header block is a message to a mail client that
// is handed the file.
var openedByContent = map[string]bool{"sylk": true, "rtf": true, "msoxml": true, "eml": true}
