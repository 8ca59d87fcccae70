package portal_test

import (
	"context"
	"errors"
	"html"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/portal/web/webtest"
)

// adminAudit reports whether the audit log holds action by admin about user.
func adminAudit(t *testing.T, g *gateway, action, user string) bool {
	return slices.ContainsFunc(auditLines(t, g), func(l string) bool {
		return strings.Contains(l, `"action":"`+action+`"`) && strings.Contains(l, `"actor":"admin"`) &&
			strings.Contains(l, "ip=127.0.0.1") && strings.Contains(l, "user "+user)
	})
}

var secretRE = regexp.MustCompile(`<code id="secret">([A-Z2-7]+)</code>`)

// TestAdminUsers walks the users pages as an admin: add a user (refusing bad forms),
// change roles, issue TOTP and log in with it, set a password, lock and unlock, disable
// and enable, each change audited and ending the user's sessions where it must.
func TestAdminUsers(t *testing.T) {
	g := securityGateway(t)
	ctx := context.Background()
	a := g.login("admin", passwords["admin"])
	resp, body := a.Get("/admin/users")
	if resp.StatusCode != 200 || !strings.Contains(body, `href="/admin/users/tanaka"`) || !strings.Contains(body, `href="/admin/users"`) {
		t.Fatalf("users page: %d", resp.StatusCode)
	}
	if _, body := a.Get("/admin/users?q=tana"); !strings.Contains(body, "/admin/users/tanaka") || strings.Contains(body, "/admin/users/sato") {
		t.Fatal("the search does not narrow the list")
	}

	add := url.Values{"name": {"Suzuki"}, "display": {"鈴木 一郎"}, "email": {"suzuki@city.lg.jp"}, "role": {"staff", "approver"},
		"password": {"suzuki-pw-1"}, "again": {"suzuki-pw-1"}}
	for _, bad := range []struct{ field, value, key string }{
		{"name", "../admin", "admin.bad_name"},
		{"name", "sato", "admin.exists"},
		{"email", "x@y>, <z@w", "admin.bad_email"},
		{"role", "root", "admin.no_role"},
		{"again", "other-pw-12", "account.mismatch"},
		{"password", "pw-Sh0rt", "account.too_short"},
	} {
		v := url.Values{}
		for k, vv := range add {
			v[k] = vv
		}
		v.Set(bad.field, bad.value)
		if bad.field == "password" {
			v.Set("again", bad.value)
		}
		a.Get("/admin/users")
		resp, body := a.Post("/admin/users", v)
		if resp.StatusCode != 400 || !strings.Contains(body, `id="error"`) || strings.Contains(body, bad.value) && bad.field == "password" {
			t.Errorf("add with %s=%q: %d", bad.field, bad.value, resp.StatusCode)
		}
	}
	if _, err := g.acc.Store.User(ctx, "suzuki"); !errors.Is(err, accounts.ErrNoUser) {
		t.Fatalf("a refused form created the user: %v", err)
	}
	a.Get("/admin/users")
	resp, _ = a.Post("/admin/users", add)
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/users/suzuki?done=admin.added" {
		t.Fatalf("add: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	u, err := g.acc.Store.User(ctx, "suzuki")
	if err != nil || u.Display != "鈴木 一郎" || u.Email != "suzuki@city.lg.jp" || u.Roles.String() != "staff,approver" || u.Source != accounts.Local {
		t.Fatalf("created: %+v %v", u, err)
	}
	webtest.NewClient(t, g.url).Login("suzuki", "suzuki-pw-1", nil)
	if !adminAudit(t, g, "user-add", "suzuki; roles staff,approver") {
		t.Fatal("user-add not audited")
	}

	// sato becomes an operator: their session ends, they need TOTP, which the admin
	// issues on the page; the secret shown there logs them in.
	sato := g.login("sato", passwords["sato"])
	a.Get("/admin/users/sato")
	resp, _ = a.Post("/admin/users/sato/roles", url.Values{"role": {"operator"}})
	if resp.StatusCode != 303 || !strings.HasSuffix(resp.Header.Get("Location"), "done=admin.needs_totp") {
		t.Fatalf("roles: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := sato.Get("/my"); resp.StatusCode != 303 {
		t.Fatalf("sato's session outlived a role change: %d", resp.StatusCode)
	}
	a.Get("/admin/users/sato")
	resp, body = a.Post("/admin/users/sato/totp", url.Values{"action": {"new"}})
	m := secretRE.FindStringSubmatch(body)
	if resp.StatusCode != 200 || m == nil || resp.Header.Get("Cache-Control") != "no-store" ||
		!strings.Contains(html.UnescapeString(body), "otpauth://totp/sekisho:sato?") {
		t.Fatalf("totp: %d, secret shown: %v", resp.StatusCode, m != nil)
	}
	sec, err := accounts.DecodeSecret(m[1])
	if err != nil {
		t.Fatal(err)
	}
	op := webtest.NewClient(t, g.url)
	op.Login("sato", passwords["sato"], sec)
	if resp, _ := op.Get("/items"); resp.StatusCode != 200 {
		t.Fatalf("sato as operator: %d", resp.StatusCode)
	}
	if !adminAudit(t, g, "user-roles", "sato; roles operator") || !adminAudit(t, g, "user-totp", "sato; new secret") ||
		slices.ContainsFunc(auditLines(t, g), func(l string) bool { return strings.Contains(l, m[1]) }) {
		t.Fatal("roles/totp not audited, or the secret is in the audit log")
	}

	// A password set by the admin replaces the old one.
	a.Get("/admin/users/tanaka")
	if resp, _ := a.Post("/admin/users/tanaka/password", url.Values{"password": {"new-tanaka-pw"}, "again": {"new-tanaka-pw-x"}}); !strings.Contains(resp.Header.Get("Location"), "err=account.mismatch") {
		t.Fatalf("mismatched passwords: %s", resp.Header.Get("Location"))
	}
	a.Get("/admin/users/tanaka")
	a.Post("/admin/users/tanaka/password", url.Values{"password": {"new-tanaka-pw"}, "again": {"new-tanaka-pw"}})
	ip := netip.MustParseAddr("192.0.2.7")
	if _, err := g.acc.Auth.Password(ctx, "tanaka", passwords["tanaka"], ip); !errors.Is(err, accounts.ErrInvalid) {
		t.Fatalf("old password: %v", err)
	}
	if _, err := g.acc.Auth.Password(ctx, "tanaka", "new-tanaka-pw", ip); err != nil {
		t.Fatalf("new password: %v", err)
	}

	// Locked by wrong passwords, unlocked by the admin. (A cheap hash of the same password
	// from here on: each try would cost a second of argon2id at the default cost.)
	h, err := accounts.HashPassword("new-tanaka-pw", testHash)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.acc.Store.SetPasswordHash(ctx, "tanaka", h); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		g.acc.Auth.Password(ctx, "tanaka", "wrong-password", ip)
	}
	if _, body := a.Get("/admin/users/tanaka"); !strings.Contains(body, `id="unlock"`) {
		t.Fatal("a locked user has no unlock button")
	}
	a.Post("/admin/users/tanaka/unlock", nil)
	if _, err := g.acc.Auth.Password(ctx, "tanaka", "new-tanaka-pw", ip); err != nil {
		t.Fatalf("after unlock: %v", err)
	}

	// Disabled: the session ends and logins fail; enabled again: they work.
	tanaka := g.login("tanaka", "new-tanaka-pw")
	a.Get("/admin/users/tanaka")
	a.Post("/admin/users/tanaka/disable", url.Values{"action": {"disable"}})
	if resp, _ := tanaka.Get("/my"); resp.StatusCode != 303 {
		t.Fatalf("a disabled user's session still works: %d", resp.StatusCode)
	}
	if _, err := g.acc.Auth.Password(ctx, "tanaka", "new-tanaka-pw", ip); err == nil {
		t.Fatal("a disabled user logged in")
	}
	a.Get("/admin/users/tanaka")
	a.Post("/admin/users/tanaka/disable", url.Values{"action": {"enable"}})
	g.login("tanaka", "new-tanaka-pw")
	for _, action := range []string{"user-passwd", "user-unlock", "user-disable", "user-enable"} {
		if !adminAudit(t, g, action, "tanaka") {
			t.Errorf("%s not audited", action)
		}
	}

	// The admin's own account is not changed here; unknown and malformed names are 404s.
	for _, p := range []string{"/admin/users/admin/disable", "/admin/users/admin/roles", "/admin/users/admin/totp", "/admin/users/admin/password"} {
		a.Get("/admin/users/admin")
		if resp, _ := a.Post(p, url.Values{"action": {"disable"}, "role": {"staff"}, "password": {"x123456789012"}, "again": {"x123456789012"}}); resp.StatusCode != 409 {
			t.Errorf("own account %s: %d", p, resp.StatusCode)
		}
	}
	if u, _ := g.acc.Store.User(ctx, "admin"); u.Disabled || !u.Roles.Has(accounts.Admin) || !u.HasTOTP {
		t.Fatal("the admin changed their own account")
	}
	for _, p := range []string{"/admin/users/nobody", "/admin/users/TANAKA", "/admin/users/..%2Fadmin", "/admin/users/%2e%2e", "/admin/users/a%00b"} {
		if resp, _ := a.Get(p); resp.StatusCode != 404 && resp.StatusCode != 400 {
			t.Errorf("GET %s: %d", p, resp.StatusCode)
		}
	}
	a.Get("/admin/users")
	if resp, _ := a.Post("/admin/users/nobody/disable", url.Values{"action": {"disable"}}); resp.StatusCode != 404 {
		t.Errorf("disable an unknown user: %d", resp.StatusCode)
	}
}

// TestAdminDirectoryUser: roles and passwords of a directory user are the directory's;
// the admin may still disable them and enrol TOTP.
func TestAdminDirectoryUser(t *testing.T) {
	g := securityGateway(t)
	// A directory user as the store records one after a bind (no local password).
	if err := g.acc.Store.CreateUser(context.Background(), accounts.User{Name: "yamada", Email: "yamada@city.lg.jp",
		Roles: accounts.Roles{accounts.Staff}, Source: accounts.LDAP}, ""); err != nil {
		t.Fatal(err)
	}
	a := g.login("admin", passwords["admin"])
	if _, body := a.Get("/admin/users/yamada"); strings.Contains(body, `id="roles-submit"`) || strings.Contains(body, `id="password-submit"`) {
		t.Fatal("a directory user's page offers local roles or password")
	}
	for _, p := range []string{"roles", "password"} {
		a.Get("/admin/users/yamada")
		resp, _ := a.Post("/admin/users/yamada/"+p, url.Values{"role": {"admin"}, "password": {"yamada-pw-12"}, "again": {"yamada-pw-12"}})
		if !strings.Contains(resp.Header.Get("Location"), "err=admin.directory_") {
			t.Errorf("%s of a directory user: %d %s", p, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if u, _ := g.acc.Store.User(context.Background(), "yamada"); u.Roles.String() != "staff" {
		t.Fatalf("roles changed: %s", u.Roles)
	}
	a.Get("/admin/users/yamada")
	a.Post("/admin/users/yamada/disable", url.Values{"action": {"disable"}})
	if u, _ := g.acc.Store.User(context.Background(), "yamada"); !u.Disabled {
		t.Fatal("a directory user cannot be disabled")
	}
}
