package config

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Transfer configures file transfer between the two sides: uploads on the Internet side
// (staff, and partners holding an upload link) that reach LGWAN staff only sanitized, and
// files that LGWAN staff send out, after approval, as download links on the Internet side.
type Transfer struct {
	// Enabled serves the transfer pages on the portal and the Internet-side listener.
	// Default false.
	Enabled bool `yaml:"enabled"`
	// InternetListen is the Internet-side address (HTTPS): uploads in, outbound
	// downloads. Default 127.0.0.1:9443 (loopback until you choose an address).
	InternetListen string `yaml:"internet_listen"`
	// PublicURL is the Internet-side address as partners reach it, for the links in mail
	// (https://transfer.city.lg.jp). Empty: https:// + internet_listen.
	PublicURL string `yaml:"public_url"`
	// TLSCert and TLSKey are PEM files for the Internet side. Empty:
	// <data_dir>/transfer/tls/cert.pem and key.pem, a self-signed pair created on first
	// start (browsers warn: use a real certificate in production).
	TLSCert string `yaml:"tls_cert" config:"path"`
	TLSKey  string `yaml:"tls_key" config:"path"`
	// TrustedProxies (CIDR) may set X-Forwarded-For on the Internet side. Default none.
	TrustedProxies []string `yaml:"trusted_proxies"`
	// MaxFileSize bounds one file; larger uploads get 413 as soon as the limit passes.
	// Default 4GiB. The engine's limits.max_file_size does not apply to transfers: this
	// does.
	MaxFileSize Size `yaml:"max_file_size"`
	// MaxTotalSize bounds the bytes decoded or decompressed across all the nested work of
	// one file (archive entries, attachments of a message, ...), as limits.max_total_size
	// does in mail; a text file's own decoding counts apart (up to twice its size), so a
	// large text file is not refused for it. Default: limits.max_total_size, so an archive
	// refused in mail for what it expands to is refused in a transfer too unless raised
	// here. Depth, entries, ratio, pixels and pages are the mail limits as they are.
	MaxTotalSize Size `yaml:"max_total_size"`
	// MaxTransferSize bounds all files of one transfer together. Default 10GiB.
	MaxTransferSize Size `yaml:"max_transfer_size"`
	// MaxFiles is the number of files in one transfer. Default 100.
	MaxFiles int `yaml:"max_files"`
	// MaxConcurrentUploads per user or upload link; more get 429. Default 4.
	MaxConcurrentUploads int `yaml:"max_concurrent_uploads"`
	// MaxConnsPerIP bounds the Internet-side connections of one client address. Default 32.
	MaxConnsPerIP int `yaml:"max_conns_per_ip"`
	// HeaderTimeout bounds reading a request's header (and the whole of a small request
	// such as a form). Default 30s.
	HeaderTimeout Duration `yaml:"header_timeout"`
	// IdleTimeout: every read of an upload body and every write of a download must
	// complete within it. Default 60s.
	IdleTimeout Duration `yaml:"idle_timeout"`
	// MinRate is the average rate (bytes a second) an upload or download must keep once
	// idle_timeout has passed; a slower client is cut, so a trickle cannot hold a
	// connection for days. Default 4KiB.
	MinRate Size `yaml:"min_rate"`
	// SanitizeWorkers is the number of files sanitized at once. Default 2.
	SanitizeWorkers int `yaml:"sanitize_workers"`
	// SanitizeTimeout bounds sanitizing one file. Default 30m.
	SanitizeTimeout Duration `yaml:"sanitize_timeout"`
	// InboundPolicy overrides `policy` for files uploaded from the Internet side (type name
	// or class → action). Empty: the mail policy.
	InboundPolicy map[string]string `yaml:"inbound_policy"`
	// OutboundPolicy overrides `policy` for files sent out from the LGWAN side. Empty: the
	// mail policy (with metadata.outbound: names of staff are removed).
	OutboundPolicy map[string]string `yaml:"outbound_policy"`
	// Retention: a transfer's files are removed this long after it was created (expiry
	// purge; records are kept as expired). Default 168h (7 days).
	Retention Duration `yaml:"retention"`
	// LinkExpiry is the default lifetime of an upload link (受取依頼) and of an outbound
	// download link; MaxLinkExpiry the longest a sender may choose. Defaults 7d and 30d.
	LinkExpiry    Duration `yaml:"link_expiry"`
	MaxLinkExpiry Duration `yaml:"max_link_expiry"`
	// MaxDownloads is the default number of times each file may be downloaded through one
	// outbound link (a sender may choose 1 to 100). Default 5.
	MaxDownloads int `yaml:"max_downloads"`
	// AccessCode: required (every outbound link has an access code, sent in a separate
	// mail), optional (the sender chooses) or off. Default optional.
	AccessCode string `yaml:"access_code"`
	// QuotaPerUser bounds the bytes of one user's live transfers (received and sent).
	// Default 20GiB; 0 means none.
	QuotaPerUser Size `yaml:"quota_per_user"`
	// Approval is how outbound transfers of users in no department are approved: pre
	// (事前承認: links go out after an approver accepts) or post (事後確認: links go out at
	// once, an approver reviews afterwards). Approvers are then every user with the
	// approver role. Default pre.
	Approval string `yaml:"approval"`
	// AutoApprove rules for users in no department (see departments).
	AutoApprove []AutoApprove `yaml:"auto_approve"`
	// Departments: name → members, approval mode, approvers, deputies, quota and
	// auto-approval rules. A user belongs to the first department (by name) listing them.
	Departments map[string]Department `yaml:"departments"`
}

