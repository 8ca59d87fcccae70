package metafile

import (
	"math"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gobolditalic"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// logFont is a LOGFONT: the font a text record asks for. No font program comes with a
// metafile; text is drawn in the Go fonts (compiled into the binary from golang.org/x/image,
// no font files), regular, bold, italic or monospaced as the request says, placed where
// the record puts each character.
type logFont struct {
	height, width float64
	esc           float64 // tenths of a degree, counter-clockwise
	weight        int
	italic        bool
	underline     bool
	strike        bool
	charset       int
	face          string
}

var goFonts = sync.OnceValue(func() map[string]*sfnt.Font {
	m := map[string]*sfnt.Font{}
	for name, ttf := range map[string][]byte{"regular": goregular.TTF, "bold": gobold.TTF, "italic": goitalic.TTF,
		"bolditalic": gobolditalic.TTF, "mono": gomono.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			panic("metafile: Go font " + name + ": " + err.Error())
		}
		m[name] = f
	}
	return m
})

func (lf *logFont) sfnt() *sfnt.Font {
	fs := goFonts()
	face := strings.ToLower(lf.face)
	if strings.Contains(face, "courier") || strings.Contains(face, "mono") || strings.Contains(face, "consol") {
		return fs["mono"]
	}
	switch {
	case lf.weight >= 600 && lf.italic:
		return fs["bolditalic"]
	case lf.weight >= 600:
		return fs["bold"]
	case lf.italic:
		return fs["italic"]
	}
	return fs["regular"]
}

// symbolFace reports a face whose characters are symbols: Symbol itself is mapped to
// Unicode; others (Wingdings, MT Extra) have no glyphs here and are drawn as boxes.
func (lf *logFont) symbolFace() (symbol, other bool) {
	face := strings.ToLower(lf.face)
	if face == "symbol" {
		return true, false
	}
	return false, lf.charset == 2
}

// charsetEncodings are the 8-bit text encodings of the LOGFONT charsets.
var charsetEncodings = map[int]encoding.Encoding{
	0: charmap.Windows1252, 1: charmap.Windows1252, 128: japanese.ShiftJIS, 129: korean.EUCKR,
	134: simplifiedchinese.GBK, 136: traditionalchinese.Big5, 161: charmap.Windows1253,
	162: charmap.Windows1254, 163: charmap.Windows1258, 177: charmap.Windows1255, 178: charmap.Windows1256,
	186: charmap.Windows1257, 204: charmap.Windows1251, 222: charmap.Windows874, 238: charmap.Windows1250,
}

// decode8 turns an 8-bit string into runes, with each rune's share of the per-byte
// advances (a double-byte character takes the advances of both its bytes).
func decode8(b []byte, dx []float64, lf *logFont) ([]rune, []float64) {
	sym, other := lf.symbolFace()
	if sym || other {
		rs := make([]rune, len(b))
		for i, c := range b {
			switch {
			case other:
				rs[i] = 0xF000 | rune(c) // private use: no glyph, a box
			case symbolRunes[c] != 0:
				rs[i] = symbolRunes[c]
			default:
				rs[i] = rune(c)
			}
		}
		return rs, dx
	}
	enc := charsetEncodings[lf.charset]
	if enc == nil {
		enc = charmap.Windows1252
	}
	s, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		s = b
	}
	rs := []rune(string(s))
	if len(rs) == len(b) || len(dx) != len(b) {
		return rs, dx
	}
	// Give each rune the advances of the bytes it was encoded from.
	out := make([]float64, 0, len(rs))
	e := enc.NewEncoder()
	at := 0
	for _, r := range rs {
		n := 1
		if eb, err := e.Bytes([]byte(string(r))); err == nil && len(eb) > 0 {
			n = len(eb)
		}
		sum := 0.0
		for k := 0; k < n && at < len(dx); k++ {
			sum += dx[at]
			at++
		}
		out = append(out, sum)
	}
	return rs, out
}

