package pdf

import (
	"bytes"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

// Fuzz targets for the parsers the rebuild relies on. Each output must be a fixed point:
// rebuilding it again gives the same bytes and drops nothing, so nothing the first pass
// wrote can be read differently by the second (or by a viewer using the same grammar).

func FuzzContent(f *testing.F) {
	for _, s := range opCases {
		f.Add([]byte(s))
	}
	f.Add([]byte(markedContentCase))
	f.Add([]byte("BI /W 2 /H 2 /BPC 8 /CS /G /F /AHx ID 0055AAFF> EI"))
	f.Add([]byte("q BT /F1 12 Tf (a\\)b) Tj <00ff> Tj [(x) 1.5 (y)] TJ ET Q % comment\n/X PS BX y EX"))
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		b := testBuilder()
		out, err := b.content(data, "fuzz")
		if err != nil {
			return // limits only
		}
		b2 := testBuilder()
		again, err := b2.content(out, "fuzz")
		if err != nil {
			t.Fatalf("second pass: %v", err)
		}
		if !bytes.Equal(out, again) {
			t.Fatalf("not a fixed point:\n%q\n%q", out, again)
		}
		if len(b2.rep.order) > 0 {
			t.Fatalf("second pass dropped %+v from %q", b2.rep.order, out)
		}
	})
}

func FuzzCMap(f *testing.F) {
	f.Add([]byte("1 begincodespacerange <0000> <FFFF> endcodespacerange 2 beginbfrange <0001> <0005> <0041> <0010> <0011> [<0061> <0062>] endbfrange 1 beginbfchar <0020> <3042> endbfchar"))
	f.Add([]byte("/WMode 1 def /UniJIS-UCS2-H usecmap 1 begincidrange <8140> <817e> 633 endcidrange 1 begincidchar <20> 1 endcidchar"))
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		m, err := parseCMap(data)
		if err != nil {
			return
		}
		for _, toUnicode := range []bool{true, false} {
			out := m.write(toUnicode, "F")
			m2, err := parseCMap(out)
			if err != nil {
				t.Fatalf("written CMap does not parse: %v\n%s", err, out)
			}
			if again := m2.write(toUnicode, "F"); !bytes.Equal(out, again) {
				t.Fatalf("not a fixed point:\n%s\n%s", out, again)
			}
		}
	})
}

func FuzzCalculator(f *testing.F) {
	f.Add([]byte(calculatorCase))
	f.Add([]byte("{ dup 0.5 gt { pop 1 } { 2 mul } ifelse }"))
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		out, ok := calculator(data)
		if !ok {
			return
		}
		again, ok := calculator(out)
		if !ok || !bytes.Equal(out, again) {
			t.Fatalf("not a fixed point: %q -> %q", out, again)
		}
	})
}

func FuzzType1(f *testing.F) {
	t1, _ := fontFile(f, "text-1p.pdf", "FontFile")
	f.Add(t1)
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		out, n1, _, err := rebuildType1(data, 0)
		if err != nil {
			return
		}
		again, m1, _, err := rebuildType1(out, n1)
		if err != nil {
			t.Fatalf("rebuilt program does not parse: %v", err)
		}
		if !bytes.Equal(out, again) || n1 != m1 {
			t.Fatal("not a fixed point")
		}
	})
}

func FuzzSFNT(f *testing.F) {
	tt, _ := fontFile(f, "ja-multipage.pdf", "FontFile2")
	f.Add(tt)
	cff, _ := fontFile(f, "gs-fonts.pdf", "FontFile3")
	f.Add(cff)
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		if out, err := rebuildCFF(data); err == nil {
			again, err := rebuildCFF(out)
			if err != nil {
				t.Fatalf("rebuilt CFF program does not parse: %v", err)
			}
			if !bytes.Equal(out, again) {
				t.Fatal("CFF rebuild is not a fixed point")
			}
		}
		out, err := rebuildSFNT(data)
		if err != nil {
			return
		}
		again, err := rebuildSFNT(out)
		if err != nil {
			t.Fatalf("rebuilt font does not parse: %v", err)
		}
		if !bytes.Equal(out, again) {
			t.Fatal("not a fixed point")
		}
	})
}

func FuzzXMP(f *testing.F) {
	f.Add([]byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" pdf:Producer="x"><dc:title><rdf:Alt><rdf:li xml:lang="ja">題</rdf:li></rdf:Alt></dc:title><dc:creator><rdf:Seq><rdf:li>someone</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		out, _, err := stripXMP(data)
		if err != nil || out == nil {
			return
		}
		again, dropped, err := stripXMP(out)
		if err != nil || len(dropped) > 0 || !bytes.Equal(out, again) {
			t.Fatalf("not a fixed point (%v, %v)", err, dropped)
		}
		if _, err := reserializeXMP(data); err != nil {
			return
		}
	})
}
