package transfer_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/portal/web"
	"github.com/sekisho/sekisho/gateway/portal/web/webtest"
	"github.com/sekisho/sekisho/gateway/transfer"
)

// hostileName is an uploader's file name trying markup, a path out of the store and a
// reserved device name at once; rloName hides an extension with a right-to-left
// override, which the engine refuses as it does in mail.
const (
	hostileName = "../../<img src=x onerror=alert(1)>/..\\CON.txt"
	rloName     = "請求書\u202etxt.exe"
)

// seeded is the state the security tests attack: tanaka's inbound transfer (through an
// upload link, a hostile file name) and outbound one (waiting for kacho).
type seeded struct {
	in, out         transfer.Transfer
	inFile, outFile transfer.File
	rloFile         transfer.File // refused, as in mail
	linkID          string
}

func seed(t *testing.T, e *env) seeded {
	t.Helper()
	ctx := context.Background()
	s := e.svc
	var sd seeded
	ul, tok, err := s.CreateUploadLink(ctx, "tanaka", transfer.UploadLinkRequest{Label: "<script>alert(2)</script>"}, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	sd.linkID = ul.ID
	upload := func(tr transfer.Transfer, names ...string) {
		for _, name := range names {
			body := []byte("請求書 secret-" + string(tr.Direction) + "-body\n")
			f, err := s.AddFile(ctx, tr, name, "text/plain", int64(len(body)), "127.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Write(ctx, tr, f, 0, bytes.NewReader(body), "127.0.0.1"); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Finish(ctx, tr, tr.Sender, "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
	}
	in, _, err := s.OpenViaLink(ctx, tok, "<b>業者</b>", "198.51.100.7")
	if err != nil {
		t.Fatal(err)
	}
	upload(in, hostileName, rloName)
	out, err := s.OpenOutbound(ctx, "tanaka", transfer.OutboundRequest{Recipients: []string{"p@example.co.jp"},
		Subject: "<svg onload=alert(3)>"}, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	upload(out, "送付.txt")
	var fs []transfer.File
	sd.in, fs = e.final(in.ID)
	sd.inFile, sd.rloFile = fs[0], fs[1]
	sd.out, fs = e.final(out.ID)
	sd.outFile = fs[0]
	if sd.in.State != transfer.Ready || sd.out.State != transfer.Pending {
		t.Fatalf("seed: inbound %s, outbound %s", sd.in.State, sd.out.State)
	}
	return sd
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// fillRoute puts IDs into a route pattern.
func fillRoute(pattern string, r map[string]string) string {
	for k, v := range r {
		pattern = strings.ReplaceAll(pattern, "{"+k+"}", v)
	}
	return strings.ReplaceAll(pattern, "*", "style.css")
}

// leaks reports whether a body shows anything of the seeded transfers.
func leaks(body string) bool {
	for _, s := range []string{"secret-inbound-body", "secret-outbound-body", "CON.txt", "送付.txt", "業者", "svg onload"} {
		if strings.Contains(body, s) {
			return true
		}
	}
	return false
}

func send(c *webtest.Client, method, path string) (*http.Response, string) {
	if method == "POST" {
		return c.Post(path, url.Values{"reason": {"r"}, "to": {"x@example.com"}})
	}
	return c.Get(path)
}

// TestEveryRouteAnonymous sends every route of both listeners (the portal's transfer pages,
// the Internet side, the upload API) without a session and with made-up tokens: nothing
// of a transfer is shown and nothing changes.
func TestEveryRouteAnonymous(t *testing.T) {
	t.Parallel()
	e := start(t, nil)
	e.user("tanaka", "pw-tanaka-1", accounts.Staff)
	sd := seed(t, e)
	ids := map[string]string{"id": sd.out.ID, "file": sd.outFile.ID, "token": randomToken()}
	type side struct {
		base   string
		routes []web.Route
		filter string
	}
	for _, sdd := range []side{{e.portal, e.gw.Portal().Routes(), "/transfers"}, {e.internet, e.gw.Internet().Routes(), "/"}} {
		n := 0
		for _, r := range sdd.routes {
			if !strings.HasPrefix(r.Pattern, sdd.filter) {
				continue
			}
			n++
			for _, id := range []string{sd.in.ID, sd.out.ID} {
				ids["id"] = id
				path := fillRoute(r.Pattern, ids)
				c := webtest.NewClient(t, sdd.base)
				resp, body := send(c, r.Method, path)
				// A new client per request: close its connection, the listener allows a
				// client address only so many (transfer.max_conns_per_ip).
				c.HTTP.CloseIdleConnections()
				if r.Access.Public {
					if leaks(body) || resp.StatusCode == 200 && strings.Contains(path, ids["token"]) {
						t.Errorf("%s %s%s anonymous = %d (public route with a made-up token)", r.Method, sdd.base, path, resp.StatusCode)
					}
					continue
				}
				loc := resp.Header.Get("Location")
				denied := resp.StatusCode == 303 && strings.HasPrefix(loc, "/login") || resp.StatusCode == 403 || resp.StatusCode == 401
				if !denied || leaks(body) {
					t.Errorf("%s %s%s anonymous = %d %q", r.Method, sdd.base, path, resp.StatusCode, loc)
				}
			}
		}
		if n < 5 {
			t.Errorf("%s: only %d routes walked", sdd.base, n)
		}
	}
	// The API authenticates by capability: made-up ones are unknown on every method.
	for _, base := range []string{e.portal, e.internet} {
		for _, mp := range [][2]string{{"GET", "t/" + randomToken()}, {"POST", "t/" + randomToken() + "/files"},
			{"PATCH", "t/" + randomToken() + "/files/" + sd.inFile.ID}, {"DELETE", "t/" + randomToken() + "/files/" + sd.inFile.ID},
			{"POST", "t/" + randomToken() + "/done"}, {"PUT", "u/" + randomToken() + "/a.txt"}, {"POST", "u/" + randomToken()},
			{"GET", "t/" + sd.in.ID}, {"GET", "t/..%2F..%2Fetc%2Fpasswd"}, {"PUT", "u/..%2F..%2Fx/..%2Fa.txt"}} {
			req, _ := http.NewRequest(mp[0], base+transfer.APIPrefix+mp[1], strings.NewReader("x"))
			req.Header.Set("Tus-Resumable", "1.0.0")
			req.Header.Set("Upload-Length", "1")
			req.Header.Set("Upload-Offset", "0")
			req.Header.Set("Content-Type", "application/offset+octet-stream")
			c := webtest.NewClient(t, base)
			resp, body := c.Do(req)
			c.HTTP.CloseIdleConnections()
			if resp.StatusCode != 404 || leaks(body) {
				t.Errorf("%s %s%s = %d", mp[0], base, mp[1], resp.StatusCode)
			}
		}
	}
	// Nothing changed.
	if tr, fs := e.final(sd.out.ID); tr.State != transfer.Pending || fs[0].State != transfer.Available {
		t.Errorf("outbound after the walk: %s %s", tr.State, fs[0].State)
	}
}

// TestIDORAndCSRF: another staff member (and an approver outside the department) reach
// none of tanaka's transfers or files by ID; tanaka cannot mix a file into another
// transfer's URL; every POST without the session's CSRF token is refused and changes
// nothing.
func TestIDORAndCSRF(t *testing.T) {
	t.Parallel()
	e := start(t, nil)
	e.user("tanaka", "pw-tanaka-1", accounts.Staff)
	e.user("sato", "pw-sato-1", accounts.Staff)
	sd := seed(t, e)
	var routes []web.Route
	for _, r := range e.gw.Portal().Routes() {
		if strings.HasPrefix(r.Pattern, "/transfers/") && strings.Contains(r.Pattern, "{id}") {
			routes = append(routes, r)
		}
	}
	if len(routes) < 6 {
		t.Fatalf("only %d transfer routes with an ID", len(routes))
	}
	sato := e.lgwan("sato", "pw-sato-1")
	sato.Get("/transfers")
	for _, r := range routes {
		for _, ids := range []map[string]string{{"id": sd.in.ID, "file": sd.inFile.ID}, {"id": sd.out.ID, "file": sd.outFile.ID}} {
			path := fillRoute(r.Pattern, ids)
			resp, body := send(sato, r.Method, path)
			if resp.StatusCode != 404 || leaks(body) {
				t.Errorf("sato %s %s = %d", r.Method, path, resp.StatusCode)
			}
		}
	}
	tanaka := e.lgwan("tanaka", "pw-tanaka-1")
	// A file of the outbound transfer through the inbound one's URL.
	for _, p := range []string{"/transfers/" + sd.in.ID + "/files/" + sd.outFile.ID, "/transfers/" + sd.out.ID + "/files/" + sd.inFile.ID,
		"/transfers/" + sd.in.ID + "/files/" + sd.inFile.ID + "/..%2F..%2F" + sd.outFile.ID, "/transfers/..%2F" + sd.in.ID} {
		if resp, body := tanaka.Get(p); resp.StatusCode != 404 || leaks(body) {
			t.Errorf("tanaka GET %s = %d", p, resp.StatusCode)
		}
	}
	// CSRF: every POST route of the transfer pages, with a token of another session and
	// with none.
	tanaka.Get("/transfers/" + sd.out.ID)
	for _, r := range e.gw.Portal().Routes() {
		if r.Method != "POST" || !strings.HasPrefix(r.Pattern, "/transfers") {
			continue
		}
		path := fillRoute(r.Pattern, map[string]string{"id": sd.out.ID, "file": sd.outFile.ID})
		if strings.HasPrefix(r.Pattern, "/transfers/links/") {
			path = fillRoute(r.Pattern, map[string]string{"id": sd.linkID})
		}
		for _, tok := range []string{"", sato.CSRF()} {
			resp, _ := tanaka.Post(path, url.Values{"csrf": {tok}, "to": {"x@example.com"}, "reason": {"r"}})
			if resp.StatusCode != 403 {
				t.Errorf("POST %s with csrf %q = %d, want 403", path, tok, resp.StatusCode)
			}
		}
	}
	if tr, _ := e.final(sd.out.ID); tr.State != transfer.Pending {
		t.Errorf("outbound after the CSRF tries: %s", tr.State)
	}
	if ls, _ := e.svc.UploadLinks(context.Background(), "tanaka"); len(ls) != 1 || ls[0].Revoked {
		t.Errorf("upload links after the CSRF tries: %+v", ls)
	}
}

// TestHostileNamesAndRedirects: a file name with markup, path and bidi tricks is stored
// safe and shown escaped on both sides; the partner's text is escaped too; the login
// pages of both listeners send only to local paths.
func TestHostileNamesAndRedirects(t *testing.T) {
	t.Parallel()
	e := start(t, nil)
	e.user("tanaka", "pw-tanaka-1", accounts.Staff)
	sd := seed(t, e)
	n := sd.inFile.Name
	if strings.ContainsAny(n, "/\\<>\u202e") || strings.HasPrefix(n, ".") || strings.HasPrefix(strings.ToUpper(n), "CON.") {
		t.Errorf("stored name %q is not safe", n)
	}
	if !strings.HasSuffix(n, ".txt") || sd.inFile.State != transfer.Available {
		t.Errorf("stored name %q (%s) lost its extension or was refused", n, sd.inFile.State)
	}
	if sd.rloFile.State != transfer.Refused || !strings.Contains(sd.rloFile.Reason, "U+202E") {
		t.Errorf("a name with a right-to-left override: %s %q", sd.rloFile.State, sd.rloFile.Reason)
	}
	tanaka := e.lgwan("tanaka", "pw-tanaka-1")
	for _, p := range []string{"/transfers", "/transfers/" + sd.in.ID, "/transfers/" + sd.out.ID, "/transfers/links"} {
		resp, body := tanaka.Get(p)
		if resp.StatusCode != 200 {
			t.Errorf("GET %s = %d", p, resp.StatusCode)
		}
		for _, raw := range []string{"<img src=x", "<b>業者</b>", "<svg onload", "<script>alert(2)"} {
			if strings.Contains(body, raw) {
				t.Errorf("GET %s shows %q unescaped", p, raw)
			}
		}
	}
	resp, _ := tanaka.Get("/transfers/" + sd.in.ID + "/files/" + sd.inFile.ID)
	cd := resp.Header.Get("Content-Disposition")
	if resp.StatusCode != 200 || !strings.HasPrefix(cd, "attachment;") || strings.ContainsAny(cd, "/\\<\u202e\r\n") {
		t.Errorf("download %d, Content-Disposition %q", resp.StatusCode, cd)
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("download without nosniff")
	}
	// Open redirects after login on both listeners.
	for _, base := range []string{e.portal, e.internet} {
		for _, next := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "/%2F%2Fevil.example", "javascript:alert(1)"} {
			c := webtest.NewClient(t, base)
			c.Get("/login?next=" + url.QueryEscape(next))
			resp, _ := c.Post("/login", url.Values{"user": {"tanaka"}, "password": {"pw-tanaka-1"}, "next": {next}})
			c.HTTP.CloseIdleConnections()
			loc := resp.Header.Get("Location")
			u, err := url.Parse(loc)
			if resp.StatusCode != 303 || err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(loc, "/") ||
				strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") {
				t.Errorf("%s login with next=%q sends to %q (%d)", base, next, loc, resp.StatusCode)
			}
		}
	}
}
