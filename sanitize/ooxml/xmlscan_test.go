package ooxml

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// scanTokens lists the scanner's tokens in a comparable form, adjacent text merged (the
// scanner splits long text, encoding/xml does not).
func scanTokens(r io.Reader) ([]string, error) {
	s := getScanner(r)
	defer putScanner(s)
	var out []string
	var text []byte
	var open []scope // as readXML does, so that end tags take the scanner's fast paths
	flush := func() {
		if text != nil {
			out = append(out, fmt.Sprintf("T %q", text))
			text = nil
		}
	}
	for {
		var t tok
		s.expect = nil
		if len(open) > 0 {
			s.expect = &open[len(open)-1]
		}
		err := s.next(&t)
		if err == io.EOF {
			flush()
			return out, nil
		}
		switch t.kind {
		case kStart:
			open = append(open, scope{raw: t.raw, wlo: s.wlo, whi: s.whi, wn: s.wn})
		case kEnd:
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
		}
		if err != nil {
			return nil, err
		}
		if t.kind == kText {
			text = append(append([]byte{}, text...), t.text...)
			continue
		}
		flush()
		switch t.kind {
		case kStart:
			line := "S " + qname(t.raw)
			for _, a := range t.rawAttr {
				line += fmt.Sprintf(" %s=%q", qname(a.Name), a.Value)
			}
			out = append(out, line)
		case kEnd:
			out = append(out, "E "+qname(t.raw))
		case kProcInst:
			out = append(out, "P "+t.target)
		}
	}
}

// refTokens is the same list from encoding/xml, the reference the scanner replaced.
func refTokens(data []byte) ([]string, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	var out []string
	var text []byte
	flush := func() {
		if text != nil {
			out = append(out, fmt.Sprintf("T %q", text))
			text = nil
		}
	}
	for {
		tk, err := d.RawToken()
		if err == io.EOF {
			flush()
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if cd, ok := tk.(xml.CharData); ok {
			text = append(append([]byte{}, text...), cd...)
			continue
		}
		if _, ok := tk.(xml.Comment); ok {
			continue
		}
		flush()
		switch v := tk.(type) {
		case xml.StartElement:
			line := "S " + qname(v.Name)
			for _, a := range v.Attr {
				line += fmt.Sprintf(" %s=%q", qname(a.Name), a.Value)
			}
			out = append(out, line)
		case xml.EndElement:
			out = append(out, "E "+qname(v.Name))
		case xml.ProcInst:
			out = append(out, "P "+v.Target)
		case xml.Directive:
			return nil, errors.New("directive")
		}
	}
}

func corpusXML(tb testing.TB) [][]byte {
	var out [][]byte
	for _, tc := range []string{"ooxml/report.docx", "ooxml/memo.docx", "ooxml/ledger.xlsx", "ooxml/slides.pptx", "odf/memo.odt", "odf/ledger.ods"} {
		for _, e := range unpack(tb, readCorpus(tb, tc)) {
			if filepath.Ext(e.name) == ".xml" || filepath.Ext(e.name) == ".rels" {
				out = append(out, e.data)
			}
		}
	}
	return out
}

// TestScannerMatchesEncodingXML: on real parts, read whole or a byte at a time (every
// token crosses a buffer refill), the scanner yields what encoding/xml yields.
func TestScannerMatchesEncodingXML(t *testing.T) {
	for i, data := range corpusXML(t) {
		want, err := refTokens(data)
		if err != nil {
			t.Fatalf("part %d: encoding/xml: %v", i, err)
		}
		for _, r := range []struct {
			name string
			r    io.Reader
		}{{"whole", bytes.NewReader(data)}, {"bytewise", iotest.OneByteReader(bytes.NewReader(data))}} {
			got, err := scanTokens(r.r)
			if err != nil {
				t.Fatalf("part %d %s: %v", i, r.name, err)
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("part %d %s: tokens differ from encoding/xml", i, r.name)
			}
		}
	}
}

// TestScannerLongText: text longer than the buffer comes in pieces cut where no reference,
// line end or UTF-8 sequence is split.
func TestScannerLongText(t *testing.T) {
	unit := "関所 &amp; a\r\nb &#x41;\r"
	body := strings.Repeat(unit, 3*scanBufSize/len(unit))
	data := "<a>" + body + "</a>"
	want := strings.NewReplacer("&amp;", "&", "&#x41;", "A", "\r\n", "\n", "\r", "\n").Replace(body)
	for _, r := range []io.Reader{strings.NewReader(data), iotest.HalfReader(strings.NewReader(data))} {
		got, err := scanTokens(r)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got[1] != fmt.Sprintf("T %q", want) {
			t.Fatalf("long text: got %d tokens, text equal = %v", len(got), len(got) == 3 && got[1] == fmt.Sprintf("T %q", want))
		}
	}
}

// TestScannerRefuses: malformed markup that encoding/xml let through or that the scanner
// checks itself.
func TestScannerRefuses(t *testing.T) {
	for name, in := range map[string]string{
		"repeated attribute":          `<a b="1" b="2"/>`,
		"repeated through prefixes":   `<a xmlns:x="urn:x" xmlns:y="urn:x" x:b="1" y:b="2"/>`,
		"lt in attribute":             `<a b="<"/>`,
		"no space between attributes": `<a b="1"c="2"/>`,
		"unquoted":                    `<a b=1/>`,
		"unknown entity":              `<a>&nbsp;</a>`,
		"bad char ref":                `<a>&#0;</a>`,
		"control char":                "<a>\x01</a>",
		"invalid utf8":                "<a>\xff</a>",
		"double colon":                `<a:b:c/>`,
		"empty local":                 `<a: xmlns:a="urn:a"/>`,
		"name starts with digit":      `<1a/>`,
		"comment with --":             `<a><!-- a -- b --></a>`,
		"unterminated comment":        `<a><!-- a </a>`,
		"entity declaration":          `<!ENTITY e "x"><a/>`,
		"latin1 declaration":          `<?xml version="1.0" encoding="ISO-8859-1"?><a/>`,
		"xml 1.1":                     `<?xml version="1.1"?><a/>`,
		"unterminated tag":            `<a b="1"`,
		"unterminated reference":      `<a>&amp</a>`,
		"space after lt":              `< a/>`,
	} {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			err := readXML(context.Background(), strings.NewReader(in), newWriter(&out, passRules{}))
			if !errors.Is(err, sanitize.ErrMalformed) {
				t.Errorf("readXML(%q) error = %v, want malformed", in, err)
			}
		})
	}
}

