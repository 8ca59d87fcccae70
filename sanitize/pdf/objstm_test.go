package pdf

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// wrappedIndexPDF builds a file whose page tree, page and font sit in an object stream
// listed as 1, 5, 2, 3; the xref stream gives each compressed object the index its
// number would have had in order (1, 2, 3, 5), as cairo's wrapped 2-byte index does past
// 65,535 objects. qpdf and MuPDF read the stream by its own numbering.
func wrappedIndexPDF(wrong bool) []byte {
	objs := map[int]string{
		1: "<< /Type /Catalog /Pages 2 0 R >>",
		2: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		3: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 400] /Contents 6 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		5: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	stmOff := b.Len()
	writeObjStm(&b, 4, objs, []int{1, 5, 2, 3}, 0)
	contentOff := b.Len()
	fmt.Fprintf(&b, "6 0 obj\n%s\nendobj\n", stream("", []byte("BT /F1 18 Tf 20 300 Td (Wrapped index page) Tj ET"), false))
	index := map[int]uint16{1: 0, 5: 1, 2: 2, 3: 3}
	if wrong {
		index = map[int]uint16{1: 0, 2: 1, 3: 2, 5: 3}
	}
	x := &xrefStream{}
	x.entry(0, 0, 65535)
	x.entry(2, 4, index[1])
	x.entry(2, 4, index[2])
	x.entry(2, 4, index[3])
	x.entry(1, uint32(stmOff), 0)
	x.entry(2, 4, index[5])
	x.entry(1, uint32(contentOff), 0)
	return x.finish(&b, 7)
}

// TestObjectStreamIndexByNumbering checks that compressed objects are read by the
// object stream's own numbering when the xref index disagrees, as qpdf and MuPDF read
// them: pdfcpu followed the index and a real Firefox print (pdf.js bug1978317.pdf, 1.5
// MB) was refused as having no pages. pdfinfo and pdftotext judge the output.
func TestObjectStreamIndexByNumbering(t *testing.T) {
	pdfinfo := testtool.Need(t, "pdfinfo")
	pdftotext := testtool.Need(t, "pdftotext")
	for _, wrong := range []bool{false, true} {
		t.Run(fmt.Sprintf("wrong=%v", wrong), func(t *testing.T) {
			out, res, err := run(t, New(Options{}), wrappedIndexPDF(wrong))
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(t.TempDir(), "out.pdf")
			if err := os.WriteFile(file, out, 0o644); err != nil {
				t.Fatal(err)
			}
			info, err := exec.Command(pdfinfo, file).CombinedOutput()
			if err != nil || !strings.Contains(string(info), "300 x 400 pts") {
				t.Errorf("pdfinfo: %v\n%s\nwant a 300 x 400 page", err, info)
			}
			if got := text(t, pdftotext, file); !strings.Contains(got, "Wrapped index page") {
				t.Errorf("pdftotext of the output: %q", got)
			}
			reported := false
			for _, a := range res.Actions {
				reported = reported || a.Kind == sanitize.ActRebuilt && strings.Contains(a.Detail, "numbering")
			}
			if reported != wrong {
				t.Errorf("index repair reported %v, want %v: %+v", reported, wrong, res.Actions)
			}
		})
	}
}
