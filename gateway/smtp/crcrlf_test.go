package smtp_test

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/relaytest"
	"github.com/sekisho/sekisho/internal/testtool"
)

// pyBodies prints the message's body as Python's email package reads it, under the
// compat32 and default policies, one line each (repr).
const pyBodies = `import sys, email, email.policy
raw = sys.stdin.buffer.read()
for pol in (email.policy.compat32, email.policy.default):
    m = email.message_from_bytes(raw, policy=pol)
    print(repr(m.get_payload(decode=True)))
`

// TestCRBeforeCRLF: a CR right before a line's CRLF ("x<CR><CR><LF>") is a bare CR and
// then a line end, as net/textproto and every other reader see it: the line after it can
// be the end-of-data line or a dot-stuffed one. go-smtp's DATA reader took the second CR
// as plain data, so "x<CR><CR><LF>.<CR><LF>" did not end the data (the session waited,
// the client's next commands becoming message text, until the data deadline) and a
// stuffing dot after it stayed in the message.
func TestCRBeforeCRLF(t *testing.T) {
	for _, policy := range []string{"reject", "normalize"} {
		t.Run(policy, func(t *testing.T) {
			r := relaytest.Start(t, "", func(c *relaytest.Config) { c.SMTP.BareLineEndings = policy })
			data := "From: a@example.com\r\nSubject: cr\r\n\r\nfirst\r\r\n..stuffed\r\nlast\r\r\n.\r\n"
			start := time.Now()
			replies := relaytest.Raw(t, r.Addr, []string{"EHLO c.test\r\n", "MAIL FROM:<a@example.com>\r\n",
				"RCPT TO:<staff@city.lg.jp>\r\n", "DATA\r\n", data, "QUIT\r\n"})
			final := replies[len(replies)-2]
			want := map[string]string{"reject": "554", "normalize": "250"}[policy]
			if !strings.HasPrefix(final, want) {
				t.Fatalf("end of data reply = %q after %v, want %s (replies %q)", final, time.Since(start).Round(time.Millisecond), want, replies)
			}
			if policy == "reject" {
				return
			}
			relaytest.WaitFor(t, "delivery", func() bool { return len(relaytest.Delivered(r.Dir)) >= 1 })
			msg := relaytest.Delivered(r.Dir)[0]
			body := msg[strings.Index(msg, "\r\n\r\n")+4:]
			if want := "first\r\n\r\n.stuffed\r\nlast\r\n\r\n"; !strings.HasPrefix(body, want) {
				t.Errorf("delivered body %q, want it to start %q", body, want)
			}
			// An independent reader sees one message with the whole text and nothing after.
			cmd := exec.Command(testtool.Need(t, "python3"), "-c", pyBodies)
			cmd.Stdin = strings.NewReader(msg)
			out, err := cmd.Output()
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
				if line != `b'first\r\n\r\n.stuffed\r\nlast\r\n\r\n'` {
					t.Errorf("python email reads the body as %s", line)
				}
			}
		})
	}
}

// TestBDATEndOfDataInside: in a BDAT chunk "<CRLF>.<CRLF>" is message text, not an end of
// data; relayed, it must reach the next hop dot-stuffed as one message, never as a second
// envelope (the relay's sink sees one message to the one recipient, with the text whole).
func TestBDATEndOfDataInside(t *testing.T) {
	r := relaytest.Start(t, "", nil)
	chunk := "From: a@example.com\r\nSubject: bdat\r\n\r\nfirst\r\n.\r\nMAIL FROM:<evil@example.com>\r\n" +
		"RCPT TO:<victim@city.lg.jp>\r\nDATA\r\nSubject: smuggled\r\n\r\nsecond\r\n.\r\n"
	replies := relaytest.Raw(t, r.Addr, []string{"EHLO c.test\r\n", "MAIL FROM:<a@example.com>\r\n",
		"RCPT TO:<staff@city.lg.jp>\r\n", "BDAT " + strconv.Itoa(len(chunk)) + " LAST\r\n" + chunk, "QUIT\r\n"})
	if final := replies[len(replies)-2]; !strings.HasPrefix(final, "250") {
		t.Fatalf("BDAT LAST = %q (replies %q)", final, replies)
	}
	relaytest.WaitFor(t, "delivery", func() bool { return len(relaytest.Delivered(r.Dir)) >= 1 })
	time.Sleep(200 * time.Millisecond)
	msgs := relaytest.Delivered(r.Dir)
	if len(msgs) != 1 || strings.Contains(msgs[0], "Envelope-To: <victim@") {
		t.Fatalf("%d messages delivered, want one to staff only: %q", len(msgs), msgs)
	}
	if !strings.HasSuffix(msgs[0], "\r\n\r\nfirst\r\n.\r\nMAIL FROM:<evil@example.com>\r\nRCPT TO:<victim@city.lg.jp>\r\nDATA\r\nSubject: smuggled\r\n\r\nsecond\r\n.\r\n") {
		t.Errorf("delivered text changed: %q", msgs[0])
	}
}
