package main

import (
	"context"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/gateway/metrics"
	"github.com/sekisho/sekisho/gateway/smtp"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/mail"
)

const serveHelp = `Usage: sekisho serve [--config FILE]

Runs the gateway: the Internet-side SMTP server (smtp.listen), the sanitizing pipeline,
delivery to the LGWAN side (delivery.routes), the quarantine store under data_dir, and
/metrics and /healthz on the LGWAN-side address (http.listen).

With no configuration it runs on its embedded defaults: SMTP on 127.0.0.1:2525 accepting
mail for lgwan.example, delivered as files under ./sekisho-data/delivered, STARTTLS with a
self-signed certificate created on first start.

Every message is fsync'd to the spool before the 250 reply. SIGTERM or SIGINT stops
accepting, lets transactions and jobs in flight finish (30 s grace), and leaves the rest
in the spool for the next start.

Flags:
  --config FILE   configuration file (default: the embedded defaults)
`

// shutdownGrace bounds how long serve waits for in-flight work after a signal.
const shutdownGrace = 30 * time.Second

func serveCmd(ctx context.Context, args []string, io stdio) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.err)
	fs.Usage = func() { fmt.Fprint(io.err, serveHelp) }
	var cfgPath string
	fs.StringVar(&cfgPath, "config", "", "configuration file")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return flagError(err, io, serveHelp)
	}
	if len(pos) != 0 {
		return usageError(io, "serve", "unexpected argument %q", pos[0])
	}
	cfg, err := loadConfig(cfgPath)
	if err != nil {
		fmt.Fprintln(io.err, err)
		return exitUsage
	}
	routes, err := relayRoutes(cfg)
	if err != nil {
		fmt.Fprintln(io.err, err)
		return exitUsage
	}
	log := newLogger(cfg.Log, io.err)
	g, err := newGateway(cfg, routes, log)
	if err != nil {
		log.Error("cannot start", "err", err)
		fmt.Fprintf(io.err, "sekisho serve: %v\n", err)
		return exitInternal
	}
	defer g.close()
	if err := g.run(ctx); err != nil {
		log.Error("stopped with an error", "err", err)
		return exitInternal
	}
	return exitOK
}

// relayRoutes parses delivery.routes, naming the key of each bad entry.
func relayRoutes(cfg *config.Config) ([]smtp.Route, error) {
	var errs []error
	keys := make([]string, 0, len(cfg.Delivery.Routes))
	for k := range cfg.Delivery.Routes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []smtp.Route
	for _, k := range keys {
		r, err := smtp.ParseRoute(k, cfg.Delivery.Routes[k])
		if err != nil {
			errs = append(errs, cfg.KeyError("delivery.routes."+k, cfg.Delivery.Routes[k], err.Error()))
			continue
		}
		out = append(out, r)
	}
	return out, errors.Join(errs...)
}

// gateway is everything serve runs, built explicitly from the configuration.
type gateway struct {
	cfg   *config.Config
	log   *slog.Logger
	store *quarantine.Store
	spool *smtp.Spool
	relay *smtp.Server
	reg   *metrics.Registry
	http  *http.Server
}

func quarantineDir(cfg *config.Config) string { return filepath.Join(cfg.DataDir, "quarantine") }
func spoolDir(cfg *config.Config) string      { return filepath.Join(cfg.DataDir, "spool") }

// openStore opens the quarantine with the configured sealing key.
func openStore(cfg *config.Config, log *slog.Logger) (*quarantine.Store, error) {
	var key []byte
	if cfg.Quarantine.KeyFile != "" {
		raw, err := os.ReadFile(cfg.Quarantine.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("quarantine.key_file: %w", err)
		}
		s := strings.TrimSpace(string(raw))
		if len(s) == 64 {
			if key, err = hex.DecodeString(s); err != nil {
				return nil, fmt.Errorf("quarantine.key_file: not hex: %w", err)
			}
		} else if len(raw) == 32 {
			key = raw
		} else {
			return nil, fmt.Errorf("quarantine.key_file: want 32 bytes or 64 hex characters, got %d bytes", len(raw))
		}
	}
	return quarantine.Open(quarantine.Options{Dir: quarantineDir(cfg), Key: key, Logger: log})
}

