package img

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// image16 builds a 16-bit image of the given type: a gradient (so every filter wins some
// rows) with random noise in part of it, and for the alpha kinds transparent, partly
// transparent and opaque pixels. The bounds start off the origin, as orient's and a
// sub-image's may.
func image16(kind string, w, h int, seed uint64) image.Image {
	r := rand.New(rand.NewPCG(seed, 16))
	rect := image.Rect(3, 5, 3+w, 5+h)
	sample := func(x, y, c int) uint16 {
		if (x+y)%5 == 0 {
			return uint16(r.Uint32())
		}
		return uint16(x*977 + y*331 + c*4099)
	}
	alpha := func(x, y int) uint16 {
		switch (x * y) % 4 {
		case 0:
			return 0
		case 1:
			return 0xffff
		}
		return uint16(r.Uint32())
	}
	switch kind {
	case "gray16":
		m := image.NewGray16(rect)
		for y := rect.Min.Y; y < rect.Max.Y; y++ {
			for x := rect.Min.X; x < rect.Max.X; x++ {
				m.SetGray16(x, y, color.Gray16{sample(x, y, 0)})
			}
		}
		return m
	case "nrgba64-opaque", "nrgba64-alpha":
		m := image.NewNRGBA64(rect)
		for y := rect.Min.Y; y < rect.Max.Y; y++ {
			for x := rect.Min.X; x < rect.Max.X; x++ {
				a := uint16(0xffff)
				if kind == "nrgba64-alpha" {
					a = alpha(x, y)
				}
				m.SetNRGBA64(x, y, color.NRGBA64{sample(x, y, 0), sample(x, y, 1), sample(x, y, 2), a})
			}
		}
		return m
	case "rgba64-opaque", "rgba64-alpha":
		m := image.NewRGBA64(rect)
		for y := rect.Min.Y; y < rect.Max.Y; y++ {
			for x := rect.Min.X; x < rect.Max.X; x++ {
				a := uint32(0xffff)
				if kind == "rgba64-alpha" {
					a = uint32(alpha(x, y))
				}
				pre := func(v uint16) uint16 { return uint16(uint32(v) * a / 0xffff) } // premultiplied
				m.SetRGBA64(x, y, color.RGBA64{pre(sample(x, y, 0)), pre(sample(x, y, 1)), pre(sample(x, y, 2)), uint16(a)})
			}
		}
		return m
	}
	panic(kind)
}

var kinds16 = []string{"gray16", "nrgba64-opaque", "nrgba64-alpha", "rgba64-opaque", "rgba64-alpha"}

// TestPNG16MatchesStdlib holds the row encoder to image/png over every 16-bit type, colour
// type, compression level and a range of sizes: the same signature and IHDR (depth, colour
// type), byte-identical files without compression (framing, CRCs, chunking), and Go's
// decoder reading back exactly the pixels that went in.
func TestPNG16MatchesStdlib(t *testing.T) {
	levels := []png.CompressionLevel{png.BestSpeed, png.DefaultCompression, png.BestCompression, png.NoCompression}
	sizes := [][2]int{{1, 1}, {3, 2}, {48, 32}, {257, 5}, {7, 300}, {150, 100}}
	for _, kind := range kinds16 {
		for _, sz := range sizes {
			for _, lv := range levels {
				if lv == png.BestCompression && sz[0]*sz[1] > 2000 {
					continue // slow under -race, and the small sizes already cover the level
				}
				t.Run(fmt.Sprintf("%s/%dx%d/level=%d", kind, sz[0], sz[1], lv), func(t *testing.T) {
					m := image16(kind, sz[0], sz[1], uint64(sz[0]*sz[1]))
					checkPNG16(t, m, lv)
				})
			}
		}
	}
}

