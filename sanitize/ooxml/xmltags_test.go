package ooxml

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/sekisho/sekisho/sanitize"
)

// tokenDump records every token as the stages see it: names as written and resolved,
// attributes, the bytes the serializer may copy, text.
type tokenDump struct{ b strings.Builder }

func (d *tokenDump) push(t *tok) error {
	switch t.kind {
	case kStart:
		fmt.Fprintf(&d.b, "S %v %v %q src=%q|", t.raw, t.name, t.rawAttr, t.src)
		for _, a := range t.attrs {
			fmt.Fprintf(&d.b, " %s %s", a.Space, a.Local)
		}
		d.b.WriteByte('\n')
	case kEnd:
		fmt.Fprintf(&d.b, "E %v %v %q\n", t.raw, t.name, t.src)
	case kText:
		fmt.Fprintf(&d.b, "T %q %v\n", t.text, t.plain)
	case kProcInst:
		fmt.Fprintf(&d.b, "P %s\n", t.target)
	}
	return nil
}
func (d *tokenDump) finish() error { return nil }

// dumpTokens reads data with the tag cache on or off.
func dumpTokens(tb testing.TB, data []byte, cache, bytewise bool) (string, error) {
	tb.Helper()
	if !cache {
		tagCacheOff.Store(true)
		defer tagCacheOff.Store(false)
	}
	var r = bytes.NewReader(data)
	var d tokenDump
	var err error
	if bytewise {
		err = readXML(context.Background(), iotest.OneByteReader(r), &d)
	} else {
		err = readXML(context.Background(), r, &d)
	}
	return d.b.String(), err
}

// TestTagCacheSameTokens: with the start-tag cache, the reader hands the stages exactly the
// tokens it hands them reading every tag in full, on real parts (read whole and a byte at
// a time) and on namespace bindings that change between equal tags.
func TestTagCacheSameTokens(t *testing.T) {
	docs := corpusXML(t)
	for _, e := range unpack(t, bigDocx(t, 64<<10)) {
		if e.name == docMain {
			docs = append(docs, e.data)
		}
	}
	for _, s := range []string{
		// One tag, three bindings of its prefix: rebound in a child, restored after it.
		`<r xmlns:a="urn:1"><a:x k="1"/><s xmlns:a="urn:2"><a:x k="1"/><a:x a:k="1"/></s><a:x k="1"/><a:x a:k="1"/></r>`,
		// The default namespace rebound, and unbound.
		`<r xmlns="urn:1"><x k="1"/><s xmlns="urn:2"><x k="1"/></s><s xmlns=""><x k="1"/></s><x k="1"/></r>`,
		// A prefix bound in one element, then otherwise in the next, then not at all.
		`<r xmlns:a="urn:1"><a:x k="1"/><s xmlns:b="urn:2"><a:x k="1"/><b:y/></s><a:x k="1"/><s xmlns:b="urn:3"><b:y/><b:y/></s><b:y xmlns:b="urn:4"/><b:y/></r>`,
		// The same prefix bound to the same namespace again is still another binding.
		`<r xmlns:a="urn:1"><a:x/><s xmlns:a="urn:1"><a:x/></s><a:x/></r>`,
		// Equal tags written otherwise (not canonical) and tags declaring namespaces.
		`<r xmlns:a="urn:1"><a:x  k="1"/><a:x  k="1"/><a:y xmlns:b="urn:2" b:k="1"/><a:y xmlns:b="urn:3" b:k="1"/></r>`,
		// An attribute repeated under two prefixes, after the same tag was read clean.
		`<r xmlns:a="urn:1" xmlns:b="urn:1"><x a:k="1" c:k="1" xmlns:c="urn:2"/><x a:k="1" b:k="1"/></r>`,
	} {
		docs = append(docs, []byte(s))
	}
	for i, data := range docs {
		want, werr := dumpTokens(t, data, false, false)
		for _, bytewise := range []bool{false, true} {
			// Twice: the second reading meets the tags the first one left in the cache.
			for range 2 {
				got, err := dumpTokens(t, data, true, bytewise)
				if got != want || (err == nil) != (werr == nil) {
					t.Fatalf("doc %d (bytewise %v): tokens with the cache differ:\n%s (%v)\nwithout:\n%s (%v)", i, bytewise, got, err, want, werr)
				}
			}
		}
	}
}

