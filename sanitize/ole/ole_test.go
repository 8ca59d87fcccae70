package ole

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

func readCorpus(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sanitizeBytes(t testing.TB, data []byte, detected string) (sanitize.Result, error, int) {
	t.Helper()
	in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item", Detected: sanitize.Type{Name: detected, Class: sanitize.ClassOLE}}
	var out bytes.Buffer
	res, err := New(Options{}).Sanitize(context.Background(), in, &out, sanitize.NewBudget(sanitize.Limits{}))
	return res, err, out.Len()
}

// TestSanitizeCorpus checks the reason given for every corpus file: the sentinel, the words
// an operator needs, and a golden report of everything Inspect saw.
func TestSanitizeCorpus(t *testing.T) {
	tests := []struct {
		file     string
		sentinel error
		reason   string
	}{
		{"lo-plain.doc", sanitize.ErrUnsupported, "unsupported: legacy Office document (doc) without macros"},
		{"lo-plain.xls", sanitize.ErrUnsupported, "unsupported: legacy Office document (xls) without macros"},
		{"lo-formula.xls", sanitize.ErrUnsupported, "legacy Office document (xls) without macros"},
		{"lo-slides.ppt", sanitize.ErrUnsupported, "legacy Office document (ppt) (macros and objects inside the PowerPoint Document stream are not inspected)"},
		{"lo-objectpool.doc", sanitize.ErrUnsupported, `legacy Office document (doc) with embedded OLE objects (ObjectPool, ObjectPool/_2147483647/\x01Ole10Native)`},
		{"lo-password.doc", sanitize.ErrEncrypted, "encrypted: password-protected legacy Office document (doc) (Word FIB fEncrypted)"},
		{"lo-password.xls", sanitize.ErrEncrypted, "encrypted: password-protected legacy Office document (xls) (Excel FILEPASS record)"},
		{"gen-vba.doc", sanitize.ErrUnsupported, "legacy Office document (doc) with VBA macros (Macros, Macros/VBA, Macros/VBA/_VBA_PROJECT)"},
		{"gen-vba-v4.doc", sanitize.ErrUnsupported, "legacy Office document (doc) with VBA macros"},
		{"gen-vba.xls", sanitize.ErrUnsupported, "legacy Office document (xls) with VBA macros (_VBA_PROJECT_CUR, _VBA_PROJECT_CUR/VBA, _VBA_PROJECT_CUR/VBA/_VBA_PROJECT)"},
		{"gen-xlm-macrosheet.xls", sanitize.ErrUnsupported, "legacy Office document (xls) with Excel 4.0 macros (Excel 4.0 macro sheet, built-in Auto_Open name)"},
		{"gen-objectpool.doc", sanitize.ErrUnsupported, `legacy Office document (doc) with embedded OLE objects (ObjectPool, ObjectPool/_1234567890/\x01Ole10Native)`},
		{"gen-vba-and-objects.doc", sanitize.ErrUnsupported, `with VBA macros (Macros, Macros/VBA, Macros/VBA/_VBA_PROJECT) and embedded OLE objects (ObjectPool, ObjectPool/_1234567891/\x01Ole10Native)`},
		{"gen-package.bin", sanitize.ErrUnsupported, `OLE compound file (ole) with embedded OLE objects (\x01Ole10Native)`},
		{"gen-equation.bin", sanitize.ErrUnsupported, "Equation Editor object (equation) with embedded OLE objects (Equation Native)"},
		{"gen-encrypted.docx", sanitize.ErrEncrypted, `encrypted: password-protected Office Open XML package (\x06DataSpaces, EncryptionInfo, EncryptedPackage)`},
		{"gen-password.ppt", sanitize.ErrEncrypted, "encrypted: password-protected legacy Office document (ppt) (PowerPoint CurrentUserAtom encrypted token)"},
		{"gen-orphan-vba.doc", sanitize.ErrUnsupported, "legacy Office document (doc) with VBA macros ((unlinked)/_VBA_PROJECT_CUR)"},
		{"gen-attachment.msg", sanitize.ErrUnsupported, "Outlook message (msg) with attachments"},
		{"bad-truncated.doc", sanitize.ErrMalformed, "malformed: compound file:"},
		{"bad-garbage.doc", sanitize.ErrMalformed, "malformed: compound file:"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			data := readCorpus(t, tc.file)
			res, err, n := sanitizeBytes(t, data, "ole")
			if !errors.Is(err, tc.sentinel) {
				t.Fatalf("Sanitize(%s) error = %v, want %v", tc.file, err, tc.sentinel)
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("Sanitize(%s) reason = %q, want it to contain %q", tc.file, err, tc.reason)
			}
			if n != 0 || res.Verdict.HasOutput() {
				t.Errorf("Sanitize(%s) wrote %d bytes with verdict %q, want no output", tc.file, n, res.Verdict)
			}
			if tc.sentinel == sanitize.ErrMalformed {
				return
			}
			info, err := Inspect(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tc.file, info, Reason(info, "").Error())
		})
	}
}

