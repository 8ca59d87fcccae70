package render

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"sync"

	"github.com/klauspost/compress/zlib"
)

// The output is written from scratch: a catalog, a flat page tree, and per page one image
// XObject and one content stream; with the text layer, one Type0 font shared by all pages.
// Nothing from the input's object tree is copied, so there is nothing to remove.
//
// Object numbers are fixed so the file can be streamed page by page in order:
//
//	1 catalog, 2 page tree, 3 Type0 font, 4 CIDFontType2, 5 font descriptor, 6 ToUnicode,
//	7+3i page i, 8+3i its content stream, 9+3i its image.
const (
	objCatalog = 1
	objPages   = 2
	objFont    = 3
	objCIDFont = 4
	objFontDsc = 5
	objToUni   = 6
	objFirst   = 7
)

func pageObj(i int) int { return objFirst + 3*i }

// pdfWriter streams the image-only PDF. put accepts pages in any order and writes them in
// page order; finish writes the shared objects, the page tree and the cross-reference table.
type pdfWriter struct {
	mu      sync.Mutex
	w       *countWriter
	bw      *bufio.Writer
	n       int
	next    int
	pending map[int]*pageOut
	offsets []int64 // by object number; 0 = not written
	text    bool
	cids    cidMap
	wrote   bool // some page carried text
	err     error
}

func newWriter(w io.Writer, pages int, text bool) *pdfWriter {
	cw := &countWriter{w: w}
	pw := &pdfWriter{
		w:       cw,
		n:       pages,
		pending: map[int]*pageOut{},
		offsets: make([]int64, objFirst+3*pages),
		text:    text,
		cids:    newCIDMap(),
	}
	pw.bw = bufio.NewWriterSize(cw, 64<<10)
	// The binary comment marks the file as binary for transfer agents.
	pw.bw.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	return pw
}

func (p *pdfWriter) textLayer() bool { return p.wrote }

func (p *pdfWriter) put(i int, pg *pageOut) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return p.err
	}
	p.pending[i] = pg
	for {
		pg, ok := p.pending[p.next]
		if !ok {
			break
		}
		delete(p.pending, p.next)
		if err := p.writePage(p.next, pg); err != nil {
			p.err = err
			return err
		}
		p.next++
	}
	return nil
}

// begin starts object num, recording its offset.
func (p *pdfWriter) begin(num int) {
	p.offsets[num] = p.w.n + int64(p.bw.Buffered())
	fmt.Fprintf(p.bw, "%d 0 obj\n", num)
}

func (p *pdfWriter) stream(num int, dict string, data []byte) error {
	p.begin(num)
	fmt.Fprintf(p.bw, "<<%s /Length %d>>\nstream\n", dict, len(data))
	p.bw.Write(data)
	_, err := p.bw.WriteString("\nendstream\nendobj\n")
	return err
}

func (p *pdfWriter) writePage(i int, pg *pageOut) error {
	w, h := num(pg.size.wPt), num(pg.size.hPt)
	var content bytes.Buffer
	fmt.Fprintf(&content, "q %s 0 0 %s 0 0 cm /Im0 Do Q\n", w, h)
	hasText := p.text && len(pg.text) > 0
	if hasText {
		p.wrote = true
		writeText(&content, pg.text, &p.cids)
	}
	res := fmt.Sprintf("/XObject <</Im0 %d 0 R>>", pageObj(i)+2)
	if hasText {
		res += fmt.Sprintf(" /Font <</F0 %d 0 R>>", objFont)
	}
	p.begin(pageObj(i))
	fmt.Fprintf(p.bw, "<</Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s] /Resources <<%s>> /Contents %d 0 R>>\nendobj\n",
		objPages, w, h, res, pageObj(i)+1)
	z, err := deflate(content.Bytes())
	if err != nil {
		return err
	}
	if err := p.stream(pageObj(i)+1, "/Filter /FlateDecode", z); err != nil {
		return err
	}
	cs := "/DeviceRGB"
	if pg.gray {
		cs = "/DeviceGray"
	}
	dict := fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent %d /Filter /%s",
		pg.wPx, pg.hPx, cs, pg.bpc, pg.filter)
	if err := p.stream(pageObj(i)+2, dict, pg.data); err != nil {
		return err
	}
	return p.bw.Flush()
}

func (p *pdfWriter) finish() error {
	if p.err != nil {
		return p.err
	}
	if p.next != p.n {
		return fmt.Errorf("render: %d of %d pages written", p.next, p.n)
	}
	p.begin(objCatalog)
	fmt.Fprintf(p.bw, "<</Type /Catalog /Pages %d 0 R>>\nendobj\n", objPages)
	p.begin(objPages)
	fmt.Fprintf(p.bw, "<</Type /Pages /Count %d /Kids [", p.n)
	for i := range p.n {
		if i > 0 {
			p.bw.WriteByte(' ')
		}
		fmt.Fprintf(p.bw, "%d 0 R", pageObj(i))
	}
	p.bw.WriteString("]>>\nendobj\n")
	if p.wrote {
		if err := p.writeFont(); err != nil {
			return err
		}
	}
	xref := p.w.n + int64(p.bw.Buffered())
	fmt.Fprintf(p.bw, "xref\n0 %d\n0000000000 65535 f \n", len(p.offsets))
	for _, off := range p.offsets[1:] {
		if off == 0 {
			p.bw.WriteString("0000000000 65535 f \n")
			continue
		}
		fmt.Fprintf(p.bw, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(p.bw, "trailer\n<</Size %d /Root %d 0 R>>\nstartxref\n%d\n%%%%EOF\n", len(p.offsets), objCatalog, xref)
	return p.bw.Flush()
}

func deflate(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := zlib.NewWriterLevel(&buf, zlib.BestSpeed)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// num formats a coordinate with at most three decimals, as PDF numbers allow no exponent.
func num(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}
