package config

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// Portal configures the LGWAN-side web portal served on http.listen: the operators'
// console, staff self-service and the PPAP password page.
type Portal struct {
	// Enabled serves the portal pages next to /metrics and /healthz. Default true.
	Enabled bool `yaml:"enabled"`
	// PublicURL is the portal's address as staff reach it, used in links sent by mail
	// (PPAP notices, the daily digest), e.g. https://gw.city.lg.jp:9025. Empty:
	// derived from http.listen.
	PublicURL string `yaml:"public_url"`
	// TLSCert and TLSKey are PEM files: with them http.listen speaks HTTPS. Without them
	// it speaks plain HTTP, which browsers accept for the session cookie only on
	// loopback: elsewhere put a TLS proxy in front (trusted_proxies).
	TLSCert string `yaml:"tls_cert" config:"path"`
	TLSKey  string `yaml:"tls_key" config:"path"`
	// AdminNetworks are the source networks (CIDR) from which operator and admin roles
	// can be used. Default loopback only.
	AdminNetworks []string `yaml:"admin_networks"`
	// TrustedProxies (CIDR) may set X-Forwarded-For. Default none.
	TrustedProxies []string `yaml:"trusted_proxies"`
	SessionIdle    Duration `yaml:"session_idle"`      // logout after this long without a request. Default 30m.
	SessionMax     Duration `yaml:"session_max"`       // logout this long after login, whatever happens. Default 12h.
	MaxFailures    int      `yaml:"max_failures"`      // consecutive failed logins before a lockout. Default 5.
	Lockout        Duration `yaml:"lockout"`           // how long a locked account stays locked. Default 15m.
	LoginRatePerIP int      `yaml:"login_rate_per_ip"` // login attempts per minute from one address. Default 20.
	// TwoPersonRelease makes every release a request that a second operator approves.
	// Default false.
	TwoPersonRelease bool `yaml:"two_person_release"`
	// PPAPMaxTries wrong passwords lock an encrypted item for PPAPLock. Defaults 5 and 1h.
	PPAPMaxTries int      `yaml:"ppap_max_tries"`
	PPAPLock     Duration `yaml:"ppap_lock"`
	// PreviewDPI is the resolution of the page images a preview shows: a screen needs
	// less than render.dpi's documents, and a page costs the square of it. Default 96.
	PreviewDPI int `yaml:"preview_dpi"`
	// DigestTime is when the daily digest mail goes to operators (HH:MM, server time);
	// empty disables it. Default 08:30.
	DigestTime string `yaml:"digest_time"`
	// DigestTo are the digest's recipients; empty: the e-mail addresses of operators.
	DigestTo []string `yaml:"digest_to"`
	LDAP     LDAP     `yaml:"ldap"`
}

// LDAP configures the optional LDAP / Active Directory login for staff. Empty url: local
// accounts only.
type LDAP struct {
	URL                string `yaml:"url"`                  // ldap://host:389 or ldaps://host:636
	StartTLS           bool   `yaml:"start_tls"`            // upgrade ldap:// before binding. Default false.
	InsecureSkipVerify bool   `yaml:"insecure_skip_verify"` // accept any certificate (testing only). Default false.
	// BindDN and BindPasswordFile are the service account that searches for users; empty
	// means an anonymous search.
	BindDN           string `yaml:"bind_dn"`
	BindPasswordFile string `yaml:"bind_password_file" config:"path"`
	BaseDN           string `yaml:"base_dn"` // where users are searched; required with url
	// UserFilter finds the user; {user} is the escaped login name. Default (uid={user});
	// for Active Directory (sAMAccountName={user}).
	UserFilter  string `yaml:"user_filter"`
	MailAttr    string `yaml:"mail_attribute"`    // Default mail.
	DisplayAttr string `yaml:"display_attribute"` // Default displayName.
	// GroupBaseDN and GroupFilter find a user's groups ({dn}: the user's DN). Default
	// filter (|(member={dn})(uniqueMember={dn})).
	GroupBaseDN string `yaml:"group_base_dn"`
	GroupFilter string `yaml:"group_filter"`
	// GroupRoles grant roles to the members of a group: group DN → staff, approver,
	// auditor, operator or admin. Every directory user is staff.
	GroupRoles map[string]string `yaml:"group_roles"`
}

