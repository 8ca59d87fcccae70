package config

import (
	"fmt"
	"net"
	"strings"
	"time"
)

// SMTP configures the Internet-side SMTP server.
type SMTP struct {
	// Listen is the Internet-side address. Default 127.0.0.1:2525 (loopback until you
	// choose an address).
	Listen string `yaml:"listen"`
	// Hostname is announced in the greeting, Received headers and DSNs. Default sekisho.local.
	Hostname string `yaml:"hostname"`
	// Domains are the recipient domains accepted (no open relay); a leading dot accepts
	// every subdomain (.lg.jp). Empty means the domains of delivery.routes except "*".
	Domains        []string `yaml:"domains"`
	MaxMessageSize Size     `yaml:"max_message_size"`                  // SIZE; larger messages get 552. Default 25MiB.
	MaxRecipients  int      `yaml:"max_recipients"`                    // per message; more get 452. Default 100.
	CommandTimeout Duration `yaml:"command_timeout"`                   // longest silence from a client, also inside DATA. Default 5m.
	DataTimeout    Duration `yaml:"data_timeout"`                      // a whole DATA transfer. Default 10m.
	MaxSessions    int      `yaml:"max_sessions"`                      // concurrent sessions; more get 421. Default 200.
	MaxSessionsIP  int      `yaml:"max_sessions_per_ip"`               // concurrent sessions per client IP. Default 20.
	MaxRatePerIP   int      `yaml:"max_connections_per_minute_per_ip"` // new connections per client IP per minute. Default 600.
	// BareLineEndings: reject refuses a message with a bare CR or LF (SMTP smuggling);
	// normalize rewrites them to CRLF. Default reject.
	BareLineEndings string `yaml:"bare_line_endings"`
	// MinFreeSpace: MAIL FROM gets 452 while the spool's file system has less free. Default 256MiB.
	MinFreeSpace Size `yaml:"min_free_space"`
	// TLSCert and TLSKey are PEM files for STARTTLS. Empty: <data_dir>/tls/cert.pem and
	// key.pem, a self-signed pair created on first start.
	TLSCert string `yaml:"tls_cert"`
	TLSKey  string `yaml:"tls_key"`
	// SanitizeWorkers is the number of messages sanitized at once. 0 means one per CPU.
	SanitizeWorkers int      `yaml:"sanitize_workers"`
	SanitizeTimeout Duration `yaml:"sanitize_timeout"` // one message, all parts. Default 2m.
}

// Delivery configures the LGWAN-side delivery.
type Delivery struct {
	Workers        int      `yaml:"workers"`                 // messages delivered at once. Default 16.
	MaxConnsPerHop int      `yaml:"max_connections_per_hop"` // Default 8.
	Timeout        Duration `yaml:"timeout"`                 // per SMTP command and reply. Default 5m.
	RetryBase      Duration `yaml:"retry_base"`              // first retry after a temporary failure. Default 1m.
	RetryMax       Duration `yaml:"retry_max"`               // longest wait between retries. Default 1h.
	Lifetime       Duration `yaml:"lifetime"`                // then a DSN goes to the sender. Default 120h.
	// Routes map a recipient domain (city.lg.jp, .lg.jp for subdomains, * for the rest) to
	// smtp://host:port?tls=none|opportunistic|required[&insecure=1][&server_name=name]
	// (user:password@ before the host for AUTH PLAIN) or dir:/path, which writes each
	// message as a file. Default: * → dir:./sekisho-data/delivered.
	Routes map[string]string `yaml:"routes"`
}

// Quarantine configures the embedded quarantine store under data_dir/quarantine.
type Quarantine struct {
	// KeyFile holds a 32-byte key (raw, or 64 hex characters) sealing originals with
	// AES-256-GCM. Empty: originals are stored unencrypted.
	KeyFile string `yaml:"key_file"`
	// Retention: items older than this are purged (originals removed, records kept as
	// expired) once a day by serve and by `quarantine purge`. Default 720h (30 days).
	Retention Duration `yaml:"retention"`
}

// HTTP configures the LGWAN-side operations endpoint: /metrics and /healthz.
type HTTP struct {
	// Listen is the LGWAN-side address; empty disables it. Default 127.0.0.1:9025.
	Listen string `yaml:"listen"`
}

