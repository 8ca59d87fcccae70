package sanitize

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"testing"

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
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := ooxmlMainType(contentTypesEntry(t, []byte(tc.ct))); got != tc.want {
				t.Errorf("ooxmlMainType = %q, want %q", got, tc.want)
			}
			if ref := mainTypeByUnmarshal([]byte(tc.ct)); ref != tc.want && name != "last attribute wins" {
				t.Errorf("the reference reads %q, want %q", ref, tc.want)
			}
		})
	}
	for i, ct := range corpusContentTypes(t) {
		got, ref := ooxmlMainType(contentTypesEntry(t, ct)), mainTypeByUnmarshal(ct)
		if got != ref || got == "" {
			t.Errorf("corpus file %d: ooxmlMainType = %q, the reference %q", i, got, ref)
		}
	}
}

// FuzzOOXMLMainType: wherever the reference finds a main type the token reader finds the
// same; it may find one where the reference gives up only because the file is malformed
// after the Override it stops at.
func FuzzOOXMLMainType(f *testing.F) {
	for _, ct := range corpusContentTypes(f) {
		f.Add(ct)
	}
	f.Add([]byte(ctDocm))
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		got, ref := ooxmlMainType(contentTypesEntry(t, data)), mainTypeByUnmarshal(data)
		if ref != "" && got != ref {
			t.Fatalf("ooxmlMainType = %q, the reference %q", got, ref)
		}
		if ref == "" && got != "" {
			var v struct{}
			if xml.NewDecoder(bytes.NewReader(data)).Decode(&v) == nil {
				t.Fatalf("ooxmlMainType = %q in a well-formed file where the reference finds none", got)
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
	// unmarshal is the reference on the same entry: opened, read and unmarshalled.
	b.Run("read=tokens", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if ooxmlMainType(ct) == "" {
				b.Fatal("no main type")
			}
		}
	})
	b.Run("read=unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rc, err := ct.Open()
			if err != nil {
				b.Fatal(err)
			}
			data, _ := io.ReadAll(rc)
			rc.Close()
			if mainTypeByUnmarshal(data) == "" {
				b.Fatal("no main type")
			}
		}
	})
}