// TestTagCacheBindings: a tag read before resolves under the bindings in scope now, within
// a part and from one part to the next.
func TestTagCacheBindings(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{`<r xmlns:a="urn:1"><a:x/><s xmlns:a="urn:2"><a:x/></s><a:x/></r>`, "urn:1 urn:2 urn:1"},
		{`<r xmlns:a="urn:3"><a:x/><a:x/></r>`, "urn:3 urn:3"},
		// The bindings before an element that declares come back after it; another
		// element's declarations are new ones even where the first one's were.
		{`<r xmlns:a="urn:1"><a:x/><s xmlns:a="urn:2"><a:x/></s><a:x/><s xmlns:b="urn:6"><a:x/></s><s xmlns:a="urn:5"><a:x/></s><a:x/></r>`, "urn:1 urn:2 urn:1 urn:1 urn:5 urn:1"},
		{`<r xmlns:a="urn:4"><a:x/><a:x/></r>`, "urn:4 urn:4"},
	} {
		got, err := dumpTokens(t, []byte(c.doc), true, false)
		if err != nil {
			t.Fatal(err)
		}
		var spaces []string
		for _, l := range strings.Split(got, "\n") {
			if strings.HasPrefix(l, "S {a x}") {
				spaces = append(spaces, strings.Fields(l)[3][1:])
			}
		}
		if strings.Join(spaces, " ") != c.want {
			t.Errorf("%s: a:x resolved to %v, want %s", c.doc, spaces, c.want)
		}
	}
}

// TestTagCacheHits: a canonical tag is kept the second time it is read and comes from the
// cache the third; one written otherwise, one declaring a namespace or one longer than
// maxCachedTag never does.
func TestTagCacheHits(t *testing.T) {
	long := `<x k="` + strings.Repeat("v", maxCachedTag) + `"/>`
	for _, c := range []struct {
		tag string
		hit bool
	}{
		{`<x/>`, true},
		{`<x k="1">`, true},
		{`<w:t xml:space="preserve">`, true},
		{`<x  k="1">`, false},
		{`<x k='1'>`, false},
		{`<x k="a&amp;b">`, false},
		{`<x xmlns:a="urn:a">`, false},
		{long, false},
	} {
		doc := `<r xmlns:w="urn:w">` + c.tag + c.tag + c.tag + `</r>`
		s := newScanner() // not one from the pool: its cache is empty
		s.r, s.gen = strings.NewReader(doc), 1
		var hits []bool
		for {
			var tk tok
			err := s.next(&tk)
			if err != nil {
				break
			}
			if tk.kind == kStart && tk.raw.Local != "r" {
				hits = append(hits, s.hit != nil && s.slotFor == nil)
			}
		}
		if len(hits) != 3 || hits[0] || hits[1] || hits[2] != c.hit {
			t.Errorf("%s: hits %v, want [false false %v]", c.tag, hits, c.hit)
		}
	}
}

// TestTagCacheIdle: where hits save nothing (a sheet's cells never repeat), the scanner
// stops looking tags up for a while; where they do (a Word body), it keeps looking.
func TestTagCacheIdle(t *testing.T) {
	for _, c := range []struct {
		name string
		tag  func(i int) string
		idle bool
	}{
		{"unique cells", func(i int) string { return fmt.Sprintf(`<c r="A%d"/>`, i) }, true},
		{"repeated attributes", func(i int) string { return []string{`<w:t xml:space="preserve"/>`, `<w:jc w:val="left"/>`}[i%2] }, false},
	} {
		var b strings.Builder
		b.WriteString(`<r xmlns:w="urn:w">`)
		for i := range 2 * tagProbe {
			b.WriteString(c.tag(i))
		}
		s := newScanner()
		s.r, s.gen = strings.NewReader(b.String()), 1
		for {
			var tk tok
			if s.next(&tk) != nil {
				break
			}
		}
		if idle := s.tagIdle > 0; idle != c.idle {
			t.Errorf("%s: idle = %v (%d left), want %v", c.name, idle, s.tagIdle, c.idle)
		}
	}
}

