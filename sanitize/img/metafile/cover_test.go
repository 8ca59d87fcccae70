package metafile

import (
	"encoding/binary"
	"math"
)

// More record-test pictures, one or a few per allowed record, so that every entry of the
// allow-lists draws something checked (TestAllowListCovered).

var bluePen3 = cat(0, 3, 0, colorWords(0, 0, 255)) // CREATEPENINDIRECT: solid, 3 wide, blue

// wmfWithPen is wmfSetup plus a blue 3-unit pen as object 2, selected.
func wmfWithPen() *wmfFile { return wmfSetup().rec(0x02FA, bluePen3...).rec(0x012D, 2) }

// arcProbe is the point of the circle in (10,10)-(90,90) at -45 degrees (upper right).
var arcProbe = probe{x: int(50 + 40*math.Cos(-math.Pi/4)), y: int(50 + 40*math.Sin(-math.Pi/4)), b: 255}

func wmfMoreCases() []wmfCase {
	w := func(v ...int) []byte {
		var b []byte
		for _, x := range v {
			b = binary.LittleEndian.AppendUint16(b, uint16(x))
		}
		return b
	}
	return []wmfCase{
		{"Arc", wmfWithPen().rec(0x0817, 10, 50, 50, 90, 90, 90, 10, 10), []probe{arcProbe, {x: 50, y: 50, clear: true}}, 0},
		{"Pie", wmfSetup().rec(0x081A, 10, 50, 50, 90, 90, 90, 10, 10), []probe{{x: 70, y: 30, r: 255}, {x: 30, y: 70, clear: true}}, 0},
		{"Chord", wmfSetup().rec(0x0830, 10, 50, 50, 90, 90, 90, 10, 10), []probe{{x: 75, y: 25, r: 255}, {x: 60, y: 40, clear: true}}, 0},
		{"RoundRect", wmfSetup().rec(0x061C, 20, 20, 90, 90, 10, 10), []probe{{x: 50, y: 50, r: 255}, {x: 11, y: 11, clear: true}}, 0},
		{"SetPixel", wmfSetup().rec(0x041F, cat(colorWords(0, 160, 0), 30, 30)...), []probe{{x: 30, y: 30, g: 160}, {x: 32, y: 32, clear: true}}, 0},
		{"DIBStretchBlt", wmfSetup().raw(0x0B41, append(w(0x0020, 0x00CC, 2, 2, 0, 0, 40, 40, 10, 10), bmp...)),
			[]probe{{x: 15, y: 15, r: 255}, {x: 45, y: 45, r: 255, g: 255}}, 0},
		{"SetDIBitsToDevice", wmfSetup().raw(0x0D33, append(w(0, 2, 0, 0, 0, 2, 2, 10, 10), bmp...)),
			[]probe{{x: 10, y: 10, r: 255}, {x: 11, y: 11, r: 255, g: 255}, {x: 12, y: 12, clear: true}}, 0},
		{"DIBCreatePatternBrush", wmfSetup().raw(0x0142, append(w(5, 0), bmp...)).rec(0x012D, 2).rec(0x041B, 50, 50, 10, 10),
			[]probe{{x: 10, y: 10, r: 255}, {x: 11, y: 10, g: 255}, {x: 10, y: 11, b: 255}}, 0},
		{"CreateRegion selected as the clip is not applied", wmfSetup().rec(0x06FF, make([]int, 11)...).rec(0x012C, 2).rec(0x041B, 50, 50, 10, 10),
			[]probe{{x: 30, y: 30, r: 255}}, 0},
		{"OffsetWindowOrg", wmfSetup().rec(0x020F, 50, 50).rec(0x041B, 100, 100, 50, 50), []probe{{x: 10, y: 10, r: 255}, {x: 60, y: 60, clear: true}}, 0},
		{"ScaleWindowExt", wmfSetup().rec(0x0410, 1, 2, 1, 2).rec(0x041B, 100, 100, 0, 0), []probe{{x: 25, y: 25, r: 255}, {x: 75, y: 75, clear: true}}, 0},
		{"records that draw nothing here", func() *wmfFile {
			f := wmfSetup()
			for _, fn := range []uint16{0x0103, 0x0105, 0x0107, 0x0108, 0x0231, 0x020A, 0x0149, 0x0234, 0x0035, 0x0037,
				0x0139, 0x0436, 0x020D, 0x020E, 0x0211, 0x0412, 0x0626, 0x0220} {
				f.rec(fn, 0, 0, 0, 0)
			}
			return f.rec(0x041B, 50, 50, 10, 10)
		}(), []probe{{x: 30, y: 30, r: 255}, {x: 60, y: 60, clear: true}}, 0},
	}
}

// emfWithPen is emfSetup plus a blue 3-unit pen (object 2), selected.
func emfWithPen() *emfFile {
	return emfSetup().rec(38, 2, 0, 3, 0, colorRefU(0, 0, 255)).rec(37, 2)
}

