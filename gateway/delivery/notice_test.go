package delivery_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	netmail "net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/gateway/delivery"
	"github.com/sekisho/sekisho/internal/assemble"
	"github.com/sekisho/sekisho/internal/relaytest"
	"github.com/sekisho/sekisho/quarantine"
)

// manyParts is a message with n text parts: over mail.max_parts, the mail family cannot
// build a faithful output and the whole message is quarantined.
func manyParts(n int) string {
	var b strings.Builder
	b.WriteString("From: sender@example.com\r\nTo: staff@city.lg.jp, boss@city.lg.jp\r\nSubject: =?UTF-8?B?6KuL5rGC5pu4?=\r\n" +
		"Message-ID: <many@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=P\r\n\r\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "--P\r\nContent-Type: text/plain\r\n\r\npart %d\r\n", i)
	}
	b.WriteString("--P--\r\n")
	return b.String()
}

// TestQuarantineNoticeToRecipients: a message quarantined whole by the real mail family
// is announced to its recipients, at a real SMTP sink, from the null sender, with the
// quarantine ID, sender, subject and reason in words; the Internet sender hears nothing.
// With the notice off, nothing is sent.
func TestQuarantineNoticeToRecipients(t *testing.T) {
	for _, notify := range []bool{true, false} {
		t.Run(fmt.Sprintf("notify=%v", notify), func(t *testing.T) {
			cfg := config.Default()
			cfg.DataDir = t.TempDir()
			cfg.Mail.MaxParts = 3
			san, err := assemble.NewSanitizers(cfg, assemble.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer san.Close()
			sink := relaytest.StartSink(t, "")
			r := relaytest.Start(t, "", func(c *relaytest.Config) {
				c.Sanitizer = san.Message
				c.Delivery.NotifyQuarantined = notify
				c.Delivery.ReleaseContact = "情報政策課 (内線 1234)"
				// Every domain, the sender's included, goes to the sink: a notice to the
				// sender would show there.
				c.Delivery.Routes = []delivery.Route{{Domain: "city.lg.jp", Transport: "smtp", Addr: sink.Addr(), TLS: "none"},
					{Domain: "*", Transport: "smtp", Addr: sink.Addr(), TLS: "none"}}
			})
			if err := relaytest.SendMail(r.Addr, "sender@example.com", []string{"staff@city.lg.jp", "boss@city.lg.jp"}, manyParts(6)); err != nil {
				t.Fatal(err)
			}
			var rec quarantine.Record
			relaytest.WaitFor(t, "quarantine record", func() bool {
				p, _ := r.Store.Search(context.Background(), quarantine.Query{})
				if len(p.Records) == 1 {
					rec = p.Records[0]
				}
				return len(p.Records) == 1
			})
			if !notify {
				time.Sleep(500 * time.Millisecond)
				if n := len(sink.Messages()); n != 0 {
					t.Fatalf("%d messages at the sink with the notice off", n)
				}
				return
			}
			relaytest.WaitFor(t, "notice at the sink", func() bool { return len(sink.Messages()) == 1 })
			m := sink.Messages()[0]
			rcpts := slices.Clone(m.Rcpts)
			slices.Sort(rcpts)
			if m.From != "" || !slices.Equal(rcpts, []string{"boss@city.lg.jp", "staff@city.lg.jp"}) {
				t.Errorf("notice envelope from %q to %v, want the null sender to both recipients", m.From, m.Rcpts)
			}
			msg, err := netmail.ReadMessage(bytes.NewReader(m.Data))
			if err != nil {
				t.Fatalf("notice does not parse: %v", err)
			}
			if got := msg.Header.Get("X-Sekisho-Quarantined"); got != rec.ID {
				t.Errorf("X-Sekisho-Quarantined = %q, want %q", got, rec.ID)
			}
			subj, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
			if subj != "[sekisho] メールを保管しました / A message was held: 請求書" {
				t.Errorf("Subject = %q", subj)
			}
			raw, _ := io.ReadAll(base64.NewDecoder(base64.StdEncoding, msg.Body))
			body := strings.ReplaceAll(string(raw), "\r\n", "\n")
			for _, want := range []string{"　保管番号: " + rec.ID + "\n", "　差出人: sender@example.com\n", "　件名: 請求書\n",
				"　理由: サイズや件数の上限を超えています\n", "情報政策課 (内線 1234)に保管番号をお伝えください。",
				"  Reason: it exceeds a size or count limit\n", "the sender was not told"} {
				if !strings.Contains(body, want) {
					t.Errorf("notice lacks %q:\n%s", want, body)
				}
			}
			time.Sleep(300 * time.Millisecond)
			if n := len(sink.Messages()); n != 1 {
				t.Errorf("%d messages at the sink, want only the notice (nothing to the sender)", n)
			}
			relaytest.WaitFor(t, "queue empty", func() bool { return r.Queued() == 0 && r.Incoming() == 0 })
		})
	}
}
