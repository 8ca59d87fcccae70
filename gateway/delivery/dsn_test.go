package delivery_test

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/sekisho/sekisho/gateway/delivery"
	"github.com/sekisho/sekisho/gateway/queue"
	"github.com/sekisho/sekisho/internal/relaytest"
)

// dsnField returns the value of a message/delivery-status field (the first occurrence).
func dsnField(dsn []byte, name string) string {
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `: (.*?)\r?$`).FindSubmatch(dsn)
	if m == nil {
		return ""
	}
	return string(m[1])
}

// TestDSNStatusFromNextHop: Postfix's smtp-sink as the next hop refuses the recipient with
// a reply of its own; the DSN's Status is the enhanced code the hop gave, and its
// Diagnostic-Code the hop's reply as received. Without an enhanced code in the reply, the
// status falls back to the class of the reply code.
func TestDSNStatusFromNextHop(t *testing.T) {
	tests := []struct {
		name, reply, status, diagnostic string
	}{
		{"enhanced", "550 5.1.1 <gone@city.lg.jp>: Recipient address rejected: User unknown in local recipient table",
			"5.1.1", "smtp; 550 5.1.1 <gone@city.lg.jp>: Recipient address rejected: User unknown in local recipient table"},
		{"policy", "554 5.7.1 <gone@city.lg.jp>: Relay access denied", "5.7.1", "smtp; 554 5.7.1 <gone@city.lg.jp>: Relay access denied"},
		{"no-enhanced-code", "550 mailbox unavailable", "5.0.0", "smtp; 550 mailbox unavailable"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hop := relaytest.PostfixSink(t, "-f", "RCPT", "-B", tc.reply)
			senders := relaytest.StartSink(t, "")
			r := relaytest.Start(t, "", func(c *relaytest.Config) {
				c.Delivery.Routes = []delivery.Route{
					{Domain: "city.lg.jp", Transport: "smtp", Addr: hop.Addr, TLS: "none"},
					{Domain: "*", Transport: "smtp", Addr: senders.Addr(), TLS: "none"},
				}
			})
			if err := relaytest.SendMail(r.Addr, "sender@example.com", []string{"gone@city.lg.jp"}, fmt.Sprintf(relaytest.Msg, "dsn-"+tc.name)); err != nil {
				t.Fatal(err)
			}
			relaytest.WaitFor(t, "the DSN", func() bool { return len(senders.Messages()) == 1 })
			dsn := senders.Messages()[0].Data
			if got := dsnField(dsn, "Status"); got != tc.status {
				t.Errorf("Status: %q, want %q (the hop's)", got, tc.status)
			}
			if got := dsnField(dsn, "Diagnostic-Code"); got != tc.diagnostic {
				t.Errorf("Diagnostic-Code: %q, want %q", got, tc.diagnostic)
			}
			if got := dsnField(dsn, "Action"); got != "failed" {
				t.Errorf("Action: %q, want failed", got)
			}
			if hop.Count() != 0 {
				t.Errorf("the hop counted %d messages", hop.Count())
			}
			relaytest.WaitFor(t, "queue empty", func() bool { return r.Queued() == 0 && r.Incoming() == 0 })
		})
	}
}

// TestDeferredUntilExpiry: a next hop (smtp-sink) that keeps answering 451 defers the
// message again and again: the first deferral moves it from incoming to the queue, every
// later one rewrites its envelope in place (Update) with one more attempt, the hop's reply
// as the last error and a retry delay that doubles up to RetryMax. Once the message is
// older than Lifetime it is bounced with status 4.4.7 (delivery time expired) and the
// hop's last reply, and leaves the queue.
func TestDeferredUntilExpiry(t *testing.T) {
	const reply = "451 4.2.1 Mailbox busy, try again later"
	hop := relaytest.PostfixSink(t, "-r", "RCPT", "-b", reply)
	senders := relaytest.StartSink(t, "")
	// Lifetime leaves three seconds beyond the third try (≈3 s after arrival): under a loaded
	// CI the first try can start seconds late, and a try after Lifetime bounces instead.
	const base, maxDelay, lifetime = time.Second, 2 * time.Second, 8 * time.Second
	r := relaytest.Start(t, "", func(c *relaytest.Config) {
		c.Delivery.RetryBase, c.Delivery.RetryMax, c.Delivery.Lifetime = base, maxDelay, lifetime
		c.Delivery.Routes = []delivery.Route{
			{Domain: "city.lg.jp", Transport: "smtp", Addr: hop.Addr, TLS: "none"},
			{Domain: "*", Transport: "smtp", Addr: senders.Addr(), TLS: "none"},
		}
	})
	if err := relaytest.SendMail(r.Addr, "sender@example.com", []string{"staff@city.lg.jp"}, fmt.Sprintf(relaytest.Msg, "expire")); err != nil {
		t.Fatal(err)
	}

	// Watch the envelope through its deferrals: for each attempt, the delay until the next
	// try as seen when the attempt is first observed (a little less than the backoff).
	delays := map[int]time.Duration{}
	var lastErrors []string
	relaytest.WaitFor(t, "the DSN", func() bool {
		envs, _ := r.Queue.Due(time.Now().Add(time.Hour))
		for _, env := range envs {
			if env.Kind == "" && env.Attempts > 0 {
				if _, seen := delays[env.Attempts]; !seen {
					delays[env.Attempts] = time.Until(env.NextTry)
					lastErrors = append(lastErrors, env.LastError)
				}
			}
		}
		return len(senders.Messages()) == 1
	})
	if len(delays) < 3 {
		t.Fatalf("saw attempts %v before expiry, want at least 3 deferrals (the envelope updated in place twice)", delays)
	}
	for n, d := range delays {
		b := min(base<<(n-1), maxDelay)
		// ±20% jitter; observed up to half a second after the attempt on a loaded machine.
		if lo, hi := time.Duration(0.8*float64(b))-500*time.Millisecond, time.Duration(1.2*float64(b)); d < lo || d > hi {
			t.Errorf("attempt %d: next try in %v, want %v ±20%%", n, d, b)
		}
	}
	for _, e := range lastErrors {
		if e != reply {
			t.Errorf("envelope's last error %q, want the hop's reply %q", e, reply)
		}
	}
	dsn := senders.Messages()[0].Data
	if got := dsnField(dsn, "Status"); got != "4.4.7" {
		t.Errorf("Status: %q, want 4.4.7 (delivery time expired)", got)
	}
	if got := dsnField(dsn, "Action"); got != "failed" {
		t.Errorf("Action: %q, want failed", got)
	}
	if got := dsnField(dsn, "Diagnostic-Code"); got != "smtp; "+reply {
		t.Errorf("Diagnostic-Code: %q, want the hop's last reply", got)
	}
	if n := r.Counter("sekisho_deferred_total"); n < 3 {
		t.Errorf("sekisho_deferred_total = %v, want at least 3", n)
	}
	relaytest.WaitFor(t, "queue empty", func() bool { return r.Queued() == 0 && r.Incoming() == 0 })
	if hop.Count() != 0 {
		t.Errorf("the hop counted %d messages", hop.Count())
	}
}

