package transfer

import (
	"bytes"
	"errors"
	"io"
	"os"

	"github.com/sekisho/sekisho/sanitize"
)

// stagedKeeper is a Blobs whose staged uploads are local files: readable while they are
// written (so the engine can follow an upload as it arrives, live.go) and kept as an
// output without copying. FileBlobs is one; a store whose uploads live elsewhere is not.
type stagedKeeper interface {
	// KeepStaged stores the complete staged upload id as the output with SHA-256 sum
	// (the upload's own, already computed): the staged name may then be removed and the
	// output stays.
	KeepStaged(id, sum string) error
}

// KeepStaged links the staged upload under its hash: the bytes are not written again.
// The upload is complete and never written after this (a file leaves the uploading state
// before the engine sees it; a resumed or restarted upload is a new staged file).
func (b *FileBlobs) KeepStaged(id, sum string) error {
	if !ValidID(id) || !ValidSum(sum) {
		return ErrNotFound
	}
	if err := b.root.MkdirAll("blobs/"+sum[:2], 0o700); err != nil {
		return err
	}
	if err := b.root.Link(stagedName(id), blobName(sum)); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	d, err := b.root.Open("blobs/" + sum[:2])
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// sameOutput is the engine's output for one file on a store that can keep a staged upload
// as an output. While what the engine writes is the input byte for byte (UTF-8 text with
// nothing to change: most large text transfers), it is compared with the input and not
// written; Commit then keeps the staged upload under the hash the upload computed, so a
// multi-gigabyte clean file is neither written nor hashed a second time. At the first
// byte that differs the matching prefix is copied into a new output and writing goes on
// there. What is stored is always exactly what the engine wrote: the comparison is of
// every byte, so a family that changed anything gets its own output.
type sameOutput struct {
	blobs Blobs
	keep  stagedKeeper
	id    string        // the staged upload
	in    sanitize.Blob // the input, compared against
	sum   string        // the input's SHA-256, set before Commit
	win   []byte        // input bytes [winOff, winOff+len(win)) read ahead
	buf   []byte
	off   int64 // input offset of win
	n     int64 // bytes written
	out   BlobWriter
	done  bool
}

// compareChunk is how much of the input is read at a time for the comparison.
const compareChunk = 256 << 10

func newSameOutput(b Blobs, k stagedKeeper, id string, in sanitize.Blob) *sameOutput {
	return &sameOutput{blobs: b, keep: k, id: id, in: in}
}

func (w *sameOutput) Write(p []byte) (int, error) {
	if w.out != nil {
		return w.out.Write(p)
	}
	if w.matches(p) {
		w.n += int64(len(p))
		return len(p), nil
	}
	if err := w.diverge(); err != nil {
		return 0, err
	}
	return w.out.Write(p)
}

// matches reports whether p is the input at w.n.
func (w *sameOutput) matches(p []byte) bool {
	if g, ok := w.in.(*growing); ok {
		// An upload being received: its newest blocks are compared where they are.
		if eq, ok := g.equalAt(p, w.n); ok {
			return eq
		}
	}
	pos := w.n
	for len(p) > 0 {
		if pos < w.off || pos >= w.off+int64(len(w.win)) {
			if !w.fill(pos) {
				return false
			}
		}
		k := min(int64(len(p)), w.off+int64(len(w.win))-pos)
		if !bytes.Equal(p[:k], w.win[pos-w.off:pos-w.off+k]) {
			return false
		}
		p, pos = p[k:], pos+k
	}
	return true
}

// fill reads the input from pos; false at its end or on an error (then the output is
// simply written: the comparison only saves work).
func (w *sameOutput) fill(pos int64) bool {
	if w.buf == nil {
		w.buf = make([]byte, compareChunk)
	}
	k := min(int64(compareChunk), w.in.Size()-pos)
	if k <= 0 {
		return false
	}
	n, err := w.in.ReadAt(w.buf[:k], pos)
	if int64(n) != k || err != nil && err != io.EOF {
		return false
	}
	w.win, w.off = w.buf[:k], pos
	return true
}

// diverge starts a real output holding the input's first w.n bytes.
func (w *sameOutput) diverge() error {
	out, err := w.blobs.Create()
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, io.NewSectionReader(w.in, 0, w.n)); err != nil {
		out.Abort()
		return err
	}
	w.out, w.win, w.buf = out, nil, nil
	return nil
}

// Restart empties the output (sanitize.Restartable).
func (w *sameOutput) Restart() error {
	if w.out != nil {
		w.out.Abort()
		w.out = nil
	}
	w.n, w.win = 0, nil
	return nil
}

// Commit stores the output: the staged upload itself when the engine wrote it unchanged
// and whole, else the output written since the first difference.
func (w *sameOutput) Commit() (string, int64, error) {
	if w.out == nil && (w.n != w.in.Size() || !ValidSum(w.sum)) {
		if err := w.diverge(); err != nil {
			w.done = true
			return "", 0, err
		}
	}
	w.done = true
	if w.out != nil {
		return w.out.Commit()
	}
	if err := w.keep.KeepStaged(w.id, w.sum); err != nil {
		return "", 0, err
	}
	return w.sum, w.n, nil
}

func (w *sameOutput) Abort() {
	if w.done {
		return
	}
	w.done = true
	if w.out != nil {
		w.out.Abort()
	}
}
