package smtp_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/relaytest"
)

// rawConn is a client on a plain socket that can send a command line or a message at any
// pace.
type rawConn struct {
	t  *testing.T
	c  net.Conn
	br *bufio.Reader
}

func dialRaw(t *testing.T, addr string) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	r := &rawConn{t: t, c: c, br: bufio.NewReader(c)}
	if g := r.reply(); !strings.HasPrefix(g, "220") {
		t.Fatalf("greeting = %q", g)
	}
	return r
}

func (r *rawConn) reply() string {
	r.c.SetReadDeadline(time.Now().Add(30 * time.Second))
	var all string
	for {
		line, err := r.br.ReadString('\n')
		all += line
		if err != nil || len(line) < 4 || line[3] == ' ' {
			return all
		}
	}
}

func (r *rawConn) cmd(line string) string {
	r.t.Helper()
	if _, err := io.WriteString(r.c, line); err != nil {
		r.t.Fatal(err)
	}
	return r.reply()
}

// trickle writes chunks one per interval until the server closes the connection or
// limit passes, and returns how long the server took to close it (or limit) and what it
// replied meanwhile.
func (r *rawConn) trickle(chunks []string, every, limit time.Duration) (time.Duration, string) {
	start := time.Now()
	done := make(chan struct{})
	var replies string
	go func() { // ends when the server closes the connection or the test's deadline passes
		defer close(done)
		r.c.SetReadDeadline(start.Add(limit))
		b, _ := io.ReadAll(r.br)
		replies = string(b)
	}()
	for i := 0; ; i++ {
		select {
		case <-done:
			return time.Since(start), replies
		case <-time.After(every):
		}
		if i < len(chunks) {
			if _, err := io.WriteString(r.c, chunks[i]); err != nil {
				<-done
				return time.Since(start), replies
			}
		}
	}
}

func bytesOf(s string) []string {
	var out []string
	for _, b := range []byte(s) {
		out = append(out, string(b))
	}
	return out
}

func linesOf(n, size int) []string {
	line := strings.Repeat("x", size-2) + "\r\n"
	out := make([]string, n)
	for i := range out {
		out[i] = line
	}
	return out
}

// counter returns the value of a labelled counter.
func counter(r *relaytest.Relay, name, label, value string) float64 {
	mfs, _ := r.Metrics.Prometheus().Gather()
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if lp.GetName() == label && lp.GetValue() == value {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// TestDeadlines sends command lines and messages at a trickle over raw sockets. Every byte
// arrives well within the command timeout, so an idle timer would never fire: the
// deadline per line and per message must.
func TestDeadlines(t *testing.T) {
	toData := []string{"EHLO c.test\r\n", "MAIL FROM:<a@example.com>\r\n", "RCPT TO:<staff@city.lg.jp>\r\n", "DATA\r\n"}
	tests := []struct {
		name           string
		command, data  time.Duration
		setup          []string
		chunks         []string
		every          time.Duration
		cutMin, cutMax time.Duration // when the server must close the connection
		wantReply      string
		wantPhase      string // the timeouts counter label; "" for no timeout
	}{
		{name: "command line at one byte per 100ms", command: 600 * time.Millisecond, data: time.Minute,
			chunks: bytesOf("EHLO a-very-slow-client.example.com\r\n"), every: 100 * time.Millisecond,
			cutMin: 500 * time.Millisecond, cutMax: 3 * time.Second, wantReply: "421 4.4.2", wantPhase: "command"},
		{name: "data line at one byte per 100ms", command: 600 * time.Millisecond, data: time.Minute, setup: toData,
			chunks: bytesOf("Subject: a header line that never ends in time\r\n"), every: 100 * time.Millisecond,
			cutMin: 500 * time.Millisecond, cutMax: 3 * time.Second, wantReply: "421 4.4.2", wantPhase: "data_line"},
		// The per-line deadline is above the whole-data one: on a loaded machine the
		// trickle's 100 ms sleeps can stretch past a second, and that must not end the
		// session first.
		{name: "whole data over its deadline, every line in time", command: 3 * time.Second, data: 2 * time.Second, setup: toData,
			chunks: linesOf(100, 300), every: 100 * time.Millisecond,
			cutMin: 1800 * time.Millisecond, cutMax: 5 * time.Second, wantReply: "421 4.4.2", wantPhase: "data"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := relaytest.Start(t, "", func(c *relaytest.Config) {
				c.SMTP.CommandTimeout, c.SMTP.DataTimeout = tc.command, tc.data
			})
			slow := dialRaw(t, r.Addr)
			for _, s := range tc.setup {
				slow.cmd(s)
			}
			// Another client is served normally meanwhile.
			var other error
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				time.Sleep(200 * time.Millisecond)
				other = relaytest.SendMail(r.Addr, "b@example.com", []string{"staff@city.lg.jp"}, fmt.Sprintf(relaytest.Msg, "other"))
			}()
			cut, replies := slow.trickle(tc.chunks, tc.every, 10*time.Second)
			wg.Wait()
			if cut < tc.cutMin || cut > tc.cutMax {
				t.Errorf("connection closed after %v, want between %v and %v (replies %q)", cut, tc.cutMin, tc.cutMax, replies)
			}
			if !strings.Contains(replies, tc.wantReply) {
				t.Errorf("replies = %q, want %q", replies, tc.wantReply)
			}
			if other != nil {
				t.Errorf("another session during the slow one: %v", other)
			}
			if got := counter(r, "sekisho_smtp_timeouts_total", "phase", tc.wantPhase); got != 1 {
				t.Errorf("sekisho_smtp_timeouts_total{phase=%q} = %v, want 1", tc.wantPhase, got)
			}
			if n := r.Incoming() + r.Queued() + len(relaytest.Delivered(r.Dir)); tc.setup != nil && n != 1 {
				t.Errorf("%d messages kept, want only the other client's", n)
			}
		})
	}
}

