package smtp_test

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/gateway/delivery"
	"github.com/sekisho/sekisho/internal/relaytest"
	"github.com/sekisho/sekisho/internal/testtool"
)

// TestRecipientAddressing speaks RCPT TO over a raw socket: a local part that carries a
// route (@, % or !, quoted or not) is refused with 550 5.1.3 unless local_part_routing
// allows it, and every accepted address reaches a real next hop (Postfix smtp-sink, which
// records the RCPT arguments it received) exactly as it was written.
func TestRecipientAddressing(t *testing.T) {
	tests := []struct {
		rcpt    string
		routing string // smtp.local_part_routing
		reply   string // prefix of the RCPT reply
	}{
		{`<"victim@evil.example"@city.lg.jp>`, "", "550 5.1.3"},
		{`<victim%evil.example@city.lg.jp>`, "", "550 5.1.3"},
		{`<"victim%evil.example"@city.lg.jp>`, "", "550 5.1.3"},
		{`<evil.example!victim@city.lg.jp>`, "", "550 5.1.3"},
		{`<"evil!victim"@city.lg.jp>`, "", "550 5.1.3"},
		{`<"a\@b"@city.lg.jp>`, "", "550 5.1.3"},
		{`<victim@evil.example@city.lg.jp>`, "", "550 5.1.3"}, // go-smtp reads the domain as evil.example@city.lg.jp
		{`<staff@city.lg.jp>`, "", "250"},
		{`<Staff.Name+tag@City.LG.JP>`, "", "250"},
		{`<"john doe"@city.lg.jp>`, "", "250"},
		{`<"a\"b"@city.lg.jp>`, "", "250"},
		{`<"victim@evil.example"@city.lg.jp>`, "allow", "250"},
		{`<user%host@city.lg.jp>`, "allow", "250"},
	}
	for i, tc := range tests {
		t.Run(tc.routing+tc.rcpt, func(t *testing.T) {
			hop := relaytest.PostfixSink(t)
			r := relaytest.Start(t, "", func(c *relaytest.Config) {
				c.SMTP.LocalPartRouting = tc.routing
				c.Delivery.Routes = []delivery.Route{{Domain: "city.lg.jp", Transport: "smtp", Addr: hop.Addr, TLS: "none"}}
			})
			id := fmt.Sprintf("addr%d", i)
			replies := relaytest.Raw(t, r.Addr, []string{"EHLO client.test\r\n", "MAIL FROM:<a@example.com>\r\n",
				"RCPT TO:" + tc.rcpt + "\r\n", "DATA\r\n", fmt.Sprintf(relaytest.Msg, id) + ".\r\n", "QUIT\r\n"})
			if got := replies[3]; !strings.HasPrefix(got, tc.reply) {
				t.Fatalf("RCPT TO:%s = %q, want %s", tc.rcpt, got, tc.reply)
			}
			if tc.reply != "250" {
				if !strings.HasPrefix(replies[4], "5") {
					t.Errorf("DATA without an accepted recipient = %q", replies[4])
				}
				return
			}
			if !strings.HasPrefix(replies[5], "250") {
				t.Fatalf("end of data = %q", replies[5])
			}
			var dump string
			relaytest.WaitFor(t, "the message at smtp-sink", func() bool {
				for _, d := range hop.Dumps() {
					if strings.Contains(d, "<"+id+"@example.com>") {
						dump = d
						return true
					}
				}
				return false
			})
			if want := "X-Rcpt-Args: " + tc.rcpt + "\n"; !strings.Contains(dump, want) {
				t.Errorf("the next hop received\n%s\nwant the RCPT argument as accepted: %q", dump[:strings.Index(dump, "Received:")], want)
			}
		})
	}
}

// TestSwaksRoutingLocalPart: swaks, an independent client, gets 550 5.1.3 for a quoted
// local part that hides an address.
func TestSwaksRoutingLocalPart(t *testing.T) {
	swaks := testtool.Need(t, "swaks")
	r := relaytest.Start(t, "", nil)
	host, port, _ := strings.Cut(r.Addr, ":")
	cmd := exec.Command(swaks, "--server", host, "--port", port, "--from", "a@example.com", "--helo", "client.test",
		"--timeout", "10", "--to", `"victim@evil.example"@city.lg.jp`)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err == nil || !strings.Contains(out.String(), "550 5.1.3") {
		t.Fatalf("swaks: err=%v, want a failure with 550 5.1.3 in:\n%s", err, out.String())
	}
	if n := r.Incoming() + r.Queued() + len(relaytest.Delivered(r.Dir)); n != 0 {
		t.Errorf("%d messages kept for a refused recipient", n)
	}
}
