package web

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
)

// Event is one audited action: a login, a page view of an item, a release.
type Event struct {
	Action string // login, login-failed, logout, view, preview, release, download, ...
	Actor  string // user name, or "-" before login
	IP     string // source address
	Object string // the item or transfer ID, when there is one
	Detail string // never a password, code or token
}

// Auditor records events. When it fails the request fails: nothing happens unaudited.
type Auditor interface {
	Audit(ctx context.Context, e Event) error
}

// Options configure a Server.
type Options struct {
	// Name is shown in titles and the header ("sekisho").
	Name     string
	Store    *accounts.Store
	Auth     *accounts.Authenticator
	Timeouts accounts.SessionTimeouts
	Audit    Auditor
	Logger   *slog.Logger
	// TLS serves HTTPS; nil serves plain HTTP (on loopback, or behind a TLS proxy: the
	// session cookie is always Secure, so browsers send it only over HTTPS or to localhost).
	TLS *tls.Config
	// TrustedProxies may set X-Forwarded-For; the client address is then the last address
	// in it that is not a trusted proxy.
	TrustedProxies []netip.Prefix
	// MaxBodySize bounds a request body; default 1 MiB (forms only: uploads go to stream
	// routes, see MountStream).
	MaxBodySize int
	// ReadTimeout bounds reading a whole request (header and body) outside stream routes;
	// default 30s.
	ReadTimeout time.Duration
	// MaxConnsPerIP bounds the connections of one client address; 0 means no bound.
	MaxConnsPerIP int
	// Pages holds the application's templates (*.html, each defining "content" and
	// optionally "title"); Messages its translations.
	Pages    fs.FS
	Messages Messages
	// Home is where a user lands after login (by roles); default "/".
	Home func(accounts.Roles) string
	// Nav lists the links of the header, shown to the roles each allows.
	Nav []NavItem
	// Secret keys the CSRF tokens; at least 32 bytes (accounts.Store.Secret).
	Secret []byte
	Now    func() time.Time
}

// NavItem is one link of the header.
type NavItem struct {
	Path   string
	Label  string // message key
	Access Access
}

// Server is the web application: router, middleware, templates.
type Server struct {
	Router
	o       Options
	log     *slog.Logger
	r       *renderer
	fh      *fasthttp.Server
	extra   map[string]fasthttp.RequestHandler
	streams []streamRoute
}

// New builds a server. Routes are added with the Router methods before Serve.
func New(o Options) (*Server, error) {
	if o.Store == nil || o.Auth == nil || o.Audit == nil {
		return nil, errors.New("web: store, authenticator and auditor are required")
	}
	if len(o.Secret) < 32 {
		return nil, errors.New("web: secret must be at least 32 bytes")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MaxBodySize <= 0 {
		o.MaxBodySize = 1 << 20
	}
	if o.Name == "" {
		o.Name = "sekisho"
	}
	if o.Home == nil {
		o.Home = func(accounts.Roles) string { return "/" }
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = 30 * time.Second
	}
	r, err := newRenderer(o.Pages, o.Messages)
	if err != nil {
		return nil, err
	}
	s := &Server{o: o, log: o.Logger, r: r, extra: map[string]fasthttp.RequestHandler{}}
	s.fh = &fasthttp.Server{
		Handler:                      s.serve,
		Name:                         "", // no Server header
		NoDefaultServerHeader:        true,
		NoDefaultContentType:         true,
		ReadTimeout:                  o.ReadTimeout,
		MaxConnsPerIP:                o.MaxConnsPerIP,
		WriteTimeout:                 60 * time.Second,
		IdleTimeout:                  2 * time.Minute,
		MaxRequestBodySize:           o.MaxBodySize,
		DisablePreParseMultipartForm: true,
		ReadBufferSize:               16 << 10, // long cookie and query headers, still bounded
		Concurrency:                  1024,
		Logger:                       slog.NewLogLogger(o.Logger.Handler(), slog.LevelDebug),
	}
	s.authRoutes()
	return s, nil
}

// Mount serves path (exactly) with a plain fasthttp handler outside the session
// machinery: /metrics and /healthz. They still get the security headers.
func (s *Server) Mount(path string, h fasthttp.RequestHandler) { s.extra[path] = h }

// Serve serves on ln (wrapped in TLS when configured) until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	if s.o.TLS != nil {
		ln = tls.NewListener(ln, s.o.TLS)
	}
	return s.fh.Serve(ln)
}

// Shutdown stops accepting and waits for requests in flight, up to ctx.
func (s *Server) Shutdown(ctx context.Context) error { return s.fh.ShutdownWithContext(ctx) }

// Handler is the whole application as a fasthttp handler (for tests and embedding).
func (s *Server) Handler() fasthttp.RequestHandler { return s.serve }

// requestTimeout bounds the work of one request (a first preview renders a document).
const requestTimeout = 3 * time.Minute

const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'"

