package pdf

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// TestOddHeaderVersion checks that a header version pdfcpu does not know is read as
// 1.7, as poppler and MuPDF open such files: a PDF 1.7 file of the OPF format corpus
// headed "%PDF-1.8" was refused as malformed. A header that is not digit, dot, digit
// stays refused. pdftotext judges the output.
func TestOddHeaderVersion(t *testing.T) {
	pdftotext := testtool.Need(t, "pdftotext")
	base, _ := basePDF("", "").bytes("")
	withHeader := func(v string) []byte {
		return bytes.Replace(base, []byte("%PDF-1.7"), []byte("%PDF-"+v), 1)
	}
	real, err := os.ReadFile(filepath.Join(corpusDir, "real", "opf-pdf-17-header18.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, want string
		data       []byte
		odd        bool
		refused    bool
	}{
		{"1.7", "Hostile sample page", withHeader("1.7"), false, false},
		{"2.0", "Hostile sample page", withHeader("2.0"), false, false},
		{"1.8", "Hostile sample page", withHeader("1.8"), true, false},
		{"1.9", "Hostile sample page", withHeader("1.9"), true, false},
		{"2.4", "Hostile sample page", withHeader("2.4"), true, false},
		{"14", "", withHeader("14 "), false, true},
		{"opf-pdf-17-header18", "This is a test document", real, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, res, err := run(t, New(Options{}), tc.data)
			if tc.refused {
				if !errors.Is(err, sanitize.ErrMalformed) {
					t.Fatalf("err %v, want malformed", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(t.TempDir(), "out.pdf")
			if err := os.WriteFile(file, out, 0o644); err != nil {
				t.Fatal(err)
			}
			if got := text(t, pdftotext, file); !strings.Contains(got, tc.want) {
				t.Errorf("pdftotext of the output: %q, want it to hold %q", got, tc.want)
			}
			odd := false
			for _, a := range res.Actions {
				odd = odd || a.Kind == sanitize.ActRebuilt && strings.Contains(a.Detail, "header version")
			}
			if odd != tc.odd {
				t.Errorf("header version reported %v, want %v: %+v", odd, tc.odd, res.Actions)
			}
		})
	}
}

// TestEncryptedStreamThatDoesNotDecrypt checks that an encrypted file whose stream does
// not decrypt is refused for its encryption: the reason was "malformed", which sends the
// operator looking for damage instead of asking the sender for an unprotected file.
func TestEncryptedStreamThatDoesNotDecrypt(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(corpusDir, "real", "pdfjs-secHandler.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := run(t, New(Options{}), data); !errors.Is(err, sanitize.ErrEncrypted) {
		t.Fatalf("err %v, want encrypted", err)
	}
}
