package delivery_test

import (
	"fmt"
	"os/exec"
	"testing"

	"github.com/sekisho/sekisho/gateway/delivery"
	"github.com/sekisho/sekisho/internal/relaytest"
	"github.com/sekisho/sekisho/internal/testtool"
)

// TestPostfixLoadThroughRelay drives the relay with Postfix's smtp-source and delivers to
// Postfix's smtp-sink: every message smtp-source got a 250 for must reach the sink.
func TestPostfixLoadThroughRelay(t *testing.T) {
	src := testtool.Need(t, "smtp-source")
	sink := relaytest.PostfixSink(t)
	sinkAddr, count := sink.Addr, sink.Count
	r := relaytest.Start(t, "", func(c *relaytest.Config) {
		c.Delivery.Routes = []delivery.Route{{Domain: "city.lg.jp", Transport: "smtp", Addr: sinkAddr, TLS: "none"}}
	})
	const n = 200
	out, err := exec.Command(src, "-m", fmt.Sprint(n), "-s", "8", "-l", "4096", "-f", "sender@example.com",
		"-t", "staff@city.lg.jp", "-M", "client.test", r.Addr).CombinedOutput()
	if err != nil {
		t.Fatalf("smtp-source: %v\n%s", err, out)
	}
	relaytest.WaitFor(t, "all messages at smtp-sink", func() bool { return count() >= n })
	if got := r.Counter("sekisho_smtp_accepted_total"); got != n {
		t.Errorf("accepted %v, want %d", got, n)
	}
}