func checkPNG16(t *testing.T, m image.Image, lv png.CompressionLevel) {
	t.Helper()
	var want, got bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: lv}).Encode(&want, m); err != nil {
		t.Fatal(err)
	}
	done, err := encodePNGRows(&got, m, lv)
	if !done || err != nil {
		t.Fatalf("encodePNGRows = %v, %v", done, err)
	}
	const sigIHDR = 8 + 8 + 13 + 4
	if got.Len() < sigIHDR || !bytes.Equal(got.Bytes()[:sigIHDR], want.Bytes()[:sigIHDR]) {
		t.Fatalf("signature and IHDR differ from image/png's")
	}
	if _, paletted := m.(*image.Paletted); (paletted || lv == png.NoCompression) && !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("output differs from image/png's (%d bytes against %d)", got.Len(), want.Len())
	}
	d, err := png.Decode(&got)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprintf("%T", d) != fmt.Sprintf("%T", mustDecode(t, want.Bytes())) {
		t.Fatalf("decodes as %T, image/png's output as another type", d)
	}
	samePixels(t, m, d)
}

func mustDecode(t *testing.T, b []byte) image.Image {
	t.Helper()
	m, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// paletteN returns n colours, some of them transparent or partly so.
func paletteN(n int, seed uint64) color.Palette {
	r := rand.New(rand.NewPCG(seed, 4))
	p := make(color.Palette, n)
	for i := range p {
		a := uint8(0xff)
		if r.IntN(3) == 0 {
			a = uint8(r.IntN(256))
		}
		p[i] = color.NRGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), a}
	}
	return p
}

func paletted(n, w, h int, seed uint64) *image.Paletted {
	r := rand.New(rand.NewPCG(seed, 8))
	m := image.NewPaletted(image.Rect(2, 1, 2+w, 1+h), paletteN(n, seed))
	for i := range m.Pix {
		if r.IntN(4) == 0 {
			m.Pix[i] = uint8(r.IntN(n))
		} else {
			m.Pix[i] = uint8(i / 7 % n) // runs, as in drawings
		}
	}
	return m
}

// TestPNGPalettedMatchesStdlib: images of 1 to 16 colours (1-, 2- and 4-bit indices) come
// out byte for byte as image/png writes them, at every level and odd widths.
func TestPNGPalettedMatchesStdlib(t *testing.T) {
	levels := []png.CompressionLevel{png.BestSpeed, png.DefaultCompression, png.BestCompression, png.NoCompression}
	for _, n := range []int{1, 2, 3, 4, 5, 16} {
		for _, sz := range [][2]int{{1, 1}, {3, 2}, {7, 5}, {9, 3}, {257, 4}, {160, 120}} {
			for _, lv := range levels {
				t.Run(fmt.Sprintf("colours=%d/%dx%d/level=%d", n, sz[0], sz[1], lv), func(t *testing.T) {
					checkPNG16(t, paletted(n, sz[0], sz[1], uint64(n*sz[0])), lv)
				})
			}
		}
	}
}

// samePixels compares two images as non-premultiplied 16-bit colour, which is what a PNG
// stores.
func samePixels(t *testing.T, want, got image.Image) {
	t.Helper()
	wb, gb := want.Bounds(), got.Bounds()
	if wb.Dx() != gb.Dx() || wb.Dy() != gb.Dy() {
		t.Fatalf("decoded %v, want the size of %v", gb, wb)
	}
	for y := 0; y < wb.Dy(); y++ {
		for x := 0; x < wb.Dx(); x++ {
			w := color.NRGBA64Model.Convert(want.At(wb.Min.X+x, wb.Min.Y+y))
			g := color.NRGBA64Model.Convert(got.At(gb.Min.X+x, gb.Min.Y+y))
			if w != g {
				t.Fatalf("pixel (%d,%d) = %v, want %v", x, y, g, w)
			}
		}
	}
}

// TestPNG16OthersLeftToStdlib: types that are not 16-bit are not taken.
func TestPNG16OthersLeftToStdlib(t *testing.T) {
	r := image.Rect(0, 0, 2, 2)
	for _, m := range []image.Image{image.NewRGBA(r), image.NewNRGBA(r), image.NewGray(r), image.NewAlpha16(r),
		image.NewPaletted(r, paletteN(17, 1)), image.NewPaletted(r, color.Palette{}), image.NewGray16(image.Rect(0, 0, 0, 3))} {
		if done, err := encodePNGRows(io.Discard, m, png.BestSpeed); done || err != nil {
			t.Errorf("%T %v: encodePNGRows = %v, %v, want it left to image/png", m, m.Bounds(), done, err)
		}
	}
}