// FuzzScanner: the scanner never panics; where both accept, it agrees with encoding/xml;
// what it accepts encoding/xml accepts too (it is the stricter of the two), except
// attributes encoding/xml does not check for repetition.
func FuzzScanner(f *testing.F) {
	for _, data := range corpusXML(f) {
		f.Add(data)
	}
	f.Add([]byte(`<?xml version="1.0"?><a x="&lt;&#x9;" y='"'><![CDATA[c]]>t&amp;<!--c--><b/></a>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		got, err := scanTokens(bytes.NewReader(data))
		if err != nil {
			return
		}
		want, rerr := refTokens(data)
		if rerr != nil {
			t.Fatalf("scanner accepts what encoding/xml refuses (%v):\n%q", rerr, data)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("tokens differ:\n%s\nencoding/xml:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		got2, err := scanTokens(iotest.OneByteReader(bytes.NewReader(data)))
		if err != nil || strings.Join(got2, "\n") != strings.Join(got, "\n") {
			t.Fatalf("bytewise read differs (%v)", err)
		}
	})
}

// TestEndTags: the reader's end tags, on the scanner's fast path (the open element's name
// followed by '>') and off it, are read and matched as written.
func TestEndTags(t *testing.T) {
	const ns = `xmlns:w="urn:w" xmlns:x="urn:w"`
	for _, c := range []struct {
		doc string
		ok  bool
	}{
		{`<r ` + ns + `><w:t>a</w:t></r>`, true},
		{`<r ` + ns + `><w:t>a</w:t ></r>`, true},
		{`<r ` + ns + `><w:t>a</w:t` + "\n" + `></r >`, true},
		{`<r ` + ns + `><w:t>a</w:tab></r>`, false},
		{`<r ` + ns + `><w:tab>a</w:t></r>`, false},
		{`<r ` + ns + `><w:t>a</x:t></r>`, false}, // same namespace, other prefix: not the same tag
		{`<r ` + ns + `><w:t>a</t></r>`, false},
		{`<r ` + ns + `><t>a</w:t></r>`, false},
		{`<r ` + ns + `><w:t>a</w:t></r></r>`, false},
		{`<r ` + ns + `><w:t>a</w:t`, false},
		{`<r ` + ns + `><w:t>a</w:`, false},
	} {
		for _, r := range []io.Reader{strings.NewReader(c.doc), iotest.OneByteReader(strings.NewReader(c.doc))} {
			err := readXML(context.Background(), r, discard{})
			if (err == nil) != c.ok {
				t.Errorf("%s: err = %v, want ok = %v", c.doc, err, c.ok)
			}
		}
	}
}

// TestPlainPrefix checks the eight-bytes-at-a-time scan against the byte table it stands
// for: every byte value at every position of a word and across the boundary of two, then
// random mixes of plain and special bytes.
func TestPlainPrefix(t *testing.T) {
	ref := func(b []byte) int {
		i := 0
		for i < len(b) && xmlByte[b[i]] == 0 {
			i++
		}
		return i
	}
	for c := range 256 {
		for pos := range 19 {
			for _, fill := range []byte{'a', '\t', '\n', ' ', '>', 0x7f} {
				b := bytes.Repeat([]byte{fill}, 19)
				b[pos] = byte(c)
				for _, n := range []int{pos + 1, 19} {
					if got, want := plainPrefix(b[:n]), ref(b[:n]); got != want {
						t.Fatalf("plainPrefix(%q) = %d, want %d", b[:n], got, want)
					}
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(7, 8))
	special := []byte("&<\r\x00\x1f\x80\xe3\xff\t\n ")
	for range 20000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = byte(0x20 + r.IntN(0x5f))
			if r.IntN(12) == 0 {
				b[i] = special[r.IntN(len(special))]
			}
		}
		if got, want := plainPrefix(b), ref(b); got != want {
			t.Fatalf("plainPrefix(%q) = %d, want %d", b, got, want)
		}
	}
}

// TestPlainTextEscape: text the scanner hands out as written is escaped like any other
// text on output, '>' included, and decoded text still has its references escaped.
func TestPlainTextEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`<a>x &gt; y > z</a>`, `<a>x &gt; y &gt; z</a>`},
		{`<a>only > plain >></a>`, `<a>only &gt; plain &gt;&gt;</a>`},
		{`<a>a &amp; b &lt; c</a>`, `<a>a &amp; b &lt; c</a>`},
		{"<a>cr\r\nlf</a>", "<a>cr\nlf</a>"},
		{`<a><![CDATA[<b>&]]></a>`, `<a>&lt;b&gt;&amp;</a>`},
		{`<a>関所 > 無害化</a>`, `<a>関所 &gt; 無害化</a>`},
	} {
		var out bytes.Buffer
		w := newWriter(&out, keepAll{})
		if err := readXML(context.Background(), strings.NewReader(tc.in), w); err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}
		if out.String() != tc.want {
			t.Errorf("%q: got %q, want %q", tc.in, out.String(), tc.want)
		}
	}
}

// keepAll is a rule set that keeps everything.
type keepAll struct{}

func (keepAll) start(*tok, xml.Name) op { return opKeep }
func (keepAll) held(*heldElem) bool     { return true }

// TestDecodeThreeByteRunes holds decode's path for three-byte UTF-8 sequences to the
// general one (utf8.DecodeRune and xmlChar): every lead byte with continuation bytes at
// and around the edges of their ranges, cut short too, alone, amid plain text and amid
// Japanese.
func TestDecodeThreeByteRunes(t *testing.T) {
	ref := func(b []byte) bool {
		for len(b) > 0 {
			if b[0] < 0x80 {
				if !xmlChar(rune(b[0])) {
					return false
				}
				b = b[1:]
				continue
			}
			r, size := utf8.DecodeRune(b)
			if r == utf8.RuneError && size == 1 || !xmlChar(r) {
				return false
			}
			b = b[size:]
		}
		return true
	}
	edges := []byte{0x00, 0x41, 0x7f, 0x80, 0x81, 0x8f, 0x90, 0x9f, 0xa0, 0xbd, 0xbe, 0xbf, 0xc0, 0xe3, 0xff}
	var s scanner
	for c := 0x80; c <= 0xff; c++ {
		for _, b1 := range edges {
			for _, b2 := range edges {
				seq := []byte{byte(c), b1, b2}
				// Amid a run of Japanese too: decode takes a run of three-byte runes in one loop.
				run := append(append([]byte("関所"), seq...), "無害"...)
				for _, in := range [][]byte{seq, seq[:2], append([]byte("ab"), append(seq, 'z')...), append(seq, seq...), run, run[:len(run)-1]} {
					out, copied, err := s.decode(nil, in)
					if ok := ref(in); (err == nil) != ok {
						t.Fatalf("decode(% x) error = %v, want ok = %v", in, err, ok)
					}
					if err == nil && (copied || !bytes.Equal(out, in)) {
						t.Fatalf("decode(% x) = % x (copied %v), want the input", in, out, copied)
					}
				}
				// After a reference the output is a copy: the rune must be copied whole.
				in := append([]byte("&amp;関"), seq...)
				out, _, err := s.decode(nil, in)
				if err == nil && !bytes.Equal(out, append([]byte("&関"), seq...)) {
					t.Fatalf("decode(% x) = % x", in, out)
				}
			}
		}
	}
}

// TestMetaElemInStep: ooxmlRules.start calls the metadata rules for an element without
// person, revision or date attributes only when metaElem names it, so start must have
// nothing to say about any other element: every element name of the schema catalogue
// (and the ODF and Dublin Core names start tests) is tried without attributes.
func TestMetaElemInStep(t *testing.T) {
	var names []xml.Name
	for space, nn := range schemaNames {
		for local := range nn.elems {
			names = append(names, xml.Name{Space: space, Local: local})
		}
	}
	for _, space := range []string{nsDC, nsMeta, nsOffice, nsText} {
		for _, local := range []string{"creator", "date", "creator-initials", "annotation", "author", "p"} {
			names = append(names, xml.Name{Space: space, Local: local})
		}
	}
	parents := []xml.Name{{}, {Space: nsOffice, Local: "annotation"}, {Space: nsW[0], Local: "body"}}
	for _, n := range names {
		if metaElem(n.Local) {
			continue
		}
		for _, parent := range parents {
			m := &metaRules{strip: true, report: func(sanitize.ActionKind, string) {}}
			tk := &tok{kind: kStart, raw: n, name: n}
			if o, ok := m.start(tk, parent); ok || o != opKeep || len(m.gone) != 0 {
				t.Errorf("metaRules.start(%v in %v) = %v, %v, %v: add %q to metaElem", n, parent, o, ok, m.gone, n.Local)
			}
		}
	}
	if len(names) < 1000 {
		t.Fatalf("only %d names tried", len(names))
	}
}

// TestMetaAttrInStep: ooxmlRules.start calls the metadata rules for an element that
// metaElem does not name only when metaAttrs passes one of its attributes, so start must
// leave alone every attribute metaAttr refuses: each attribute name of the schema
// catalogue is tried, with a value, on elements whose attributes start judges.
func TestMetaAttrInStep(t *testing.T) {
	attrs := map[xml.Name]bool{}
	for space, nn := range schemaNames {
		for local := range nn.qattrs {
			attrs[xml.Name{Space: space, Local: local}] = true
		}
		for _, set := range nn.elems {
			if set == nil {
				continue
			}
			for local := range set.names {
				attrs[xml.Name{Local: local}] = true
			}
			for a := range set.qual {
				attrs[a] = true
			}
		}
	}
	for a := range authorAttrs {
		attrs[a] = true
	}
	elems := []xml.Name{{Space: nsW[0], Local: "ins"}, {Space: nsW[0], Local: "pPrChange"}, {Space: nsW[0], Local: "p"},
		{Space: nsX[0], Local: "c"}, {Space: nsP[0], Local: "cm"}, {Space: nsOffice, Local: "annotation"}}
	tried, passed := 0, 0
	for a := range attrs {
		if metaAttr(a.Local) {
			passed++
			continue
		}
		tried++
		for _, n := range elems {
			m := &metaRules{strip: true, report: func(sanitize.ActionKind, string) {}}
			tk := &tok{kind: kStart, raw: n, name: n, attrs: []xml.Name{a}, rawAttr: []xml.Attr{{Name: a, Value: "someone 2026-01-01"}}}
			if o, ok := m.start(tk, xml.Name{}); ok || o != opKeep || len(m.gone) != 0 || len(tk.attrs) != 1 || tk.rawAttr[0].Value != "someone 2026-01-01" {
				t.Errorf("metaRules.start(%v with %v) = %v, %v, %v: metaAttr must pass %q", n, a, o, ok, m.gone, a.Local)
			}
		}
	}
	if tried < 1000 || passed == 0 {
		t.Fatalf("only %d attribute names tried (%d passed)", tried, passed)
	}
}
