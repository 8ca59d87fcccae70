package ooxml

import (
	"archive/zip"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

// TestStoredPictures: a JPEG, PNG or GIF picture is written stored (deflate would gain
// nothing on it), with its CRC and sizes in the local header and no data descriptor;
// markup stays deflated. python3's zipfile, which shares no code with archive/zip, checks
// every CRC of the output.
func TestStoredPictures(t *testing.T) {
	py := testtool.Need(t, "python3")
	_, s := newEngine(true)
	dir := t.TempDir()
	for _, base := range []string{"ooxml/report.docx", "odf/report.odt"} {
		out, _, err := sanitizeBytes(t, s, base, readCorpus(t, base))
		if err != nil {
			t.Fatalf("%s: %v", base, err)
		}
		zr, err := zip.NewReader(bytes.NewReader(out), int64(len(out)))
		if err != nil {
			t.Fatal(err)
		}
		pictures := 0
		for _, f := range zr.File {
			switch {
			case strings.HasSuffix(f.Name, ".png"):
				pictures++
				if f.Method != zip.Store || f.Flags&0x8 != 0 {
					t.Errorf("%s: %s method %d flags %#x, want stored without a data descriptor", base, f.Name, f.Method, f.Flags)
				}
			case strings.HasSuffix(f.Name, ".xml"):
				if f.Method != zip.Deflate {
					t.Errorf("%s: %s method %d, want deflated", base, f.Name, f.Method)
				}
			}
		}
		if pictures == 0 {
			t.Errorf("%s: no picture in the output", base)
		}
		p := filepath.Join(dir, filepath.Base(base))
		if err := os.WriteFile(p, out, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(py, "-c", "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nbad = z.testzip()\nif bad: sys.exit('bad CRC: ' + bad)", p)
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: python3 zipfile: %v: %s", base, err, msg)
		}
	}
}

func TestPrecompressed(t *testing.T) {
	for ctype, want := range map[string]bool{
		"image/png": true, "image/jpeg": true, "IMAGE/JPEG": true, "image/jpg": true, "image/gif": true,
		"image/png; charset=x": true, "image/bmp": false, "image/tiff": false, "image/x-emf": false,
		"image/svg+xml": false, "": false, "image/png;;": false,
	} {
		if got := precompressed(ctype); got != want {
			t.Errorf("precompressed(%q) = %v, want %v", ctype, got, want)
		}
	}
}
