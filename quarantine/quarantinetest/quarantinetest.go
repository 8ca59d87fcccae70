// Package quarantinetest is the conformance suite every quarantine.Backend must pass: it
// drives a quarantine.Service over the backend through every state, search, the release
// outbox and the audit chain. A backend's tests call Run with a function that opens a
// fresh, empty backend.
package quarantinetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sekisho/sekisho/quarantine"
)

// Opener returns a fresh, empty backend; the suite closes it.
type Opener func(t *testing.T) quarantine.Backend

// Run runs every conformance test against backends from open.
func Run(t *testing.T, open Opener) {
	for _, tc := range []struct {
		name string
		f    func(*testing.T, Opener)
	}{
		{"PutOpenRoundTrip", testPutOpen},
		{"Search", testSearch},
		{"ReleaseStates", testRelease},
		{"TwoPersonRelease", testApproval},
		{"DeletePurge", testDeletePurge},
		{"Handoffs", testHandoffs},
		{"AuditCount", testAudit},
		{"ConcurrentChanges", testConcurrent},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.f(t, open) })
	}
}

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func service(t *testing.T, open Opener, o quarantine.Options) (*quarantine.Service, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
	if o.Now == nil {
		o.Now = c.now
	}
	s, err := quarantine.New(open(t), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, c
}

func put(t *testing.T, s *quarantine.Service, rec quarantine.Record, body string) quarantine.Record {
	t.Helper()
	r, err := s.Put(context.Background(), rec, strings.NewReader(body), quarantine.System)
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	return r
}

func read(t *testing.T, s *quarantine.Service, id string) ([]byte, error) {
	t.Helper()
	rc, err := s.Open(context.Background(), id)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func testPutOpen(t *testing.T, open Opener) {
	key := make([]byte, 32)
	rand.Read(key)
	for _, tc := range []struct {
		name string
		key  []byte
		size int
	}{
		{"clear small", nil, 100},
		{"clear empty", nil, 0},
		{"sealed empty", key, 0},
		{"sealed one chunk exactly", key, 64 << 10},
		{"sealed multi chunk", key, 3*(64<<10) + 17},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := service(t, open, quarantine.Options{Key: tc.key})
			body := make([]byte, tc.size)
			rand.Read(body)
			rec, err := s.Put(context.Background(), quarantine.Record{Kind: quarantine.KindAttachment, Reason: "encrypted archive", FileName: "a.zip"}, bytes.NewReader(body), quarantine.System)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Size != int64(tc.size) || rec.Status != quarantine.Held || len(rec.SHA256) != 64 || len(rec.History) != 1 {
				t.Fatalf("Put = %+v", rec)
			}
			got, err := read(t, s, rec.ID)
			if err != nil || !bytes.Equal(got, body) {
				t.Fatalf("Open read %d bytes, %v; want %d identical", len(got), err, len(body))
			}
			g, err := s.Get(context.Background(), rec.ID)
			if err != nil || g.ID != rec.ID || g.Reason != "encrypted archive" || len(g.History) != 1 || g.History[0].Action != quarantine.ActQuarantine {
				t.Fatalf("Get = %+v, %v", g, err)
			}
		})
	}
	t.Run("unknown id", func(t *testing.T) {
		s, _ := service(t, open, quarantine.Options{})
		if _, err := s.Get(context.Background(), "Q20261101-000000000000"); !errors.Is(err, quarantine.ErrNotFound) {
			t.Errorf("Get(unknown) = %v, want ErrNotFound", err)
		}
		if _, err := s.Open(context.Background(), "../../etc/passwd"); !errors.Is(err, quarantine.ErrNotFound) {
			t.Errorf("Open(traversal) = %v, want ErrNotFound", err)
		}
	})
}

func ids(p quarantine.Page) string {
	var out []string
	for _, r := range p.Records {
		out = append(out, r.ID)
	}
	return strings.Join(out, ",")
}

