package e2e

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// zipEntry is one file of a zip built by mkzip.
type zipEntry struct {
	name string
	body string
}

// mkzip builds a zip with the entries in order (duplicates allowed: the zip writer does
// not check, which is what the duplicate-name samples need).
func mkzip(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	return buildZip(t, 0, zip.Deflate, entries...)
}

// buildZip is mkzip with every entry compressed by method, for a zip that will start at
// offset in a larger file (its offsets count from the file's start).
func buildZip(t testing.TB, offset int64, method uint16, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.SetOffset(offset)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// mkpdf builds a small PDF with a correct xref from object bodies (1-based, in order); obj 1
// must be the catalog.
func mkpdf(objs ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, x)
	return b.Bytes()
}

// pdfJS is a one-page PDF whose catalog runs JavaScript on open.
func pdfJS() []byte {
	return mkpdf(
		"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
		"<< /S /JavaScript /JS (app.alert\\(1\\)) >>",
	)
}

// ooxmlParts are the parts of a minimal docx; callers add or replace parts.
func docxParts() []zipEntry {
	return []zipEntry{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>hello</w:t></w:r></w:p></w:body></w:document>`},
	}
}

func utf16le(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

func junk(n int) string { return strings.Repeat("x", n) }

// readFile reads a file of the shared testdata folder.
func readFile(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func utf32le(s string) []byte {
	var b []byte
	for _, r := range s {
		b = binary.LittleEndian.AppendUint32(b, uint32(r))
	}
	return b
}

// eicarString is built at run time so that no scanner quarantines the test source.
func eicarString() string {
	return "X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-" + "TEST-FILE!$H+H*"
}

// isoImage is the start of an ISO 9660 image: 32 KiB of system area, then the primary
// volume descriptor.
func isoImage() []byte {
	b := make([]byte, 0x8000+2048)
	b[0x8000] = 1
	copy(b[0x8001:], "CD001\x01")
	return b
}

// msiFromDoc turns a real Word 97 compound file (LibreOffice) into what Windows Installer
// and mimetype call an MSI: the root storage's class ID is the installer's.
func msiFromDoc(t testing.TB) []byte {
	t.Helper()
	b := bytes.Clone(readFile(t, "ole/lo-plain.doc"))
	sector := 512
	if b[26] == 4 {
		sector = 4096
	}
	dir := int(binary.LittleEndian.Uint32(b[48:52]))
	off := sector*(1+dir) + 80
	copy(b[off:], []byte{0x84, 0x10, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46})
	return b
}

func gz(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := gzip.NewWriterLevel(&b, gzip.BestSpeed) // fast to build; still ~800:1 on zeros
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// entriesOf reads a zip's entries in order.
func entriesOf(t testing.TB, pkg []byte) []zipEntry {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	var out []zipEntry
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, zipEntry{f.Name, string(b)})
	}
	return out
}
