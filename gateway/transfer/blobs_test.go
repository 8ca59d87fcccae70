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