func testSearch(t *testing.T, open Opener) {
	s, c := service(t, open, quarantine.Options{})
	ctx := context.Background()
	mk := func(from, rcpt, subject, file, reason string, kind quarantine.Kind, size int) quarantine.Record {
		r := put(t, s, quarantine.Record{Kind: kind, Direction: quarantine.Inbound, MailFrom: from, Rcpts: []string{rcpt},
			Subject: subject, FileName: file, Reason: reason, DetectedType: "application/zip"}, strings.Repeat("x", size))
		c.add(time.Hour)
		return r
	}
	a := mk("alice@example.com", "staff@city.lg.jp", "請求書の送付", "請求書.zip", "encrypted archive", quarantine.KindAttachment, 30)
	b := mk("bob@example.net", "soumu@city.lg.jp", "Meeting", "", "policy quarantines doc", quarantine.KindMessage, 10)
	cc := mk("carol@example.org", "staff@city.lg.jp", "RE: 請求書", "x.pdf", "encrypted: pdf", quarantine.KindAttachment, 20)
	if _, err := s.Delete(ctx, b.ID, "op", "spam"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		q     quarantine.Query
		want  string
		total int
		more  bool // the count stopped at CountMax
	}{
		{"all newest first", quarantine.Query{}, cc.ID + "," + b.ID + "," + a.ID, 3, false},
		{"oldest first", quarantine.Query{Asc: true}, a.ID + "," + b.ID + "," + cc.ID, 3, false},
		{"by recipient, any case", quarantine.Query{Recipient: "STAFF@city"}, cc.ID + "," + a.ID, 2, false},
		{"by sender", quarantine.Query{Sender: "bob@"}, b.ID, 1, false},
		{"by Japanese subject", quarantine.Query{Subject: "請求書"}, cc.ID + "," + a.ID, 2, false},
		{"by file name", quarantine.Query{FileName: ".zip"}, a.ID, 1, false},
		{"by reason", quarantine.Query{Reason: "encrypted"}, cc.ID + "," + a.ID, 2, false},
		{"by type", quarantine.Query{Type: "zip"}, cc.ID + "," + b.ID + "," + a.ID, 3, false},
		{"by text", quarantine.Query{Text: "carol"}, cc.ID, 1, false},
		{"by status", quarantine.Query{Status: []quarantine.Status{quarantine.Deleted}}, b.ID, 1, false},
		{"by kind", quarantine.Query{Kind: []quarantine.Kind{quarantine.KindMessage}}, b.ID, 1, false},
		{"by time", quarantine.Query{Since: b.Time, Until: cc.Time}, b.ID, 1, false},
		{"by queue id", quarantine.Query{QueueID: "nope"}, "", 0, false},
		{"sort by size", quarantine.Query{Sort: quarantine.SortSize}, a.ID + "," + cc.ID + "," + b.ID, 3, false},
		{"sort by sender ascending", quarantine.Query{Sort: quarantine.SortSender, Asc: true}, a.ID + "," + b.ID + "," + cc.ID, 3, false},
		{"page 2 of 1", quarantine.Query{Limit: 1, Offset: 1}, b.ID, 3, false},
		{"quote in text", quarantine.Query{Text: `' OR 1=1 --`}, "", 0, false},
		{"reason in capitals", quarantine.Query{Reason: "ENCRYPTED"}, cc.ID + "," + a.ID, 2, false},
		{"letters with case outside ASCII", quarantine.Query{Subject: "Ééé"}, "", 0, false},
		{"count capped", quarantine.Query{CountMax: 2}, cc.ID + "," + b.ID + "," + a.ID, 2, true},
		{"count under the cap", quarantine.Query{Reason: "encrypted", CountMax: 2}, cc.ID + "," + a.ID, 2, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.q.Count = true
			p, err := s.Search(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(p); got != tc.want || p.Total != tc.total || p.AtLeast != tc.more {
				t.Errorf("Search(%+v) = %s (total %d, at least %v), want %s (total %d, %v)", tc.q, got, p.Total, p.AtLeast, tc.want, tc.total, tc.more)
			}
		})
	}
	for _, bad := range []quarantine.Query{
		{Sort: "time; DROP TABLE items"},
		{Status: []quarantine.Status{"gone"}},
		{Kind: []quarantine.Kind{"x"}},
		{Direction: "sideways"},
	} {
		if _, err := s.Search(ctx, bad); err == nil {
			t.Errorf("Search(%+v) = nil error, want one", bad)
		}
	}
	if p, _ := s.Search(ctx, quarantine.Query{}); p.Total != -1 || len(p.Records[0].History) != 0 {
		t.Errorf("Search without Count: Total = %d, history %d; want -1 and none", p.Total, len(p.Records[0].History))
	}
}

