// Command storebench measures the quarantine's store, the embedded SQLite against
// PostgreSQL, in the same run on the same machine: Put (a 4 KiB original, sealed, with
// its audit record) from several goroutines as the relay's workers call it, and the
// console's filtered list queries, over a store already holding many records (seeded by
// bulk insert: rows only, which is what the lists read). PostgreSQL is a throw-away
// cluster (internal/pgtest) with fsync and synchronous commit on, as a production server
// has them; both stores are on the same disk.
//
//	go run ./benchmarks/storebench -records 1000000
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sekisho/sekisho/internal/pgtest"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/quarantine/postgres"
	"github.com/sekisho/sekisho/quarantine/sqlite"
)

func main() {
	records := flag.Int("records", 1_000_000, "records in the store before measuring")
	puts := flag.Int("puts", 2000, "Put calls measured")
	workers := flag.Int("workers", 8, "goroutines calling Put")
	lists := flag.Int("lists", 30, "runs of each list query")
	binary := flag.String("sekisho", "", "a sekisho binary: also measure the relay on each store")
	relayN := flag.Int("relay-messages", 400, "messages per relay run, each holding an attachment")
	relaySessions := flag.Int("relay-sessions", 8, "parallel SMTP sessions of a relay run")
	rounds := flag.Int("relay-rounds", 2, "relay runs per store, alternating")
	zip := flag.String("zip", "testdata/archive/bad-zipcrypto.zip", "the attachment the relay holds")
	kinds := flag.String("relay-kinds", "held,clean", "relay mail: held (every message holds an attachment), clean (nothing held)")
	onlyRelay := flag.Bool("relay-only", false, "measure the relay only")
	flag.Parse()
	ctx := context.Background()
	key := make([]byte, 32)
	rand.Read(key)

	dir, err := os.MkdirTemp("", "sekisho-storebench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	lite, err := sqlite.Open(sqlite.Options{Dir: dir})
	if err != nil {
		log.Fatal(err)
	}
	defer lite.Close()
	cluster, err := pgtest.Start(pgtest.Options{Durable: true, Settings: map[string]string{"shared_buffers": "256MB"}})
	if err != nil {
		log.Fatal(err)
	}
	defer cluster.Stop()
	url, err := cluster.CreateDB(ctx)
	if err != nil {
		log.Fatal(err)
	}
	pg, err := postgres.Open(ctx, postgres.Options{URL: url, Node: "bench", QueryTimeout: time.Hour})
	if err != nil {
		log.Fatal(err)
	}
	defer pg.Close()

	if *binary != "" {
		for _, kind := range strings.Split(*kinds, ",") {
			fmt.Printf("# relay, %s mail: %d messages per run over %d sessions\n", kind, *relayN, *relaySessions)
			for r := range *rounds {
				for _, st := range []string{"sqlite", "postgres"} {
					store := "sqlite"
					if st == "postgres" {
						if store, err = cluster.CreateDB(ctx); err != nil {
							log.Fatal(err)
						}
					}
					rate, lat, err := relayRun(*binary, store, *zip, *relayN, *relaySessions, kind == "held")
					if err != nil {
						log.Fatalf("relay on %s: %v", st, err)
					}
					fmt.Printf("%-8s relay %-5s round %d    %8.1f msg/s  DATA→250 p50 %8s  p99 %8s\n", st, kind, r+1, rate,
						median(lat).Round(10*time.Microsecond), pct(lat, 99))
				}
			}
		}
	}
	if *onlyRelay {
		return
	}

	fmt.Printf("# records %d, puts %d by %d goroutines (4 KiB sealed originals), list queries %d runs each\n",
		*records, *puts, *workers, *lists)
	start := time.Now()
	if err := seedSQLite(ctx, lite.DB(), *records); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("# seeded sqlite in %s\n", time.Since(start).Round(time.Second))
	start = time.Now()
	if err := seedPostgres(ctx, pg, *records); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("# seeded postgres in %s\n", time.Since(start).Round(time.Second))

	for _, b := range []struct {
		name string
		be   quarantine.Backend
	}{{"sqlite", lite}, {"postgres", pg}} {
		s, err := quarantine.New(b.be, quarantine.Options{Key: key})
		if err != nil {
			log.Fatal(err)
		}
		opsPerSec, lat := measurePuts(ctx, s, *puts, *workers)
		fmt.Printf("%-8s put                   %8.0f ops/s  p50 %8s  p99 %8s\n", b.name, opsPerSec, pct(lat, 50), pct(lat, 99))
		for _, q := range queries() {
			lat := measureList(ctx, s, q.q, *lists)
			fmt.Printf("%-8s list %-16s %8.1f ops/s  p50 %8s  p99 %8s\n", b.name, q.name, float64(len(lat))/sum(lat).Seconds(), pct(lat, 50), pct(lat, 99))
		}
	}
}

type namedQuery struct {
	name string
	q    quarantine.Query
}

// queries are the console's lists: a page of 50 with the total counted.
func queries() []namedQuery {
	return []namedQuery{
		{"newest", quarantine.Query{Count: true}},
		{"held", quarantine.Query{Status: []quarantine.Status{quarantine.Held}, Count: true}},
		{"last-week-held", quarantine.Query{Since: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC),
			Status: []quarantine.Status{quarantine.Held}, Count: true}},
		{"sender", quarantine.Query{Sender: "sender17@example17.com", Count: true}},
		{"recipient", quarantine.Query{Recipient: "staff17@", Count: true}},
		{"subject-ja", quarantine.Query{Subject: "請求書", Count: true}},
		{"text", quarantine.Query{Text: "example42.com", Count: true}},
	}
}

