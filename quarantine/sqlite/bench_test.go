package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sekisho/sekisho/quarantine"
)

// fill inserts n records directly (one transaction: the benchmark measures queries, not
// the fsync'd inserts).
func fill(b *testing.B, be *Backend, n int) {
	b.Helper()
	tx, err := be.w.Begin()
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	subjects := []string{"請求書の送付について", "会議資料", "Invoice 2026", "見積書", "RE: 打ち合わせ"}
	reasons := []string{"encrypted archive", "policy quarantines docm", "malformed MIME", "limits.max_file_size"}
	statuses := []string{"held", "held", "held", "released", "deleted", "expired"}
	for i := 0; i < n; i++ {
		if _, err := tx.Exec(`INSERT INTO items (id, time, kind, direction, queue_id, mail_from, rcpts, subject,
			file_name, declared_type, detected_type, size, sha256, reason, status) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			fmt.Sprintf("Q20260101-%012X", i), t0.Add(time.Duration(i)*time.Minute).UnixNano(), "attachment", "inbound",
			fmt.Sprintf("QID%d", i), fmt.Sprintf("sender%d@example%d.com", i%5000, i%97), fmt.Sprintf(`["staff%d@city.lg.jp"]`, i%800),
			subjects[i%len(subjects)], fmt.Sprintf("資料%d.zip", i), "application/zip", "application/zip", 1000+i%50000,
			"0000", reasons[i%len(reasons)], statuses[i%len(statuses)]); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSearch100k measures the console's list queries over 100,000 records: one page
// of 50, with the total counted where the console shows it.
func BenchmarkSearch100k(b *testing.B) {
	be, err := Open(Options{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer be.Close()
	fill(b, be, 100_000)
	s, _ := quarantine.New(be, quarantine.Options{})
	for _, bc := range []struct {
		name string
		q    quarantine.Query
	}{
		{"newest", quarantine.Query{}},
		{"newest/count", quarantine.Query{Count: true}},
		{"held/count", quarantine.Query{Status: []quarantine.Status{quarantine.Held}, Count: true}},
		{"recipient/count", quarantine.Query{Recipient: "staff17@", Count: true}},
		{"subject-ja/count", quarantine.Query{Subject: "請求書", Count: true}},
		{"text/count", quarantine.Query{Text: "example42.com", Count: true}},
		{"last-week/held/count", quarantine.Query{Since: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC), Status: []quarantine.Status{quarantine.Held}, Count: true}},
		{"sort-subject", quarantine.Query{Sort: quarantine.SortSubject, Asc: true}},
		{"sort-size", quarantine.Query{Sort: quarantine.SortSize}},
		{"page-1000", quarantine.Query{Offset: 50_000}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Search(context.Background(), bc.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
