package delivery

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Route says where mail for one recipient domain goes.
type Route struct {
	Domain    string // "city.lg.jp", ".lg.jp" (any subdomain) or "*"
	Transport string // "smtp" or "dir"
	Addr      string // host:port for smtp; a directory for dir
	// TLS is "none", "opportunistic" (STARTTLS when offered) or "required".
	TLS                string
	InsecureSkipVerify bool   // accept any certificate (LGWAN servers with private CAs)
	ServerName         string // name to verify; default: the host of Addr
	Username, Password string // AUTH PLAIN after TLS, if set
}

// ParseRoute reads "smtp://host:port?tls=required&insecure=1&server_name=x" or "dir:/path".
func ParseRoute(domain, target string) (Route, error) {
	r := Route{Domain: strings.ToLower(domain)}
	if p, ok := strings.CutPrefix(target, "dir:"); ok {
		if p == "" {
			return r, fmt.Errorf("dir transport needs a directory")
		}
		r.Transport, r.Addr = "dir", p
		return r, nil
	}
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "smtp" || u.Host == "" {
		return r, fmt.Errorf("want smtp://host:port or dir:/path, got %q", target)
	}
	if _, _, err := net.SplitHostPort(u.Host); err != nil {
		u.Host = net.JoinHostPort(u.Host, "25")
	}
	r.Transport, r.Addr = "smtp", u.Host
	q := u.Query()
	r.TLS = q.Get("tls")
	switch r.TLS {
	case "":
		r.TLS = "opportunistic"
	case "none", "opportunistic", "required":
	default:
		return r, fmt.Errorf("tls must be none, opportunistic or required, got %q", r.TLS)
	}
	r.InsecureSkipVerify = q.Get("insecure") == "1" || q.Get("insecure") == "true"
	r.ServerName = q.Get("server_name")
	if u.User != nil {
		r.Username = u.User.Username()
		r.Password, _ = u.User.Password()
	}
	return r, nil
}

// Key identifies the next hop for connection pooling.
func (r Route) Key() string { return r.Transport + ":" + r.Addr + ":" + r.TLS }

// Router picks a route for a recipient.
type Router struct {
	exact    map[string]Route
	suffixes []Route // ".lg.jp" style, longest first
	def      *Route
}

// NewRouter builds a router from routes.
func NewRouter(routes []Route) *Router {
	rt := &Router{exact: map[string]Route{}}
	for _, r := range routes {
		switch {
		case r.Domain == "*":
			rr := r
			rt.def = &rr
		case strings.HasPrefix(r.Domain, "."):
			rt.suffixes = append(rt.suffixes, r)
		default:
			rt.exact[r.Domain] = r
		}
	}
	for i := range rt.suffixes {
		for j := i + 1; j < len(rt.suffixes); j++ {
			if len(rt.suffixes[j].Domain) > len(rt.suffixes[i].Domain) {
				rt.suffixes[i], rt.suffixes[j] = rt.suffixes[j], rt.suffixes[i]
			}
		}
	}
	return rt
}

// Lookup returns the route for an address, or false when none applies.
func (rt *Router) Lookup(addr string) (Route, bool) {
	d := domainOf(addr)
	if r, ok := rt.exact[d]; ok {
		return r, true
	}
	for _, r := range rt.suffixes {
		if strings.HasSuffix(d, r.Domain) {
			return r, true
		}
	}
	if rt.def != nil {
		return *rt.def, true
	}
	return Route{}, false
}

// domainOf returns the lower-cased domain of an address, without a trailing dot.
func domainOf(addr string) string {
	i := strings.LastIndexByte(addr, '@')
	if i < 0 {
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(addr[i+1:]), ".")
}

// Domains lists the recipient domains routes name, except the default "*": the domains
// to accept mail for when none are configured.
func Domains(routes []Route) []string {
	var out []string
	for _, r := range routes {
		if r.Domain != "*" {
			out = append(out, r.Domain)
		}
	}
	return out
}
