package assemble

import (
	"crypto/tls"
	"errors"
	"fmt"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/gateway/metrics"
	"github.com/sekisho/sekisho/gateway/smtp"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/sanitize"
)

// Routes parses delivery.routes, naming the key of each bad entry.
func Routes(cfg *config.Config) ([]smtp.Route, error) {
	var errs []error
	routes := cfg.EffectiveRoutes()
	var out []smtp.Route
	for _, k := range sortedKeys(routes) {
		r, err := smtp.ParseRoute(k, routes[k])
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

// newRelay builds the SMTP relay over an opened spool; message is the whole-message entry.
func newRelay(cfg *config.Config, g *Gateway, routes []smtp.Route, message sanitize.Sanitizer, store *quarantine.Service, reg *metrics.Registry) (*smtp.Server, error) {
	tc, err := tlsConfig(cfg)
	if err != nil {
		return nil, err
	}
	s := cfg.SMTP
	return smtp.New(smtp.Options{
		Addr:            s.Listen,
		Hostname:        s.Hostname,
		Domains:         s.Domains,
		MaxMessageBytes: s.MaxMessageSize.Int64(),
		MaxRecipients:   s.MaxRecipients,
		CommandTimeout:  s.CommandTimeout.Std(),
		DataTimeout:     s.DataTimeout.Std(),
		Conn: smtp.ConnLimits{MaxSessions: s.MaxSessions, MaxSessionsPerIP: s.MaxSessionsIP,
			MaxRatePerIP: s.MaxRatePerIP, IdleTimeout: s.CommandTimeout.Std()},
		BareLineEndings: s.BareLineEndings,
		MinFreeBytes:    minFree(s.MinFreeSpace),
		TLS:             tc,
		SanitizeWorkers: s.SanitizeWorkers,
		SanitizeTimeout: s.SanitizeTimeout.Std(),
		DeliveryWorkers: cfg.Delivery.Workers,
		MaxConnsPerHop:  cfg.Delivery.MaxConnsPerHop,
		DeliveryTimeout: cfg.Delivery.Timeout.Std(),
		RetryBase:       cfg.Delivery.RetryBase.Std(),
		RetryMax:        cfg.Delivery.RetryMax.Std(),
		Lifetime:        cfg.Delivery.Lifetime.Std(),
		Routes:          routes,
		Limits:          Limits(cfg.Limits),
		TempDir:         cfg.TempDir,
		Logger:          g.log.With("component", "smtp"),
		Metrics:         reg,
	}, g.spool, message, store)
}

// minFree maps smtp.min_free_space to the relay's option, where 0 would mean "default":
// a configured 0 disables the check.
func minFree(v config.Size) int64 {
	if v <= 0 {
		return -1
	}
	return v.Int64()
}
