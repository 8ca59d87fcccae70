package ooxml

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

var fuzzLimits = sanitize.Limits{
	MaxFileSize:  4 << 20,
	MaxTotalSize: 16 << 20,
	MaxEntries:   500,
	MaxPixels:    1 << 20,
	Timeout:      5 * time.Second,
}

func seedCorpus(f *testing.F) {
	for _, dir := range []string{"ooxml", "odf"} {
		m, _ := filepath.Glob(filepath.Join(corpusDir, dir, "*.*"))
		for _, p := range m {
			if filepath.Ext(p) != ".md" {
				f.Add(readCorpus(f, filepath.Join(dir, filepath.Base(p))))
			}
		}
	}
	for _, tc := range hostileCases() {
		f.Add(build(f, tc.base, tc.edits...))
	}
}

// FuzzSanitize: no panic; a success re-parses as a package and sanitizes again to clean.
func FuzzSanitize(f *testing.F) {
	seedCorpus(f)
	_, s := newEngine(true)
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, 2*fuzzLimits.Timeout)
		b := sanitize.NewBudget(fuzzLimits)
		ctx, cancel := b.Context(context.Background())
		defer cancel()
		in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}
		var out bytes.Buffer
		if _, err := s.Sanitize(ctx, in, &out, b); err != nil {
			return
		}
		if err := reparse(out.Bytes()); err != nil {
			t.Fatalf("output does not re-parse: %v", err)
		}
		b2 := sanitize.NewBudget(fuzzLimits)
		var out2 bytes.Buffer
		res, err := s.Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(out.Bytes()), Path: "item"}, &out2, b2)
		if err != nil {
			t.Fatalf("second pass: %v", err)
		}
		if len(res.Actions) != 0 || res.Verdict != sanitize.Clean {
			t.Fatalf("second pass = %s %+v, want clean with no action", res.Verdict, res.Actions)
		}
		if name := changedPart(t, out.Bytes(), out2.Bytes()); name != "" {
			t.Fatalf("second pass changed %s", name)
		}
	})
}

// changedPart names the first part a second pass changed. JPEG pictures are encoded again
// on every pass (lossy, so new bytes each time); every other part must come out the same.
func changedPart(t testing.TB, a, b []byte) string {
	ea, eb := unpack(t, a), unpack(t, b)
	if len(ea) != len(eb) {
		return "the number of parts"
	}
	for i := range ea {
		ext := strings.ToLower(filepath.Ext(ea[i].name))
		switch {
		case ea[i].name != eb[i].name:
			return ea[i].name + " (now " + eb[i].name + ")"
		case ext == ".jpg" || ext == ".jpeg":
		case !bytes.Equal(ea[i].data, eb[i].data):
			return ea[i].name
		}
	}
	return ""
}

