package transfer

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	"syscall"
	"testing"
	"testing/iotest"
)

// limitedWriter takes max bytes, then fails like a full disk.
type limitedWriter struct {
	bytes.Buffer
	max int
}

func (w *limitedWriter) Write(p []byte) (int, error) {
	if room := w.max - w.Len(); len(p) > room {
		w.Buffer.Write(p[:max(room, 0)])
		return max(room, 0), syscall.ENOSPC
	}
	return w.Buffer.Write(p)
}

// TestCopyHashing: the hash computed beside the copy is the SHA-256 of exactly what the
// writer took, whatever the read sizes, with the reader's or the writer's error returned.
func TestCopyHashing(t *testing.T) {
	data := make([]byte, 3<<20+7)
	rand.NewChaCha8([32]byte{7}).Read(data)
	errCut := errors.New("connection cut")
	for _, c := range []struct {
		name    string
		src     func([]byte) io.Reader
		size    int
		max     int // the writer's room; 0: all
		wantErr error
	}{
		{"empty", func(b []byte) io.Reader { return bytes.NewReader(b) }, 0, 0, nil},
		{"one byte", func(b []byte) io.Reader { return bytes.NewReader(b) }, 1, 0, nil},
		{"one buffer", func(b []byte) io.Reader { return bytes.NewReader(b) }, 256 << 10, 0, nil},
		{"large", func(b []byte) io.Reader { return bytes.NewReader(b) }, len(data), 0, nil},
		{"half reads", func(b []byte) io.Reader { return iotest.HalfReader(bytes.NewReader(b)) }, len(data), 0, nil},
		{"one byte reads", func(b []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) }, 70000, 0, nil},
		{"data with EOF", func(b []byte) io.Reader { return iotest.DataErrReader(bytes.NewReader(b)) }, 1<<20 + 3, 0, nil},
		{"cut", func(b []byte) io.Reader { return io.MultiReader(bytes.NewReader(b), iotest.ErrReader(errCut)) }, 1<<20 + 5, 0, errCut},
		{"disk full", func(b []byte) io.Reader { return bytes.NewReader(b) }, len(data), 1<<20 + 11, syscall.ENOSPC},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := &limitedWriter{max: c.max}
			if c.max == 0 {
				w.max = len(data) + 1
			}
			h := sha256.New()
			n, err := copyHashing(w, c.src(data[:c.size]), h)
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("err = %v, want %v", err, c.wantErr)
			}
			if n != int64(w.Len()) || c.wantErr == nil && n != int64(c.size) {
				t.Fatalf("n = %d, the writer took %d of %d", n, w.Len(), c.size)
			}
			if want := sha256.Sum256(w.Bytes()); !bytes.Equal(h.Sum(nil), want[:]) {
				t.Fatalf("hash is not the SHA-256 of the %d bytes written", w.Len())
			}
			if !bytes.Equal(w.Bytes(), data[:w.Len()]) {
				t.Fatalf("the writer took other bytes")
			}
		})
	}
}
