package render

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/requests"
)

// The text layer is plain strings from PDFium's text extraction, re-typeset as invisible
// text (render mode 3) over the image, one run per text rectangle PDFium reports (a line
// segment in one font). The font is a Type0 font with Identity-H encoding over a
// CIDFontType2 with no embedded program: nothing is ever drawn with it, so no glyphs are
// needed, and no font program from anywhere ships in the output. Codes are CIDs assigned
// in order of first use (1, 2, ...), and the ToUnicode CMap maps each CID to its UTF-16
// text, so extraction (pdftotext, copy and paste, search) yields the original characters,
// Japanese included, and characters outside the BMP as surrogate pairs. Every glyph has
// the default width of 1 em; horizontal scaling (Tz) stretches each run to its rectangle,
// so selections line up with the picture.

// textRun is one piece of text in output coordinates (points, origin bottom left).
type textRun struct {
	x, y, w, h float64
	vertical   bool
	text       string
}

// sub is the device grid used to map page coordinates to the displayed (rotated) page:
// FPDF_PageToDevice returns integers, so map onto a grid of 1/8 point.
const sub = 8

// pageText extracts the page's text rectangles and maps them to the displayed page.
func pageText(inst pdfium.Pdfium, page requests.Page, sz pageSize) ([]textRun, error) {
	resp, err := inst.GetPageTextStructured(&requests.GetPageTextStructured{
		Page: page,
		Mode: requests.GetPageTextStructuredModeRects,
	})
	if err != nil {
		return nil, fmt.Errorf("pdfium text: %w", err)
	}
	devW, devH := int(math.Round(sz.wPt*sub)), int(math.Round(sz.hPt*sub))
	toDev := func(x, y float64) (float64, float64, error) {
		d, err := inst.FPDF_PageToDevice(&requests.FPDF_PageToDevice{
			Page: page, SizeX: devW, SizeY: devH, PageX: x, PageY: y,
		})
		if err != nil {
			return 0, 0, fmt.Errorf("pdfium page to device: %w", err)
		}
		return float64(d.DeviceX) / sub, float64(d.DeviceY) / sub, nil
	}
	var runs []textRun
	for _, rc := range resp.Rects {
		text := cleanText(rc.Text)
		if text == "" {
			continue
		}
		x0, y0, err := toDev(rc.PointPosition.Left, rc.PointPosition.Top)
		if err != nil {
			return nil, err
		}
		x1, y1, err := toDev(rc.PointPosition.Right, rc.PointPosition.Bottom)
		if err != nil {
			return nil, err
		}
		left, right := min(x0, x1), max(x0, x1)
		top, bottom := min(y0, y1), max(y0, y1) // device y grows downwards
		w, h := right-left, bottom-top
		n := len([]rune(text))
		if w <= 0 {
			continue
		}
		if h < 1 {
			// Glyphs of a font PDFium could not load have no height; the text still
			// belongs in the layer, one em per character.
			h = w / float64(n)
			top = bottom - h
		}
		runs = append(runs, textRun{
			x: left, y: sz.hPt - bottom, w: w, h: h,
			// A tall, narrow box holding several characters is vertical writing (縦書き).
			vertical: n > 1 && h > w*1.5 && h > float64(n)*w*0.5,
			text:     text,
		})
	}
	return runs, nil
}

// cleanText drops control characters and trims the run; PDFium reports line ends inside
// rectangles as CR LF.
func cleanText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\t' {
			return ' '
		}
		if unicode.IsControl(r) || r == unicode.ReplacementChar || r == 0xfffe || r == 0xffff {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// cidMap assigns 2-byte codes to characters in order of first use.
type cidMap struct {
	ids   map[rune]uint16
	runes []rune // runes[cid-1]
}

func newCIDMap() cidMap { return cidMap{ids: map[rune]uint16{}} }

// id returns the code for r, or false when all 65535 codes are taken.
func (c *cidMap) id(r rune) (uint16, bool) {
	if id, ok := c.ids[r]; ok {
		return id, true
	}
	if len(c.runes) >= 0xffff {
		return 0, false
	}
	c.runes = append(c.runes, r)
	id := uint16(len(c.runes))
	c.ids[r] = id
	return id, true
}

// writeText appends the invisible text of one page to a content stream.
func writeText(b *bytes.Buffer, runs []textRun, cids *cidMap) {
	b.WriteString("BT 3 Tr\n")
	for _, r := range runs {
		codes := make([]uint16, 0, len(r.text))
		for _, c := range r.text {
			if id, ok := cids.id(c); ok {
				codes = append(codes, id)
			}
		}
		if len(codes) == 0 {
			continue
		}
		if r.vertical {
			// One character per cell from top to bottom, each cell as wide as the box.
			step := r.h / float64(len(codes))
			size := min(r.w, step)
			for k, c := range codes {
				y := r.y + r.h - float64(k+1)*step + step*0.15
				fmt.Fprintf(b, "/F0 %s Tf 100 Tz 1 0 0 1 %s %s Tm <%04X> Tj\n", num3(size), num3(r.x), num3(y), c)
			}
			continue
		}
		size := r.h
		tz := 100 * r.w / (float64(len(codes)) * size)
		fmt.Fprintf(b, "/F0 %s Tf %s Tz 1 0 0 1 %s %s Tm <", num3(size), num3(tz), num3(r.x), num3(r.y+r.h*0.15))
		for _, c := range codes {
			fmt.Fprintf(b, "%04X", c)
		}
		b.WriteString("> Tj\n")
	}
	b.WriteString("ET\n")
}

func num3(f float64) string { return num(math.Round(f*1000) / 1000) }

// writeFont writes the shared invisible font and its ToUnicode CMap.
func (p *pdfWriter) writeFont() error {
	p.begin(objFont)
	fmt.Fprintf(p.bw, "<</Type /Font /Subtype /Type0 /BaseFont /Invisible /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R>>\nendobj\n", objCIDFont, objToUni)
	p.begin(objCIDFont)
	fmt.Fprintf(p.bw, "<</Type /Font /Subtype /CIDFontType2 /BaseFont /Invisible /CIDSystemInfo <</Registry (Adobe) /Ordering (Identity) /Supplement 0>> /FontDescriptor %d 0 R /DW 1000 /CIDToGIDMap /Identity>>\nendobj\n", objFontDsc)
	p.begin(objFontDsc)
	p.bw.WriteString("<</Type /FontDescriptor /FontName /Invisible /Flags 4 /FontBBox [0 -200 1000 800] /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80>>\nendobj\n")
	z, err := deflate(toUnicode(p.cids.runes))
	if err != nil {
		return err
	}
	return p.stream(objToUni, "/Filter /FlateDecode", z)
}

func toUnicode(runes []rune) []byte {
	var b bytes.Buffer
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) /Supplement 0>> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for start := 0; start < len(runes); start += 100 {
		end := min(start+100, len(runes))
		fmt.Fprintf(&b, "%d beginbfchar\n", end-start)
		for i := start; i < end; i++ {
			fmt.Fprintf(&b, "<%04X> <", i+1)
			for _, u := range utf16.Encode([]rune{runes[i]}) {
				fmt.Fprintf(&b, "%04X", u)
			}
			b.WriteString(">\n")
		}
		b.WriteString("endbfchar\n")
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.Bytes()
}
