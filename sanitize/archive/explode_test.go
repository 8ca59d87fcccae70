package archive

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// implodedSamples are real PKZIP Implode archives from Apache Commons Compress's test
// resources: a 4 KiB dictionary with two trees, 8 KiB with three, and a 144 KB text.
var implodedSamples = []string{"cc-implode-4k-2trees.zip", "cc-implode-8k-3trees.zip", "cc-implode-lorem.zip"}

// TestExplode decodes each sample's entry and compares it with Info-ZIP's unzip, an
// independent implementation, byte for byte; the sanitized archive then holds what the
// engine makes of those bytes (the text family normalizes line ends), deflated.
func TestExplode(t *testing.T) {
	unzip := testtool.Need(t, "unzip")
	e, a := testEngine(t, sanitize.Limits{})
	for _, name := range implodedSamples {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join("..", "..", "testdata", "archive", name)
			data := readFile(t, p)
			zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			f := zr.File[0]
			if f.Method != methodImplode {
				t.Fatalf("%s: method %d, want Implode", f.Name, f.Method)
			}
			want, err := exec.Command(unzip, "-p", p, f.Name).Output()
			if err != nil || len(want) == 0 {
				t.Fatalf("unzip -p: %v", err)
			}
			got := explodeEntry(t, f)
			if !bytes.Equal(got, want) {
				t.Fatalf("exploded %d bytes differ from unzip's %d (first difference at %d)", len(got), len(want), firstDiff(got, want))
			}

			out, res, err := run(t, a, data, name, sanitize.Limits{})
			if err != nil || !res.Verdict.HasOutput() {
				t.Fatalf("sanitize: %v %s (%s)", err, res.Verdict, res.Reason)
			}
			oz, err := zip.NewReader(bytes.NewReader(out), int64(len(out)))
			if err != nil || len(oz.File) != 1 {
				t.Fatalf("output: %v, %d entries", err, len(oz.File))
			}
			var clean bytes.Buffer
			if _, err := e.Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(want), Path: f.Name, Name: f.Name}, &clean, nil); err != nil {
				t.Fatal(err)
			}
			want = clean.Bytes()
			rc, err := oz.File[0].Open()
			if err != nil {
				t.Fatal(err)
			}
			back, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || !bytes.Equal(back, want) || oz.File[0].Method != zip.Deflate {
				t.Errorf("delivered entry: %v, %d bytes, method %d; want unzip's %d bytes, deflated", err, len(back), oz.File[0].Method, len(want))
			}
		})
	}
}

// TestExplodeDamaged: a bit-flipped imploded entry fails with an error (checksum,
// truncation, a code the trees do not have), never a panic or a hang, and nothing of
// the archive is delivered.
func TestExplodeDamaged(t *testing.T) {
	_, a := testEngine(t, sanitize.Limits{})
	data := readFile(t, filepath.Join("..", "..", "testdata", "archive", "cc-implode-8k-3trees.zip"))
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	off, err := zr.File[0].DataOffset()
	if err != nil {
		t.Fatal(err)
	}
	size := int64(zr.File[0].CompressedSize64)
	for _, at := range []int64{0, 1, 5, 40, size / 2, size - 2} {
		m := bytes.Clone(data)
		m[off+at] ^= 0x5a
		_, res, err := run(t, a, m, "flip.zip", sanitize.Limits{})
		if err == nil && res.Verdict.HasOutput() {
			t.Errorf("flip at %d: delivered (%s); a damaged entry must not pass its checksum", at, res.Verdict)
		}
	}
}

func explodeEntry(t testing.TB, f *zip.File) []byte {
	t.Helper()
	raw, err := f.OpenRaw()
	if err != nil {
		t.Fatal(err)
	}
	x, err := newExploder(raw, f.Flags, int64(f.UncompressedSize64))
	if err != nil {
		t.Fatalf("trees: %v", err)
	}
	got, err := io.ReadAll(newCRCReader(x, f.CRC32))
	if err != nil {
		t.Fatalf("explode: %v", err)
	}
	return got
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// FuzzExplode feeds arbitrary trees and streams to the decoder: it must end (at the
// declared size or with an error) without panicking, whatever the bytes.
func FuzzExplode(f *testing.F) {
	for _, name := range implodedSamples {
		data := readFile(f, filepath.Join("..", "..", "testdata", "archive", name))
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			f.Fatal(err)
		}
		raw, _ := zr.File[0].OpenRaw()
		b, _ := io.ReadAll(raw)
		f.Add(b, uint16(zr.File[0].Flags), uint16(1000))
	}
	f.Fuzz(func(t *testing.T, data []byte, flags, size uint16) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		x, err := newExploder(bytes.NewReader(data), flags, int64(size))
		if err != nil {
			return
		}
		n, _ := io.Copy(io.Discard, x)
		if n > int64(size) {
			t.Fatalf("wrote %d bytes, declared %d", n, size)
		}
	})
}
