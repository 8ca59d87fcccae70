package e2e

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

// A polyglot is valid as two formats. The gateway judges it as one; the output must be
// that one only, with nothing a reader of the other can open. secondFormats judges an
// output with readers that never asked the gateway: Python's zipfile and 7-Zip (which
// find a zip anywhere its end record points), a PDF reader's rule (a header in the first
// 1024 bytes), a browser's content sniffing (net/http implements the WHATWG algorithm),
// exiftool for image metadata, and each format's own end (nothing after %%EOF, the
// end-of-central-directory record, the RTF group, the image trailer).

// zipProbe asks Python's zipfile about files, one path a line on stdin, one JSON line
// back each: a zip at all, where its first entry starts, and whether an entry holds the
// marker. One process serves a whole test.
const zipProbe = `
import json, sys, zipfile
m = sys.argv[1].encode()
for line in sys.stdin:
    p = line.rstrip("\n")
    r = {"zip": zipfile.is_zipfile(p)}
    if r["zip"]:
        try:
            z = zipfile.ZipFile(p)
            infos = z.infolist()
            r["names"] = [i.filename for i in infos]
            r["first"] = min([i.header_offset for i in infos], default=0)
            r["marker"] = any(m in z.read(i) for i in infos if not i.is_dir())
        except Exception as e:
            r["error"] = str(e)
    print(json.dumps(r), flush=True)
`

// zipProber is a running zipProbe.
type zipProber struct {
	in  io.WriteCloser
	out *bufio.Reader
}

func newZipProber(t *testing.T) *zipProber {
	t.Helper()
	cmd := exec.Command(testtool.Need(t, "python3"), "-c", zipProbe, decoderMarker)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close(); cmd.Wait() })
	return &zipProber{in: in, out: bufio.NewReader(out)}
}

func (z *zipProber) probe(t testing.TB, path string) zipReport {
	t.Helper()
	var r zipReport
	if _, err := fmt.Fprintln(z.in, path); err != nil {
		t.Fatalf("python3 zipfile probe: %v", err)
	}
	line, err := z.out.ReadBytes('\n')
	if err != nil {
		t.Fatalf("python3 zipfile probe: %v", err)
	}
	if err := json.Unmarshal(line, &r); err != nil {
		t.Fatalf("python3 zipfile probe: %v: %s", err, line)
	}
	return r
}

type zipReport struct {
	Zip    bool     `json:"zip"`
	Names  []string `json:"names"`
	First  int64    `json:"first"`
	Marker bool     `json:"marker"`
	Error  string   `json:"error"`
}

// zipOutputs are the delivered extensions whose format is a zip.
var zipOutputs = map[string]bool{
	".zip": true, ".docx": true, ".xlsx": true, ".pptx": true, ".odt": true, ".ods": true,
	".odp": true, ".odg": true, ".epub": true, ".docm": true, ".xlsm": true, ".pptm": true,
	".dotx": true, ".xltx": true, ".potx": true, ".ppsx": true,
}

// archiveOutputs are the other delivered extensions 7-Zip is expected to list.
var archiveOutputs = map[string]bool{".tar": true, ".gz": true, ".tgz": true, ".bz2": true, ".tbz2": true}

