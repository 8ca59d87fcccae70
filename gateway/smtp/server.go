package smtp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	gosmtp "github.com/emersion/go-smtp"
	"github.com/sekisho/sekisho/gateway/metrics"
	"github.com/sekisho/sekisho/gateway/queue"
)

// Options configure the SMTP server. Zero values take the documented defaults.
type Options struct {
	Addr     string   // Internet-side listen address, e.g. "0.0.0.0:25"
	Hostname string   // announced in the greeting and Received headers; default "sekisho"
	Domains  []string // recipient domains accepted; a leading dot accepts subdomains

	MaxMessageBytes int64         // default 25 MiB
	MaxRecipients   int           // default 100
	MaxLineLength   int           // octets in a line with its CRLF, also inside DATA (longer: 500); default 1 MiB
	CommandTimeout  time.Duration // deadline for each command line and each line of DATA; default 5m
	DataTimeout     time.Duration // deadline for a whole DATA (or BDAT) transfer; default 10m
	WriteTimeout    time.Duration // default 1m
	// Under stress (more than 80% of Conn.MaxSessions open) the command and data
	// timeouts shrink to these; defaults 10s and 2m.
	StressCommandTimeout time.Duration
	StressDataTimeout    time.Duration
	Conn                 ConnLimits
	// BareLineEndings: "reject" (default) refuses a message with a bare CR or LF (SMTP
	// smuggling); "normalize" rewrites them to CRLF.
	BareLineEndings string
	// LocalPartRouting: "reject" (default) refuses with 550 5.1.3 a recipient whose local
	// part holds @, % or ! (quoted or not), which a next hop could read as a route;
	// "allow" accepts it and forwards it as written.
	LocalPartRouting string
	MinFreeBytes     int64 // refuse MAIL with 452 below this much free queue space; default 256 MiB, <0 off
	TLS              *tls.Config

	Logger  *slog.Logger
	Metrics *metrics.Registry
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
	if o.StressCommandTimeout <= 0 {
		o.StressCommandTimeout = 10 * time.Second
	}
	if o.StressDataTimeout <= 0 {
		o.StressDataTimeout = 2 * time.Minute
	}
	if o.BareLineEndings == "" {
		o.BareLineEndings = "reject"
	}
	if o.LocalPartRouting == "" {
		o.LocalPartRouting = "reject"
	}
	if o.MinFreeBytes == 0 {
		o.MinFreeBytes = 256 << 20
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Metrics == nil {
		o.Metrics = metrics.New()
	}
}

// Queue is where accepted messages go: Accept returns a writer whose Commit makes the
// message durable; only then does the server reply 250.
type Queue interface {
	Accept(env queue.Envelope) (queue.Writer, error)
	FreeSpace() (int64, error)
}

// Server is the Internet-side SMTP server: sessions, limits and replies. What it accepts
// goes into the queue; delivery takes it from there.
type Server struct {
	o        Options
	log      *slog.Logger
	q        Queue
	accepted func(queue.Envelope)
	domains  map[string]bool
	m        *serverMetrics

	srv  *gosmtp.Server
	ln   *listener
	load *load

	spaceMu   sync.Mutex
	spaceAt   time.Time
	spaceErr  error
	closeOnce sync.Once
}

type serverMetrics struct {
	accepted, rejected, timeouts *metrics.Counter
	acceptLatency                *metrics.Histogram
}

// New builds a server that accepts into q and then calls accepted (if set) with the
// envelope of each message it acknowledged. Nothing listens until Listen.
func New(o Options, q Queue, accepted func(queue.Envelope)) (*Server, error) {
	o.defaults()
	if q == nil {
		return nil, errors.New("smtp: a queue is required")
	}
	if accepted == nil {
		accepted = func(queue.Envelope) {}
	}
	s := &Server{o: o, log: o.Logger, q: q, accepted: accepted, domains: map[string]bool{}}
	for _, d := range o.Domains {
		s.domains[strings.ToLower(strings.TrimSuffix(d, "."))] = true
	}
	r := o.Metrics
	s.m = &serverMetrics{
		accepted:      r.Counter("sekisho_smtp_accepted_total", "Messages accepted with 250.", ""),
		rejected:      r.Counter("sekisho_smtp_rejected_total", "Transactions or connections refused, by reason.", "reason"),
		timeouts:      r.Counter("sekisho_smtp_timeouts_total", "Sessions cut because a command line, a line of DATA or a whole DATA missed its deadline.", "phase"),
		acceptLatency: r.Histogram("sekisho_smtp_accept_seconds", "Time from DATA to the 250 reply (spool write and fsync).", metrics.DefBuckets),
	}
	s.load = newLoad(&s.o)
	s.load.onStress = func(on bool, n int64) {
		if on {
			s.log.Warn("smtp under stress: shorter timeouts", "sessions", n, "command_timeout", s.load.stressCommand, "data_timeout", s.load.stressData)
		} else {
			s.log.Info("smtp stress over: normal timeouts", "sessions", n)
		}
	}
	s.load.onTimeout = func(phase string, remote netip.Addr, stressed bool) {
		s.m.timeouts.Inc(phase)
		s.log.Info("session timed out", "phase", phase, "remote_ip", remote.String(), "stress", stressed)
	}
	r.GaugeFunc("sekisho_smtp_sessions", "Open SMTP sessions.", "", func() map[string]float64 {
		return map[string]float64{"": float64(s.load.sessions.Load())}
	})
	r.GaugeFunc("sekisho_smtp_stress", "1 while more than 80% of smtp.max_sessions are open (shorter timeouts).", "", func() map[string]float64 {
		if s.load.stressed.Load() {
			return map[string]float64{"": 1}
		}
		return map[string]float64{"": 0}
	})
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

// domainOf returns the lower-cased domain of an address, without a trailing dot.
func domainOf(addr string) string {
	i := strings.LastIndexByte(addr, '@')
	if i < 0 {
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(addr[i+1:]), ".")
}

// checkSpace refuses new mail when the queue's storage is nearly full (cached 1 s).
func (s *Server) checkSpace() error {
	if s.o.MinFreeBytes < 0 {
		return nil
	}
	s.spaceMu.Lock()
	defer s.spaceMu.Unlock()
	if time.Since(s.spaceAt) < time.Second {
		return s.spaceErr
	}
	s.spaceAt = time.Now()
	free, err := s.q.FreeSpace()
	switch {
	case err != nil:
		s.spaceErr = err
	case free < s.o.MinFreeBytes:
		s.spaceErr = fmt.Errorf("queue has %d bytes free, below %d", free, s.o.MinFreeBytes)
	default:
		s.spaceErr = nil
	}
	return s.spaceErr
}

// Listen binds the Internet-side address. Serve must be called next.
func (s *Server) Listen() (net.Addr, error) {
	ln, err := net.Listen("tcp", s.o.Addr)
	if err != nil {
		return nil, err
	}
	s.ln = newListener(ln, s.o.Conn, s.o.Hostname, s.load, func(reason string) { s.m.rejected.Inc("conn_limit") })
	srv := gosmtp.NewServer(backend{s})
	srv.Domain = s.o.Hostname
	srv.MaxMessageBytes = s.o.MaxMessageBytes
	srv.MaxRecipients = s.o.MaxRecipients
	srv.MaxLineLength = s.o.MaxLineLength
	// go-smtp calls SetReadDeadline before each command line only when ReadTimeout is
	// set; deadlineConn takes that call as the start of a line and sets its own deadline.
	srv.ReadTimeout = s.o.DataTimeout
	srv.WriteTimeout = s.o.WriteTimeout
	srv.EnableSMTPUTF8 = true
	srv.TLSConfig = s.o.TLS
	srv.ErrorLog = slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)
	s.srv = srv
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

// Shutdown stops accepting and lets SMTP transactions in flight finish, within ctx.
func (s *Server) Shutdown(ctx context.Context) error {
	var err error
	s.closeOnce.Do(func() {
		if s.srv != nil {
			err = s.srv.Shutdown(ctx)
		}
	})
	return err
}
