package metafile

import (
	"bytes"
	"context"
	"errors"
	"image"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// probe is a pixel a test case expects: a colour, or transparent when clear is set.
type probe struct {
	x, y    int
	r, g, b uint8
	clear   bool
}

var (
	red   = colorWords(255, 0, 0)
	green = colorWords(0, 160, 0)
	blue  = colorWords(0, 0, 255)
)

// setup selects a solid red brush (object 0) and a null pen (object 1).
func wmfSetup() *wmfFile {
	f := &wmfFile{w: 100, h: 100}
	f.rec(0x02FC, cat(0, red, 0)...)
	f.rec(0x02FA, 5, 0, 0, 0, 0)
	f.rec(0x012D, 0).rec(0x012D, 1)
	return f
}

var bmp = dib24([][][3]uint8{{{255, 0, 0}, {0, 255, 0}}, {{0, 0, 255}, {255, 255, 0}}})

// stretch is a META_STRETCHDIB payload drawing the 2x2 source into (x, y, w, h).
func stretch(rop uint32, src []byte, x, y, w, h int) []byte {
	var p []byte
	for _, v := range []int{int(rop & 0xffff), int(rop >> 16), 0, 2, 2, 0, 0, h, w, y, x} {
		p = append(p, byte(v), byte(v>>8))
	}
	return append(p, src...)
}

// wmfCase is a picture and the pixels it must draw.
type wmfCase struct {
	name   string
	f      *wmfFile
	probes []probe
	text   int
}

func wmfCases() []wmfCase {
	white1 := dib24([][][3]uint8{{{255, 255, 255}}})
	return []wmfCase{
		{"rectangle filled by the brush", wmfSetup().rec(0x041B, 50, 50, 10, 10),
			[]probe{{x: 30, y: 30, r: 255}, {x: 10, y: 10, r: 255}, {x: 50, y: 50, clear: true}, {x: 5, y: 5, clear: true}}, 0},
		{"outline with a null brush", (&wmfFile{w: 100, h: 100}).rec(0x02FC, cat(1, red, 0)...).rec(0x02FA, cat(0, 1, 0, blue)...).
			rec(0x012D, 0).rec(0x012D, 1).rec(0x041B, 50, 50, 10, 10),
			[]probe{{x: 10, y: 30, b: 255}, {x: 30, y: 10, b: 255}, {x: 30, y: 30, clear: true}}, 0},
		{"polygon", wmfSetup().rec(0x0324, 3, 10, 10, 90, 10, 50, 90),
			[]probe{{x: 50, y: 30, r: 255}, {x: 15, y: 80, clear: true}}, 0},
		{"ellipse", wmfSetup().rec(0x0418, 90, 90, 10, 10),
			[]probe{{x: 50, y: 50, r: 255}, {x: 12, y: 12, clear: true}, {x: 50, y: 12, r: 255}}, 0},
		{"alternate leaves the inner square a hole", wmfSetup().rec(0x0538, 2, 4, 4, 10, 10, 90, 10, 90, 90, 10, 90, 30, 30, 70, 30, 70, 70, 30, 70),
			[]probe{{x: 50, y: 50, clear: true}, {x: 20, y: 20, r: 255}}, 0},
		{"winding fills it", wmfSetup().rec(0x0106, 2).rec(0x0538, 2, 4, 4, 10, 10, 90, 10, 90, 90, 10, 90, 30, 30, 70, 30, 70, 70, 30, 70),
			[]probe{{x: 50, y: 50, r: 255}}, 0},
		{"window extent scales", wmfSetup().rec(0x020B, 0, 0).rec(0x020C, 200, 200).rec(0x041B, 100, 100, 0, 0),
			[]probe{{x: 25, y: 25, r: 255}, {x: 75, y: 75, clear: true}}, 0},
		{"window origin moves", wmfSetup().rec(0x020B, 50, 50).rec(0x041B, 100, 100, 50, 50),
			[]probe{{x: 10, y: 10, r: 255}, {x: 60, y: 60, clear: true}}, 0},
		{"RestoreDC brings the brush back", wmfSetup().rec(0x001E).rec(0x02FC, cat(0, blue, 0)...).rec(0x012D, 2).rec(0x0127, -1&0xffff).rec(0x041B, 50, 50, 10, 10),
			[]probe{{x: 30, y: 30, r: 255}}, 0},
		{"DeleteObject frees the slot for the next object", wmfSetup().rec(0x01F0, 0).rec(0x02FC, cat(0, green, 0)...).rec(0x012D, 0).rec(0x041B, 50, 50, 10, 10),
			[]probe{{x: 30, y: 30, g: 160}}, 0},
		{"PatBlt paints with the brush", wmfSetup().rec(0x061D, 0x0021, 0x00F0, 20, 20, 40, 40),
			[]probe{{x: 50, y: 50, r: 255}, {x: 30, y: 30, clear: true}}, 0},
		{"DIBBitBlt without a bitmap paints with the brush", wmfSetup().rec(0x0940, 0x0021, 0x00F0, 0, 0, 0, 20, 20, 40, 40),
			[]probe{{x: 50, y: 50, r: 255}, {x: 30, y: 30, clear: true}}, 0},
		{"StretchDIB scales the bitmap", wmfSetup().raw(0x0F43, stretch(0x00CC0020, bmp, 10, 10, 40, 40)),
			[]probe{{x: 15, y: 15, r: 255}, {x: 45, y: 15, g: 255}, {x: 15, y: 45, b: 255}, {x: 45, y: 45, r: 255, g: 255}, {x: 60, y: 60, clear: true}}, 0},
		{"StretchDIB missing its last row draws the rows there", wmfSetup().raw(0x0F43, stretch(0x00CC0020, bmp[:len(bmp)-8], 10, 10, 40, 40)),
			[]probe{{x: 15, y: 15}, {x: 15, y: 45, b: 255}, {x: 45, y: 45, r: 255, g: 255}}, 0},
		{"SRCAND of white keeps the background transparent", wmfSetup().raw(0x0F43, stretch(0x008800C6, white1, 10, 10, 40, 40)),
			[]probe{{x: 30, y: 30, clear: true}}, 0},
		{"ExcludeClipRect", wmfSetup().rec(0x0415, 60, 60, 40, 40).rec(0x041B, 90, 90, 10, 10),
			[]probe{{x: 50, y: 50, clear: true}, {x: 20, y: 20, r: 255}}, 0},
		{"IntersectClipRect", wmfSetup().rec(0x0416, 50, 50, 0, 0).rec(0x041B, 90, 90, 10, 10),
			[]probe{{x: 30, y: 30, r: 255}, {x: 70, y: 70, clear: true}}, 0},
		{"SelectClipRegion of nothing resets the clip", wmfSetup().rec(0x0416, 50, 50, 0, 0).rec(0x012C, 15).rec(0x041B, 90, 90, 10, 10),
			[]probe{{x: 70, y: 70, r: 255}}, 0},
		{"LineTo draws with the pen", (&wmfFile{w: 100, h: 100}).rec(0x02FA, cat(0, 3, 0, blue)...).rec(0x012D, 0).rec(0x0214, 50, 10).rec(0x0213, 50, 90),
			[]probe{{x: 50, y: 50, b: 255}, {x: 50, y: 40, clear: true}}, 0},
		{"text is counted, its opaque box drawn", wmfSetup().rec(0x0201, green...).rec(0x0A32, 20, 20, 2, 2, 20, 20, 60, 60, 'A'|'B'<<8),
			[]probe{{x: 40, y: 40, g: 160}, {x: 70, y: 70, clear: true}}, 1},
	}
}

func TestWMFRecords(t *testing.T) {
	cases := append(wmfCases(), wmfMoreCases()...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := Render(context.Background(), c.f.bytes(), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if b := res.Image.Bounds(); b.Dx() != 100 || b.Dy() != 100 {
				t.Fatalf("size %v, want 100x100", b)
			}
			check(t, res, c.probes)
			if res.Text != c.text {
				t.Errorf("text records %d, want %d", res.Text, c.text)
			}
		})
	}
}

