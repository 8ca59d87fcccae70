package web_test

import (
	"errors"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/portal/web"
	"github.com/sekisho/sekisho/gateway/portal/web/webtest"
)

type env struct {
	url   string
	st    *accounts.Store
	auth  *accounts.Authenticator
	audit *webtest.Recorder
	srv   *web.Server
}

var pages = fstest.MapFS{
	"home.html": {Data: []byte(`{{define "content"}}<h1 id="hello">hello {{.User}}</h1>
<form method="post" action="/do"><input type="hidden" name="csrf" value="{{.CSRF}}"><button>do</button></form>{{end}}`)},
	"item.html": {Data: []byte(`{{define "content"}}<p id="item">{{.Data}}</p>{{end}}`)},
}

func newEnv(t *testing.T, o accounts.AuthOptions) *env {
	t.Helper()
	st, auth, _ := webtest.Accounts(t, o)
	e := &env{st: st, auth: auth, audit: &webtest.Recorder{}}
	srv, err := web.New(web.Options{Store: st, Auth: auth, Audit: e.audit, TLS: webtest.TLSConfig(t),
		Secret: []byte(strings.Repeat("k", 32)), Pages: pages,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
		Nav:            []web.NavItem{{Path: "/", Label: "app.title"}}})
	if err != nil {
		t.Fatal(err)
	}
	srv.GET("/", web.LoggedIn, func(c *web.Ctx) error { return c.Render("home.html", nil) })
	srv.POST("/do", web.Roles(accounts.Operator), func(c *web.Ctx) error {
		if err := c.Audit("do", "X1", ""); err != nil {
			return err
		}
		c.SetBodyString("done")
		return nil
	})
	srv.GET("/items/{id}", web.Roles(accounts.Staff), func(c *web.Ctx) error { return c.Render("item.html", c.Param("id")) })
	e.srv = srv
	e.url = webtest.Serve(t, srv, true)
	return e
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, accounts.AuthOptions{})
	c := webtest.NewClient(t, e.url)
	for _, p := range []string{"/login", "/", "/nope", "/static/style.css", "/static/../../etc/passwd"} {
		resp, _ := c.Get(p)
		h := resp.Header
		if !strings.Contains(h.Get("Content-Security-Policy"), "script-src 'self'") ||
			strings.Contains(h.Get("Content-Security-Policy"), "unsafe-inline") ||
			h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("Strict-Transport-Security") == "" || h.Get("Server") != "" {
			t.Errorf("%s: headers %v", p, h)
		}
	}
	resp, body := c.Get("/static/app.js")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") || !strings.Contains(body, "data-confirm") {
		t.Fatalf("static: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, p := range []string{"/static/../web.go", "/static/%2e%2e/web.go", "/static/", "/static//etc/passwd"} {
		if resp, _ := c.Get(p); resp.StatusCode != 400 && resp.StatusCode != 404 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
	// No inline script or style attribute in any page the foundation renders.
	_, body = c.Get("/login")
	if strings.Contains(body, "<script>") || strings.Contains(body, " style=") || strings.Contains(body, "onclick") {
		t.Fatal("inline script or style in the login page")
	}
}

