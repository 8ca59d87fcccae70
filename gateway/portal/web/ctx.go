package web

import (
	"context"
	"net/netip"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/valyala/fasthttp"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
)

// Ctx is one request. It must not be kept after the handler returns (fasthttp reuses it).
//
// As a context.Context it is not the fasthttp RequestCtx (whose Value reads request data
// that fasthttp resets for the next request, while database/sql's watcher goroutines may
// still read it) but a context of its own, cancelled when the handler returns.
type Ctx struct {
	*fasthttp.RequestCtx
	ctx    context.Context
	s      *Server
	ip     netip.Addr
	params map[string]string
	sess   *accounts.Session
	token  string // the session cookie's value; never logged
	pre    string // the pre-session cookie's value (CSRF binding before login)
	lang   string
}

// Deadline, Done, Err and Value make Ctx the request's own context.Context.
func (c *Ctx) Deadline() (time.Time, bool) { return c.ctx.Deadline() }
func (c *Ctx) Done() <-chan struct{}       { return c.ctx.Done() }
func (c *Ctx) Err() error                  { return c.ctx.Err() }
func (c *Ctx) Value(k any) any             { return c.ctx.Value(k) }

// Session is the logged-in session, or nil.
func (c *Ctx) Session() *accounts.Session { return c.sess }

// User is the session's user name, or "-".
func (c *Ctx) User() string {
	if c.sess == nil {
		return "-"
	}
	return c.sess.User
}

// Has reports whether the session holds the role.
func (c *Ctx) Has(r accounts.Role) bool {
	return c.sess != nil && c.sess.Stage == accounts.Full && c.sess.Roles.Has(r)
}

// IP is the client address.
func (c *Ctx) IP() netip.Addr { return c.ip }

// Lang is the page language, "ja" or "en".
func (c *Ctx) Lang() string { return c.lang }

// Param is a {name} segment of the route.
func (c *Ctx) Param(name string) string { return c.params[name] }

// maxField bounds any single form or query value; longer values are cut (and never
// valid for what they were meant to be).
const maxField = 4096

func clean(b []byte) string {
	if len(b) > maxField {
		b = b[:maxField]
	}
	s := string(b)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

// Form is a POST field.
func (c *Ctx) Form(name string) string { return clean(c.PostArgs().Peek(name)) }

// FormAll is every value of a repeated POST field (checkbox lists), at most 1000.
func (c *Ctx) FormAll(name string) []string {
	var out []string
	for _, v := range c.PostArgs().PeekMulti(name) {
		if len(out) == 1000 {
			break
		}
		out = append(out, clean(v))
	}
	return out
}

// Query is a URL query parameter.
func (c *Ctx) Query(name string) string { return clean(c.QueryArgs().Peek(name)) }

// Redirect ends the handler with a 303 to a local path.
func (c *Ctx) Redirect(to string) error { return redirect{to: localPath(to, "/")} }

// localPath returns p if it is a path on this site, else def: no scheme, no host, no
// protocol-relative or backslash tricks (open redirects after login).
func localPath(p, def string) string {
	if p == "" || p[0] != '/' || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n\t") {
		return def
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return def
	}
	return p
}

// Audit records an event for the current user and address.
func (c *Ctx) Audit(action, object, detail string) error {
	return c.s.o.Audit.Audit(c, Event{Action: action, Actor: c.User(), IP: c.ip.String(), Object: object, Detail: detail})
}

// toLogin sends an anonymous request to the login page, remembering where it went.
func (c *Ctx) toLogin() error {
	if string(c.Method()) != "GET" {
		return Error(403, "error.session")
	}
	next := string(c.RequestURI())
	return redirect{to: "/login?next=" + url.QueryEscape(localPath(next, "/"))}
}

// T translates a message key into the page language.
func (c *Ctx) T(key string) string { return c.s.r.msgs.get(c.lang, key) }

// Render writes the page template with data (200).
func (c *Ctx) Render(page string, data any) error { return c.renderStatus(200, page, data) }

// RenderStatus writes the page template with data and the status code (a form shown
// again after a wrong code, a page saying a link has expired).
func (c *Ctx) RenderStatus(code int, page string, data any) error {
	return c.renderStatus(code, page, data)
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
