package config

import (
	"net/url"
	"strings"
	"time"
)

// Postgres configures the connection pool to a shared store (store: postgres://...).
type Postgres struct {
	// PasswordFile holds the database password (one line), so that neither this file nor
	// the URL has it. Empty: the URL's password, or none (certificate or peer login).
	PasswordFile string `yaml:"password_file" config:"path"`
	// MaxConns bounds the open connections of this node. Default 16. Each node's
	// share of the server's max_connections: several nodes times this must fit.
	MaxConns int `yaml:"max_conns"`
	// MinConns are kept open while idle. Default 2.
	MinConns int `yaml:"min_conns"`
	// ConnLifetime: connections are replaced after this long (so a failover is picked up).
	// Default 1h.
	ConnLifetime Duration `yaml:"conn_lifetime"`
	// ConnectTimeout bounds opening one connection. Default 10s.
	ConnectTimeout Duration `yaml:"connect_timeout"`
	// QueryTimeout bounds every statement (the server's statement_timeout). Default 30s.
	QueryTimeout Duration `yaml:"query_timeout"`
	// LeaderCheck is how often a node tries to take over work that must run on one node
	// (retention purge, expiry) and how often the node doing it checks its connection.
	// Default 5s.
	LeaderCheck Duration `yaml:"leader_check"`
}

func defaultPostgres() Postgres {
	return Postgres{MaxConns: 16, MinConns: 2, ConnLifetime: Duration(time.Hour), ConnectTimeout: Duration(10 * time.Second),
		QueryTimeout: Duration(30 * time.Second), LeaderCheck: Duration(5 * time.Second)}
}

// StoreSQLite is the embedded store under data_dir/quarantine.
const StoreSQLite = "sqlite"

// SharedStore reports whether the store is a PostgreSQL database that several nodes may
// share (not the embedded SQLite).
func (c *Config) SharedStore() bool { return c.Store != StoreSQLite }

// RedactURL hides the password of a connection URL, for messages and logs.
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

func validateStore(p *problems, c *Config) {
	switch u, err := url.Parse(c.Store); {
	case c.Store == StoreSQLite:
	case err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql"):
		p.add("store", RedactURL(c.Store), "must be sqlite or a postgres:// URL")
	case strings.Contains(u.RawQuery, "password="):
		p.add("store", RedactURL(c.Store), "must not carry a password in its query: use postgres.password_file")
	}
	if c.Node != "" && !validHostName(c.Node) {
		p.add("node", c.Node, "must be a host-name-like name (letters, digits, - and .)")
	}
	pg := c.Postgres
	p.intRange("postgres.max_conns", int64(pg.MaxConns), 2, 1000)
	p.intRange("postgres.min_conns", int64(pg.MinConns), 0, int64(max(pg.MaxConns, 0)))
	p.durRange("postgres.conn_lifetime", pg.ConnLifetime, time.Minute, 24*time.Hour)
	p.durRange("postgres.connect_timeout", pg.ConnectTimeout, time.Second, 5*time.Minute)
	p.durRange("postgres.query_timeout", pg.QueryTimeout, time.Second, time.Hour)
	p.durRange("postgres.leader_check", pg.LeaderCheck, 100*time.Millisecond, 5*time.Minute)
}
