package portal

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"path"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/sekisho/sekisho/sanitize"
)

// Stats counts what the relay did per day (messages delivered and sanitized, attachments
// and messages held or blocked, by type and reason) for the dashboard. Counts are
// gathered in memory and written every few seconds, so the relay's path gains no
// database write per message.
type Stats struct {
	db      *sql.DB
	now     func() time.Time
	log     *slog.Logger
	mu      sync.Mutex
	pending map[statKey]int
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
}

type statKey struct{ day, metric, label string }

const statsEvery = 5 * time.Second

func newStats(db *sql.DB, now func() time.Time, log *slog.Logger) *Stats {
	s := &Stats{db: db, now: now, log: log, pending: map[statKey]int{}, stop: make(chan struct{}), done: make(chan struct{})}
	go s.run()
	return s
}

func (s *Stats) run() {
	defer close(s.done)
	t := time.NewTicker(statsEvery)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			s.flush()
			return
		case <-t.C:
			s.flush()
		}
	}
}

func (s *Stats) close() error {
	s.once.Do(func() { close(s.stop) })
	<-s.done
	return nil
}

func (s *Stats) flush() {
	s.mu.Lock()
	p := s.pending
	s.pending = map[statKey]int{}
	s.mu.Unlock()
	if len(p) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tx, err := s.db.BeginTx(ctx, nil)
	if err == nil {
		for k, n := range p {
			if _, err = tx.ExecContext(ctx, `INSERT INTO portal_stats (day, metric, label, n) VALUES ($1, $2, $3, $4)
				ON CONFLICT(day, metric, label) DO UPDATE SET n = n + excluded.n`, k.day, k.metric, k.label, n); err != nil {
				break
			}
		}
		if err == nil {
			err = tx.Commit()
		} else {
			tx.Rollback()
		}
	}
	if err != nil {
		s.log.Warn("dashboard statistics not written", "err", err)
	}
}

func (s *Stats) inc(day, metric, label string) {
	s.pending[statKey{day, metric, label}]++
}

// Observe counts one message's outcome.
func (s *Stats) Observe(res sanitize.Result) {
	day := s.now().Local().Format("2006-01-02")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inc(day, "messages", "")
	switch {
	case res.Verdict.HasOutput():
		s.inc(day, "delivered", "")
		if res.Verdict == sanitize.Sanitized {
			s.inc(day, "sanitized", "")
		}
	case res.Verdict == sanitize.Quarantined:
		s.count(day, "held", "message", res.Reason)
	default:
		s.count(day, "blocked", "message", res.Reason)
	}
	for _, a := range res.Actions {
		switch a.Kind {
		case sanitize.ActQuarantined:
			s.count(day, "held", typeOf(a.Path), a.Detail)
		case sanitize.ActBlocked, sanitize.ActStripped:
			s.count(day, "blocked", typeOf(a.Path), a.Detail)
		}
	}
}

func (s *Stats) count(day, metric, typ, reason string) {
	s.inc(day, metric, "")
	s.inc(day, metric, "type:"+typ)
	s.inc(day, metric, "reason:"+clipReason(reason))
}

// typeOf labels a held part by its name's extension: the dashboard groups by what people
// recognise (.zip, .docm), not by detector names.
func typeOf(p string) string {
	ext := strings.ToLower(path.Ext(p))
	if ext == "" || len(ext) > 8 {
		return "other"
	}
	return ext
}

// clipReason keeps reasons groupable: numbers in limit messages would make each unique.
func clipReason(r string) string {
	if i := strings.Index(r, " (max "); i > 0 {
		r = r[:i]
	}
	for len(r) > 120 {
		_, n := utf8.DecodeLastRuneInString(r)
		r = r[:len(r)-n]
	}
	if r == "" {
		return "-"
	}
	return r
}

// Wrap returns msg counting each result into the statistics.
func (s *Stats) Wrap(msg sanitize.Sanitizer) sanitize.Sanitizer { return observed{msg, s} }

type observed struct {
	sanitize.Sanitizer
	s *Stats
}

func (o observed) Sanitize(ctx context.Context, in *sanitize.Item, w io.Writer, b *sanitize.Budget) (sanitize.Result, error) {
	res, err := o.Sanitizer.Sanitize(ctx, in, w, b)
	if err == nil {
		o.s.Observe(res)
	}
	return res, err
}

// Stats is the portal's statistics (for wiring the relay's results into them).
func (p *Portal) Stats() *Stats { return p.stats }

// counts sums a metric's label over days [since, until).
func (s *Stats) counts(ctx context.Context, metric, prefix string, since, until string) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT label, CAST(SUM(n) AS BIGINT) FROM portal_stats
		WHERE metric = $1 AND day >= $2 AND day < $3 AND (label = '' OR substr(label, 1, $4) = $5) GROUP BY label`,
		metric, since, until, utf8.RuneCountInString(prefix), prefix)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var l string
		var n int
		if err := rows.Scan(&l, &n); err != nil {
			return nil, err
		}
		out[l] = n
	}
	return out, rows.Err()
}

// daily returns a metric's total per day for the days listed.
func (s *Stats) daily(ctx context.Context, metric string, days []string) ([]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT day, n FROM portal_stats WHERE metric = $1 AND label = '' AND day >= $2 AND day <= $3`,
		metric, days[0], days[len(days)-1])
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	by := map[string]int{}
	for rows.Next() {
		var d string
		var n int
		if err := rows.Scan(&d, &n); err != nil {
			return nil, err
		}
		by[d] = n
	}
	out := make([]int, len(days))
	for i, d := range days {
		out[i] = by[d]
	}
	return out, rows.Err()
}
