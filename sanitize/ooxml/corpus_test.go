package ooxml

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

var update = flag.Bool("update", false, "rewrite generated corpus files and golden reports")

// The committed bad-* files are generated from the real files by these functions; with
// -update they are rewritten, otherwise the test checks that they are still what the
// generators produce, so the corpus stays documented and reproducible.

// zipDir locates the end-of-central-directory record and the central directory.
func zipDir(t testing.TB, data []byte) (eocd, cdStart, cdEnd int) {
	t.Helper()
	eocd = bytes.LastIndex(data, []byte("PK\x05\x06"))
	if eocd < 0 {
		t.Fatal("no end of central directory")
	}
	cdSize := int(binary.LittleEndian.Uint32(data[eocd+12:]))
	cdStart = int(binary.LittleEndian.Uint32(data[eocd+16:]))
	return eocd, cdStart, cdStart + cdSize
}

// overlapZip adds a central-directory record whose local header offset is that of an
// existing entry: two names inflate the same bytes, the trick of overlapping zip bombs
// (golang/go#33026).
func overlapZip(t testing.TB, data []byte) []byte {
	t.Helper()
	eocd, cdStart, cdEnd := zipDir(t, data)
	rec := data[cdStart:]
	n := int(binary.LittleEndian.Uint16(rec[28:])) + int(binary.LittleEndian.Uint16(rec[30:])) + int(binary.LittleEndian.Uint16(rec[32:]))
	dup := append([]byte(nil), rec[:46+n]...)
	dup[46] = 'X' // same length, different name
	out := append([]byte(nil), data[:cdEnd]...)
	out = append(out, dup...)
	tail := append([]byte(nil), data[eocd:]...)
	binary.LittleEndian.PutUint16(tail[8:], binary.LittleEndian.Uint16(tail[8:])+1)
	binary.LittleEndian.PutUint16(tail[10:], binary.LittleEndian.Uint16(tail[10:])+1)
	binary.LittleEndian.PutUint32(tail[12:], uint32(cdEnd-cdStart+len(dup)))
	return append(out, tail...)
}

// encryptedZip sets the "encrypted" flag of the first entry, as ZipCrypto does.
func encryptedZip(t testing.TB, data []byte) []byte {
	t.Helper()
	out := append([]byte(nil), data...)
	_, cdStart, _ := zipDir(t, out)
	out[6] |= 1         // local header general-purpose flags
	out[cdStart+8] |= 1 // central directory copy
	return out
}

// generated are the committed bad-* corpus files and how each is made.
var generated = map[string]func(t testing.TB) []byte{
	"ooxml/bad-truncated.docx": func(t testing.TB) []byte { d := readCorpus(t, "ooxml/report.docx"); return d[:len(d)/2] },
	"ooxml/bad-overlap.docx": func(t testing.TB) []byte {
		return overlapZip(t, pack(t, unpack(t, readCorpus(t, "ooxml/report.docx"))))
	},
	"ooxml/bad-encrypted.xlsx": func(t testing.TB) []byte {
		return encryptedZip(t, pack(t, unpack(t, readCorpus(t, "ooxml/ledger.xlsx"))))
	},
	"ooxml/bad-duplicate.pptx": func(t testing.TB) []byte {
		return build(t, "ooxml/slides.pptx", add("PPT/presentation.xml", "<x/>"))
	},
	"odf/bad-truncated.odt": func(t testing.TB) []byte { d := readCorpus(t, "odf/report.odt"); return d[:len(d)-100] },
}

func TestGeneratedCorpus(t *testing.T) {
	for rel, gen := range generated {
		t.Run(rel, func(t *testing.T) {
			want := gen(t)
			p := filepath.Join(corpusDir, rel)
			if *update {
				if err := os.WriteFile(p, want, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := os.ReadFile(p)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGeneratedCorpus -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from its generator; run with -update", rel)
			}
		})
	}
}

func TestContainerAttacks(t *testing.T) {
	_, s := newEngine(true)
	for _, tc := range []struct {
		file string
		want error
	}{
		{"ooxml/bad-overlap.docx", sanitize.ErrMalformed},
		{"ooxml/bad-encrypted.xlsx", sanitize.ErrEncrypted},
		{"ooxml/bad-duplicate.pptx", sanitize.ErrMalformed},
		{"ooxml/bad-truncated.docx", sanitize.ErrMalformed},
		{"odf/bad-truncated.odt", sanitize.ErrMalformed},
	} {
		t.Run(tc.file, func(t *testing.T) {
			_, _, err := sanitizeBytes(t, s, tc.file, readCorpus(t, tc.file))
			if !errors.Is(err, tc.want) {
				t.Errorf("Sanitize(%s) error = %v, want %v", tc.file, err, tc.want)
			}
		})
	}
}

// TestLimits checks that the package counts against the shared budget.
func TestLimits(t *testing.T) {
	_, s := newEngine(true)
	data := readCorpus(t, "ooxml/slides.pptx")
	for _, tc := range []struct {
		name string
		lim  sanitize.Limits
		key  string
	}{
		{"entries", sanitize.Limits{MaxEntries: 10}, "limits.max_entries"},
		{"expanded", sanitize.Limits{MaxTotalSize: 20000}, "limits.max_total_size"},
		{"file size", sanitize.Limits{MaxFileSize: 10000}, "limits.max_file_size"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}
			var out bytes.Buffer
			_, err := s.Sanitize(t.Context(), in, &out, sanitize.NewBudget(tc.lim))
			var le *sanitize.LimitError
			if !errors.As(err, &le) || le.Limit != tc.key {
				t.Errorf("Sanitize with %+v = %v, want a %s limit error", tc.lim, err, tc.key)
			}
		})
	}
}
