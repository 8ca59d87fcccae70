package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"

	"github.com/valyala/fasthttp"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
)

// The __Host- prefix makes browsers refuse the cookie unless it is Secure, has Path=/
// and no Domain: a sibling host cannot plant or overwrite it (session fixation).
const (
	sessionCookie = "__Host-sekisho"
	preCookie     = "__Host-sekisho-pre"
	langCookie    = "__Host-sekisho-lang"
)

func (s *Server) setCookie(c *Ctx, name, value string, maxAge int) {
	ck := fasthttp.AcquireCookie()
	defer fasthttp.ReleaseCookie(ck)
	ck.SetKey(name)
	ck.SetValue(value)
	ck.SetPath("/")
	ck.SetSecure(true)
	ck.SetHTTPOnly(true)
	ck.SetSameSite(fasthttp.CookieSameSiteStrictMode)
	if maxAge != 0 {
		ck.SetMaxAge(maxAge)
	}
	c.Response.Header.SetCookie(ck)
}

// loadSession reads the session cookie. A session used from another address than the one
// it logged in from is ended: a stolen cookie does not travel.
func (s *Server) loadSession(c *Ctx) {
	c.pre = string(c.Request.Header.Cookie(preCookie))
	if l := string(c.Request.Header.Cookie(langCookie)); l == "ja" || l == "en" {
		c.lang = l
	}
	tok := string(c.Request.Header.Cookie(sessionCookie))
	if tok == "" {
		return
	}
	sess, err := s.o.Store.Session(c, tok, s.o.Timeouts)
	if err != nil {
		if !errors.Is(err, accounts.ErrNoSession) {
			s.log.Error("session lookup failed", "err", err)
		}
		return
	}
	if sess.IP != c.ip.String() {
		s.o.Store.EndSession(c, tok)
		s.log.Info("session ended: address changed", "session", sess.ID, "user", sess.User,
			"from", sess.IP, "remote_ip", c.ip.String())
		return
	}
	c.sess, c.token = &sess, tok
	if sess.Lang == "ja" || sess.Lang == "en" {
		c.lang = sess.Lang
	}
}

// startSession replaces whatever session the request had with a new one (a new token at
// every login step, so a token seen before login is worthless after it).
func (s *Server) startSession(c *Ctx, user string, roles accounts.Roles, stage accounts.Stage) error {
	if c.token != "" {
		s.o.Store.EndSession(c, c.token)
	}
	tok, sess, err := s.o.Store.NewSession(c, user, roles, stage, c.ip.String(), c.lang)
	if err != nil {
		return err
	}
	c.sess, c.token = &sess, tok
	s.setCookie(c, sessionCookie, tok, 0)
	return nil
}

func (s *Server) endSession(c *Ctx) {
	if c.token != "" {
		s.o.Store.EndSession(c, c.token)
	}
	c.sess, c.token = nil, ""
	s.setCookie(c, sessionCookie, "", -1)
}

// CSRF returns the token forms must carry: an HMAC of the session token (or of the
// pre-session cookie before login), so it is worthless for any other session.
func (c *Ctx) CSRF() string {
	bind := c.token
	if bind == "" {
		if c.pre == "" {
			var b [24]byte
			rand.Read(b[:])
			c.pre = base64.RawURLEncoding.EncodeToString(b[:])
			c.s.setCookie(c, preCookie, c.pre, 0)
		}
		bind = "pre:" + c.pre
	}
	m := hmac.New(sha256.New, c.s.o.Secret)
	m.Write([]byte("sekisho-csrf\x00"))
	m.Write([]byte(bind))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF refuses a state change that did not come from one of our own pages: the
// browser's Sec-Fetch-Site and Origin must say same origin when present, and the form
// (or X-CSRF-Token header) must carry this session's token.
func (s *Server) checkCSRF(c *Ctx) error {
	if sfs := string(c.Request.Header.Peek("Sec-Fetch-Site")); sfs != "" && sfs != "same-origin" {
		return &HTTPError{Code: 403, Msg: "error.csrf", Err: errors.New("cross-site request: Sec-Fetch-Site " + sfs)}
	}
	if o := string(c.Request.Header.Peek("Origin")); o != "" {
		scheme := "http://"
		if c.IsTLS() {
			scheme = "https://"
		}
		if o != scheme+string(c.Host()) {
			return &HTTPError{Code: 403, Msg: "error.csrf", Err: errors.New("cross-origin request from " + o)}
		}
	}
	got := string(c.PostArgs().Peek("csrf"))
	if got == "" {
		got = string(c.Request.Header.Peek("X-CSRF-Token"))
	}
	if c.token == "" && c.pre == "" {
		return &HTTPError{Code: 403, Msg: "error.csrf", Err: errors.New("no session or pre-session cookie")}
	}
	if !hmac.Equal([]byte(got), []byte(c.CSRF())) {
		return &HTTPError{Code: 403, Msg: "error.csrf", Err: errors.New("missing or wrong CSRF token")}
	}
	return nil
}