func TestLoginFlow(t *testing.T) {
	e := newEnv(t, accounts.AuthOptions{})
	webtest.AddUser(t, e.st, e.auth, "tanaka", "staff-pw", accounts.Staff)
	sec := webtest.AddUser(t, e.st, e.auth, "op", "op-pw", accounts.Operator)
	c := webtest.NewClient(t, e.url)
	resp, _ := c.Get("/items/A1")
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/login?next=%2Fitems%2FA1" {
		t.Fatalf("anonymous: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	c.Get("/login?next=%2Fitems%2FA1")
	resp, body := c.Post("/login", url.Values{"user": {"tanaka"}, "password": {"wrong"}, "next": {"/items/A1"}})
	if resp.StatusCode != 401 || !strings.Contains(body, "ユーザー名またはパスワードが正しくありません") {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	resp, _ = c.Post("/login", url.Values{"user": {"tanaka"}, "password": {"staff-pw"}, "next": {"/items/A1"}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/items/A1" {
		t.Fatalf("login: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body = c.Get("/items/<b>A1<script>")
	if resp.StatusCode != 200 || !strings.Contains(body, "&lt;b&gt;A1&lt;script&gt;") {
		t.Fatalf("item: %d %s", resp.StatusCode, body)
	}
	// Staff may not use the operator route.
	if resp, _ := c.Post("/do", nil); resp.StatusCode != 403 {
		t.Fatalf("staff on operator route: %d", resp.StatusCode)
	}
	ev := e.audit.Find("login")
	if len(ev) != 1 || ev[0].Actor != "tanaka" || ev[0].IP != "127.0.0.1" {
		t.Fatalf("audit %+v", e.audit.Events())
	}
	if f := e.audit.Find("login-failed"); len(f) != 1 || f[0].Actor != "tanaka" || f[0].Detail != "invalid" {
		t.Fatalf("failed login audit %+v", f)
	}

	// The operator needs TOTP; the pending session opens nothing else.
	o := webtest.NewClient(t, e.url)
	o.Get("/login")
	resp, _ = o.Post("/login", url.Values{"user": {"op"}, "password": {"op-pw"}})
	if loc := resp.Header.Get("Location"); resp.StatusCode != 303 || !strings.HasPrefix(loc, "/login/totp") {
		t.Fatalf("operator: %d %s", resp.StatusCode, loc)
	}
	if resp, _ := o.Get("/"); resp.StatusCode != 303 {
		t.Fatalf("pending session reached /: %d", resp.StatusCode)
	}
	o.Get("/login/totp")
	if resp, _ := o.Post("/login/totp", url.Values{"code": {"000000"}}); resp.StatusCode != 401 {
		t.Fatalf("wrong code: %d", resp.StatusCode)
	}
	resp, _ = o.Post("/login/totp", url.Values{"code": {webtest.Code(sec)}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/" {
		t.Fatalf("totp: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	o.Get("/")
	if resp, body := o.Post("/do", nil); resp.StatusCode != 200 || body != "done" {
		t.Fatalf("operator route: %d %s", resp.StatusCode, body)
	}
	// Logout ends the session on the server, not only in the browser.
	u, _ := url.Parse(e.url)
	old := o.HTTP.Jar.Cookies(u)
	o.Get("/")
	o.Post("/logout", nil)
	o.HTTP.Jar.SetCookies(u, old)
	if resp, _ := o.Get("/"); resp.StatusCode != 303 {
		t.Fatalf("session alive after logout: %d", resp.StatusCode)
	}
}

func cookie(c *webtest.Client, base, name string) string {
	u, _ := url.Parse(base)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// TestSessionFixation: a session cookie planted before login is never adopted, and the
// token changes at each login step.
func TestSessionFixation(t *testing.T) {
	e := newEnv(t, accounts.AuthOptions{})
	sec := webtest.AddUser(t, e.st, e.auth, "op", "op-pw", accounts.Operator)
	c := webtest.NewClient(t, e.url)
	u, _ := url.Parse(e.url)
	c.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: "__Host-sekisho", Value: "attacker-chosen-value-0123456789abcdef", Path: "/", Secure: true}})
	c.Get("/login")
	resp, _ := c.Post("/login", url.Values{"user": {"op"}, "password": {"op-pw"}})
	for _, ck := range resp.Cookies() {
		if ck.Name == "__Host-sekisho" && (!ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/") {
			t.Fatalf("cookie attributes %+v", ck)
		}
	}
	pending := cookie(c, e.url, "__Host-sekisho")
	if pending == "" || pending == "attacker-chosen-value-0123456789abcdef" {
		t.Fatalf("pending token %q", pending)
	}
	c.Get("/login/totp")
	c.Post("/login/totp", url.Values{"code": {webtest.Code(sec)}})
	full := cookie(c, e.url, "__Host-sekisho")
	if full == "" || full == pending {
		t.Fatal("token not rotated after TOTP")
	}
	// The pending token no longer opens anything.
	p := webtest.NewClient(t, e.url)
	p.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: "__Host-sekisho", Value: pending, Path: "/", Secure: true}})
	if resp, _ := p.Get("/login/totp"); resp.StatusCode != 303 {
		t.Fatalf("old pending token still valid: %d", resp.StatusCode)
	}
}

func TestCSRF(t *testing.T) {
	e := newEnv(t, accounts.AuthOptions{})
	sec := webtest.AddUser(t, e.st, e.auth, "op", "op-pw", accounts.Operator)
	a := webtest.NewClient(t, e.url)
	a.Login("op", "op-pw", sec)
	b := webtest.NewClient(t, e.url)
	b.Login("op", "op-pw", sec)
	tokenB := b.CSRF()
	for _, tc := range []struct {
		name   string
		v      url.Values
		header map[string]string
	}{
		{"no token", url.Values{"csrf": {""}}, nil},
		{"another session's token", url.Values{"csrf": {tokenB}}, nil},
		{"garbage", url.Values{"csrf": {"x"}}, nil},
		{"cross-site fetch", nil, map[string]string{"Sec-Fetch-Site": "cross-site"}},
		{"same-site fetch", nil, map[string]string{"Sec-Fetch-Site": "same-site"}},
		{"foreign origin", nil, map[string]string{"Origin": "https://evil.example"}},
		{"null origin", nil, map[string]string{"Origin": "null"}},
	} {
		for k, v := range tc.header {
			a.Header.Set(k, v)
		}
		resp, _ := a.Post("/do", tc.v)
		a.Header = http.Header{}
		if resp.StatusCode != 403 {
			t.Errorf("%s: %d, want 403", tc.name, resp.StatusCode)
		}
	}
	a.Get("/")
	a.Header.Set("Sec-Fetch-Site", "same-origin")
	a.Header.Set("Origin", e.url)
	if resp, _ := a.Post("/do", nil); resp.StatusCode != 200 {
		t.Fatalf("valid post: %d", resp.StatusCode)
	}
	// Login itself is protected (login CSRF): no pre-session cookie, no login.
	n := webtest.NewClient(t, e.url)
	if resp, _ := n.Post("/login", url.Values{"user": {"op"}, "password": {"op-pw"}, "csrf": {"x"}}); resp.StatusCode != 403 {
		t.Fatalf("login without token: %d", resp.StatusCode)
	}
}

func TestAddressRules(t *testing.T) {
	e := newEnv(t, accounts.AuthOptions{AdminNetworks: []netip.Prefix{netip.MustParsePrefix("10.9.0.0/16")}})
	sec := webtest.AddUser(t, e.st, e.auth, "op", "op-pw", accounts.Operator)
	webtest.AddUser(t, e.st, e.auth, "staff", "pw", accounts.Staff)
	// From outside the admin networks an operator cannot log in at all.
	c := webtest.NewClient(t, e.url)
	c.Header.Set("X-Forwarded-For", "192.0.2.7")
	c.Get("/login")
	resp, body := c.Post("/login", url.Values{"user": {"op"}, "password": {"op-pw"}})
	if resp.StatusCode != 401 || !strings.Contains(body, "この端末からはログインできません") {
		t.Fatalf("operator outside: %d", resp.StatusCode)
	}
	if f := e.audit.Find("login-failed"); len(f) != 1 || f[0].IP != "192.0.2.7" || f[0].Detail != "address" {
		t.Fatalf("audit %+v", f)
	}
	// From inside it can; the session then dies if the address changes.
	c.Header.Set("X-Forwarded-For", "10.9.1.1")
	c.Login("op", "op-pw", sec)
	if resp, _ := c.Get("/"); resp.StatusCode != 200 {
		t.Fatalf("operator inside: %d", resp.StatusCode)
	}
	c.Header.Set("X-Forwarded-For", "10.9.1.2")
	if resp, _ := c.Get("/"); resp.StatusCode != 303 {
		t.Fatalf("session followed a new address: %d", resp.StatusCode)
	}
	c.Header.Set("X-Forwarded-For", "10.9.1.1")
	if resp, _ := c.Get("/"); resp.StatusCode != 303 {
		t.Fatal("session not ended after the address change")
	}
}

func TestOpenRedirect(t *testing.T) {
	e := newEnv(t, accounts.AuthOptions{})
	webtest.AddUser(t, e.st, e.auth, "s", "pw", accounts.Staff)
	for _, next := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "/%0d%0aSet-Cookie:x"} {
		c := webtest.NewClient(t, e.url)
		c.Get("/login")
		resp, _ := c.Post("/login", url.Values{"user": {"s"}, "password": {"pw"}, "next": {next}})
		if loc := resp.Header.Get("Location"); resp.StatusCode != 303 || (loc != "/" && loc != next) || strings.Contains(loc, "evil") {
			t.Errorf("next %q: %d %q", next, resp.StatusCode, loc)
		}
	}
}

func TestAuditFailureFailsClosed(t *testing.T) {
	e := newEnv(t, accounts.AuthOptions{})
	webtest.AddUser(t, e.st, e.auth, "s", "pw", accounts.Staff)
	e.audit.Fail = errors.New("disk full")
	c := webtest.NewClient(t, e.url)
	c.Get("/login")
	resp, body := c.Post("/login", url.Values{"user": {"s"}, "password": {"pw"}})
	if resp.StatusCode != 500 || !strings.Contains(body, `id="error-id"`) {
		t.Fatalf("login with a failing audit log: %d", resp.StatusCode)
	}
	if resp, _ := c.Get("/"); resp.StatusCode != 303 {
		t.Fatal("a session exists although the login was not audited")
	}
}

func TestLanguage(t *testing.T) {
	e := newEnv(t, accounts.AuthOptions{})
	c := webtest.NewClient(t, e.url)
	_, body := c.Get("/login")
	if !strings.Contains(body, `lang="ja"`) || !strings.Contains(body, "パスワード") {
		t.Fatal("default is not Japanese")
	}
	c.Header.Set("Accept-Language", "en-US,en;q=0.9,ja;q=0.5")
	if _, body = c.Get("/login"); !strings.Contains(body, "Password") {
		t.Fatal("Accept-Language en ignored")
	}
	c.Header = http.Header{}
	resp, _ := c.Post("/lang", url.Values{"lang": {"en"}, "back": {"/login"}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/login" {
		t.Fatalf("switch: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, body = c.Get("/login"); !strings.Contains(body, `lang="en"`) || !strings.Contains(body, "Log in") {
		t.Fatal("switch to English not kept")
	}
}

// TestRouteTable: every registered route has an explicit access rule and unknown methods
// and paths are refused.
func TestRouteTable(t *testing.T) {
	e := newEnv(t, accounts.AuthOptions{})
	c := webtest.NewClient(t, e.url)
	for _, r := range e.srv.Routes() {
		if r.Method != "GET" && r.Method != "POST" {
			t.Errorf("%s %s: unexpected method", r.Method, r.Pattern)
		}
	}
	req, _ := http.NewRequest("DELETE", e.url+"/", nil)
	if resp, _ := c.Do(req); resp.StatusCode != 405 {
		t.Fatalf("DELETE /: %d", resp.StatusCode)
	}
}