func check(t *testing.T, res *Result, probes []probe) {
	t.Helper()
	for _, p := range probes {
		o := res.Image.PixOffset(p.x, p.y)
		px := res.Image.Pix[o : o+4]
		if p.clear {
			if px[3] != 0 {
				t.Errorf("(%d,%d) = %v, want transparent", p.x, p.y, px)
			}
			continue
		}
		if px[3] != 255 || absDiff(px[0], p.r) > 8 || absDiff(px[1], p.g) > 8 || absDiff(px[2], p.b) > 8 {
			t.Errorf("(%d,%d) = %v, want %d,%d,%d opaque", p.x, p.y, px, p.r, p.g, p.b)
		}
	}
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// TestWMFRefused: what would change the drawing and is not drawn, a damaged stream, or a
// picture beyond the limits is an error, never a partial picture.
func TestWMFRefused(t *testing.T) {
	truncated := wmfSetup().rec(0x041B, 50, 50, 10, 10).bytes()
	truncated = truncated[:len(truncated)-10]
	long := wmfSetup()
	for range 50 {
		long.rec(0x041B, 50, 50, 10, 10)
	}
	cases := []struct {
		name string
		data []byte
		lim  Limits
		want error
		msg  string
	}{
		{"flood fill is not drawn", wmfSetup().rec(0x0548, 0, 0, 0, 10, 10).bytes(), Limits{}, sanitize.ErrUnsupported, "0x0548"},
		{"region painting is not drawn", wmfSetup().rec(0x0228, 0, 0).bytes(), Limits{}, sanitize.ErrUnsupported, "0x0228"},
		{"device-dependent pattern brush", wmfSetup().rec(0x01F9, 0).bytes(), Limits{}, sanitize.ErrUnsupported, "0x01f9"},
		{"raster operation not carried out", wmfSetup().rec(0x061D, 0x0000, 0x00B8, 20, 20, 40, 40).bytes(), Limits{}, sanitize.ErrUnsupported, "raster operation"},
		{"record past the end", truncated, Limits{}, sanitize.ErrMalformed, "size"},
		{"record shorter than its fields", wmfSetup().rec(0x041B, 50, 50).bytes(), Limits{}, sanitize.ErrMalformed, "too short"},
		{"polygon with more points than the record", wmfSetup().rec(0x0324, 300, 1, 2).bytes(), Limits{}, sanitize.ErrMalformed, "points"},
		{"too many records", long.bytes(), Limits{MaxRecords: 20}, nil, "metafile records"},
		{"bitmap beyond the pixel limit", wmfSetup().raw(0x0F43, func() []byte {
			b := []byte{0x20, 0, 0xcc, 0, 0, 0, 2, 0, 2, 0, 0, 0, 0, 0, 40, 0, 40, 0, 10, 0, 10, 0}
			d := dib24([][][3]uint8{{{1, 2, 3}}})
			d[4], d[5] = 0xd0, 0x07 // width 2000
			return append(b, d...)
		}()).bytes(), Limits{MaxPixels: 1000}, sanitize.ErrMalformed, "bitmap size"},
		{"bitmap missing more than a row", wmfSetup().raw(0x0F43, stretch(0x00CC0020, bmp[:len(bmp)-10], 10, 10, 40, 40)).bytes(), Limits{}, sanitize.ErrMalformed, "truncated"},
		{"not a metafile", []byte("GIF89a................................................"), Limits{}, sanitize.ErrMalformed, "header"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Render(context.Background(), c.data, c.lim)
			if err == nil {
				t.Fatal("rendered")
			}
			var le *sanitize.LimitError
			if c.want != nil && !errors.Is(err, c.want) || c.want == nil && !errors.As(err, &le) || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %v, want %v containing %q", err, c.want, c.msg)
			}
		})
	}
}

