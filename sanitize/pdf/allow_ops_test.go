package pdf

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/image/font/sfnt"

	"github.com/sekisho/sekisho/sanitize"
)

// testBuilder is a builder for the parts that need no document: content streams and
// font programs.
func testBuilder() *builder {
	return &builder{
		ctx: context.Background(), b: sanitize.NewBudget(sanitize.Limits{}), opt: New(Options{}),
		memo: map[memoKey]ref{}, pageRefs: map[int]ref{}, pageNo: map[int]int{}, objStmCharged: map[int]int64{},
		fonts: map[[32]byte]fontResult{},
	}
}

// opCases are one valid use of each content operator, in an order that nests properly.
var opCases = map[string]string{
	"q": "q", "cm": "1 0 0 1 10 10 cm", "w": "2 w", "J": "1 J", "j": "1 j", "M": "4 M", "d": "[3 1] 0 d",
	"ri": "/Perceptual ri", "i": "1 i", "gs": "/G1 gs", "m": "0 0 m", "l": "10 10 l", "c": "1 2 3 4 5 6 c",
	"v": "1 2 3 4 v", "y": "1 2 3 4 y", "h": "h", "re": "0 0 10 10 re", "S": "S", "s": "s", "f": "f",
	"F": "F", "f*": "f*", "B": "B", "B*": "B*", "b": "b", "b*": "b*", "n": "n", "W": "W", "W*": "W*",
	"BT": "BT", "Tc": "1 Tc", "Tw": "1 Tw", "Tz": "100 Tz", "TL": "12 TL", "Tf": "/F1 12 Tf", "Tr": "0 Tr",
	"Ts": "0 Ts", "Td": "10 10 Td", "TD": "0 -12 TD", "Tm": "1 0 0 1 72 700 Tm", "T*": "T*", "Tj": "(a) Tj",
	"TJ": "[(a) -100 (b)] TJ", "'": "(c) '", "\"": "1 1 (d) \"", "ET": "ET", "d0": "500 0 d0",
	"d1": "500 0 0 0 10 10 d1", "CS": "/DeviceRGB CS", "cs": "/DeviceRGB cs", "SC": "1 0 0 SC",
	"SCN": "0 1 0 SCN", "sc": "0 0 1 sc", "scn": "/P1 scn", "G": "0.5 G", "g": "0.5 g", "RG": "1 0 0 RG",
	"rg": "0 1 0 rg", "K": "0 0 0 1 K", "k": "0 0 0 1 k", "sh": "/Sh1 sh", "Do": "/X1 Do", "MP": "/Tag MP",
	"DP": "/Tag /P1 DP", "BMC": "/Tag BMC", "BDC": "/Span /P1 BDC", "EMC": "EMC", "Q": "Q",
}

var opOrder = []string{"q", "cm", "w", "J", "j", "M", "d", "ri", "i", "gs", "m", "l", "c", "v", "y", "h", "re",
	"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n", "W", "W*", "BT", "Tc", "Tw", "Tz", "TL", "Tf", "Tr", "Ts",
	"Td", "TD", "Tm", "T*", "Tj", "TJ", "'", "\"", "ET", "d0", "d1", "CS", "cs", "SC", "SCN", "sc", "scn", "G", "g",
	"RG", "rg", "K", "k", "sh", "Do", "MP", "DP", "BMC", "BDC", "EMC", "Q"}

func TestContentOpsKeep(t *testing.T) {
	if len(opOrder) != len(opCases) {
		t.Fatalf("opOrder lists %d operators, opCases %d", len(opOrder), len(opCases))
	}
	var in strings.Builder
	for _, op := range opOrder {
		in.WriteString(opCases[op] + "\n")
	}
	in.WriteString("/Evil PS\nBX /x undefinedop EX\n%comment hidden\n")
	b := testBuilder()
	out, err := b.content([]byte(in.String()), "test")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for _, op := range opOrder {
		if !slices.Contains(lines, opCases[op]) {
			t.Errorf("%q did not survive; output:\n%s", opCases[op], out)
		}
	}
	for _, gone := range []string{"PS", "BX", "EX", "undefinedop", "comment"} {
		if bytes.Contains(out, []byte(gone)) {
			t.Errorf("%s survived", gone)
		}
	}
	if len(b.rep.order) != 1 || !strings.Contains(b.rep.order[0].detail, "PS, BX, undefinedop, EX") {
		t.Errorf("report %+v, want the dropped operators listed", b.rep.order)
	}
}

const markedContentCase = "/Span << /MCID 0 /ActualText (x) /Alt (a) /E (e) /Lang (ja) /Private (p) >> BDC (t) Tj EMC"

