package sanitize

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"unicode"

	"github.com/sekisho/sekisho/internal/testtool"
)

// mainTypeByUnmarshal is how ooxmlMainType read [Content_Types].xml before it read
// tokens: the reference its answers are compared with.
func mainTypeByUnmarshal(data []byte) string {
	var types struct {
		Overrides []struct {
			ContentType string `xml:"ContentType,attr"`
		} `xml:"Override"`
		Defaults []struct {
			ContentType string `xml:"ContentType,attr"`
		} `xml:"Default"`
	}
	if err := xml.NewDecoder(bytes.NewReader(data)).Decode(&types); err != nil {
		return ""
	}
	for _, o := range types.Overrides {
		if _, ok := ooxmlMain[o.ContentType]; ok {
			return o.ContentType
		}
	}
	for _, d := range types.Defaults {
		if _, ok := ooxmlMain[d.ContentType]; ok {
			return d.ContentType
		}
	}
	return ""
}

// mainTypeByTokens is how ooxmlMainType read [Content_Types].xml before it scanned bytes:
// encoding/xml's tokens, stopping at the first main-type Override. The fuzz target holds
// the scanner to it.
func mainTypeByTokens(data []byte) string {
	d := xml.NewDecoder(bytes.NewReader(data))
	depth, def := 0, ""
	for {
		tok, err := d.Token()
		if err != nil {
			return ""
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth != 2 || t.Name.Local != "Override" && t.Name.Local != "Default" {
				continue
			}
			ct := ""
			for _, a := range t.Attr {
				if a.Name.Local == "ContentType" {
					ct = a.Value
				}
			}
			if _, ok := ooxmlMain[ct]; !ok {
				continue
			}
			if t.Name.Local == "Override" {
				return ct
			}
			if def == "" {
				def = ct
			}
		case xml.EndElement:
			if depth--; depth == 0 {
				return def
			}
		}
	}
}

func contentTypesEntry(t testing.TB, data []byte) *zip.File {
	t.Helper()
	z := zipOf(t, map[string]string{"[Content_Types].xml": string(data)}, "[Content_Types].xml")
	zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		t.Fatal(err)
	}
	return zr.File[0]
}

// corpusContentTypes returns [Content_Types].xml of every OOXML file in testdata/ooxml.
func corpusContentTypes(t testing.TB) [][]byte {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join("..", "testdata", "ooxml", "*.*x"))
	var out [][]byte
	for _, n := range names {
		zr, err := zip.OpenReader(n)
		if err != nil {
			continue // the corpus's broken packages
		}
		for _, f := range zr.File {
			if f.Name == "[Content_Types].xml" {
				rc, err := f.Open()
				if err == nil {
					b, _ := io.ReadAll(io.LimitReader(rc, 1<<20))
					rc.Close()
					out = append(out, b)
				}
			}
		}
		zr.Close()
	}
	if len(out) < 5 {
		t.Fatalf("only %d content type files in testdata/ooxml", len(out))
	}
	return out
}

const ctMain = `application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml`

func TestOOXMLMainType(t *testing.T) {
	cases := map[string]struct {
		ct, want string
	}{
		"docm":                      {ctDocm, "application/vnd.ms-word.document.macroEnabled.main+xml"},
		"xlsx":                      {ctXlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"},
		"override before a default": {`<Types><Default Extension="xml" ContentType="` + ctMain + `"/><Override PartName="/x" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>`, "application/vnd.ms-word.document.macroEnabled.main+xml"},
		"default alone":             {`<Types><Default Extension="xml" ContentType="` + ctMain + `"/></Types>`, ctMain},
		"nested is not a child":     {`<Types><x><Override ContentType="` + ctMain + `"/></x></Types>`, ""},
		"last attribute wins":       {`<Types><Override ContentType="` + ctMain + `" ContentType="text/plain"/></Types>`, ""},
		"unknown main":              {`<Types><Override ContentType="application/vnd.ms-visio.drawing.main+xml"/></Types>`, ""},
		"malformed before":          {`<Types><Override ContentType="a"></Types>`, ""},
		"unclosed root":             {`<Types><Default Extension="xml" ContentType="` + ctMain + `"/>`, ""},
		"empty":                     {``, ""},
		"character references":      {`<Types><Override ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main&#43;xml"/><Default ContentType="x"/></Types>`, ctMain},
		"hex reference":             {`<Types><Default ContentType="application&#x2F;vnd.openxmlformats-officedocument.wordprocessingml.document.main&#x2b;xml"/></Types>`, ctMain},
		"unknown entity":            {`<Types><Override ContentType="` + ctMain + `&nbsp;"/></Types>`, ""},
		"in a comment":              {`<Types><!-- <Override ContentType="` + ctMain + `"/> --></Types>`, ""},
		"in CDATA":                  {`<Types><![CDATA[<Override ContentType="` + ctMain + `"/>]]></Types>`, ""},
		"after a doctype":           {`<?xml version="1.0"?><!DOCTYPE Types [<!ENTITY x "a>b"> <!-- <Types> --> <!ELEMENT Types ANY>]><Types><Override ContentType='` + ctMain + `'/></Types>`, ctMain},
		"prefixed":                  {`<ct:Types xmlns:ct="urn:x"><ct:Override ct:ContentType = "` + ctMain + `" /></ct:Types>`, ctMain},
		"gt in a value":             {`<Types><Default Extension="a>b" ContentType="` + ctMain + `"/></Types>`, ctMain},
		"lt in a value":             {`<Types><Default Extension="a<b" ContentType="` + ctMain + `"/></Types>`, ""},
		"inside an override":        {`<Types><Override ContentType="x"><Override ContentType="` + ctMain + `"/></Override></Types>`, ""},
		"end before the root":       {`</Types><Types><Override ContentType="` + ctMain + `"/></Types>`, ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := ooxmlMainType(contentTypesEntry(t, []byte(tc.ct))); got != tc.want {
				t.Errorf("ooxmlMainType = %q, want %q", got, tc.want)
			}
			if ref := mainTypeByTokens([]byte(tc.ct)); ref != tc.want {
				t.Errorf("encoding/xml's tokens read %q, want %q", ref, tc.want)
			}
			if ref := mainTypeByUnmarshal([]byte(tc.ct)); ref != tc.want && name != "last attribute wins" {
				t.Errorf("the reference reads %q, want %q", ref, tc.want)
			}
		})
	}
	for i, ct := range corpusContentTypes(t) {
		got, ref := ooxmlMainType(contentTypesEntry(t, ct)), mainTypeByUnmarshal(ct)
		if tokens := mainTypeByTokens(ct); got != ref || got != tokens || got == "" {
			t.Errorf("corpus file %d: ooxmlMainType = %q, the reference %q", i, got, ref)
		}
	}
}

