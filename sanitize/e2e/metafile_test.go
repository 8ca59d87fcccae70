package e2e

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"math"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// emfOf builds an EMF of w x h device pixels (10 per millimetre, so at 254 dpi one
// logical unit is one output pixel) from records of 32-bit fields and byte strings.
func emfOf(w, h int32, recs ...[]any) []byte {
	le := binary.LittleEndian
	var body []byte
	for _, r := range recs {
		var p []byte
		for _, v := range r[1:] {
			switch x := v.(type) {
			case int:
				p = le.AppendUint32(p, uint32(int32(x)))
			case float32:
				p = le.AppendUint32(p, math.Float32bits(x))
			case []byte:
				p = append(p, x...)
			}
		}
		for len(p)%4 != 0 {
			p = append(p, 0)
		}
		body = le.AppendUint32(body, uint32(r[0].(int)))
		body = le.AppendUint32(body, uint32(8+len(p)))
		body = append(body, p...)
	}
	hd := make([]byte, 88)
	le.PutUint32(hd[0:], 1)
	le.PutUint32(hd[4:], 88)
	le.PutUint32(hd[16:], uint32(w))
	le.PutUint32(hd[20:], uint32(h))
	le.PutUint32(hd[32:], uint32(w*10))
	le.PutUint32(hd[36:], uint32(h*10))
	copy(hd[40:], " EMF")
	le.PutUint32(hd[44:], 0x10000)
	le.PutUint16(hd[56:], 16)
	le.PutUint32(hd[72:], 1000)
	le.PutUint32(hd[76:], 1000)
	le.PutUint32(hd[80:], 100)
	le.PutUint32(hd[84:], 100)
	out := append(hd, body...)
	out = append(out, 14, 0, 0, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0)
	le.PutUint32(out[48:], uint32(len(out)))
	return out
}

// emfClipExclusions: 256 excluded clip rectangles, then full-picture fills, each pixel of
// which is tested against all of them (10 KB).
func emfClipExclusions() []byte {
	recs := [][]any{{39, 1, 0, 0xff0000, 0}, {37, 1}} // blue brush, selected
	for i := range 256 {
		recs = append(recs, []any{29, 3000 + i, 3000, 3001 + i, 3001})
	}
	for range 30 {
		recs = append(recs, []any{43, 0, 0, 2048, 2048})
	}
	return emfOf(2048, 2048, recs...)
}

// emfManyGlyphs: one EXTTEXTOUTW of 20,000 characters at one place, 200 units high (120 KB).
func emfManyGlyphs() []byte {
	face := make([]byte, 64)
	copy(face, []byte{'A', 0, 'r', 0, 'i', 0, 'a', 0, 'l', 0})
	const n = 20000
	s := bytes.Repeat([]byte{'@', 0}, n)
	return emfOf(100, 60,
		[]any{82, 1, -200, 0, 0, 0, 400, make([]byte, 8), face}, []any{37, 1}, []any{18, 1}, []any{22, 24},
		[]any{84, 0, 0, 0, 0, 1, float32(1), float32(1), 10, 30, n, 76, 0, 0, 0, 0, 0, 76 + 2*n, s, make([]byte, 4*n)})
}

// withPicture replaces a package's first PNG picture part with data.
func withPicture(t *testing.T, pkg []byte, data []byte) []byte {
	t.Helper()
	es := entriesOf(t, pkg)
	for i := range es {
		if strings.HasSuffix(es[i].name, ".png") {
			es[i].body = string(data)
			return mkzip(t, es...)
		}
	}
	t.Fatal("no PNG picture in the package")
	return nil
}

// TestMetafileAmplifiers: a metafile picture whose records multiply the renderer's work
// (sanitize/img/metafile TestWorkBounded) is refused at the drawing-work limit, and the
// document it sits in is delivered without it, with the limit as the reason: a picture
// the gateway will not draw costs the picture, not the document, and not minutes of CPU.
func TestMetafileAmplifiers(t *testing.T) {
	docx, odt := readFile(t, "ooxml/report.docx"), readFile(t, "odf/report.odt")
	excl, glyphs := emfClipExclusions(), emfManyGlyphs()
	rtf := []byte(`{\rtf1\ansi{\fonttbl{\f0 Arial;}}\f0 before {\pict\emfblip\picw54187\pich54187\picwgoal2880\pichgoal2880 ` +
		hex.EncodeToString(excl) + `} after\par}`)
	cases := []advCase{
		{"metafile/docx-emf-clip-exclusions", "report.docx", "", withPicture(t, docx, excl), "delivered", "report.docx"},
		{"metafile/docx-emf-many-glyphs", "report.docx", "", withPicture(t, docx, glyphs), "delivered", "report.docx"},
		{"metafile/odt-emf-clip-exclusions", "report.odt", "", withPicture(t, odt, excl), "delivered", "report.odt"},
		{"metafile/rtf-emfblip-clip-exclusions", "memo.rtf", "", rtf, "delivered", "memo.rtf"},
	}
	runCases(t, cases)
	e := newEngine(t, sanitize.Limits{})
	for _, c := range cases {
		_, res := run(t, e, c.file, c.declared, c.data)
		found := false
		for _, a := range res.Actions {
			found = found || strings.Contains(a.Detail, "metafile drawing work")
		}
		if !found {
			t.Errorf("%s: no action names the drawing-work limit: %s", c.name, summarize(res))
		}
	}
}