// TestDeadlineLinesInTime: a message whose lines each arrive in time is accepted although
// the transfer takes longer than the command timeout.
func TestDeadlineLinesInTime(t *testing.T) {
	r := relaytest.Start(t, "", func(c *relaytest.Config) {
		c.SMTP.CommandTimeout, c.SMTP.DataTimeout = time.Second, time.Minute
	})
	c := dialRaw(t, r.Addr)
	for _, s := range []string{"EHLO c.test\r\n", "MAIL FROM:<a@example.com>\r\n", "RCPT TO:<staff@city.lg.jp>\r\n", "DATA\r\n"} {
		c.cmd(s)
	}
	io.WriteString(c.c, "Subject: slow but steady\r\n")
	for _, l := range linesOf(20, 300) { // 2 s in all, a line every 100 ms
		time.Sleep(100 * time.Millisecond)
		io.WriteString(c.c, l)
	}
	if rep := c.cmd(".\r\n"); !strings.HasPrefix(rep, "250") {
		t.Fatalf("end of data = %q, want 250", rep)
	}
	if n := r.Counter("sekisho_smtp_timeouts_total"); n != 0 {
		t.Fatalf("%v timeouts counted, want 0", n)
	}
}

// TestStressDeadlines: above 80% of max_sessions the shorter stress timeout applies, to
// new sessions and to those already waiting.
func TestStressDeadlines(t *testing.T) {
	for _, tc := range []struct {
		name    string
		open    int
		wantCut [2]int
	}{
		{"at 80% of max_sessions: normal timeouts", 8, [2]int{0, 0}},
		{"above 80% of max_sessions: stress timeouts", 10, [2]int{3, 10}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := relaytest.Start(t, "", func(c *relaytest.Config) {
				c.SMTP.CommandTimeout, c.SMTP.StressCommandTimeout = time.Minute, 300*time.Millisecond
				c.SMTP.Conn.MaxSessions = 10
				c.SMTP.Conn.Trusted = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
			})
			var conns []*rawConn
			for i := 0; i < tc.open; i++ {
				conns = append(conns, dialRaw(t, r.Addr))
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			cut := 0
			for _, c := range conns {
				wg.Add(1)
				go func() {
					defer wg.Done()
					c.c.SetReadDeadline(time.Now().Add(2 * time.Second))
					if _, err := io.ReadAll(c.br); err == nil { // EOF: the server closed it
						mu.Lock()
						cut++
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			// Stress ends at 70% of max_sessions: the server cuts slow sessions until then.
			if lo, hi := tc.wantCut[0], tc.wantCut[1]; cut < lo || cut > hi {
				t.Errorf("%d of %d idle sessions closed by the server within 2s, want %d to %d", cut, tc.open, lo, hi)
			}
			if got := counter(r, "sekisho_smtp_timeouts_total", "phase", "command"); got != float64(cut) {
				t.Errorf("command timeouts = %v, want %d", got, cut)
			}
		})
	}
}

// TestTrustedClients: a trusted address is exempt from the per-IP session and rate
// limits; others are limited.
func TestTrustedClients(t *testing.T) {
	for _, tc := range []struct {
		name    string
		trusted string
		limited bool
	}{
		{"loopback trusted", "127.0.0.0/8", false},
		{"single trusted address", "127.0.0.1/32", false},
		{"other network trusted", "10.0.0.0/8", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := relaytest.Start(t, "", func(c *relaytest.Config) {
				c.SMTP.Conn.MaxSessionsPerIP, c.SMTP.Conn.MaxRatePerIP = 2, 5
				c.SMTP.Conn.Trusted = []netip.Prefix{netip.MustParsePrefix(tc.trusted)}
			})
			// Concurrent sessions from one address.
			var refused int
			for i := 0; i < 4; i++ {
				c, err := net.Dial("tcp", r.Addr)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				c.SetReadDeadline(time.Now().Add(5 * time.Second))
				g, _ := bufio.NewReader(c).ReadString('\n')
				if strings.HasPrefix(g, "421") {
					refused++
				}
			}
			if wantRefused := map[bool]int{true: 2, false: 0}[tc.limited]; refused != wantRefused {
				t.Errorf("%d of 4 concurrent sessions refused, want %d", refused, wantRefused)
			}
			// Many messages in a row, each on a new connection (the rate limit is 5 a minute).
			var failed int
			for i := 0; i < 12; i++ {
				if err := relaytest.SendMail(r.Addr, "a@example.com", []string{"staff@city.lg.jp"}, fmt.Sprintf(relaytest.Msg, fmt.Sprint(i))); err != nil {
					failed++
				}
			}
			if (failed > 0) != tc.limited {
				t.Errorf("%d of 12 messages refused, want limited=%v", failed, tc.limited)
			}
		})
	}
}
