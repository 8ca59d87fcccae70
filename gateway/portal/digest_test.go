package portal_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/quarantine"
)

// TestDailyDigest: the relay's outcomes are counted for the dashboard and the digest, which
// goes once per day to the operators through the mail queue.
func TestDailyDigest(t *testing.T) {
	g := startGateway(t, false, nil)
	g.user("op", "operator-pw-1", accounts.Operator)
	g.user("tanaka", "tanaka-pw-1", accounts.Staff)
	zipb, _ := os.ReadFile("ppap/testdata/aes128.zip")
	g.send("a@example.com", []string{"tanaka@city.lg.jp"}, mime("a@example.com", "tanaka@city.lg.jp", "plain", "hello", nil))
	g.send("b@example.com", []string{"tanaka@city.lg.jp"}, mime("b@example.com", "tanaka@city.lg.jp", "zip", "pw later", map[string][]byte{"x.zip": zipb}))
	g.held(quarantine.Query{FileName: "x.zip"})
	c := g.login("op", "operator-pw-1")
	waitFor(t, "the dashboard to count both messages", 30*time.Second, func() bool {
		_, body := c.Get("/")
		return strings.Contains(body, `id="today-delivered">2<`)
	})
	_, body := c.Get("/")
	if !strings.Contains(body, ".zip") || !strings.Contains(body, "<svg") {
		t.Fatal("dashboard lacks the type table or the chart")
	}
	p := g.gw.Portal()
	tomorrow := time.Now().AddDate(0, 0, 1)
	qid, err := p.SendDigest(context.Background(), tomorrow)
	if err != nil || qid == "" {
		t.Fatalf("digest: %q %v", qid, err)
	}
	if qid, err := p.SendDigest(context.Background(), tomorrow); err != nil || qid != "" {
		t.Fatalf("second digest for the same day: %q %v", qid, err)
	}
	waitFor(t, "the digest at smtp-sink", 60*time.Second, func() bool {
		for _, m := range g.sink.Dumps() {
			if strings.Contains(m, "op@city.lg.jp") && strings.Contains(m, "digest") {
				return strings.Contains(m, "delivered: 2") || strings.Contains(m, "delivered: 2\r")
			}
		}
		return false
	})
}