// secondFormats lists what other readers find in out, delivered as name.
func secondFormats(t testing.TB, zp *zipProber, out []byte, name string) []string {
	t.Helper()
	ext := strings.ToLower(filepath.Ext(name))
	var found []string
	add := func(f string, a ...any) { found = append(found, name+": "+fmt.Sprintf(f, a...)) }
	dir := t.TempDir()
	path := filepath.Join(dir, "out"+ext)
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}

	zr := zp.probe(t, path)
	if zipOutputs[ext] {
		switch {
		case !zr.Zip || zr.Error != "":
			add("Python's zipfile cannot read the delivered zip: %s", zr.Error)
		case zr.First != 0:
			add("zip entries start at %d, after other data", zr.First)
		case zr.Marker:
			add("an entry holds the hidden payload")
		}
		if end := bytes.LastIndex(out, []byte("PK\x05\x06")); end < 0 || end+22 > len(out) ||
			end+22+int(binary.LittleEndian.Uint16(out[end+20:])) != len(out) {
			add("data after the zip's end record")
		}
	} else {
		if zr.Zip {
			add("Python's zipfile opens it as a zip (%v)", zr.Names)
		}
		if !archiveOutputs[ext] {
			sz := testtool.Need(t, "7z")
			if err := exec.Command(sz, "l", "-ba", path).Run(); err == nil {
				add("7-Zip lists it as an archive")
			}
		}
	}

	head := out[:min(len(out), 1024)]
	if ext == ".pdf" {
		if !bytes.HasPrefix(out, []byte("%PDF-")) {
			add("data before the PDF header")
		}
		if end := bytes.LastIndex(out, []byte("%%EOF")); end < 0 || len(bytes.TrimRight(out[end+5:], "\r\n")) > 0 {
			add("data after %%%%EOF")
		} else if n := bytes.Count(out, []byte("%PDF-")); n > 1 {
			add("%d PDF headers", n)
		}
	} else if bytes.Contains(head, []byte("%PDF-")) {
		// Acrobat takes a file with the header in its first 1 KiB; whether a document is
		// there, MuPDF (which repairs anything) says by finding a catalog.
		mu := testtool.Need(t, "mutool")
		if cat, err := exec.Command(mu, "show", path, "trailer/Root").Output(); err == nil && bytes.Contains(cat, []byte("<<")) {
			add("a PDF header in the first 1024 bytes, and MuPDF reads a document catalog: %q", bytes.Join(bytes.Fields(cat), []byte(" ")))
		}
	}

	if ct := http.DetectContentType(out); strings.HasPrefix(ct, "text/html") || strings.HasPrefix(ct, "text/xml") {
		if ext != ".html" && ext != ".htm" {
			add("a browser sniffs it as %s", ct)
		}
	}

	switch ext {
	case ".rtf":
		if end := bytes.LastIndexByte(out, '}'); end < 0 || len(bytes.Trim(out[end+1:], "\r\n\t \x00")) > 0 {
			add("data after the RTF group")
		}
	case ".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tiff":
		et := testtool.Need(t, "exiftool")
		meta, err := exec.Command(et, "-a", "-u", "-j", path).Output()
		if err != nil {
			t.Fatalf("exiftool: %v", err)
		}
		if bytes.Contains(meta, []byte(decoderMarker)) {
			add("exiftool reads the hidden payload from its metadata")
		}
	}
	// Text is delivered as text: a page or PDF syntax inside it is words a text reader
	// shows (MuPDF reads PDF objects out of any bytes, header or not; nothing hands it a
	// .txt). What counts there is what sniffing finds, judged above.
	if text := ext == ".txt" || ext == ".csv" || ext == ".tsv"; !text && bytes.Contains(out, []byte(decoderMarker)) {
		add("the hidden payload's bytes are in the output")
	}
	return found
}

// runPolyglots runs cases as runCases does, then judges each output with secondFormats.
func runPolyglots(t *testing.T, cases []advCase) {
	t.Helper()
	zp := newZipProber(t)
	runCasesJudged(t, cases, func(t *testing.T, out []byte, name string) []string {
		if d := os.Getenv("SEKISHO_POLYGLOT_DUMP"); d != "" {
			// Outputs to try in other readers by hand.
			os.WriteFile(filepath.Join(d, strings.ReplaceAll(t.Name(), "/", "-")+"-out"+filepath.Ext(name)), out, 0o644)
		}
		f := secondFormats(t, zp, out, name)
		if len(f) > 0 {
			f[0] = "a second format survives: " + f[0]
		}
		return f
	})
}

