package portal_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/portal/web/browsertest"
	"github.com/sekisho/sekisho/gateway/portal/web/webtest"
	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/quarantine"
)

// shots is where screenshots go: docs/screenshots when SEKISHO_SCREENSHOTS=1 (to refresh
// the README's pictures), else a temporary directory.
func shots(t *testing.T) string {
	if os.Getenv("SEKISHO_SCREENSHOTS") == "1" {
		return filepath.Join("..", "..", "docs", "screenshots")
	}
	return t.TempDir()
}

// TestBrowserEndToEnd drives the portal in real headless Chromium over plain HTTP on
// loopback (the quick-start setup, where the Secure __Host- cookie must still work): an
// operator logs in with TOTP, finds a held spreadsheet by its Japanese subject, looks at
// the rendered preview, releases it with a reason, and it arrives at smtp-sink; a staff
// member opens a PPAP zip with its password and receives the sanitized contents.
func TestBrowserEndToEnd(t *testing.T) {
	testtool.Need(t, "soffice")
	g := startGateway(t, false, func(c *config.Config) {
		c.Policy = map[string]string{"xls": "quarantine"} // hold legacy Excel: the preview renders it
	})
	g.user("op", "operator-pw-1", accounts.Operator, accounts.Auditor)
	g.user("tanaka", "tanaka-pw-1", accounts.Staff)
	xls, _ := os.ReadFile("../../testdata/ole/lo-plain.xls")
	zipb, _ := os.ReadFile("ppap/testdata/aes256.zip")
	g.send("keiri@example.co.jp", []string{"tanaka@city.lg.jp"},
		mime("keiri@example.co.jp", "tanaka@city.lg.jp", "十二月分の経費精算書", "精算書を添付します。", map[string][]byte{"経費精算.xls": xls}))
	g.send("sales@partner.example", []string{"tanaka@city.lg.jp"},
		mime("sales@partner.example", "tanaka@city.lg.jp", "【重要】見積書送付のご案内", "パスワードは別途お送りします。", map[string][]byte{"見積書.zip": zipb}))
	xrec := g.held(quarantine.Query{FileName: "経費精算.xls"})
	zrec := g.held(quarantine.Query{FileName: "見積書.zip"})
	out := shots(t)

	b := browsertest.Start(t)
	b.Timeout = 5 * time.Minute // the first preview may compile PDFium and starts LibreOffice
	b.Do(chromedp.Navigate(g.url+"/"),
		browsertest.Fill("#user", "op"), browsertest.Fill("#password", "operator-pw-1"),
		browsertest.ClickAndWait("#login-submit", "#code"))
	b.Screenshot(filepath.Join(out, "totp.png"))
	b.Do(browsertest.FillFunc("#code", func() string { return webtest.Code(g.secrets["op"]) }), browsertest.ClickAndWait("#totp-submit", "#held-now"))
	b.Screenshot(filepath.Join(out, "dashboard.png"))
	b.Do(chromedp.Navigate(g.url+"/items"), browsertest.Fill("#f-subject", "経費精算"), browsertest.ClickAndWait("#search", "#items"))
	if got := b.Text("#items"); !strings.Contains(got, "十二月分の経費精算書") || strings.Contains(got, "見積書") {
		t.Fatalf("search by Japanese subject: %q", got)
	}
	b.Do(chromedp.Navigate(g.url + "/items"))
	b.Screenshot(filepath.Join(out, "items.png"))
	b.Do(chromedp.Navigate(g.url+"/items?subject="+"%E7%B5%8C%E8%B2%BB"), browsertest.ClickAndWait("a.subject", "#preview-pages img"))
	waitFor(t, "the preview image to load", 30*time.Second, func() bool {
		return b.Eval(`String(document.querySelector("#preview-pages img").complete && document.querySelector("#preview-pages img").naturalWidth > 0)`) == "true"
	})
	b.Screenshot(filepath.Join(out, "item.png"))
	b.Eval(`window.confirm = () => true; "ok"`) // the release form asks for confirmation
	b.Do(browsertest.Fill("#release-reason", "差出人に電話で確認しました"), browsertest.ClickAndWait("#release", "#notice"))
	if got := b.Text("#notice"); !strings.Contains(got, "解放しました") {
		t.Fatalf("release notice: %q", got)
	}
	waitFor(t, "the released spreadsheet at smtp-sink", 60*time.Second, func() bool {
		for _, m := range g.sink.Dumps() {
			if strings.Contains(m, xrec.ID) && strings.Contains(m, "tanaka@city.lg.jp") {
				return true
			}
		}
		return false
	})
	b.Do(chromedp.Navigate(g.url + "/audit"))
	if !strings.Contains(b.Text("#audit"), "release") || b.Text("#chain-ok") == "" {
		t.Fatal("release not in the audit view, or the chain not verified")
	}
	b.Screenshot(filepath.Join(out, "audit.png"))

	s := browsertest.Start(t)
	s.Timeout = 60 * time.Second
	s.Do(chromedp.Navigate(g.url+"/"),
		browsertest.Fill("#user", "tanaka"), browsertest.Fill("#password", "tanaka-pw-1"),
		browsertest.ClickAndWait("#login-submit", "#my-items"))
	s.Screenshot(filepath.Join(out, "my.png"))
	s.Do(chromedp.Navigate(g.url+"/items/"+zrec.ID), browsertest.ClickAndWait("#ppap-link", "#ppap-password"))
	s.Do(browsertest.Fill("#ppap-password", "ppap-2026"), browsertest.ClickAndWait("#ppap-submit", "#ppap-done"))
	s.Screenshot(filepath.Join(out, "ppap.png"))
	waitFor(t, "the PPAP contents at smtp-sink", 60*time.Second, func() bool {
		for _, m := range g.sink.Dumps() {
			if strings.Contains(strings.ToLower(m), strings.ToLower("X-Sekisho-PPAP: "+zrec.ID)) {
				return true
			}
		}
		return false
	})
}

