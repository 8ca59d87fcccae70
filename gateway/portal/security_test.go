package portal_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/portal/web"
	"github.com/sekisho/sekisho/gateway/portal/web/webtest"
	"github.com/sekisho/sekisho/quarantine"
)

var passwords = map[string]string{
	"tanaka": "tanaka-pw-1", "sato": "sato-pw-123", "approver": "approver-pw", "auditor": "auditor-pw-1",
	"op": "operator-pw-1", "admin": "admin-pw-123",
}

var roleOf = map[string]accounts.Role{
	"tanaka": accounts.Staff, "sato": accounts.Staff, "approver": accounts.Approver, "auditor": accounts.Auditor,
	"op": accounts.Operator, "admin": accounts.Admin,
}

func securityGateway(t *testing.T) *gateway {
	g := startGateway(t, true, nil)
	for n, r := range roleOf {
		g.user(n, passwords[n], r)
	}
	return g
}

// put stores a held item for rcpt directly in the quarantine.
func (g *gateway) put(rec quarantine.Record, body string) quarantine.Record {
	g.t.Helper()
	if rec.Kind == "" {
		rec.Kind = quarantine.KindAttachment
	}
	rec.Direction = quarantine.Inbound
	r, err := g.gw.Quarantine().Put(context.Background(), rec, strings.NewReader(body), quarantine.System)
	if err != nil {
		g.t.Fatal(err)
	}
	return r
}

// routes is the portal's route table, read from a running portal's handler: the test
// walks every route, so a new page cannot be added without being tried.
func routes(t *testing.T, g *gateway) []web.Route {
	p := g.gw.Portal()
	if p == nil {
		t.Fatal("no portal")
	}
	return p.Routes()
}

func fill(pattern, id string) string {
	return strings.NewReplacer("{id}", id, "{n}", "1", "{name}", "tanaka", "*", "style.css").Replace(pattern)
}

// policy is who may use each route, written down independently of the code: the route
// table must declare exactly this ("*" any logged-in user, "-" anyone), and a route
// missing here fails the test.
var policy = map[string]string{
	"GET /":                             "*",
	"GET /items":                        "operator auditor approver admin",
	"POST /items/bulk":                  "operator admin",
	"GET /items/{id}":                   "*",
	"GET /items/{id}/page/{n}":          "*",
	"POST /items/{id}/release":          "operator admin",
	"POST /items/{id}/approve":          "operator approver admin",
	"POST /items/{id}/reject":           "operator approver admin",
	"POST /items/{id}/delete":           "operator admin",
	"GET /items/{id}/original":          "admin",
	"POST /items/{id}/original":         "admin",
	"POST /items/{id}/request":          "*",
	"GET /my":                           "*",
	"GET /ppap/{id}":                    "*",
	"POST /ppap/{id}":                   "*",
	"GET /audit":                        "auditor admin",
	"GET /admin/users":                  "admin",
	"POST /admin/users":                 "admin",
	"GET /admin/users/{name}":           "admin",
	"POST /admin/users/{name}/roles":    "admin",
	"POST /admin/users/{name}/password": "admin",
	"POST /admin/users/{name}/totp":     "admin",
	"POST /admin/users/{name}/disable":  "admin",
	"POST /admin/users/{name}/unlock":   "admin",
	"GET /account":                      "*",
	"POST /account/password":            "*",
	"GET /login":                        "-",
	"POST /login":                       "-",
	"GET /login/totp":                   "totp",
	"POST /login/totp":                  "totp",
	"POST /logout":                      "-",
	"POST /lang":                        "-",
	"GET /static/*":                     "-",
}

func declared(a web.Access) string {
	switch {
	case a.Public:
		return "-"
	case a.Pending:
		return "totp"
	case len(a.Roles) == 0:
		return "*"
	}
	var rs []string
	for _, r := range []accounts.Role{accounts.Operator, accounts.Auditor, accounts.Approver, accounts.Admin, accounts.Staff} {
		if slices.Contains(a.Roles, r) {
			rs = append(rs, string(r))
		}
	}
	return strings.Join(rs, " ")
}

