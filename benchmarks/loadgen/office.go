package main

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// templates are real documents from testdata (LibreOffice output) that each message
// varies, so attachments keep a real producer's structure but differ in bytes.
type templates struct {
	docx, xlsx *ooxmlTemplate
	logo       []byte // a small JPEG for the text PDFs
}

func loadTemplates(testdata string) (*templates, error) {
	docx, err := loadOOXML(filepath.Join(testdata, "ooxml", "report.docx"), "word/document.xml", "<w:t")
	if err != nil {
		return nil, err
	}
	xlsx, err := loadOOXML(filepath.Join(testdata, "ooxml", "ja-ledger.xlsx"), "xl/sharedStrings.xml", "<t")
	if err != nil {
		return nil, err
	}
	return &templates{docx: docx, xlsx: xlsx, logo: photo(rand.New(rand.NewPCG(7, 7)), 400, 200, 85)}, nil
}

// ooxmlTemplate is a package whose part holds text runs starting with tag.
type ooxmlTemplate struct {
	files []*zip.File
	raw   []byte
	part  string
	xml   string
	at    int // where the first run's text starts in xml
}

func loadOOXML(path, part, tag string) (*ooxmlTemplate, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	t := &ooxmlTemplate{files: zr.File, raw: raw, part: part}
	for _, f := range zr.File {
		if f.Name != part {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		t.xml = string(b)
	}
	// The first run: tag followed by '>' or attributes, then its text.
	for off := 0; ; {
		i := strings.Index(t.xml[off:], tag)
		if i < 0 {
			return nil, fmt.Errorf("%s: no %s run in %s", path, tag, part)
		}
		i += off
		rest := t.xml[i+len(tag):]
		if rest[0] == '>' || rest[0] == ' ' {
			t.at = i + strings.IndexByte(t.xml[i:], '>') + 1
			return t, nil
		}
		off = i + len(tag)
	}
}

// vary returns the package with text put in front of the part's first run.
func (t *ooxmlTemplate) vary(text string) []byte {
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range t.files {
		if f.Name != t.part {
			zw.Copy(f)
			continue
		}
		h := f.FileHeader
		w, err := zw.CreateHeader(&zip.FileHeader{Name: h.Name, Method: zip.Deflate, Modified: h.Modified})
		if err != nil {
			panic(err)
		}
		io.WriteString(w, t.xml[:t.at])
		io.WriteString(w, html.EscapeString(text))
		io.WriteString(w, t.xml[t.at:])
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return out.Bytes()
}

// photo is a JPEG that looks like a photograph (sky, ground, shapes, grain): distinct
// for every r, so no two messages carry the same image.
func photo(r *rand.Rand, w, h, quality int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	horizon := h/3 + r.IntN(h/3)
	sky := color.RGBA{uint8(90 + r.IntN(60)), uint8(140 + r.IntN(60)), uint8(200 + r.IntN(55)), 255}
	ground := color.RGBA{uint8(60 + r.IntN(80)), uint8(90 + r.IntN(60)), uint8(40 + r.IntN(40)), 255}
	type disc struct {
		x, y, r int
		c       color.RGBA
	}
	var discs []disc
	for k := 0; k < 12; k++ {
		discs = append(discs, disc{r.IntN(w), r.IntN(h), 10 + r.IntN(h/5), color.RGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255}})
	}
	for y := 0; y < h; y++ {
		base := sky
		if y > horizon {
			base = ground
		}
		shade := float64(y%horizon) / float64(h)
		for x := 0; x < w; x++ {
			c := base
			for _, d := range discs {
				if dx, dy := x-d.x, y-d.y; dx*dx+dy*dy < d.r*d.r {
					c = d.c
				}
			}
			n := int(r.Uint32()%17) - 8
			img.Pix[(y*w+x)*4+0] = clamp(int(float64(c.R)*(1-shade*0.3)) + n)
			img.Pix[(y*w+x)*4+1] = clamp(int(float64(c.G)*(1-shade*0.3)) + n)
			img.Pix[(y*w+x)*4+2] = clamp(int(float64(c.B)*(1-shade*0.3)) + n)
			img.Pix[(y*w+x)*4+3] = 255
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: quality}); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func clamp(v int) uint8 { return uint8(max(0, min(255, v))) }

// pdfWriter assembles a PDF: numbered objects, then the cross-reference table.
type pdfWriter struct {
	objs [][]byte
}

func (p *pdfWriter) add(obj []byte) int {
	p.objs = append(p.objs, obj)
	return len(p.objs)
}

func (p *pdfWriter) set(n int, obj []byte) { p.objs[n-1] = obj }

func (p *pdfWriter) stream(dict string, data []byte) int {
	return p.add(append(append([]byte(fmt.Sprintf("<< %s /Length %d >>\nstream\n", dict, len(data))), data...), "\nendstream"...))
}

func deflate(data []byte) []byte {
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

func (p *pdfWriter) bytes(root, info int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(p.objs))
	for i, o := range p.objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n", i+1)
		b.Write(o)
		b.WriteString("\nendobj\n")
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(p.objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(p.objs)+1, root, info, xref)
	return b.Bytes()
}

// pdfDoc builds pages from content streams; images are JPEGs placed by the content.
func pdfDoc(title string, pages [][]byte, images [][2]any) []byte {
	var p pdfWriter
	catalog := p.add(nil)
	pagesObj := p.add(nil)
	font := p.add([]byte("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"))
	xobjs := ""
	for k, im := range images {
		data := im[0].([]byte)
		wh := im[1].([2]int)
		n := p.stream(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode", wh[0], wh[1]), data)
		xobjs += fmt.Sprintf("/Im%d %d 0 R ", k+1, n)
	}
	var kids []string
	for _, content := range pages {
		c := p.stream("/Filter /FlateDecode", deflate(content))
		pg := p.add([]byte(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> /XObject << %s>> >> /Contents %d 0 R >>", pagesObj, font, xobjs, c)))
		kids = append(kids, fmt.Sprintf("%d 0 R", pg))
	}
	p.set(catalog, []byte(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesObj)))
	p.set(pagesObj, []byte(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids))))
	info := p.add([]byte(fmt.Sprintf("<< /Title (%s) /Producer (sekisho loadgen) >>", title)))
	return p.bytes(catalog, info)
}

func pdfText(s string) string {
	return strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(s)
}

// textLines is a page of English text with the message number in it.
func textLines(r *rand.Rand, i, page, lines, top int) []byte {
	var c bytes.Buffer
	fmt.Fprintf(&c, "BT /F1 16 Tf 56 790 Td (Quotation %d, page %d) Tj ET\n", i, page)
	fmt.Fprintf(&c, "BT /F1 10 Tf 56 %d Td 13 TL\n", top)
	for l := 0; l < lines; l++ {
		var s strings.Builder
		fmt.Fprintf(&s, "%d.%d", page, l+1)
		for w := 0; w < 12; w++ {
			s.WriteString(" " + enWords[r.IntN(len(enWords))])
		}
		fmt.Fprintf(&c, "(%s) '\n", pdfText(s.String()))
	}
	c.WriteString("ET\n")
	return c.Bytes()
}

// textPDF is a text document of pages pages with a logo on the first.
func textPDF(r *rand.Rand, i, pages, bytesPerPage int, logo []byte) []byte {
	var content [][]byte
	for pg := 1; pg <= pages; pg++ {
		c := textLines(r, i, pg, bytesPerPage/85, 760)
		if pg == 1 {
			c = append([]byte("q 120 0 0 60 420 770 cm /Im1 Do Q\n"), c...)
		}
		content = append(content, c)
	}
	return pdfDoc(fmt.Sprintf("Quotation %d", i), content, [][2]any{{logo, [2]int{400, 200}}})
}

// photoPDF is a site report: one photograph per page with a caption.
func photoPDF(r *rand.Rand, i, pages int) []byte {
	var content [][]byte
	var images [][2]any
	for pg := 1; pg <= pages; pg++ {
		images = append(images, [2]any{photo(r, 1024, 768, 81), [2]int{1024, 768}})
		c := fmt.Sprintf("q 480 0 0 360 56 400 cm /Im%d Do Q\n", pg)
		c += string(textLines(r, i, pg, 20, 380))
		content = append(content, []byte(c))
	}
	return pdfDoc(fmt.Sprintf("Site report %d", i), content, images)
}