func newGateway(cfg *config.Config, routes []smtp.Route, log *slog.Logger) (_ *gateway, err error) {
	g := &gateway{cfg: cfg, log: log, reg: metrics.New()}
	defer func() {
		if err != nil {
			g.close()
		}
	}()
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, err
	}
	if g.store, err = openStore(cfg, log); err != nil {
		return nil, err
	}
	if g.spool, err = smtp.OpenSpool(spoolDir(cfg)); err != nil {
		return nil, err
	}
	eng, err := buildEngine(cfg, log)
	if err != nil {
		return nil, err
	}
	// The relay's mail sanitizer quarantines single attachments into the store, with the
	// envelope of the message they came in.
	mopts := mailOptions(cfg, eng)
	mopts.Holder = smtp.AttachmentHolder{Store: g.store}
	msan := mail.New(mopts)
	eng.Register(string(sanitize.ClassMessage), msan)

	certFile, keyFile := cfg.SMTP.TLSCert, cfg.SMTP.TLSKey
	if certFile == "" {
		certFile, keyFile = filepath.Join(cfg.DataDir, "tls", "cert.pem"), filepath.Join(cfg.DataDir, "tls", "key.pem")
	}
	cert, err := smtp.LoadOrCreateCert(certFile, keyFile, cfg.SMTP.Hostname)
	if err != nil {
		return nil, fmt.Errorf("smtp.tls_cert: %w", err)
	}
	s := cfg.SMTP
	g.relay, err = smtp.New(smtp.Options{
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
		TLS:             &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		SanitizeWorkers: s.SanitizeWorkers,
		SanitizeTimeout: s.SanitizeTimeout.Std(),
		DeliveryWorkers: cfg.Delivery.Workers,
		MaxConnsPerHop:  cfg.Delivery.MaxConnsPerHop,
		DeliveryTimeout: cfg.Delivery.Timeout.Std(),
		RetryBase:       cfg.Delivery.RetryBase.Std(),
		RetryMax:        cfg.Delivery.RetryMax.Std(),
		Lifetime:        cfg.Delivery.Lifetime.Std(),
		Routes:          routes,
		Limits:          engineLimits(cfg.Limits),
		TempDir:         cfg.TempDir,
		Logger:          log.With("component", "smtp"),
		Metrics:         g.reg,
	}, g.spool, msan, g.store)
	if err != nil {
		return nil, err
	}
	return g, nil
}

// run serves until ctx ends, then shuts down within shutdownGrace.
func (g *gateway) run(ctx context.Context) error {
	addr, err := g.relay.Listen()
	if err != nil {
		return fmt.Errorf("smtp.listen: %w", err)
	}
	errc := make(chan error, 2)
	go func() { errc <- g.relay.Serve() }() // returns after Shutdown
	var httpAddr net.Addr
	if g.cfg.HTTP.Listen != "" {
		ln, err := net.Listen("tcp", g.cfg.HTTP.Listen)
		if err != nil {
			return fmt.Errorf("http.listen: %w", err)
		}
		httpAddr = ln.Addr()
		mux := http.NewServeMux()
		mux.Handle("/metrics", g.reg.Handler())
		mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprintln(w, "ok")
		})
		g.http = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { // returns after Shutdown
			if err := g.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- err
			}
		}()
	}
	g.log.Info("serving", "smtp", addr.String(), "http", fmt.Sprint(httpAddr), "data_dir", g.cfg.DataDir)

	purge := time.NewTicker(24 * time.Hour)
	defer purge.Stop()
	g.purge(ctx)
	var runErr error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case err := <-errc:
			runErr = err
			break loop
		case <-purge.C:
			g.purge(ctx)
		}
	}
	g.log.Info("shutting down", "grace", shutdownGrace.String())
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if g.http != nil {
		g.http.Shutdown(sctx)
	}
	if err := g.relay.Shutdown(sctx); err != nil {
		g.log.Warn("shutdown incomplete; unfinished work stays in the spool", "err", err)
	}
	g.log.Info("stopped")
	return runErr
}

func (g *gateway) purge(ctx context.Context) {
	n, err := g.store.Purge(ctx, g.cfg.Quarantine.Retention.Std(), "retention")
	if err != nil {
		g.log.Error("quarantine purge failed", "err", err)
	} else if n > 0 {
		g.log.Info("quarantine purged", "items", n, "retention", g.cfg.Quarantine.Retention.String())
	}
}

func (g *gateway) close() {
	if g.store != nil {
		g.store.Close()
	}
}

// minFree maps smtp.min_free_space to the relay's option, where 0 would mean "default":
// a configured 0 disables the check.
func minFree(v config.Size) int64 {
	if v <= 0 {
		return -1
	}
	return v.Int64()
}
