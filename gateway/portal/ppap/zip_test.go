package ppap

import (
	"archive/zip"
	"bytes"
	"crypto/pbkdf2"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
	"golang.org/x/text/encoding/japanese"
)

// unzipped reads a plain zip into name → contents, failing on any encrypted entry.
func unzipped(t *testing.T, b []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		if f.Flags&flagEncrypted != 0 {
			t.Fatalf("%s still encrypted", f.Name)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		d, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		out[f.Name] = string(d)
	}
	return out
}

func numbers(n int) string {
	var sb strings.Builder
	for i := 1; i <= n; i++ {
		sb.WriteString(strconv.Itoa(i) + "\n")
	}
	return sb.String()
}

const invoice = "請求書の本文です。\nInvoice body.\n"

func TestDecryptZipFixtures(t *testing.T) {
	for _, tc := range []struct {
		file string
		want map[string]string
	}{
		{"zipcrypto.zip", map[string]string{"numbers.csv": numbers(3000), "書類/": "", "書類/請求書.txt": invoice}},
		{"aes256.zip", map[string]string{"numbers.csv": numbers(3000), "書類/": "", "書類/請求書.txt": invoice}},
		{"aes128.zip", map[string]string{"numbers.csv": numbers(3000)}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			res, err := DecryptZip(bytes.NewReader(in), int64(len(in)), []byte("ppap-2026"), Limits{}, &out)
			if err != nil {
				t.Fatal(err)
			}
			got := unzipped(t, out.Bytes())
			if len(got) != len(tc.want) {
				t.Fatalf("entries %v, want %v", keys(got), keys(tc.want))
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s: got %d bytes %q..., want %d bytes", k, len(got[k]), trunc(got[k]), len(v))
				}
			}
			if res.Entries != len(tc.want) || res.Encrypted == 0 {
				t.Errorf("result %+v", res)
			}
			for _, pw := range []string{"", "ppap-2025", "PPAP-2026", "ppap-2026 "} {
				out.Reset()
				if _, err := DecryptZip(bytes.NewReader(in), int64(len(in)), []byte(pw), Limits{}, &out); !errors.Is(err, ErrPassword) {
					t.Errorf("password %q: err %v, want ErrPassword", pw, err)
				}
				if out.Len() != 0 {
					t.Errorf("password %q: %d bytes written on failure", pw, out.Len())
				}
			}
		})
	}
}

func keys(m map[string]string) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	return k
}

func trunc(s string) string {
	if len(s) > 20 {
		return s[:20]
	}
	return s
}

// TestDecryptZipTools builds zips with the real archivers, in every mode they offer, with
// an ASCII and a Japanese password, and opens them.
func TestDecryptZipTools(t *testing.T) {
	zipBin := testtool.Need(t, "zip")
	sevenZ := testtool.Need(t, "7z")
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.MkdirAll(src, 0o755)
	body := numbers(20000) // ~110 KB: several deflate blocks and AES counter blocks
	os.WriteFile(filepath.Join(src, "data.txt"), []byte(body), 0o644)
	os.WriteFile(filepath.Join(src, "empty.txt"), nil, 0o644)
	for _, tc := range []struct {
		name string
		args func(out, pw string) (string, []string)
	}{
		{"zip -e", func(out, pw string) (string, []string) {
			return zipBin, []string{"-q", "-e", "-P", pw, out, "data.txt", "empty.txt"}
		}},
		{"zip -e stored", func(out, pw string) (string, []string) {
			return zipBin, []string{"-q", "-0", "-e", "-P", pw, out, "data.txt", "empty.txt"}
		}},
		{"7z ZipCrypto", func(out, pw string) (string, []string) {
			return sevenZ, []string{"a", "-tzip", "-mem=ZipCrypto", "-p" + pw, out, "data.txt", "empty.txt"}
		}},
		{"7z AES128", func(out, pw string) (string, []string) {
			return sevenZ, []string{"a", "-tzip", "-mem=AES128", "-p" + pw, out, "data.txt", "empty.txt"}
		}},
		{"7z AES192", func(out, pw string) (string, []string) {
			return sevenZ, []string{"a", "-tzip", "-mem=AES192", "-p" + pw, out, "data.txt", "empty.txt"}
		}},
		{"7z AES256", func(out, pw string) (string, []string) {
			return sevenZ, []string{"a", "-tzip", "-mem=AES256", "-p" + pw, out, "data.txt", "empty.txt"}
		}},
		{"7z AES256 stored", func(out, pw string) (string, []string) {
			return sevenZ, []string{"a", "-tzip", "-mx=0", "-mem=AES256", "-p" + pw, out, "data.txt", "empty.txt"}
		}},
	} {
		for _, pw := range []string{"S3cret!pw", "パスワード2026"} {
			if strings.HasPrefix(tc.name, "7z") && !isASCII([]byte(pw)) {
				continue // p7zip refuses non-ASCII zip passwords (E_INVALIDARG)
			}
			t.Run(tc.name+"/"+pw, func(t *testing.T) {
				out := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+strconv.Itoa(len(pw))+".zip")
				bin, args := tc.args(out, pw)
				cmd := exec.Command(bin, args...)
				cmd.Dir = src
				if b, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("%s: %v\n%s", bin, err, b)
				}
				in, _ := os.ReadFile(out)
				if enc, err := ZipEncrypted(bytes.NewReader(in), int64(len(in))); err != nil || !enc {
					t.Fatalf("ZipEncrypted = %v, %v", enc, err)
				}
				var w bytes.Buffer
				if _, err := DecryptZip(bytes.NewReader(in), int64(len(in)), []byte(pw), Limits{}, &w); err != nil {
					t.Fatal(err)
				}
				got := unzipped(t, w.Bytes())
				if got["data.txt"] != body || got["empty.txt"] != "" || len(got) != 2 {
					t.Fatalf("contents differ: %d entries, data %d bytes", len(got), len(got["data.txt"]))
				}
				if _, err := DecryptZip(bytes.NewReader(in), int64(len(in)), []byte(pw+"x"), Limits{}, io.Discard); !errors.Is(err, ErrPassword) {
					t.Fatalf("wrong password: %v", err)
				}
			})
		}
	}
}