// failingDSNQueue refuses to queue the first fail DSNs, as a full or failing disk would.
type failingDSNQueue struct {
	queue.Queue
	fail    int32
	refused atomic.Int32
}

func (q *failingDSNQueue) Enqueue(msgs ...queue.Message) error {
	for _, m := range msgs {
		if m.Env.Kind == "dsn" && q.refused.Load() < q.fail {
			q.refused.Add(1)
			return errors.New("test: queue refuses the DSN")
		}
	}
	return q.Queue.Enqueue(msgs...)
}

// TestBounceNotQueued: a message with one recipient delivered and one refused by the hop,
// whose DSN cannot be queued at first. The message is kept for another try of the bounce
// only: the delivered recipient never gets it twice, and the DSN goes out once the queue
// takes it.
func TestBounceNotQueued(t *testing.T) {
	hop := relaytest.StartSink(t, "")
	hop.Reject("gone@city.lg.jp", &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "no such user"})
	senders := relaytest.StartSink(t, "")
	q := &failingDSNQueue{fail: 2}
	r := relaytest.Start(t, "", func(c *relaytest.Config) {
		c.Delivery.RetryBase, c.Delivery.RetryMax = 200*time.Millisecond, 400*time.Millisecond
		c.Delivery.Routes = []delivery.Route{
			{Domain: "city.lg.jp", Transport: "smtp", Addr: hop.Addr(), TLS: "none"},
			{Domain: "*", Transport: "smtp", Addr: senders.Addr(), TLS: "none"},
		}
		c.DeliveryQueue = func(sp queue.Queue) queue.Queue { q.Queue = sp; return q }
	})
	if err := relaytest.SendMail(r.Addr, "sender@example.com", []string{"staff@city.lg.jp", "gone@city.lg.jp"}, fmt.Sprintf(relaytest.Msg, "bouncefail")); err != nil {
		t.Fatal(err)
	}
	relaytest.WaitFor(t, "the DSN after the queue recovered", func() bool { return len(senders.Messages()) == 1 })
	relaytest.WaitFor(t, "queue empty", func() bool { return r.Queued() == 0 && r.Incoming() == 0 })
	time.Sleep(1500 * time.Millisecond) // a wrongly kept message would be tried again by now
	if n := q.refused.Load(); n != 2 {
		t.Errorf("the queue refused %d DSNs, want 2 (the test did not exercise the path)", n)
	}
	if got := hop.Messages(); len(got) != 1 || len(got[0].Rcpts) != 1 || got[0].Rcpts[0] != "staff@city.lg.jp" {
		t.Errorf("the hop got %d transactions (%v), want staff@city.lg.jp exactly once", len(got), got)
	}
	if n := len(senders.Messages()); n != 1 {
		t.Errorf("%d DSNs, want 1", n)
	}
	dsn := senders.Messages()[0].Data
	if got := dsnField(dsn, "Final-Recipient"); got != "rfc822; gone@city.lg.jp" {
		t.Errorf("Final-Recipient: %q", got)
	}
	if bytes.Count(dsn, []byte("Final-Recipient:")) != 1 {
		t.Errorf("DSN lists more than the refused recipient:\n%s", dsn)
	}
}
