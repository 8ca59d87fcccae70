package pdf

import (
	"bytes"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
)

// TestDroppedObjectLeavesNoSlot: an object dropped while it was built gave no number back
// and was written as "N 0 obj null": the output fed back lost that slot, so every later
// object was numbered one lower and the second pass wrote other bytes (a FuzzSanitize
// find with its second-pass check: a CFF font program whose Flate data is damaged). Each
// case's output must sanitize again to the same bytes.
func TestDroppedObjectLeavesNoSlot(t *testing.T) {
	bad := "<< /Subtype /CIDFontType0C /Filter /FlateDecode /Length 12 >>\nstream\nx\x9cnot zlib!!\nendstream"
	cid := func(file string) *pdfFile {
		p := basePDF("", "")
		p.objs[4] = "<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /DescendantFonts [6 0 R] >>"
		p.add("<< /Type /Font /Subtype /CIDFontType0 /BaseFont /X /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R >>")
		p.add("<< /Type /FontDescriptor /FontName /X /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 /FontFile3 8 0 R >>")
		p.add(file)
		return p
	}
	// A Type0 font without a descendant (pdf.js issue12823.pdf has one): its ToUnicode
	// was written before the font was dropped, and nothing referred to it.
	type0 := func(kids string) *pdfFile {
		p := basePDF("", "")
		p.objs[4] = "<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /DescendantFonts " + kids + " /ToUnicode 6 0 R >>"
		p.add(stream("", []byte("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def 1 begincodespacerange <0000> <FFFF> endcodespacerange 1 beginbfchar <0001> <0041> endbfchar endcmap CMapName currentdict /CMap defineresource pop end end"), false))
		return p
	}
	for name, p := range map[string]*pdfFile{
		"damaged flate font program": cid(bad),
		"font program not a stream":  cid("<< /Subtype /CIDFontType0C >>"),
		"type0 without descendant":   type0("[null]"),
		"type0 with no descendants":  type0("[]"),
	} {
		t.Run(name, func(t *testing.T) {
			in, _ := p.bytes("")
			s := New(Options{})
			out, _, err := run(t, s, in)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(out, []byte("obj\nnull\nendobj")) {
				t.Errorf("output keeps a null object:\n%s", out)
			}
			out2, res2, err := run(t, s, out)
			if err != nil || len(res2.Actions) != 0 || !bytes.Equal(out, out2) {
				t.Errorf("second pass = %v %v; same bytes %v", res2.Actions, err, bytes.Equal(out, out2))
			}
		})
	}
}

// TestReencodedJPEGIsFixedPoint: a DCT image that is decoded and encoded again (progressive
// here) came out as image/jpeg writes it, and the output fed back, now baseline, was rebuilt
// by jpegre into other bytes (both quantization tables in one segment, then one each): 11 of
// the 789 pdf.js corpus files that sanitize were not fixed points for this alone. The
// re-encoded image is written in jpegre's form, so the second pass keeps it as it is.
func TestReencodedJPEGIsFixedPoint(t *testing.T) {
	jpg, err := os.ReadFile(filepath.Join("..", "..", "testdata", "img", "photo-progressive.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(jpg))
	if err != nil {
		t.Fatal(err)
	}
	s := New(Options{})
	out, _, err := run(t, s, imagePDF(jpg, cfg.Width, cfg.Height))
	if err != nil {
		t.Fatal(err)
	}
	out2, res2, err := run(t, s, out)
	if err != nil || len(res2.Actions) != 0 || !bytes.Equal(out, out2) {
		t.Errorf("second pass = %v %v; same bytes %v (%d, then %d)", res2.Actions, err, bytes.Equal(out, out2), len(out), len(out2))
	}
}

// TestT2NumFixedPoint: a charstring number read back and written again keeps its bytes. A
// width of 401.9999999 (nominalWidthX and the stored difference as reals) was written as
// the 16.16 fixed 402.0, read back as 402 and written as a two-byte integer by the second
// pass (pdf.js issue11718_reduced.pdf in the fixed-point survey).
func TestT2NumFixedPoint(t *testing.T) {
	for _, v := range []float64{401.9999999, 402, -0.5, 12.25, 1e-7, -1e-7, -32768, 32767.99998, 0.3333333, -107, 108, 1131, 1132} {
		cs := append(t2Num(nil, v), 14) // the width, then endchar
		again := append(t2Num(nil, cffWidth(cs, cffPrivate{})), 14)
		if !bytes.Equal(cs, again) {
			t.Errorf("t2Num(%v) = % x, read back and written again % x", v, cs, again)
		}
	}
}