// decode16 turns a UTF-16 string into runes; a Symbol face's private-use code points
// (U+F020..U+F0FF) are its 8-bit ones.
func decode16(b []byte, dx []float64, lf *logFont) ([]rune, []float64) {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = le.Uint16(b[2*i:])
	}
	sym, _ := lf.symbolFace()
	if sym {
		bs := make([]byte, len(u))
		for i, c := range u {
			bs[i] = byte(c)
		}
		return decode8(bs, dx, lf)
	}
	rs := utf16.Decode(u)
	if len(rs) != len(u) {
		dx = nil // surrogate pairs: the font's own advances
	}
	return rs, dx
}

// textOut draws runes from the reference point (logical) with the selected font, text
// colour and alignment; dx are the advances between characters in logical units when the
// record has them (it usually has, and they place the characters where the producer's
// font did even though the Go fonts' own widths differ).
func (p *player) textOut(x, y float64, rs []rune, dx []float64, opts uint32, rect *[4]float64) {
	s := &p.st
	p.res.Text++
	if rect != nil && opts&2 != 0 { // ETO_OPAQUE
		p.fillRect(rect[0], rect[1], rect[2], rect[3], &paint{c: s.bkClr})
	}
	if len(rs) == 0 {
		return
	}
	saved := s.clip
	if rect != nil && opts&4 != 0 { // ETO_CLIPPED
		s.clip = s.clip.clone()
		p.intersectClip(p.devRect(rect[0], rect[1], rect[2], rect[3]))
		defer func() { s.clip = saved }()
	}
	lf := s.font
	if lf == nil {
		lf = &logFont{}
	}
	f := lf.sfnt()
	var buf sfnt.Buffer
	upm := float64(f.UnitsPerEm())
	ppem := fixed.I(int(upm))
	m, err := f.Metrics(&buf, ppem, font.HintingNone)
	if err != nil {
		return
	}
	asc, desc := float64(m.Ascent)/64/upm, float64(m.Descent)/64/upm
	em := math.Abs(lf.height)
	switch {
	case lf.height > 0: // cell height: ascent + descent
		em = lf.height / (asc + desc)
	case lf.height == 0:
		em = 12 / math.Max(p.scale(), 1e-9) // a 12-pixel default
	}
	// The glyph's "down" follows the device: with a y-up mapping it is logical -y.
	o, d := p.toDev(0, 0), p.toDev(0, 1)
	sgn := 1.0
	if d.y < o.y {
		sgn = -1
	}
	a := lf.esc / 10 * math.Pi / 180
	ux := [2]float64{math.Cos(a), -sgn * math.Sin(a)}
	uy := [2]float64{math.Sin(a), sgn * math.Cos(a)}
	adv := make([]float64, len(rs))
	idx := make([]sfnt.GlyphIndex, len(rs))
	// inCJK marks the characters drawn from the system CJK font (cjk), for those the Go
	// font lacks.
	inCJK := make([]bool, len(rs))
	var cjk *sfnt.Font
	var cjkBuf sfnt.Buffer
	cjkLooked := false
	total := 0.0
	for i, r := range rs {
		g, _ := f.GlyphIndex(&buf, r)
		if fb, ok := glyphFallback[r]; ok && g == 0 {
			g, _ = f.GlyphIndex(&buf, fb)
		}
		if g == 0 && r > ' ' && bracketPieces[r] == nil && !p.lim.NoSystemFonts {
			if !cjkLooked {
				cjk, cjkLooked = lf.fallback(), true
			}
			if cjk != nil {
				if cg, err := cjk.GlyphIndex(&cjkBuf, r); err == nil && cg != 0 {
					g, inCJK[i] = cg, true
				}
			}
		}
		idx[i] = g
		switch {
		case i < len(dx):
			adv[i] = dx[i]
		case inCJK[i]:
			cu := float64(cjk.UnitsPerEm())
			if ga, err := cjk.GlyphAdvance(&cjkBuf, g, fixed.I(int(cu)), font.HintingNone); err == nil {
				adv[i] = float64(ga) / 64 / cu * em
			}
		default:
			if ga, err := f.GlyphAdvance(&buf, g, ppem, font.HintingNone); err == nil {
				adv[i] = float64(ga) / 64 / upm * em
			}
		}
		total += adv[i]
	}
	if s.textAlign&1 != 0 { // TA_UPDATECP
		x, y = s.cur[0], s.cur[1]
	}
	var shift, drop float64
	switch s.textAlign & 6 {
	case 2: // TA_RIGHT
		shift = -total
	case 6: // TA_CENTER
		shift = -total / 2
	}
	switch s.textAlign & 0x18 {
	case 0: // TA_TOP
		drop = asc * em
	case 8: // TA_BOTTOM
		drop = -desc * em
	}
	at := func(along, down float64) (float64, float64) {
		return x + (shift+along)*ux[0] + (drop+down)*uy[0], y + (shift+along)*ux[1] + (drop+down)*uy[1]
	}
	quad := func(along0, down0, along1, down1 float64) []pt {
		var xy []float64
		for _, c := range [][2]float64{{along0, down0}, {along1, down0}, {along1, down1}, {along0, down1}} {
			lx, ly := at(c[0], c[1])
			xy = append(xy, lx, ly)
		}
		return p.pts(xy)
	}
	if s.bkMode == 2 && opts&2 == 0 { // OPAQUE background behind the characters
		p.cv.fill([][]pt{quad(0, -asc*em, total, desc*em)}, false, &paint{c: s.bkClr}, &s.clip)
	}
	var polys [][]pt
	// A record of many characters is filled a batch at a time: what it holds at once
	// stays small however long its string, and each glyph's points are charged to the
	// work budget before they are made.
	held := 0
	flush := func() {
		p.cv.fill(polys, false, &paint{c: s.textColor}, &s.clip)
		polys, held = polys[:0], 0
	}
	pen := 0.0
	for i, g := range idx {
		r := rs[i]
		if held >= textBatch {
			flush()
		}
		if p.cv.work > p.cv.maxWork {
			break
		}
		if r > ' ' && r != 0xA0 && !(r >= 0x2000 && r <= 0x200B) {
			switch piece := bracketPieces[r]; {
			case g == 0 && piece != nil:
				// A piece of a tall bracket (Equation Editor matrices): no Go font has
				// them, and they are lines.
				p.res.Glyphs++
				polys = append(polys, p.bracketPiece(piece, pen, adv[i], -asc*em, desc*em, em, at)...)
				held += 4
				pen += adv[i]
				continue
			case inCJK[i]:
				p.res.Glyphs++
				p.res.Fallback++
				cu := float64(cjk.UnitsPerEm())
				if segs, err := cjk.LoadGlyph(&cjkBuf, g, fixed.I(int(cu)), nil); err == nil {
					polys = append(polys, p.glyphPolys(segs, cu, em, pen, at)...)
					held += len(segs)
				}
				pen += adv[i]
				continue
			case g == 0:
				p.res.Boxes++
			default:
				p.res.Glyphs++
			}
			if segs, err := f.LoadGlyph(&buf, g, ppem, nil); err == nil {
				polys = append(polys, p.glyphPolys(segs, upm, em, pen, at)...)
				held += len(segs)
			}
		}
		pen += adv[i]
	}
	if lf.underline {
		polys = append(polys, quad(0, em*0.1, total, em*0.15))
	}
	if lf.strike {
		polys = append(polys, quad(0, -em*0.3, total, -em*0.25))
	}
	flush()
	if s.textAlign&1 != 0 {
		s.cur[0], s.cur[1] = x+total*ux[0], y+total*ux[1]
	}
}

