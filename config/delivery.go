package config

import (
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
	// (user:password@ before the host for AUTH PLAIN) or dir:/path, which writes each
	// message as a file. Default: * → dir:./sekisho-data/delivered.
	Routes map[string]string `yaml:"routes"`
}

func defaultDelivery() Delivery {
	return Delivery{
		Workers: 16, MaxConnsPerHop: 8, Timeout: Duration(5 * time.Minute),
		RetryBase: Duration(time.Minute), RetryMax: Duration(time.Hour), Lifetime: Duration(120 * time.Hour),
		Routes: map[string]string{"*": "dir:./sekisho-data/delivered"},
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
		v := d.Routes[k]
		if !strings.HasPrefix(v, "smtp://") && !strings.HasPrefix(v, "dir:") {
			p.add("delivery.routes."+k, v, "must be smtp://host:port[?tls=...] or dir:/path")
		}
	}
}