// Department is one department's transfer rules.
type Department struct {
	Members []string `yaml:"members"` // portal user names
	// Approval is pre or post (see transfer.approval). Default pre.
	Approval string `yaml:"approval"`
	// Approvers decide the department's outbound transfers; empty: every user with the
	// approver role. Deputies may decide too (recorded as acting for an approver).
	Approvers []string `yaml:"approvers"`
	Deputies  []string `yaml:"deputies"`
	// Quota bounds the bytes of the members' live transfers together; 0 means none.
	Quota       Size          `yaml:"quota"`
	AutoApprove []AutoApprove `yaml:"auto_approve"`
}

// AutoApprove approves an outbound transfer without a person when every condition it sets
// holds for every file and recipient. A rule sets at least one condition.
type AutoApprove struct {
	MaxSize Size     `yaml:"max_size"` // every file at most this many bytes (after sanitizing)
	Types   []string `yaml:"types"`    // every file's detected type name or class is listed (pdf, text, image)
	Domains []string `yaml:"domains"`  // every recipient's domain is listed (a leading dot: subdomains too)
}

func defaultTransfer() Transfer {
	return Transfer{
		InternetListen:       "127.0.0.1:9443",
		TrustedProxies:       []string{},
		MaxFileSize:          4 << 30,
		MaxTransferSize:      10 << 30,
		MaxFiles:             100,
		MaxConcurrentUploads: 4,
		MaxConnsPerIP:        32,
		HeaderTimeout:        Duration(30 * time.Second),
		IdleTimeout:          Duration(time.Minute),
		MinRate:              4 << 10,
		SanitizeWorkers:      2,
		SanitizeTimeout:      Duration(30 * time.Minute),
		InboundPolicy:        map[string]string{},
		OutboundPolicy:       map[string]string{},
		Retention:            Duration(7 * 24 * time.Hour),
		LinkExpiry:           Duration(7 * 24 * time.Hour),
		MaxLinkExpiry:        Duration(30 * 24 * time.Hour),
		MaxDownloads:         5,
		AccessCode:           "optional",
		QuotaPerUser:         20 << 30,
		Approval:             "pre",
		AutoApprove:          []AutoApprove{},
		Departments:          map[string]Department{},
	}
}

