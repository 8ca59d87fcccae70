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
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
	}
	var header, body strings.Builder
	for i, o := range objs {
		fmt.Fprintf(&header, "%d %d ", i+1, body.Len())
		body.WriteString(o + "\n")
	}
	content := header.String() + body.String() + strings.Repeat(" ", pad)
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte(content))
	zw.Close()

	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	stmOff := b.Len()
	fmt.Fprintf(&b, "4 0 obj\n<< /Type /ObjStm /N 3 /First %d /Filter /FlateDecode /Length %d >>\nstream\n", header.Len(), z.Len())
	b.Write(z.Bytes())
	b.WriteString("\nendstream\nendobj\n")
	xrefOff := b.Len()
	var x bytes.Buffer
	entry := func(typ byte, f2 uint32, f3 uint16) {
		x.WriteByte(typ)
		binary.Write(&x, binary.BigEndian, f2)
		binary.Write(&x, binary.BigEndian, f3)
	}
	entry(0, 0, 65535)
	for i := range objs {
		entry(2, 4, uint16(i))
	}
	entry(1, uint32(stmOff), 0)
	entry(1, uint32(xrefOff), 0)
	fmt.Fprintf(&b, "5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n", x.Len())
	b.Write(x.Bytes())
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xrefOff)
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