// docxPNG16 is the 48x32 16-bit RGB PNG inside testdata/ooxml/report.docx, the DOCX the
// load generator's mixed mail carries.
func docxPNG16(t testing.TB) []byte {
	t.Helper()
	z, err := zip.OpenReader(filepath.Join("..", "..", "testdata", "ooxml", "report.docx"))
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	f, err := z.Open("word/media/image1.png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestPNG16Independently sanitizes 16-bit PNGs of each colour type (written by image/png,
// plus the real one from the DOCX corpus and gray16.png) and PNGs of 2 to 16 colours, and
// has ImageMagick compare output with input: zero differing pixels, and 16-bit stays
// 16-bit of the same colour type.
func TestPNG16Independently(t *testing.T) {
	compare := testtool.Need(t, "/usr/bin/compare")
	identify := testtool.Need(t, "/usr/bin/identify")
	dir := t.TempDir()
	inputs := map[string][]byte{"report.docx-image1.png": docxPNG16(t)}
	gray, err := os.ReadFile(filepath.Join(corpusDir, "gray16.png"))
	if err != nil {
		t.Fatal(err)
	}
	inputs["gray16.png"] = gray
	for _, kind := range kinds16 {
		var b bytes.Buffer
		if err := png.Encode(&b, image16(kind, 61, 43, 7)); err != nil {
			t.Fatal(err)
		}
		inputs[kind+".png"] = b.Bytes()
	}
	pal, err := os.ReadFile(filepath.Join(corpusDir, "palette.png"))
	if err != nil {
		t.Fatal(err)
	}
	inputs["palette.png"] = pal
	for _, n := range []int{2, 3, 11} {
		var b bytes.Buffer
		if err := png.Encode(&b, paletted(n, 61, 43, 5)); err != nil {
			t.Fatal(err)
		}
		inputs[fmt.Sprintf("paletted-%d.png", n)] = b.Bytes()
	}
	s := New(Options{})
	for name, data := range inputs {
		t.Run(name, func(t *testing.T) {
			out, res, err := run(t, s, name, data, sanitize.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict == sanitize.Blocked {
				t.Fatalf("verdict %s", res.Verdict)
			}
			in, outp := filepath.Join(dir, "in-"+name), filepath.Join(dir, "out-"+name)
			if err := os.WriteFile(in, data, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(outp, out, 0o644); err != nil {
				t.Fatal(err)
			}
			// compare exits 1 when the images differ; the count on stderr says by how much.
			var stderr bytes.Buffer
			cmd := exec.Command(compare, "-metric", "AE", in, outp, "null:")
			cmd.Stderr = &stderr
			if err := cmd.Run(); err != nil || strings.TrimSpace(stderr.String()) != "0" {
				t.Errorf("compare -metric AE: %q (%v), want 0 differing pixels", stderr.String(), err)
			}
			// Bit depth and PNG colour type as read from each file's IHDR.
			hdrs, err := exec.Command(identify, "-format", "%z %[png:IHDR.color-type-orig]\n", in, outp).Output()
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(name, "pal") {
				return // palettes: the pixels are what counts; depth follows the colour count
			}
			if l := strings.Split(strings.TrimSpace(string(hdrs)), "\n"); len(l) != 2 || l[0] != l[1] || !strings.HasPrefix(l[0], "16 ") {
				t.Errorf("identify depth and colour type (in, out) = %q, want the same 16-bit type", hdrs)
			}
		})
	}
}

// FuzzPNG16 builds a 16-bit or paletted image of fuzzed type, size and samples and holds the encoder to
// what TestPNG16MatchesStdlib checks.
func FuzzPNG16(f *testing.F) {
	f.Add(byte(0), byte(3), []byte("\x00\x01\x02\x03\xff\xfe\x80\x00\x7f\xff"))
	f.Add(byte(2), byte(1), []byte("\x12\x34\x56\x78\x9a\xbc\x00\x10"))
	f.Add(byte(5), byte(2), bytes.Repeat([]byte{0xff, 0x00, 0x80}, 40))
	f.Add(byte(3), byte(6), bytes.Repeat([]byte{0, 1, 2, 3, 4, 5, 6}, 20))
	f.Fuzz(func(t *testing.T, kind, width byte, pix []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		w := int(width%64) + 1
		bpp := []int{2, 8, 8, 1}[int(kind)%4]
		h := len(pix) / (bpp * w)
		if h == 0 || h > 256 {
			return
		}
		pix = bytes.Clone(pix[:h*w*bpp])
		r := image.Rect(0, 0, w, h)
		var m image.Image
		switch kind % 4 {
		case 3:
			n := int(width%16) + 1
			for i := range pix {
				pix[i] %= byte(n) // in range, as the decoders return indices
			}
			m = &image.Paletted{Pix: pix, Stride: w, Rect: r, Palette: paletteN(n, uint64(kind))}
		case 0:
			m = &image.Gray16{Pix: pix, Stride: 2 * w, Rect: r}
		case 1:
			m = &image.NRGBA64{Pix: pix, Stride: 8 * w, Rect: r}
		case 2:
			// Premultiplied colour above alpha is not a valid RGBA64 pixel; clamp as a decoder would.
			for i := 0; i < len(pix); i += 8 {
				a := uint16(pix[i+6])<<8 | uint16(pix[i+7])
				for c := 0; c < 6; c += 2 {
					if uint16(pix[i+c])<<8|uint16(pix[i+c+1]) > a {
						pix[i+c], pix[i+c+1] = pix[i+6], pix[i+7]
					}
				}
			}
			m = &image.RGBA64{Pix: pix, Stride: 8 * w, Rect: r}
		}
		checkPNG16(t, m, []png.CompressionLevel{png.BestSpeed, png.DefaultCompression, png.NoCompression}[int(width)%3])
	})
}

// BenchmarkEncodePNG16 compares image/png with the row encoder on the same decoded images,
// in the same run: the DOCX corpus image the load generator mails, gray16.png,
// palette.png (4-bit indices) and a generated 1 MP RGBA64 image.
func BenchmarkEncodePNG16(b *testing.B) {
	docx, err := png.Decode(bytes.NewReader(docxPNG16(b)))
	if err != nil {
		b.Fatal(err)
	}
	grayData, err := os.ReadFile(filepath.Join(corpusDir, "gray16.png"))
	if err != nil {
		b.Fatal(err)
	}
	gray, err := png.Decode(bytes.NewReader(grayData))
	if err != nil {
		b.Fatal(err)
	}
	palData, err := os.ReadFile(filepath.Join(corpusDir, "palette.png"))
	if err != nil {
		b.Fatal(err)
	}
	pal, err := png.Decode(bytes.NewReader(palData))
	if err != nil {
		b.Fatal(err)
	}
	images := []struct {
		name string
		m    image.Image
	}{
		{"image=docx-48x32-rgb16", docx},
		{"image=gray16.png-128x96", gray},
		{"image=palette.png-160x120-16colours", pal},
		{"image=1MP-rgba64-opaque", image16("rgba64-opaque", 1200, 800, 1)},
	}
	for _, im := range images {
		for _, enc := range []string{"stdlib", "rows"} {
			b.Run(im.name+"/encoder="+enc, func(b *testing.B) {
				var out bytes.Buffer
				pool := &pngPool{}
				b.ReportAllocs()
				for b.Loop() {
					out.Reset()
					var err error
					if enc == "stdlib" {
						err = (&png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: pool}).Encode(&out, im.m)
					} else {
						_, err = encodePNGRows(&out, im.m, png.BestSpeed)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