func defaultPortal() Portal {
	return Portal{
		Enabled:        true,
		AdminNetworks:  []string{"127.0.0.0/8", "::1/128"},
		TrustedProxies: []string{},
		SessionIdle:    Duration(30 * time.Minute),
		SessionMax:     Duration(12 * time.Hour),
		MaxFailures:    5,
		Lockout:        Duration(15 * time.Minute),
		LoginRatePerIP: 20,
		PPAPMaxTries:   5,
		PPAPLock:       Duration(time.Hour),
		PreviewDPI:     96,
		DigestTime:     "08:30",
		DigestTo:       []string{},
		LDAP: LDAP{UserFilter: "(uid={user})", MailAttr: "mail", DisplayAttr: "displayName",
			GroupFilter: "(|(member={dn})(uniqueMember={dn}))", GroupRoles: map[string]string{}},
	}
}

// Prefixes parses a list of CIDRs (a bare address is a one-address network).
func Prefixes(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not a network (CIDR) or address", s)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

func (po Portal) validate(p *problems) {
	if po.PublicURL != "" {
		if u, err := url.Parse(po.PublicURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			p.add("portal.public_url", po.PublicURL, "must be an http:// or https:// URL")
		}
	}
	if (po.TLSCert == "") != (po.TLSKey == "") {
		p.add("portal.tls_key", po.TLSKey, "tls_cert and tls_key must be set together")
	}
	for i, s := range po.AdminNetworks {
		if _, err := Prefixes([]string{s}); err != nil {
			p.add(fmt.Sprintf("portal.admin_networks[%d]", i), s, "must be a network (CIDR) or address")
		}
	}
	for i, s := range po.TrustedProxies {
		if _, err := Prefixes([]string{s}); err != nil {
			p.add(fmt.Sprintf("portal.trusted_proxies[%d]", i), s, "must be a network (CIDR) or address")
		}
	}
	p.durRange("portal.session_idle", po.SessionIdle, time.Minute, 24*time.Hour)
	p.durRange("portal.session_max", po.SessionMax, time.Minute, 7*24*time.Hour)
	p.intRange("portal.max_failures", int64(po.MaxFailures), 1, 1000)
	p.durRange("portal.lockout", po.Lockout, time.Minute, 30*24*time.Hour)
	p.intRange("portal.login_rate_per_ip", int64(po.LoginRatePerIP), 1, 100000)
	p.intRange("portal.ppap_max_tries", int64(po.PPAPMaxTries), 1, 100)
	p.intRange("portal.preview_dpi", int64(po.PreviewDPI), 36, 600)
	p.durRange("portal.ppap_lock", po.PPAPLock, time.Minute, 30*24*time.Hour)
	if po.DigestTime != "" {
		if _, err := time.Parse("15:04", po.DigestTime); err != nil {
			p.add("portal.digest_time", po.DigestTime, "must be HH:MM or empty")
		}
	}
	for i, a := range po.DigestTo {
		if !strings.Contains(a, "@") {
			p.add(fmt.Sprintf("portal.digest_to[%d]", i), a, "must be an e-mail address")
		}
	}
	l := po.LDAP
	if l.URL != "" {
		if u, err := url.Parse(l.URL); err != nil || (u.Scheme != "ldap" && u.Scheme != "ldaps") || u.Host == "" {
			p.add("portal.ldap.url", l.URL, "must be ldap://host:port or ldaps://host:port")
		}
		if l.BaseDN == "" {
			p.add("portal.ldap.base_dn", "", "is required with portal.ldap.url")
		}
		if (l.BindDN == "") != (l.BindPasswordFile == "") {
			p.add("portal.ldap.bind_password_file", l.BindPasswordFile, "bind_dn and bind_password_file must be set together")
		}
	}
	if !strings.Contains(l.UserFilter, "{user}") {
		p.add("portal.ldap.user_filter", l.UserFilter, "must contain {user}")
	}
	if !strings.Contains(l.GroupFilter, "{dn}") {
		p.add("portal.ldap.group_filter", l.GroupFilter, "must contain {dn}")
	}
	for _, dn := range sortedKeys(l.GroupRoles) {
		p.oneOf("portal.ldap.group_roles."+dn, l.GroupRoles[dn], "staff", "approver", "auditor", "operator", "admin")
	}
}
