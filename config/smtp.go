package config

import (
	"fmt"
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
	MaxMessageSize Size     `yaml:"max_message_size"` // SIZE; larger messages get 552. Default 25MiB.
	MaxRecipients  int      `yaml:"max_recipients"`   // per message; more get 452. Default 100.
	// CommandTimeout is a deadline for each command line and each line of DATA (not an
	// idle timer: a client sending a byte a second is cut too). Default 5m.
	CommandTimeout Duration `yaml:"command_timeout"`
	DataTimeout    Duration `yaml:"data_timeout"` // a whole DATA transfer. Default 10m.
	// Under stress (more than 80% of max_sessions open) the two timeouts shrink to these,
	// as Postfix's stress-dependent timeouts do. Defaults 10s and 2m.
	StressCommandTimeout Duration `yaml:"stress_command_timeout"`
	StressDataTimeout    Duration `yaml:"stress_data_timeout"`
	MaxSessions          int      `yaml:"max_sessions"` // concurrent sessions; more get 421. Default 200.
	// Per client IP: concurrent sessions (default 50) and new connections per minute
	// (default 60000, a thousand a second, above what the gateway sustains; 0: no limit).
	MaxSessionsIP int `yaml:"max_sessions_per_ip"`
	MaxRatePerIP  int `yaml:"max_connections_per_minute_per_ip"`
	// TrustedClients (addresses or CIDRs: the upstream MX, monitoring) are exempt from
	// the per-IP limits, like Postfix's $mynetworks. Default loopback only.
	TrustedClients []string `yaml:"trusted_clients"`
	// BareLineEndings: reject refuses a message with a bare CR or LF (SMTP smuggling);
	// normalize rewrites them to CRLF. Default reject.
	BareLineEndings string `yaml:"bare_line_endings"`
	// LocalPartRouting: reject refuses (550 5.1.3) a recipient whose local part holds @, %
	// or !, quoted or not ("victim@evil.example"@city.lg.jp, user%host@city.lg.jp), which a
	// next hop could read as a route; allow accepts it and forwards it as written. Default
	// reject.
	LocalPartRouting string `yaml:"local_part_routing"`
	// MinFreeSpace: MAIL FROM gets 452 while the spool's file system has less free. Default 256MiB.
	MinFreeSpace Size `yaml:"min_free_space"`
	// Queue is how data_dir/spool keeps messages: journal (default) appends them to
	// segment files and makes everything written meanwhile durable with one flush, so
	// concurrent sessions share a disk flush; files keeps a file per message and state.
	// Changing it moves the messages across at the next start.
	Queue string `yaml:"queue"`
	// TLSCert and TLSKey are PEM files for STARTTLS. Empty: <data_dir>/tls/cert.pem and
	// key.pem, a self-signed pair created on first start.
	TLSCert string `yaml:"tls_cert" config:"path"`
	TLSKey  string `yaml:"tls_key" config:"path"`
	// SanitizeWorkers is the number of messages sanitized at once. 0 means one per CPU.
	SanitizeWorkers int      `yaml:"sanitize_workers"`
	SanitizeTimeout Duration `yaml:"sanitize_timeout"` // one message, all parts. Default 2m.
}

func defaultSMTP() SMTP {
	return SMTP{
		Listen: "127.0.0.1:2525", Hostname: "sekisho.local", Domains: []string{"lgwan.example"},
		MaxMessageSize: 25 << 20, MaxRecipients: 100,
		CommandTimeout: Duration(5 * time.Minute), DataTimeout: Duration(10 * time.Minute),
		StressCommandTimeout: Duration(10 * time.Second), StressDataTimeout: Duration(2 * time.Minute),
		MaxSessions: 200, MaxSessionsIP: 50, MaxRatePerIP: 60000,
		TrustedClients:  []string{"127.0.0.0/8", "::1/128"},
		BareLineEndings: "reject", LocalPartRouting: "reject",
		MinFreeSpace: 256 << 20, Queue: "journal", SanitizeTimeout: Duration(2 * time.Minute),
	}
}

func (s SMTP) validate(p *problems) {
	p.hostPort("smtp.listen", s.Listen, false)
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
	p.durRange("smtp.command_timeout", s.CommandTimeout, time.Second, time.Hour)
	p.durRange("smtp.data_timeout", s.DataTimeout, time.Second, 24*time.Hour)
	p.durRange("smtp.stress_command_timeout", s.StressCommandTimeout, time.Second, time.Hour)
	p.durRange("smtp.stress_data_timeout", s.StressDataTimeout, time.Second, 24*time.Hour)
	p.intRange("smtp.max_sessions", int64(s.MaxSessions), 1, 1000000)
	p.intRange("smtp.max_sessions_per_ip", int64(s.MaxSessionsIP), 1, 1000000)
	p.intRange("smtp.max_connections_per_minute_per_ip", int64(s.MaxRatePerIP), 0, 100000000)
	for i, c := range s.TrustedClients {
		if _, err := Prefixes([]string{c}); err != nil {
			p.add(fmt.Sprintf("smtp.trusted_clients[%d]", i), c, "must be an IP address or a network (CIDR)")
		}
	}
	p.oneOf("smtp.bare_line_endings", s.BareLineEndings, "reject", "normalize")
	p.oneOf("smtp.local_part_routing", s.LocalPartRouting, "reject", "allow")
	p.oneOf("smtp.queue", s.Queue, "journal", "files")
	if s.MinFreeSpace < 0 {
		p.add("smtp.min_free_space", s.MinFreeSpace.String(), "must not be negative")
	}
	if (s.TLSCert == "") != (s.TLSKey == "") {
		p.add("smtp.tls_key", s.TLSKey, "tls_cert and tls_key must be set together")
	}
	p.intRange("smtp.sanitize_workers", int64(s.SanitizeWorkers), 0, 1024)
	p.durRange("smtp.sanitize_timeout", s.SanitizeTimeout, time.Second, 24*time.Hour)
}
