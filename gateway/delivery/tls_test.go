package delivery_test

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sekisho/sekisho/gateway/delivery"
	"github.com/sekisho/sekisho/gateway/smtp"
	"github.com/sekisho/sekisho/internal/relaytest"
)

// TestDeliveryTLSModes delivers to a next hop that offers STARTTLS with a self-signed
// certificate: verification on refuses it (the message waits in the queue), insecure=1
// accepts it, and opportunistic falls back as Postfix's "may" does.
func TestDeliveryTLSModes(t *testing.T) {
	dir := t.TempDir()
	cert, err := smtp.LoadOrCreateCert(filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem"), "hop.test")
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
			sink := relaytest.StartSink(t, "")
			sink.Srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
			r := relaytest.Start(t, "", func(c *relaytest.Config) {
				c.Delivery.Routes = []delivery.Route{{Domain: "city.lg.jp", Transport: "smtp", Addr: sink.Addr(), TLS: tc.tlsMode, InsecureSkipVerify: tc.insecure}}
				if os.Getenv("DBG") != "" {
					c.Delivery.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
				}
			})
			if err := relaytest.SendMail(r.Addr, "a@example.com", []string{"staff@city.lg.jp"}, fmt.Sprintf(relaytest.Msg, "tls")); err != nil {
				t.Fatal(err)
			}
			if tc.delivered {
				relaytest.WaitFor(t, "delivery", func() bool { return len(sink.Messages()) == 1 })
				return
			}
			relaytest.WaitFor(t, "deferral", func() bool { return r.Queued() == 1 })
			time.Sleep(300 * time.Millisecond)
			if n := len(sink.Messages()); n != 0 {
				t.Fatalf("delivered %d messages over an unverified TLS hop", n)
			}
		})
	}
}

// TestConnectionReuse sends several messages and checks the next hop saw fewer
// connections than messages.
func TestConnectionReuse(t *testing.T) {
	sink := relaytest.StartSink(t, "")
	var conns atomic.Int32
	r := relaytest.Start(t, "", func(c *relaytest.Config) {
		c.Delivery.Routes = []delivery.Route{{Domain: "city.lg.jp", Transport: "smtp", Addr: sink.Addr(), TLS: "none"}}
		c.Delivery.Workers = 1
		c.Delivery.MaxConnsPerHop = 1
	})
	for i := 0; i < 10; i++ {
		if err := relaytest.SendMail(r.Addr, "a@example.com", []string{"staff@city.lg.jp"}, fmt.Sprintf(relaytest.Msg, fmt.Sprint("reuse", i))); err != nil {
			t.Fatal(err)
		}
	}
	relaytest.WaitFor(t, "deliveries", func() bool { return len(sink.Messages()) == 10 })
	conns.Store(int32(sink.Sessions()))
	if n := conns.Load(); n >= 10 {
		t.Errorf("%d sessions at the next hop for 10 messages, want reuse", n)
	}
}

// TestNextHopRestart delivers over pooled connections, restarts the next hop (every pooled
// connection is now dead), and checks the next messages are delivered at once rather than
// deferred to the retry backoff.
func TestNextHopRestart(t *testing.T) {
	sink := relaytest.StartSink(t, "")
	addr := sink.Addr()
	r := relaytest.Start(t, "", func(c *relaytest.Config) {
		c.Delivery.Routes = []delivery.Route{{Domain: "city.lg.jp", Transport: "smtp", Addr: addr, TLS: "none"}}
		c.Delivery.RetryBase, c.Delivery.RetryMax = time.Minute, time.Minute
	})
	for i := 0; i < 8; i++ {
		if err := relaytest.SendMail(r.Addr, "a@example.com", []string{"staff@city.lg.jp"}, fmt.Sprintf(relaytest.Msg, fmt.Sprint("before", i))); err != nil {
			t.Fatal(err)
		}
	}
	relaytest.WaitFor(t, "first deliveries", func() bool { return len(sink.Messages()) == 8 })
	sink.Srv.Close()
	sink2 := relaytest.StartSink(t, addr)
	for i := 0; i < 8; i++ {
		if err := relaytest.SendMail(r.Addr, "a@example.com", []string{"staff@city.lg.jp"}, fmt.Sprintf(relaytest.Msg, fmt.Sprint("after", i))); err != nil {
			t.Fatal(err)
		}
	}
	relaytest.WaitFor(t, "deliveries after the restart", func() bool { return len(sink2.Messages()) == 8 })
}
