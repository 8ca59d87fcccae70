package config

import (
	"strings"
	"testing"
)

func TestTransferValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(c *Config)
		want   string // "" means valid
	}{
		{"defaults enabled", func(c *Config) { c.Transfer.Enabled = true }, ""},
		{"without the portal", func(c *Config) { c.Transfer.Enabled = true; c.Portal.Enabled = false },
			`config: transfer.enabled: needs the portal (portal.enabled and http.listen): staff use transfers there, got "true"`},
		{"same address as the portal", func(c *Config) { c.Transfer.Enabled = true; c.Transfer.InternetListen = c.HTTP.Listen },
			`config: transfer.internet_listen: must differ from http.listen and smtp.listen, got "127.0.0.1:9025"`},
		{"listen missing", func(c *Config) { c.Transfer.Enabled = true; c.Transfer.InternetListen = "" },
			`config: transfer.internet_listen: must be host:port`},
		{"public url", func(c *Config) { c.Transfer.PublicURL = "ftp://x" }, `config: transfer.public_url: must be an https:// URL, got "ftp://x"`},
		{"half a key pair", func(c *Config) { c.Transfer.TLSCert = "c.pem" }, `config: transfer.tls_key: tls_cert and tls_key must be set together`},
		{"transfer below file", func(c *Config) { c.Transfer.MaxTransferSize = 1 << 20 },
			`config: transfer.max_transfer_size: must be at least transfer.max_file_size (4GiB), got "1MiB"`},
		{"policy action", func(c *Config) { c.Transfer.OutboundPolicy = map[string]string{"pdf": "allow"} },
			`config: transfer.outbound_policy.pdf: must be one of pass, sanitize, convert, render, strip, quarantine, block, got "allow"`},
		{"link expiry above max", func(c *Config) { c.Transfer.LinkExpiry = c.Transfer.MaxLinkExpiry + 1 },
			`config: transfer.link_expiry: must be between 1h0m0s and 720h0m0s`},
		{"access code", func(c *Config) { c.Transfer.AccessCode = "always" }, `config: transfer.access_code: must be one of required, optional, off, got "always"`},
		{"approval", func(c *Config) { c.Transfer.Approval = "none" }, `config: transfer.approval: must be one of pre, post, got "none"`},
		{"empty rule", func(c *Config) { c.Transfer.AutoApprove = []AutoApprove{{}} },
			`config: transfer.auto_approve[0]: a rule needs at least one of max_size, types, domains`},
		{"rule domain", func(c *Config) { c.Transfer.AutoApprove = []AutoApprove{{Domains: []string{"a b"}}} },
			`config: transfer.auto_approve[0].domains[0]: must be a domain name, got "a b"`},
		{"department", func(c *Config) {
			c.Transfer.Departments = map[string]Department{"総務課": {Members: []string{"a"}, Approval: "pre", Approvers: []string{"b"}}}
		}, ""},
		{"department approval", func(c *Config) {
			c.Transfer.Departments = map[string]Department{"x": {Approval: "later"}}
		}, `config: transfer.departments.x.approval: must be one of pre, post, got "later"`},
		{"member of two", func(c *Config) {
			c.Transfer.Departments = map[string]Department{"x": {Approval: "pre", Members: []string{"a"}}, "y": {Approval: "post", Members: []string{"A"}}}
		}, `config: transfer.departments: a user is a member of more than one department, got "a"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			tc.modify(c)
			err := c.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
}
