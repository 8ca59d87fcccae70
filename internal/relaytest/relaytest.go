// Package relaytest builds the whole relay for tests, the way serve does: a queue in a
// directory, the Internet-side SMTP server accepting into it and delivery draining it, with
// a stand-in whole-message sanitizer (Tag) and a quarantine under the same directory. It
// also provides a recording SMTP sink for the next hop and small clients.
package relaytest

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/gateway/delivery"
	"github.com/sekisho/sekisho/gateway/metrics"
	"github.com/sekisho/sekisho/gateway/queue"
	"github.com/sekisho/sekisho/gateway/smtp"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/quarantine/sqlite"
	"github.com/sekisho/sekisho/sanitize"
)

// Config is the relay's two halves' options and its sanitizer; tests change what they
// test.
type Config struct {
	SMTP      smtp.Options
	Delivery  delivery.Options
	Queue     queue.Options // the format is SEKISHO_TEST_QUEUE when set (journal by default)
	Sanitizer sanitize.Sanitizer
	// DeliveryQueue, when set, wraps the queue delivery works on (the SMTP side keeps the
	// spool itself): a test injects the failure of one queue operation this way.
	DeliveryQueue func(queue.Queue) queue.Queue
}

// Relay is a running relay.
type Relay struct {
	SMTP     *smtp.Server
	Delivery *delivery.Delivery
	Queue    queue.Queue
	Store    *quarantine.Service
	Metrics  *metrics.Registry
	Addr     string // the SMTP server's address
	Dir      string // spool/, quarantine/ and delivered/ (the default route) live here
}

// Defaults is the configuration Start begins with: loopback on a free port, hostname
// gw.test, mail for city.lg.jp written to Dir/delivered, fast retries, Tag as sanitizer.
func Defaults(dir string) Config {
	return Config{
		SMTP: smtp.Options{Addr: "127.0.0.1:0", Hostname: "gw.test", Domains: []string{"city.lg.jp"}, MinFreeBytes: -1},
		Delivery: delivery.Options{Hostname: "gw.test", SanitizeWorkers: 2, Workers: 4,
			RetryBase: 50 * time.Millisecond, RetryMax: 200 * time.Millisecond,
			Routes: []delivery.Route{{Domain: "city.lg.jp", Transport: "dir", Addr: filepath.Join(dir, "delivered")}}},
		Queue:     queue.Options{Format: os.Getenv("SEKISHO_TEST_QUEUE")},
		Sanitizer: Tag{},
	}
}

// Build opens the queue and the quarantine under dir and starts the relay with cfg: the
// serve wiring, without a testing.T (a crash-test child process runs it).
func Build(dir string, cfg Config) (*Relay, error) {
	sp, err := queue.Open(filepath.Join(dir, "spool"), cfg.Queue)
	if err != nil {
		return nil, err
	}
	st, err := OpenStore(filepath.Join(dir, "quarantine"))
	if err != nil {
		sp.Close()
		return nil, err
	}
	reg := metrics.New()
	cfg.SMTP.Metrics, cfg.Delivery.Metrics = reg, reg
	var dq queue.Queue = sp
	if cfg.DeliveryQueue != nil {
		dq = cfg.DeliveryQueue(sp)
	}
	d, err := delivery.New(cfg.Delivery, dq, cfg.Sanitizer, st)
	if err != nil {
		st.Close()
		sp.Close()
		return nil, err
	}
	s, err := smtp.New(cfg.SMTP, sp, d.Accepted)
	if err != nil {
		st.Close()
		sp.Close()
		return nil, err
	}
	a, err := s.Listen()
	if err != nil {
		st.Close()
		sp.Close()
		return nil, err
	}
	d.Start()
	go s.Serve()
	return &Relay{SMTP: s, Delivery: d, Queue: sp, Store: st, Metrics: reg, Addr: a.String(), Dir: dir}, nil
}