func defaultRelay(c *Config) {
	c.SMTP = SMTP{
		Listen: "127.0.0.1:2525", Hostname: "sekisho.local", Domains: []string{"lgwan.example"},
		MaxMessageSize: 25 << 20, MaxRecipients: 100,
		CommandTimeout: Duration(5 * time.Minute), DataTimeout: Duration(10 * time.Minute),
		MaxSessions: 200, MaxSessionsIP: 20, MaxRatePerIP: 600, BareLineEndings: "reject",
		MinFreeSpace: 256 << 20, SanitizeTimeout: Duration(2 * time.Minute),
	}
	c.Delivery = Delivery{
		Workers: 16, MaxConnsPerHop: 8, Timeout: Duration(5 * time.Minute),
		RetryBase: Duration(time.Minute), RetryMax: Duration(time.Hour), Lifetime: Duration(120 * time.Hour),
		Routes: map[string]string{"*": "dir:./sekisho-data/delivered"},
	}
	c.Quarantine = Quarantine{Retention: Duration(720 * time.Hour)}
	c.HTTP = HTTP{Listen: "127.0.0.1:9025"}
}

func hostPort(p *problems, key, v string, allowEmpty bool) {
	if v == "" && allowEmpty {
		return
	}
	if _, _, err := net.SplitHostPort(v); err != nil {
		p.add(key, v, "must be host:port")
	}
}

func durRange(p *problems, key string, d Duration, lo, hi time.Duration) {
	if d < Duration(lo) || d > Duration(hi) {
		p.add(key, d.String(), fmt.Sprintf("must be between %s and %s", lo, hi))
	}
}

func (s SMTP) validate(p *problems) {
	hostPort(p, "smtp.listen", s.Listen, false)
	if s.Hostname == "" || strings.ContainsAny(s.Hostname, " \t\r\n()[];") {
		p.add("smtp.hostname", s.Hostname, "must be a host name")
	}
	for i, d := range s.Domains {
		if d == "" || d == "*" || strings.ContainsAny(d, " @/") {
			p.add(fmt.Sprintf("smtp.domains[%d]", i), d, "must be a domain (a leading dot accepts subdomains; * would be an open relay)")
		}
	}
	p.atLeastSize("smtp.max_message_size", s.MaxMessageSize, 1<<10)
	p.intRange("smtp.max_recipients", int64(s.MaxRecipients), 1, 100000)
	durRange(p, "smtp.command_timeout", s.CommandTimeout, time.Second, time.Hour)
	durRange(p, "smtp.data_timeout", s.DataTimeout, time.Second, 24*time.Hour)
	p.intRange("smtp.max_sessions", int64(s.MaxSessions), 1, 1000000)
	p.intRange("smtp.max_sessions_per_ip", int64(s.MaxSessionsIP), 1, 1000000)
	p.intRange("smtp.max_connections_per_minute_per_ip", int64(s.MaxRatePerIP), 1, 10000000)
	p.oneOf("smtp.bare_line_endings", s.BareLineEndings, "reject", "normalize")
	if s.MinFreeSpace < 0 {
		p.add("smtp.min_free_space", s.MinFreeSpace.String(), "must not be negative")
	}
	if (s.TLSCert == "") != (s.TLSKey == "") {
		p.add("smtp.tls_key", s.TLSKey, "tls_cert and tls_key must be set together")
	}
	p.intRange("smtp.sanitize_workers", int64(s.SanitizeWorkers), 0, 1024)
	durRange(p, "smtp.sanitize_timeout", s.SanitizeTimeout, time.Second, 24*time.Hour)
}

func (d Delivery) validate(p *problems) {
	p.intRange("delivery.workers", int64(d.Workers), 1, 4096)
	p.intRange("delivery.max_connections_per_hop", int64(d.MaxConnsPerHop), 1, 4096)
	durRange(p, "delivery.timeout", d.Timeout, time.Second, time.Hour)
	durRange(p, "delivery.retry_base", d.RetryBase, time.Second, 24*time.Hour)
	durRange(p, "delivery.retry_max", d.RetryMax, time.Second, 7*24*time.Hour)
	durRange(p, "delivery.lifetime", d.Lifetime, time.Minute, 30*24*time.Hour)
	for _, k := range sortedKeys(d.Routes) {
		v := d.Routes[k]
		if !strings.HasPrefix(v, "smtp://") && !strings.HasPrefix(v, "dir:") {
			p.add("delivery.routes."+k, v, "must be smtp://host:port[?tls=...] or dir:/path")
		}
	}
}

func (q Quarantine) validate(p *problems) {
	durRange(p, "quarantine.retention", q.Retention, time.Hour, 100*365*24*time.Hour)
}

func (h HTTP) validate(p *problems) {
	hostPort(p, "http.listen", h.Listen, true)
}
