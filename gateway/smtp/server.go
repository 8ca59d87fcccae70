package smtp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	gosmtp "github.com/emersion/go-smtp"
	"github.com/sekisho/sekisho/gateway/metrics"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/sanitize"
)

// Options configure the relay. Zero values take the documented defaults.
type Options struct {
	Addr     string   // Internet-side listen address, e.g. "0.0.0.0:25"
	Hostname string   // announced in the greeting and Received headers; default "sekisho"
	Domains  []string // recipient domains accepted; default: the routes' domains except "*"

	MaxMessageBytes int64         // default 25 MiB
	MaxRecipients   int           // default 100
	MaxLineLength   int           // go-smtp's line cap, also inside DATA: default 1 MiB
	CommandTimeout  time.Duration // idle time allowed while reading; default 5m
	DataTimeout     time.Duration // whole DATA transfer; default 10m
	WriteTimeout    time.Duration // default 1m
	Conn            ConnLimits
	// BareLineEndings: "reject" (default) refuses a message with a bare CR or LF (SMTP
	// smuggling); "normalize" rewrites them to CRLF.
	BareLineEndings string
	MinFreeBytes    int64 // refuse MAIL with 452 below this much free spool space; default 256 MiB
	TLS             *tls.Config

	SanitizeWorkers int           // default: number of CPUs
	SanitizeTimeout time.Duration // default 2m
	DeliveryWorkers int           // default 16
	MaxConnsPerHop  int           // default 8
	DeliveryTimeout time.Duration // per SMTP command/response; default 5m
	RetryBase       time.Duration // first retry delay; default 1m
	RetryMax        time.Duration // longest delay; default 1h
	Lifetime        time.Duration // give up and bounce after; default 5 days
	Routes          []Route

	Limits  sanitize.Limits
	TempDir string
	Logger  *slog.Logger
	Metrics *metrics.Registry
	Now     func() time.Time
}

