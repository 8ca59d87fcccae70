package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
)

// TestServeMetricsAndHealth drives a running serve with swaks: a message whose encrypted
// zip is held counts the held attachment (not only whole messages) by type, policy and
// verdict, delivery results are counted by next hop, and /healthz turns degraded when the
// next hop fails. Every sekisho_ series served is documented in the README.
func TestServeMetricsAndHealth(t *testing.T) {
	swaks := testtool.Need(t, "swaks")
	dir := t.TempDir()
	delivered := filepath.Join(dir, "delivered")
	smtpAddr, httpAddr := freeAddr(t), freeAddr(t)
	// Nothing listens on dead: the route to other.example always fails temporarily.
	dead := freeAddr(t)
	cfgPath := filepath.Join(dir, "sekisho.yaml")
	os.WriteFile(cfgPath, []byte(fmt.Sprintf(`data_dir: %s
smtp:
  listen: %s
  hostname: gw.city.lg.jp
  domains: [city.lg.jp, other.example]
delivery:
  retry_base: 1s
  retry_max: 1s
  routes:
    city.lg.jp: dir:%s
    other.example: smtp://%s?tls=none
http:
  listen: %s
`, filepath.Join(dir, "data"), smtpAddr, delivered, dead, httpAddr)), 0o644)
	zipEnc, err := os.ReadFile(filepath.Join("..", "..", "testdata", "archive", "bad-zipcrypto.zip"))
	if err != nil {
		t.Fatal(err)
	}
	g := startServe(t, dir, cfgPath, smtpAddr, httpAddr, delivered)
	g.send(swaks, buildMail("held", "<p>資料</p>", attachment("資料.zip", "application/zip", zipEnc)))
	g.waitDelivered(1)

	// The delivered file appears before the delivery worker counts its result: wait for
	// the count rather than read /metrics once.
	deliveredLine := `sekisho_delivery_results_total{next_hop="dir:` + delivered + `",result="delivered"} 1`
	_, m := g.get("/metrics")
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(m, deliveredLine+"\n") && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		_, m = g.get("/metrics")
	}
	for _, want := range []string{
		`sekisho_items_total{policy="sanitize",type="zip",verdict="quarantined"} 1`,
		`sekisho_smtp_accepted_total 1`,
		`sekisho_actions_total{action="quarantined"} 1`,
		deliveredLine,
		`sekisho_audit_log_broken 0`,
	} {
		if !strings.Contains(m, want+"\n") {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if code, body := g.get("/healthz"); code != 200 {
		t.Fatalf("healthz = %d %q", code, body)
	}

	// A next hop that refuses connections: after 3 attempts /healthz names it.
	host, port, _ := net.SplitHostPort(smtpAddr)
	f := filepath.Join(dir, "other.eml")
	os.WriteFile(f, buildMail("other", "<p>x</p>"), 0o644)
	if out, err := exec.Command(swaks, "--server", host, "--port", port, "--from", "a@example.com",
		"--to", "user@other.example", "--data", f, "--timeout", "30").CombinedOutput(); err != nil {
		t.Fatalf("swaks: %v %s", err, out)
	}
	var code int
	var body string
	for i := 0; i < 600; i++ {
		if code, body = g.get("/healthz"); code == http.StatusServiceUnavailable {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "next_hop: next hop smtp:"+dead+" failing") {
		t.Fatalf("healthz with a dead next hop = %d %q", code, body)
	}
	_, m = g.get("/metrics")
	if !strings.Contains(m, `sekisho_next_hop_up{next_hop="smtp:`+dead+`"} 0`) {
		t.Errorf("/metrics does not show the dead hop down")
	}

	// Every sekisho_ series served is in the README's table.
	readme, _ := os.ReadFile(filepath.Join("..", "..", "README.md"))
	names := map[string]bool{}
	for _, n := range regexp.MustCompile(`(?m)^(sekisho_[a-z_]+?)(_bucket|_sum|_count)?[{ ]`).FindAllStringSubmatch(m, -1) {
		names[n[1]] = true
	}
	for n := range names {
		if !strings.Contains(string(readme), "`"+n+"`") {
			t.Errorf("README does not document %s", n)
		}
	}
	g.stop()
}
