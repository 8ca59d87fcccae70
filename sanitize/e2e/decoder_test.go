package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

// decoderMarker sits in hostile samples where only a decoder in the recipient's software
// reads it: unused structures of a font program, bytes after a mesh's last patch, a font
// file inside a package. reparse fails an output that still holds it once its streams and
// entries are decoded (DESIGN.md section 3: bytes a decoder parses are re-encoded or
// re-serialised, never copied byte for byte).
const decoderMarker = "SEKISHO_DECODER_MARKER"

// markerIn reports the marker in one decoded part of an output.
func markerIn(data []byte, name string) []string {
	if bytes.Contains(data, []byte(decoderMarker)) {
		return []string{name + ": decoder-facing bytes copied (" + decoderMarker + ")"}
	}
	return nil
}

// pdfStreams returns the decoded data of the streams of a testdata PDF whose dictionary
// has key (with value, unless value is nil), read with qpdf's JSON output.
func pdfStreams(t testing.TB, rel, key string, value any) [][]byte {
	t.Helper()
	qpdf := testtool.Need(t, "qpdf")
	out, err := exec.Command(qpdf, "--json=2", "--json-stream-data=inline", "--decode-level=generalized", filepath.Join("..", "..", "testdata", rel)).Output()
	if err != nil {
		t.Fatalf("qpdf --json %s: %v", rel, err)
	}
	var doc struct {
		QPDF []map[string]json.RawMessage `json:"qpdf"`
	}
	if err := json.Unmarshal(out, &doc); err != nil || len(doc.QPDF) < 2 {
		t.Fatalf("qpdf --json %s: %v", rel, err)
	}
	var found [][]byte
	keys := make([]string, 0, len(doc.QPDF[1]))
	for k := range doc.QPDF[1] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		var o struct {
			Stream *struct {
				Dict map[string]any `json:"dict"`
				Data string         `json:"data"`
			} `json:"stream"`
		}
		if json.Unmarshal(doc.QPDF[1][k], &o) != nil || o.Stream == nil {
			continue
		}
		if v, ok := o.Stream.Dict[key]; !ok || value != nil && v != value {
			continue
		}
		data, err := base64.StdEncoding.DecodeString(o.Stream.Data)
		if err != nil {
			t.Fatal(err)
		}
		found = append(found, data)
	}
	if len(found) == 0 {
		t.Fatalf("no stream with %s %s in %s", key, value, rel)
	}
	return found
}

// fontPDF is a one-page document showing "ABC" in a simple font whose program is
// fontFile (FontFile2, or FontFile3 with subtype sub).
func fontPDF(key, sub string, program []byte) []byte {
	streamDict := fmt.Sprintf("<< /Length %d", len(program))
	if sub != "" {
		streamDict += " /Subtype /" + sub
	} else {
		streamDict += fmt.Sprintf(" /Length1 %d", len(program))
	}
	fontType := "Type1"
	if key == "FontFile2" {
		fontType = "TrueType"
	}
	return mkpdf(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		"<< /Length 34 >>\nstream\nBT /F1 24 Tf 10 40 Td (ABC) Tj ET\nendstream",
		"<< /Type /Font /Subtype /"+fontType+" /BaseFont /Sample /FirstChar 65 /LastChar 67 /Widths [600 600 600] /Encoding /WinAnsiEncoding /FontDescriptor 6 0 R >>",
		"<< /Type /FontDescriptor /FontName /Sample /Flags 32 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 /"+key+" 7 0 R >>",
		streamDict+" >>\nstream\n"+string(program)+"\nendstream",
	)
}

