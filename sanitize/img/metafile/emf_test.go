package metafile

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// emfSetup selects a solid red brush (object 1) and the stock null pen.
func emfSetup() *emfFile {
	f := &emfFile{w: 100, h: 100}
	f.rec(39, 1, 0, colorRefU(255, 0, 0), 0)
	f.rec(37, 1).rec(37, uint32(0x80000008))
	return f
}

type emfCase struct {
	name   string
	f      *emfFile
	probes []probe
}

func emfCases() []emfCase {
	// EMR_STRETCHDIBITS: header fields take 80 bytes, then the BITMAPINFOHEADER and bits.
	stretch := func(x, y, w, h int) []any {
		return []any{0, 0, 0, 0, x, y, 0, 0, 2, 2, 80, 40, 120, len(bmp) - 40, 0, uint32(0x00CC0020), w, h, bmp}
	}
	poly16 := func(pts ...int16) []any {
		f := []any{0, 0, 0, 0, len(pts) / 2}
		for _, v := range pts {
			f = append(f, v)
		}
		return f
	}
	return []emfCase{
		{"rectangle", emfSetup().rec(43, 10, 10, 50, 50),
			[]probe{{x: 30, y: 30, r: 255}, {x: 60, y: 60, clear: true}}},
		{"world transform scales", emfSetup().rec(35, float32(2), float32(0), float32(0), float32(2), float32(0), float32(0)).rec(43, 10, 10, 20, 20),
			[]probe{{x: 30, y: 30, r: 255}, {x: 15, y: 15, clear: true}}},
		{"world transform modified by a right multiplication", emfSetup().rec(36, float32(1), float32(0), float32(0), float32(1), float32(40), float32(0), 3).rec(43, 10, 10, 20, 20),
			[]probe{{x: 55, y: 15, r: 255}, {x: 15, y: 15, clear: true}}},
		{"anisotropic window and viewport", emfSetup().rec(17, 8).rec(9, 200, 200).rec(11, 100, 100).rec(43, 0, 0, 100, 100),
			[]probe{{x: 25, y: 25, r: 255}, {x: 75, y: 75, clear: true}}},
		{"polygon16", emfSetup().rec(86, poly16(10, 10, 90, 10, 50, 90)...),
			[]probe{{x: 50, y: 30, r: 255}, {x: 15, y: 80, clear: true}}},
		{"path filled", emfSetup().rec(59).rec(27, 10, 10).rec(54, 90, 10).rec(54, 50, 90).rec(61).rec(60).rec(62, 0, 0, 0, 0),
			[]probe{{x: 50, y: 30, r: 255}, {x: 15, y: 80, clear: true}}},
		{"bezier path", emfSetup().rec(59).rec(27, 10, 90).rec(88, poly16(10, 10, 90, 10, 90, 90)...).rec(61).rec(60).rec(62, 0, 0, 0, 0),
			[]probe{{x: 50, y: 60, r: 255}, {x: 12, y: 12, clear: true}}},
		{"StretchDIBits", emfSetup().rec(81, stretch(10, 10, 40, 40)...),
			[]probe{{x: 15, y: 15, r: 255}, {x: 45, y: 15, g: 255}, {x: 15, y: 45, b: 255}, {x: 45, y: 45, r: 255, g: 255}, {x: 60, y: 60, clear: true}}},
		{"BitBlt without a bitmap paints with the brush", emfSetup().rec(76, 0, 0, 0, 0, 20, 20, 40, 40, uint32(0x00F00021), 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0),
			[]probe{{x: 50, y: 50, r: 255}, {x: 10, y: 10, clear: true}}},
		{"clip region copied", emfSetup().rec(75, 48, 5, 32, 1, 1, 16, 0, 0, 50, 50, 0, 0, 50, 50).rec(43, 10, 10, 90, 90),
			[]probe{{x: 30, y: 30, r: 255}, {x: 70, y: 70, clear: true}}},
		{"empty clip region resets", emfSetup().rec(30, 0, 0, 50, 50).rec(75, 0, 5).rec(43, 10, 10, 90, 90),
			[]probe{{x: 70, y: 70, r: 255}}},
		{"dual EMF+ file draws its GDI records", emfSetup().rec(70, 28, uint32(0x2B464D45), int16(0x4001), int16(1), 28, 16, 0xDBC01002, 0, 96, 96).rec(43, 10, 10, 50, 50),
			[]probe{{x: 30, y: 30, r: 255}}},
	}
}

func TestEMFRecords(t *testing.T) {
	cases := append(emfCases(), emfMoreCases()...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := Render(context.Background(), c.f.bytes(), Limits{DPI: 254})
			if err != nil {
				t.Fatal(err)
			}
			if b := res.Image.Bounds(); b.Dx() != 100 || b.Dy() != 100 {
				t.Fatalf("size %v, want 100x100", b)
			}
			check(t, res, c.probes)
		})
	}
}

func TestEMFRefused(t *testing.T) {
	bad := emfSetup().bytes()
	bad[88+4] = 13 // the first record's size, not a multiple of 4
	cases := []struct {
		name string
		data []byte
		want error
		msg  string
	}{
		{"EMF+ only", emfSetup().rec(70, 28, uint32(0x2B464D45), int16(0x4001), int16(0), 28, 16, 0xDBC01002, 0, 96, 96).bytes(), sanitize.ErrUnsupported, "EMF+ only"},
		{"PlgBlt is not drawn", emfSetup().rec(79, make([]any, 30)...).bytes(), sanitize.ErrUnsupported, "record 79"},
		{"unknown record", emfSetup().rec(200, 0).bytes(), sanitize.ErrUnsupported, "record 200"},
		{"bad record size", bad, sanitize.ErrMalformed, "size 13"},
		{"points past the record", emfSetup().rec(86, 0, 0, 0, 0, 1000, int16(1), int16(2)).bytes(), sanitize.ErrMalformed, "points"},
		{"bitmap outside the record", emfSetup().rec(81, 0, 0, 0, 0, 10, 10, 0, 0, 2, 2, 80, 4000, 120, 12, 0, uint32(0x00CC0020), 40, 40).bytes(), sanitize.ErrMalformed, "outside"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Render(context.Background(), c.data, Limits{})
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %v, want %v containing %q", err, c.want, c.msg)
			}
		})
	}
}
