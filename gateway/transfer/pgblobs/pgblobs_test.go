package pgblobs

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"testing"

	"github.com/sekisho/sekisho/gateway/transfer"
	"github.com/sekisho/sekisho/internal/pgtest"
	"github.com/sekisho/sekisho/quarantine/postgres"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func open(t *testing.T) (*Blobs, *postgres.Backend) {
	t.Helper()
	ctx := context.Background()
	be, err := postgres.Open(ctx, postgres.Options{URL: pgtest.Shared(t).NewDB(t), Node: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { be.Close() })
	if err := be.MigrateSchema(ctx, "transfer-blobs", Schema); err != nil {
		t.Fatal(err)
	}
	b, err := Open(ctx, be.Pool(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return b, be
}

func random(n int) []byte {
	p := make([]byte, n)
	rand.Read(p)
	return p
}

func readAll(t *testing.T, b transfer.Blob) []byte {
	t.Helper()
	got, err := io.ReadAll(b)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func objects(t *testing.T, be *postgres.Backend) int {
	var n int
	if err := be.Pool().QueryRow(context.Background(), `SELECT count(*) FROM pg_largeobject_metadata`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestStaged follows a resumed upload: parts written and synced, a request cut (its
// bytes past the recorded offset dropped), a rollback, reads by range.
func TestStaged(t *testing.T) {
	b, be := open(t)
	const id = "FABCDEFGHIJKLMNOPQRSTUVWXYZ"
	if !transfer.ValidID(id) {
		t.Fatal("the test's ID is not one transfer accepts")
	}
	if n, err := b.StagedSize(id); err != nil || n != 0 {
		t.Fatalf("size of a new upload = %d, %v", n, err)
	}
	body := random(3*chunk + 1234)
	w, err := b.AppendStaged(id, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(body[:chunk+10]); err != nil {
		t.Fatal(err)
	}
	if err := w.Sync(); err != nil {
		t.Fatal(err)
	}
	w.Write(body[chunk+10 : 2*chunk]) // a request cut here: never synced as recorded
	w.Close()
	w, err = b.AppendStaged(id, chunk+10)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := b.StagedSize(id); n != chunk+10 {
		t.Fatalf("size after resuming at %d = %d", chunk+10, n)
	}
	w.Write(random(5000))
	if err := w.Rollback(); err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(w, bytes.NewReader(body[chunk+10:])); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := b.ReadStaged(id)
	if err != nil {
		t.Fatal(err)
	}
	if r.Size() != int64(len(body)) || !bytes.Equal(readAll(t, r), body) {
		t.Fatalf("staged upload differs (size %d, want %d)", r.Size(), len(body))
	}
	p := make([]byte, 100)
	if n, err := r.ReadAt(p, chunk-50); n != 100 || err != nil || !bytes.Equal(p, body[chunk-50:chunk+50]) {
		t.Fatalf("ReadAt across a chunk = %d, %v", n, err)
	}
	if n, err := r.ReadAt(p, int64(len(body))-10); n != 10 || err != io.EOF {
		t.Fatalf("ReadAt at the end = %d, %v; want 10, EOF", n, err)
	}
	if _, err := r.Seek(-20, io.SeekEnd); err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, r); !bytes.Equal(got, body[len(body)-20:]) {
		t.Fatalf("read after Seek = %d bytes", len(got))
	}
	if err := b.RemoveStaged(id); err != nil {
		t.Fatal(err)
	}
	if _, err := b.ReadStaged(id); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("read of a removed upload = %v", err)
	}
	if n := objects(t, be); n != 0 {
		t.Errorf("%d large objects left after RemoveStaged", n)
	}
	if _, err := b.AppendStaged("../x", 0); !errors.Is(err, transfer.ErrNotFound) {
		t.Errorf("AppendStaged with a bad ID = %v", err)
	}
}

// TestOutputs: content addressing, the same bytes stored once, Abort leaves nothing.
func TestOutputs(t *testing.T) {
	b, be := open(t)
	body := random(2*chunk + 7)
	sum := sha256.Sum256(body)
	put := func() string {
		w, err := b.Create()
		if err != nil {
			t.Fatal(err)
		}
		for p := body; len(p) > 0; p = p[min(len(p), 1000):] {
			w.Write(p[:min(len(p), 1000)])
		}
		s, n, err := w.Commit()
		if err != nil || n != int64(len(body)) || s != hex.EncodeToString(sum[:]) {
			t.Fatalf("Commit = %s %d %v", s, n, err)
		}
		return s
	}
	s := put()
	put()
	if n := objects(t, be); n != 1 {
		t.Errorf("the same output twice: %d large objects, want 1", n)
	}
	r, err := b.Open(s)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readAll(t, r), body) {
		t.Fatal("output differs")
	}
	w, _ := b.Create()
	w.Write(random(10))
	w.Abort()
	if n := objects(t, be); n != 1 {
		t.Errorf("after Abort: %d large objects, want 1", n)
	}
	if err := b.Remove(s); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Open(s); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open of a removed output = %v", err)
	}
	if _, err := b.Open("nothex"); !errors.Is(err, transfer.ErrNotFound) {
		t.Fatalf("Open of an invalid sum = %v", err)
	}
	if n := objects(t, be); n != 0 {
		t.Errorf("%d large objects left", n)
	}
}
