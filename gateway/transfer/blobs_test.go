package transfer_test

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"testing"

	"github.com/sekisho/sekisho/gateway/transfer"
	"github.com/sekisho/sekisho/sanitize"
)

// TestBlobWriterRestart: an output the engine writes straight into and empties (a refused
// item, a text input decoded again) keeps, once committed, only what followed the restart
// under that content's address.
func TestBlobWriterRestart(t *testing.T) {
	fb, err := transfer.OpenFileBlobs(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer fb.Close()
	w, err := fb.Create()
	if err != nil {
		t.Fatal(err)
	}
	rw, ok := w.(sanitize.Restartable)
	if !ok {
		t.Fatal("the file blob writer is not restartable: the engine would spool every output")
	}
	big := make([]byte, 600<<10) // past the writer's buffer, so some of it reached the file
	for i := range big {
		big[i] = byte(i)
	}
	if _, err := rw.Write(big); err != nil {
		t.Fatal(err)
	}
	if err := rw.Restart(); err != nil {
		t.Fatal(err)
	}
	want := []byte("only this\n")
	if _, err := rw.Write(want); err != nil {
		t.Fatal(err)
	}
	sum, n, err := w.Commit()
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(want)
	if sum != hex.EncodeToString(h[:]) || n != int64(len(want)) {
		t.Fatalf("committed %s (%d bytes), want %x (%d)", sum, n, h, len(want))
	}
	b, err := fb.Open(sum)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	got, err := io.ReadAll(io.NewSectionReader(b, 0, 1<<20))
	if err != nil || string(got) != string(want) {
		t.Fatalf("stored %q, %v; want %q", got, err, want)
	}
}

// TestStagedAppend: appends past the writeback interval keep every byte in order; a
// rollback after them leaves exactly what was there before this writer.
func TestStagedAppend(t *testing.T) {
	fb, err := transfer.OpenFileBlobs(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer fb.Close()
	const id = "FAAAAAAAAAAAAAAAAAAAAAAAAAA"
	block := make([]byte, 1<<20)
	write := func(off int64, blocks int, rollback bool) {
		t.Helper()
		w, err := fb.AppendStaged(id, off)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		for i := range blocks {
			for j := range block {
				block[j] = byte(int(off>>20) + i + j)
			}
			if _, err := w.Write(block); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Sync(); err != nil {
			t.Fatal(err)
		}
		if rollback {
			if err := w.Rollback(); err != nil {
				t.Fatal(err)
			}
		}
	}
	write(0, 34, false)     // past one writeback interval (32 MiB)
	write(34<<20, 33, true) // another, then dropped
	write(34<<20, 3, false) // the upload goes on from where it stood
	if n, err := fb.StagedSize(id); n != 37<<20 || err != nil {
		t.Fatalf("staged size %d, %v; want %d", n, err, 37<<20)
	}
	b, err := fb.ReadStaged(id)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	got := make([]byte, 1<<20)
	for i := range 37 {
		if _, err := b.ReadAt(got, int64(i)<<20); err != nil {
			t.Fatal(err)
		}
		for j := range got {
			if got[j] != byte(i+j) {
				t.Fatalf("byte %d of block %d is %d, want %d", j, i, got[j], byte(i+j))
			}
		}
	}
}
