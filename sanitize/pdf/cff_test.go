package pdf

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

// marker is what a hostile font program carries where no glyph uses it: the bytes a
// font engine exploit would sit in. No run of it may reach an output.
const marker = "FONT_PAYLOAD_MARKER"

// hostileCFF assembles a bare CFF program by hand (so offsets point where the test says,
// not where cff_write.go would put them): one glyph drawn through a local subroutine,
// with the marker in a string only Notice and Copyright name, an unused global
// subroutine, the tail of the used subroutine after its return, the gap before
// CharStrings and after the end; the Private DICT has hints. None of it is kept.
func hostileCFF(t *testing.T) []byte {
	t.Helper()
	m := []byte(marker)
	// Local subroutine 0 (bias 107 for fewer than 1240 subrs: called as -107): a box.
	subr := []byte{139 + 100, 139, 5, 139, 139 + 100, 5, 139 - 100, 139, 5, 11} // rlineto x3, return
	subr = append(subr, m...)
	glyph := []byte{139 + 50, 139, 139, 21, 139 - 107, 10, 14} // width 50, rmoveto 0 0, callsubr -107, endchar
	notdef := []byte{14}
	private := func(subrsAt int) []byte {
		b := []byte{139, 20, 139, 21}          // defaultWidthX 0, nominalWidthX 0
		b = append(b, 139+10, 139+20, 6)       // BlueValues 10 20 (hints: not kept)
		b = dictOp(dictOffset(b, subrsAt), 19) // Subrs, relative to the Private DICT
		return b
	}
	top := func(charset, cs, priv, privLen int) []byte {
		var b []byte
		b = dictOp(dictNum(b, 391), 1)    // Notice: the marker string (not kept)
		b = dictOp(dictNum(b, 391), 1200) // Copyright: the same
		b = dictOp(dictNum(b, 4711), 13)  // UniqueID (not kept)
		b = dictOp(dictOffset(b, charset), 15)
		b = dictOp(dictOffset(b, cs), 17)
		b = dictOp(dictOffset(dictOffset(b, privLen), priv), 18)
		return b
	}
	head := append([]byte{1, 0, 4, 4}, cffIndexBytes([][]byte{[]byte("Hostile")})...)
	topLen := len(cffIndexBytes([][]byte{top(0, 0, 0, 0)}))
	rest := cffIndexBytes([][]byte{m, []byte("box")}) // strings: 391 the marker, 392 "box"
	rest = append(rest, cffIndexBytes([][]byte{append([]byte{11}, m...)})...)
	at := len(head) + topLen
	charset := at + len(rest)
	rest = append(rest, 0, 0x01, 0x88) // format 0: glyph 1 is SID 392
	rest = append(rest, m...)          // a gap nothing points into
	cs := at + len(rest)
	rest = append(rest, cffIndexBytes([][]byte{notdef, glyph})...)
	priv := at + len(rest)
	privLen := len(private(0))
	rest = append(rest, private(privLen)...)
	rest = append(rest, cffIndexBytes([][]byte{subr})...)
	rest = append(rest, m...) // after the end
	out := append(append(head, cffIndexBytes([][]byte{top(charset, cs, priv, privLen)})...), rest...)
	if _, err := parseCFF(out); err != nil {
		t.Fatalf("hostile CFF does not parse: %v", err)
	}
	return out
}

// TestCFFRebuildDropsUnusedBytes: none of the hostile program's marker copies survives,
// the glyph keeps its outline and width, and its name and the charset stay.
func TestCFFRebuildDropsUnusedBytes(t *testing.T) {
	in := hostileCFF(t)
	if n := bytes.Count(in, []byte(marker)); n != 5 {
		t.Fatalf("hostile program carries the marker %d times, want 5", n)
	}
	out, err := rebuildCFF(in)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte(marker)) || bytes.Contains(out, []byte("PAYLOAD")) {
		t.Errorf("rebuilt program keeps the marker: %q", out)
	}
	f, err := parseCFF(out)
	if err != nil {
		t.Fatal(err)
	}
	if f.name != "Hostile" || len(f.charset) != 1 || string(f.strings[f.charset[0]-cffStdStrings]) != "box" {
		t.Errorf("rebuilt font: name %q, charset %v, strings %q", f.name, f.charset, f.strings)
	}
	if len(f.strings) != 1 {
		t.Errorf("rebuilt font keeps strings %q, want only the glyph name", f.strings)
	}
	if w := cffWidth(f.src[1], cffPrivate{}); w != 50 {
		t.Errorf("glyph width %v, want 50", w)
	}
	// The box, without the subroutine: rmoveto 0 0, three lines, the closing line.
	want := []byte{139 + 50, 139, 139, 21, 139 + 100, 139, 139, 139 + 100, 139 - 100, 139, 139, 139 - 100, 5, 14}
	if !bytes.Equal(f.src[1], want) {
		t.Errorf("glyph 1 = % x, want % x", f.src[1], want)
	}
}