func TestMarkedContentKeys(t *testing.T) {
	out, err := testBuilder().content([]byte(markedContentCase), "test")
	if err != nil {
		t.Fatal(err)
	}
	for k := range markedContentKeys {
		if !bytes.Contains(out, []byte("/"+k+" ")) {
			t.Errorf("/%s did not survive: %s", k, out)
		}
	}
	if bytes.Contains(out, []byte("Private")) {
		t.Errorf("an unlisted property survived: %s", out)
	}
}

const calculatorCase = "{ 1 2 add abs 3 atan ceiling cos cvi cvr 2 div exp floor 3 idiv ln log 2 mod 2 mul neg round " +
	"sin sqrt 1 sub truncate 1 and 1 bitshift 1 eq false ge 1 gt 1 le 1 lt 1 ne not 1 or true xor " +
	"{ 1 } if { 2 } { 3 } ifelse 1 copy dup exch 0 index pop 2 1 roll }"

func TestCalculatorOps(t *testing.T) {
	out, ok := calculator([]byte(calculatorCase))
	if !ok {
		t.Fatal("calculator rejected the case")
	}
	for op := range calculatorOps {
		if !slices.Contains(strings.Fields(string(out)), op) {
			t.Errorf("%s did not survive", op)
		}
	}
	if _, ok := calculator([]byte("{ 1 2 add (x) print }")); ok {
		t.Error("a program with print was kept")
	}
	if _, ok := calculator([]byte("{ 1 2 add exec }")); ok {
		t.Error("a program with exec was kept")
	}
}

// inlineCases spell each inline image key (abbreviated and full) in an image that needs it.
var inlineCases = map[string]string{
	"W": "/W 2", "Width": "/Width 2", "H": "/H 2", "Height": "/Height 2", "BPC": "/BPC 8",
	"BitsPerComponent": "/BitsPerComponent 8", "CS": "/CS /G", "ColorSpace": "/ColorSpace /DeviceGray",
	"D": "/D [1 0]", "Decode": "/Decode [1 0]", "DP": "/DP << /Predictor 1 >>", "DecodeParms": "/DecodeParms << /Predictor 1 >>",
	"F": "/F /AHx", "Filter": "/Filter /AHx", "IM": "/IM false", "ImageMask": "/ImageMask false",
	"I": "/I true", "Interpolate": "/Interpolate true", "Intent": "/Intent /Perceptual", "L": "/L 9", "Length": "/Length 9",
}

func TestInlineImageKeys(t *testing.T) {
	for key, entry := range inlineCases {
		t.Run(key, func(t *testing.T) {
			d := map[string]string{"W": "/W 2", "H": "/H 2", "BPC": "/BPC 8", "CS": "/CS /G", "F": "/F /AHx"}
			d[strings.TrimSpace(map[string]string{"Width": "W", "Height": "H", "BitsPerComponent": "BPC",
				"ColorSpace": "CS", "Filter": "F"}[key])] = ""
			d[key] = entry
			var dict []string
			for _, v := range d {
				if v != "" {
					dict = append(dict, v)
				}
			}
			slices.Sort(dict)
			in := "q BI " + strings.Join(dict, " ") + " ID 0055AAFF> EI Q"
			b := testBuilder()
			out, err := b.content([]byte(in), "test")
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(out, []byte("BI /W 2 /H 2 /BPC 8")) || !bytes.Contains(out, []byte("0055AAFF>")) {
				t.Errorf("inline image with %s not rebuilt: %s (report %+v)", entry, out, b.rep.order)
			}
		})
	}
}

// TestInlineImageFlate decodes a Flate inline image and writes its samples as hex.
func TestInlineImageFlate(t *testing.T) {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte{0, 0x55, 0xAA, 0xFF})
	zw.Close()
	in := append([]byte("BI /W 2 /H 2 /BPC 8 /CS /G /F /Fl ID "), z.Bytes()...)
	in = append(in, "\nEI 0 g"...)
	out, err := testBuilder().content(in, "test")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte("/F /AHx ID\n0055AAFF>\nEI")) || !bytes.Contains(out, []byte("0 g")) {
		t.Errorf("output %q", out)
	}
}

// tableCases are the sfnt tables TestFontTables checks are kept.
var tableCases = []string{"head", "hhea", "hmtx", "maxp", "loca", "glyf", "cmap", "post", "OS/2", "vhea", "vmtx", "CFF "}