func (o *Options) defaults() {
	if o.Hostname == "" {
		o.Hostname = "sekisho"
	}
	if o.MaxMessageBytes <= 0 {
		o.MaxMessageBytes = 25 << 20
	}
	if o.MaxRecipients <= 0 {
		o.MaxRecipients = 100
	}
	if o.MaxLineLength <= 0 {
		o.MaxLineLength = 1 << 20
	}
	if o.CommandTimeout <= 0 {
		o.CommandTimeout = 5 * time.Minute
	}
	if o.DataTimeout <= 0 {
		o.DataTimeout = 10 * time.Minute
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = time.Minute
	}
	if o.BareLineEndings == "" {
		o.BareLineEndings = "reject"
	}
	if o.MinFreeBytes == 0 {
		o.MinFreeBytes = 256 << 20
	}
	if o.SanitizeWorkers <= 0 {
		o.SanitizeWorkers = runtime.NumCPU()
	}
	if o.SanitizeTimeout <= 0 {
		o.SanitizeTimeout = 2 * time.Minute
	}
	if o.DeliveryWorkers <= 0 {
		o.DeliveryWorkers = 16
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
	if o.Conn.IdleTimeout <= 0 {
		o.Conn.IdleTimeout = o.CommandTimeout
	}
}

// store is the relay's view of the quarantine: it keeps whole messages that must be held
// and hands over released items to deliver.
type store interface {
	Put(ctx context.Context, rec quarantine.Record, body io.Reader, actor quarantine.Actor) (quarantine.Record, error)
	Get(ctx context.Context, id string) (quarantine.Record, error)
	Open(ctx context.Context, id string) (io.ReadCloser, error)
	ClaimHandoffs(ctx context.Context, owner string, lease time.Duration, max int) ([]quarantine.Handoff, error)
	FinishHandoff(ctx context.Context, h quarantine.Handoff) error
}

// Server is the relay: SMTP listener, spool, sanitize and delivery workers.
type Server struct {
	o       Options
	log     *slog.Logger
	spool   *Spool
	san     sanitize.Sanitizer
	hold    store
	owner   string // names this process when it leases release hand-offs
	router  *Router
	domains map[string]bool
	deliv   *deliverer
	metrics *serverMetrics

	srv *gosmtp.Server
	ln  *limitListener

	incoming chan string
	deliverC chan *job
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup

	inflight sync.Map // id → struct{}: queued IDs being worked on, so scans don't double-schedule
	nextTry  sync.Map // id → time.Time: cached retry times of queue/ entries

	spaceMu   sync.Mutex
	spaceAt   time.Time
	spaceErr  error
	closeOnce sync.Once
}

// New builds a relay over an opened spool. san sanitizes whole messages; hold keeps the
// ones that must be quarantined and hands over released ones. Both are required.
func New(o Options, spool *Spool, san sanitize.Sanitizer, hold store) (*Server, error) {
	o.defaults()
	if san == nil || hold == nil {
		return nil, errors.New("smtp: a sanitizer and a quarantine are required")
	}
	s := &Server{o: o, log: o.Logger, spool: spool, san: san, hold: hold, owner: handoffOwner(o.Hostname), router: NewRouter(o.Routes),
		domains: map[string]bool{}, deliv: newDeliverer(o.Hostname, o.MaxConnsPerHop, o.DeliveryTimeout),
		incoming: make(chan string, 4096), deliverC: make(chan *job, o.DeliveryWorkers)}
	for _, d := range o.Domains {
		s.domains[strings.ToLower(strings.TrimSuffix(d, "."))] = true
	}
	if len(o.Domains) == 0 {
		for _, r := range o.Routes {
			if r.Domain != "*" {
				s.domains[r.Domain] = true
			}
		}
	}
	s.metrics = newServerMetrics(o.Metrics, s)
	s.ctx, s.cancel = context.WithCancel(context.Background())
	return s, nil
}

// acceptsRcpt is the anti-relay rule: only configured domains (and their subdomains when
// configured with a leading dot).
func (s *Server) acceptsRcpt(addr string) bool {
	d := domainOf(addr)
	if d == "" {
		return false
	}
	if s.domains[d] {
		return true
	}
	for k := range s.domains {
		if strings.HasPrefix(k, ".") && strings.HasSuffix(d, k) {
			return true
		}
	}
	return false
}

// checkSpace refuses new mail when the spool's filesystem is nearly full (cached 1 s).
func (s *Server) checkSpace() error {
	s.spaceMu.Lock()
	defer s.spaceMu.Unlock()
	if time.Since(s.spaceAt) < time.Second {
		return s.spaceErr
	}
	s.spaceAt = time.Now()
	var st syscall.Statfs_t
	if err := syscall.Statfs(s.spool.Dir(), &st); err != nil {
		s.spaceErr = err
		return err
	}
	free := int64(st.Bavail) * int64(st.Bsize)
	if free < s.o.MinFreeBytes {
		s.spaceErr = fmt.Errorf("spool has %d bytes free, below %d", free, s.o.MinFreeBytes)
	} else {
		s.spaceErr = nil
	}
	return s.spaceErr
}

// Listen binds the Internet-side address and starts the workers and the recovery scan.
// Serve must be called next.
func (s *Server) Listen() (net.Addr, error) {
	ln, err := net.Listen("tcp", s.o.Addr)
	if err != nil {
		return nil, err
	}
	s.ln = newLimitListener(ln, s.o.Conn, s.o.Hostname, func(reason string) { s.metrics.rejected.Inc("conn_limit") })
	srv := gosmtp.NewServer(backend{s})
	srv.Domain = s.o.Hostname
	srv.MaxMessageBytes = s.o.MaxMessageBytes
	srv.MaxRecipients = s.o.MaxRecipients
	srv.MaxLineLength = s.o.MaxLineLength
	srv.ReadTimeout = s.o.DataTimeout
	srv.WriteTimeout = s.o.WriteTimeout
	srv.EnableSMTPUTF8 = true
	srv.TLSConfig = s.o.TLS
	srv.ErrorLog = slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)
	s.srv = srv
	s.startWorkers()
	return ln.Addr(), nil
}

// Serve accepts connections until Shutdown.
func (s *Server) Serve() error {
	err := s.srv.Serve(s.ln)
	if errors.Is(err, gosmtp.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting, lets SMTP transactions in flight finish and workers finish
// their current job, within ctx. What is not done stays in the spool for the next start.
func (s *Server) Shutdown(ctx context.Context) error {
	var err error
	s.closeOnce.Do(func() {
		if s.srv != nil {
			err = s.srv.Shutdown(ctx)
		}
		s.cancel()
		done := make(chan struct{})
		go func() { s.wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
			err = errors.Join(err, ctx.Err())
		}
		s.deliv.closeIdle()
	})
	return err
}

// notifyIncoming hands a freshly committed message to the sanitize workers. When the
// channel is full the message simply waits in incoming/ for the periodic scan.
func (s *Server) notifyIncoming(id string) {
	if _, loaded := s.inflight.LoadOrStore(id, struct{}{}); loaded {
		return
	}
	select {
	case s.incoming <- id:
	default:
		s.inflight.Delete(id)
	}
}
