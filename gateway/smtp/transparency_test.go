package smtp_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/relaytest"
)

// TestDataTransparency sends messages whose lines start with dots (stuffed on the wire,
// RFC 5321 §4.5.2), with lines of every length up to 998 octets, in writes of random
// sizes, so that line ends, stuffed dots and the end-of-data line fall anywhere in the
// server's read buffer. What is queued must be the message exactly: the data reader
// copies runs of a line at once, and an off-by-one there would add, drop or keep a dot.
func TestDataTransparency(t *testing.T) {
	r := relaytest.Start(t, "", nil)
	rng := rand.New(rand.NewPCG(14, 5321))
	var want []string
	for m := range 6 {
		var body strings.Builder
		fmt.Fprintf(&body, "From: a@example.com\r\nTo: staff@city.lg.jp\r\nSubject: dots %d\r\nMessage-ID: <dots-%d@example.com>\r\n\r\n", m, m)
		for body.Len() < 20<<10+m*7000 {
			n := rng.IntN(999)
			line := []byte(strings.Repeat("x", n))
			for i := range line {
				switch rng.IntN(20) {
				case 0:
					line[i] = '.'
				case 1:
					line[i] = '\t'
				}
			}
			if n > 0 && rng.IntN(3) == 0 {
				line[0] = '.'
			}
			if n > 1 && rng.IntN(10) == 0 {
				line[0], line[1] = '.', '.'
			}
			body.Write(line)
			body.WriteString("\r\n")
		}
		body.WriteString(".\r\n") // a line holding only a dot
		msg := body.String()
		want = append(want, msg)

		// On the wire every line that starts with a dot gets one more.
		wire := strings.ReplaceAll("\r\n"+msg, "\r\n.", "\r\n..")[2:] + ".\r\n"
		c := dialRaw(t, r.Addr)
		for _, cmd := range []string{"EHLO c.test\r\n", "MAIL FROM:<a@example.com>\r\n", "RCPT TO:<staff@city.lg.jp>\r\n", "DATA\r\n"} {
			c.cmd(cmd)
		}
		for len(wire) > 0 {
			k := min(len(wire), 1+rng.IntN(3000))
			c.c.SetWriteDeadline(time.Now().Add(10 * time.Second))
			if _, err := c.c.Write([]byte(wire[:k])); err != nil {
				t.Fatal(err)
			}
			wire = wire[k:]
		}
		if got := c.reply(); !strings.HasPrefix(got, "250") {
			t.Fatalf("message %d: end of data reply %q", m, got)
		}
	}
	relaytest.WaitFor(t, "delivery", func() bool { return len(relaytest.Delivered(r.Dir)) == len(want) })
	got := map[string]string{} // by subject
	for _, d := range relaytest.Delivered(r.Dir) {
		_, rest, _ := strings.Cut(d, "Subject: ")
		subject, _, _ := strings.Cut(rest, "\r\n")
		// The server adds a Received field and the dir transport Return-Path, first.
		if k := strings.Index(d, "From: a@example.com\r\nTo: "); k >= 0 {
			d = d[k:]
		}
		got[subject] = d
	}
	for i, w := range want {
		d := got[fmt.Sprintf("dots %d", i)]
		if d == w {
			continue
		}
		k := 0
		for k < min(len(d), len(w)) && d[k] == w[k] {
			k++
		}
		t.Errorf("message %d: delivered %d octets, sent %d; first difference at %d: got %q, want %q",
			i, len(d), len(w), k, d[max(0, k-20):min(len(d), k+20)], w[max(0, k-20):min(len(w), k+20)])
	}
}