func testRelease(t *testing.T, open Opener) {
	s, _ := service(t, open, quarantine.Options{})
	ctx := context.Background()
	rec := put(t, s, quarantine.Record{Kind: quarantine.KindMessage, MailFrom: "a@example.com", Rcpts: []string{"x@city.lg.jp", "y@city.lg.jp"}, Reason: "r"}, "original")
	for _, tc := range []struct {
		name string
		req  quarantine.ReleaseRequest
		want error
	}{
		{"no reason", quarantine.ReleaseRequest{Actor: "op"}, quarantine.ErrReason},
		{"blank reason", quarantine.ReleaseRequest{Actor: "op", Reason: "  "}, quarantine.ErrReason},
	} {
		if _, err := s.Release(ctx, rec.ID, tc.req); !errors.Is(err, tc.want) {
			t.Errorf("Release(%s) = %v, want %v", tc.name, err, tc.want)
		}
	}
	if _, err := s.Release(ctx, rec.ID, quarantine.ReleaseRequest{Actor: "op", Reason: "ok", Rcpts: []string{"outsider@evil.example"}}); err == nil {
		t.Error("Release to an address that was not a recipient succeeded")
	}
	if r, _ := s.Get(ctx, rec.ID); r.Status != quarantine.Held {
		t.Fatalf("refused releases changed the status to %s", r.Status)
	}
	r, err := s.Release(ctx, rec.ID, quarantine.ReleaseRequest{Actor: "op", Reason: "sender confirmed by phone", Rcpts: []string{"Y@city.lg.jp"}})
	if err != nil {
		t.Fatal(err)
	}
	last := r.History[len(r.History)-1]
	if r.Status != quarantine.Released || last.Action != quarantine.ActRelease || last.Actor != "op" ||
		last.Reason != "sender confirmed by phone" || !slices.Equal(last.Rcpts, []string{"y@city.lg.jp"}) {
		t.Errorf("after Release: status %s, last event %+v", r.Status, last)
	}
	if _, err := s.Release(ctx, rec.ID, quarantine.ReleaseRequest{Actor: "op", Reason: "again"}); !errors.Is(err, quarantine.ErrState) {
		t.Errorf("second Release = %v, want ErrState", err)
	}
	if got, err := read(t, s, rec.ID); err != nil || string(got) != "original" {
		t.Errorf("a released item's original: %q, %v", got, err)
	}
	hs, err := s.ClaimHandoffs(ctx, "node1", time.Minute, 10)
	if err != nil || len(hs) != 1 || hs[0].ItemID != rec.ID || !slices.Equal(hs[0].Rcpts, []string{"y@city.lg.jp"}) || hs[0].Reason != "sender confirmed by phone" {
		t.Fatalf("ClaimHandoffs = %+v, %v", hs, err)
	}
}