// TestCFFRebuildRealPrograms rebuilds the CFF programs of real producers (Ghostscript's
// Type 1C subsets, cairo's CID-keyed subset of Noto Sans CJK) with the marker appended:
// each still parses with the same glyphs, and is a fixed point of the rebuild.
func TestCFFRebuildRealPrograms(t *testing.T) {
	for _, file := range []string{"gs-fonts.pdf", "cairo-cid-cff.pdf"} {
		t.Run(file, func(t *testing.T) {
			in, _ := fontFile(t, file, "FontFile3")
			src, err := parseCFF(in)
			if err != nil {
				t.Fatal(err)
			}
			out, err := rebuildCFF(append(bytes.Clone(in), marker...))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(out, []byte(marker)) {
				t.Error("rebuilt program keeps the bytes after the end")
			}
			got, err := parseCFF(out)
			if err != nil {
				t.Fatal(err)
			}
			if got.numGlyphs != src.numGlyphs || got.cid != src.cid || got.name != src.name || len(got.charset) != len(src.charset) {
				t.Errorf("rebuilt: %d glyphs, cid %v, name %q; source: %d, %v, %q", got.numGlyphs, got.cid, got.name, src.numGlyphs, src.cid, src.name)
			}
			again, err := rebuildCFF(out)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, out) {
				t.Error("rebuild is not a fixed point")
			}
		})
	}
}

// TestSFNTTablesDropUnusedBytes puts the marker after the defined fields of hhea, maxp,
// OS/2 and vhea, after vmtx's metrics and among post's glyph names (unused, and used by
// no glyph): the rebuilt TrueType program keeps none of it.
func TestSFNTTablesDropUnusedBytes(t *testing.T) {
	tt, _ := fontFile(t, "ja-multipage.pdf", "FontFile2")
	version, tables, err := readTables(tt)
	if err != nil {
		t.Fatal(err)
	}
	n := int(binary.BigEndian.Uint16(tables["maxp"][4:]))
	m := []byte(marker)
	tables["hhea"] = append(bytes.Clone(tables["hhea"][:36]), m...)
	tables["maxp"] = append(bytes.Clone(tables["maxp"]), m...)
	os2 := make([]byte, 96)
	binary.BigEndian.PutUint16(os2, 3)
	tables["OS/2"] = append(os2, m...)
	vhea := make([]byte, 36)
	binary.BigEndian.PutUint16(vhea[34:], uint16(n))
	tables["vhea"] = append(vhea, m...)
	tables["vmtx"] = append(make([]byte, 4*n), m...)
	post := make([]byte, 32)
	binary.BigEndian.PutUint32(post, 0x00020000)
	post = binary.BigEndian.AppendUint16(post, uint16(n))
	for g := range n {
		post = binary.BigEndian.AppendUint16(post, uint16(258+g%2)) // every glyph "a" or "b"
	}
	post = append(post, 1, 'a', 1, 'b', byte(len(m)))
	tables["post"] = append(post, m...) // a third name no glyph uses
	out, err := rebuildSFNT(writeTables(version, tables))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, m) {
		t.Errorf("rebuilt TrueType program keeps the marker")
	}
	_, got, err := readTables(out)
	if err != nil {
		t.Fatal(err)
	}
	for tag, size := range map[string]int{"hhea": 36, "OS/2": 96, "vhea": 36, "vmtx": 4 * n} {
		if len(got[tag]) != size {
			t.Errorf("table %q is %d bytes, want %d", tag, len(got[tag]), size)
		}
	}
	if p := got["post"]; binary.BigEndian.Uint32(p) != 0x00020000 || !bytes.HasSuffix(p, []byte{1, 'a', 1, 'b'}) {
		t.Errorf("post names not kept: % x", p[min(len(p), 34+2*n):])
	}
}

// TestFontMarkerThroughPDF follows a marker-carrying CFF program through the whole
// sanitizer: qpdf expands the output's streams, and neither the marker nor the program's
// unused structures are there.
func TestFontMarkerThroughPDF(t *testing.T) {
	qpdf := testtool.Need(t, "qpdf")
	cff := hostileCFF(t)
	p := basePDF("", "")
	ff := p.add(stream("/Subtype /Type1C", cff, true))
	p.objs[3] = stream("", []byte("BT /F1 50 Tf 10 10 Td (AAA) Tj ET"), false)
	p.objs[4] = fmt.Sprintf(`<< /Type /Font /Subtype /Type1 /BaseFont /Hostile /FirstChar 65 /LastChar 65
		/Widths [50] /Encoding << /Differences [65 /box] >> /FontDescriptor << /Type /FontDescriptor
		/FontName /Hostile /Flags 4 /FontBBox [0 0 100 100] /ItalicAngle 0 /Ascent 100 /Descent 0
		/CapHeight 100 /StemV 10 /FontFile3 %d 0 R >> >>`, ff)
	data, _ := p.bytes("")
	out, res, err := run(t, New(Options{}), data)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in, exp := filepath.Join(dir, "out.pdf"), filepath.Join(dir, "expanded.pdf")
	if err := os.WriteFile(in, out, 0o644); err != nil {
		t.Fatal(err)
	}
	if msg, err := exec.Command(qpdf, "--qdf", "--object-streams=disable", "--decode-level=all", in, exp).CombinedOutput(); err != nil {
		t.Fatalf("qpdf: %v\n%s", err, msg)
	}
	expanded := readFile(t, exp)
	if !bytes.Contains(expanded, []byte("/FontFile3")) {
		t.Fatalf("the font program was dropped (%v); the test needs it kept", res.Actions)
	}
	if bytes.Contains(expanded, []byte(marker)) {
		t.Error("the marker reaches the output")
	}
}
