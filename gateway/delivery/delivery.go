package delivery

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/sekisho/sekisho/gateway/metrics"
	"github.com/sekisho/sekisho/gateway/queue"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/sanitize"
)

// Options configure delivery. Zero values take the documented defaults.
type Options struct {
	Hostname string // names this gateway in DSNs and notices; default "sekisho"

	SanitizeWorkers int           // messages sanitized at once; default: number of CPUs
	SanitizeTimeout time.Duration // one message, all parts; default 2m
	Limits          sanitize.Limits
	MaxMessageBytes int64 // the largest message accepted; sizes the sanitized output's cap

	Workers        int           // messages delivered at once; default 16
	MaxConnsPerHop int           // default 8
	Timeout        time.Duration // per SMTP command and reply; default 5m
	RetryBase      time.Duration // first retry delay; default 1m
	RetryMax       time.Duration // longest delay; default 1h
	Lifetime       time.Duration // give up and bounce after; default 5 days
	Routes         []Route

	// NotifyQuarantined sends the recipients of a message quarantined whole a short notice
	// (ID, sender, subject, reason) from the null sender. The Internet sender is never
	// told: a notice to a forged sender is backscatter.
	NotifyQuarantined bool
	ReleaseContact    string                 // whom that notice says to ask for a release
	ReleaseURL        func(id string) string // the page to ask at, when there is one

	TempDir string
	Logger  *slog.Logger
	Metrics *metrics.Registry
	Now     func() time.Time
}