// textBatch is how many glyph outline segments a text record fills at a time.
const textBatch = 1 << 14

// glyphPolys flattens a glyph outline (font units at ppem = units per em, y down) placed
// at pen along the baseline into output-pixel polygons.
func (p *player) glyphPolys(segs sfnt.Segments, upm, em, pen float64, at func(along, down float64) (float64, float64)) [][]pt {
	var polys [][]pt
	var cur []pt
	var lx, ly float64
	k := em / upm
	put := func(fx, fy float64) {
		x, y := at(pen+fx/64*k, fy/64*k)
		cur = append(cur, p.toDev(x, y))
		lx, ly = fx, fy
	}
	steps := max(min(int(em*p.scale()/4), 12), 2)
	if !p.spend(len(segs) * steps) {
		return nil
	}
	for _, s := range segs {
		a := s.Args
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			if len(cur) > 2 {
				polys = append(polys, cur)
			}
			cur = nil
			put(float64(a[0].X), float64(a[0].Y))
		case sfnt.SegmentOpLineTo:
			put(float64(a[0].X), float64(a[0].Y))
		case sfnt.SegmentOpQuadTo:
			x0, y0 := lx, ly
			for i := 1; i <= steps; i++ {
				t := float64(i) / float64(steps)
				u := 1 - t
				put(u*u*x0+2*u*t*float64(a[0].X)+t*t*float64(a[1].X), u*u*y0+2*u*t*float64(a[0].Y)+t*t*float64(a[1].Y))
			}
		case sfnt.SegmentOpCubeTo:
			x0, y0 := lx, ly
			for i := 1; i <= steps; i++ {
				t := float64(i) / float64(steps)
				u := 1 - t
				b0, b1, b2, b3 := u*u*u, 3*u*u*t, 3*u*t*t, t*t*t
				put(b0*x0+b1*float64(a[0].X)+b2*float64(a[1].X)+b3*float64(a[2].X),
					b0*y0+b1*float64(a[0].Y)+b2*float64(a[1].Y)+b3*float64(a[2].Y))
			}
		}
	}
	if len(cur) > 2 {
		polys = append(polys, cur)
	}
	return polys
}

