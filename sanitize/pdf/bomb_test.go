package pdf

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// objStmPDF builds a file whose catalog, page tree and page sit in one FlateDecode object
// stream padded with pad bytes of whitespace, indexed by an xref stream.
func objStmPDF(pad int) []byte {
	objs := map[int]string{
		1: "<< /Type /Catalog /Pages 2 0 R >>",
		2: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		3: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	stmOff := b.Len()
	writeObjStm(&b, 4, objs, []int{1, 2, 3}, pad)
	x := &xrefStream{}
	x.entry(0, 0, 65535)
	for i := range 3 {
		x.entry(2, 4, uint16(i))
	}
	x.entry(1, uint32(stmOff), 0)
	return x.finish(&b, 5)
}

// writeObjStm appends object num, a FlateDecode object stream holding objs in order,
// padded with pad bytes of whitespace.
func writeObjStm(b *bytes.Buffer, num int, objs map[int]string, order []int, pad int) {
	var header, body strings.Builder
	for _, n := range order {
		fmt.Fprintf(&header, "%d %d ", n, body.Len())
		body.WriteString(objs[n] + "\n")
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte(header.String() + body.String() + strings.Repeat(" ", pad)))
	zw.Close()
	fmt.Fprintf(b, "%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n", num, len(order), header.Len(), z.Len())
	b.Write(z.Bytes())
	b.WriteString("\nendstream\nendobj\n")
}

// xrefStream collects the entries of a cross-reference stream (/W [1 4 2]) for objects 0, 1, 2…
type xrefStream struct{ x bytes.Buffer }

func (s *xrefStream) entry(typ byte, f2 uint32, f3 uint16) {
	s.x.WriteByte(typ)
	binary.Write(&s.x, binary.BigEndian, f2)
	binary.Write(&s.x, binary.BigEndian, f3)
}

// finish appends the xref stream as object num (its own entry added here, so the entries
// so far must be objects 0 to num-1) and the trailer, and returns the file.
func (s *xrefStream) finish(b *bytes.Buffer, num int) []byte {
	xrefOff := b.Len()
	s.entry(1, uint32(xrefOff), 0)
	fmt.Fprintf(b, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n", num, num+1, s.x.Len())
	b.Write(s.x.Bytes())
	fmt.Fprintf(b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xrefOff)
	return b.Bytes()
}

// TestObjectStreamBudget checks that what object streams inflate to is charged against
// limits.max_total_size: a 20 KiB stream that inflates to 20 MiB fails a 4 MiB budget and
// passes the default one.
func TestObjectStreamBudget(t *testing.T) {
	data := objStmPDF(20 << 20)
	if len(data) > 64<<10 {
		t.Fatalf("bomb is %d bytes, want a small file", len(data))
	}
	sanitizeWith := func(l sanitize.Limits) (*sanitize.Budget, error) {
		b := sanitize.NewBudget(l)
		var out bytes.Buffer
		_, err := New(Options{}).Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}, &out, b)
		return b, err
	}
	_, err := sanitizeWith(sanitize.Limits{MaxTotalSize: 4 << 20})
	var le *sanitize.LimitError
	if !errors.As(err, &le) || le.Limit != "limits.max_total_size" {
		t.Fatalf("Sanitize(20 MiB object stream, 4 MiB budget) error = %v, want limits.max_total_size", err)
	}
	b, err := sanitizeWith(sanitize.Limits{})
	if err != nil {
		t.Fatalf("Sanitize(20 MiB object stream, default budget): %v", err)
	}
	if got := b.Expanded(); got < 20<<20 {
		t.Errorf("budget charged %d bytes, want at least the 20 MiB inflated", got)
	}
}
