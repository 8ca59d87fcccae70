package portal_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/quarantine"
)

// TestTwoPersonRelease: with portal.two_person_release an operator's release becomes a
// request; the same operator cannot approve it, a second one can; a staff request goes
// the same way.
func TestTwoPersonRelease(t *testing.T) {
	g := startGateway(t, true, func(c *config.Config) { c.Portal.TwoPersonRelease = true })
	g.user("op1", "operator-pw-1", accounts.Operator)
	g.user("op2", "operator-pw-2", accounts.Operator)
	g.user("tanaka", "tanaka-pw-1", accounts.Staff)
	rec := g.put(quarantine.Record{Rcpts: []string{"tanaka@city.lg.jp"}, Subject: "two", FileName: "a.bin", Reason: "x"}, "x")
	ctx := context.Background()
	op1 := g.login("op1", "operator-pw-1")
	op1.Get("/items/" + rec.ID)
	resp, _ := op1.Post("/items/"+rec.ID+"/release", url.Values{"reason": {"looks fine"}})
	if !strings.Contains(resp.Header.Get("Location"), "action.requested") {
		t.Fatalf("release by one operator: %s", resp.Header.Get("Location"))
	}
	if got, _ := g.gw.Quarantine().Get(ctx, rec.ID); got.Status != quarantine.ReleaseRequested {
		t.Fatalf("status %s", got.Status)
	}
	resp, _ = op1.Post("/items/"+rec.ID+"/approve", url.Values{"reason": {"me again"}})
	if !strings.Contains(resp.Header.Get("Location"), "action.needs_second") {
		t.Fatalf("self-approval: %s", resp.Header.Get("Location"))
	}
	op2 := g.login("op2", "operator-pw-2")
	op2.Get("/items/" + rec.ID)
	resp, _ = op2.Post("/items/"+rec.ID+"/approve", url.Values{"reason": {"checked"}})
	if !strings.Contains(resp.Header.Get("Location"), "action.released") {
		t.Fatalf("second operator: %s", resp.Header.Get("Location"))
	}
	if got, _ := g.gw.Quarantine().Get(ctx, rec.ID); got.Status != quarantine.Released {
		t.Fatalf("status %s", got.Status)
	}

	// Staff ask; an operator rejects; the item is held again.
	r2 := g.put(quarantine.Record{Rcpts: []string{"tanaka@city.lg.jp"}, Subject: "ask", FileName: "b.bin", Reason: "x"}, "y")
	st := g.login("tanaka", "tanaka-pw-1")
	st.Get("/items/" + r2.ID)
	resp, _ = st.Post("/items/"+r2.ID+"/request", url.Values{"reason": {"取引先からの請求書です"}})
	if !strings.Contains(resp.Header.Get("Location"), "action.requested") {
		t.Fatalf("staff request: %s", resp.Header.Get("Location"))
	}
	op2.Get("/items/" + r2.ID)
	op2.Post("/items/"+r2.ID+"/reject", url.Values{"reason": {"not expected"}})
	if got, _ := g.gw.Quarantine().Get(ctx, r2.ID); got.Status != quarantine.Held {
		t.Fatalf("after reject: %s", got.Status)
	}
}
