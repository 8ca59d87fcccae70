package postgres

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/pgtest"
	"github.com/sekisho/sekisho/quarantine"
)

// pattern is a reader of n bytes that samples the heap as it is read, to show that a
// large original is streamed, never held whole in memory.
type pattern struct {
	left, read int64
	peak       uint64
	cancel     func()
	cancelAt   int64
}

func (p *pattern) Read(b []byte) (int, error) {
	if p.left == 0 {
		return 0, io.EOF
	}
	if p.cancel != nil && p.read >= p.cancelAt {
		p.cancel()
	}
	n := min(int64(len(b)), p.left)
	for i := range b[:n] {
		b[i] = byte((p.read + int64(i)) * 7)
	}
	p.left -= n
	p.read += n
	if p.read%(8<<20) < n {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		p.peak = max(p.peak, m.HeapAlloc)
	}
	return int(n), nil
}

func TestLargeOriginalStreamed(t *testing.T) {
	b := open(t, pgtest.Shared(t).NewDB(t), "n")
	key := make([]byte, 32)
	s, err := quarantine.New(b, quarantine.Options{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	const size = 64 << 20
	src := &pattern{left: size}
	rec, err := s.Put(ctx, quarantine.Record{Reason: "big"}, src, quarantine.System)
	if err != nil {
		t.Fatal(err)
	}
	if grew := int64(src.peak) - int64(m.HeapAlloc); grew > 24<<20 {
		t.Errorf("heap grew by %d MiB while storing a %d MiB original, want it streamed", grew>>20, size>>20)
	}
	rc, err := s.Open(ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	n, err := io.Copy(h, rc)
	rc.Close()
	if err != nil || n != size || hex.EncodeToString(h.Sum(nil)) != rec.SHA256 {
		t.Fatalf("read back %d bytes (%v), sha %x; want %d bytes, %s", n, err, h.Sum(nil), size, rec.SHA256)
	}
}

// TestAbortedPutLeavesNothing cancels a Put halfway through: no record, no blob row and
// no large object remain.
func TestAbortedPutLeavesNothing(t *testing.T) {
	b := open(t, pgtest.Shared(t).NewDB(t), "n")
	s := service(t, b)
	ctx, cancel := context.WithCancel(context.Background())
	_, err := s.Put(ctx, quarantine.Record{Reason: "r"}, &pattern{left: 8 << 20, cancel: cancel, cancelAt: 4 << 20}, quarantine.System)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Put with a cancelled context = %v, want context.Canceled", err)
	}
	var items, blobs, objects int
	b.Pool().QueryRow(context.Background(), `SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM blobs),
		(SELECT count(*) FROM pg_largeobject_metadata)`).Scan(&items, &blobs, &objects)
	if items+blobs+objects != 0 {
		t.Errorf("after an aborted Put: %d items, %d blobs, %d large objects; want none", items, blobs, objects)
	}
}

func TestRemoveBlobUnlinksObject(t *testing.T) {
	b := open(t, pgtest.Shared(t).NewDB(t), "n")
	s := service(t, b)
	ctx := context.Background()
	rec, err := s.Put(ctx, quarantine.Record{Reason: "r"}, &pattern{left: 1 << 20}, quarantine.System)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Delete(ctx, rec.ID, "op", "junk"); err != nil {
		t.Fatal(err)
	}
	var objects int
	b.Pool().QueryRow(ctx, `SELECT count(*) FROM pg_largeobject_metadata`).Scan(&objects)
	if objects != 0 {
		t.Errorf("%d large objects after the only item was deleted", objects)
	}
	if err := b.RemoveBlob(ctx, rec.ID); err != nil {
		t.Errorf("RemoveBlob(gone) = %v, want nil", err)
	}
}

// TestHeldItemOneTransaction: a new item's original, record and audit record commit
// together, so a record that cannot be stored takes its original (and no audit record)
// with it; for an original sent with its row (one chunk) and for one streamed into a
// large object. The connection that failed serves the next Put.
func TestHeldItemOneTransaction(t *testing.T) {
	for _, size := range []int{100 << 10, 300 << 10} {
		t.Run(fmt.Sprint(size), func(t *testing.T) { testHeldItemOneTransaction(t, size) })
	}
}

func testHeldItemOneTransaction(t *testing.T, size int) {
	// One connection: the one whose transaction failed must serve the next Put.
	b, err := Open(context.Background(), Options{URL: pgtest.Shared(t).NewDB(t), Node: "n", MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	s := service(t, b)
	ctx := context.Background()
	first, err := s.Put(ctx, quarantine.Record{Reason: "r"}, &pattern{left: 100 << 10}, quarantine.System)
	if err != nil {
		t.Fatal(err)
	}
	w, err := b.CreateBlob(ctx, "second")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(make([]byte, size)); err != nil {
		t.Fatal(err)
	}
	dup := first
	dup.History = nil
	now := first.Time
	err = w.(quarantine.ChangeCommitter).CommitChange(quarantine.Change{Record: dup, Insert: true,
		Event: quarantine.Event{Time: now, Action: quarantine.ActQuarantine, Actor: quarantine.System},
		Audit: quarantine.AuditEntry{Time: now, Action: quarantine.ActQuarantine, ID: dup.ID, Actor: quarantine.System}})
	if err == nil {
		t.Fatal("CommitChange inserting an existing item's ID succeeded")
	}
	if _, err := b.OpenBlob(ctx, "second"); !errors.Is(err, quarantine.ErrNotFound) {
		t.Errorf("OpenBlob of a blob whose record failed = %v, want ErrNotFound", err)
	}
	var items, blobs, objects, audit int
	b.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM blobs),
		(SELECT count(*) FROM pg_largeobject_metadata), (SELECT count(*) FROM audit)`).Scan(&items, &blobs, &objects, &audit)
	if items != 1 || blobs != 1 || objects != 1 || audit != 1 {
		t.Errorf("after one Put and one failed: %d items, %d blobs, %d large objects, %d audit records; want 1 each", items, blobs, objects, audit)
	}
	if _, err := s.Put(ctx, quarantine.Record{Reason: "r"}, &pattern{left: int64(size)}, quarantine.System); err != nil {
		t.Fatalf("Put after a failed one: %v", err)
	}
	if n, err := s.Verify(ctx); err != nil || n != 2 {
		t.Errorf("Verify = %d, %v; want 2, nil", n, err)
	}
}

// TestBlobSizes writes originals around the chunk size: one that fits in one chunk is
// sent with its row, a longer one streamed into a large object; both read back whole,
// through Commit and through CommitChange.
func TestBlobSizes(t *testing.T) {
	b := open(t, pgtest.Shared(t).NewDB(t), "n")
	ctx := context.Background()
	for i, size := range []int64{0, 1, blobChunk - 1, blobChunk, blobChunk + 1, 3*blobChunk + 5} {
		for _, change := range []bool{false, true} {
			id := fmt.Sprintf("b%d-%v", i, change)
			w, err := b.CreateBlob(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			want := sha256.New()
			// Odd write sizes cross the chunk boundary inside one Write.
			if _, err := io.CopyBuffer(io.MultiWriter(w, want), io.LimitReader(&pattern{left: size}, size), make([]byte, 7777)); err != nil {
				t.Fatal(err)
			}
			if change {
				now := time.Now()
				err = w.(quarantine.ChangeCommitter).CommitChange(quarantine.Change{Record: quarantine.Record{ID: id, Time: now, Status: quarantine.Held}, Insert: true,
					Event: quarantine.Event{Time: now, Action: quarantine.ActQuarantine, Actor: quarantine.System},
					Audit: quarantine.AuditEntry{Time: now, Action: quarantine.ActQuarantine, ID: id, Actor: quarantine.System}})
			} else {
				err = w.Commit()
			}
			if err != nil {
				t.Fatalf("%d bytes: %v", size, err)
			}
			rc, err := b.OpenBlob(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			got := sha256.New()
			n, err := io.Copy(got, rc)
			rc.Close()
			if err != nil || n != size || !bytes.Equal(got.Sum(nil), want.Sum(nil)) {
				t.Errorf("%d bytes (change %v): read back %d bytes, %v, same hash %v", size, change, n, err, bytes.Equal(got.Sum(nil), want.Sum(nil)))
			}
		}
	}
	var objects int
	b.Pool().QueryRow(ctx, `SELECT count(*) FROM pg_largeobject_metadata`).Scan(&objects)
	if objects != 12 {
		t.Errorf("%d large objects for 12 blobs", objects)
	}
}