// TestOutputBounded: a huge picture is scaled to the side and pixel limits, keeping its
// aspect ratio.
func TestOutputBounded(t *testing.T) {
	f := &wmfFile{w: 32000, h: 16000}
	f.rec(0x041B, 16000, 32000, 0, 0)
	for _, lim := range []Limits{{}, {MaxPixels: 100_000}, {MaxSide: 300}} {
		res, err := Render(context.Background(), f.bytes(), lim)
		if err != nil {
			t.Fatal(err)
		}
		l := lim.withDefaults()
		b := res.Image.Bounds()
		if b.Dx() > l.MaxSide || b.Dy() > l.MaxSide || int64(b.Dx())*int64(b.Dy()) > l.MaxPixels || b.Dx() < 2*b.Dy()-2 || b.Dx() > 2*b.Dy()+2 {
			t.Errorf("limits %+v: %v", lim, b)
		}
	}
}

// TestText: text records are drawn in the Go fonts where the record places them, with
// the alignment, charset and face mapping; characters without a glyph are boxes.
// textCase is a text picture, where it must put ink and where none.
type textCase struct {
	name          string
	f             *wmfFile
	in, out       image.Rectangle // ink expected inside in, none in out
	glyphs, boxes int
	lim           Limits
}

func textCases() []textCase {
	// font: height -20 (em), weight, charset, face
	str := func(s string) []int {
		var p []int
		for i := 0; i < len(s); i += 2 {
			v := int(s[i])
			if i+1 < len(s) {
				v |= int(s[i+1]) << 8
			}
			p = append(p, v)
		}
		return p
	}
	font := func(weight, charset int, face string) []int {
		return cat([]int{-20 & 0xffff, 0, 0, 0, weight, 0, charset << 8, 0, 0}, str(face+"\x00"))
	}
	text := func(face string, charset int, align int, s string) *wmfFile {
		f := &wmfFile{w: 100, h: 60}
		f.rec(0x02FB, font(400, charset, face)...).rec(0x012D, 0).rec(0x0102, 1).rec(0x0209, colorWords(0, 0, 255)...)
		f.rec(0x012E, align)
		return f.rec(0x0A32, cat(30, 10, len(s), 0, str(s))...)
	}
	return []textCase{
		{"top-left aligned", text("Arial", 0, 0, "HH"), image.Rect(10, 30, 40, 52), image.Rect(0, 0, 100, 28), 2, 0, Limits{}},
		{"baseline", text("Arial", 0, 24, "HH"), image.Rect(10, 14, 40, 30), image.Rect(0, 32, 100, 60), 2, 0, Limits{}},
		{"right aligned", text("Arial", 0, 2, "HH"), image.Rect(0, 30, 10, 52), image.Rect(12, 0, 100, 60), 2, 0, Limits{}},
		{"Symbol face maps to Greek", text("Symbol", 2, 0, "ab"), image.Rect(10, 30, 40, 52), image.Rect(0, 0, 100, 28), 2, 0, Limits{}},
		{"a dot operator drawn as a middle dot", text("Symbol", 2, 0, "a\xd7b"), image.Rect(10, 30, 50, 52), image.Rect(0, 0, 100, 28), 3, 0, Limits{}},
		{"tall parenthesis pieces drawn as lines", text("Symbol", 2, 0, "\xe6\xe8"), image.Rect(10, 30, 40, 52), image.Rect(0, 0, 100, 28), 2, 0, Limits{}},
		{"Wingdings has no glyphs", text("Wingdings", 2, 0, "ab"), image.Rect(10, 30, 40, 52), image.Rect(0, 0, 100, 28), 0, 2, Limits{}},
		{"Shift_JIS decoded, CJK drawn as boxes", text("MS Gothic", 128, 0, "\x93\xfa\x96\x7b"), image.Rect(10, 30, 50, 52), image.Rect(0, 0, 100, 28), 0, 2, Limits{NoSystemFonts: true}},
	}
}

