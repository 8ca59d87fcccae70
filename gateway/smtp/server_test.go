package smtp_test

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
	"github.com/sekisho/sekisho/internal/relaytest"
)

func TestReplies(t *testing.T) {
	r := relaytest.Start(t, "", func(c *relaytest.Config) { c.SMTP.MaxMessageBytes = 2000; c.SMTP.MaxRecipients = 2 })
	tests := []struct {
		name string
		to   []string
		msg  string
		code int
	}{
		{"relay denied", []string{"someone@example.org"}, fmt.Sprintf(relaytest.Msg, "x"), 550},
		{"relay denied subdomain trick", []string{"a@city.lg.jp.evil.example"}, fmt.Sprintf(relaytest.Msg, "x"), 550},
		{"too big", []string{"staff@city.lg.jp"}, fmt.Sprintf(relaytest.Msg, "x") + strings.Repeat("a", 3000) + "\r\n", 552},
		{"too many recipients", []string{"a@city.lg.jp", "b@city.lg.jp", "c@city.lg.jp"}, fmt.Sprintf(relaytest.Msg, "x"), 452},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := relaytest.SendMail(r.Addr, "a@example.com", tc.to, tc.msg)
			se, ok := err.(*gosmtp.SMTPError)
			if !ok || se.Code != tc.code {
				t.Fatalf("send error = %v, want SMTP %d", err, tc.code)
			}
		})
	}
}

func TestSmuggling(t *testing.T) {
	variants := []struct {
		name, seq string
	}{
		{"LF.CRLF", "\n.\r\n"},
		{"CRLF.LF", "\r\n.\n"},
		{"CR.CRLF", "\r.\r\n"},
		{"LF.LF", "\n.\n"},
		{"NUL after dot", "\r\n.\x00\r\n"},
		{"bare CR line", "\r.\r"},
		{"CRLF.CR", "\r\n.\r"}, // the CR after a stuffing dot is data, not swallowed
		{"CRLF..CR", "\r\n..\r"},
	}
	for _, policy := range []string{"reject", "normalize"} {
		for _, v := range variants {
			t.Run(policy+"/"+v.name, func(t *testing.T) {
				r := relaytest.Start(t, "", func(c *relaytest.Config) { c.SMTP.BareLineEndings = policy })
				smuggled := "From: a@example.com\r\nSubject: one\r\n\r\nfirst" + v.seq +
					"MAIL FROM:<evil@example.com>\r\nRCPT TO:<victim@city.lg.jp>\r\nDATA\r\nFrom: ceo@city.lg.jp\r\nSubject: smuggled\r\n\r\nsecond\r\n.\r\n"
				replies := relaytest.Raw(t, r.Addr, []string{"EHLO c.test\r\n", "MAIL FROM:<a@example.com>\r\n", "RCPT TO:<staff@city.lg.jp>\r\n", "DATA\r\n", smuggled, "QUIT\r\n"})
				final := replies[len(replies)-2]
				wantNUL := strings.Contains(v.seq, "\x00")
				if policy == "reject" || wantNUL {
					if !strings.HasPrefix(final, "554") {
						t.Fatalf("end of data reply = %q, want 554 (replies %q)", final, replies)
					}
					time.Sleep(200 * time.Millisecond)
					if n := len(relaytest.Delivered(r.Dir)); n != 0 {
						t.Fatalf("%d messages delivered, want 0", n)
					}
					return
				}
				if !strings.HasPrefix(final, "250") {
					t.Fatalf("end of data reply = %q, want 250", final)
				}
				relaytest.WaitFor(t, "delivery", func() bool { return len(relaytest.Delivered(r.Dir)) >= 1 })
				time.Sleep(200 * time.Millisecond)
				msgs := relaytest.Delivered(r.Dir)
				if len(msgs) != 1 {
					t.Fatalf("%d messages delivered, want exactly 1 (no second envelope)", len(msgs))
				}
				if strings.Contains(msgs[0], "X-Sekisho-Envelope-To: <victim@") {
					t.Fatal("smuggled recipient received mail")
				}
				body := msgs[0][strings.Index(msgs[0], "\r\n\r\n"):]
				if strings.Contains(strings.ReplaceAll(body, "\r\n", ""), "\r") || strings.Contains(strings.ReplaceAll(body, "\r\n", ""), "\n") {
					t.Fatalf("delivered message still has bare CR/LF: %q", body)
				}
			})
		}
	}
}

func TestConnectionLimitsAndSpace(t *testing.T) {
	t.Run("per-ip sessions", func(t *testing.T) {
		r := relaytest.Start(t, "", func(c *relaytest.Config) { c.SMTP.Conn.MaxSessionsPerIP = 1 })
		c1, _ := net.Dial("tcp", r.Addr)
		defer c1.Close()
		bufio.NewReader(c1).ReadString('\n')
		replies := relaytest.Raw(t, r.Addr, nil)
		if !strings.HasPrefix(replies[0], "421 4.7.0") {
			t.Fatalf("second connection got %q, want 421", replies[0])
		}
	})
	t.Run("rate", func(t *testing.T) {
		r := relaytest.Start(t, "", func(c *relaytest.Config) { c.SMTP.Conn.MaxRatePerIP = 2 })
		for i := 0; i < 2; i++ {
			if rep := relaytest.Raw(t, r.Addr, []string{"QUIT\r\n"}); !strings.HasPrefix(rep[0], "220") {
				t.Fatalf("connection %d got %q", i, rep[0])
			}
		}
		if rep := relaytest.Raw(t, r.Addr, nil); !strings.HasPrefix(rep[0], "421") {
			t.Fatalf("third connection in a minute got %q, want 421", rep[0])
		}
	})
	t.Run("spool space", func(t *testing.T) {
		r := relaytest.Start(t, "", func(c *relaytest.Config) { c.SMTP.MinFreeBytes = 1 << 62 })
		err := relaytest.SendMail(r.Addr, "a@example.com", []string{"staff@city.lg.jp"}, fmt.Sprintf(relaytest.Msg, "x"))
		if se, ok := err.(*gosmtp.SMTPError); !ok || se.Code != 452 {
			t.Fatalf("send with a full spool = %v, want 452", err)
		}
	})
	t.Run("disconnect mid-data", func(t *testing.T) {
		r := relaytest.Start(t, "", nil)
		relaytest.Raw(t, r.Addr, []string{"EHLO c\r\n", "MAIL FROM:<a@example.com>\r\n", "RCPT TO:<staff@city.lg.jp>\r\n", "DATA\r\n", "#Subject: cut\r\n\r\npartial"})
		time.Sleep(300 * time.Millisecond)
		if n := r.Incoming(); n != 0 || len(relaytest.Delivered(r.Dir)) != 0 {
			t.Fatalf("a cut transfer left %d messages in the queue", n)
		}
	})
}
