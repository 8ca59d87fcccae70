package ooxml

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// TestPipelineSameOutput: a package whose main part is read ahead and written behind gives
// the bytes and the report of the single-goroutine rewrite, and a large part that is
// corrupt fails the same way.
func TestPipelineSameOutput(t *testing.T) {
	// The pipeline runs only with more than one processor: make sure this test has two.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
	big := bigDocx(t, 350<<10)
	if n := mainSize(t, big); !pipelined(n) {
		t.Fatalf("main part of %d bytes does not reach the pipeline (%d)", n, pipelineMin)
	}
	// A corrupt copy: one byte of the compressed main part flipped, so the inflater or the
	// CRC check fails in the goroutine that reads ahead.
	corrupt := bytes.Clone(big)
	off := bytes.Index(corrupt, []byte(docMain)) + len(docMain) + 60000
	corrupt[off] ^= 0x55

	badCRC := withWrongCRC(t, big, docMain)

	sanitizeAll := func() (out []byte, res sanitize.Result, errs []error) {
		_, s := newEngine(true)
		out, res, err := sanitizeBytes(t, s, "big.docx", big)
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range [][]byte{corrupt, badCRC} {
			_, _, err := sanitizeBytes(t, s, "corrupt.docx", in)
			errs = append(errs, err)
		}
		return out, res, errs
	}
	piped, pipedRes, pipedErrs := sanitizeAll()
	old := pipelineMin
	pipelineMin = 1 << 62
	plain, plainRes, plainErrs := sanitizeAll()
	pipelineMin = old

	if !bytes.Equal(piped, plain) {
		t.Errorf("pipelined output differs: %d bytes vs %d", len(piped), len(plain))
	}
	if pipedRes.Verdict != plainRes.Verdict || len(pipedRes.Actions) != len(plainRes.Actions) {
		t.Errorf("reports differ: %v %d actions vs %v %d", pipedRes.Verdict, len(pipedRes.Actions), plainRes.Verdict, len(plainRes.Actions))
	}
	for i, pipedErr := range pipedErrs {
		plainErr := plainErrs[i]
		if pipedErr == nil || plainErr == nil || !errors.Is(pipedErr, sanitize.ErrMalformed) || pipedErr.Error() != plainErr.Error() {
			t.Errorf("corrupt part %d: pipelined error %v, single-goroutine error %v", i, pipedErr, plainErr)
		}
	}
}

// withWrongCRC copies a zip with the named entry's CRC-32 changed, its data intact.
func withWrongCRC(t *testing.T, pkg []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		h := f.FileHeader
		if f.Name == name {
			h.CRC32 ^= 1
		}
		w, err := zw.CreateRaw(&h)
		if err != nil {
			t.Fatal(err)
		}
		r, err := f.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// mainSize is the declared size of the main document part.
func mainSize(t *testing.T, pkg []byte) uint64 {
	t.Helper()
	for _, e := range unpack(t, pkg) {
		if e.name == docMain {
			return uint64(len(e.data))
		}
	}
	t.Fatal("no main part")
	return 0
}

// failingReader returns n bytes of 'x', then err.
type failingReader struct {
	n      int
	err    error
	closed bool
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n == 0 {
		return 0, f.err
	}
	k := min(len(p), f.n)
	for i := range k {
		p[i] = 'x'
	}
	f.n -= k
	return k, nil
}

func (f *failingReader) Close() error { f.closed = true; return nil }

// TestReadAhead: every byte arrives in order, the source's error follows the last byte,
// and Close stops the goroutine whether or not everything was read.
func TestReadAhead(t *testing.T) {
	boom := errors.New("boom")
	for _, c := range []struct {
		n       int
		err     error
		readAll bool
	}{
		{0, io.EOF, true}, {1, io.EOF, true}, {pipelineChunk, io.EOF, true}, {5*pipelineChunk + 7, io.EOF, true},
		{3*pipelineChunk + 1, boom, true}, {10 * pipelineChunk, io.EOF, false}, {10 * pipelineChunk, boom, false},
	} {
		src := &failingReader{n: c.n, err: c.err}
		a := newReadAhead(src)
		if c.readAll {
			got, err := io.ReadAll(a)
			if len(got) != c.n || strings.Trim(string(got), "x") != "" {
				t.Errorf("n=%d: read %d bytes", c.n, len(got))
			}
			if want := c.err; want == io.EOF && err != nil || want != io.EOF && !errors.Is(err, want) {
				t.Errorf("n=%d: error %v, want %v", c.n, err, c.err)
			}
		} else if _, err := io.ReadFull(a, make([]byte, 1000)); err != nil {
			t.Fatal(err)
		}
		if err := a.Close(); err != nil || !src.closed {
			t.Errorf("n=%d: Close = %v, source closed %v", c.n, err, src.closed)
		}
		select {
		case <-a.done:
		default:
			t.Errorf("n=%d: goroutine still running after Close", c.n)
		}
	}
}

// limitedWriter fails once more than n bytes are written.
type limitedWriter struct {
	buf bytes.Buffer
	n   int
}

func (w *limitedWriter) Write(p []byte) (int, error) {
	if w.buf.Len()+len(p) > w.n {
		return 0, errors.New("disk full")
	}
	return w.buf.Write(p)
}

// TestAsyncWriter: the bytes reach the writer in order; its error reaches Write or Close
// and nothing blocks after it.
func TestAsyncWriter(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 40000) // 640,000 bytes
	for _, limit := range []int{1 << 30, 0, 1000, 3 * pipelineChunk, len(data) - 1} {
		dst := &limitedWriter{n: limit}
		a := newAsyncWriter(dst)
		var werr error
		for p := data; len(p) > 0 && werr == nil; {
			k := min(len(p), 7777)
			_, werr = a.Write(p[:k])
			p = p[k:]
		}
		cerr := a.Close()
		if limit >= len(data) {
			if werr != nil || cerr != nil || !bytes.Equal(dst.buf.Bytes(), data) {
				t.Errorf("limit %d: write %v close %v, %d bytes written", limit, werr, cerr, dst.buf.Len())
			}
			continue
		}
		if werr == nil && cerr == nil {
			t.Errorf("limit %d: the writer's error was lost", limit)
		}
		if !bytes.HasPrefix(data, dst.buf.Bytes()) {
			t.Errorf("limit %d: bytes out of order", limit)
		}
	}
}

// TestPipelineOneProcessor: with one processor a large part is rewritten on one goroutine.
func TestPipelineOneProcessor(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	if pipelined(pipelineMin) {
		t.Error("pipelined with GOMAXPROCS=1")
	}
	runtime.GOMAXPROCS(2)
	if !pipelined(pipelineMin) || pipelined(pipelineMin-1) {
		t.Error("with two processors, parts of pipelineMin bytes or more are pipelined, smaller ones not")
	}
}
