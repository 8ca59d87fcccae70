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
	"strings"
	"testing"

	"github.com/sekisho/sekisho/gateway/transfer"
	"github.com/sekisho/sekisho/internal/pgtest"
	"github.com/sekisho/sekisho/quarantine/postgres"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func open(t *testing.T, key []byte) (*Blobs, *postgres.Backend) {
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
	b, err := Open(ctx, be.Pool(), 0, key)
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

// keys runs a test on plain and on sealed objects.
func keys(t *testing.T, f func(t *testing.T, key []byte)) {
	key := make([]byte, 32)
	rand.Read(key)
	t.Run("plain", func(t *testing.T) { f(t, nil) })
	t.Run("sealed", func(t *testing.T) { f(t, key) })
}

// TestStaged follows a resumed upload: parts written and synced, a request cut (its
// bytes past the recorded offset dropped), a rollback, reads by range.
func TestStaged(t *testing.T) { keys(t, testStaged) }

func testStaged(t *testing.T, key []byte) {
	b, be := open(t, key)
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
func TestOutputs(t *testing.T) { keys(t, testOutputs) }

func testOutputs(t *testing.T, key []byte) {
	b, be := open(t, key)
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

// TestSealed: with the key nothing of the plaintext is in the database, a changed or
// moved segment fails the read, and without the key a sealed object does not open.
func TestSealed(t *testing.T) {
	ctx := context.Background()
	key := make([]byte, 32)
	rand.Read(key)
	b, be := open(t, key)
	marker := bytes.Repeat([]byte("SEKISHO-PLAINTEXT-MARKER "), 8000) // 200 KB: several segments
	w, err := b.Create()
	if err != nil {
		t.Fatal(err)
	}
	w.Write(marker)
	sum, n, err := w.Commit()
	if err != nil || n != int64(len(marker)) {
		t.Fatalf("Commit = %d, %v", n, err)
	}
	var stored []byte
	if err := be.Pool().QueryRow(ctx, `SELECT string_agg(data, ''::bytea ORDER BY pageno) FROM pg_largeobject`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(stored, []byte("SEKISHO-PLAINTEXT")) || int64(len(stored)) != int64(len(marker))+4*over {
		t.Fatalf("stored %d bytes (want %d), plaintext visible: %v", len(stored), len(marker)+4*over,
			bytes.Contains(stored, []byte("SEKISHO-PLAINTEXT")))
	}
	plain, err := Open(ctx, be.Pool(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plain.Open(sum); err == nil {
		t.Error("a sealed object opened without the key")
	}
	// Segment 1 swapped with segment 0: each opens only at its own place.
	var oid uint32
	be.Pool().QueryRow(ctx, `SELECT oid FROM transfer_blob_lo WHERE sum = $1`, sum).Scan(&oid)
	if _, err := be.Pool().Exec(ctx, `SELECT lo_put($1, 0, $2)`, oid, stored[stride:2*stride]); err != nil {
		t.Fatal(err)
	}
	r, err := b.Open(sum)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(r); err == nil || !strings.Contains(err.Error(), "does not open") {
		t.Errorf("read of a moved segment = %v, want a refusal", err)
	}
}