func sameSet(a, b string) bool {
	x, y := strings.Fields(a), strings.Fields(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// TestRoleMatrix sends every route as every role (and anonymously) and checks the
// answer against the route's declared access; POSTs carry a valid CSRF token, so a 403
// is the role check, not the token.
func TestRoleMatrix(t *testing.T) {
	g := securityGateway(t)
	rec := g.put(quarantine.Record{Rcpts: []string{"tanaka@city.lg.jp"}, Subject: "matrix", FileName: "a.bin", Reason: "unknown type"}, "x")
	clients := map[string]*webtest.Client{"": webtest.NewClient(t, g.url)}
	clients[""].Get("/login")
	for n := range roleOf {
		clients[n] = g.login(n, passwords[n])
	}
	seen := map[string]bool{}
	for _, rt := range routes(t, g) {
		key := rt.Method + " " + rt.Pattern
		seen[key] = true
		want, ok := policy[key]
		if !ok {
			t.Errorf("route %s is not in the test's policy table", key)
			continue
		}
		if !sameSet(want, declared(rt.Access)) {
			t.Errorf("route %s declares %q, the policy says %q", key, declared(rt.Access), want)
		}
		if rt.Access.Pending || rt.Pattern == "/login" || rt.Pattern == "/logout" || rt.Pattern == "/lang" {
			continue
		}
		path := fill(rt.Pattern, rec.ID)
		for who, c := range clients {
			allowed := rt.Access.Public || who != "" && (len(rt.Access.Roles) == 0 || accounts.Roles{roleOf[who]}.Any(rt.Access.Roles...))
			if rt.Method == "POST" && allowed && !rt.Access.Public {
				continue // allowed writes are the functional tests' business
			}
			var resp *http.Response
			if rt.Method == "GET" {
				resp, _ = c.Get(path)
			} else {
				c.Get("/account")
				if who == "" {
					c.Get("/login")
				}
				resp, _ = c.Post(path, url.Values{"reason": {"matrix"}, "password": {"x"}})
			}
			code := resp.StatusCode
			switch {
			case who == "" && !rt.Access.Public:
				if code != 303 && code != 403 {
					t.Errorf("anonymous %s %s: %d", rt.Method, path, code)
				}
			case !allowed:
				if code != 403 {
					t.Errorf("%s %s %s: %d, want 403", who, rt.Method, path, code)
				}
			default:
				if code >= 500 || code == 403 {
					t.Errorf("%s %s %s: %d", who, rt.Method, path, code)
				}
			}
		}
	}
	for k := range policy {
		if !seen[k] {
			t.Errorf("policy lists %s, which is not a route", k)
		}
	}
	if got, _ := g.gw.Quarantine().Get(context.Background(), rec.ID); got.Status != quarantine.Held {
		t.Fatalf("the matrix changed the item: %s", got.Status)
	}
}

// TestCSRFEveryForm posts to every state-changing route as an admin (who may use all of
// them) without a token, with another session's token and cross-site: all refused, and
// nothing changes.
func TestCSRFEveryForm(t *testing.T) {
	g := securityGateway(t)
	rec := g.put(quarantine.Record{Rcpts: []string{"admin@city.lg.jp"}, Subject: "csrf", FileName: "a.bin", Reason: "x"}, "x")
	a := g.login("admin", passwords["admin"])
	other := g.login("admin", passwords["admin"])
	other.Get("/")
	foreign := other.CSRF()
	n := 0
	for _, rt := range routes(t, g) {
		if rt.Method != "POST" {
			continue
		}
		path := fill(rt.Pattern, rec.ID)
		for _, tc := range []struct {
			name string
			v    url.Values
			hdr  string
		}{
			{"no token", url.Values{"csrf": {""}}, ""},
			{"foreign token", url.Values{"csrf": {foreign}}, ""},
			{"cross-site", nil, "cross-site"},
		} {
			a.Get("/")
			if tc.hdr != "" {
				a.Header.Set("Sec-Fetch-Site", tc.hdr)
			}
			v := url.Values{"reason": {"csrf"}, "password": {"x"}, "id": {rec.ID}, "action": {"delete"}, "lang": {"en"},
				"current": {passwords["admin"]}, "new": {"n3w-password-x"}, "again": {"n3w-password-x"}, "confirm": {"yes"}}
			for k, vv := range tc.v {
				v[k] = vv
			}
			resp, _ := a.Post(path, v)
			a.Header = http.Header{}
			if resp.StatusCode != 403 {
				t.Errorf("%s %s: %d, want 403", tc.name, path, resp.StatusCode)
			}
			n++
		}
	}
	if n < 30 {
		t.Fatalf("only %d form posts tried", n)
	}
	if got, _ := g.gw.Quarantine().Get(context.Background(), rec.ID); got.Status != quarantine.Held {
		t.Fatalf("a refused post changed the item: %s", got.Status)
	}
	if resp, _ := a.Get("/"); resp.StatusCode != 200 {
		t.Fatal("a refused post ended the session (password change went through?)")
	}
}

var xss = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`'><svg/onload=alert(1)>`,
	`</textarea><script>alert(1)</script>`,
	`<a href="javascript:alert(1)">x</a>`,
	`{{.CSRF}}`,
	"\u202egpj.exe",
}

// TestStoredXSS puts attacker text in every field a page shows and checks that no page
// returns it unescaped.
func TestStoredXSS(t *testing.T) {
	g := securityGateway(t)
	var ids []string
	for i, p := range xss {
		r := g.put(quarantine.Record{Rcpts: []string{"tanaka@city.lg.jp", p + "@x"}, MailFrom: p + "@evil.example",
			Subject: "件名" + p, FileName: p + ".zip", Reason: "encrypted " + p, DeclaredType: p}, "body "+p)
		ids = append(ids, r.ID)
		// The users pages show display names and addresses an admin or the directory set.
		if err := g.acc.Store.CreateUser(context.Background(), accounts.User{Name: fmt.Sprintf("xss%d", i), Display: p,
			Email: p + "@x", Roles: accounts.Roles{accounts.Staff}}, ""); err != nil {
			t.Fatal(err)
		}
	}
	// A login attempt with a payload as user name reaches the audit log.
	n := webtest.NewClient(t, g.url)
	n.Get("/login")
	n.Post("/login", url.Values{"user": {xss[0]}, "password": {"x"}})
	pages := map[string][]string{
		"op":      {"/", "/items", "/items?q=" + url.QueryEscape("件名"), "/items?sort=subject&asc=1"},
		"auditor": {"/audit", "/audit?action=login-failed"},
		"tanaka":  {"/my"},
		"admin":   {"/admin/users", "/admin/users?q=" + url.QueryEscape(xss[1])},
	}
	for _, id := range ids {
		pages["op"] = append(pages["op"], "/items/"+id)
		pages["tanaka"] = append(pages["tanaka"], "/items/"+id, "/ppap/"+id)
		pages["admin"] = append(pages["admin"], "/items/"+id+"/original")
	}
	for i := range xss {
		pages["admin"] = append(pages["admin"], fmt.Sprintf("/admin/users/xss%d", i))
	}
	for who, ps := range pages {
		c := g.login(who, passwords[who])
		for _, p := range ps {
			resp, body := c.Get(p)
			if resp.StatusCode != 200 {
				t.Errorf("%s %s: %d", who, p, resp.StatusCode)
				continue
			}
			for _, payload := range xss[:5] {
				if strings.Contains(body, payload) {
					t.Errorf("%s %s: payload %q unescaped", who, p, payload)
				}
			}
			if strings.Contains(body, "onerror=alert") && !strings.Contains(body, "onerror=alert(1)&gt;") {
				t.Errorf("%s %s: an onerror attribute survived", who, p)
			}
		}
	}
}

// TestIDOR: staff reach only their own held items; released and deleted ones disappear.
func TestIDOR(t *testing.T) {
	g := securityGateway(t)
	mine := g.put(quarantine.Record{Rcpts: []string{"tanaka@city.lg.jp"}, Subject: "mine", FileName: "a.txt", Reason: "x"}, "mine")
	theirs := g.put(quarantine.Record{Rcpts: []string{"sato@city.lg.jp"}, Subject: "theirs", FileName: "b.txt", Reason: "x"}, "theirs")
	lookalike := g.put(quarantine.Record{Rcpts: []string{"xtanaka@city.lg.jp"}, Subject: "lookalike", FileName: "c.txt", Reason: "x"}, "c")
	released := g.put(quarantine.Record{Rcpts: []string{"tanaka@city.lg.jp"}, Subject: "released", FileName: "d.txt", Reason: "x"}, "d")
	deleted := g.put(quarantine.Record{Rcpts: []string{"tanaka@city.lg.jp"}, Subject: "deleted", FileName: "e.txt", Reason: "x"}, "e")
	ctx := context.Background()
	if _, err := g.gw.Quarantine().Release(ctx, released.ID, quarantine.ReleaseRequest{Actor: "op", Reason: "t"}); err != nil {
		t.Fatal(err)
	}
	if _, err := g.gw.Quarantine().Delete(ctx, deleted.ID, "op", "t"); err != nil {
		t.Fatal(err)
	}
	c := g.login("tanaka", passwords["tanaka"])
	if resp, body := c.Get("/items/" + mine.ID); resp.StatusCode != 200 || !strings.Contains(body, "mine") {
		t.Fatalf("own item: %d", resp.StatusCode)
	}
	for _, id := range []string{theirs.ID, lookalike.ID, released.ID, deleted.ID, "Q20260101-000000000000", "../../etc/passwd"} {
		for _, p := range []string{"/items/" + id, "/items/" + id + "/page/1", "/ppap/" + id} {
			if resp, _ := c.Get(p); resp.StatusCode != 404 && resp.StatusCode != 400 {
				t.Errorf("tanaka GET %s: %d", p, resp.StatusCode)
			}
		}
		for _, p := range []string{"/items/" + id + "/request", "/ppap/" + id} {
			c.Get("/my")
			if resp, _ := c.Post(p, url.Values{"reason": {"mine!"}, "password": {"x"}}); resp.StatusCode != 404 && resp.StatusCode != 400 {
				t.Errorf("tanaka POST %s: %d", p, resp.StatusCode)
			}
		}
	}
	_, body := c.Get("/my")
	if !strings.Contains(body, mine.ID) || strings.Contains(body, lookalike.ID) || strings.Contains(body, theirs.ID) {
		t.Fatal("held-for-me shows another person's item")
	}
	if got, _ := g.gw.Quarantine().Get(ctx, theirs.ID); got.Status != quarantine.Held {
		t.Fatal("another person's item changed")
	}
}

// TestOriginalDownload: admins only, after a warning, with a reason; an opaque,
// sandboxed attachment whose name cannot traverse or execute; audited.
func TestOriginalDownload(t *testing.T) {
	g := securityGateway(t)
	rec := g.put(quarantine.Record{Rcpts: []string{"tanaka@city.lg.jp"}, Subject: "dl", FileName: "../../請求書\u202etxt.exe", Reason: "x"}, "MZ original bytes")
	a := g.login("admin", passwords["admin"])
	resp, body := a.Get("/items/" + rec.ID + "/original")
	if resp.StatusCode != 200 || !strings.Contains(body, "NOT sanitized") && !strings.Contains(body, "無害化されていません") {
		t.Fatalf("warning page: %d", resp.StatusCode)
	}
	if resp, _ := a.Post("/items/"+rec.ID+"/original", url.Values{"reason": {""}, "confirm": {"yes"}}); resp.StatusCode != 303 {
		t.Fatalf("no reason: %d", resp.StatusCode)
	}
	a.Get("/items/" + rec.ID + "/original")
	resp, body = a.Post("/items/"+rec.ID+"/original", url.Values{"reason": {"malware analysis"}, "confirm": {"yes"}})
	cd := resp.Header.Get("Content-Disposition")
	if resp.StatusCode != 200 || body != "MZ original bytes" || resp.Header.Get("Content-Type") != "application/octet-stream" ||
		!strings.HasPrefix(cd, `attachment; filename="`+rec.ID+".") || strings.ContainsAny(cd[10:], "/\\\u202e") ||
		!strings.HasSuffix(cd, `.quarantined"`) || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("download: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	op := g.login("op", passwords["op"])
	if resp, _ := op.Get("/items/" + rec.ID + "/original"); resp.StatusCode != 403 {
		t.Fatalf("operator: %d", resp.StatusCode)
	}
	for _, p := range []string{"/items/..%2F..%2Fetc%2Fpasswd/original", "/items/" + rec.ID + "%2F..%2F..%2Fx/original", "/items/.%2e/original"} {
		if resp, _ := a.Get(p); resp.StatusCode != 404 && resp.StatusCode != 400 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
	audit := auditLines(t, g)
	if !slices.ContainsFunc(audit, func(l string) bool {
		return strings.Contains(l, `"action":"download"`) && strings.Contains(l, rec.ID) && strings.Contains(l, "malware analysis")
	}) {
		t.Fatal("download not audited")
	}
}
