package postgres

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/pgtest"
)

func openPoll(t *testing.T, url, node string) *Backend {
	t.Helper()
	b, err := Open(context.Background(), Options{URL: url, Node: node, LeadPoll: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// TestLeadTakenOver: one node leads; the other waits, and takes over when the leader
// gives up and when the leader's session is killed (what the server does to a node that
// died or vanished).
func TestLeadTakenOver(t *testing.T) {
	url := pgtest.Shared(t).NewDB(t)
	a, b := openPoll(t, url, "a"), openPoll(t, url, "b")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	la, releaseA, err := a.Lead(ctx, "retention")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var lb context.Context
	var releaseB func()
	got := make(chan struct{})
	go func() {
		l, r, err := b.Lead(ctx, "retention")
		if err != nil {
			return
		}
		mu.Lock()
		lb, releaseB = l, r
		mu.Unlock()
		close(got)
	}()
	select {
	case <-got:
		t.Fatal("b leads while a does")
	case <-time.After(500 * time.Millisecond):
	}
	// Another task is independent.
	_, releaseOther, err := b.Lead(ctx, "digest")
	if err != nil {
		t.Fatal(err)
	}
	releaseOther()

	// The server ends a's session (as it does for a node that died): a's lead ends and b
	// takes over.
	if _, err := b.Pool().Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = 'sekisho a lead retention'`); err != nil {
		t.Fatal(err)
	}
	select {
	case <-la.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("a still leads after its session was ended")
	}
	releaseA()
	select {
	case <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("b did not take the lead over")
	}
	mu.Lock()
	defer mu.Unlock()
	if lb.Err() != nil {
		t.Fatal("b's lead ended at once")
	}
	releaseB()
	// Released: a leads again at its first try.
	_, r, err := a.Lead(ctx, "retention")
	if err != nil {
		t.Fatal(err)
	}
	r()

	if err := a.Ran(ctx, "retention", time.Unix(1000, 0)); err != nil {
		t.Fatal(err)
	}
	if last, err := b.LastRun(ctx, "retention"); err != nil || !last.Equal(time.Unix(1000, 0)) {
		t.Errorf("LastRun seen by b = %v, %v; want what a recorded", last, err)
	}
	if last, err := b.LastRun(ctx, "never"); err != nil || !last.IsZero() {
		t.Errorf("LastRun(never ran) = %v, %v", last, err)
	}
}
