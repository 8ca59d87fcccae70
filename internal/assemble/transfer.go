package assemble

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/gateway/delivery"
	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/portal/web"
	"github.com/sekisho/sekisho/gateway/queue"
	"github.com/sekisho/sekisho/gateway/smtp"
	"github.com/sekisho/sekisho/gateway/transfer"
	"github.com/sekisho/sekisho/gateway/transfer/pgblobs"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/quarantine/postgres"
	"github.com/sekisho/sekisho/sanitize"
)

// TransferDir is where transfers keep their files: data_dir/transfer.
func TransferDir(cfg *config.Config) string { return filepath.Join(cfg.DataDir, "transfer") }

// Transfer is the file-transfer service with what it was built from; Close releases the
// engines it owns.
type Transfer struct {
	*transfer.Service
	Accounts          *Accounts
	inbound, outbound *Sanitizers
}

// Close stops the workers and the engines.
func (t *Transfer) Close() error {
	err := t.Service.Close()
	for _, s := range []*Sanitizers{t.inbound, t.outbound} {
		if s != nil {
			if cerr := s.Close(); err == nil {
				err = cerr
			}
		}
	}
	return err
}

// transferConfig is cfg as the engines of one direction see it: the policy with the
// direction's overrides, and the transfer's own limits where it has them: file size
// (a transfer may be gigabytes), nested expansion (transfer.max_total_size, the mail
// limit unless raised) and time; depth, entries, ratio, pixels and pages stay as for
// mail, so a zip bomb or an encrypted archive behaves as it does in mail.
func transferConfig(cfg *config.Config, overrides map[string]string) *config.Config {
	c := *cfg
	c.Policy = map[string]string{}
	for k, v := range cfg.Policy {
		c.Policy[k] = v
	}
	for k, v := range overrides {
		c.Policy[k] = v
	}
	t := cfg.Transfer
	c.Limits.MaxFileSize = t.MaxFileSize
	if t.MaxTotalSize > 0 {
		c.Limits.MaxTotalSize = t.MaxTotalSize
	}
	c.Limits.Timeout = t.SanitizeTimeout
	return &c
}

// OpenTransfer builds the transfer service on the quarantine's store: both engines, the
// tables, the departments. outbox queues its notices (nil: none are sent).
func OpenTransfer(ctx context.Context, cfg *config.Config, store *quarantine.Service, outbox transfer.Outbox, o Options) (_ *Transfer, err error) {
	t, err := Tables(store)
	if err != nil {
		return nil, err
	}
	if err := t.MigrateSchema(ctx, "transfer", transfer.Schema); err != nil {
		return nil, err
	}
	db := t.DB()
	// A shared store keeps the bytes too, so any node serves a file any node received.
	var blobs transfer.Blobs
	if pg, ok := store.Backend().(*postgres.Backend); ok {
		if err := t.MigrateSchema(ctx, "transfer-blobs", pgblobs.Schema); err != nil {
			return nil, err
		}
		// Sealed with the quarantine's key, as held originals are.
		var key []byte
		if cfg.Quarantine.KeyFile != "" {
			if key, err = ReadKeyFile(cfg.Quarantine.KeyFile); err != nil {
				return nil, err
			}
		}
		if blobs, err = pgblobs.Open(ctx, pg.Pool(), cfg.Postgres.QueryTimeout.Std(), key); err != nil {
			return nil, err
		}
	}
	acc, err := OpenAccounts(ctx, cfg, store)
	if err != nil {
		return nil, err
	}
	tr := &Transfer{Accounts: acc}
	defer func() {
		if err != nil {
			tr.Close()
		}
	}()
	tc := cfg.Transfer
	in := o
	in.Direction, in.Holder = config.Inbound, delivery.AttachmentHolder{Store: store}
	if tr.inbound, err = NewSanitizers(transferConfig(cfg, tc.InboundPolicy), in); err != nil {
		return nil, fmt.Errorf("transfer.inbound_policy: %w", err)
	}
	out := o
	out.Direction, out.Holder = config.Outbound, delivery.AttachmentHolder{Store: store}
	if tr.outbound, err = NewSanitizers(transferConfig(cfg, tc.OutboundPolicy), out); err != nil {
		return nil, fmt.Errorf("transfer.outbound_policy: %w", err)
	}
	lim := Limits(transferConfig(cfg, nil).Limits)
	so := transfer.Options{
		DB: db, Dir: TransferDir(cfg), Blobs: blobs, TempDir: cfg.TempDir, Quarantine: store, Accounts: acc.Store, Outbox: outbox,
		Inbound: tr.inbound.Files, Outbound: tr.outbound.Files,
		NewBudget:       func() *sanitize.Budget { return sanitize.NewBudget(lim) },
		SanitizeWorkers: tc.SanitizeWorkers, SanitizeTimeout: tc.SanitizeTimeout.Std(),
		Limits: transfer.Limits{MaxFileSize: tc.MaxFileSize.Int64(), MaxTransferSize: tc.MaxTransferSize.Int64(),
			MaxFiles: tc.MaxFiles, MaxConcurrentUploads: tc.MaxConcurrentUploads, IdleTimeout: tc.IdleTimeout.Std(),
			MinRate: tc.MinRate.Int64(), QuotaPerUser: tc.QuotaPerUser.Int64()},
		Retention: tc.Retention.Std(), LinkExpiry: tc.LinkExpiry.Std(), MaxLinkExpiry: tc.MaxLinkExpiry.Std(),
		MaxDownloads: tc.MaxDownloads, AccessCode: tc.AccessCode, Mode: tc.Approval, Rules: rules(tc.AutoApprove),
		Departments: departments(tc.Departments), InternetURL: InternetURL(cfg, nil), PortalURL: PortalURL(cfg),
		Hostname: cfg.SMTP.Hostname, Logger: o.logger().With("component", "transfer"),
		// Claims on files being sanitized name the node: restarted, it takes its own back
		// at once; another node waits until the claim runs out.
		Node: NodeName(cfg),
	}
	if el, ok := store.Backend().(quarantine.Elector); ok {
		so.Elector = el // a shared store: the purge and recovery run on one node
	}
	if tr.Service, err = transfer.New(so); err != nil {
		return nil, err
	}
	return tr, nil
}