// Shutdown stops accepting, then delivery, within ctx.
func (r *Relay) Shutdown(ctx context.Context) error {
	err := r.SMTP.Shutdown(ctx)
	if derr := r.Delivery.Shutdown(ctx); err == nil {
		err = derr
	}
	return err
}

// Start builds a relay in a fresh directory (or dir, when not empty) with Defaults changed
// by mutate, and stops it when the test ends.
func Start(t testing.TB, dir string, mutate func(*Config)) *Relay {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	cfg := Defaults(dir)
	if mutate != nil {
		mutate(&cfg)
	}
	r, err := Build(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		r.Shutdown(ctx)
		r.Store.Close()
		r.Queue.Close()
	})
	return r
}

// OpenStore opens the embedded quarantine under dir.
func OpenStore(dir string) (*quarantine.Service, error) {
	b, err := sqlite.Open(sqlite.Options{Dir: dir})
	if err != nil {
		return nil, err
	}
	return quarantine.New(b, quarantine.Options{})
}

// Tag stands in for the mail family: the relay's contract is only "a sanitize.Sanitizer
// over the whole message". It prefixes a header, and quarantines messages that contain
// QUARANTINE-ME, so both outcomes are exercised; like the mail family it reports the
// subject it read (here the raw value).
type Tag struct{}

func (Tag) Sanitize(ctx context.Context, in *sanitize.Item, w io.Writer, b *sanitize.Budget) (sanitize.Result, error) {
	data, err := io.ReadAll(io.LimitReader(in.Reader(), 64<<20))
	if err != nil {
		return sanitize.Result{}, err
	}
	if bytes.Contains(data, []byte("QUARANTINE-ME")) {
		var subject string
		if i := bytes.Index(data, []byte("Subject: ")); i >= 0 {
			subject, _, _ = strings.Cut(string(data[i+9:]), "\r\n")
		}
		return sanitize.Result{Verdict: sanitize.Quarantined, Reason: "test: marked for quarantine", Subject: subject}, nil
	}
	io.WriteString(w, "X-Test-Sanitized: yes\r\n")
	w.Write(data)
	return sanitize.Result{Verdict: sanitize.Sanitized}, nil
}

// Msg is a small message; %s is its Message-ID's local part.
const Msg = "From: a@example.com\r\nTo: staff@city.lg.jp\r\nSubject: test\r\nMessage-ID: <%s@example.com>\r\n\r\nhello\r\n"

// WaitFor polls cond for up to 20 s.
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// Delivered returns the messages the dir transport wrote under dir/delivered.
func Delivered(dir string) []string {
	ents, _ := os.ReadDir(filepath.Join(dir, "delivered"))
	var out []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".eml") && !strings.HasPrefix(e.Name(), ".") {
			data, _ := os.ReadFile(filepath.Join(dir, "delivered", e.Name()))
			out = append(out, string(data))
		}
	}
	return out
}

// WaitDelivered waits until the dir transport under dir has written a message holding
// needle (a Message-ID, say) and returns it.
func WaitDelivered(t testing.TB, dir, needle string) string {
	t.Helper()
	var got string
	WaitFor(t, "delivery of "+needle, func() bool {
		for _, m := range Delivered(dir) {
			if strings.Contains(m, needle) {
				got = m
				return true
			}
		}
		return false
	})
	return got
}

// Counter returns the value of a counter the relay exports (all label values summed).
func (r *Relay) Counter(name string) float64 {
	mfs, _ := r.Metrics.Prometheus().Gather()
	var n float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			n += m.GetCounter().GetValue()
		}
	}
	return n
}

// Queued counts the messages waiting in the queue (ready or deferred).
func (r *Relay) Queued() int {
	d, _ := r.Queue.Depth(time.Now())
	return d.Ready + d.Deferred
}

// Incoming counts the accepted messages not yet sanitized.
func (r *Relay) Incoming() int {
	ids, _ := r.Queue.Incoming()
	return len(ids)
}
