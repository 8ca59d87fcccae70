package portal

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

// imagePDF writes a one-page PDF in the rasterizer's layout: /Im0 of w×h 4-bit samples
// in colour space cs, or raw as a DCT stream when raw is set.
func imagePDF(w, h int, cs string, raw []byte) []byte {
	data, filter, bpc := raw, "DCTDecode", 8
	if raw == nil {
		comps := 1
		if cs == "DeviceRGB" {
			comps = 3
		}
		// Samples for at most 64×64: a larger claim is a lie the reader must survive.
		row := (min(w, 64)*comps*4 + 7) / 8
		samples := make([]byte, row*min(h, 64))
		for i := range samples {
			samples[i] = byte(i * 37)
		}
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(samples)
		zw.Close()
		data, filter, bpc = z.Bytes(), "FlateDecode", 4
	}
	content := fmt.Sprintf("q %d 0 0 %d 0 0 cm /Im0 Do Q\n", w, h)
	objs := []string{
		"<</Type /Catalog /Pages 2 0 R>>",
		"<</Type /Pages /Count 1 /Kids [3 0 R]>>",
		fmt.Sprintf("<</Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources <</XObject <</Im0 5 0 R>>>> /Contents 4 0 R>>", w, h),
		fmt.Sprintf("<</Length %d>>\nstream\n%s\nendstream", len(content), content),
		fmt.Sprintf("<</Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /%s /BitsPerComponent %d /Filter /%s /Length %d>>\nstream\n%s\nendstream",
			w, h, cs, bpc, filter, len(data), data),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	var offs []int
	for i, o := range objs {
		offs = append(offs, b.Len())
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

// FuzzPDFPages: whatever PDF the extraction is given, it returns at most max pages, each
// a PNG or JPEG of the size it states, or an error; never a panic or an unbounded
// allocation.
func FuzzPDFPages(f *testing.F) {
	f.Add(imagePDF(40, 30, "DeviceGray", nil))
	f.Add(imagePDF(17, 9, "DeviceRGB", nil))
	f.Add(imagePDF(8, 8, "DeviceRGB", []byte("\xff\xd8\xff\xd9")))
	f.Add(imagePDF(100000, 100000, "DeviceGray", nil))
	f.Add(imagePDF(100, 100, "DeviceRGB", nil))
	f.Fuzz(func(t *testing.T, pdf []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		pages, _, err := pdfPages(pdf, 3)
		if err != nil {
			return
		}
		if len(pages) > 3 {
			t.Fatalf("%d pages", len(pages))
		}
		for _, p := range pages {
			cfg, format, err := image.DecodeConfig(bytes.NewReader(p.Data))
			if err != nil || "image/"+format != p.Type || cfg.Width != p.Width || cfg.Height != p.Height {
				t.Fatalf("page %s %dx%d: %v", p.Type, p.Width, p.Height, err)
			}
		}
	})
}

// TestImagePDFSeeds: the seeds are the layout pdfPages reads (so the fuzzer starts from
// inputs that reach the sample decoding), and their pixels come out as written.
func TestImagePDFSeeds(t *testing.T) {
	for _, cs := range []string{"DeviceGray", "DeviceRGB"} {
		pages, _, err := pdfPages(imagePDF(40, 30, cs, nil), 3)
		if err != nil || len(pages) != 1 || pages[0].Type != "image/png" || pages[0].Width != 40 || pages[0].Height != 30 {
			t.Fatalf("%s: %+v %v", cs, pages, err)
		}
		img, _, err := image.Decode(bytes.NewReader(pages[0].Data))
		if err != nil {
			t.Fatal(err)
		}
		// The first sample byte is 0x00 (two zero samples), the second 0x25: 2 and 5.
		r, _, _, _ := img.At(0, 0).RGBA()
		if r != 0 {
			t.Errorf("%s: first pixel %d", cs, r>>8)
		}
		if cs == "DeviceGray" {
			if r, _, _, _ := img.At(2, 0).RGBA(); r>>8 != 2*17 {
				t.Errorf("third gray pixel %d, want %d", r>>8, 2*17)
			}
		}
	}
}

// FuzzFirstPages: cutting an original PDF (attacker bytes) to its first pages never
// panics, and what it returns is the original or a PDF.
func FuzzFirstPages(f *testing.F) {
	for _, name := range []string{"ja-multipage.pdf", "text-1p.pdf", "qpdf-objstm.pdf"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "pdf", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(imagePDF(40, 30, "DeviceGray", nil))
	f.Fuzz(func(t *testing.T, pdf []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		out, n := firstPages(pdf, 1)
		if n < 0 || !bytes.Equal(out, pdf) && !bytes.HasPrefix(out, []byte("%PDF-")) {
			t.Fatalf("%d pages, %d bytes out", n, len(out))
		}
	})
}
