package config

import (
	"strings"
	"testing"
	"time"
)

func TestValidateStore(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*Config)
		want  string // "" for valid
		never string // must not appear in the error (a password)
	}{
		{"default sqlite", func(c *Config) {}, "", ""},
		{"postgres url", func(c *Config) { c.Store = "postgres://sekisho@db.example/sekisho?sslmode=verify-full" }, "", ""},
		{"postgresql scheme", func(c *Config) { c.Store = "postgresql://db.example/sekisho" }, "", ""},
		{"mysql", func(c *Config) { c.Store = "mysql://db/x" }, "store: must be sqlite or a postgres:// URL", ""},
		{"empty", func(c *Config) { c.Store = "" }, "store: must be sqlite or a postgres:// URL", ""},
		{"password in the query", func(c *Config) { c.Store = "postgres://db/x?password=hunter2" }, "use postgres.password_file", ""},
		{"bad url hides its password", func(c *Config) { c.Store = "mysql://u:hunter2@db/x" }, "store: must be", "hunter2"},
		{"node name", func(c *Config) { c.Node = "gw 1" }, "node: must be a host-name-like name", ""},
		{"max_conns", func(c *Config) { c.Postgres.MaxConns = 1 }, "postgres.max_conns: must be between 2 and 1000", ""},
		{"min above max", func(c *Config) { c.Postgres.MinConns = 20 }, "postgres.min_conns: must be between 0 and 16", ""},
		{"query_timeout", func(c *Config) { c.Postgres.QueryTimeout = Duration(time.Millisecond) }, "postgres.query_timeout", ""},
		{"purge_interval", func(c *Config) { c.Quarantine.PurgeInterval = 0 }, "quarantine.purge_interval", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			tc.edit(c)
			err := c.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Validate = %v, want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("Validate = %v, want %q", err, tc.want)
			case tc.never != "" && strings.Contains(err.Error(), tc.never):
				t.Errorf("Validate = %v: shows the password", err)
			}
		})
	}
}
