package smtp_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/relaytest"
)

// TestMaxLineLength: a line of exactly MaxLineLength octets with its CRLF is read, one
// octet more ends the session with 500 — a command line (the connection's first line or a
// later one) and a line inside DATA alike (raw socket). A refused message is not delivered.
func TestMaxLineLength(t *testing.T) {
	const max = 1000
	r := relaytest.Start(t, "", func(c *relaytest.Config) { c.SMTP.MaxLineLength = max })
	// noop returns a NOOP command line of n octets with its CRLF.
	noop := func(n int) string { return "NOOP " + strings.Repeat("n", n-7) + "\r\n" }
	for _, tc := range []struct {
		name  string
		first bool // the connection's first line, before EHLO
		size  int
		want  string
	}{
		{"first command line exactly max", true, max, "250 "},
		{"first command line one octet more", true, max + 1, "500 "},
		{"command line exactly max", false, max, "250 "},
		{"command line one octet more", false, max + 1, "500 "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dialRaw(t, r.Addr)
			if !tc.first {
				c.cmd("EHLO c.test\r\n")
			}
			line := noop(tc.size)
			if len(line) != tc.size {
				t.Fatalf("test line is %d octets, want %d", len(line), tc.size)
			}
			if rep := c.cmd(line); !strings.HasPrefix(rep, tc.want) {
				t.Fatalf("a %d-octet command line (max %d) = %q, want %q", tc.size, max, rep, tc.want)
			}
			next := c.cmd("NOOP\r\n")
			if tc.want == "250 " && !strings.HasPrefix(next, "250") {
				t.Fatalf("NOOP after an accepted line = %q", next)
			}
			if tc.want != "250 " && next != "" {
				t.Fatalf("session goes on after a refused line: NOOP = %q", next)
			}
		})
	}
	for _, tc := range []struct {
		name string
		size int
		want string
	}{
		{"data line exactly max", max, "250 "},
		{"data line one octet more", max + 1, "500 "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dialRaw(t, r.Addr)
			c.cmd("EHLO c.test\r\n")
			id := fmt.Sprintf("line-%d", tc.size)
			c.cmd("MAIL FROM:<" + id + "@example.com>\r\n")
			c.cmd("RCPT TO:<staff@city.lg.jp>\r\n")
			if rep := c.cmd("DATA\r\n"); !strings.HasPrefix(rep, "354") {
				t.Fatalf("DATA = %q", rep)
			}
			long := strings.Repeat("z", tc.size-2) + "\r\n"
			rep := c.cmd("Subject: long line\r\n\r\n" + long + "short\r\n.\r\n")
			if !strings.HasPrefix(rep, tc.want) {
				t.Fatalf("end of a message with a %d-octet line (max %d) = %q, want %q", tc.size, max, rep, tc.want)
			}
			if tc.want != "250 " {
				if next := c.cmd("NOOP\r\n"); strings.HasPrefix(next, "250") {
					t.Fatalf("session goes on after a refused line: NOOP = %q", next)
				}
				return
			}
			got := relaytest.WaitDelivered(t, r.Dir, "<"+id+"@example.com>")
			if !strings.Contains(got, "\r\n"+long) {
				t.Fatalf("delivered message lost the %d-octet line", tc.size)
			}
		})
	}
}
