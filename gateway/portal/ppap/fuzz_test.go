package ppap

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

// FuzzDecryptZip: any input ends in output or a typed error, within the limits, without
// panicking; output is always a readable, unencrypted zip.
func FuzzDecryptZip(f *testing.F) {
	for _, n := range []string{"zipcrypto.zip", "aes256.zip", "aes128.zip"} {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "ppap-2026")
		f.Add(b, "wrong")
	}
	lim := Limits{MaxEntries: 50, MaxFileSize: 1 << 20, MaxTotalSize: 2 << 20, MaxRatio: 100}
	f.Fuzz(func(t *testing.T, in []byte, pw string) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		var out bytes.Buffer
		res, err := DecryptZip(bytes.NewReader(in), int64(len(in)), []byte(pw), lim, &out)
		if err != nil {
			if out.Len() != 0 {
				t.Fatal("output written on error")
			}
			return
		}
		if res.Bytes > lim.MaxTotalSize || int64(out.Len()) > lim.MaxFileSize {
			t.Fatalf("limits passed: %+v, %d bytes", res, out.Len())
		}
		if enc, err := ZipEncrypted(bytes.NewReader(out.Bytes()), int64(out.Len())); err != nil || enc {
			t.Fatalf("output not a plain zip: %v %v", enc, err)
		}
	})
}

func FuzzDecryptPDF(f *testing.F) {
	for _, n := range []string{"bad-encrypted-userpw.pdf", "bad-encrypted-empty-userpw.pdf", "text-1p.pdf"} {
		b, err := os.ReadFile(filepath.Join("../../../testdata/pdf", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "user-secret")
	}
	f.Fuzz(func(t *testing.T, in []byte, pw string) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		err := DecryptPDF(bytes.NewReader(in), []byte(pw), Limits{MaxFileSize: 4 << 20}, io.Discard)
		var ce *CorruptError
		var le *LimitError
		if err != nil && !errors.Is(err, ErrPassword) && !errors.Is(err, ErrNotEncrypted) && !errors.As(err, &ce) && !errors.As(err, &le) {
			t.Fatalf("untyped error: %v", err)
		}
	})
}