// TestBrowserAdminUsers: an admin adds an operator on the users page in real headless
// Chromium, issues their TOTP secret there, and the new operator logs in with a code
// from that secret.
func TestBrowserAdminUsers(t *testing.T) {
	g := startGateway(t, false, nil)
	g.user("admin", "admin-pw-123", accounts.Admin)
	out := shots(t)
	b := browsertest.Start(t)
	b.Timeout = 2 * time.Minute
	b.Do(chromedp.Navigate(g.url+"/"),
		browsertest.Fill("#user", "admin"), browsertest.Fill("#password", "admin-pw-123"),
		browsertest.ClickAndWait("#login-submit", "#code"),
		browsertest.FillFunc("#code", func() string { return webtest.Code(g.secrets["admin"]) }), browsertest.ClickAndWait("#totp-submit", "#held-now"),
		browsertest.ClickAndWait(`header nav a[href="/admin/users"]`, "#add-user"),
		browsertest.Fill("#new-name", "kobayashi"), browsertest.Fill("#new-display", "小林 花子"),
		browsertest.Fill("#new-email", "kobayashi@city.lg.jp"),
		browsertest.Fill("#new-password", "kobayashi-pw-1"), browsertest.Fill("#new-again", "kobayashi-pw-1"),
		chromedp.Click(chromedp.CSS("#new-role-operator")),
		browsertest.ClickAndWait("#add-submit", "#user-name"))
	if got := b.Text("#notice"); !strings.Contains(got, "TOTP") {
		t.Fatalf("after adding an operator: %q", got)
	}
	b.Eval(`window.confirm = () => true; "ok"`)
	b.Do(browsertest.ClickAndWait("#totp-new", "#secret"))
	b.Screenshot(filepath.Join(out, "user.png"))
	sec, err := accounts.DecodeSecret(b.Text("#secret"))
	if err != nil || len(sec) != 20 {
		t.Fatalf("secret %q: %v", b.Text("#secret"), err)
	}
	b.Do(chromedp.Navigate(g.url + "/admin/users"))
	if got := b.Text("#users"); !strings.Contains(got, "小林 花子") || !strings.Contains(got, "kobayashi") {
		t.Fatalf("users list: %q", got)
	}
	b.Screenshot(filepath.Join(out, "users.png"))
	b.Do(browsertest.ClickAndWait("#logout", "#login-submit"),
		browsertest.Fill("#user", "kobayashi"), browsertest.Fill("#password", "kobayashi-pw-1"),
		browsertest.ClickAndWait("#login-submit", "#code"),
		browsertest.FillFunc("#code", func() string { return webtest.Code(sec) }), browsertest.ClickAndWait("#totp-submit", "#held-now"))
	if nav := b.Text("header nav"); strings.Contains(nav, "ユーザー管理") || !strings.Contains(nav, "隔離一覧") {
		t.Fatalf("operator's navigation: %q", nav)
	}
}