// TestMetafileRenameReferences: a WMF picture drawn into a PNG is renamed (image1.wmf
// becomes a .png), and every reference follows: relative, absolute and percent-encoded
// relationship targets, with a picture already named image1.png (in another case) beside
// it and an Override declaring the old part. Judged with the standard zip reader: each
// internal target names a part that exists, every picture is declared image/png, no
// metafile part or type is left and no part name is duplicated (ignoring case, as OPC).
func TestMetafileRenameReferences(t *testing.T) {
	wmf := readFile(t, "metafile/clipart-computer.wmf")
	png := readFile(t, "img/graphic.png")
	const imageRel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
	var es []zipEntry
	for _, e := range entriesOf(t, readFile(t, "ooxml/report.docx")) {
		switch e.name {
		case "word/media/image1.png":
			es = append(es, zipEntry{"word/media/image1.wmf", string(wmf)}, zipEntry{"word/media/IMAGE1.png", string(png)})
			continue
		case "word/_rels/document.xml.rels":
			e.body = strings.Replace(e.body, "media/image1.png", "media/image1.wmf", 1)
			e.body = strings.Replace(e.body, "</Relationships>", `<Relationship Id="rId90" Type="`+imageRel+`" Target="media/IMAGE1.png"/>`+
				`<Relationship Id="rId91" Type="`+imageRel+`" Target="/word/media/image1.wmf"/>`+
				`<Relationship Id="rId92" Type="`+imageRel+`" Target="media/image%31.wmf"/></Relationships>`, 1)
		case "[Content_Types].xml":
			e.body = strings.Replace(e.body, "<Default ", `<Override PartName="/word/media/image1.wmf" ContentType="image/x-wmf"/><Default `, 1)
		}
		es = append(es, e)
	}
	e := newEngine(t, sanitize.Limits{})
	out, res := run(t, e, "report.docx", "", mkzip(t, es...))
	if !res.Verdict.HasOutput() {
		t.Fatalf("%s: %s", res.Verdict, res.Reason)
	}
	parts := map[string]string{}
	seen := map[string]bool{}
	for _, p := range entriesOf(t, out) {
		if seen[strings.ToLower(p.name)] {
			t.Errorf("part %s twice", p.name)
		}
		seen[strings.ToLower(p.name)] = true
		parts[p.name] = p.body
		if strings.HasSuffix(strings.ToLower(p.name), ".wmf") {
			t.Errorf("metafile part %s kept", p.name)
		}
	}
	rels := parts["word/_rels/document.xml.rels"]
	targets := regexp.MustCompile(`Target="([^"]*)"( TargetMode="External")?`).FindAllStringSubmatch(rels, -1)
	n := 0
	for _, m := range targets {
		if m[2] != "" {
			continue
		}
		target, err := url.PathUnescape(m[1])
		if err != nil {
			t.Errorf("target %q: %v", m[1], err)
			continue
		}
		name := strings.TrimPrefix(target, "/")
		if !strings.HasPrefix(target, "/") {
			name = path.Join("word", target)
		}
		if !seen[strings.ToLower(name)] {
			t.Errorf("relationship target %q names no part", m[1])
		}
		if strings.HasSuffix(name, ".png") {
			n++
		}
	}
	if n != 4 {
		t.Errorf("%d picture relationships kept, want 4: %s", n, rels)
	}
	ct := parts["[Content_Types].xml"]
	if strings.Contains(ct, "wmf") {
		t.Errorf("metafile type left: %s", ct)
	}
	for name := range parts {
		if strings.HasSuffix(name, ".png") && !regexp.MustCompile(`(?i)PartName="/`+regexp.QuoteMeta(name)+`" ContentType="image/png"|Extension="png" ContentType="image/png"`).MatchString(ct) {
			t.Errorf("%s is not declared image/png: %s", name, ct)
		}
	}
}

// TestRTFMetafilePictureGroups: a \wmetafile picture is drawn and written back as
// \pngblip with its size words; what else sits in the picture group (a DDE or
// INCLUDEPICTURE field, an embedded object, a linked-picture property, \bin data with
// braces and words in it) goes through the same rules as anywhere else and the new words
// and hex cannot be joined to it. reparse judges the RTF with its own patterns.
func TestRTFMetafilePictureGroups(t *testing.T) {
	wmf := readFile(t, "metafile/clipart-computer.wmf")[22:] // without the placeable header
	hexWMF := hex.EncodeToString(wmf)
	pict := func(inside, data string) []byte {
		return []byte(`{\rtf1\ansi before {\pict\wmetafile8\picw2000\pich2000` + inside + data + `} after\par}`)
	}
	bin := `\bin` + strconv.Itoa(len(wmf)) + " " + string(wmf)
	// \bin bytes that are RTF: data to a reader, never words.
	const binRTF = `}{\object\objautlink{\*\objdata 0102}}{\field{\*\fldinst DDE x}}`
	cases := []advCase{
		{"rtfpict/dde-field-after-bin", "memo.rtf", "", pict("", bin+`{\field{\*\fldinst DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc"}{\fldrslt x}}`), "delivered", ""},
		{"rtfpict/includepicture-before-hex", "memo.rtf", "", pict(`{\field{\*\fldinst INCLUDEPICTURE "\\\\evil.invalid\\s\\a.png" \\d}{\fldrslt x}}`, " "+hexWMF), "delivered", ""},
		{"rtfpict/object-before-hex", "memo.rtf", "", pict(`{\object\objemb{\*\objclass Package}{\*\objdata 0102}}`, " "+hexWMF), "delivered", ""},
		{"rtfpict/linked-picture-property", "memo.rtf", "", pict(`{\*\picprop{\sp{\sn pibName}{\sv \\\\evil.invalid\\s\\a.png}}{\sp{\sn pibFlags}{\sv 14}}}`, " "+hexWMF), "delivered", ""},
		{"rtfpict/bin-holding-rtf", "memo.rtf", "", pict("", `\bin`+strconv.Itoa(len(binRTF))+" "+binRTF), "delivered", ""},
	}
	runCases(t, cases)
}
