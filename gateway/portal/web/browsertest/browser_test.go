package browsertest_test

import (
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/chromedp/chromedp"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/portal/web"
	"github.com/sekisho/sekisho/gateway/portal/web/browsertest"
	"github.com/sekisho/sekisho/gateway/portal/web/webtest"
)

// TestBrowserLogin logs in with a password and a TOTP code in real Chromium, checks that
// the page's scripts run under the CSP (a console error would mean an inline script) and
// that the session cookie is not readable from JavaScript.
func TestBrowserLogin(t *testing.T) {
	st, auth, _ := webtest.Accounts(t, accounts.AuthOptions{})
	sec := webtest.AddUser(t, st, auth, "op", "op-pw", accounts.Operator)
	srv, err := web.New(web.Options{Store: st, Auth: auth, Audit: &webtest.Recorder{}, TLS: webtest.TLSConfig(t),
		Secret: []byte(strings.Repeat("s", 32)), TrustedProxies: []netip.Prefix{},
		Pages: fstest.MapFS{"home.html": {Data: []byte(`{{define "content"}}<h1 id="home">ようこそ {{.User}}</h1>
<form method="post" action="/x" data-confirm="ok?"><input type="hidden" name="csrf" value="{{.CSRF}}"><button id="b">x</button></form>{{end}}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	srv.GET("/", web.LoggedIn, func(c *web.Ctx) error { return c.Render("home.html", nil) })
	base := webtest.Serve(t, srv, true)

	b := browsertest.Start(t)
	b.Do(chromedp.Navigate(base+"/"),
		browsertest.Fill("#user", "op"), browsertest.Fill("#password", "op-pw"),
		browsertest.ClickAndWait("#login-submit", "#code"))
	if loc := b.Location(); !strings.Contains(loc, "/login/totp") {
		t.Fatalf("after password: %s", loc)
	}
	b.Do(browsertest.FillFunc("#code", func() string { return webtest.Code(sec) }), browsertest.ClickAndWait("#totp-submit", "#home"))
	if got := b.Text("#home"); got != "ようこそ op" {
		t.Fatalf("home: %q", got)
	}
	if c := b.Eval("document.cookie"); strings.Contains(c, "sekisho=") {
		t.Fatalf("session cookie visible to scripts: %q", c)
	}
	// app.js ran (it is the only script and CSP allows only 'self').
	if got := b.Eval(`String(document.querySelector("script[src='/static/app.js']") !== null)`); got != "true" {
		t.Fatal("app.js not referenced")
	}
	b.Screenshot(filepath.Join(t.TempDir(), "home.png"))
}
