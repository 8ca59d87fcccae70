package transfer_test

import (
	"bytes"
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/gateway/transfer"
	"github.com/sekisho/sekisho/gateway/transfer/pgblobs"
	"github.com/sekisho/sekisho/internal/assemble"
	"github.com/sekisho/sekisho/internal/pgtest"
	"github.com/sekisho/sekisho/quarantine/postgres"
)

// gatedBlobs are one node's view of the shared blobs: its engine's reads of a staged
// upload wait at the gate, so the test decides when that node's sanitizing goes on.
type gatedBlobs struct {
	*pgblobs.Blobs
	reads atomic.Int32
	gate  chan struct{}
	once  sync.Once
}

func (g *gatedBlobs) ReadStaged(id string) (transfer.Blob, error) {
	g.reads.Add(1)
	<-g.gate
	return g.Blobs.ReadStaged(id)
}

func (g *gatedBlobs) open() { g.once.Do(func() { close(g.gate) }) }

// Closing one node must not close the pool the other still uses.
func (g *gatedBlobs) Close() error { return nil }

// TestTwoNodesClaimFiles: two nodes on one PostgreSQL store. A node that starts while
// another sanitizes a file does not sanitize it too (the claim in the store is live);
// when the holder stops renewing its claim (it died), the other node takes the file over
// once the claim has run out, and the first node, if it was only slow, drops its result:
// the file has one result and one audit record.
func TestTwoNodesClaimFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, q := openPGStore(t, postgres.Options{URL: pgtest.Shared(t).NewDB(t)})
	defer b.Close()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	eng, err := assemble.NewSanitizers(cfg, assemble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	shared, err := pgblobs.Open(ctx, b.Pool(), time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer shared.Close()
	const lease = time.Minute
	node := func(name string, g *gatedBlobs, now func() time.Time) *transfer.Service {
		svc, err := transfer.New(transfer.Options{DB: b.DB(), Blobs: g, TempDir: t.TempDir(), Quarantine: q,
			Inbound: eng.Files, Outbound: eng.Files, LinkExpiry: time.Hour, Retention: time.Hour, Node: name, Lease: lease, Now: now,
			Limits: transfer.Limits{MaxFileSize: 1 << 20, MaxTransferSize: 4 << 20, MaxFiles: 4}})
		if err != nil {
			t.Fatal(err)
		}
		return svc
	}
	ga := &gatedBlobs{Blobs: shared, gate: make(chan struct{})}
	gb := &gatedBlobs{Blobs: shared, gate: make(chan struct{})}
	a := node("gw1", ga, time.Now)
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// Gates open before a node closes: Close waits for its workers.
	defer func() { ga.open(); gb.open(); a.Close() }()

	_, token, err := a.CreateUploadLink(ctx, "tanaka", transfer.UploadLinkRequest{}, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	tr, _, err := a.OpenViaLink(ctx, token, "業者", "198.51.100.1")
	if err != nil {
		t.Fatal(err)
	}
	body := []byte("見積書の本文です。\n")
	f, err := a.AddFile(ctx, tr, "見積.txt", "text/plain", int64(len(body)), "198.51.100.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Write(ctx, tr, f, 0, bytes.NewReader(body), "198.51.100.1"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "gw1 to claim the file", 30*time.Second, func() bool { return ga.reads.Load() == 1 })

	// gw2 starts while gw1 sanitizes: it queues the waiting file and cannot claim it.
	var skew atomic.Int64
	bnow := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	bn := node("gw2", gb, bnow)
	if err := bn.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { ga.open(); gb.open(); bn.Close() }()
	waitFor(t, "gw2's queue", 30*time.Second, bn.Idle)
	if err := bn.AdoptExpired(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "gw2's queue", 30*time.Second, bn.Idle)
	if n := gb.reads.Load(); n != 0 {
		t.Fatalf("gw2 read the file %d times while gw1 held it", n)
	}

	// gw1 goes silent past its claim (as a dead node would): gw2 takes the file over.
	skew.Store(int64(2 * lease))
	gb.open()
	if err := bn.AdoptExpired(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "gw2 to sanitize the file", 60*time.Second, func() bool {
		got, err := bn.File(ctx, f.ID)
		return err == nil && got.State == transfer.Available
	})
	done, err := bn.File(ctx, f.ID)
	if err != nil || gb.reads.Load() != 1 {
		t.Fatalf("gw2: %v, %d reads", err, gb.reads.Load())
	}

	// gw1 was only slow: it finishes, finds its claim gone and records nothing.
	ga.open()
	waitFor(t, "gw1's queue", 60*time.Second, a.Idle)
	after, err := a.File(ctx, f.ID)
	if err != nil || after.OutBlob != done.OutBlob || !after.Updated.Equal(done.Updated) {
		t.Fatalf("the result changed after gw1 finished: %+v, %v", after, err)
	}
	var results int
	if err := b.DB().QueryRowContext(ctx, `SELECT count(*) FROM audit WHERE action = 'transfer-sanitize' AND item_id = $1`, f.ID).Scan(&results); err != nil {
		t.Fatal(err)
	}
	if results != 1 {
		t.Fatalf("%d sanitize results audited for one file, want 1", results)
	}
}
