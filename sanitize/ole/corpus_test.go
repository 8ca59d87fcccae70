package ole

import (
	"bytes"
	"encoding/binary"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/sekisho/sekisho/sanitize/ole/internal/cfbwrite"
)

var update = flag.Bool("update", false, "rewrite the generated corpus and the golden reports")

// corpusDir holds the shared legacy-Office corpus: files saved by LibreOffice (lo-*) and
// files written by generatedCorpus (see its README).
const corpusDir = "../../testdata/ole"

// fib returns a WordDocument stream: a FIB base with wIdent 0xA5EC and the given flags
// word, padded past the mini-stream cutoff as Word's streams are.
func fib(flags uint16) []byte {
	b := make([]byte, 6000)
	binary.LittleEndian.PutUint16(b[0:], 0xA5EC)
	binary.LittleEndian.PutUint16(b[2:], 0x00C1)
	binary.LittleEndian.PutUint16(b[10:], flags)
	copy(b[1024:], "Sekisho generated Word stream")
	return b
}

func rec(typ uint16, body []byte) []byte {
	h := make([]byte, 4, 4+len(body))
	binary.LittleEndian.PutUint16(h[0:], typ)
	binary.LittleEndian.PutUint16(h[2:], uint16(len(body)))
	return append(h, body...)
}

// workbook returns a BIFF8 Workbook stream: BOF, the sheets' BOUNDSHEET records (dt 0 is
// a worksheet, 1 an Excel 4.0 macro sheet), an optional built-in Auto_Open NAME, EOF.
func workbook(sheetTypes []byte, autoOpen bool) []byte {
	bof := make([]byte, 16)
	binary.LittleEndian.PutUint16(bof[0:], 0x0600)
	binary.LittleEndian.PutUint16(bof[2:], 0x0005)
	out := rec(recBOF, bof)
	for i, dt := range sheetTypes {
		name := []byte{'S', 'h', 'e', 'e', 't', byte('1' + i)}
		body := []byte{0, 0, 0, 0, 0, dt, byte(len(name)), 0}
		out = append(out, rec(recBoundSheet, append(body, name...))...)
	}
	if autoOpen {
		// grbit fBuiltin|fProc, cch 1, cce 0, then the one-byte name 0x01 (Auto_Open).
		body := []byte{0x22, 0x00, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x01}
		out = append(out, rec(recName, body)...)
	}
	return append(out, rec(recEOF, nil)...)
}

var compObj = []byte("\x01\x00\xfe\xff\x03\x0a\x00\x00\xff\xff\xff\xff")

// ole10Native is an OLE1 "Package" payload carrying a command file, the shape used to
// drop scripts through documents.
func ole10Native() []byte {
	body := []byte("\x02\x00invoice.cmd\x00C:\\Temp\\invoice.cmd\x00\x00\x00\x03\x00")
	body = append(body, "calc.exe\r\n"...)
	n := make([]byte, 4)
	binary.LittleEndian.PutUint32(n, uint32(len(body)))
	return append(n, body...)
}

type genFile struct {
	name    string
	entries []cfbwrite.Entry
	opts    cfbwrite.Options
}

