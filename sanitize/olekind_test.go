package sanitize

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

// TestDetectOLEKind checks that compound files written by LibreOffice, which mimetype
// reports as generic OLE storage, are named by their root streams, and that what is not
// an Office document keeps its name.
func TestDetectOLEKind(t *testing.T) {
	tests := []struct{ file, want string }{
		{"lo-plain.doc", "doc"},
		{"lo-objectpool.doc", "doc"}, // an embedded object's streams are not at the root
		{"lo-plain.xls", "xls"},
		{"lo-formula.xls", "xls"},
		{"lo-slides.ppt", "ppt"},
		{"gen-vba.doc", "doc"},
		{"gen-encrypted.docx", "ole"},
		{"gen-equation.bin", "ole"},
		{"bad-garbage.doc", "ole"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("..", "testdata", "ole", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if got := Detect(bytes.NewReader(data)); got.Name != tt.want {
				t.Errorf("Detect(%s) = %s, want %s", tt.file, got.Name, tt.want)
			}
		})
	}
}

func FuzzRefineOLE(f *testing.F) {
	for _, n := range []string{"lo-plain.doc", "lo-plain.xls", "lo-slides.ppt", "gen-vba.doc", "bad-truncated.doc"} {
		if data, err := os.ReadFile(filepath.Join("..", "testdata", "ole", n)); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		got := refineOLE(bytes.NewReader(data), Type{Name: "ole", Class: ClassOLE})
		if got.Class != ClassOLE {
			t.Fatalf("refineOLE changed the class to %s", got.Class)
		}
	})
}