// FuzzOOXMLMainType holds the byte scanner to encoding/xml's tokens (the reader it
// replaced) and to unmarshalling (the one before): wherever either finds a main type the
// scanner finds the same, and where it finds one they do not, encoding/xml refuses the
// file. The token reader may find one where unmarshalling gives up only because the file
// is malformed after the Override it stops at.
func FuzzOOXMLMainType(f *testing.F) {
	for _, ct := range corpusContentTypes(f) {
		f.Add(ct)
	}
	f.Add([]byte(ctDocm))
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		got, tokens, ref := mainTypeOf(data), mainTypeByTokens(data), mainTypeByUnmarshal(data)
		if ref != "" && tokens != ref {
			t.Fatalf("token reader = %q, the unmarshalling reference %q", tokens, ref)
		}
		if tokens != "" && got != tokens {
			t.Fatalf("mainTypeOf = %q, encoding/xml's tokens %q", got, tokens)
		}
		if got != tokens {
			var v struct{}
			if xml.NewDecoder(bytes.NewReader(data)).Decode(&v) == nil {
				t.Fatalf("mainTypeOf = %q in a well-formed file where encoding/xml's tokens find %q", got, tokens)
			}
		}
	})
}

func BenchmarkOOXMLMainType(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "ooxml", "report.docx"))
	if err != nil {
		b.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		b.Fatal(err)
	}
	var ct *zip.File
	for _, f := range zr.File {
		if f.Name == "[Content_Types].xml" {
			ct = f
		}
	}
	// tokens and unmarshal are the earlier readers on the same entry: opened, read, parsed.
	b.Run("read=scan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if ooxmlMainType(ct) == "" {
				b.Fatal("no main type")
			}
		}
	})
	for name, read := range map[string]func([]byte) string{"tokens": mainTypeByTokens, "unmarshal": mainTypeByUnmarshal} {
		b.Run("read="+name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rc, err := ct.Open()
				if err != nil {
					b.Fatal(err)
				}
				data, _ := io.ReadAll(rc)
				rc.Close()
				if read(data) == "" {
					b.Fatal("no main type")
				}
			}
		})
	}
}

// runnableMarks is what sniffRunnable looks for in a lowered window: a batch first line
// and the script markers.
func runnableMarks(low []byte) (batch []bool, markers []bool) {
	first := bytes.TrimLeft(bytes.TrimPrefix(low, []byte("\xef\xbb\xbf")), " \t\r\n")
	for _, m := range batchStart {
		batch = append(batch, bytes.HasPrefix(first, m))
	}
	for _, m := range scriptMarkers {
		markers = append(markers, bytes.Contains(low, m))
	}
	return batch, markers
}

// TestLowerASCII: every character whose lowercase is ASCII is one lowerASCII hands to
// bytes.ToLower, and both find the same markers in the corpus's texts and in the tricks.
func TestLowerASCII(t *testing.T) {
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if l := unicode.ToLower(r); l < 0x80 && r != '\u212a' && r != '\u0130' {
			t.Fatalf("%U lowers to ASCII %q: lowerASCII must hand it to bytes.ToLower", r, l)
		}
	}
	inputs := []string{"WScript.Shell", "@ECHO OFF\r\n", "\ufeff  @Echo Off", "Invo\u212ae-Expression",
		"WScr\u0130pt.Shell", "日本語のテキスト WSCRIPT.SHELL", "\xff\xfeW\x00S\x00", "plain text"}
	names, _ := filepath.Glob(filepath.Join("..", "testdata", "text", "*"))
	for _, n := range names {
		if b, err := os.ReadFile(n); err == nil {
			inputs = append(inputs, string(b))
		}
	}
	for _, in := range inputs {
		gb, gm := runnableMarks(lowerASCII([]byte(in)))
		wb, wm := runnableMarks(bytes.ToLower([]byte(in)))
		if !slices.Equal(gb, wb) || !slices.Equal(gm, wm) {
			t.Errorf("%.40q: lowerASCII finds %v %v, bytes.ToLower %v %v", in, gb, gm, wb, wm)
		}
	}
}

func FuzzLowerASCII(f *testing.F) {
	f.Add([]byte("Invo\u212ae-Expression"))
	f.Add([]byte("@echo off"))
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		gb, gm := runnableMarks(lowerASCII(data))
		wb, wm := runnableMarks(bytes.ToLower(data))
		if !slices.Equal(gb, wb) || !slices.Equal(gm, wm) {
			t.Fatalf("lowerASCII finds %v %v, bytes.ToLower %v %v", gb, gm, wb, wm)
		}
	})
}