// TestPolyglots: every family, each carrier with a second format behind, before or
// inside it.
func TestPolyglots(t *testing.T) {
	pdf := mkpdf(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
	)
	pdf2 := mkpdf(
		"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] >>",
		"<< /S /JavaScript /JS (/*"+decoderMarker+"*/app.alert\\(1\\)) >>",
	)
	png := readFile(t, "img/graphic.png")
	jpg := readFile(t, "img/photo.jpg")
	gif := readFile(t, "img/static.gif")
	docx := mkzip(t, docxParts()...)
	odt := readFile(t, "odf/memo.odt")
	rtf := []byte("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}}\\f0 Body.\\par}")
	exe := "MZ\x90\x00" + decoderMarker
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	z := func(off int) []byte { return payloadZip(t, int64(off)) }
	page := []byte(polyglotHTML)
	cases := []advCase{
		// PDF: a zip after %%EOF, a zip inside with its directory at the end, HTML or a
		// second document before the header or after %%EOF.
		{"polyglot/pdf+zip-after-eof", "a.pdf", "", cat(pdf, z(len(pdf))), "sanitized", "a.pdf"},
		{"polyglot/pdf+zip-directory-after-eof", "a.pdf", "", pdfWithZipStream(t), "delivered", "a.pdf"},
		{"polyglot/pdf+html-before-header", "a.pdf", "", cat(page, []byte("\n"), pdf), "sanitized", "a.pdf"},
		{"polyglot/pdf+html-after-eof", "a.pdf", "", cat(pdf, page), "sanitized", "a.pdf"},
		{"polyglot/pdf+second-pdf-after-eof", "a.pdf", "", cat(pdf, pdf2), "safe", "a.pdf"},
		{"polyglot/pdf+second-pdf-before", "a.pdf", "", cat(pdf2, pdf), "safe", "a.pdf"},
		{"polyglot/zip-named-pdf+pdf-after", "a.pdf", "", cat(z(0), pdf2), "safe", ""},
		// Images: a zip or page after the trailer, in comments and ancillary chunks.
		{"polyglot/png+zip-after-iend", "a.png", "", cat(png, z(len(png))), "sanitized", "a.png"},
		{"polyglot/png+zip-in-private-chunk", "a.png", "", withPNGChunk(png, "prVt", z(33+8)), "delivered", "a.png"},
		{"polyglot/png+html-in-text-chunk", "a.png", "", withPNGChunk(png, "tEXt", cat([]byte("Comment\x00"), page)), "delivered", "a.png"},
		{"polyglot/png+html-in-itxt-chunk", "a.png", "", withPNGChunk(png, "iTXt", cat([]byte("Description\x00\x00\x00\x00\x00"), page)), "delivered", "a.png"},
		{"polyglot/png+zip-in-ztxt-chunk", "a.png", "", withPNGChunk(png, "zTXt", cat([]byte("Comment\x00\x00"), zlibOf(t, z(0)))), "delivered", "a.png"},
		{"polyglot/jpeg+html-after-eoi", "a.jpg", "", cat(jpg, page), "sanitized", "a.jpg"},
		{"polyglot/jpeg+zip-in-comment", "a.jpg", "", withJPEGSegment(jpg, 0xfe, z(6)), "delivered", "a.jpg"},
		{"polyglot/jpeg+html-in-comment", "a.jpg", "", withJPEGSegment(jpg, 0xfe, page), "delivered", "a.jpg"},
		{"polyglot/jpeg+zip-in-app15", "a.jpg", "", withJPEGSegment(jpg, 0xef, z(6)), "delivered", "a.jpg"},
		{"polyglot/jpeg+zip-in-icc-profile", "a.jpg", "", withJPEGSegment(jpg, 0xe2, cat([]byte("ICC_PROFILE\x00\x01\x01"), z(6+14))), "delivered", "a.jpg"},
		{"polyglot/jpeg+html-in-xmp", "a.jpg", "", withJPEGSegment(jpg, 0xe1, cat([]byte("http://ns.adobe.com/xap/1.0/\x00"), page)), "delivered", "a.jpg"},
		{"polyglot/gif+zip-after-trailer", "a.gif", "", cat(gif, z(len(gif))), "sanitized", ""},
		{"polyglot/gif+html-after-trailer", "a.gif", "", cat(gif, page), "sanitized", ""},
		{"polyglot/gif+html-in-comment", "a.gif", "", withGIFExtension(gif, 0xfe, nil, page), "delivered", ""},
		{"polyglot/gif+zip-in-application-block", "a.gif", "", withGIFExtension(gif, 0xff, []byte("XMP DataXMP"), z(0)), "delivered", ""},
		{"polyglot/bmp+zip-after", "a.bmp", "", cat(readFile(t, "img/image.bmp"), z(len(readFile(t, "img/image.bmp")))), "delivered", ""},
		{"polyglot/tiff+html-after", "a.tiff", "", cat(readFile(t, "img/image.tiff"), page), "delivered", ""},
		{"polyglot/webp+zip-after", "a.webp", "", cat(readFile(t, "img/photo.webp"), z(len(readFile(t, "img/photo.webp")))), "delivered", ""},
		// Office packages: extra entries, data before and after, a second directory.
		{"polyglot/docx+html-entry", "a.docx", "", mkzip(t, append(docxParts(), zipEntry{"index.html", polyglotHTML}, zipEntry{"run.exe", exe})...), "delivered", "a.docx"},
		{"polyglot/docx+pdf-first-entry", "a.docx", "", storedZip(t, 0, append([]zipEntry{{"0.pdf", string(pdf2)}}, docxParts()...)...), "safe", ""},
		{"polyglot/docx+html-before", "a.docx", "", cat(page, docx), "safe", ""},
		{"polyglot/docx+pdf-before", "a.docx", "", cat(pdf2, docx), "safe", ""},
		{"polyglot/docx+html-after", "a.docx", "", cat(docx, page), "sanitized", "a.docx"},
		{"polyglot/docx+html-in-comment", "a.docx", "", withZipComment(docx, page), "sanitized", "a.docx"},
		{"polyglot/docx-then-dde-docx", "a.docx", "", twoDirectories(t, docxParts(), ddeDocx()), "safe", ""},
		{"polyglot/dde-docx-then-docx", "a.docx", "", twoDirectories(t, ddeDocx(), docxParts()), "sanitized", "a.docx"},
		{"polyglot/docx-then-odt", "a.docx", "", twoDirectories(t, docxParts(), entriesOf(t, odt)), "safe", ""},
		{"polyglot/odt-then-dde-docx", "a.odt", "", twoDirectories(t, entriesOf(t, odt), ddeDocx()), "safe", ""},
		{"polyglot/docx-local-only-macro", "a.docx", "", dropCentral(t, mkzip(t, append(docxParts(), zipEntry{"word/vbaProject.bin", exe})...), "word/vbaProject.bin"), "sanitized", "a.docx"},
		{"polyglot/odt+html-entry", "a.odt", "", withEntries(t, odt, nil, zipEntry{"index.html", polyglotHTML}, zipEntry{"run.exe", exe}), "delivered", "a.odt"},
		{"polyglot/odt+html-after", "a.odt", "", cat(odt, page), "sanitized", "a.odt"},
		{"polyglot/odt+pdf-before", "a.odt", "", cat(pdf2, odt), "safe", ""},
		// Plain zips.
		{"polyglot/zip+html-after", "a.zip", "", cat(mkzip(t, zipEntry{"a.txt", "hello"}), page), "safe", ""},
		{"polyglot/zip-then-zip", "a.zip", "", twoDirectories(t, []zipEntry{{"a.txt", "hello"}}, []zipEntry{{"run.exe", exe}}), "safe", ""},
		{"polyglot/zip-local-only-exe", "a.zip", "", dropCentral(t, mkzip(t, zipEntry{"a.txt", "hello"}, zipEntry{"run.exe", exe}, zipEntry{"b.txt", "world"}), "run.exe"), "sanitized", "a.zip"},
		// A zip whose entry names are a PDF: the first sits 30 bytes in, where PDF
		// readers look for a header (names lose the characters Windows refuses, < and >
		// among them, and with them every dictionary).
		{"polyglot/zip-names-are-a-pdf", "a.zip", "", mkzip(t,
			zipEntry{"%PDF-1.7 x", "a"},
			zipEntry{"1 0 obj <</Type/Catalog/Pages 2 0 R/OpenAction 3 0 R>> endobj 2 0 obj <</Type/Pages/Kids [4 0 R]/Count 1>> endobj 3 0 obj <</S/JavaScript/JS(app.alert(1))>> endobj 4 0 obj <</Type/Page/Parent 2 0 R/MediaBox [0 0 9 9]>> endobj trailer <</Root 1 0 R>> x", "b"}), "sanitized", "a.zip"},
		// A tar's first entry name is its first bytes: what a browser sniffs, and where
		// file(1) and PDF readers look.
		{"polyglot/tar-first-name-is-a-page", "a.tar", "", tarOf(t, reg("<html><body><script>alert(1)<", "x"), reg("readme.txt", "hello")), "sanitized", "a.tar"},
		{"polyglot/tar-first-name-is-a-pdf-header", "a.tar", "", tarOf(t, reg("%PDF-1.7 x", "x"), reg("readme.txt", "hello")), "safe", ""},
		// Package parts the package declares: an HTML page listed in the ODF manifest, or
		// given a content type in [Content_Types].xml, with no relationship to it.
		{"polyglot/odt+html-entry-in-manifest", "a.odt", "", withEntries(t, odt, func(name string, body []byte) []byte {
			if name != "META-INF/manifest.xml" {
				return body
			}
			return bytes.Replace(body, []byte("</manifest:manifest>"), []byte(`<manifest:file-entry manifest:full-path="index.html" manifest:media-type="text/html"/></manifest:manifest>`), 1)
		}, zipEntry{"index.html", polyglotHTML}), "delivered", "a.odt"},
		{"polyglot/docx+html-part-with-content-type", "a.docx", "", mkzip(t, append([]zipEntry{{"[Content_Types].xml", strings.Replace(docxParts()[0].body, "</Types>", `<Default Extension="html" ContentType="text/html"/><Override PartName="/word/page.html" ContentType="text/html"/></Types>`, 1)}},
			append(docxParts()[1:], zipEntry{"word/page.html", polyglotHTML}, zipEntry{"index.html", polyglotHTML})...)...), "delivered", "a.docx"},
		// RTF: data after the closing brace.
		{"polyglot/rtf+zip-after", "a.rtf", "", cat(rtf, z(len(rtf))), "safe", ""},
		{"polyglot/rtf+html-after", "a.rtf", "", cat(rtf, page), "safe", ""},
		{"polyglot/rtf+pdf-after", "a.rtf", "", cat(rtf, []byte("\n"), pdf2), "safe", ""},
		// Text and CSV that are also a page, a PDF or a zip.
		{"polyglot/txt+zip-after", "a.txt", "", cat([]byte("hello\n"), z(6)), "safe", ""},
		{"polyglot/csv+zip-after", "a.csv", "", cat([]byte("a,b\n1,2\n"), z(8)), "safe", ""},
		{"polyglot/txt+pdf-after-1k", "a.txt", "", cat([]byte(strings.Repeat("plain words\n", 100)), pdf2), "safe", ""},
		{"polyglot/csv+pdf", "a.csv", "", cat([]byte("a,b\n1,2\n"), pdf2), "safe", ""},
		{"polyglot/csv+html", "a.csv", "", cat([]byte("a,b\n1,2\n"), page), "safe", ""},
	}
	// Markup the source only escaped comes out of the HTML-to-text conversion as markup.
	cases = append(cases,
		advCase{"polyglot/html-escaping-a-page", "a.html", "", []byte("<p>&lt;html&gt;&lt;body&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;/body&gt;&lt;/html&gt;</p>"), "safe", ""},
		advCase{"polyglot/html-escaping-a-pdf", "a.html", "", []byte("<pre>" + html.EscapeString(string(pdf2)) + "</pre>"), "safe", ""},
		advCase{"polyglot/html-escaping-sylk", "a.html", "", []byte("<p>ID;PWXL;N;E</p><p>C;Y1;X1;K0;ECMD|' /C CALC'!A0</p>"), "safe", ""})
	for _, tag := range []string{"<p>", "<b>", "<br>", "<h1>", "<font>", "<table>", "<a href=\"javascript:alert(1)\">", "<!-- c -->", "<style>", "<title>", "<body>", "<iframe src=x>", "<div>", "<head>"} {
		body := tag + "hello<script>/*" + decoderMarker + "*/alert(1)</script>"
		n := strings.Trim(strings.Fields(strings.Trim(tag, "<>!-"))[0], `"=`)
		cases = append(cases,
			advCase{"polyglot/txt-sniffed-html-" + n, "a.txt", "", []byte(body), "safe", ""},
			advCase{"polyglot/txt-sniffed-html-after-space-" + n, "a.txt", "", []byte(" \t\r\n\f" + body), "safe", ""},
			advCase{"polyglot/csv-sniffed-html-" + n, "a.csv", "", []byte(body + ",1\n"), "safe", ""})
	}
	runPolyglots(t, cases)
}
