// Package msoxml converts Office 2003 XML documents to plain data: Excel SpreadsheetML
// (<?mso-application progid="Excel.Sheet"?>) to CSV of the first worksheet's values, and
// Word WordML (progid="Word.Document") to plain text of its runs.
//
// Word and Excel open these files as documents, so they carry what documents carry: DDE
// and field codes, formulas, embedded objects and macro containers (w:binData
// "editdata.mso"). Mail filters tend to see XML text. They are never passed as text:
// only cell values (ss:Data) or run text (w:t) are copied; formulas, field instructions,
// binary data and everything else are left behind and reported. A document of any other
// progid, or whose root element does not match its progid, is unsupported.
package msoxml

import (
	"bufio"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/htmlindex"

	"github.com/sekisho/sekisho/sanitize"
)

// Namespaces of the two Office 2003 XML vocabularies.
const (
	nsSS   = "urn:schemas-microsoft-com:office:spreadsheet"
	nsWord = "http://schemas.microsoft.com/office/word/2003/wordml"
)

// Bounds of the XML walk.
const (
	maxDepth  = 256
	maxTokens = 50_000_000
	maxCell   = 1 << 20 // characters of one cell or paragraph
)

// Options configure New. There are none yet; the struct keeps the constructor stable.
type Options struct{}

// Sanitizer converts Office 2003 XML documents.
type Sanitizer struct{}

var _ sanitize.Sanitizer = (*Sanitizer)(nil)

// New returns the Office 2003 XML converter.
func New(o Options) *Sanitizer { return &Sanitizer{} }

// decoder wraps encoding/xml with the limits: strict mode, no entity expansion beyond the
// predefined five (encoding/xml never fetches or expands DTD entities), a depth bound and a
// token budget, and charsets by their WHATWG labels (Shift_JIS files exist).
type decoder struct {
	d      *xml.Decoder
	ctx    context.Context
	depth  int
	tokens int
}

func newDecoder(ctx context.Context, r io.Reader) *decoder {
	d := xml.NewDecoder(bufio.NewReaderSize(r, 64<<10))
	d.Strict = true
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		enc, err := htmlindex.Get(label)
		if err != nil {
			return nil, fmt.Errorf("%w: msoxml: unknown encoding %q", sanitize.ErrUnsupported, label)
		}
		return enc.NewDecoder().Reader(in), nil
	}
	return &decoder{d: d, ctx: ctx}
}

func (d *decoder) token() (xml.Token, error) {
	t, err := d.d.Token()
	if err == io.EOF {
		return nil, fmt.Errorf("%w: msoxml: document ends inside %d open elements", sanitize.ErrMalformed, d.depth)
	}
	if err != nil {
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("%w: msoxml: %w", sanitize.ErrMalformed, err)
		}
		return nil, err
	}
	d.tokens++
	if d.tokens&0xFFFF == 0 {
		if err := d.ctx.Err(); err != nil {
			return nil, err
		}
	}
	if d.tokens > maxTokens {
		return nil, fmt.Errorf("%w: msoxml: more than %d XML tokens", sanitize.ErrMalformed, maxTokens)
	}
	switch t.(type) {
	case xml.StartElement:
		d.depth++
		if d.depth > maxDepth {
			return nil, fmt.Errorf("%w: msoxml: elements nested deeper than %d", sanitize.ErrMalformed, maxDepth)
		}
	case xml.EndElement:
		d.depth--
	}
	return t, nil
}

// Sanitize finds the progid and the root element, then converts.
func (s *Sanitizer) Sanitize(ctx context.Context, in *sanitize.Item, w io.Writer, b *sanitize.Budget) (sanitize.Result, error) {
	res := sanitize.Result{Detected: in.Detected}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	d := newDecoder(ctx, in.Reader())
	progid, root, err := prolog(d)
	if err != nil {
		return res, err
	}
	hw := &sanitize.HeadWriter{W: w}
	out := sanitize.LimitWriter(hw, b.Limits().MaxFileSize, "limits.max_file_size")
	switch {
	case progid == "Excel.Sheet" && root.Name.Space == nsSS && root.Name.Local == "Workbook":
		err = convertWorkbook(d, out, &res, in.Path)
		res.OutType, res.OutName = "text/csv", sanitize.ReplaceExt(in.Name, ".csv")
	case progid == "Word.Document" && root.Name.Space == nsWord && root.Name.Local == "wordDocument":
		err = convertWord(d, out, &res, in.Path)
		res.OutType, res.OutName = "text/plain; charset=utf-8", sanitize.ReplaceExt(in.Name, ".txt")
	default:
		return res, fmt.Errorf("%w: Office 2003 XML with progid %q and root element {%s}%s", sanitize.ErrUnsupported, progid, root.Name.Space, root.Name.Local)
	}
	if err == nil {
		// A document whose text starts "{\rtf1" or "ID;P" came out as a .txt Word opens as
		// RTF or a sheet Excel opens as SYLK.
		err = sanitize.CheckTextHead(hw.Head)
	}
	if err != nil {
		return sanitize.Result{Detected: in.Detected}, err
	}
	return res, nil
}

// prolog reads up to the root element and returns the mso-application progid.
func prolog(d *decoder) (string, xml.StartElement, error) {
	progid := ""
	for {
		t, err := d.token()
		if err != nil {
			return "", xml.StartElement{}, err
		}
		switch t := t.(type) {
		case xml.ProcInst:
			if t.Target == "mso-application" {
				progid = pseudoAttr(string(t.Inst), "progid")
			}
		case xml.StartElement:
			if progid == "" && t.Name.Space == nsWord && t.Name.Local == "wordDocument" {
				// Word opens a WordML document by its root element alone; files saved
				// without the processing instruction exist (other producers, hand edits).
				progid = "Word.Document"
			}
			if progid == "" {
				return "", t, fmt.Errorf("%w: msoxml: no mso-application progid before the root element", sanitize.ErrUnsupported)
			}
			return progid, t, nil
		}
	}
}

// pseudoAttr reads name="value" from a processing instruction.
func pseudoAttr(inst, name string) string {
	i := strings.Index(inst, name+"=")
	if i < 0 {
		return ""
	}
	rest := inst[i+len(name)+1:]
	if len(rest) < 2 || (rest[0] != '"' && rest[0] != '\'') {
		return ""
	}
	j := strings.IndexByte(rest[1:], rest[0])
	if j < 0 {
		return ""
	}
	return rest[1 : 1+j]
}

func attr(se xml.StartElement, space, local string) (string, bool) {
	for _, a := range se.Attr {
		if a.Name.Local == local && (a.Name.Space == space || space == "") {
			return a.Value, true
		}
	}
	return "", false
}

func short(s string) string {
	if len(s) > 60 {
		s = s[:60] + "..."
	}
	return fmt.Sprintf("%q", s)
}
