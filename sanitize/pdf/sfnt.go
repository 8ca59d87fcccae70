package pdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// keptTables are the sfnt tables a PDF renderer needs from an embedded font: outlines,
// metrics, the character map and glyph names. Hinting programs (fpgm, prep, cvt), name
// strings, layout, colour, bitmap and SVG tables and anything unknown are not kept.
var keptTables = map[string]string{
	"head": "font header, rewritten",
	"hhea": "horizontal metrics header",
	"hmtx": "horizontal metrics",
	"maxp": "glyph count, rewritten",
	"loca": "glyph offsets, rebuilt",
	"glyf": "TrueType outlines, rebuilt without instructions",
	"CFF ": "CFF outlines, checked by sfnt's charstring interpreter",
	"cmap": "character to glyph map (simple TrueType fonts use it), read and written again",
	"post": "glyph names (encodings by glyph name use them), read and written again",
	"OS/2": "metrics and classification",
	"vhea": "vertical metrics header (vertical Japanese text)",
	"vmtx": "vertical metrics (vertical Japanese text)",
}

const maxFontTables = 64

type sfntTable struct {
	tag  string
	data []byte
}

// readTables splits an sfnt file into its tables, checking every bound.
func readTables(data []byte) (uint32, map[string][]byte, error) {
	if len(data) < 12 {
		return 0, nil, errors.New("too short")
	}
	version := binary.BigEndian.Uint32(data)
	switch version {
	case 0x00010000, 0x74727565, 0x4f54544f: // TrueType, 'true', 'OTTO'
	default:
		return 0, nil, errors.New("not an sfnt font")
	}
	n := int(binary.BigEndian.Uint16(data[4:]))
	if n == 0 || n > maxFontTables || len(data) < 12+16*n {
		return 0, nil, errors.New("bad table directory")
	}
	tables := map[string][]byte{}
	for i := range n {
		rec := data[12+16*i:]
		tag := string(rec[:4])
		off, size := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		if uint64(off)+uint64(size) > uint64(len(data)) {
			return 0, nil, fmt.Errorf("table %q out of bounds", tag)
		}
		if _, dup := tables[tag]; dup {
			return 0, nil, fmt.Errorf("table %q twice", tag)
		}
		tables[tag] = data[off : off+size]
	}
	return version, tables, nil
}

