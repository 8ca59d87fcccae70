package assemble

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fasthttp/fasthttpadaptor"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/gateway/portal"
	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/portal/ppap"
	"github.com/sekisho/sekisho/gateway/portal/web"
	"github.com/sekisho/sekisho/gateway/queue"
	"github.com/sekisho/sekisho/gateway/transfer"
	"github.com/sekisho/sekisho/sanitize"
)

// lgwanServer is what serves http.listen: the portal (fasthttp, with /metrics and /healthz
// mounted) or, with the portal disabled, the plain operations mux.
type lgwanServer interface {
	Serve(net.Listener) error
	Shutdown(context.Context) error
}

type muxServer struct{ *http.Server }

func (m muxServer) Serve(ln net.Listener) error {
	if err := m.Server.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}

// newPortal builds the LGWAN-side portal on the gateway's quarantine, engines and queue.
func newPortal(cfg *config.Config, g *Gateway) (*portal.Portal, error) {
	ctx := context.Background()
	// One authenticator for both web sides: its dummy hash, the hashes it runs at once
	// (64 MiB of argon2id each) and its per-address login limit are the gateway's.
	var acc *Accounts
	var err error
	if g.transfer != nil {
		acc = g.transfer.Accounts
	} else if acc, err = OpenAccounts(ctx, cfg, g.store); err != nil {
		return nil, err
	}
	secret, err := acc.Store.Secret(ctx, "web", 32)
	if err != nil {
		return nil, fmt.Errorf("portal: secret: %w", err)
	}
	proxies, err := config.Prefixes(cfg.Portal.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("portal.trusted_proxies: %w", err)
	}
	var tc *tls.Config
	if cfg.Portal.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.Portal.TLSCert, cfg.Portal.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("portal.tls_cert: %w", err)
		}
		tc = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	g.render = &lazyRender{cfg: cfg, log: g.log}
	lim := Limits(cfg.Limits)
	var tr *transfer.Service
	if g.transfer != nil {
		tr = g.transfer.Service
	}
	tables, err := Tables(g.store)
	if err != nil {
		return nil, err
	}
	// The embedded store's audit log is a file the audit page scans; a shared store's
	// records are read from its database.
	auditLog := ""
	if !cfg.SharedStore() {
		auditLog = filepath.Join(QuarantineDir(cfg), "audit.log")
	}
	p, err := portal.New(ctx, portal.Options{
		Transfer: tr,
		Web: web.Options{Store: acc.Store, Auth: acc.Auth, TLS: tc, TrustedProxies: proxies, Secret: secret,
			Timeouts: accounts.SessionTimeouts{Idle: cfg.Portal.SessionIdle.Std(), Absolute: cfg.Portal.SessionMax.Std()}},
		Quarantine: g.store,
		DB:         tables.DB(),
		Migrate:    tables.MigrateSchema,
		Previewer:  &portal.Previewer{Files: g.sanitizers.Files, Message: g.sanitizers.Message, Render: g.render},
		Files:      g.sanitizers.Files,
		PPAPLimits: ppap.Limits{MaxEntries: lim.MaxEntries, MaxFileSize: lim.MaxFileSize, MaxTotalSize: lim.MaxTotalSize,
			MaxRatio: lim.MaxRatio},
		PPAPMaxTries: cfg.Portal.PPAPMaxTries,
		PPAPLock:     cfg.Portal.PPAPLock.Std(),
		Outbox:       queueOutbox{g.queue},
		Hostname:     cfg.SMTP.Hostname,
		DigestTime:   cfg.Portal.DigestTime,
		DigestTo:     cfg.Portal.DigestTo,
		PublicURL:    PortalURL(cfg),
		AuditLog:     auditLog,
		QueueDepth: func() map[string]int {
			d, _ := g.queue.Depth(time.Now())
			out := map[string]int{}
			for k, v := range d.Map() {
				out[string(k)] = v
			}
			return out
		},
		Logger: g.log.With("component", "portal"),
	})
	if err != nil {
		return nil, err
	}
	p.Mount("/metrics", fasthttpadaptor.NewFastHTTPHandler(g.mux))
	p.Mount("/healthz", fasthttpadaptor.NewFastHTTPHandler(g.mux))
	return p, nil
}

// queueOutbox queues the portal's messages in the mail queue; delivery's scanner delivers
// them like any queued message.
type queueOutbox struct{ q queue.Queue }

func (o queueOutbox) Send(_ context.Context, rcpts []string, msg []byte) (string, error) {
	now := time.Now()
	env := queue.Envelope{ID: queue.NewID(now), Rcpts: rcpts, Received: now, Size: int64(len(msg)), Kind: "portal"}
	if err := o.q.Enqueue(queue.Message{Env: env, Body: bytes.NewReader(msg)}); err != nil {
		return "", err
	}
	return env.ID, nil
}

// lazyRender is the previews' rendering engine: documents rasterized by PDFium (and
// LibreOffice). It is built on the first preview that needs it, since compiling PDFium
// costs seconds and ~330 MB, and closed with the gateway.
type lazyRender struct {
	cfg  *config.Config
	log  *slog.Logger
	once sync.Once
	s    *Sanitizers
	err  error
}

func (l *lazyRender) Sanitize(ctx context.Context, in *sanitize.Item, w io.Writer, b *sanitize.Budget) (sanitize.Result, error) {
	l.once.Do(func() { l.s, l.err = NewSanitizers(PreviewConfig(l.cfg), Options{Logger: l.log}) })
	if l.err != nil {
		return sanitize.Result{}, fmt.Errorf("preview renderer: %w", l.err)
	}
	return l.s.Files.Sanitize(ctx, in, w, b)
}

// PreviewConfig is the configuration of the previews' engine: every key renders (type
// names too: "xls: convert" would otherwise win over the class; only documents are sent
// there, and a type without a renderer is refused), at portal.preview_dpi without a text
// layer, since the preview shows the page images only.
func PreviewConfig(cfg *config.Config) *config.Config {
	c := *cfg
	c.Policy = map[string]string{}
	for _, k := range sanitize.PolicyKeys() {
		c.Policy[k] = "render"
	}
	c.Policy["executable"], c.Policy["script"] = "block", "block"
	c.Render.DPI, c.Render.TextLayer = cfg.Portal.PreviewDPI, false
	return &c
}

func (l *lazyRender) close() error {
	if l.s == nil {
		return nil
	}
	return l.s.Close()
}

// Portal is the gateway's portal, nil when disabled.
func (g *Gateway) Portal() *portal.Portal { return g.portal }

// PortalURL is the portal's address for links in mail: portal.public_url, or derived from
// http.listen (https when the portal has a certificate).
func PortalURL(cfg *config.Config) string {
	if cfg.Portal.PublicURL != "" {
		return strings.TrimRight(cfg.Portal.PublicURL, "/")
	}
	scheme := "http://"
	if cfg.Portal.TLSCert != "" {
		scheme = "https://"
	}
	return scheme + cfg.HTTP.Listen
}
