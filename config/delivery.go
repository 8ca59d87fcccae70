package config

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

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
	// (user:password@ before the host for AUTH PLAIN, which needs tls=required) or
	// dir:/path, which writes each message as a file. Without a * entry, * goes to
	// dir:<data_dir>/delivered (see EffectiveRoutes). Default: empty.
	Routes map[string]string `yaml:"routes"`
}

func defaultDelivery() Delivery {
	return Delivery{
		Workers: 16, MaxConnsPerHop: 8, Timeout: Duration(5 * time.Minute),
		RetryBase: Duration(time.Minute), RetryMax: Duration(time.Hour), Lifetime: Duration(120 * time.Hour),
		Routes: map[string]string{},
	}
}

func (d Delivery) validate(p *problems) {
	p.intRange("delivery.workers", int64(d.Workers), 1, 4096)
	p.intRange("delivery.max_connections_per_hop", int64(d.MaxConnsPerHop), 1, 4096)
	p.durRange("delivery.timeout", d.Timeout, time.Second, time.Hour)
	p.durRange("delivery.retry_base", d.RetryBase, time.Second, 24*time.Hour)
	p.durRange("delivery.retry_max", d.RetryMax, time.Second, 7*24*time.Hour)
	p.durRange("delivery.lifetime", d.Lifetime, time.Minute, 30*24*time.Hour)
	for _, k := range sortedKeys(d.Routes) {
		validateRoute(p, k, d.Routes[k])
	}
}

var routeParams = map[string][]string{
	"tls":         {"none", "opportunistic", "required"},
	"insecure":    {"0", "1", "false", "true"},
	"server_name": nil, // any host name
}

// validateRoute checks one delivery.routes entry strictly: a misspelt parameter or a port
// that is not a number must not fall back silently to a default the operator never chose.
func validateRoute(p *problems, domain, v string) {
	key := "delivery.routes." + domain
	if domain != "*" && !validHostName(strings.TrimPrefix(domain, ".")) {
		p.add(key, "", "the key must be a domain, .domain for its subdomains, or *")
	}
	if dir, ok := strings.CutPrefix(v, "dir:"); ok {
		if strings.TrimSpace(dir) == "" {
			p.add(key, v, "dir: needs a directory")
		}
		return
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "smtp" || u.Opaque != "" {
		p.add(key, v, "must be smtp://host:port[?tls=...] or dir:/path")
		return
	}
	if u.Path != "" && u.Path != "/" || u.Fragment != "" {
		p.add(key, v, "an smtp:// route has no path or fragment")
	}
	host, port := u.Hostname(), u.Port()
	if host == "" || net.ParseIP(host) == nil && !validHostName(host) {
		p.add(key, v, "must name a host")
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			p.add(key, v, "port must be a number from 1 to 65535")
		}
	}
	q := u.Query()
	for _, name := range sortedKeys(map[string]string(flatten(q))) {
		allowed, known := routeParams[name]
		switch {
		case !known:
			p.add(key, v, fmt.Sprintf("unknown parameter %q (allowed: tls, insecure, server_name)", name))
		case len(q[name]) > 1:
			p.add(key, v, fmt.Sprintf("parameter %q given more than once", name))
		case allowed != nil && !slices.Contains(allowed, q.Get(name)):
			p.add(key, v, fmt.Sprintf("%s must be one of %s", name, strings.Join(allowed, ", ")))
		case name == "server_name" && !validHostName(q.Get(name)):
			p.add(key, v, "server_name must be a host name")
		}
	}
	if u.User != nil && q.Get("tls") != "required" {
		// AUTH PLAIN sends the password as it is: never without a verified TLS session.
		p.add(key, redactRoute(u), "credentials need tls=required")
	}
}

func flatten(q url.Values) map[string]string {
	m := make(map[string]string, len(q))
	for k := range q {
		m[k] = ""
	}
	return m
}

// redactRoute hides the password of a route in error messages.
func redactRoute(u *url.URL) string { return u.Redacted() }

// validHostName accepts DNS names (letters, digits, hyphens, dots; labels of 1-63
// characters), the syntax both SMTP and TLS server names need.
func validHostName(h string) bool {
	h = strings.TrimSuffix(h, ".")
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return true
}