func checkGolden(t *testing.T, name string, info Info, reason string) {
	t.Helper()
	got, err := json.MarshalIndent(struct {
		Info   Info   `json:"info"`
		Reason string `json:"reason"`
	}{info, reason}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name+".report.golden.json")
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
		t.Errorf("report for %s:\n%s\nwant (%s):\n%s", name, got, path, want)
	}
}

// dirOffset returns the file offset of the directory entry named name.
func dirOffset(t *testing.T, data []byte, name string) int64 {
	t.Helper()
	c, err := parseCFB(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	secs, err := c.chain(binary.LittleEndian.Uint32(data[48:]), c.nsect, "directory")
	if err != nil {
		t.Fatal(err)
	}
	per := int(c.ss / dirEntrySize)
	for i, e := range c.dir {
		if e.name == name {
			return (int64(secs[i/per])+1)<<c.shift + int64(i%per)*dirEntrySize
		}
	}
	t.Fatalf("no directory entry %q", name)
	return 0
}

func put32(b []byte, off int64, v uint32) { binary.LittleEndian.PutUint32(b[off:], v) }

// TestMalformed damages a valid file in each way a hostile compound file can lie: every
// case must be refused as malformed, quickly, without a panic.
func TestMalformed(t *testing.T) {
	base := readCorpus(t, "gen-vba.doc")
	dirStart := binary.LittleEndian.Uint32(base[48:])
	fatOff := int64(512) // FAT sector 0 follows the 512-byte header
	tests := []struct {
		name   string
		mutate func(b []byte) []byte
		want   string
	}{
		{"bad signature", func(b []byte) []byte { b[0] = 0; return b }, "bad signature"},
		{"sector shift 10", func(b []byte) []byte { b[30] = 10; return b }, "sector shift 10"},
		{"version 4 with 512-byte sectors", func(b []byte) []byte { b[26] = 4; return b }, "version 4 with sector shift 9"},
		{"mini sector shift 7", func(b []byte) []byte { b[32] = 7; return b }, "mini sector shift 7"},
		{"mini cutoff", func(b []byte) []byte { put32(b, 56, 8192); return b }, "cutoff"},
		{"byte order", func(b []byte) []byte { b[28] = 0; return b }, "byte order"},
		{"FAT count beyond file", func(b []byte) []byte { put32(b, 44, 0x00FFFFFF); return b }, "FAT sectors in a file"},
		{"FAT sector beyond file", func(b []byte) []byte { put32(b, 76, 9999); return b }, "FAT sector 9999 beyond the file"},
		{"directory beyond file", func(b []byte) []byte { put32(b, 48, 9999); return b }, "beyond the file"},
		{"directory chain loops", func(b []byte) []byte { put32(b, fatOff+4*int64(dirStart), dirStart); return b }, "directory chain loops"},
		{"directory chain hits FREESECT", func(b []byte) []byte { put32(b, fatOff+4*int64(dirStart), freeSect); return b }, "special value"},
		{"sibling cycle", func(b []byte) []byte { o := dirOffset(t, b, "1Table"); put32(b, o+72, 0); return b }, "reached twice"},
		{"sibling out of range", func(b []byte) []byte { o := dirOffset(t, b, "1Table"); put32(b, o+68, 5000); return b }, "link to entry 5000"},
		{"stream with a child", func(b []byte) []byte { o := dirOffset(t, b, "1Table"); put32(b, o+76, 1); return b }, ""},
		{"name length odd", func(b []byte) []byte { o := dirOffset(t, b, "1Table"); b[o+64] = 63; return b }, "name length 63"},
		{"stream start beyond file", func(b []byte) []byte { o := dirOffset(t, b, "WordDocument"); put32(b, o+116, 7777); return b }, "beyond the file"},
		{"stream larger than chain", func(b []byte) []byte { o := dirOffset(t, b, "WordDocument"); put32(b, o+120, 9000); return b }, "chain holds 6144 bytes, entry claims 9000"},
		{"stream claims 4 GiB", func(b []byte) []byte { o := dirOffset(t, b, "WordDocument"); put32(b, o+120, 0xFFFFFFF0); return b }, "claims"},
		{"mini stream start beyond miniFAT", func(b []byte) []byte { o := dirOffset(t, b, "Macros/VBA/dir"[11:]); put32(b, o+116, 4000); return b }, ""},
		{"root is not a root", func(b []byte) []byte { o := dirOffset(t, b, "Root Entry"); b[o+66] = 1; return b }, "root"},
		{"FIB without wIdent", func(b []byte) []byte {
			c, _ := parseCFB(bytes.NewReader(b), int64(len(b)))
			for _, e := range c.dir {
				if e.name == "WordDocument" {
					b[(int64(e.start)+1)<<9] = 0
				}
			}
			return b
		}, "wIdent"},
		{"stream runs into the directory", func(b []byte) []byte {
			o := dirOffset(t, b, "WordDocument")
			start := binary.LittleEndian.Uint32(b[o+116:])
			put32(b, fatOff+4*int64(start), dirStart) // WordDocument's second sector is the directory's
			return b
		}, "crosses another chain"},
		{"truncated to the header", func(b []byte) []byte { return b[:700] }, ""},
		{"shorter than a header", func(b []byte) []byte { return b[:300] }, "shorter than the 512-byte header"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.mutate(bytes.Clone(base))
			_, err, n := sanitizeBytes(t, b, "doc")
			if !errors.Is(err, sanitize.ErrMalformed) {
				t.Fatalf("Sanitize(%s) error = %v, want ErrMalformed", tc.name, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Sanitize(%s) error = %q, want it to mention %q", tc.name, err, tc.want)
			}
			if n != 0 {
				t.Errorf("Sanitize(%s) wrote %d bytes", tc.name, n)
			}
		})
	}
}

// TestDIFATLoop builds a file whose DIFAT chain points back to itself, past the 109 FAT
// sectors the header can list.
func TestDIFATLoop(t *testing.T) {
	b := bytes.Clone(readCorpus(t, "lo-slides.ppt"))
	nsect := uint32(len(b)/512 - 1)
	last := nsect - 1
	put32(b, 44, 400)  // FAT sectors
	put32(b, 68, last) // first DIFAT sector
	put32(b, 72, 1)
	off := int64(last+1) * 512
	for i := int64(0); i < 127; i++ {
		put32(b, off+4*i, uint32(200+i))
	}
	put32(b, off+508, last)
	_, err := Inspect(bytes.NewReader(b), int64(len(b)))
	if err == nil || !strings.Contains(err.Error(), "DIFAT chain loops") {
		t.Fatalf("Inspect(DIFAT loop) error = %v, want a DIFAT loop", err)
	}
}

// TestEngine runs the family behind the real engine and policy with no converter
// registered: every legacy file is quarantined with the family's reason (and, for doc,
// xls and ppt, whose default is convert, a hint to install LibreOffice) and nothing is
// written. mimetype calls LibreOffice's files plain OLE storage (they carry no root
// CLSID); the engine's detection names them from the directory.
func TestEngine(t *testing.T) {
	e := sanitize.NewEngine(sanitize.EngineOptions{})
	e.Register(string(sanitize.ClassOLE), New(Options{}))
	tests := []struct{ file, detected, reason string }{
		{"lo-plain.doc", "doc", "legacy Office document (doc) without macros"},
		{"lo-plain.xls", "xls", "legacy Office document (xls) without macros"},
		{"lo-slides.ppt", "ppt", "legacy Office document (ppt) (macros"},
		{"gen-vba.doc", "doc", "with VBA macros"},
		{"gen-encrypted.docx", "", "encrypted: password-protected Office Open XML package"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			var out bytes.Buffer
			in := &sanitize.Item{Body: bytes.NewReader(readCorpus(t, tc.file)), Path: "attachment[1]", Name: tc.file}
			res, err := e.Sanitize(context.Background(), in, &out, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != sanitize.Quarantined || !strings.Contains(res.Reason, tc.reason) {
				t.Errorf("engine(%s) = %s %q, want quarantined with %q", tc.file, res.Verdict, res.Reason, tc.reason)
			}
			if d := res.Detected.Name; (d == "doc" || d == "xls" || d == "ppt") && !strings.Contains(res.Reason, "install LibreOffice") {
				t.Errorf("engine(%s) reason %q lacks the install hint", tc.file, res.Reason)
			}
			if tc.detected != "" && res.Detected.Name != tc.detected {
				t.Errorf("engine(%s) detected %q, want %q", tc.file, res.Detected.Name, tc.detected)
			}
			if out.Len() != 0 {
				t.Errorf("engine(%s) wrote %d bytes", tc.file, out.Len())
			}
		})
	}
}

func TestCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	data := readCorpus(t, "lo-plain.doc")
	in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}
	_, err := New(Options{}).Sanitize(ctx, in, &bytes.Buffer{}, sanitize.NewBudget(sanitize.Limits{}))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Sanitize(canceled) error = %v, want context.Canceled", err)
	}
}

func TestEntriesLimit(t *testing.T) {
	data := readCorpus(t, "gen-vba.doc")
	in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}
	_, err := New(Options{}).Sanitize(context.Background(), in, &bytes.Buffer{}, sanitize.NewBudget(sanitize.Limits{MaxEntries: 3}))
	var le *sanitize.LimitError
	if !errors.As(err, &le) || le.Limit != "limits.max_entries" {
		t.Fatalf("Sanitize with max_entries 3 error = %v, want limits.max_entries", err)
	}
}