// TestFontTables rebuilds a real TrueType subset with vertical metrics and hinting added,
// and an OpenType font around a real CFF program: kept tables stay, hinting goes.
func TestFontTables(t *testing.T) {
	tt, _ := fontFile(t, "ja-multipage.pdf", "FontFile2")
	version, tables, err := readTables(tt)
	if err != nil {
		t.Fatal(err)
	}
	n := int(binary.BigEndian.Uint16(tables["maxp"][4:]))
	tables["vhea"] = make([]byte, 36)
	tables["vmtx"] = make([]byte, 4*n)
	binary.BigEndian.PutUint16(tables["vhea"][34:], uint16(n)) // numOfLongVerMetrics
	tables["fpgm"] = []byte{0xB0, 0x00}
	tables["prep"] = []byte{0xB0, 0x00}
	tables["name"] = []byte("author of the font")
	if tables["post"] == nil {
		tables["post"] = post3()
	}
	if tables["OS/2"] == nil {
		tables["OS/2"] = make([]byte, 78)
	}
	out, err := rebuildSFNT(writeTables(version, tables))
	if err != nil {
		t.Fatal(err)
	}
	_, got, err := readTables(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, tag := range tableCases[:len(tableCases)-1] {
		if got[tag] == nil {
			t.Errorf("table %q dropped", tag)
		}
	}
	for _, tag := range []string{"fpgm", "prep", "cvt ", "name"} {
		if got[tag] != nil {
			t.Errorf("table %q kept", tag)
		}
	}
	if binary.BigEndian.Uint16(got["maxp"][26:]) != 0 {
		t.Error("maxSizeOfInstructions not reset")
	}

	cff, _ := fontFile(t, "gs-fonts.pdf", "FontFile3")
	pf, err := parseCFF(cff)
	if err != nil {
		t.Fatal(err)
	}
	count := pf.numGlyphs
	head := make([]byte, 54)
	binary.BigEndian.PutUint16(head[18:], 1000)
	hhea := make([]byte, 36)
	binary.BigEndian.PutUint16(hhea[34:], 1)
	maxp := make([]byte, 6)
	binary.BigEndian.PutUint32(maxp, 0x00005000)
	binary.BigEndian.PutUint16(maxp[4:], uint16(count))
	otf := writeTables(0x4f54544f, map[string][]byte{"head": head, "hhea": hhea, "maxp": maxp,
		"hmtx": make([]byte, 4+2*(count-1)), "CFF ": cff, "cmap": emptyCmap(), "post": post3(), "GSUB": {1, 2}})
	out, err = rebuildSFNT(otf)
	if err != nil {
		t.Fatal(err)
	}
	_, got, err = readTables(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := rebuildCFF(cff)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got["CFF "], want) || got["GSUB"] != nil || got["cmap"] != nil {
		t.Errorf("OpenType rebuild: CFF rebuilt %v, GSUB kept %v, empty cmap kept %v", bytes.Equal(got["CFF "], want), got["GSUB"] != nil, got["cmap"] != nil)
	}
}

// TestActionLists keeps each web scheme, navigation name and destination view, and drops
// their neighbours.
func TestActionLists(t *testing.T) {
	var annots []string
	for s := range webSchemes {
		annots = append(annots, fmt.Sprintf("<< /Subtype /Link /Rect [0 0 1 1] /A << /S /URI /URI (%s:example.org) >> >>", s))
	}
	for n := range navigation {
		annots = append(annots, fmt.Sprintf("<< /Subtype /Link /Rect [0 0 1 1] /A << /S /Named /N /%s >> >>", n))
	}
	for v, n := range destViews {
		annots = append(annots, fmt.Sprintf("<< /Subtype /Link /Rect [0 0 1 1] /Dest [3 0 R /%s%s] >>", v, strings.Repeat(" 1", n)))
	}
	want := len(annots)
	annots = append(annots,
		"<< /Subtype /Link /Rect [0 0 1 1] /A << /S /URI /URI (ftp://example.org) >> >>",
		"<< /Subtype /Link /Rect [0 0 1 1] /A << /S /Named /N /SaveAs >> >>")
	p := basePDF("", "/Annots ["+strings.Join(annots, " ")+"]")
	data, _ := p.bytes("")
	out, res, err := run(t, New(Options{}), data)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"http:", "https:", "mailto:", "/NextPage", "/PrevPage", "/FirstPage", "/LastPage", "/FitBH", "/XYZ"} {
		if !bytes.Contains(out, []byte(s)) {
			t.Errorf("%s did not survive", s)
		}
	}
	for _, s := range []string{"ftp:", "SaveAs"} {
		if bytes.Contains(out, []byte(s)) {
			t.Errorf("%s survived", s)
		}
	}
	if got := bytes.Count(out, []byte("/Subtype /Link")); got != want+2 {
		t.Errorf("%d links, want %d (links stay, their actions go)", got, want+2)
	}
	if len(res.Actions) != 2 {
		t.Errorf("actions %v, want the two dropped actions", res.Actions)
	}
}

