package transfer

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
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
			n, err := copyHashing(w, c.src(data[:c.size]), h, nil)
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

// testBlocks makes n blocks of size bytes from a pool of their own, holding data[i*size:].
func testBlocks(data []byte, size int) []*block {
	p := &blockPool{free: make(chan *block, (len(data)+size-1)/size)} // released blocks wait here
	var bs []*block
	for off := 0; off < len(data); off += size {
		b := &block{buf: append([]byte(nil), data[off:min(off+size, len(data))]...), pool: p}
		b.refs.Store(1)
		bs = append(bs, b)
	}
	return bs
}

// TestGrowingWindow: a read or comparison that the newest kept blocks cover is served
// from them, one they do not (older, straddling the window's start, past what arrived)
// from the file. The file here holds other bytes than the blocks, so the test tells which
// answered; in a real upload both hold the same.
func TestGrowingWindow(t *testing.T) {
	const bs = 1000
	data := make([]byte, (windowBlocks+3)*bs-123)
	rand.NewChaCha8([32]byte{9}).Read(data)
	fileBytes := bytes.Repeat([]byte{'f'}, len(data))
	g := newGrowing(bytes.NewReader(fileBytes), int64(len(data)))
	blocks := testBlocks(data, bs)
	for _, b := range blocks {
		g.keep(b, len(b.buf))
	}
	if len(g.window) != windowBlocks || g.window[0].off != 3*bs {
		t.Fatalf("window of %d blocks from %d, want %d from %d", len(g.window), g.window[0].off, windowBlocks, 3*bs)
	}
	winStart := g.window[0].off
	for _, c := range []struct {
		name   string
		off, n int64
		window bool
	}{
		{"inside one block", winStart + 10, 100, true},
		{"across blocks", winStart + bs - 5, 2*bs + 10, true},
		{"the whole window", winStart, int64(len(data)) - winStart, true},
		{"to the end", int64(len(data)) - 50, 50, true},
		{"past the end", int64(len(data)) - 50, 80, true},
		{"before the window", 0, 100, false},
		{"straddling the window's start", winStart - 1, 10, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := make([]byte, c.n)
			n, err := g.ReadAt(p, c.off)
			want := data
			if !c.window {
				want = fileBytes
			}
			end := min(c.off+c.n, int64(len(data)))
			if int64(n) != end-c.off || !bytes.Equal(p[:n], want[c.off:end]) {
				t.Fatalf("read %d bytes at %d: got %q..., want %d from the %s", n, c.off, p[:min(n, 8)], end-c.off, map[bool]string{true: "window", false: "file"}[c.window])
			}
			if (end < c.off+c.n) != (err == io.EOF) || err != nil && err != io.EOF {
				t.Fatalf("err = %v", err)
			}
			eq, ok := g.equalAt(data[c.off:end], c.off)
			if ok != c.window || ok && !eq {
				t.Fatalf("equalAt(input) = %v, %v", eq, ok)
			}
			if end > c.off {
				other := append([]byte(nil), data[c.off:end]...)
				other[len(other)-1] ^= 1
				if eq, ok := g.equalAt(other, c.off); ok != c.window || eq {
					t.Fatalf("equalAt(changed) = %v, %v", eq, ok)
				}
			}
		})
	}
	for _, b := range blocks {
		if r := b.refs.Load(); r < 0 || r > 1 {
			t.Fatalf("block at refs %d after the reads", r)
		}
	}
	g.close()
	for i, b := range blocks {
		if r := b.refs.Load(); r != 0 {
			t.Fatalf("block %d still held (%d) after close", i, r)
		}
	}
	g.keep(testBlocks([]byte("x"), 1)[0], 0) // kept after close: released at once
	if len(g.window) != 0 {
		t.Fatal("a closed window kept a block")
	}
	p := make([]byte, 10)
	if n, _ := g.ReadAt(p, int64(len(data))-10); n != 10 || !bytes.Equal(p, fileBytes[:10]) {
		t.Fatalf("after close a read is not from the file: %q", p)
	}
}

// TestCopyFollowed: an engine reading the upload while copyHashing writes it, at random
// offsets and sizes (mostly on, sometimes behind, the newest bytes), sees exactly the
// bytes the file got, and its comparisons agree with the file's; the hash is unchanged.
func TestCopyFollowed(t *testing.T) {
	data := make([]byte, 5<<20+333)
	rand.NewChaCha8([32]byte{11}).Read(data)
	for _, src := range []struct {
		name string
		r    func() io.Reader
	}{
		{"whole reads", func() io.Reader { return bytes.NewReader(data) }},
		{"half reads", func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) }},
	} {
		t.Run(src.name, func(t *testing.T) {
			f, err := os.Create(filepath.Join(t.TempDir(), "staged"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			g := newGrowing(f, int64(len(data)))
			done := make(chan error, 1)
			go func() {
				rng := rand.New(rand.NewPCG(1, 2))
				buf := make([]byte, 300<<10)
				var pos int64
				for pos < int64(len(data)) {
					off := pos
					if rng.IntN(8) == 0 {
						off = rng.Int64N(pos + 1) // a look back
					}
					p := buf[:1+rng.IntN(len(buf))]
					n, err := g.ReadAt(p, off)
					if err != nil && err != io.EOF {
						done <- err
						return
					}
					if !bytes.Equal(p[:n], data[off:off+int64(n)]) {
						done <- fmt.Errorf("read %d at %d: other bytes", n, off)
						return
					}
					if eq, ok := g.equalAt(data[off:off+int64(n)], off); ok && !eq {
						done <- fmt.Errorf("equalAt %d at %d: not equal", n, off)
						return
					}
					if n > 0 {
						q := append([]byte(nil), data[off:off+int64(n)]...)
						q[rng.IntN(n)] ^= 0x80
						if eq, _ := g.equalAt(q, off); eq {
							done <- fmt.Errorf("equalAt %d at %d: equal to changed bytes", n, off)
							return
						}
					}
					if off == pos {
						pos += int64(n)
					}
				}
				done <- nil
			}()
			h := sha256.New()
			n, err := copyHashing(f, src.r(), h, g)
			if err != nil || n != int64(len(data)) {
				t.Fatalf("copy: %d, %v", n, err)
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			g.close()
			if want := sha256.Sum256(data); !bytes.Equal(h.Sum(nil), want[:]) {
				t.Fatal("hash differs")
			}
		})
	}
}