// sfntWith rewrites one table of an sfnt font (directory and offsets recomputed; the
// checksums do not matter to the sanitizer, which writes its own).
func sfntWith(t testing.TB, font []byte, tag string, change func([]byte) []byte) []byte {
	t.Helper()
	n := int(binary.BigEndian.Uint16(font[4:]))
	type table struct {
		tag  string
		data []byte
	}
	var tables []table
	for i := range n {
		rec := font[12+16*i:]
		off, size := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		data := font[off : off+size]
		if string(rec[:4]) == tag {
			data = change(bytes.Clone(data))
		}
		tables = append(tables, table{string(rec[:4]), data})
	}
	out := append([]byte{}, font[:12]...)
	out = append(out, make([]byte, 16*n)...)
	for i, tb := range tables {
		rec := out[12+16*i:]
		copy(rec, tb.tag)
		binary.BigEndian.PutUint32(rec[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(rec[12:], uint32(len(tb.data)))
		out = append(out, tb.data...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return out
}

// meshPDF paints a Coons patch mesh whose data is followed by tail.
func meshPDF(tail string) []byte {
	var patch []byte
	patch = append(patch, 0) // flag
	for _, p := range [][2]uint16{{10, 10}, {10, 40}, {10, 70}, {10, 100}, {40, 110}, {70, 90}, {100, 100}, {100, 70}, {100, 40}, {100, 10}, {70, 20}, {40, 0}} {
		patch = binary.BigEndian.AppendUint16(binary.BigEndian.AppendUint16(patch, p[0]*100), p[1]*100)
	}
	patch = append(patch, 0, 255, 60, 200)
	data := string(patch) + tail
	return mkpdf(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 120 120] /Contents 4 0 R /Resources << /Shading << /A 5 0 R >> >> >>",
		"<< /Length 30 >>\nstream\nq 0.01 0 0 0.01 0 0 cm /A sh Q\nendstream",
		fmt.Sprintf("<< /ShadingType 6 /ColorSpace /DeviceGray /BitsPerCoordinate 16 /BitsPerComponent 8 /BitsPerFlag 8 /Decode [0 65535 0 65535 0 1] /Length %d >>\nstream\n%s\nendstream", len(data), data),
	)
}

// withEntries copies a zip package and adds entries; change may edit entries by name.
func withEntries(t testing.TB, pkg []byte, change func(name string, body []byte) []byte, add ...zipEntry) []byte {
	t.Helper()
	var entries []zipEntry
	for _, e := range entriesOf(t, pkg) {
		if change != nil {
			body := change(e.name, []byte(e.body))
			if body == nil {
				continue
			}
			e.body = string(body)
		}
		entries = append(entries, e)
	}
	return mkzip(t, append(entries, add...)...)
}

// TestDecoderFacingBytes: bytes that only a decoder reads (font programs, mesh data, font
// files inside packages) are rebuilt or dropped, never copied. The marker must not
// survive decoding of the output by qpdf or the standard library's zip reader.
func TestDecoderFacingBytes(t *testing.T) {
	m := decoderMarker
	cff := pdfStreams(t, "pdf/gs-fonts.pdf", "/Subtype", "/Type1C")[0]
	tt := pdfStreams(t, "pdf/ja-multipage.pdf", "/Length1", nil)
	ttf := longest(tt)
	odtFont := append(bytes.Clone(ttf), m...)
	cases := []advCase{
		{"pdf/cff-font-bytes-after-the-program", "a.pdf", "", fontPDF("FontFile3", "Type1C", append(bytes.Clone(cff), m...)), "delivered", ""},
		{"pdf/cff-font-in-opentype-bytes-after", "a.pdf", "", fontPDF("FontFile3", "OpenType", openType(t, cff, m)), "delivered", ""},
		{"pdf/truetype-table-tails", "a.pdf", "", fontPDF("FontFile2", "", sfntWith(t, sfntWith(t, ttf, "hhea", func(b []byte) []byte { return append(b, m...) }),
			"maxp", func(b []byte) []byte { return append(b, m...) })), "delivered", ""},
		{"pdf/mesh-shading-bytes-after-the-patches", "a.pdf", "", meshPDF(m), "delivered", ""},
		{"odf/embedded-font-file", "a.odt", "", withEntries(t, readFile(t, "odf/memo.odt"), func(name string, body []byte) []byte {
			switch name {
			case "META-INF/manifest.xml":
				return bytes.Replace(body, []byte("</manifest:manifest>"), []byte(`<manifest:file-entry manifest:full-path="Fonts/Sample.ttf" manifest:media-type="application/x-font-ttf"/></manifest:manifest>`), 1)
			case "styles.xml":
				return bytes.Replace(body, []byte("<office:font-face-decls>"), []byte(`<office:font-face-decls><style:font-face style:name="Sample" svg:font-family="Sample"><svg:font-face-src><svg:font-face-uri xlink:href="Fonts/Sample.ttf" xlink:type="simple"><svg:font-face-format svg:string="truetype"/></svg:font-face-uri></svg:font-face-src></style:font-face>`), 1)
			}
			return body
		}, zipEntry{"Fonts/Sample.ttf", string(odtFont)}), "safe", ""},
		{"ooxml/embedded-font-odttf", "a.docx", "", withEntries(t, readFile(t, "ooxml/memo.docx"), func(name string, body []byte) []byte {
			switch name {
			case "[Content_Types].xml":
				return bytes.Replace(body, []byte("</Types>"), []byte(`<Default Extension="odttf" ContentType="application/vnd.openxmlformats-officedocument.obfuscatedFont"/></Types>`), 1)
			case "word/_rels/fontTable.xml.rels":
				return nil
			case "word/fontTable.xml":
				return bytes.Replace(body, []byte("</w:fonts>"), []byte(`<w:font w:name="Sample"><w:embedRegular r:id="rId1" w:fontKey="{00000000-0000-0000-0000-000000000000}"/></w:font></w:fonts>`), 1)
			}
			return body
		}, zipEntry{"word/fonts/font1.odttf", string(odtFont)},
			zipEntry{"word/_rels/fontTable.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="` + relsNS + `"><Relationship Id="rId1" Type="` + relBase + `font" Target="fonts/font1.odttf"/></Relationships>`}), "safe", ""},
		{"rtf/embedded-font", "a.rtf", "", []byte(`{\rtf1\ansi{\fonttbl{\f0\froman Sample{\*\fontemb\fttruetype{\*\fontfile Sample.ttf}` + fmt.Sprintf("%x", odtFont[:64]) + fmt.Sprintf("%x", m) + `}}}\f0 text}`), "safe", ""},
	}
	runCases(t, cases)
}

// longest returns the longest of bs.
func longest(bs [][]byte) []byte {
	var l []byte
	for _, b := range bs {
		if len(b) > len(l) {
			l = b
		}
	}
	return l
}

// openType wraps a bare CFF program, followed by tail, in an OpenType font with the
// tables a PDF renderer needs.
func openType(t testing.TB, cff []byte, tail string) []byte {
	t.Helper()
	n := cffGlyphs(t, cff) // maxp must agree with the program's CharStrings count
	u16 := func(v int) []byte { return binary.BigEndian.AppendUint16(nil, uint16(v)) }
	head := make([]byte, 54)
	binary.BigEndian.PutUint32(head, 0x00010000)
	binary.BigEndian.PutUint32(head[12:], 0x5F0F3CF5)
	copy(head[18:], u16(1000))
	hhea := make([]byte, 36)
	binary.BigEndian.PutUint32(hhea, 0x00010000)
	copy(hhea[34:], u16(n))
	maxp := append(binary.BigEndian.AppendUint32(nil, 0x00005000), u16(n)...)
	hmtx := make([]byte, 4*n)
	tables := []struct {
		tag  string
		data []byte
	}{{"CFF ", append(bytes.Clone(cff), tail...)}, {"head", head}, {"hhea", hhea}, {"hmtx", hmtx}, {"maxp", maxp}}
	out := binary.BigEndian.AppendUint32(nil, 0x4f54544f)
	out = append(out, u16(len(tables))...)
	out = append(out, 0, 0, 0, 0, 0, 0)
	dir := len(out)
	out = append(out, make([]byte, 16*len(tables))...)
	for i, tb := range tables {
		rec := out[dir+16*i:]
		copy(rec, tb.tag)
		binary.BigEndian.PutUint32(rec[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(rec[12:], uint32(len(tb.data)))
		out = append(out, tb.data...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return out
}

// cffGlyphs reads the CharStrings count of a CFF program: header, Name INDEX, Top DICT
// INDEX (its first DICT's operator 17), then the count at that offset.
func cffGlyphs(t testing.TB, b []byte) int {
	t.Helper()
	p := int(b[2])
	skip := func() []byte {
		count := int(binary.BigEndian.Uint16(b[p:]))
		if count == 0 {
			p += 2
			return nil
		}
		off := int(b[p+2])
		at := func(i int) int {
			v := 0
			for _, c := range b[p+3+i*off : p+3+(i+1)*off] {
				v = v<<8 | int(c)
			}
			return v
		}
		base := p + 3 + (count+1)*off - 1
		first := b[base+at(0) : base+at(1)]
		p = base + at(count)
		return first
	}
	skip()
	top := skip()
	var args []int
	for i := 0; i < len(top); {
		c := top[i]
		switch {
		case c == 17:
			return int(binary.BigEndian.Uint16(b[args[len(args)-1]:]))
		case c <= 21:
			args = args[:0]
			if c == 12 {
				i++
			}
			i++
		case c == 28:
			args = append(args, int(int16(binary.BigEndian.Uint16(top[i+1:]))))
			i += 3
		case c == 29:
			args = append(args, int(int32(binary.BigEndian.Uint32(top[i+1:]))))
			i += 5
		case c == 30:
			for i++; top[i]&0x0f != 0x0f && top[i]>>4 != 0x0f; i++ {
			}
			i++
			args = append(args, 0)
		case c <= 246:
			args = append(args, int(c)-139)
			i++
		case c <= 250:
			args = append(args, (int(c)-247)*256+int(top[i+1])+108)
			i += 2
		default:
			args = append(args, -(int(c)-251)*256-int(top[i+1])-108)
			i += 2
		}
	}
	t.Fatal("CFF without CharStrings")
	return 0
}