func measurePuts(ctx context.Context, s *quarantine.Service, n, workers int) (float64, []time.Duration) {
	body := make([]byte, 4096)
	rand.Read(body)
	var mu sync.Mutex
	var lat []time.Duration
	next := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t := time.Now()
				_, err := s.Put(ctx, quarantine.Record{Kind: quarantine.KindAttachment, Direction: quarantine.Inbound,
					MailFrom: "bench@example.com", Rcpts: []string{"staff@city.lg.jp"}, Subject: fmt.Sprint("bench ", i),
					FileName: "資料.zip", Reason: "encrypted archive"}, bytes.NewReader(body), quarantine.System)
				if err != nil {
					log.Fatal(err)
				}
				d := time.Since(t)
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return float64(n) / time.Since(start).Seconds(), lat
}

func measureList(ctx context.Context, s *quarantine.Service, q quarantine.Query, n int) []time.Duration {
	var lat []time.Duration
	for range n {
		t := time.Now()
		if _, err := s.Search(ctx, q); err != nil {
			log.Fatal(err)
		}
		lat = append(lat, time.Since(t))
	}
	return lat
}

func pct(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[max(min(i, len(s))-1, 0)].Round(10 * time.Microsecond)
}

func sum(d []time.Duration) time.Duration {
	var t time.Duration
	for _, x := range d {
		t += x
	}
	return t
}

var (
	subjects = []string{"請求書の送付について", "会議資料", "Invoice 2026", "見積書", "RE: 打ち合わせ"}
	reasons  = []string{"encrypted archive", "policy quarantines docm", "malformed MIME", "limits.max_file_size"}
	statuses = []string{"held", "held", "held", "released", "deleted", "expired"}
	t0       = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
)

// row is seeded record i: one a minute from 2026-01-01, 5,000 senders, 800 recipients.
func row(i int) []any {
	return []any{fmt.Sprintf("Q20260101-%012X", i), t0.Add(time.Duration(i) * time.Minute).UnixNano(), "attachment", "inbound",
		fmt.Sprintf("QID%d", i), fmt.Sprintf("sender%d@example%d.com", i%5000, i%97), fmt.Sprintf(`["staff%d@city.lg.jp"]`, i%800),
		subjects[i%len(subjects)], fmt.Sprintf("資料%d.zip", i), "application/zip", "application/zip", int64(1000 + i%50000),
		"0000", reasons[i%len(reasons)], statuses[i%len(statuses)]}
}

var cols = []string{"id", "time", "kind", "direction", "queue_id", "mail_from", "rcpts", "subject", "file_name",
	"declared_type", "detected_type", "size", "sha256", "reason", "status"}

func seedSQLite(ctx context.Context, db *sql.DB, n int) error {
	const batch = 50_000
	for lo := 0; lo < n; lo += batch {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		st, err := tx.PrepareContext(ctx, `INSERT INTO items (id, time, kind, direction, queue_id, mail_from, rcpts, subject,
			file_name, declared_type, detected_type, size, sha256, reason, status) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`)
		if err != nil {
			tx.Rollback()
			return err
		}
		for i := lo; i < min(lo+batch, n); i++ {
			if _, err := st.ExecContext(ctx, row(i)...); err != nil {
				tx.Rollback()
				return err
			}
		}
		st.Close()
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	_, err := db.ExecContext(ctx, `ANALYZE`)
	return err
}

func seedPostgres(ctx context.Context, b *postgres.Backend, n int) error {
	i := 0
	_, err := b.Pool().CopyFrom(ctx, pgx.Identifier{"items"}, cols, pgx.CopyFromFunc(func() ([]any, error) {
		if i == n {
			return nil, nil
		}
		i++
		return row(i - 1), nil
	}))
	if err != nil {
		return err
	}
	_, err = b.Pool().Exec(ctx, `VACUUM ANALYZE items`)
	return err
}