func (s *Server) headers(ctx *fasthttp.RequestCtx) {
	h := &ctx.Response.Header
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	// same-origin, not no-referrer: under no-referrer browsers send "Origin: null" with
	// form posts, which the CSRF check must refuse.
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	if ctx.IsTLS() {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
}

func (s *Server) serve(fctx *fasthttp.RequestCtx) {
	s.headers(fctx)
	path := string(fctx.Path())
	if h, ok := s.extra[path]; ok {
		h(fctx)
		return
	}
	if rt := s.stream(path); rt != nil {
		rt.Handler(fctx)
		return
	}
	if !s.boundBody(fctx) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	c := &Ctx{RequestCtx: fctx, ctx: ctx, s: s, ip: s.clientIP(fctx)}
	if err := s.dispatch(c, path); err != nil {
		s.fail(c, err)
	}
}

func (s *Server) dispatch(c *Ctx, path string) error {
	method := string(c.Method())
	if strings.Contains(path, "..") || strings.Contains(path, "//") || strings.ContainsRune(path, 0) {
		return Error(400, "bad path")
	}
	s.loadSession(c)
	if c.lang == "" {
		c.lang = langFromRequest(c.RequestCtx)
	}
	rt, params, other := s.match(method, path)
	if rt == nil {
		if other {
			return Error(405, "method not allowed")
		}
		return Error(404, "not found")
	}
	c.params = params
	if err := s.authorize(c, rt); err != nil {
		return err
	}
	if method != "GET" && method != "HEAD" {
		if err := s.checkCSRF(c); err != nil {
			return err
		}
	}
	c.Response.Header.Set("Cache-Control", "no-store")
	return rt.handler(c)
}

// authorize applies the route's Access to the request's session.
func (s *Server) authorize(c *Ctx, rt *Route) error {
	a := rt.Access
	switch {
	case a.Public:
		return nil
	case a.Pending:
		if c.sess == nil || c.sess.Stage != accounts.PendingTOTP {
			return c.toLogin()
		}
		return nil
	}
	if c.sess == nil || c.sess.Stage != accounts.Full {
		return c.toLogin()
	}
	if len(a.Roles) > 0 && !c.sess.Roles.Any(a.Roles...) {
		return Error(403, "forbidden")
	}
	return nil
}

// HTTPError is an error with a status code and a message safe to show.
type HTTPError struct {
	Code int
	Msg  string // a message key or plain text; shown to the user
	Err  error  // logged, never shown
}

func (e *HTTPError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%d %s: %v", e.Code, e.Msg, e.Err)
	}
	return fmt.Sprintf("%d %s", e.Code, e.Msg)
}

func (e *HTTPError) Unwrap() error { return e.Err }

// Error returns an HTTPError.
func Error(code int, msg string) *HTTPError { return &HTTPError{Code: code, Msg: msg} }

// redirect is returned by handlers to end with a redirect (303 after a POST).
type redirect struct{ to string }

func (redirect) Error() string { return "redirect" }

// fail renders an error page. Anything that is not an HTTPError is a 500 whose detail
// goes to the log under an error ID that the page shows.
func (s *Server) fail(c *Ctx, err error) {
	var rd redirect
	if errors.As(err, &rd) {
		// A relative Location (RFC 9110 10.2.2): fasthttp's Redirect would make it
		// absolute from the request's Host header, which the client controls.
		c.Response.Header.Set("Cache-Control", "no-store")
		c.Response.Header.Set("Location", rd.to)
		c.SetStatusCode(fasthttp.StatusSeeOther)
		return
	}
	var he *HTTPError
	if !errors.As(err, &he) {
		he = &HTTPError{Code: 500, Msg: "error.internal", Err: err}
	}
	var id [6]byte
	rand.Read(id[:])
	eid := hex.EncodeToString(id[:])
	lvl := slog.LevelInfo
	if he.Code >= 500 {
		lvl = slog.LevelError
	}
	s.log.Log(c, lvl, "request failed", "error_id", eid, "status", he.Code, "method", string(c.Method()),
		"path", string(c.Path()), "remote_ip", c.ip.String(), "user", c.User(), "err", err)
	c.Response.Reset()
	s.headers(c.RequestCtx)
	c.Response.Header.Set("Cache-Control", "no-store")
	c.SetStatusCode(he.Code)
	c.renderStatus(he.Code, "error.html", map[string]any{"Code": he.Code, "Msg": he.Msg, "ErrorID": eid})
}

// clientIP is the connection's address, or with a trusted proxy in front, the address
// the proxy saw.
func (s *Server) clientIP(ctx *fasthttp.RequestCtx) netip.Addr {
	ip, _ := netip.AddrFromSlice(ctx.RemoteIP())
	ip = ip.Unmap()
	if !s.trusted(ip) {
		return ip
	}
	xff := string(ctx.Request.Header.Peek("X-Forwarded-For"))
	parts := strings.Split(xff, ",")
	for i := len(parts) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(parts[i]))
		if err != nil {
			return ip
		}
		a = a.Unmap()
		if !s.trusted(a) {
			return a
		}
	}
	return ip
}

func (s *Server) trusted(ip netip.Addr) bool {
	for _, p := range s.o.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
