package assemble

import (
	"crypto/tls"
	"errors"
	"fmt"
	"runtime"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/gateway/delivery"
	"github.com/sekisho/sekisho/gateway/smtp"
	"github.com/sekisho/sekisho/sanitize"
)

// Routes parses delivery.routes, naming the key of each bad entry.
func Routes(cfg *config.Config) ([]delivery.Route, error) {
	var errs []error
	routes := cfg.EffectiveRoutes()
	var out []delivery.Route
	for _, k := range sortedKeys(routes) {
		r, err := delivery.ParseRoute(k, routes[k])
		if err != nil {
			errs = append(errs, cfg.KeyError("delivery.routes."+k, routes[k], err.Error()))
			continue
		}
		out = append(out, r)
	}
	return out, errors.Join(errs...)
}

// tlsConfig loads the STARTTLS certificate: the configured pair, or a self-signed one under
// data_dir/tls created on first start when none is configured.
func tlsConfig(cfg *config.Config) (*tls.Config, error) {
	var cert tls.Certificate
	var err error
	if cfg.SMTP.TLSCert != "" {
		// A configured pair is loaded as it is: a missing file is an error (Check reports
		// it first), never a reason to make a self-signed one.
		cert, err = tls.LoadX509KeyPair(cfg.SMTP.TLSCert, cfg.SMTP.TLSKey)
	} else {
		certFile, keyFile := selfSignedPaths(cfg)
		cert, err = smtp.LoadOrCreateCert(certFile, keyFile, cfg.SMTP.Hostname)
	}
	if err != nil {
		return nil, fmt.Errorf("smtp.tls_cert: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// sanitizeWorkers is smtp.sanitize_workers; unset, one per CPU, or three per CPU with a
// shared store: a worker holding an item waits for the database (round trips to another
// machine and its WAL flush), and with one per CPU the relay ran at about half the
// embedded store's rate on mail where every message holds something, at the same rate
// with three (benchmarks/store.sh).
func sanitizeWorkers(cfg *config.Config) int {
	if cfg.SMTP.SanitizeWorkers == 0 && cfg.SharedStore() {
		return 3 * runtime.NumCPU()
	}
	return cfg.SMTP.SanitizeWorkers
}

// newDelivery builds delivery over the queue; message is the whole-message entry.
func newDelivery(cfg *config.Config, g *Gateway, routes []delivery.Route, message sanitize.Sanitizer) (*delivery.Delivery, error) {
	d := cfg.Delivery
	release, _ := portalLinks(cfg)
	return delivery.New(delivery.Options{
		Hostname:        cfg.SMTP.Hostname,
		SanitizeWorkers: sanitizeWorkers(cfg),
		SanitizeTimeout: cfg.SMTP.SanitizeTimeout.Std(),
		Limits:          Limits(cfg.Limits),
		MaxMessageBytes: cfg.SMTP.MaxMessageSize.Int64(),
		Workers:         d.Workers,
		MaxConnsPerHop:  d.MaxConnsPerHop,
		Timeout:         d.Timeout.Std(),
		RetryBase:       d.RetryBase.Std(),
		RetryMax:        d.RetryMax.Std(),
		Lifetime:        d.Lifetime.Std(),
		Routes:          routes,
		// A message quarantined whole is announced to its recipients, never to its sender.
		NotifyQuarantined: cfg.Mail.NotifyQuarantined != "none",
		ReleaseContact:    cfg.Mail.ReleaseContact,
		ReleaseURL:        release,
		TempDir:           cfg.TempDir,
		Logger:            g.log.With("component", "delivery"),
		Metrics:           g.metrics,
	}, g.queue, message, g.store)
}

// newSMTP builds the Internet-side SMTP server, which accepts into the queue and hands
// each accepted message to delivery.
func newSMTP(cfg *config.Config, g *Gateway, routes []delivery.Route) (*smtp.Server, error) {
	tc, err := tlsConfig(cfg)
	if err != nil {
		return nil, err
	}
	s := cfg.SMTP
	trusted, err := config.Prefixes(s.TrustedClients)
	if err != nil {
		return nil, fmt.Errorf("smtp.trusted_clients: %w", err)
	}
	domains := s.Domains
	if len(domains) == 0 {
		domains = delivery.Domains(routes)
	}
	return smtp.New(smtp.Options{
		Addr:                 s.Listen,
		Hostname:             s.Hostname,
		Domains:              domains,
		MaxMessageBytes:      s.MaxMessageSize.Int64(),
		MaxRecipients:        s.MaxRecipients,
		CommandTimeout:       s.CommandTimeout.Std(),
		DataTimeout:          s.DataTimeout.Std(),
		StressCommandTimeout: s.StressCommandTimeout.Std(),
		StressDataTimeout:    s.StressDataTimeout.Std(),
		Conn: smtp.ConnLimits{MaxSessions: s.MaxSessions, MaxSessionsPerIP: s.MaxSessionsIP,
			MaxRatePerIP: s.MaxRatePerIP, Trusted: trusted},
		BareLineEndings:  s.BareLineEndings,
		LocalPartRouting: s.LocalPartRouting,
		MinFreeBytes:     minFree(s.MinFreeSpace),
		TLS:              tc,
		Logger:           g.log.With("component", "smtp"),
		Metrics:          g.metrics,
	}, g.queue, g.delivery.Accepted)
}

// minFree maps smtp.min_free_space to the relay's option, where 0 would mean "default":
// a configured 0 disables the check.
func minFree(v config.Size) int64 {
	if v <= 0 {
		return -1
	}
	return v.Int64()
}