// writeTables assembles an sfnt file with sorted, aligned tables and fresh checksums.
func writeTables(version uint32, tables map[string][]byte) []byte {
	tags := slices.Sorted(dictKeys(tables))
	n := len(tags)
	// Binary search fields of the table directory.
	sr, es := 1, 0
	for sr*2 <= n {
		sr *= 2
		es++
	}
	out := make([]byte, 12+16*n)
	binary.BigEndian.PutUint32(out, version)
	binary.BigEndian.PutUint16(out[4:], uint16(n))
	binary.BigEndian.PutUint16(out[6:], uint16(sr*16))
	binary.BigEndian.PutUint16(out[8:], uint16(es))
	binary.BigEndian.PutUint16(out[10:], uint16(n*16-sr*16))
	headAt := -1
	for i, tag := range tags {
		t := tables[tag]
		off := len(out)
		if tag == "head" && len(t) >= 12 {
			headAt = off
			t = slices.Clone(t)
			binary.BigEndian.PutUint32(t[8:], 0)
		}
		rec := out[12+16*i:]
		copy(rec, tag)
		binary.BigEndian.PutUint32(rec[4:], checksum(t))
		binary.BigEndian.PutUint32(rec[8:], uint32(off))
		binary.BigEndian.PutUint32(rec[12:], uint32(len(t)))
		out = append(out, t...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	if headAt >= 0 {
		binary.BigEndian.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	}
	return out
}

func checksum(b []byte) uint32 {
	var s uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		s += binary.BigEndian.Uint32(w[:])
	}
	return s
}

// rebuildSFNT checks a TrueType or OpenType program with sfnt and writes it again from
// keptTables, TrueType outlines without their instructions.
func rebuildSFNT(data []byte) ([]byte, error) {
	version, tables, err := readTables(data)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for tag, t := range tables {
		if _, ok := keptTables[tag]; ok {
			out[tag] = t
		}
	}
	for _, tag := range []string{"head", "hhea", "hmtx", "maxp"} {
		if out[tag] == nil {
			return nil, fmt.Errorf("no %s table", tag)
		}
	}
	if len(out["head"]) != 54 {
		return nil, errors.New("bad head table")
	}
	if err := fitHmtx(out); err != nil {
		return nil, err
	}
	if out["cmap"] != nil {
		c, err := rebuildCmap(out["cmap"], int(binary.BigEndian.Uint16(out["maxp"][4:])))
		if err != nil {
			return nil, err
		}
		out["cmap"] = c
		if c == nil {
			delete(out, "cmap")
		}
	}
	if err := trimTables(out); err != nil {
		return nil, err
	}
	if version == 0x4f54544f {
		if out["CFF "] == nil {
			return nil, errors.New("no CFF table")
		}
		c, err := rebuildCFF(out["CFF "])
		if err != nil {
			return nil, err
		}
		out["CFF "] = c
		delete(out, "glyf")
		delete(out, "loca")
	} else {
		delete(out, "CFF ")
		if out["glyf"] == nil || out["loca"] == nil {
			return nil, errors.New("no glyf table")
		}
		if err := stripInstructions(out); err != nil {
			return nil, err
		}
	}
	if err := check(version, out); err != nil {
		return nil, err
	}
	return writeTables(version, out), nil
}

// check parses the font with sfnt, adding a neutral cmap and post table where the
// program has none (PDF subsets often omit them), and loads every glyph.
func check(version uint32, tables map[string][]byte) error {
	probe := map[string][]byte{}
	for k, v := range tables {
		probe[k] = v
	}
	if probe["cmap"] == nil {
		probe["cmap"] = emptyCmap()
	}
	if probe["post"] == nil {
		probe["post"] = post3()
	}
	f, err := sfnt.Parse(writeTables(version, probe))
	if err != nil {
		return err
	}
	n := f.NumGlyphs()
	if n <= 0 || n > 65535 {
		return fmt.Errorf("%d glyphs", n)
	}
	var buf sfnt.Buffer
	ppem := fixed.I(int(f.UnitsPerEm()))
	for i := range n {
		if _, err := f.LoadGlyph(&buf, sfnt.GlyphIndex(i), ppem, nil); err != nil {
			return fmt.Errorf("glyph %d: %v", i, err)
		}
	}
	return nil
}

// emptyCmap is a cmap with one Windows Unicode format 4 subtable mapping nothing.
func emptyCmap() []byte {
	b := make([]byte, 12+24)
	binary.BigEndian.PutUint16(b[2:], 1)  // one subtable
	binary.BigEndian.PutUint16(b[4:], 3)  // Windows
	binary.BigEndian.PutUint16(b[6:], 1)  // Unicode BMP
	binary.BigEndian.PutUint32(b[8:], 12) // offset
	s := b[12:]
	binary.BigEndian.PutUint16(s[0:], 4)       // format
	binary.BigEndian.PutUint16(s[2:], 24)      // length
	binary.BigEndian.PutUint16(s[6:], 2)       // segCountX2
	binary.BigEndian.PutUint16(s[8:], 2)       // searchRange
	binary.BigEndian.PutUint16(s[14:], 0xFFFF) // endCode
	binary.BigEndian.PutUint16(s[18:], 0xFFFF) // startCode
	binary.BigEndian.PutUint16(s[20:], 1)      // idDelta
	return b
}

func post3() []byte {
	b := make([]byte, 32)
	binary.BigEndian.PutUint32(b, 0x30000)
	return b
}

// stripInstructions rebuilds glyf and loca with every glyph's hinting instructions
// removed and long offsets, and sets head and maxp to match.
func stripInstructions(t map[string][]byte) error {
	head, maxp := slices.Clone(t["head"]), slices.Clone(t["maxp"])
	if len(maxp) < 6 {
		return errors.New("bad maxp table")
	}
	n := int(binary.BigEndian.Uint16(maxp[4:]))
	long := binary.BigEndian.Uint16(head[50:]) != 0
	loca, glyf := t["loca"], t["glyf"]
	at := func(i int) (int, bool) {
		if long {
			if 4*i+4 > len(loca) {
				return 0, false
			}
			return int(binary.BigEndian.Uint32(loca[4*i:])), true
		}
		if 2*i+2 > len(loca) {
			return 0, false
		}
		return 2 * int(binary.BigEndian.Uint16(loca[2*i:])), true
	}
	newGlyf := make([]byte, 0, len(glyf))
	newLoca := make([]byte, 4*(n+1))
	for i := range n {
		start, ok1 := at(i)
		end, ok2 := at(i + 1)
		if !ok1 || !ok2 || start > end || end > len(glyf) {
			return fmt.Errorf("glyph %d: bad location", i)
		}
		binary.BigEndian.PutUint32(newLoca[4*i:], uint32(len(newGlyf)))
		if end > start {
			g, err := stripGlyph(glyf[start:end])
			if err != nil {
				return fmt.Errorf("glyph %d: %v", i, err)
			}
			newGlyf = append(newGlyf, g...)
			for len(newGlyf)%4 != 0 {
				newGlyf = append(newGlyf, 0)
			}
		}
	}
	binary.BigEndian.PutUint32(newLoca[4*n:], uint32(len(newGlyf)))
	binary.BigEndian.PutUint16(head[50:], 1)
	if len(maxp) >= 32 {
		binary.BigEndian.PutUint16(maxp[26:], 0) // maxSizeOfInstructions
	}
	t["head"], t["maxp"], t["loca"], t["glyf"] = head, maxp, newLoca, newGlyf
	return nil
}

// stripGlyph returns a glyph record without instructions (TrueType glyf table format).
func stripGlyph(g []byte) ([]byte, error) {
	if len(g) < 10 {
		return nil, errors.New("short glyph")
	}
	nc := int(int16(binary.BigEndian.Uint16(g)))
	if nc < 0 {
		return stripComposite(g)
	}
	p := 10 + 2*nc
	if p+2 > len(g) {
		return nil, errors.New("short glyph")
	}
	points := 0
	if nc > 0 {
		points = int(binary.BigEndian.Uint16(g[p-2:])) + 1
	}
	ilen := int(binary.BigEndian.Uint16(g[p:]))
	q := p + 2 + ilen
	if q > len(g) {
		return nil, errors.New("short instructions")
	}
	// Walk the flags to find how many coordinate bytes follow.
	xBytes, yBytes := 0, 0
	flagsStart := q
	for seen := 0; seen < points; {
		if q >= len(g) {
			return nil, errors.New("short flags")
		}
		f := g[q]
		q++
		repeat := 1
		if f&0x08 != 0 {
			if q >= len(g) {
				return nil, errors.New("short flags")
			}
			repeat += int(g[q])
			q++
		}
		for range repeat {
			switch {
			case f&0x02 != 0:
				xBytes++
			case f&0x10 == 0:
				xBytes += 2
			}
			switch {
			case f&0x04 != 0:
				yBytes++
			case f&0x20 == 0:
				yBytes += 2
			}
		}
		seen += repeat
	}
	end := q + xBytes + yBytes
	if end > len(g) {
		return nil, errors.New("short coordinates")
	}
	out := make([]byte, 0, end-ilen)
	out = append(out, g[:p]...)
	out = append(out, 0, 0)
	out = append(out, g[flagsStart:end]...)
	return out, nil
}

func stripComposite(g []byte) ([]byte, error) {
	out := slices.Clone(g[:10])
	p := 10
	for {
		if p+4 > len(g) {
			return nil, errors.New("short component")
		}
		flags := binary.BigEndian.Uint16(g[p:])
		size := 4
		if flags&0x0001 != 0 {
			size += 4
		} else {
			size += 2
		}
		switch {
		case flags&0x0008 != 0:
			size += 2
		case flags&0x0040 != 0:
			size += 4
		case flags&0x0080 != 0:
			size += 8
		}
		if p+size > len(g) {
			return nil, errors.New("short component")
		}
		c := slices.Clone(g[p : p+size])
		binary.BigEndian.PutUint16(c, flags&^0x0100) // WE_HAVE_INSTRUCTIONS
		out = append(out, c...)
		p += size
		if flags&0x0020 == 0 { // MORE_COMPONENTS
			return out, nil
		}
	}
}

// fitHmtx writes hmtx at exactly the length hhea and maxp give it (producers such as
// Ghostscript pad it); short tables are padded with zero metrics.
func fitHmtx(t map[string][]byte) error {
	hhea, maxp := t["hhea"], t["maxp"]
	if len(hhea) < 36 || len(maxp) < 6 {
		return errors.New("bad hhea or maxp table")
	}
	nh, ng := int(binary.BigEndian.Uint16(hhea[34:])), int(binary.BigEndian.Uint16(maxp[4:]))
	if nh == 0 || nh > ng {
		return errors.New("bad numberOfHMetrics")
	}
	want := 4*nh + 2*(ng-nh)
	h := make([]byte, want)
	copy(h, t["hmtx"])
	t["hmtx"] = h
	return nil
}