// faceName reads a LOGFONT face name: NUL-terminated, in the font's charset (ＭＳ 明朝 is
// Shift_JIS in a Japanese WMF) when not UTF-8.
func faceName(b []byte, charset int) string {
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		b = b[:i]
	}
	if !utf8.Valid(b) {
		enc := charsetEncodings[charset]
		if enc == nil {
			enc = charmap.Windows1252
		}
		s, err := enc.NewDecoder().Bytes(b)
		if err == nil {
			return string(s)
		}
	}
	return string(b)
}

// bracketPieces draw the pieces of tall parentheses and brackets the Symbol face has
// (U+239B..U+23A6) as lines in the character cell: x from 0 (left) to 1 (right) of the
// advance, y from 0 (top of the cell) to 1 (bottom); a piece whose first point has x < 0
// is a curve through its three points.
var bracketPieces = map[rune][][2]float64{
	'⎛': {{-0.75, 0}, {0.35, 0.35}, {0.35, 1}}, '⎜': {{0.35, 0}, {0.35, 1}}, '⎝': {{-0.35, 0}, {0.35, 0.65}, {0.75, 1}},
	'⎞': {{-0.25, 0}, {0.65, 0.35}, {0.65, 1}}, '⎟': {{0.65, 0}, {0.65, 1}}, '⎠': {{-0.65, 0}, {0.65, 0.65}, {0.25, 1}},
	'⎡': {{0.75, 0}, {0.35, 0}, {0.35, 1}}, '⎢': {{0.35, 0}, {0.35, 1}}, '⎣': {{0.35, 0}, {0.35, 1}, {0.75, 1}},
	'⎤': {{0.25, 0}, {0.65, 0}, {0.65, 1}}, '⎥': {{0.65, 0}, {0.65, 1}}, '⎦': {{0.65, 0}, {0.65, 1}, {0.25, 1}},
}

// bracketPiece strokes a piece in the cell from pen to pen+adv along the baseline and
// from top to bottom across it.
func (p *player) bracketPiece(piece [][2]float64, pen, adv, top, bottom, em float64, at func(along, down float64) (float64, float64)) [][]pt {
	pts := piece
	if piece[0][0] < 0 { // a curve: flatten the quadratic through the control point
		a, c, b := [2]float64{-piece[0][0], piece[0][1]}, piece[1], piece[2]
		pts = nil
		for i := range 9 {
			t := float64(i) / 8
			u := 1 - t
			pts = append(pts, [2]float64{u*u*a[0] + 2*u*t*c[0] + t*t*b[0], u*u*a[1] + 2*u*t*c[1] + t*t*b[1]})
		}
	}
	line := make([]pt, 0, len(pts))
	for _, q := range pts {
		x, y := at(pen+q[0]*adv, top+q[1]*(bottom-top))
		line = append(line, p.toDev(x, y))
	}
	if !p.spend(8 * len(line)) {
		return nil
	}
	return strokePolys(line, false, math.Max(em*0.06*p.scale(), 1))
}
