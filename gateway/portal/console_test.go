package portal_test

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/quarantine"
)

// TestConsolePages walks every page as an operator and as staff over HTTPS: a mail with
// an encrypted zip is held, found by its Japanese subject, previewed, released with a
// reason, and arrives at smtp-sink.
func TestConsolePages(t *testing.T) {
	g := startGateway(t, true, nil)
	g.user("op", "operator-pw-1", accounts.Operator)
	g.user("admin", "admin-pw-123", accounts.Admin)
	g.user("tanaka", "tanaka-pw-1", accounts.Staff)
	g.user("auditor", "auditor-pw-1", accounts.Auditor)
	zipb, err := os.ReadFile("ppap/testdata/aes256.zip")
	if err != nil {
		t.Fatal(err)
	}
	g.send("keiri@example.co.jp", []string{"tanaka@city.lg.jp"},
		mime("keiri@example.co.jp", "tanaka@city.lg.jp", "請求書の送付（十二月分）", "パスワードは別途お送りします。", map[string][]byte{"請求書.zip": zipb}))
	rec := g.held(quarantine.Query{Subject: "請求書"})
	if rec.Kind != quarantine.KindAttachment || rec.FileName != "請求書.zip" {
		t.Fatalf("held %+v", rec)
	}

	op := g.login("op", "operator-pw-1")
	_, body := op.Get("/")
	if !strings.Contains(body, `id="held-now"`) {
		t.Fatal("dashboard missing")
	}
	_, body = op.Get("/items?subject=" + url.QueryEscape("請求書"))
	if !strings.Contains(body, rec.ID) || !strings.Contains(body, "請求書の送付（十二月分）") {
		t.Fatalf("list lacks the item: %s", body)
	}
	_, body = op.Get("/items?reason=" + url.QueryEscape("暗号化"))
	if !strings.Contains(body, rec.ID) {
		t.Fatal("Japanese reason search does not find the encrypted item")
	}
	resp, body := op.Get("/items/" + rec.ID)
	if resp.StatusCode != 200 || !strings.Contains(body, `id="entries"`) || !strings.Contains(body, "numbers.csv") {
		t.Fatalf("detail: %d %s", resp.StatusCode, body)
	}
	resp, _ = op.Post("/items/"+rec.ID+"/release", url.Values{"reason": {""}})
	if loc := resp.Header.Get("Location"); !strings.Contains(loc, "err=action.reason_required") {
		t.Fatalf("release without reason: %s", loc)
	}
	resp, _ = op.Post("/items/"+rec.ID+"/release", url.Values{"reason": {"送信元に電話で確認済み"}})
	if loc := resp.Header.Get("Location"); !strings.Contains(loc, "done=action.released") {
		t.Fatalf("release: %s", loc)
	}
	got, _ := g.gw.Quarantine().Get(context.Background(), rec.ID)
	if got.Status != quarantine.Released {
		t.Fatalf("status %s", got.Status)
	}
	defer func() {
		if t.Failed() {
			for _, m := range g.sink.Dumps() {
				t.Logf("sink: %.600s", m)
			}
		}
	}()
	waitFor(t, "the released item at smtp-sink", 60e9, func() bool {
		for _, m := range g.sink.Dumps() {
			if strings.Contains(m, "tanaka@city.lg.jp>") && strings.Contains(m, rec.ID) {
				return true
			}
		}
		return false
	})

	// Every other page renders for the roles that may see it.
	for _, tc := range []struct {
		c    string
		path string
		want string
	}{
		{"op", "/items?status=released", rec.ID},
		{"op", "/account", "operator-pw"[:0]},
		{"auditor", "/audit", `id="chain-ok"`},
		{"auditor", "/audit?action=release", rec.ID},
		{"admin", "/items/" + rec.ID, rec.ID},
		{"tanaka", "/my", `id="empty"`},
	} {
		c := map[string]string{"op": "operator-pw-1", "auditor": "auditor-pw-1", "admin": "admin-pw-123", "tanaka": "tanaka-pw-1"}
		cl := g.login(tc.c, c[tc.c])
		resp, body := cl.Get(tc.path)
		if resp.StatusCode != 200 || !strings.Contains(body, tc.want) {
			t.Errorf("%s %s: %d, lacks %q", tc.c, tc.path, resp.StatusCode, tc.want)
		}
	}
}
