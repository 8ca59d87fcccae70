package e2e

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// TestUnwrapKeepsNamespaces: an element the rules unwrap (its tags go, its children stay:
// ODF's text:execute-macro and text:dde-connection, a refused w:fldSimple) loses the
// namespace declarations written on it. A child using a prefix declared there came out with the
// prefix undeclared (LibreOffice refuses the document; the second pass quarantines it),
// or, when the element re-declared a prefix of the document, bound to the document's
// namespace: judged as text:span, read as office:span. Children must keep the namespace
// they were judged in, and the output must be a fixed point.
func TestUnwrapKeepsNamespaces(t *testing.T) {
	const textNS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
	odt := func(body string) []byte {
		return mkzip(t,
			zipEntry{"mimetype", "application/vnd.oasis.opendocument.text"},
			zipEntry{"META-INF/manifest.xml", `<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>`},
			zipEntry{"content.xml", `<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="` + textNS + `" office:version="1.2"><office:body><office:text>` + body + `</office:text></office:body></office:document-content>`})
	}
	e := newEngine(t, sanitize.Limits{})
	for _, c := range []struct {
		name, file, part, local, ns string
		data                        []byte
	}{
		{"odf/unwrap-drops-declaration", "a.odt", "content.xml", "span", textNS, odt(`<text:p><text:execute-macro text:name="x" xmlns:q="` + textNS + `"><q:span>kept text</q:span></text:execute-macro></text:p>`)},
		{"odf/unwrap-rebinds-prefix", "a.odt", "content.xml", "span", textNS, odt(`<text:p><text:dde-connection text:connection-name="x" xmlns:office="` + textNS + `"><office:span>kept text</office:span></text:dde-connection></text:p>`)},
		{"ooxml/unwrap-drops-declaration", "a.docx", "word/document.xml", "t", wNS, docx(t, `<w:p><w:fldSimple w:instr="DDE cmd" xmlns:q="`+wNS+`"><q:r><q:t>kept text</q:t></q:r></w:fldSimple></w:p>`, "", "")},
	} {
		t.Run(c.name, func(t *testing.T) {
			if k := knownBypass[c.name]; k != "" {
				t.Skip("known open: " + k)
			}
			out, res := run(t, e, c.file, "", c.data)
			if !res.Verdict.HasOutput() {
				t.Fatalf("verdict %s (%s)", res.Verdict, res.Reason)
			}
			content, err := zipPart(out, c.part)
			if err != nil {
				t.Fatal(err)
			}
			d := xml.NewDecoder(bytes.NewReader(content))
			for {
				tok, err := d.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("content.xml: %v", err)
				}
				if s, ok := tok.(xml.StartElement); ok && s.Name.Local == c.local && s.Name.Space != c.ns {
					t.Errorf("%s judged in %s is in %q in the output:\n%s", c.local, c.ns, s.Name.Space, content)
				}
			}
			out2, res2 := run(t, e, c.file, "", out)
			if p := fixedPointProblems(c.file, res2, out, out2); len(p) > 0 {
				t.Errorf("second pass: %v", p)
			}
		})
	}
}

func zipPart(b []byte, name string) ([]byte, error) {
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	for _, f := range z.File {
		if f.Name == name {
			return readEntry(f)
		}
	}
	return nil, io.ErrUnexpectedEOF
}
