package delivery_test

import (
	"fmt"
	"github.com/sekisho/sekisho/gateway/delivery"
	"github.com/sekisho/sekisho/internal/relaytest"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
)

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startSMTPSink runs Postfix's smtp-sink as the next hop and returns its address and a
// function reporting how many messages it has counted.
func startSMTPSink(t *testing.T) (string, func() int) {
	bin := testtool.Need(t, "smtp-sink")
	addr := freePort(t)
	out := filepath.Join(t.TempDir(), "sink.out")
	f, _ := os.Create(out)
	args := []string{"-c", "-m", "256", addr, "256"}
	if os.Geteuid() == 0 {
		args = append([]string{"-u", "nobody"}, args...)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait(); f.Close() })
	for i := 0; i < 100; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	count := func() int {
		data, _ := os.ReadFile(out)
		fields := strings.FieldsFunc(string(data), func(r rune) bool { return r == '\r' || r == '\n' || r == ' ' })
		n := 0
		for _, fl := range fields {
			if v, ok := strings.CutPrefix(fl, "mesg="); ok {
				fmt.Sscan(v, &n)
			}
		}
		return n
	}
	return addr, count
}

// TestPostfixLoadThroughRelay drives the relay with Postfix's smtp-source and delivers to
// Postfix's smtp-sink: every message smtp-source got a 250 for must reach the sink.
func TestPostfixLoadThroughRelay(t *testing.T) {
	src := testtool.Need(t, "smtp-source")
	sinkAddr, count := startSMTPSink(t)
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