func testApproval(t *testing.T, open Opener) {
	s, _ := service(t, open, quarantine.Options{RequireApproval: true})
	ctx := context.Background()
	rec := put(t, s, quarantine.Record{Kind: quarantine.KindAttachment, Rcpts: []string{"x@city.lg.jp"}, Reason: "r"}, "o")
	if _, err := s.Release(ctx, rec.ID, quarantine.ReleaseRequest{Actor: "op", Reason: "fine"}); !errors.Is(err, quarantine.ErrApproval) {
		t.Fatalf("Release with approval required = %v, want ErrApproval", err)
	}
	if _, err := s.Approve(ctx, rec.ID, "boss", ""); !errors.Is(err, quarantine.ErrState) {
		t.Errorf("Approve without request = %v, want ErrState", err)
	}
	if _, err := s.RequestRelease(ctx, rec.ID, quarantine.ReleaseRequest{Actor: "staff1", Reason: "my invoice"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Approve(ctx, rec.ID, "staff1", ""); !errors.Is(err, quarantine.ErrApproval) {
		t.Errorf("self-approval = %v, want ErrApproval", err)
	}
	if r, err := s.Reject(ctx, rec.ID, "boss", "looks like phishing"); err != nil || r.Status != quarantine.Held {
		t.Fatalf("Reject = %s, %v", r.Status, err)
	}
	if _, err := s.RequestRelease(ctx, rec.ID, quarantine.ReleaseRequest{Actor: "staff1", Reason: "it is my invoice, really"}); err != nil {
		t.Fatal(err)
	}
	r, err := s.Approve(ctx, rec.ID, "boss", "called the sender")
	if err != nil || r.Status != quarantine.Released {
		t.Fatalf("Approve = %+v, %v", r, err)
	}
	last := r.History[len(r.History)-1]
	if last.Actor != "boss" || last.Reason != "it is my invoice, really" || !strings.Contains(last.Detail, "staff1") {
		t.Errorf("approve event = %+v", last)
	}
	hs, _ := s.ClaimHandoffs(ctx, "n", time.Minute, 10)
	if len(hs) != 1 || hs[0].Actor != "boss" {
		t.Errorf("hand-offs after approval = %+v", hs)
	}
}

func testDeletePurge(t *testing.T, open Opener) {
	s, c := service(t, open, quarantine.Options{})
	ctx := context.Background()
	a := put(t, s, quarantine.Record{Reason: "a", Rcpts: []string{"x@city.lg.jp"}}, "a")
	c.add(time.Hour)
	b := put(t, s, quarantine.Record{Reason: "b"}, "b")
	c.add(time.Hour)
	d := put(t, s, quarantine.Record{Reason: "d"}, "d")
	c.add(time.Hour)
	if _, err := s.Release(ctx, a.ID, quarantine.ReleaseRequest{Actor: "op", Reason: "ok"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Delete(ctx, b.ID, "op", "junk"); err != nil {
		t.Fatal(err)
	}
	if _, err := read(t, s, b.ID); !errors.Is(err, quarantine.ErrState) {
		t.Errorf("Open(deleted) = %v, want ErrState", err)
	}
	if _, err := s.Delete(ctx, b.ID, "op", "again"); !errors.Is(err, quarantine.ErrState) {
		t.Errorf("Delete(deleted) = %v, want ErrState", err)
	}
	n, err := s.Purge(ctx, 90*time.Minute, quarantine.Retention) // a (released, 3h) expires; b deleted; d 1h old
	if err != nil || n != 1 {
		t.Fatalf("Purge = %d, %v; want 1", n, err)
	}
	if r, _ := s.Get(ctx, a.ID); r.Status != quarantine.Expired || len(r.History) != 3 || r.History[2].Actor != quarantine.Retention {
		t.Errorf("after purge a = %s with history %+v", r.Status, r.History)
	}
	if r, _ := s.Get(ctx, d.ID); r.Status != quarantine.Held {
		t.Errorf("young item purged: %s", r.Status)
	}
	if _, err := read(t, s, a.ID); !errors.Is(err, quarantine.ErrState) {
		t.Errorf("Open(expired) = %v, want ErrState", err)
	}
}

func testHandoffs(t *testing.T, open Opener) {
	s, c := service(t, open, quarantine.Options{})
	ctx := context.Background()
	var want []string
	for i := 0; i < 3; i++ {
		r := put(t, s, quarantine.Record{Reason: "r", Rcpts: []string{fmt.Sprintf("u%d@city.lg.jp", i)}}, "x")
		if _, err := s.Release(ctx, r.ID, quarantine.ReleaseRequest{Actor: "op", Reason: "ok"}); err != nil {
			t.Fatal(err)
		}
		want = append(want, r.ID)
	}
	// A file with no recipients is released without a mail hand-off.
	f := put(t, s, quarantine.Record{Kind: quarantine.KindFile, Reason: "r"}, "x")
	if _, err := s.Release(ctx, f.ID, quarantine.ReleaseRequest{Actor: "op", Reason: "ok"}); err != nil {
		t.Fatal(err)
	}
	first, err := s.ClaimHandoffs(ctx, "node1", time.Minute, 2)
	if err != nil || len(first) != 2 || first[0].ItemID != want[0] || first[1].ItemID != want[1] {
		t.Fatalf("first claim = %+v, %v", first, err)
	}
	second, _ := s.ClaimHandoffs(ctx, "node2", time.Minute, 10)
	if len(second) != 1 || second[0].ItemID != want[2] {
		t.Fatalf("second claim (others leased) = %+v", second)
	}
	if err := s.FinishHandoff(ctx, first[0]); err != nil {
		t.Fatal(err)
	}
	if none, _ := s.ClaimHandoffs(ctx, "node2", time.Minute, 10); len(none) != 0 {
		t.Fatalf("claim while leased = %+v, want none", none)
	}
	c.add(2 * time.Minute) // node1 died holding first[1]; node2's lease ran out too
	again, _ := s.ClaimHandoffs(ctx, "node2", time.Minute, 10)
	if len(again) != 2 || again[0].ItemID != want[1] || again[1].ItemID != want[2] {
		t.Fatalf("claim after the leases ended = %+v, want the two unfinished", again)
	}
}

func testAudit(t *testing.T, open Opener) {
	s, _ := service(t, open, quarantine.Options{})
	ctx := context.Background()
	r := put(t, s, quarantine.Record{Reason: "r", Rcpts: []string{"x@city.lg.jp"}}, "x")                           // 1
	if err := s.Audit(ctx, quarantine.AuditEntry{Action: quarantine.ActView, ID: r.ID, Actor: "op"}); err != nil { // 2
		t.Fatal(err)
	}
	if err := s.Audit(ctx, quarantine.AuditEntry{Action: quarantine.ActView}); err == nil {
		t.Error("Audit without an actor succeeded")
	}
	s.Release(ctx, r.ID, quarantine.ReleaseRequest{Actor: "op", Reason: "ok"})    // 3
	s.Release(ctx, r.ID, quarantine.ReleaseRequest{Actor: "op", Reason: "again"}) // refused: not recorded
	s.Delete(ctx, r.ID, "op", "done")                                             // 4
	if n, err := s.Verify(ctx); err != nil || n != 4 {
		t.Errorf("Verify = %d, %v; want 4 entries", n, err)
	}
	if err := s.Health(ctx); err != nil {
		t.Errorf("Health = %v", err)
	}
}

func testConcurrent(t *testing.T, open Opener) {
	s, _ := service(t, open, quarantine.Options{})
	ctx := context.Background()
	rec := put(t, s, quarantine.Record{Reason: "r", Rcpts: []string{"x@city.lg.jp"}}, "x")
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Release(ctx, rec.ID, quarantine.ReleaseRequest{Actor: quarantine.Actor(fmt.Sprint("op", i)), Reason: "race"}); err == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			} else if !errors.Is(err, quarantine.ErrState) {
				t.Errorf("concurrent Release: %v", err)
			}
			if _, err := s.Put(ctx, quarantine.Record{Reason: "concurrent"}, strings.NewReader("y"), quarantine.System); err != nil {
				t.Errorf("concurrent Put: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok != 1 {
		t.Errorf("%d concurrent releases succeeded, want exactly 1", ok)
	}
	hs, _ := s.ClaimHandoffs(ctx, "n", time.Minute, 100)
	if len(hs) != 1 {
		t.Errorf("%d hand-offs for one release", len(hs))
	}
	if n, err := s.Verify(ctx); err != nil || n != 10 {
		t.Errorf("Verify = %d, %v; want 10", n, err)
	}
}
