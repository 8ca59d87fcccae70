package e2e

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"strconv"
	"strings"
	"testing"
)

// Builders for polyglots: a file that is one format to the gateway and another to some
// reader. Each hides polyglotHTML, a stored zip or a second document, all marked with
// decoderMarker, so that a judge can tell the second format from the first.

// polyglotHTML is a page a browser runs; its marker sits where converting it to text
// drops it.
const polyglotHTML = "<html><body><script>/*" + decoderMarker + "*/alert(1)</script></body></html>"

// storedZip is a zip whose entries are stored, so that their bytes (and the marker) stand
// in the file as written; offset is where the zip will start in the polyglot.
func storedZip(t testing.TB, offset int64, entries ...zipEntry) []byte {
	t.Helper()
	return buildZip(t, offset, zip.Store, entries...)
}

// payloadZip is the zip hidden in the polyglots: an executable and a page, both marked.
func payloadZip(t testing.TB, offset int64) []byte {
	return storedZip(t, offset,
		zipEntry{"run.exe", "MZ\x90\x00" + decoderMarker},
		zipEntry{"index.html", polyglotHTML})
}

// withPNGChunk inserts a chunk after IHDR.
func withPNGChunk(png []byte, typ string, data []byte) []byte {
	const afterIHDR = 8 + 8 + 13 + 4
	var c []byte
	c = binary.BigEndian.AppendUint32(c, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	c = binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
	return append(append(append([]byte{}, png[:afterIHDR]...), c...), png[afterIHDR:]...)
}

// withJPEGSegment inserts a marker segment right after SOI.
func withJPEGSegment(jpg []byte, marker byte, data []byte) []byte {
	seg := []byte{0xff, marker, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(data)+2))
	seg = append(seg, data...)
	return append(append(append([]byte{}, jpg[:2]...), seg...), jpg[2:]...)
}

// withGIFExtension inserts an extension block (label, then data as sub-blocks) after the
// logical screen descriptor and global colour table.
func withGIFExtension(gif []byte, label byte, head, data []byte) []byte {
	at := 13
	if gif[10]&0x80 != 0 {
		at += 3 << (gif[10]&7 + 1)
	}
	ext := []byte{0x21, label}
	if head != nil {
		ext = append(ext, byte(len(head)))
		ext = append(ext, head...)
	}
	for len(data) > 0 {
		n := min(len(data), 255)
		ext = append(ext, byte(n))
		ext = append(ext, data[:n]...)
		data = data[n:]
	}
	ext = append(ext, 0)
	return append(append(append([]byte{}, gif[:at]...), ext...), gif[at:]...)
}

// pdfWithZipStream hides a zip's entries in an unreferenced stream of a PDF and its
// central directory after %%EOF, with offsets that hold in the whole file: a zip reader
// finds the directory at the end and every entry inside the PDF.
func pdfWithZipStream(t testing.TB) []byte {
	t.Helper()
	head := "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
	}
	var b bytes.Buffer
	b.WriteString(head)
	offs := make([]int, 0, len(objs)+1)
	for i, o := range objs {
		offs = append(offs, b.Len())
		b.WriteString(strconv.Itoa(i+1) + " 0 obj\n" + o + "\nendobj\n")
	}
	offs = append(offs, b.Len())
	pre := "4 0 obj\n<< /Length "
	// The stream's start is known once the length's digits are: build with a guess, then
	// again with the real length (same digit count).
	z := payloadZip(t, 0)
	cd := centralStart(t, z)
	lenDigits := strconv.Itoa(cd)
	start := int64(b.Len() + len(pre) + len(lenDigits) + len(" >>\nstream\n"))
	z = payloadZip(t, start)
	local, dir := z[:cd], z[cd:]
	b.WriteString(pre + lenDigits + " >>\nstream\n")
	b.Write(local)
	b.WriteString("\nendstream\nendobj\n")
	x := b.Len()
	b.WriteString("xref\n0 5\n0000000000 65535 f \n")
	for _, o := range offs {
		b.WriteString(fmt.Sprintf("%010d", o) + " 00000 n \n")
	}
	b.WriteString("trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n" + strconv.Itoa(x) + "\n%%EOF\n")
	// The directory keeps the entries' absolute offsets; its own offset is where it lands.
	dir = bytes.Clone(dir)
	binary.LittleEndian.PutUint32(dir[len(dir)-22+16:], uint32(b.Len()))
	b.Write(dir)
	return b.Bytes()
}

// centralStart is the offset of a zip's central directory, from its end record.
func centralStart(t testing.TB, z []byte) int {
	t.Helper()
	end := bytes.LastIndex(z, []byte("PK\x05\x06"))
	if end < 0 {
		t.Fatal("no end record")
	}
	return int(binary.LittleEndian.Uint32(z[end+16:]))
}

// dropCentral removes name's central-directory record: its local header and data stay
// where they are, which a reader that walks local headers still finds.
func dropCentral(t testing.TB, z []byte, name string) []byte {
	t.Helper()
	end := bytes.LastIndex(z, []byte("PK\x05\x06"))
	cd := int(binary.LittleEndian.Uint32(z[end+16:]))
	var kept []byte
	n := 0
	for p := cd; p < end; {
		nl := int(binary.LittleEndian.Uint16(z[p+28:]))
		el := int(binary.LittleEndian.Uint16(z[p+30:]))
		cl := int(binary.LittleEndian.Uint16(z[p+32:]))
		rec := z[p : p+46+nl+el+cl]
		if string(rec[46:46+nl]) != name {
			kept = append(kept, rec...)
			n++
		}
		p += len(rec)
	}
	out := append(append([]byte{}, z[:cd]...), kept...)
	eocd := bytes.Clone(z[end:])
	binary.LittleEndian.PutUint16(eocd[8:], uint16(n))
	binary.LittleEndian.PutUint16(eocd[10:], uint16(n))
	binary.LittleEndian.PutUint32(eocd[12:], uint32(len(kept)))
	return append(out, eocd...)
}

// twoDirectories puts archive b after archive a, each with its own central directory:
// readers that take the last end record read b, those that take the first (or walk local
// headers) read a, or both.
func twoDirectories(t testing.TB, a []zipEntry, b []zipEntry) []byte {
	t.Helper()
	first := mkzip(t, a...)
	return append(first, buildZip(t, int64(len(first)), zip.Deflate, b...)...)
}

// ddeDocx is the minimal docx with a DDEAUTO field in its body.
func ddeDocx() []zipEntry {
	p := docxParts()
	p[2].body = strings.Replace(p[2].body, `<w:r><w:t>hello</w:t></w:r>`,
		`<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc.exe"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>`, 1)
	return p
}

// zlibOf compresses data as PNG's zTXt chunk holds it.
func zlibOf(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withZipComment sets a zip's archive comment (the end record's last field).
func withZipComment(z, comment []byte) []byte {
	end := bytes.LastIndex(z, []byte("PK\x05\x06"))
	out := append([]byte{}, z[:end+22]...)
	binary.LittleEndian.PutUint16(out[end+20:], uint16(len(comment)))
	return append(out, comment...)
}
