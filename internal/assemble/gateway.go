package assemble

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/gateway/delivery"
	"github.com/sekisho/sekisho/gateway/metrics"
	"github.com/sekisho/sekisho/gateway/portal"
	"github.com/sekisho/sekisho/gateway/queue"
	"github.com/sekisho/sekisho/gateway/smtp"
	"github.com/sekisho/sekisho/gateway/transfer"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/quarantine/sqlite"
	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/img/metafile"
)

// ShutdownGrace bounds how long Run waits for in-flight work after its context ends.
const ShutdownGrace = 30 * time.Second

// Gateway is everything serve runs, built from the configuration by NewGateway.
type Gateway struct {
	cfg        *config.Config
	log        *slog.Logger
	sanitizers *Sanitizers
	store      *quarantine.Service
	queue      queue.Queue
	delivery   *delivery.Delivery
	relay      *smtp.Server
	metrics    *metrics.Registry
	mux        *http.ServeMux
	portal     *portal.Portal // nil when disabled
	render     *lazyRender    // the previews' renderer, built on first use
	transfer   *Transfer      // nil when disabled
	internet   *transfer.Internet

	smtpAddr, httpAddr, transferAddr net.Addr
	ready                            chan struct{}
}

// NewGateway builds the quarantine, the queue, the engine, delivery, the SMTP server and
// the LGWAN-side HTTP handlers, in that order. Nothing listens until Run. On error everything built so
// far is closed.
func NewGateway(cfg *config.Config, o Options) (_ *Gateway, err error) {
	routes, err := Routes(cfg)
	if err != nil {
		return nil, err
	}
	g := &Gateway{cfg: cfg, log: o.logger(), metrics: metrics.New(), ready: make(chan struct{})}
	defer func() {
		if err != nil {
			g.Close()
		}
	}()
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data_dir: %w", err)
	}
	if g.store, err = OpenQuarantine(cfg, g.log); err != nil {
		return nil, err
	}
	if g.queue, err = queue.Open(SpoolDir(cfg), queue.Options{Format: cfg.SMTP.Queue, Logger: g.log.With("component", "queue")}); err != nil {
		return nil, fmt.Errorf("smtp.queue: %w", err)
	}
	// The mail family quarantines single attachments into the store, with the envelope of
	// the message they came in.
	o.Holder = delivery.AttachmentHolder{Store: g.store}
	if o.Observer == nil {
		o.Observer = metrics.NewItems(g.metrics)
	}
	if g.sanitizers, err = NewSanitizers(cfg, o); err != nil {
		return nil, err
	}
	if cfg.Transfer.Enabled {
		if g.transfer, err = OpenTransfer(context.Background(), cfg, g.store, transferOutbox(g.queue), o); err != nil {
			return nil, err
		}
		if g.internet, err = newInternet(context.Background(), cfg, g.transfer, g.log); err != nil {
			return nil, err
		}
	}
	g.mux = http.NewServeMux()
	var msg sanitize.Sanitizer = g.sanitizers.Message
	if cfg.Portal.Enabled && cfg.HTTP.Listen != "" {
		if g.portal, err = newPortal(cfg, g); err != nil {
			return nil, err
		}
		msg = g.portal.Stats().Wrap(msg) // the dashboard counts what the relay did
	}
	if g.delivery, err = newDelivery(cfg, g, routes, msg); err != nil {
		return nil, err
	}
	if g.relay, err = newSMTP(cfg, g, routes); err != nil {
		return nil, err
	}
	g.mux.Handle("/metrics", g.metrics.Handler())
	health := metrics.NewHealth()
	storeHealth := func() error { return g.store.Health(context.Background()) }
	health.Add("audit_log", storeHealth)
	health.Add("disk", metrics.DiskCheck(SpoolDir(cfg), cfg.SMTP.MinFreeSpace.Int64()))
	g.metrics.RegisterDisk(SpoolDir(cfg))
	health.Add("next_hop", g.metrics.Hops().Check)
	g.metrics.GaugeFunc("sekisho_audit_log_broken", "1 while the quarantine audit log refuses records (see /healthz).", "",
		func() map[string]float64 {
			if errors.Is(storeHealth(), sqlite.ErrAuditBroken) {
				return map[string]float64{"": 1}
			}
			return map[string]float64{"": 0}
		})
	g.mux.Handle("/healthz", health)
	return g, nil
}

// Quarantine is the gateway's quarantine store.
func (g *Gateway) Quarantine() *quarantine.Service { return g.store }

// Sanitizers are the gateway's engines.
func (g *Gateway) Sanitizers() *Sanitizers { return g.sanitizers }

