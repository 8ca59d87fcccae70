package postgres

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/sekisho/sekisho/internal/pgtest"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/quarantine/quarantinetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// open returns a backend on a fresh database of the shared cluster.
func open(t testing.TB, url, node string) *Backend {
	t.Helper()
	b, err := Open(context.Background(), Options{URL: url, Node: node})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return b
}

func TestConformance(t *testing.T) {
	c := pgtest.Shared(t)
	quarantinetest.Run(t, func(t *testing.T) quarantine.Backend { return open(t, c.NewDB(t), "n1") })
}

func service(t testing.TB, b *Backend) *quarantine.Service {
	t.Helper()
	s, err := quarantine.New(b, quarantine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestOneChainAcrossNodes has two nodes change items and record accesses at once: the
// records form one chain and each names the node that wrote it.
func TestOneChainAcrossNodes(t *testing.T) {
	url := pgtest.Shared(t).NewDB(t)
	ctx := context.Background()
	a, b := service(t, open(t, url, "node-a")), service(t, open(t, url, "node-b"))
	var wg sync.WaitGroup
	for _, s := range []*quarantine.Service{a, b} {
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := 0; j < 10; j++ {
					r, err := s.Put(ctx, quarantine.Record{Reason: "r", Rcpts: []string{"x@city.lg.jp"}}, strings.NewReader("x"), quarantine.System)
					if err != nil {
						t.Error(err)
						return
					}
					if err := s.Audit(ctx, quarantine.AuditEntry{Action: quarantine.ActView, ID: r.ID, Actor: "op"}); err != nil {
						t.Error(err)
					}
				}
			}()
		}
	}
	wg.Wait()
	n, err := a.Verify(ctx)
	if err != nil || n != 160 {
		t.Fatalf("Verify = %d, %v; want 160 records", n, err)
	}
	recs, more, err := a.Backend().(*Backend).ReadAudit(ctx, quarantine.AuditFilter{Limit: 1000})
	if err != nil || more || len(recs) != 160 {
		t.Fatalf("ReadAudit = %d records, more %v, %v", len(recs), more, err)
	}
	nodes := map[string]int{}
	for _, r := range recs {
		nodes[r.Node]++
	}
	if nodes["node-a"] != 80 || nodes["node-b"] != 80 {
		t.Errorf("records per node = %v, want 80 each", nodes)
	}

}

// TestTamperCases changes a chain of ten records in each way an intruder with database
// access could, and expects Verify to find each.
func TestTamperCases(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, tamper string
	}{
		{"edited record", `UPDATE audit SET line = convert_to(replace(convert_from(line, 'UTF8'), '"op"', '"someone"'), 'UTF8') WHERE seq = 5`},
		{"removed record", `DELETE FROM audit WHERE seq = 4`},
		{"removed last record", `DELETE FROM audit WHERE seq = 10`},
		{"head moved back", `UPDATE audit_head SET seq = 9`},
		{"two records swapped", `UPDATE audit SET seq = CASE seq WHEN 3 THEN 1002 ELSE 1003 END WHERE seq IN (2, 3);
			UPDATE audit SET seq = seq - 1000 WHERE seq > 1000`},
		{"record added", `INSERT INTO audit SELECT 11, line, time, action, item_id, actor, node FROM audit WHERE seq = 10`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := open(t, pgtest.Shared(t).NewDB(t), "n")
			s := service(t, b)
			for i := 0; i < 10; i++ {
				if err := s.Audit(ctx, quarantine.AuditEntry{Action: quarantine.ActView, Actor: "op"}); err != nil {
					t.Fatal(err)
				}
			}
			if n, err := s.Verify(ctx); err != nil || n != 10 {
				t.Fatalf("Verify before = %d, %v", n, err)
			}
			if _, err := b.Pool().Exec(ctx, tc.tamper); err != nil {
				t.Fatal(err)
			}
			var ae *AuditError
			if _, err := s.Verify(ctx); !errors.As(err, &ae) {
				t.Errorf("Verify after %s = %v, want an *AuditError", tc.name, err)
			}
		})
	}
}
