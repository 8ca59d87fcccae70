package render

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf16"

	"golang.org/x/text/encoding/japanese"
)

// buildPDF writes a classic PDF from object bodies (object i+1 is objs[i]); object 1 must be
// the catalog. Streams are given whole ("<<...>>\nstream\n...\nendstream").
func buildPDF(objs []string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<</Size %d /Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, x)
	return b.Bytes()
}

func stream(dict, data string) string {
	return fmt.Sprintf("<<%s /Length %d>>\nstream\n%s\nendstream", dict, len(data), data)
}

// hugePagePDF has one page of 14400 x 14400 points (the largest PDF allows): 30000 x 30000
// pixels at 150 dpi.
func hugePagePDF() []byte {
	return buildPDF([]string{
		"<</Type /Catalog /Pages 2 0 R>>",
		"<</Type /Pages /Count 1 /Kids [3 0 R]>>",
		"<</Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] /Contents 4 0 R>>",
		stream("", "0 0 1 rg 100 100 500 500 re f"),
	})
}

// manyPagesPDF claims 100,000 pages with a small file: a page tree five levels deep whose
// nodes list the same child ten times.
func manyPagesPDF() []byte {
	objs := []string{"<</Type /Catalog /Pages 2 0 R>>"}
	count := 100000
	for level := 0; level < 5; level++ {
		n := len(objs) + 1
		kids := strings.Repeat(fmt.Sprintf("%d 0 R ", n+1), 10)
		parent := ""
		if level > 0 {
			parent = fmt.Sprintf(" /Parent %d 0 R", n-1)
		}
		objs = append(objs, fmt.Sprintf("<</Type /Pages%s /Count %d /Kids [%s]>>", parent, count, kids))
		count /= 10
	}
	n := len(objs) + 1
	objs = append(objs,
		fmt.Sprintf("<</Type /Page /Parent %d 0 R /MediaBox [0 0 200 200] /Contents %d 0 R>>", n-1, n+1),
		stream("", "0 0 0 rg 10 10 50 50 re f"))
	return buildPDF(objs)
}

// jaNonEmbeddedPDF sets Japanese text in a CID font that is not embedded (as many Japanese
// office tools write it): the reader, here PDFium, must find a system font, or the text
// silently vanishes. The text box is at x 72..~500, y 700..730 on an A4 page.
func jaNonEmbeddedPDF(text string) []byte { return jaNonEmbeddedPDFEnc(text, "UniJIS-UTF16-H") }

func jaNonEmbeddedPDFEnc(text, enc string) []byte {
	var hex strings.Builder
	if enc == "90ms-RKSJ-H" {
		sj, _ := japanese.ShiftJIS.NewEncoder().String(text)
		fmt.Fprintf(&hex, "%X", sj)
	} else {
		for _, u := range utf16.Encode([]rune(text)) {
			fmt.Fprintf(&hex, "%04X", u)
		}
	}
	return buildPDF([]string{
		"<</Type /Catalog /Pages 2 0 R>>",
		"<</Type /Pages /Count 1 /Kids [3 0 R]>>",
		"<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources <</Font <</F1 5 0 R>>>> /Contents 4 0 R>>",
		stream("", "BT /F1 24 Tf 72 706 Td <"+hex.String()+"> Tj ET"),
		"<</Type /Font /Subtype /Type0 /BaseFont /MS-Gothic /Encoding /" + enc + " /DescendantFonts [6 0 R]>>",
		"<</Type /Font /Subtype /CIDFontType0 /BaseFont /MS-Gothic /CIDSystemInfo <</Registry (Adobe) /Ordering (Japan1) /Supplement 6>> /FontDescriptor 7 0 R /DW 1000>>",
		"<</Type /FontDescriptor /FontName /MS-Gothic /Flags 4 /FontBBox [0 -141 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 700 /StemV 80>>",
	})
}

func latinNonEmbeddedPDF() []byte {
	return buildPDF([]string{
		"<</Type /Catalog /Pages 2 0 R>>",
		"<</Type /Pages /Count 1 /Kids [3 0 R]>>",
		"<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources <</Font <</F1 5 0 R>>>> /Contents 4 0 R>>",
		stream("", "BT /F1 24 Tf 72 706 Td (Hello non embedded) Tj ET"),
		"<</Type /Font /Subtype /TrueType /BaseFont /Arial /Encoding /WinAnsiEncoding /FirstChar 32 /LastChar 126 /FontDescriptor 6 0 R>>",
		"<</Type /FontDescriptor /FontName /Arial /Flags 32 /FontBBox [0 -200 1000 800] /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80>>",
	})
}