// Ready is closed once Run listens on every address; SMTPAddr and HTTPAddr are set then.
func (g *Gateway) Ready() <-chan struct{} { return g.ready }

// SMTPAddr is the Internet-side address the relay listens on (after Ready).
func (g *Gateway) SMTPAddr() net.Addr { return g.smtpAddr }

// HTTPAddr is the LGWAN-side address, nil when http.listen is empty (after Ready).
func (g *Gateway) HTTPAddr() net.Addr { return g.httpAddr }

// Run listens and serves until ctx ends, then shuts down within ShutdownGrace: it stops
// accepting, lets transactions and jobs in flight finish and leaves the rest in the spool.
func (g *Gateway) Run(ctx context.Context) error {
	var err error
	if g.smtpAddr, err = g.relay.Listen(); err != nil {
		return fmt.Errorf("smtp.listen: %w", err)
	}
	// Delivery first recovers what the queue holds, then drains what the server accepts.
	g.delivery.Start()
	errc := make(chan error, 3)
	go func() { errc <- g.relay.Serve() }() // returns after Shutdown
	var hs lgwanServer
	if g.cfg.HTTP.Listen != "" {
		ln, err := net.Listen("tcp", g.cfg.HTTP.Listen)
		if err != nil {
			g.relay.Shutdown(context.Background())
			g.delivery.Shutdown(context.Background())
			return fmt.Errorf("http.listen: %w", err)
		}
		g.httpAddr = ln.Addr()
		hs = muxServer{&http.Server{Handler: g.mux, ReadHeaderTimeout: 10 * time.Second}}
		if g.portal != nil {
			hs = g.portal
		}
		go func() { // returns after Shutdown
			if err := hs.Serve(ln); err != nil {
				errc <- err
			}
		}()
	}
	if g.internet != nil {
		ln, err := net.Listen("tcp", g.cfg.Transfer.InternetListen)
		if err == nil {
			err = g.transfer.Start(ctx)
		}
		if err != nil {
			if hs != nil {
				hs.Shutdown(context.Background())
			}
			g.relay.Shutdown(context.Background())
			g.delivery.Shutdown(context.Background())
			return fmt.Errorf("transfer.internet_listen: %w", err)
		}
		g.transferAddr = ln.Addr()
		g.transfer.SetInternetURL(InternetURL(g.cfg, g.transferAddr))
		go func() { // returns after Shutdown
			if err := g.internet.Serve(ln); err != nil {
				errc <- err
			}
		}()
	}
	close(g.ready)
	g.log.Info("serving", "smtp", g.smtpAddr.String(), "http", fmt.Sprint(g.httpAddr), "data_dir", g.cfg.DataDir)
	// Loading the fonts now spares the first picture with Japanese text the wait, and tells
	// the operator at start what such text will look like.
	go func() {
		gothic, mincho := metafile.SystemFonts()
		if !gothic && !mincho {
			g.log.Warn("no Japanese system font found: CJK text in WMF/EMF pictures is drawn as boxes (install fonts-ipafont-gothic and fonts-ipafont-mincho, or fonts-noto-cjk)")
			return
		}
		g.log.Info("Japanese fonts for text in WMF/EMF pictures", "gothic", gothic, "mincho", mincho)
	}()

	// The retention loop ends with rctx, before the listeners are shut down.
	rctx, stopRetention := context.WithCancel(ctx)
	retentionDone := make(chan struct{})
	go func() {
		defer close(retentionDone)
		g.retention(rctx)
	}()
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	stopRetention()
	<-retentionDone
	g.log.Info("shutting down", "grace", ShutdownGrace.String())
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
	defer cancel()
	if hs != nil {
		hs.Shutdown(sctx)
	}
	if g.internet != nil && g.transferAddr != nil {
		g.internet.Shutdown(sctx)
	}
	if err := errors.Join(g.relay.Shutdown(sctx), g.delivery.Shutdown(sctx)); err != nil {
		g.log.Warn("shutdown incomplete; unfinished work stays in the queue", "err", err)
	}
	g.log.Info("stopped")
	return runErr
}

// Close releases the store and the rasterizer. Call it after Run returns.
func (g *Gateway) Close() error {
	var errs []error
	if g.portal != nil {
		errs = append(errs, g.portal.Close())
	}
	if g.transfer != nil {
		errs = append(errs, g.transfer.Close())
	}
	if g.render != nil {
		errs = append(errs, g.render.close())
	}
	if g.sanitizers != nil {
		errs = append(errs, g.sanitizers.Close())
	}
	if g.store != nil {
		errs = append(errs, g.store.Close())
	}
	if g.queue != nil {
		errs = append(errs, g.queue.Close())
	}
	return errors.Join(errs...)
}
