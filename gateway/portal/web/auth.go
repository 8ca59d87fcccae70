package web

import (
	"errors"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
)

// authRoutes registers the pages every web application has: login (password, then
// TOTP), logout, the language switch and the static assets.
func (s *Server) authRoutes() {
	s.GET("/login", Anyone, s.loginPage)
	s.POST("/login", Anyone, s.loginPost)
	s.GET("/login/totp", Access{Pending: true}, s.totpPage)
	s.POST("/login/totp", Access{Pending: true}, s.totpPost)
	s.POST("/logout", Access{Public: true}, s.logout)
	s.POST("/lang", Anyone, s.setLang)
	s.GET("/static/*", Anyone, s.static)
}

type loginData struct {
	Next, User, Error, Notice string
}

func (s *Server) loginPage(c *Ctx) error {
	if c.sess != nil && c.sess.Stage == accounts.Full {
		return c.Redirect(localPath(c.Query("next"), s.o.Home(c.sess.Roles)))
	}
	d := loginData{Next: localPath(c.Query("next"), "")}
	if c.Query("bye") != "" {
		d.Notice = "logout.done"
	}
	return c.Render("login.html", d)
}

// loginError maps an authentication error to the message shown; anything unexpected is
// "invalid" to the user and an error in the log.
func loginError(err error) string {
	switch {
	case errors.Is(err, accounts.ErrLocked):
		return "login.locked"
	case errors.Is(err, accounts.ErrRateLimited):
		return "login.rate"
	case errors.Is(err, accounts.ErrAddress):
		return "login.address"
	case errors.Is(err, accounts.ErrTOTPNotEnabled):
		return "login.totp_missing"
	case errors.Is(err, accounts.ErrInvalid):
		return "login.invalid"
	}
	return "login.unavailable"
}

// auditName is the typed user name as it may appear in the audit log: bounded, one line.
func auditName(n string) string {
	n = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.TrimSpace(n))
	if len(n) > 128 {
		n = n[:128]
	}
	if n == "" {
		return "-"
	}
	return n
}

func (s *Server) loginPost(c *Ctx) error {
	name, pw := c.Form("user"), c.Form("password")
	next := localPath(c.Form("next"), "")
	l, err := s.o.Auth.Password(c, name, pw, c.ip)
	if err != nil {
		msg := loginError(err)
		if msg == "login.unavailable" {
			s.log.Error("login failed on an internal error", "remote_ip", c.ip.String(), "err", err)
		}
		if aerr := s.o.Audit.Audit(c, Event{Action: "login-failed", Actor: auditName(name), IP: c.ip.String(),
			Detail: strings.TrimPrefix(msg, "login.")}); aerr != nil {
			return aerr
		}
		c.SetStatusCode(401)
		return c.renderStatus(401, "login.html", loginData{Next: next, User: name, Error: msg})
	}
	if l.NeedTOTP {
		if err := s.startSession(c, l.User.Name, l.Roles, accounts.PendingTOTP); err != nil {
			return err
		}
		if err := c.Audit("login-password", "", "totp pending"); err != nil {
			return err
		}
		return c.Redirect("/login/totp?next=" + urlQueryEscape(next))
	}
	return s.completeLogin(c, l.User.Name, l.Roles, next, "password")
}

func (s *Server) completeLogin(c *Ctx, user string, roles accounts.Roles, next, how string) error {
	if err := s.startSession(c, user, roles, accounts.Full); err != nil {
		return err
	}
	if err := c.Audit("login", "", how+"; roles "+roles.String()); err != nil {
		s.endSession(c)
		return err
	}
	return c.Redirect(localPath(next, s.o.Home(roles)))
}

func (s *Server) totpPage(c *Ctx) error {
	return c.Render("totp.html", loginData{Next: localPath(c.Query("next"), "")})
}

func (s *Server) totpPost(c *Ctx) error {
	next := localPath(c.Form("next"), "")
	err := s.o.Auth.CheckTOTP(c, c.sess.User, c.Form("code"), c.ip)
	if err != nil {
		msg := loginError(err)
		if msg == "login.invalid" {
			msg = "totp.invalid"
		}
		if aerr := c.Audit("login-failed", "", "totp: "+strings.TrimPrefix(msg, "login.")); aerr != nil {
			return aerr
		}
		if errors.Is(err, accounts.ErrLocked) {
			s.endSession(c)
			return c.renderStatus(401, "login.html", loginData{Error: msg})
		}
		return c.renderStatus(401, "totp.html", loginData{Next: next, Error: msg})
	}
	return s.completeLogin(c, c.sess.User, c.sess.Roles, next, "password+totp")
}

func (s *Server) logout(c *Ctx) error {
	if c.sess != nil {
		if err := c.Audit("logout", "", ""); err != nil {
			return err
		}
	}
	s.endSession(c)
	return c.Redirect("/login?bye=1")
}

func (s *Server) setLang(c *Ctx) error {
	l := c.Form("lang")
	if l != "ja" && l != "en" {
		return Error(400, "bad request")
	}
	c.lang = l
	s.setCookie(c, langCookie, l, 365*24*3600)
	if c.token != "" {
		s.o.Store.SetSessionLang(c, c.token, l)
	}
	return c.Redirect(localPath(c.Form("back"), "/"))
}

func (s *Server) static(c *Ctx) error {
	name := c.Param("*")
	if name == "" || strings.Contains(name, "..") || strings.HasPrefix(name, "/") {
		return Error(404, "not found")
	}
	b, err := fs.ReadFile(staticFiles, path.Join("static", name))
	if err != nil {
		return Error(404, "not found")
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	c.SetContentType(ct)
	c.Response.Header.Set("Cache-Control", "public, max-age=3600")
	c.SetBody(b)
	return nil
}