// FuzzRewriteXML: the streaming rewriter never panics, and what it writes is well-formed
// and a fixed point (rewriting it again changes nothing). Tags the serializer copies as
// read (tok.src) come out exactly as serialized from their parsed names and values.
func FuzzRewriteXML(f *testing.F) {
	for _, tc := range []string{"ooxml/report.docx", "ooxml/ledger.xlsx", "ooxml/slides.pptx"} {
		for _, e := range unpack(f, readCorpus(f, tc)) {
			if filepath.Ext(e.name) == ".xml" {
				f.Add(e.data)
			}
		}
	}
	f.Add([]byte(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>DDE</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:document>`))
	rewriteWith := func(data []byte, copyTags bool) ([]byte, error) {
		j := &job{s: &Sanitizer{keepLinks: true}, ctx: context.Background(), in: &sanitize.Item{Path: "x"}}
		ru := &ooxmlRules{j: j, p: &part{name: "word/document.xml"}, dead: map[string]bool{"rId1": true}, elems: new(elemCache)}
		var out bytes.Buffer
		var st stage = newFieldStage(newWriter(&out, ru), ru)
		if !copyTags {
			st = noSrc{st}
		}
		err := readXML(context.Background(), bytes.NewReader(data), st)
		return out.Bytes(), err
	}
	rewrite := func(data []byte) ([]byte, error) { return rewriteWith(data, true) }
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		out, err := rewrite(data)
		serialized, err2 := rewriteWith(data, false)
		if !bytes.Equal(out, serialized) || (err == nil) != (err2 == nil) {
			t.Fatalf("tags copied as read differ from tags serialized:\n%s (%v)\n%s (%v)", out, err, serialized, err2)
		}
		tagCacheOff.Store(true)
		uncached, err3 := rewrite(data)
		tagCacheOff.Store(false)
		if !bytes.Equal(out, uncached) || (err == nil) != (err3 == nil) {
			t.Fatalf("tags read from the cache differ from tags read in full:\n%s (%v)\n%s (%v)", out, err, uncached, err3)
		}
		if err != nil {
			return
		}
		var root rootScan
		if readXML(context.Background(), bytes.NewReader(data), &root); !knownOOXMLNS(root.name.Space, "") {
			return // the package removes such a part instead of rewriting it (unknownRoots)
		}
		out2, err := rewrite(out)
		if err != nil {
			t.Fatalf("output is not well-formed: %v\n%s", err, out)
		}
		if !bytes.Equal(out, out2) {
			t.Fatalf("rewrite is not a fixed point:\n%s\n%s", out, out2)
		}
	})
}

// noSrc hides from the serializer that a tag could be copied as read (tok.src), so that it
// serializes every tag from its names and values.
type noSrc struct{ next stage }

func (n noSrc) push(t *tok) error {
	t.src = nil
	return n.next.push(t)
}
func (n noSrc) finish() error { return n.next.finish() }

// passRules keep everything: the reader and serializer on their own.
type passRules struct{}

func (passRules) start(*tok, xml.Name) op { return opKeep }
func (passRules) held(*heldElem) bool     { return true }

func TestRewriteXML(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		bad            bool
	}{
		{"bom", "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>x</a>", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<a>x</a>", false},
		{"prefixes kept", `<x:a xmlns:x="urn:x" xmlns:y="urn:y" y:b="1"><y:c/></x:a>`, `<x:a xmlns:x="urn:x" xmlns:y="urn:y" y:b="1"><y:c/></x:a>`, false},
		{"escapes", "<a b=\"&quot;&lt;&#9;\">&amp;&lt;&gt;&#13;</a>", "<a b=\"&quot;&lt;&#x9;\">&amp;&lt;&gt;&#xD;</a>", false},
		{"comments and PIs dropped", `<a><!-- c --><?pi x?>t</a>`, `<a>t</a>`, false},
		{"cdata escaped", `<a><![CDATA[<b>]]></a>`, `<a>&lt;b&gt;</a>`, false},
		{"utf-16", `<?xml version="1.0" encoding="UTF-16"?><a/>`, "", true},
		{"doctype", `<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>`, "", true},
		{"mismatched", `<a><b></a></b>`, "", true},
		{"two roots", `<a/><b/>`, "", true},
		{"undeclared prefix", `<x:a/>`, "", true},
		{"text outside root", `<a/>junk`, "", true},
		{"truncated", `<a><b>`, "", true},
		// Tags written as the serializer writes them are copied; any other spelling is
		// serialized from the parsed names and values.
		{"canonical tags", `<a b="1" c:d="x y" xmlns:c="urn:c"><e f="2"/></a>`, `<a b="1" c:d="x y" xmlns:c="urn:c"><e f="2"/></a>`, false},
		{"spaces around attributes", "<a  b=\"1\"\tc=\"2\" ><e f = \"3\" /></a >", `<a b="1" c="2"><e f="3"/></a>`, false},
		{"single quotes", `<a b='1' c="'"/>`, `<a b="1" c="'"/>`, false},
		{"values escaped", "<a b=\"x&amp;y\" c=\"p>q\" d=\"t\tu\" e=\"&#10;\"/>", `<a b="x&amp;y" c="p&gt;q" d="t&#x9;u" e="&#xA;"/>`, false},
		{"end tag spelling", "<a><b></b ></a\n>", `<a><b/></a>`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := readXML(context.Background(), strings.NewReader(tc.in), newWriter(&out, passRules{}))
			if tc.bad {
				if !errors.Is(err, sanitize.ErrMalformed) {
					t.Errorf("rewrite(%q) error = %v, want malformed", tc.in, err)
				}
				return
			}
			if err != nil || out.String() != tc.want {
				t.Errorf("rewrite(%q) = %q, %v; want %q", tc.in, out.String(), err, tc.want)
			}
		})
	}
}

// relsDoc is the shape parseRels decodes, for FuzzDecodeOPC.
type relsDoc struct {
	XMLName xml.Name    `xml:"Relationships"`
	Rels    []relsAttrs `xml:"Relationship"`
}

type relsAttrs struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
	Mode   string `xml:"TargetMode,attr"`
}

// FuzzDecodeOPC holds decodeOPC to encoding/xml's Decode, which it replaced for .rels and
// [Content_Types].xml: whatever it accepts, encoding/xml accepts too and reads the same
// root and the same values. It may refuse more (broken XML that encoding/xml lets by).
func FuzzDecodeOPC(f *testing.F) {
	f.Add([]byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<Relationships xmlns="` + nsRels + `"><Relationship Id="rId1" Type="` + relBase + `officeDocument" Target="word/document.xml"/></Relationships>`))
	f.Add([]byte(`<Relationships xmlns="` + nsRels + `" xmlns:x="urn:x"><Relationship x:Id="a" Id="b" Type="t&amp;u" Target="&#x41;" TargetMode="External"><Relationship Id="nested"/>text</Relationship><!-- c --><Other Id="o"/></Relationships>trailing`))
	f.Add([]byte(`<r:Relationships xmlns:r="` + nsRels + `"><r:Relationship Id="i" Type="t" Target="x"/></r:Relationships>`))
	f.Add([]byte(`<Types xmlns="` + nsContentTypes + `"><Default Extension="xml" ContentType="application/xml"/></Types>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		if len(data) > 1<<16 {
			return
		}
		var want, got relsDoc
		werr := decodeStrict(data, &want)
		gerr := decodeOPC(data, &got, "Relationships", func(e *opcElem) {
			if e.local == "Relationship" {
				got.Rels = append(got.Rels, relsAttrs{e.attr("Id"), e.attr("Type"), e.attr("Target"), e.attr("TargetMode")})
			}
		}, &got.XMLName)
		if gerr != nil {
			return
		}
		if werr != nil {
			t.Fatalf("decodeOPC accepts what encoding/xml refuses (%v): %q", werr, data)
		}
		if got.XMLName != want.XMLName || len(got.Rels) != len(want.Rels) {
			t.Fatalf("decodeOPC read %+v, encoding/xml %+v: %q", got, want, data)
		}
		for i := range got.Rels {
			if got.Rels[i] != want.Rels[i] {
				t.Fatalf("relationship %d: decodeOPC read %+v, encoding/xml %+v: %q", i, got.Rels[i], want.Rels[i], data)
			}
		}
	})
}
