package sanitize

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIchitaro checks that Ichitaro documents are recognised, by header (versions 4-6) or by
// name on a container nothing else claims, and held with a Japanese reason that names the
// format and what to ask for; and that content we do understand keeps its type whatever
// the name says.
func TestIchitaro(t *testing.T) {
	read := func(parts ...string) []byte {
		b, err := os.ReadFile(filepath.Join(append([]string{"..", "testdata"}, parts...)...))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// The Ichitaro 5 header as libmagic knows it: "DOC", then the version byte at 43.
	v5 := append([]byte("DOC"), make([]byte, 60)...)
	v5[43] = 0x15
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	w, _ := zw.Create("Document")
	w.Write([]byte("packed document"))
	zw.Close()

	tests := []struct {
		name     string
		data     []byte
		file     string
		want     string
		ichitaro bool
	}{
		{"compound file named .jtd", read("ole", "gen-package.bin"), "報告書.jtd", "ichitaro", true},
		{"compound file named .JTD with trailing dot", read("ole", "gen-package.bin"), "報告書.JTD.", "ichitaro", true},
		{"zip named .jtdc", zipped.Bytes(), "議事録.jtdc", "ichitaro", true},
		{"unknown bytes named .jaw", []byte{0x00, 0x01, 0x02, 0x03, 0xfe, 0xfd, 0x80, 0x81}, "古い文書.jaw", "ichitaro", true},
		{"Ichitaro 5 header, no name", v5, "", "ichitaro", true},
		{"a real Word file named .jtd", read("ole", "lo-plain.doc"), "a.jtd", "doc", false},
		{"a real docx named .jtd", read("ooxml", "memo.docx"), "a.jtd", "docx", false},
		{"compound file without the name", read("ole", "gen-package.bin"), "a.bin", "ole", false},
	}
	e := NewEngine(EngineOptions{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			res, err := e.Sanitize(context.Background(), &Item{Body: bytes.NewReader(tt.data), Path: "a", Name: tt.file}, &out, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Detected.Name != tt.want {
				t.Fatalf("detected %s, want %s", res.Detected.Name, tt.want)
			}
			isIchitaro := strings.Contains(res.Reason, "一太郎文書") && strings.Contains(res.Reason, "PDF") && strings.Contains(res.Reason, "docx")
			if isIchitaro != tt.ichitaro {
				t.Errorf("reason %q; Ichitaro reason = %v, want %v", res.Reason, isIchitaro, tt.ichitaro)
			}
			if tt.ichitaro && (res.Verdict != Quarantined || out.Len() != 0) {
				t.Errorf("verdict %s with %d bytes, want quarantined with nothing", res.Verdict, out.Len())
			}
		})
	}
}