func (o *Options) defaults() {
	if o.Hostname == "" {
		o.Hostname = "sekisho"
	}
	if o.SanitizeWorkers <= 0 {
		o.SanitizeWorkers = runtime.NumCPU()
	}
	if o.SanitizeTimeout <= 0 {
		o.SanitizeTimeout = 2 * time.Minute
	}
	if o.MaxMessageBytes <= 0 {
		o.MaxMessageBytes = 25 << 20
	}
	if o.Workers <= 0 {
		o.Workers = 16
	}
	if o.RetryBase <= 0 {
		o.RetryBase = time.Minute
	}
	if o.RetryMax <= 0 {
		o.RetryMax = time.Hour
	}
	if o.Lifetime <= 0 {
		o.Lifetime = 5 * 24 * time.Hour
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Metrics == nil {
		o.Metrics = metrics.New()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Store is delivery's view of the quarantine: it keeps whole messages that must be held
// and hands over released items to deliver.
type Store interface {
	Put(ctx context.Context, rec quarantine.Record, body io.Reader, actor quarantine.Actor) (quarantine.Record, error)
	Get(ctx context.Context, id string) (quarantine.Record, error)
	Open(ctx context.Context, id string) (io.ReadCloser, error)
	ClaimHandoffs(ctx context.Context, owner string, lease time.Duration, max int) ([]quarantine.Handoff, error)
	FinishHandoff(ctx context.Context, h quarantine.Handoff) error
}

// Delivery drains the queue: a pool of sanitize workers (CPU bound) takes accepted
// messages through the whole-message sanitizer, a larger pool of delivery workers
// (network bound) delivers them over per-hop connection pools, retries temporary failures
// with backoff, bounces permanent ones, and queues released quarantine items.
type Delivery struct {
	o      Options
	log    *slog.Logger
	q      queue.Queue
	san    sanitize.Sanitizer
	store  Store
	owner  string // names this process when it leases release hand-offs
	router *Router
	hops   *hops
	m      *deliveryMetrics

	incoming chan string
	ready    chan *job
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	// inflight holds the IDs a worker has, so scans never schedule a message twice.
	inflight  sync.Map
	closeOnce sync.Once
}

// New builds delivery over a queue. san sanitizes whole messages (the engine's message
// entry); store keeps what must be held and hands over what operators release. Nothing
// runs until Start.
func New(o Options, q queue.Queue, san sanitize.Sanitizer, store Store) (*Delivery, error) {
	o.defaults()
	if q == nil || san == nil || store == nil {
		return nil, errors.New("delivery: a queue, a sanitizer and a quarantine are required")
	}
	d := &Delivery{o: o, log: o.Logger, q: q, san: san, store: store, owner: handoffOwner(o.Hostname),
		router: NewRouter(o.Routes), hops: newHops(o.Hostname, o.MaxConnsPerHop, o.Timeout),
		incoming: make(chan string, 4096), ready: make(chan *job, o.Workers)}
	d.m = newMetrics(o.Metrics, q, o.Now)
	d.ctx, d.cancel = context.WithCancel(context.Background())
	return d, nil
}

// Start runs the workers and the scanner, which first recovers what the queue holds (a
// previous process's accepted, deferred and released messages). Shutdown stops them.
func (d *Delivery) Start() {
	for i := 0; i < d.o.SanitizeWorkers; i++ {
		d.wg.Add(1)
		go func() { // exits when the context ends
			defer d.wg.Done()
			for {
				select {
				case <-d.ctx.Done():
					return
				case id := <-d.incoming:
					d.process(id)
				}
			}
		}()
	}
	for i := 0; i < d.o.Workers; i++ {
		d.wg.Add(1)
		go func() { // exits when the context ends
			defer d.wg.Done()
			for {
				select {
				case <-d.ctx.Done():
					return
				case j := <-d.ready:
					d.deliver(j)
				}
			}
		}()
	}
	d.wg.Add(1)
	go func() { // the scanner: recovery at start, then periodic; exits with the context
		defer d.wg.Done()
		d.scanIncoming()
		d.takeReleases()
		d.scanQueue()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for n := 1; ; n++ {
			select {
			case <-d.ctx.Done():
				return
			case <-t.C:
				d.takeReleases()
				d.scanQueue()
				if n%5 == 0 {
					d.scanIncoming()
				}
			}
		}
	}()
}

// Accepted hands a freshly committed message to the sanitize workers. When they are all
// busy the message simply waits in the queue for the periodic scan.
func (d *Delivery) Accepted(env queue.Envelope) {
	if _, loaded := d.inflight.LoadOrStore(env.ID, struct{}{}); loaded {
		return
	}
	select {
	case d.incoming <- env.ID:
	default:
		d.inflight.Delete(env.ID)
	}
}

// Shutdown lets each worker finish its current job within ctx, then closes pooled
// connections. What is not done stays in the queue for the next start.
func (d *Delivery) Shutdown(ctx context.Context) error {
	var err error
	d.closeOnce.Do(func() {
		d.cancel()
		done := make(chan struct{})
		go func() { d.wg.Wait(); close(done) }() // ends when every worker has returned
		select {
		case <-done:
		case <-ctx.Done():
			err = ctx.Err()
		}
		d.hops.closeIdle()
	})
	return err
}

// scanIncoming schedules accepted messages that no worker has: after a restart, all of
// them; later, those that did not fit the channel.
func (d *Delivery) scanIncoming() {
	ids, err := d.q.Incoming()
	if err != nil {
		d.log.Error("queue scan failed", "err", err)
		return
	}
	for _, id := range ids {
		if _, busy := d.inflight.LoadOrStore(id, struct{}{}); busy {
			continue
		}
		select {
		case d.incoming <- id:
		default:
			d.inflight.Delete(id)
			return
		}
	}
}

// scanQueue dispatches queued messages whose retry time has come, and new ones (DSNs,
// releases, the portal's messages).
func (d *Delivery) scanQueue() {
	due, err := d.q.Due(d.o.Now())
	if err != nil {
		d.log.Error("queue scan failed", "err", err)
		return
	}
	for _, env := range due {
		if _, busy := d.inflight.LoadOrStore(env.ID, struct{}{}); busy {
			continue
		}
		id := env.ID
		j := &job{env: env, body: func() (io.ReadCloser, error) { return d.q.OpenQueued(id) }}
		select {
		case d.ready <- j:
		case <-d.ctx.Done():
			d.inflight.Delete(id)
			return
		default:
			d.inflight.Delete(id)
			return
		}
	}
}

type deliveryMetrics struct {
	delivered, deferred, bounced, quarantined *metrics.Counter
	sanitizeLatency, deliveryLatency          *metrics.Histogram
	hops                                      *metrics.Hops
}

func newMetrics(r *metrics.Registry, q queue.Queue, now func() time.Time) *deliveryMetrics {
	r.GaugeFunc("sekisho_queue_depth", "Messages in the queue, by state.", "state", func() map[string]float64 {
		d, _ := q.Depth(now())
		out := map[string]float64{}
		for k, v := range d.Map() {
			out[string(k)] = float64(v)
		}
		return out
	})
	return &deliveryMetrics{
		delivered:       r.Counter("sekisho_delivered_total", "Recipient deliveries that succeeded.", ""),
		deferred:        r.Counter("sekisho_deferred_total", "Recipient deliveries that failed temporarily.", ""),
		bounced:         r.Counter("sekisho_bounced_total", "Recipients that failed permanently (a DSN was generated unless the sender was null).", ""),
		quarantined:     r.Counter("sekisho_quarantined_total", "Whole messages held in quarantine, by verdict.", "verdict"),
		sanitizeLatency: r.Histogram("sekisho_sanitize_seconds", "Time to sanitize one message.", metrics.DefBuckets),
		deliveryLatency: r.Histogram("sekisho_delivery_seconds", "Time to deliver one message to its next hops.", metrics.DefBuckets),
		hops:            r.Hops(),
	}
}