// generatedCorpus is every compound file the tests write themselves: the VBA, XLM,
// ObjectPool and EncryptionInfo shapes no producer on the test machine can save.
func generatedCorpus() []genFile {
	vbaProject := []cfbwrite.Entry{
		{Path: "Macros/VBA/_VBA_PROJECT", Data: []byte{0xCC, 0x61, 0xFF, 0xFF, 0x00}},
		{Path: "Macros/VBA/dir", Data: bytes.Repeat([]byte{0x01, 0x16}, 200)},
		{Path: "Macros/VBA/ThisDocument", Data: []byte("Attribute VB_Name = \"ThisDocument\"\r\nSub AutoOpen()\r\nShell \"calc.exe\"\r\nEnd Sub\r\n")},
		{Path: "Macros/PROJECT", Data: []byte("ID=\"{00000000-0000-0000-0000-000000000000}\"\r\nDocument=ThisDocument/&H00000000\r\n")},
		{Path: "Macros/PROJECTwm", Data: []byte("ThisDocument\x00T\x00h\x00\x00\x00\x00\x00")},
	}
	word := []cfbwrite.Entry{
		{Path: "WordDocument", Data: fib(0x0200)},
		{Path: "1Table", Data: make([]byte, 1200)},
		{Path: "\x01CompObj", Data: compObj},
	}
	excelVBA := []cfbwrite.Entry{
		{Path: "Workbook", Data: workbook([]byte{0}, false)},
		{Path: "_VBA_PROJECT_CUR/VBA/_VBA_PROJECT", Data: []byte{0xCC, 0x61, 0xFF, 0xFF, 0x00}},
		{Path: "_VBA_PROJECT_CUR/VBA/Module1", Data: []byte("Sub Auto_Open()\r\nEnd Sub\r\n")},
		{Path: "_VBA_PROJECT_CUR/PROJECT", Data: []byte("Module=Module1\r\n")},
	}
	encPackage := bytes.Repeat([]byte{0x5A, 0xA5, 0x3C, 0xC3}, 3000) // ciphertext stand-in, 12 KB
	return []genFile{
		{name: "gen-vba.doc", entries: append(append([]cfbwrite.Entry{}, word...), vbaProject...)},
		{name: "gen-vba-v4.doc", entries: append(append([]cfbwrite.Entry{}, word...), vbaProject...), opts: cfbwrite.Options{Version: 4}},
		{name: "gen-vba.xls", entries: excelVBA},
		{name: "gen-xlm-macrosheet.xls", entries: []cfbwrite.Entry{
			{Path: "Workbook", Data: workbook([]byte{0, 1}, true)},
			{Path: "\x01CompObj", Data: compObj},
		}},
		{name: "gen-objectpool.doc", entries: append(append([]cfbwrite.Entry{}, word...),
			cfbwrite.Entry{Path: "ObjectPool/_1234567890/\x01Ole10Native", Data: ole10Native()},
			cfbwrite.Entry{Path: "ObjectPool/_1234567890/\x01CompObj", Data: compObj},
		)},
		{name: "gen-vba-and-objects.doc", entries: append(append(append([]cfbwrite.Entry{}, word...), vbaProject...),
			cfbwrite.Entry{Path: "ObjectPool/_1234567891/\x01Ole10Native", Data: ole10Native()},
		)},
		{name: "gen-package.bin", entries: []cfbwrite.Entry{
			{Path: "\x01Ole10Native", Data: ole10Native()},
			{Path: "\x01CompObj", Data: compObj},
		}},
		{name: "gen-equation.bin", entries: []cfbwrite.Entry{
			// The CVE-2017-11882 carrier: an Equation.3 object whose "Equation Native"
			// stream overflows a font-name buffer in EQNEDT32.EXE.
			{Path: "Equation Native", Data: append([]byte{0x1C, 0x00, 0x00, 0x00, 0x02, 0x00, 0x9E, 0xC4}, bytes.Repeat([]byte{0x41}, 48)...)},
			{Path: "\x01CompObj", Data: append(append([]byte{}, compObj...), "Microsoft Equation 3.0\x00Equation.3\x00"...)},
		}},
		{name: "gen-encrypted.docx", entries: []cfbwrite.Entry{
			{Path: "EncryptionInfo", Data: append([]byte{0x04, 0x00, 0x04, 0x00, 0x40, 0x00, 0x00, 0x00}, `<?xml version="1.0"?><encryption xmlns="http://schemas.microsoft.com/office/2006/encryption"/>`...)},
			{Path: "EncryptedPackage", Data: encPackage},
			{Path: "\x06DataSpaces/Version", Data: []byte("Microsoft.Container.DataSpaces")},
		}},
		{name: "gen-password.ppt", entries: []cfbwrite.Entry{
			// CurrentUserAtom: record header (type 0x0FF6), size 0x14, headerToken
			// 0xF3D1C4DF (encrypted), then the offset of the current edit.
			{Path: "Current User", Data: []byte{0, 0, 0xF6, 0x0F, 0x1C, 0, 0, 0, 0x14, 0, 0, 0, 0xDF, 0xC4, 0xD1, 0xF3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
			{Path: "PowerPoint Document", Data: bytes.Repeat([]byte{0x0F, 0x00, 0xE8, 0x03}, 1200)},
		}},
		{name: "gen-orphan-vba.doc", entries: word, opts: cfbwrite.Options{Orphans: []string{"_VBA_PROJECT_CUR"}}},
		{name: "gen-attachment.msg", entries: []cfbwrite.Entry{
			{Path: "__properties_version1.0", Data: make([]byte, 32)},
			{Path: "__substg1.0_0037001F", Data: []byte("I\x00n\x00v\x00o\x00i\x00c\x00e\x00")},
			{Path: "__attach_version1.0_#00000000/__substg1.0_3707001F", Data: []byte("a\x00.\x00e\x00x\x00e\x00")},
		}},
	}
}

// TestGeneratedCorpus keeps testdata/ole/gen-* equal to what generatedCorpus writes, so
// the committed files are reproducible; -update rewrites them.
func TestGeneratedCorpus(t *testing.T) {
	for _, g := range generatedCorpus() {
		t.Run(g.name, func(t *testing.T) {
			got := cfbwrite.Build(g.entries, g.opts)
			path := filepath.Join(corpusDir, g.name)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("generated %s differs from the committed file (run go test -run TestGeneratedCorpus -update)", g.name)
			}
		})
	}
}