func TestText(t *testing.T) {
	cases := textCases()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := Render(context.Background(), c.f.bytes(), c.lim)
			if err != nil {
				t.Fatal(err)
			}
			if res.Text != 1 || res.Glyphs != c.glyphs || res.Boxes != c.boxes {
				t.Errorf("text %d glyphs %d boxes %d, want 1, %d, %d", res.Text, res.Glyphs, res.Boxes, c.glyphs, c.boxes)
			}
			if n := ink(res, c.in); n < 20 {
				t.Errorf("%d inked pixels in %v", n, c.in)
			}
			if n := ink(res, c.out); n > 0 {
				t.Errorf("%d inked pixels in %v", n, c.out)
			}
		})
	}
}

func ink(res *Result, r image.Rectangle) int {
	n := 0
	r = r.Intersect(res.Image.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if res.Image.Pix[res.Image.PixOffset(x, y)+3] > 64 {
				n++
			}
		}
	}
	return n
}

// TestEMFText: EMR_EXTTEXTOUTW draws its UTF-16 string at the reference point with the
// advances the record gives.
func TestEMFText(t *testing.T) {
	face := make([]byte, 64)
	copy(face, []byte{'A', 0, 'r', 0, 'i', 0, 'a', 0, 'l', 0})
	f := &emfFile{w: 100, h: 60}
	f.rec(82, 1, -20, 0, 0, 0, 400, []byte{0, 0, 0, 0, 0, 0, 0, 0}, face)
	f.rec(37, 1).rec(18, 1).rec(22, 24) // transparent, TA_BASELINE
	// EMRTEXT at 36: reference (10, 30), 2 chars, string at 76, options 0, rectangle, dx at 80.
	f.rec(84, 0, 0, 0, 0, 1, float32(1), float32(1), 10, 30, 2, 76, 0, 0, 0, 0, 0, 80, []byte{'H', 0, 'H', 0}, 40, 40)
	res, err := Render(context.Background(), f.bytes(), Limits{DPI: 254})
	if err != nil {
		t.Fatal(err)
	}
	if res.Glyphs != 2 {
		t.Fatalf("%d glyphs", res.Glyphs)
	}
	// The second H starts 40 units after the first: ink around x = 50..60, none between.
	if ink(res, image.Rect(50, 14, 62, 30)) < 20 || ink(res, image.Rect(30, 0, 48, 60)) > 0 {
		t.Errorf("advances not applied: %d, %d", ink(res, image.Rect(50, 14, 62, 30)), ink(res, image.Rect(30, 0, 48, 60)))
	}
}

// TestBoxesOnlyRefused: a picture of text only whose characters have no glyph here would
// come out as a row of boxes; it is refused. With a shape besides, it is drawn.
func TestBoxesOnlyRefused(t *testing.T) {
	f := &wmfFile{w: 100, h: 40}
	face := []int{-20 & 0xffff, 0, 0, 0, 400, 0, 128 << 8, 0, 0, 'M' | 'S'<<8, 0}
	f.rec(0x02FB, face...).rec(0x012D, 0).rec(0x0102, 1).rec(0x0A32, 20, 10, 2, 0, 0x93|0xfa<<8)
	data := f.bytes()
	boxes := Limits{NoSystemFonts: true}
	_, _, err := ToPNG(context.Background(), bytes.NewReader(data), int64(len(data)), boxes)
	if !errors.Is(err, sanitize.ErrUnsupported) || !strings.Contains(err.Error(), "has a glyph") {
		t.Fatalf("error %v, want a refusal", err)
	}
	f.rec(0x041B, 30, 30, 0, 0)
	data = f.bytes()
	png, res, err := ToPNG(context.Background(), bytes.NewReader(data), int64(len(data)), boxes)
	if err != nil || res.Boxes != 1 || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("with a drawing: %v, %+v", err, res)
	}
}