func (t Transfer) validate(p *problems) {
	p.hostPort("transfer.internet_listen", t.InternetListen, !t.Enabled)
	if t.PublicURL != "" {
		if u, err := url.Parse(t.PublicURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			p.add("transfer.public_url", t.PublicURL, "must be an https:// URL")
		}
	}
	if (t.TLSCert == "") != (t.TLSKey == "") {
		p.add("transfer.tls_key", t.TLSKey, "tls_cert and tls_key must be set together")
	}
	for i, s := range t.TrustedProxies {
		if _, err := Prefixes([]string{s}); err != nil {
			p.add(fmt.Sprintf("transfer.trusted_proxies[%d]", i), s, "must be a network (CIDR) or address")
		}
	}
	p.atLeastSize("transfer.max_file_size", t.MaxFileSize, 1<<10)
	if t.MaxTotalSize < 0 {
		p.add("transfer.max_total_size", t.MaxTotalSize.String(), "must not be negative (0: limits.max_total_size)")
	}
	if t.MaxTransferSize < t.MaxFileSize {
		p.add("transfer.max_transfer_size", t.MaxTransferSize.String(), "must be at least transfer.max_file_size ("+t.MaxFileSize.String()+")")
	}
	p.intRange("transfer.max_files", int64(t.MaxFiles), 1, 10000)
	p.intRange("transfer.max_concurrent_uploads", int64(t.MaxConcurrentUploads), 1, 1000)
	p.intRange("transfer.max_conns_per_ip", int64(t.MaxConnsPerIP), 1, 100000)
	p.durRange("transfer.header_timeout", t.HeaderTimeout, time.Second, time.Hour)
	p.durRange("transfer.idle_timeout", t.IdleTimeout, time.Second, time.Hour)
	p.atLeastSize("transfer.min_rate", t.MinRate, 1)
	p.intRange("transfer.sanitize_workers", int64(t.SanitizeWorkers), 1, 256)
	p.durRange("transfer.sanitize_timeout", t.SanitizeTimeout, time.Second, 24*time.Hour)
	validatePolicyMap(p, "transfer.inbound_policy", t.InboundPolicy)
	validatePolicyMap(p, "transfer.outbound_policy", t.OutboundPolicy)
	p.durRange("transfer.retention", t.Retention, time.Hour, 10*365*24*time.Hour)
	p.durRange("transfer.max_link_expiry", t.MaxLinkExpiry, time.Hour, 365*24*time.Hour)
	p.durRange("transfer.link_expiry", t.LinkExpiry, time.Hour, time.Duration(t.MaxLinkExpiry))
	p.intRange("transfer.max_downloads", int64(t.MaxDownloads), 1, 100)
	p.oneOf("transfer.access_code", t.AccessCode, "required", "optional", "off")
	p.oneOf("transfer.approval", t.Approval, "pre", "post")
	validateRules(p, "transfer.auto_approve", t.AutoApprove)
	for _, name := range sortedKeys(t.Departments) {
		d, key := t.Departments[name], "transfer.departments."+name
		if strings.TrimSpace(name) == "" || strings.ContainsAny(name, "\r\n\t") {
			p.add(key, name, "department names must be one line and not empty")
		}
		if d.Approval == "" {
			p.add(key+".approval", "", "must be pre or post")
		} else {
			p.oneOf(key+".approval", d.Approval, "pre", "post")
		}
		validateRules(p, key+".auto_approve", d.AutoApprove)
	}
	for _, m := range duplicateMembers(t.Departments) {
		p.add("transfer.departments", m, "a user is a member of more than one department")
	}
}

// validatePolicyMap checks the actions of a policy override map; its keys are checked
// with the engine's (CheckTransferPolicyKeys).
func validatePolicyMap(p *problems, key string, m map[string]string) {
	for _, k := range sortedKeys(m) {
		if !slices.Contains(PolicyActions, m[k]) {
			p.add(key+"."+k, m[k], "must be one of "+strings.Join(PolicyActions, ", "))
		}
	}
}

func validateRules(p *problems, key string, rules []AutoApprove) {
	for i, r := range rules {
		k := fmt.Sprintf("%s[%d]", key, i)
		if r.MaxSize == 0 && len(r.Types) == 0 && len(r.Domains) == 0 {
			p.add(k, "", "a rule needs at least one of max_size, types, domains (an empty rule would approve everything)")
		}
		for j, d := range r.Domains {
			if !validHostName(strings.TrimPrefix(d, ".")) {
				p.add(fmt.Sprintf("%s.domains[%d]", k, j), d, "must be a domain name")
			}
		}
	}
}

func duplicateMembers(deps map[string]Department) []string {
	seen := map[string]bool{}
	var dup []string
	for _, name := range sortedKeys(deps) {
		for _, m := range deps[name].Members {
			m = strings.ToLower(strings.TrimSpace(m))
			if seen[m] && !slices.Contains(dup, m) {
				dup = append(dup, m)
			}
			seen[m] = true
		}
	}
	return dup
}

// CheckTransferPolicyKeys reports every key of transfer.inbound_policy and
// transfer.outbound_policy that known rejects.
func (c *Config) CheckTransferPolicyKeys(known func(string) bool) error {
	p := &problems{c: c}
	for _, s := range []struct {
		key string
		m   map[string]string
	}{{"transfer.inbound_policy", c.Transfer.InboundPolicy}, {"transfer.outbound_policy", c.Transfer.OutboundPolicy}} {
		for _, k := range sortedKeys(s.m) {
			if !known(k) {
				p.add(s.key+"."+k, "", "unknown type or class")
			}
		}
	}
	return p.err()
}