func rules(rs []config.AutoApprove) []transfer.Rule {
	var out []transfer.Rule
	for _, r := range rs {
		out = append(out, transfer.Rule{MaxSize: r.MaxSize.Int64(), Types: r.Types, Domains: r.Domains})
	}
	return out
}

func departments(ds map[string]config.Department) []transfer.Department {
	var out []transfer.Department
	for _, name := range slices.Sorted(maps.Keys(ds)) {
		d := ds[name]
		out = append(out, transfer.Department{Name: name, Members: d.Members, Mode: d.Approval, Approvers: d.Approvers,
			Deputies: d.Deputies, Quota: d.Quota.Int64(), Rules: rules(d.AutoApprove)})
	}
	return out
}

// InternetURL is the Internet-side address for links in mail: transfer.public_url, or
// https:// + the listening address (addr when known, for a port chosen by the kernel).
func InternetURL(cfg *config.Config, addr net.Addr) string {
	if cfg.Transfer.PublicURL != "" {
		return strings.TrimRight(cfg.Transfer.PublicURL, "/")
	}
	if addr != nil {
		return "https://" + addr.String()
	}
	return "https://" + cfg.Transfer.InternetListen
}

// transferTLS is the Internet side's certificate: the configured pair, or a self-signed
// one under data_dir/transfer/tls made on first start.
func transferTLS(cfg *config.Config, log *slog.Logger) (*tls.Config, error) {
	certFile, keyFile := cfg.Transfer.TLSCert, cfg.Transfer.TLSKey
	var cert tls.Certificate
	var err error
	if certFile != "" {
		if cert, err = tls.LoadX509KeyPair(certFile, keyFile); err != nil {
			return nil, fmt.Errorf("transfer.tls_cert: %w", err)
		}
	} else {
		dir := filepath.Join(TransferDir(cfg), "tls")
		host, _, _ := net.SplitHostPort(cfg.Transfer.InternetListen)
		if host == "" {
			host = cfg.SMTP.Hostname
		}
		if cert, err = smtp.LoadOrCreateCert(filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), host); err != nil {
			return nil, fmt.Errorf("transfer: self-signed certificate: %w", err)
		}
		log.Warn("transfer: the Internet side uses a self-signed certificate; set transfer.tls_cert and tls_key", "dir", dir)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// newInternet builds the Internet-side listener of t.
func newInternet(ctx context.Context, cfg *config.Config, t *Transfer, log *slog.Logger) (*transfer.Internet, error) {
	tc, err := transferTLS(cfg, log)
	if err != nil {
		return nil, err
	}
	proxies, err := config.Prefixes(cfg.Transfer.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("transfer.trusted_proxies: %w", err)
	}
	secret, err := t.Accounts.Store.Secret(ctx, "transfer-web", 32)
	if err != nil {
		return nil, err
	}
	return transfer.NewInternet(ctx, t.Service, web.Options{Store: t.Accounts.Store, Auth: t.Accounts.Auth,
		Audit: t.Service.WebAuditor(), TLS: tc, TrustedProxies: proxies, Secret: secret,
		Timeouts:    accounts.SessionTimeouts{Idle: cfg.Portal.SessionIdle.Std(), Absolute: cfg.Portal.SessionMax.Std()},
		ReadTimeout: cfg.Transfer.HeaderTimeout.Std(), MaxConnsPerIP: cfg.Transfer.MaxConnsPerIP})
}

// Transfer is the gateway's transfer service, nil when disabled.
func (g *Gateway) Transfer() *Transfer { return g.transfer }

// Internet is the Internet-side transfer listener's server, nil when disabled.
func (g *Gateway) Internet() *transfer.Internet { return g.internet }

// TransferAddr is the Internet-side transfer address (after Ready), nil when disabled.
func (g *Gateway) TransferAddr() net.Addr { return g.transferAddr }

// transferOutbox is the queue the transfer's notices go through.
func transferOutbox(q queue.Queue) transfer.Outbox { return queueOutbox{q} }