// TestZipCryptoDataDescriptor covers the check byte taken from the modification time,
// which zip uses when it writes to a pipe.
func TestZipCryptoDataDescriptor(t *testing.T) {
	zipBin := testtool.Need(t, "zip")
	cmd := exec.Command(zipBin, "-q", "-e", "-P", "pipe-pw", "-", "-")
	cmd.Stdin = strings.NewReader("streamed through a pipe\n")
	in, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	zr, _ := zip.NewReader(bytes.NewReader(in), int64(len(in)))
	if zr.File[0].Flags&flagDescriptor == 0 {
		t.Fatal("zip wrote no data descriptor; the test needs one")
	}
	var w bytes.Buffer
	if _, err := DecryptZip(bytes.NewReader(in), int64(len(in)), []byte("pipe-pw"), Limits{}, &w); err != nil {
		t.Fatal(err)
	}
	if got := unzipped(t, w.Bytes())["-"]; got != "streamed through a pipe\n" {
		t.Fatalf("got %q", got)
	}
}

// zipCryptoZip builds a stored ZipCrypto zip with the given raw password bytes.
func zipCryptoZip(t *testing.T, password []byte, name string, data []byte) []byte {
	t.Helper()
	crc := crc32.ChecksumIEEE(data)
	hdr := make([]byte, 12)
	hdr[11] = byte(crc >> 24)
	payload := append(hdr, data...)
	newZipCrypto(password).encrypt(payload)
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Store, Flags: flagEncrypted,
		CRC32: crc, CompressedSize64: uint64(len(payload)), UncompressedSize64: uint64(len(data))})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(payload)
	zw.Close()
	return b.Bytes()
}

// TestShiftJISPassword: Japanese Windows archivers encrypt with the password's CP932
// bytes; the user types it in a UTF-8 browser.
func TestShiftJISPassword(t *testing.T) {
	pw := "秘密のパスワード"
	sj, _ := japanese.ShiftJIS.NewEncoder().Bytes([]byte(pw))
	in := zipCryptoZip(t, sj, "a.txt", []byte("opened with CP932"))
	var w bytes.Buffer
	if _, err := DecryptZip(bytes.NewReader(in), int64(len(in)), []byte(pw), Limits{}, &w); err != nil {
		t.Fatal(err)
	}
	if got := unzipped(t, w.Bytes())["a.txt"]; got != "opened with CP932" {
		t.Fatalf("got %q", got)
	}
}

// TestCheckByteCollision: a wrong password that passes the one-byte check must still be
// ErrPassword, not garbage output or a different error.
func TestCheckByteCollision(t *testing.T) {
	data := []byte(strings.Repeat("secret contents ", 50))
	in := zipCryptoZip(t, []byte("right"), "a.txt", data)
	found := 0
	for i := 0; i < 5000 && found < 3; i++ {
		pw := []byte("wrong" + strconv.Itoa(i))
		z := newZipCrypto(pw)
		zr, _ := zip.NewReader(bytes.NewReader(in), int64(len(in)))
		raw, _ := zr.File[0].OpenRaw()
		hdr := make([]byte, 12)
		io.ReadFull(raw, hdr)
		z.decrypt(hdr)
		if hdr[11] != byte(crc32.ChecksumIEEE(data)>>24) {
			continue
		}
		found++
		if _, err := DecryptZip(bytes.NewReader(in), int64(len(in)), pw, Limits{}, io.Discard); !errors.Is(err, ErrPassword) {
			t.Fatalf("password %q passes the check byte: err %v, want ErrPassword", pw, err)
		}
	}
	if found == 0 {
		t.Fatal("no colliding password found in 5000 tries (expected ~20)")
	}
}

