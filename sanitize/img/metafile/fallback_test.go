package metafile

import (
	"bytes"
	"context"
	"image"
	"os"
	"slices"
	"testing"
	"unicode/utf16"

	"github.com/sekisho/sekisho/internal/testtool"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/encoding/japanese"
)

// needCJKFonts skips (fails under CI) when the IPA fonts are not installed.
func needCJKFonts(t *testing.T) {
	t.Helper()
	testtool.NeedFile(t, "fonts-ipafont-gothic", gothicPaths...)
	testtool.NeedFile(t, "fonts-ipafont-mincho", minchoPaths...)
	if g, m := SystemFonts(); !g || !m {
		t.Fatalf("IPA fonts installed but not loaded: gothic %v, mincho %v", g, m)
	}
}

// cjkText is an EMF of 300x80 pixels at 254 dpi with one EMR_EXTTEXTOUTW of s in a
// 40-unit font of the face, each character 45 units after the one before, on the
// baseline y = 60.
func cjkText(face, s string) []byte {
	fb := make([]byte, 64)
	for i, u := range utf16.Encode([]rune(face)) {
		fb[2*i], fb[2*i+1] = byte(u), byte(u>>8)
	}
	u := utf16.Encode([]rune(s))
	str := make([]byte, 0, 2*len(u))
	for _, c := range u {
		str = append(str, byte(c), byte(c>>8))
	}
	for len(str)%4 != 0 {
		str = append(str, 0)
	}
	fields := []any{0, 0, 0, 0, 1, float32(1), float32(1), 10, 60, len(u), 76, 0, 0, 0, 0, 0, 76 + len(str), str}
	for range u {
		fields = append(fields, 45)
	}
	f := &emfFile{w: 300, h: 80}
	f.rec(82, 1, -40, 0, 0, 0, 400, []byte{0, 0, 0, 128, 0, 0, 0, 0}, fb) // SHIFTJIS_CHARSET
	f.rec(37, 1).rec(18, 1).rec(22, 24)                                   // select, transparent, TA_BASELINE
	f.rec(84, fields...)
	return f.bytes()
}

// inkMask reports, for each pixel of r, whether it is inked.
func inkMask(res *Result, r image.Rectangle) []bool {
	var m []bool
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			m = append(m, res.Image.Pix[res.Image.PixOffset(x, y)+3] > 64)
		}
	}
	return m
}

// maskDiff is the share of the inked pixels of either mask that the other lacks.
func maskDiff(a, b []bool) float64 {
	union, diff := 0, 0
	for i := range a {
		if a[i] || b[i] {
			union++
			if a[i] != b[i] {
				diff++
			}
		}
	}
	if union == 0 {
		return 0
	}
	return float64(diff) / float64(union)
}

// renderCaption draws caption in the face at 254 dpi (one pixel per 0.1 mm unit).
func renderCaption(t *testing.T, face, caption string, lim Limits) *Result {
	t.Helper()
	lim.DPI = 254
	res, err := Render(context.Background(), cjkText(face, caption), lim)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestCJKFallback: Japanese text (「人口推移」, a chart caption) is drawn from the
// system's IPA fonts, mincho for a mincho face and gothic otherwise, and each character
// is its glyph, not the box drawn when the fonts are not used.
func TestCJKFallback(t *testing.T) {
	needCJKFonts(t)
	const caption = "「人口推移」"
	mincho := renderCaption(t, "ＭＳ 明朝", caption, Limits{})
	gothic := renderCaption(t, "ＭＳ ゴシック", caption, Limits{})
	boxes := renderCaption(t, "ＭＳ ゴシック", caption, Limits{NoSystemFonts: true})
	for name, c := range map[string]struct {
		res                     *Result
		glyphs, fallback, boxes int
	}{"mincho": {mincho, 6, 6, 0}, "gothic": {gothic, 6, 6, 0}, "no system fonts": {boxes, 0, 0, 6}} {
		if c.res.Glyphs != c.glyphs || c.res.Fallback != c.fallback || c.res.Boxes != c.boxes {
			t.Errorf("%s: glyphs %d fallback %d boxes %d, want %d %d %d", name,
				c.res.Glyphs, c.res.Fallback, c.res.Boxes, c.glyphs, c.fallback, c.boxes)
		}
		// Ink on the line, in every character's cell, none below the descent.
		for i := range 6 {
			if cell := image.Rect(10+45*i, 15, 10+45*(i+1), 72); ink(c.res, cell) < 20 {
				t.Errorf("%s: character %d: %d inked pixels in %v", name, i, ink(c.res, cell), cell)
			}
		}
		if n := ink(c.res, image.Rect(0, 74, 300, 80)); n > 0 {
			t.Errorf("%s: %d inked pixels below the line", name, n)
		}
	}
	// Each kanji differs from the box in its cell, and the two faces differ.
	for i := 1; i <= 4; i++ {
		cell := image.Rect(10+45*i, 15, 10+45*(i+1), 72)
		for name, res := range map[string]*Result{"mincho": mincho, "gothic": gothic} {
			if d := maskDiff(inkMask(res, cell), inkMask(boxes, cell)); d < 0.5 {
				t.Errorf("%s: %c differs from the box in %.0f%% of its ink", name, []rune(caption)[i], 100*d)
			}
		}
	}
	all := image.Rect(0, 0, 300, 80)
	if d := maskDiff(inkMask(mincho, all), inkMask(gothic, all)); d < 0.2 {
		t.Errorf("mincho and gothic differ in %.0f%% of their ink", 100*d)
	}
	// A picture of Japanese text only is no longer refused as boxes only.
	data := cjkText("ＭＳ ゴシック", caption)
	if png, _, err := ToPNG(context.Background(), bytes.NewReader(data), int64(len(data)), Limits{DPI: 254}); err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Errorf("text-only Japanese picture: %v", err)
	}
}