// TestTagCacheSameRewrite: the rules' answers remembered with a tag (tagEntry.kept) give
// the output judging every tag gives, on real parts and on tags that repeat where the
// rules must act each time (a removed relationship, revision ids, refused fields).
func TestTagCacheSameRewrite(t *testing.T) {
	const w = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	run := `<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">x </w:t></w:r>`
	body := run + `<w:hyperlink r:id="rId1">` + run + `</w:hyperlink><w:hyperlink r:id="rId2">` + run + `</w:hyperlink>` +
		`<w:fldSimple w:instr="DDE x">` + run + `</w:fldSimple><w:fldSimple w:instr="PAGE">` + run + `</w:fldSimple>` +
		`<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>DDEAUTO c</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>`
	crafted := `<w:document ` + w + `><w:body>` +
		strings.Repeat(`<w:p w:rsidR="00112233"><w:pPr><w:jc w:val="left"/></w:pPr>`+body+`</w:p><w:p>`+body+`</w:p>`, 3) +
		`</w:body></w:document>`
	docs := [][]byte{[]byte(crafted)}
	for _, e := range unpack(t, bigDocx(t, 64<<10)) {
		if e.name == docMain {
			docs = append(docs, e.data)
		}
	}
	for _, tc := range []string{"ooxml/report.docx", "ooxml/memo.docx", "ooxml/ledger.xlsx", "ooxml/slides.pptx"} {
		for _, e := range unpack(t, readCorpus(t, tc)) {
			if strings.HasSuffix(e.name, ".xml") {
				docs = append(docs, e.data)
			}
		}
	}
	rewrite := func(data []byte, cache bool) (string, []string, error) {
		tagCacheOff.Store(!cache)
		defer tagCacheOff.Store(false)
		j := &job{s: &Sanitizer{keepLinks: true, stripMeta: true}, ctx: context.Background(), in: &sanitize.Item{Path: "x"}}
		ru := &ooxmlRules{j: j, p: &part{name: "word/document.xml"}, dead: map[string]bool{"rId1": true}, elems: new(elemCache)}
		ru.meta = &metaRules{strip: true, report: ru.report}
		var out bytes.Buffer
		err := readXML(context.Background(), bytes.NewReader(data), newFieldStage(newWriter(&out, ru), ru))
		var acts []string
		for _, a := range j.res.Actions {
			acts = append(acts, string(a.Kind)+" "+a.Detail)
		}
		return out.String(), acts, err
	}
	for i, data := range docs {
		want, wantActs, werr := rewrite(data, false)
		for range 2 {
			got, gotActs, err := rewrite(data, true)
			if got != want || (err == nil) != (werr == nil) || strings.Join(gotActs, "\n") != strings.Join(wantActs, "\n") {
				t.Fatalf("doc %d: rewrite with the cache differs:\n%s\n%v (%v)\nwithout:\n%s\n%v (%v)", i, got, gotActs, err, want, wantActs, werr)
			}
		}
		if i == 0 {
			// The crafted part must have been acted on, every time, or this proves little.
			for _, gone := range []string{"rId1", "rsidR", "DDE"} {
				if strings.Contains(want, gone) {
					t.Errorf("crafted part: %s left in the output", gone)
				}
			}
			if strings.Count(want, `r:id="rId2"`) != 6 {
				t.Errorf("crafted part: kept hyperlinks %d, want 6", strings.Count(want, `r:id="rId2"`))
			}
		}
	}
}