func TestAESTampered(t *testing.T) {
	in, _ := os.ReadFile("testdata/aes128.zip")
	zr, _ := zip.NewReader(bytes.NewReader(in), int64(len(in)))
	off, err := zr.File[0].DataOffset()
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.Clone(in)
	bad[off+8+2+100] ^= 1 // a ciphertext byte after the salt and verifier
	if _, err := DecryptZip(bytes.NewReader(bad), int64(len(bad)), []byte("ppap-2026"), Limits{}, io.Discard); !errors.Is(err, ErrPassword) {
		t.Fatalf("tampered ciphertext: %v, want ErrPassword (MAC)", err)
	}
}

func TestDecryptZipLimits(t *testing.T) {
	in, _ := os.ReadFile("testdata/aes256.zip")
	for _, tc := range []struct {
		lim  Limits
		want string
	}{
		{Limits{MaxEntries: 2}, "limits.max_entries"},
		{Limits{MaxFileSize: 10000}, "limits.max_file_size"},
		{Limits{MaxTotalSize: 13900}, "limits.max_total_size"},
		{Limits{MaxRatio: 3}, "limits.max_ratio"},
	} {
		var w bytes.Buffer
		_, err := DecryptZip(bytes.NewReader(in), int64(len(in)), []byte("ppap-2026"), tc.lim, &w)
		var le *LimitError
		if !errors.As(err, &le) || le.Limit != tc.want {
			t.Errorf("%+v: err %v, want %s", tc.lim, err, tc.want)
		}
		if w.Len() != 0 {
			t.Errorf("%+v: output written", tc.lim)
		}
	}
}

func TestDecryptZipNotEncrypted(t *testing.T) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("plain.txt")
	w.Write([]byte("plain"))
	zw.Close()
	if _, err := DecryptZip(bytes.NewReader(b.Bytes()), int64(b.Len()), []byte("x"), Limits{}, io.Discard); !errors.Is(err, ErrNotEncrypted) {
		t.Fatalf("err %v", err)
	}
	if _, err := DecryptZip(strings.NewReader("not a zip"), 9, []byte("x"), Limits{}, io.Discard); err == nil {
		t.Fatal("garbage accepted")
	}
}

// TestPBKDF2Vectors checks the key derivation WinZip AES uses against RFC 6070.
func TestPBKDF2Vectors(t *testing.T) {
	for _, v := range []struct {
		p, s string
		c    int
		dk   string
	}{
		{"password", "salt", 1, "0c60c80f961f0e71f3a9b524af6012062fe037a6"},
		{"password", "salt", 2, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"},
		{"password", "salt", 4096, "4b007901b765489abead49d926f721d065a429c1"},
		{"passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038"},
	} {
		dk, err := pbkdf2.Key(sha1.New, v.p, []byte(v.s), v.c, len(v.dk)/2)
		if err != nil || hex.EncodeToString(dk) != v.dk {
			t.Errorf("%q/%q/%d: %x, want %s", v.p, v.s, v.c, dk, v.dk)
		}
	}
	// The split into keys: 2*keylen+2 bytes, encryption key first.
	enc, mac, pwv, err := aesKeys([]byte("password"), []byte("salt"), 16)
	full, _ := pbkdf2.Key(sha1.New, "password", []byte("salt"), 1000, 34)
	if err != nil || !bytes.Equal(enc, full[:16]) || !bytes.Equal(mac, full[16:32]) || !bytes.Equal(pwv, full[32:]) {
		t.Fatal("key split differs from the WinZip layout")
	}
}

// TestWinzipCounter: the first keystream block is AES_k(1 as a 16-byte little-endian
// integer), the second AES_k(2), and a carry crosses into the upper half.
func TestWinzipCounter(t *testing.T) {
	key := make([]byte, 16)
	c, _ := newWinzipCTR(key)
	ks := make([]byte, 32)
	c.XORKeyStream(ks, make([]byte, 32))
	for i, n := range []byte{1, 2} {
		var blk, want [16]byte
		blk[0] = n
		c.block.Encrypt(want[:], blk[:])
		if !bytes.Equal(ks[i*16:i*16+16], want[:]) {
			t.Fatalf("block %d differs", i)
		}
	}
	c2, _ := newWinzipCTR(key)
	for i := range 8 {
		c2.ctr[i] = 0xff
	}
	got := make([]byte, 16)
	c2.XORKeyStream(got, make([]byte, 16))
	var blk, want [16]byte
	blk[8] = 1
	c2.block.Encrypt(want[:], blk[:])
	if !bytes.Equal(got, want[:]) {
		t.Fatal("counter carry into the upper 8 bytes is wrong")
	}
}