func emfMoreCases() []emfCase {
	b0 := []any{0, 0, 0, 0} // bounds
	coords := func(small bool, v []int) []any {
		var f []any
		for _, x := range v {
			if small {
				f = append(f, int16(x))
			} else {
				f = append(f, x)
			}
		}
		return f
	}
	pts := func(small bool, v ...int) []any {
		return append(append(append([]any{}, b0...), len(v)/2), coords(small, v)...)
	}
	polypoly := func(small bool, counts []int, v ...int) []any {
		f := append(append([]any{}, b0...), len(counts), len(v)/2)
		for _, c := range counts {
			f = append(f, c)
		}
		return append(f, coords(small, v)...)
	}
	square := []int{10, 10, 90, 10, 90, 90, 10, 90, 30, 30, 70, 30, 70, 70, 30, 70}
	region := func(l, t, r, b int) []any { return []any{32, 1, 1, 16, l, t, r, b, l, t, r, b} }
	mono := append([]byte{40, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 1, 0}, make([]byte, 24)...)
	mono = append(mono, 0, 160, 0, 0, 255, 255, 255, 0) // colour table: 0 green, 1 white
	mono = append(mono, make([]byte, 8)...)             // all pixels 0
	face := make([]byte, 64)
	copy(face, []byte{'A', 0, 'r', 0, 'i', 0, 'a', 0, 'l', 0})
	return []emfCase{
		{"Ellipse", emfSetup().rec(42, 10, 10, 90, 90), []probe{{x: 50, y: 50, r: 255}, {x: 12, y: 12, clear: true}}},
		{"RoundRect", emfSetup().rec(44, 10, 10, 90, 90, 20, 20), []probe{{x: 50, y: 50, r: 255}, {x: 11, y: 11, clear: true}}},
		{"Pie", emfSetup().rec(47, 10, 10, 90, 90, 90, 50, 50, 10), []probe{{x: 70, y: 30, r: 255}, {x: 30, y: 70, clear: true}}},
		{"Chord", emfSetup().rec(46, 10, 10, 90, 90, 90, 50, 50, 10), []probe{{x: 75, y: 25, r: 255}, {x: 60, y: 40, clear: true}}},
		{"Arc counter-clockwise", emfWithPen().rec(57, 1).rec(45, 10, 10, 90, 90, 90, 50, 50, 10), []probe{arcProbe, {x: 50, y: 50, clear: true}}},
		{"Polygon", emfSetup().rec(3, pts(false, 10, 10, 90, 10, 50, 90)...), []probe{{x: 50, y: 30, r: 255}, {x: 15, y: 80, clear: true}}},
		{"Polyline", emfWithPen().rec(4, pts(false, 10, 50, 90, 50)...), []probe{{x: 50, y: 50, b: 255}, {x: 50, y: 40, clear: true}}},
		{"PolylineTo", emfWithPen().rec(27, 10, 20).rec(6, pts(false, 90, 20)...).rec(27, 10, 80).rec(89, pts(true, 90, 80)...),
			[]probe{{x: 50, y: 20, b: 255}, {x: 50, y: 80, b: 255}, {x: 50, y: 50, clear: true}}},
		{"PolyBezier", emfWithPen().rec(2, pts(false, 10, 30, 10, 30, 90, 30, 90, 30)...).rec(85, pts(true, 10, 70, 10, 70, 90, 70, 90, 70)...),
			[]probe{{x: 50, y: 30, b: 255}, {x: 50, y: 70, b: 255}, {x: 50, y: 50, clear: true}}},
		{"PolyBezierTo", emfWithPen().rec(27, 10, 50).rec(5, pts(false, 10, 50, 90, 50, 90, 50)...), []probe{{x: 50, y: 50, b: 255}}},
		{"PolyPolygon alternate", emfSetup().rec(8, polypoly(false, []int{4, 4}, square...)...), []probe{{x: 50, y: 50, clear: true}, {x: 20, y: 20, r: 255}}},
		{"PolyPolygon16 winding", emfSetup().rec(19, 2).rec(91, polypoly(true, []int{4, 4}, square...)...), []probe{{x: 50, y: 50, r: 255}}},
		{"PolyPolyline", emfWithPen().rec(7, polypoly(false, []int{2, 2}, 10, 20, 90, 20, 10, 80, 90, 80)...).rec(90, polypoly(true, []int{2}, 10, 50, 90, 50)...),
			[]probe{{x: 50, y: 20, b: 255}, {x: 50, y: 80, b: 255}, {x: 50, y: 50, b: 255}, {x: 50, y: 35, clear: true}}},
		{"ScaleWindowExtEx and ScaleViewportExtEx", emfSetup().rec(17, 8).rec(9, 100, 100).rec(11, 100, 100).rec(32, 2, 1, 2, 1).rec(31, 1, 1, 1, 1).rec(43, 0, 0, 100, 100),
			[]probe{{x: 25, y: 25, r: 255}, {x: 75, y: 75, clear: true}}},
		{"SetViewportOrgEx", emfSetup().rec(12, 50, 50).rec(43, 0, 0, 20, 20), []probe{{x: 60, y: 60, r: 255}, {x: 10, y: 10, clear: true}}},
		{"SetPixelV", emfSetup().rec(15, 30, 30, colorRefU(0, 160, 0)), []probe{{x: 30, y: 30, g: 160}, {x: 32, y: 32, clear: true}}},
		{"StretchBlt", emfSetup().rec(77, 0, 0, 0, 0, 10, 10, 40, 40, uint32(0x00CC0020), 0, 0,
			float32(1), float32(0), float32(0), float32(1), float32(0), float32(0), 0, 0, 108, 40, 148, len(bmp)-40, 2, 2, bmp),
			[]probe{{x: 15, y: 15, r: 255}, {x: 45, y: 45, r: 255, g: 255}}},
		{"SetDIBitsToDevice", emfSetup().rec(80, 0, 0, 0, 0, 10, 10, 0, 0, 2, 2, 76, 40, 116, len(bmp)-40, 0, 0, 2, bmp),
			[]probe{{x: 10, y: 10, r: 255}, {x: 11, y: 11, r: 255, g: 255}, {x: 12, y: 12, clear: true}}},
		{"ExtTextOutA with an opaque box", emfSetup().rec(82, 3, -12, 0, 0, 0, 400, []byte{0, 0, 0, 0, 0, 0, 0, 0}, face).rec(37, 3).rec(25, colorRefU(0, 160, 0)).
			rec(83, 0, 0, 0, 0, 1, float32(1), float32(1), 10, 40, 2, 76, 2, 10, 10, 60, 60, 0, []byte("HH")),
			[]probe{{x: 55, y: 15, g: 160}, {x: 70, y: 70, clear: true}}},
		{"StrokePath after WidenPath", emfWithPen().rec(59).rec(27, 10, 50).rec(54, 90, 50).rec(60).rec(66).rec(64, 0, 0, 0, 0),
			[]probe{{x: 50, y: 50, b: 255}, {x: 50, y: 40, clear: true}}},
		{"StrokeAndFillPath", emfWithPen().rec(59).rec(27, 10, 10).rec(54, 90, 10).rec(54, 50, 90).rec(61).rec(60).rec(63, 0, 0, 0, 0),
			[]probe{{x: 50, y: 30, r: 255}, {x: 50, y: 10, b: 255}}},
		{"AbortPath discards the path", emfSetup().rec(59).rec(27, 10, 10).rec(54, 90, 10).rec(54, 50, 90).rec(68).rec(62, 0, 0, 0, 0),
			[]probe{{x: 50, y: 30, clear: true}}},
		{"SelectClipPath", emfSetup().rec(59).rec(43, 0, 0, 50, 50).rec(60).rec(67, 5).rec(26, 0, 0).rec(43, 10, 10, 90, 90),
			[]probe{{x: 30, y: 30, r: 255}, {x: 70, y: 70, clear: true}}},
		{"FillRgn", emfSetup().rec(71, append([]any{0, 0, 0, 0, 48, 1}, region(20, 20, 40, 40)...)...),
			[]probe{{x: 30, y: 30, r: 255}, {x: 50, y: 50, clear: true}}},
		{"PaintRgn", emfSetup().rec(74, append([]any{0, 0, 0, 0, 48}, region(20, 20, 40, 40)...)...),
			[]probe{{x: 30, y: 30, r: 255}, {x: 50, y: 50, clear: true}}},
		{"CreateMonoBrush", emfSetup().rec(93, 3, 0, 32, 48, 80, 8, mono).rec(37, 3).rec(43, 10, 10, 50, 50),
			[]probe{{x: 30, y: 30, g: 160}}},
		{"CreateDIBPatternBrushPt", emfSetup().rec(94, 3, 0, 32, 40, 72, len(bmp)-40, bmp).rec(37, 3).rec(43, 10, 10, 50, 50),
			[]probe{{x: 10, y: 10, r: 255}, {x: 11, y: 10, g: 255}, {x: 10, y: 11, b: 255}}},
		{"ExtCreatePen", emfSetup().rec(95, 4, 0, 0, 0, 0, 0x00010000, 3, 0, colorRefU(0, 0, 255), 0, 0).rec(37, 4).rec(27, 10, 50).rec(54, 90, 50),
			[]probe{{x: 50, y: 50, b: 255}, {x: 50, y: 40, clear: true}}},
		{"CreatePalette takes a slot", emfSetup().rec(49, 5, 0x300).rec(37, 5).rec(43, 10, 10, 50, 50), []probe{{x: 30, y: 30, r: 255}}},
		{"records that draw nothing here", func() *emfFile {
			f := emfSetup()
			for _, typ := range []uint32{13, 16, 21, 23, 28, 48, 50, 51, 52, 58, 65, 70, 98, 99, 100, 101, 104, 105, 106, 109,
				110, 111, 112, 113, 115, 119, 120, 121, 122} {
				f.rec(typ, 0, 0, 0, 0)
			}
			return f.rec(43, 10, 10, 50, 50)
		}(), []probe{{x: 30, y: 30, r: 255}, {x: 60, y: 60, clear: true}}},
	}
}