// TestCmapRebuild reads each kept subtable format and writes it again; sfnt, which shares
// no code with this package, must map every character of a real font the same way.
func TestCmapRebuild(t *testing.T) {
	tt, _ := fontFile(t, "ja-multipage.pdf", "FontFile2")
	_, tables, err := readTables(tt)
	if err != nil {
		t.Fatal(err)
	}
	n := int(binary.BigEndian.Uint16(tables["maxp"][4:]))
	// A synthetic table of every format read, plus format 14 (dropped): (1,0) format 6,
	// (3,1) format 4 with a glyph array, (3,10) format 12.
	f6 := []byte{0, 6, 0, 14, 0, 0, 0, 65, 0, 2, 0, 1, 0, 2}
	f4 := []byte{0, 4, 0, 36, 0, 0, 0, 4, 0, 4, 0, 1, 0, 0, // header, segCountX2 = 4
		0x30, 0x01, 0xFF, 0xFF, 0, 0, // endCode
		0x30, 0x00, 0xFF, 0xFF, // startCode
		0, 0, 0, 1, // idDelta
		0, 4, 0, 0, // idRangeOffset: the first segment reads the glyph array
		0, 3, 0, 4} // glyph array: U+3000 -> 3, U+3001 -> 4
	f12 := []byte{0, 12, 0, 0, 0, 0, 0, 28, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0xF0, 0, 0, 1, 0xF0, 1, 0, 0, 0, 5}
	f14 := []byte{0, 14, 0, 0, 0, 10, 0, 0, 0, 0}
	var syn []byte
	syn = binary.BigEndian.AppendUint16(syn, 0)
	syn = binary.BigEndian.AppendUint16(syn, 4)
	off := uint32(4 + 8*4)
	for _, st := range []struct {
		p, e uint16
		b    []byte
	}{{0, 5, f14}, {1, 0, f6}, {3, 1, f4}, {3, 10, f12}} {
		syn = binary.BigEndian.AppendUint16(syn, st.p)
		syn = binary.BigEndian.AppendUint16(syn, st.e)
		syn = binary.BigEndian.AppendUint32(syn, off)
		off += uint32(len(st.b))
	}
	syn = append(append(append(append(syn, f14...), f6...), f4...), f12...)
	out, err := rebuildCmap(syn, n)
	if err != nil {
		t.Fatal(err)
	}
	got := map[[2]uint16]map[uint32]uint16{}
	for i := range int(binary.BigEndian.Uint16(out[2:])) {
		rec := out[4+8*i:]
		m, ok, err := readCmapSub(out[binary.BigEndian.Uint32(rec[4:]):], n)
		if err != nil || !ok {
			t.Fatalf("subtable %d: %v", i, err)
		}
		got[[2]uint16{binary.BigEndian.Uint16(rec), binary.BigEndian.Uint16(rec[2:])}] = m
	}
	want := map[[2]uint16]map[uint32]uint16{
		{1, 0}:  {65: 1, 66: 2},
		{3, 1}:  {0x3000: 3, 0x3001: 4},
		{3, 10}: {0x1F000: 5, 0x1F001: 6},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rebuilt mappings %v, want %v", got, want)
	}

	// The real font: the same glyph for every BMP character, by sfnt's reading.
	if tables["cmap"] == nil {
		t.Skip("the sample font has no cmap")
	}
	before, err1 := sfnt.Parse(tt)
	rebuilt, err := rebuildSFNT(tt)
	if err != nil {
		t.Fatal(err)
	}
	after, err2 := sfnt.Parse(rebuilt)
	if err1 != nil || err2 != nil {
		t.Fatalf("sfnt: %v, %v", err1, err2)
	}
	var buf sfnt.Buffer
	mapped := 0
	for r := rune(0x20); r < 0xFFFF; r++ {
		g1, _ := before.GlyphIndex(&buf, r)
		g2, _ := after.GlyphIndex(&buf, r)
		if g1 != g2 {
			t.Fatalf("U+%04X: glyph %d before, %d after", r, g1, g2)
		}
		if g1 != 0 {
			mapped++
		}
	}
	if mapped == 0 {
		t.Error("the sample maps no character: the comparison proves nothing")
	}
}
