package main

import (
	"archive/zip"
	"bytes"
	"image/jpeg"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

// End-to-end runs through each wired family: the binary, the engine and the family
// together, checked on the written output.

func shiftJIS(t *testing.T, s string) []byte {
	t.Helper()
	b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func zipOf(t *testing.T, files ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.Create(f[0])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f[1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// corpus reads a file of the shared corpus in the top-level testdata/.
func corpus(path string) func(t *testing.T) []byte {
	return func(t *testing.T) []byte {
		t.Helper()
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", path))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
}

func zipNames(t *testing.T, b []byte) []string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("output is not a zip: %v", err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	return names
}

func TestSanitizeFileFamilies(t *testing.T) {
	tests := []struct {
		name        string
		file        string
		content     func(t *testing.T) []byte
		wantVerdict string
		wantActions []string // action kinds that must appear
		check       func(t *testing.T, out []byte)
	}{
		{
			name: "shift_jis csv with formulas",
			file: "名簿.csv",
			content: func(t *testing.T) []byte {
				return shiftJIS(t, "名前,式\r\n太郎,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n花子,=cmd|'/c calc'!A1\r\n")
			},
			wantVerdict: "sanitized",
			wantActions: []string{"normalized-charset", "neutralized-formula"},
			check: func(t *testing.T, out []byte) {
				want := "名前,式\n太郎,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\n花子,'=cmd|'/c calc'!A1\n"
				if string(out) != want {
					t.Errorf("output = %q, want %q", out, want)
				}
			},
		},
		{
			name: "html becomes text",
			file: "page.html",
			content: func(*testing.T) []byte {
				return []byte("<html><body><p>関所</p><script>alert(1)</script></body></html>")
			},
			wantVerdict: "sanitized",
			wantActions: []string{"converted-to-text"},
			check: func(t *testing.T, out []byte) {
				if !strings.Contains(string(out), "関所") || strings.Contains(string(out), "alert") {
					t.Errorf("output = %q, want the paragraph text and no script", out)
				}
			},
		},
		{
			name: "zip loses its executable",
			file: "bundle.zip",
			content: func(t *testing.T) []byte {
				return zipOf(t, [2]string{"readme.txt", "関所\n"}, [2]string{"setup.exe", string(peBytes)})
			},
			wantVerdict: "sanitized",
			wantActions: []string{"blocked"},
			check: func(t *testing.T, out []byte) {
				if names := zipNames(t, out); !slices.Equal(names, []string{"readme.txt"}) {
					t.Errorf("output entries = %q, want only readme.txt", names)
				}
			},
		},
		{
			name:        "jpeg with a zip appended",
			file:        "photo.jpg",
			content:     corpus("img/polyglot-zip.jpg"),
			wantVerdict: "sanitized",
			wantActions: []string{"re-encoded", "removed-trailing-data"},
			check: func(t *testing.T, out []byte) {
				if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
					t.Errorf("output does not decode as JPEG: %v", err)
				}
				if bytes.Contains(out, []byte("PK\x03\x04")) || !bytes.HasSuffix(out, []byte{0xff, 0xd9}) {
					t.Errorf("output still carries data after the JPEG end marker")
				}
			},
		},
		{
			name:        "docx from a real producer",
			file:        "report.docx",
			content:     corpus("ooxml/report.docx"),
			wantVerdict: "", // clean or sanitized: metadata handling is the family's call
			check: func(t *testing.T, out []byte) {
				names := zipNames(t, out)
				if !slices.Contains(names, "word/document.xml") || !slices.Contains(names, "[Content_Types].xml") {
					t.Errorf("output entries = %q, want a word document", names)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			out := "out" + filepath.Ext(tc.file)
			writeFiles(t, dir, map[string][]byte{tc.file: tc.content(t)})
			r := sekisho(t, dir, nil, "sanitize-file", tc.file, "-o", out, "--report", "r.json")
			if r.code != exitOK {
				t.Fatalf("exit %d, want 0; stderr: %s", r.code, r.stderr)
			}
			rep := readReport(t, filepath.Join(dir, "r.json"))
			if tc.wantVerdict != "" && rep.Verdict != tc.wantVerdict {
				t.Errorf("verdict = %q, want %q", rep.Verdict, tc.wantVerdict)
			}
			var kinds []string
			for _, a := range rep.Actions {
				kinds = append(kinds, a.Action)
				if a.Path == "" {
					t.Errorf("action %+v has no path", a)
				}
			}
			for _, k := range tc.wantActions {
				if !slices.Contains(kinds, k) {
					t.Errorf("actions = %q, want %s among them", kinds, k)
				}
			}
			b, err := os.ReadFile(filepath.Join(dir, out))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Output == nil || rep.Output.SHA256 != sha(b) || rep.Output.Size != int64(len(b)) {
				t.Errorf("report output = %+v, want sha256 %s size %d", rep.Output, sha(b), len(b))
			}
			tc.check(t, b)
		})
	}
}