// TestFallbackFace: the face picks the font, whether its name is Unicode (EMF) or
// Shift_JIS (a Japanese WMF's LOGFONT).
func TestFallbackFace(t *testing.T) {
	needCJKFonts(t)
	fs := cjkFonts()
	sjis := func(s string) string {
		b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return faceName(append(b, 0, 'x'), 128)
	}
	for _, c := range []struct {
		face   string
		mincho bool
	}{
		{"ＭＳ 明朝", true}, {sjis("ＭＳ 明朝"), true}, {"MS Mincho", true}, {"Times New Roman", true},
		{"宋体", true}, {"SimSun", true}, {"PMingLiU", true}, {"細明體", true}, {"HG明朝E", true},
		{"ＭＳ ゴシック", false}, {"Wingdings", false}, {"SimHei", false}, {sjis("ＭＳ Ｐゴシック"), false}, {"Arial", false}, {"MS Sans Serif", false}, {"", false},
	} {
		want := fs.gothic
		if c.mincho {
			want = fs.mincho
		}
		if got := (&logFont{face: c.face}).fallback(); got != want {
			t.Errorf("face %q: mincho %v, want %v", c.face, got == fs.mincho, c.mincho)
		}
	}
}

// TestNotoCollection: where the IPA fonts are missing, the Noto CJK collections stand in;
// the Japanese member of each collection is the one read (its Han forms are Japanese), its
// CFF outlines draw, and Japanese text comes out as glyphs, not boxes.
func TestNotoCollection(t *testing.T) {
	notoSans := []string{"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"}
	notoSerif := []string{"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"}
	sansPath := testtool.NeedFile(t, "fonts-noto-cjk", notoSans...)
	serifPath := testtool.NeedFile(t, "fonts-noto-cjk", notoSerif...)
	if !slices.Contains(gothicPaths, sansPath) || !slices.Contains(minchoPaths, serifPath) {
		t.Fatal("the Noto CJK collections are not among the fallback paths")
	}
	var set cjkSet
	for _, c := range []struct {
		path string
		dst  **sfnt.Font
		want string
	}{{sansPath, &set.gothic, "Noto Sans CJK JP"}, {serifPath, &set.mincho, "Noto Serif CJK JP"}} {
		f, err := loadFont(c.path)
		if err != nil {
			t.Fatalf("%s: %v", c.path, err)
		}
		var buf sfnt.Buffer
		if name, err := f.Name(&buf, sfnt.NameIDFamily); err != nil || name != c.want {
			t.Errorf("%s: family %q (%v), want %q", c.path, name, err, c.want)
		}
		*c.dst = f
	}

	old := cjkFonts
	cjkFonts = func() cjkSet { return set }
	defer func() { cjkFonts = old }()
	const caption = "「人口推移」"
	boxes := renderCaption(t, "ＭＳ ゴシック", caption, Limits{NoSystemFonts: true})
	for _, face := range []string{"ＭＳ ゴシック", "ＭＳ 明朝"} {
		res := renderCaption(t, face, caption, Limits{})
		if res.Fallback != 6 || res.Boxes != 0 {
			t.Errorf("%s: fallback %d boxes %d, want 6 0", face, res.Fallback, res.Boxes)
		}
		for i := 1; i <= 4; i++ {
			cell := image.Rect(10+45*i, 15, 10+45*(i+1), 72)
			if n := ink(res, cell); n < 20 {
				t.Errorf("%s: character %d: %d inked pixels", face, i, n)
			}
			if d := maskDiff(inkMask(res, cell), inkMask(boxes, cell)); d < 0.5 {
				t.Errorf("%s: %c differs from the box in %.0f%% of its ink", face, []rune(caption)[i], 100*d)
			}
		}
	}
}

// TestFontCollectionWithoutJapanese: a collection with no member named JP falls back to
// its first font; a collection that does not parse is not used.
func TestFontCollectionWithoutJapanese(t *testing.T) {
	if _, err := sfnt.ParseCollection([]byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x00")); err == nil {
		t.Fatal("an empty collection parsed")
	}
	dir := t.TempDir()
	p := dir + "/broken.ttc"
	if err := os.WriteFile(p, []byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01\x00\x00\x00\x10"), 0o644); err != nil {
		t.Fatal(err)
	}
	if f, err := loadFont(p); err == nil || f != nil {
		t.Fatalf("a broken collection loaded: %v", err)
	}
	if loadFirst([]string{p}) != nil {
		t.Fatal("loadFirst returned a font for a broken collection")
	}
}
