package smtp

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// TestDeliveryTLSModes delivers to a next hop that offers STARTTLS with a self-signed
// certificate: verification on refuses it (the message waits in the queue), insecure=1
// accepts it, and opportunistic falls back as Postfix's "may" does.
func TestDeliveryTLSModes(t *testing.T) {
	dir := t.TempDir()
	cert, err := LoadOrCreateCert(filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem"), "hop.test")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		tlsMode   string
		insecure  bool
		delivered bool
	}{
		{"required and verified fails on a self-signed hop", "required", false, false},
		{"required with insecure", "required", true, true},
		{"opportunistic falls back", "opportunistic", false, true},
		{"none", "none", false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sink := startSink(t, "")
			sink.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
			r := startRelay(t, func(o *Options) {
				o.Routes = []Route{{Domain: "city.lg.jp", Transport: "smtp", Addr: sink.addr(), TLS: tc.tlsMode, InsecureSkipVerify: tc.insecure}}
				if os.Getenv("DBG") != "" {
					o.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
				}
			})
			if err := sendMail(t, r.addr, "a@example.com", []string{"staff@city.lg.jp"}, fmt.Sprintf(testMsg, "tls")); err != nil {
				t.Fatal(err)
			}
			if tc.delivered {
				waitFor(t, "delivery", func() bool { return len(sink.messages()) == 1 })
				return
			}
			waitFor(t, "deferral", func() bool { ids, _ := r.spool.ListQueue(); return len(ids) == 1 })
			time.Sleep(300 * time.Millisecond)
			if n := len(sink.messages()); n != 0 {
				t.Fatalf("delivered %d messages over an unverified TLS hop", n)
			}
		})
	}
}

// TestConnectionReuse sends several messages and checks the next hop saw fewer
// connections than messages.
func TestConnectionReuse(t *testing.T) {
	sink := startSink(t, "")
	var conns atomic.Int32
	r := startRelay(t, func(o *Options) {
		o.Routes = []Route{{Domain: "city.lg.jp", Transport: "smtp", Addr: sink.addr(), TLS: "none"}}
		o.DeliveryWorkers = 1
		o.MaxConnsPerHop = 1
	})
	for i := 0; i < 10; i++ {
		if err := sendMail(t, r.addr, "a@example.com", []string{"staff@city.lg.jp"}, fmt.Sprintf(testMsg, fmt.Sprint("reuse", i))); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "deliveries", func() bool { return len(sink.messages()) == 10 })
	conns.Store(int32(sink.sessions()))
	if n := conns.Load(); n >= 10 {
		t.Errorf("%d sessions at the next hop for 10 messages, want reuse", n)
	}
}

// TestNextHopRestart delivers over pooled connections, restarts the next hop (every pooled
// connection is now dead), and checks the next messages are delivered at once rather than
// deferred to the retry backoff.
func TestNextHopRestart(t *testing.T) {
	sink := startSink(t, "")
	addr := sink.addr()
	r := startRelay(t, func(o *Options) {
		o.Routes = []Route{{Domain: "city.lg.jp", Transport: "smtp", Addr: addr, TLS: "none"}}
		o.RetryBase, o.RetryMax = time.Minute, time.Minute
	})
	for i := 0; i < 8; i++ {
		if err := sendMail(t, r.addr, "a@example.com", []string{"staff@city.lg.jp"}, fmt.Sprintf(testMsg, fmt.Sprint("before", i))); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "first deliveries", func() bool { return len(sink.messages()) == 8 })
	sink.srv.Close()
	sink2 := startSink(t, addr)
	for i := 0; i < 8; i++ {
		if err := sendMail(t, r.addr, "a@example.com", []string{"staff@city.lg.jp"}, fmt.Sprintf(testMsg, fmt.Sprint("after", i))); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "deliveries after the restart", func() bool { return len(sink2.messages()) == 8 })
}
