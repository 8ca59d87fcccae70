package ppap

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

func TestDecryptPDF(t *testing.T) {
	in, err := os.ReadFile("../../../testdata/pdf/bad-encrypted-userpw.pdf")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := DecryptPDF(bytes.NewReader(in), []byte("wrong"), Limits{}, &out); !errors.Is(err, ErrPassword) {
		t.Fatalf("wrong password: %v", err)
	}
	if out.Len() != 0 {
		t.Fatal("output written for a wrong password")
	}
	for _, pw := range []string{"user-secret", "owner-secret"} {
		out.Reset()
		if err := DecryptPDF(bytes.NewReader(in), []byte(pw), Limits{}, &out); err != nil {
			t.Fatalf("%s: %v", pw, err)
		}
		// An independent reader must see an unencrypted file with the text.
		qpdf := testtool.Need(t, "qpdf")
		f := filepath.Join(t.TempDir(), "out.pdf")
		os.WriteFile(f, out.Bytes(), 0o600)
		// Exit status 3 is qpdf's "warnings only" (pdfcpu writes a trailer /Size qpdf
		// finds one too high); the engine rewrites the file afterwards anyway.
		b, err := exec.Command(qpdf, "--show-encryption", f).CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 3 {
			err = nil
		}
		if err != nil || !strings.Contains(string(b), "File is not encrypted") {
			t.Fatalf("qpdf: %v %s", err, b)
		}
		txt, err := exec.Command(testtool.Need(t, "pdftotext"), f, "-").Output()
		if err != nil || len(bytes.TrimSpace(txt)) == 0 {
			t.Fatalf("pdftotext: %v %q", err, txt)
		}
	}
	plain, _ := os.ReadFile("../../../testdata/pdf/text-1p.pdf")
	if err := DecryptPDF(bytes.NewReader(plain), []byte("x"), Limits{}, &out); !errors.Is(err, ErrNotEncrypted) {
		t.Fatalf("plain PDF: %v", err)
	}
	if err := DecryptPDF(bytes.NewReader(in), []byte("user-secret"), Limits{MaxFileSize: 100}, &out); err == nil {
		t.Fatal("limit not applied")
	}
}

// TestDecryptPDFQpdf encrypts with qpdf in each standard-handler mode.
func TestDecryptPDFQpdf(t *testing.T) {
	qpdf := testtool.Need(t, "qpdf")
	dir := t.TempDir()
	// Passwords of the 40- and 128-bit handlers are Latin-1 bytes; AES-256 (revision 6)
	// takes UTF-8, so a Japanese password is possible there.
	for _, tc := range []struct {
		pw   string
		mode []string
	}{
		{"user40", []string{"--allow-weak-crypto", "40"}},
		{"user128", []string{"--allow-weak-crypto", "128", "--use-aes=n"}},
		{"user-aes128", []string{"128", "--use-aes=y"}},
		{"ユーザー", []string{"256"}},
	} {
		mode, pw := tc.mode, tc.pw
		out := filepath.Join(dir, "enc"+strings.Join(mode, "")+".pdf")
		args := []string{"--encrypt", pw, "owner"}
		if mode[0] == "--allow-weak-crypto" {
			args = append([]string{mode[0]}, args...)
			mode = mode[1:]
		}
		args = append(append(args, mode...), "--", "../../../testdata/pdf/text-1p.pdf", out)
		if b, err := exec.Command(qpdf, args...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v %s", mode, err, b)
		}
		in, _ := os.ReadFile(out)
		var w bytes.Buffer
		if err := DecryptPDF(bytes.NewReader(in), []byte(pw), Limits{}, &w); err != nil {
			t.Errorf("%v: %v", mode, err)
		}
		if err := DecryptPDF(bytes.NewReader(in), []byte("nope"), Limits{}, &w); !errors.Is(err, ErrPassword) {
			t.Errorf("%v wrong password: %v", mode, err)
		}
	}
}
