package transfer_test

import (
	"bytes"
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/gateway/transfer"
	"github.com/sekisho/sekisho/gateway/transfer/pgblobs"
	"github.com/sekisho/sekisho/internal/assemble"
	"github.com/sekisho/sekisho/internal/pgtest"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/quarantine/postgres"
)

// runCounter passes everything to the store's elector and counts the transfer task's
// runs on its node (Ran is recorded after each run), noting each run's start in starts,
// which the nodes share.
type runCounter struct {
	quarantine.Elector
	runs   atomic.Int32
	starts *runLog
}

type runLog struct {
	mu sync.Mutex
	at []time.Time
}

func (c *runCounter) Ran(ctx context.Context, task string, at time.Time) error {
	if task == "transfer" {
		c.runs.Add(1)
		c.starts.mu.Lock()
		c.starts.at = append(c.starts.at, at)
		c.starts.mu.Unlock()
	}
	return c.Elector.Ran(ctx, task, at)
}

type pgNode struct {
	b    *postgres.Backend
	el   *runCounter
	svc  *transfer.Service
	stop func()
}

// newPGNode is one gateway node's transfer service on the shared database url: its own
// pool, engines and service, the database's blobs.
func newPGNode(t *testing.T, url, name string, retention time.Duration, starts *runLog) *pgNode {
	t.Helper()
	ctx := context.Background()
	// The leader gives the lead up when a ping of its session takes longer than LeadPoll:
	// at 500 ms a loaded machine made that happen mid-run, and the other node's run then
	// came 123 ms after the leader's. 2 s keeps the take-over quick and such stalls rare.
	b, q := openPGStore(t, postgres.Options{URL: url, Node: name, LeadPoll: 2 * time.Second})
	blobs, err := pgblobs.Open(ctx, b.Pool(), time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	in, err := assemble.NewSanitizers(cfg, assemble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := assemble.NewSanitizers(cfg, assemble.Options{Direction: config.Outbound})
	if err != nil {
		t.Fatal(err)
	}
	n := &pgNode{b: b, el: &runCounter{Elector: b, starts: starts}}
	n.svc, err = transfer.New(transfer.Options{DB: b.DB(), Blobs: blobs, TempDir: t.TempDir(), Quarantine: q,
		Inbound: in.Files, Outbound: out.Files, Outbox: &mailbox{}, Mode: "pre", InternetURL: "https://files.example",
		LinkExpiry: time.Hour, MaxLinkExpiry: time.Hour, Retention: retention,
		Limits: transfer.Limits{MaxFileSize: 1 << 20, MaxTransferSize: 4 << 20, MaxFiles: 4}, MaxDownloads: 1,
		Elector: n.el, PurgeEvery: purgeEvery, SanitizeTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	var once atomic.Bool
	n.stop = func() {
		if once.CompareAndSwap(false, true) {
			n.svc.Close()
			in.Close()
			out.Close()
			b.Close()
		}
	}
	t.Cleanup(n.stop)
	return n
}

// openPGStore opens the PostgreSQL store o names with the transfer and transfer-blobs
// schemas migrated, and a quarantine over it; the caller closes the store.
func openPGStore(t *testing.T, o postgres.Options) (*postgres.Backend, *quarantine.Service) {
	t.Helper()
	ctx := context.Background()
	b, err := postgres.Open(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		name   string
		schema quarantine.Schema
	}{{"transfer", transfer.Schema}, {"transfer-blobs", pgblobs.Schema}} {
		if err := b.MigrateSchema(ctx, m.name, m.schema); err != nil {
			b.Close()
			t.Fatal(err)
		}
	}
	q, err := quarantine.New(b, quarantine.Options{})
	if err != nil {
		b.Close()
		t.Fatal(err)
	}
	return b, q
}

// purgeEvery is the transfer purge's interval in TestTransferLeader.
const purgeEvery = 300 * time.Millisecond

func (n *pgNode) expireCount(t *testing.T, id string) int {
	t.Helper()
	recs, _, err := n.b.ReadAudit(context.Background(), quarantine.AuditFilter{Action: "transfer-expire", Item: id})
	if err != nil {
		t.Fatal(err)
	}
	return len(recs)
}

// TestTransferLeader: on a shared store the transfer purge and the recovery of files a
// stopped node left run on one node, the leader; when the leader stops, the other node
// takes the work over.
func TestTransferLeader(t *testing.T) {
	t.Parallel()
	url := pgtest.Shared(t).NewDB(t)
	ctx := context.Background()

	// A node receives a whole file and stops before its engine runs (never started:
	// no workers): the file waits in the database, state uploaded.
	starts := &runLog{}
	dead := newPGNode(t, url, "dead", time.Hour, starts)
	left, err := dead.svc.OpenOutbound(ctx, "tanaka", transfer.OutboundRequest{Recipients: []string{"p@example.co.jp"},
		Subject: "資料", Expiry: time.Hour}, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	body := []byte("報告書の本文です。\r\n")
	f, err := dead.svc.AddFile(ctx, left, "報告書.txt", "text/plain", int64(len(body)), "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dead.svc.Write(ctx, left, f, 0, bytes.NewReader(body), "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	if err := dead.svc.Finish(ctx, left, "tanaka", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	dead.stop()

	nodes := []*pgNode{newPGNode(t, url, "a", 200*time.Millisecond, starts), newPGNode(t, url, "b", 200*time.Millisecond, starts)}
	for _, n := range nodes {
		if err := n.svc.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the leader to sanitize the file the stopped node left", 60*time.Second, func() bool {
		tr, _, _ := nodes[0].svc.Transfer(ctx, left.ID)
		return tr.State == transfer.Pending
	})
	var leader, other *pgNode
	waitFor(t, "a run", 30*time.Second, func() bool { return nodes[0].el.runs.Load()+nodes[1].el.runs.Load() > 0 })
	leader, other = nodes[0], nodes[1]
	if leader.el.runs.Load() == 0 {
		leader, other = other, leader
	}

	// An expired transfer is purged by the leader alone.
	t1, _, err := other.svc.OpenInbound(ctx, "sato", "", "192.0.2.2")
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the purge of "+t1.ID, 30*time.Second, func() bool { return other.expireCount(t, t1.ID) > 0 })

	// The leader stops: the other node takes the purge over.
	leader.stop()
	t2, _, err := other.svc.OpenInbound(ctx, "sato", "", "192.0.2.2")
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the purge of "+t2.ID+" by the remaining node", 30*time.Second, func() bool { return other.expireCount(t, t2.ID) > 0 })
	// The run is counted after it ends, and its audit records are visible before that.
	waitFor(t, "the remaining node to record its run as leader", 30*time.Second, func() bool { return other.el.runs.Load() > 0 })
	for _, id := range []string{t1.ID, t2.ID} {
		if n := other.expireCount(t, id); n != 1 {
			t.Errorf("%s expired %d times in the audit log", id, n)
		}
	}
	// One node at a time, once per interval: a run starts no sooner than the interval
	// after the one before, whichever node ran either (two nodes running the task at once
	// would each start at once).
	starts.mu.Lock()
	at := slices.Clone(starts.at)
	starts.mu.Unlock()
	slices.SortFunc(at, time.Time.Compare)
	for i := 1; i < len(at); i++ {
		if gap := at[i].Sub(at[i-1]); gap < purgeEvery {
			t.Errorf("transfer task runs %s apart, want at least %s: more than one node ran it", gap, purgeEvery)
		}
	}
	tr, fs, err := other.svc.Transfer(ctx, left.ID)
	if err != nil || tr.State != transfer.Pending || len(fs) != 1 || fs[0].State != transfer.Available {
		t.Errorf("the recovered transfer: %v %+v, %v", tr.State, fs, err)
	}
}
