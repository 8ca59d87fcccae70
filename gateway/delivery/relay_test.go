package delivery_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
	"github.com/sekisho/sekisho/gateway/delivery"
	"github.com/sekisho/sekisho/gateway/queue"
	"github.com/sekisho/sekisho/internal/relaytest"
	"github.com/sekisho/sekisho/quarantine"
)

func TestAcceptSanitizeDeliverDir(t *testing.T) {
	r := relaytest.Start(t, "", nil)
	if err := relaytest.SendMail(r.Addr, "a@example.com", []string{"staff@city.lg.jp"}, fmt.Sprintf(relaytest.Msg, "m1")); err != nil {
		t.Fatal(err)
	}
	relaytest.WaitFor(t, "delivery", func() bool { return len(relaytest.Delivered(r.Dir)) == 1 })
	got := relaytest.Delivered(r.Dir)[0]
	for _, want := range []string{"X-Sekisho-Envelope-To: <staff@city.lg.jp>", "X-Test-Sanitized: yes", "Received: from client.test", "by gw.test (sekisho)", "<m1@example.com>"} {
		if !strings.Contains(got, want) {
			t.Errorf("delivered message lacks %q:\n%s", want, got)
		}
	}
	relaytest.WaitFor(t, "spool empty", func() bool { return r.Incoming() == 0 })
}

func TestRetryThenDeliverAndBounce(t *testing.T) {
	// Reserve a port, keep it closed: the next hop is down.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	hop := ln.Addr().String()
	ln.Close()
	bounceSink := relaytest.StartSink(t, "")
	r := relaytest.Start(t, "", func(c *relaytest.Config) {
		c.Delivery.Routes = []delivery.Route{
			{Domain: "city.lg.jp", Transport: "smtp", Addr: hop, TLS: "none"},
			{Domain: "*", Transport: "smtp", Addr: bounceSink.Addr(), TLS: "none"},
		}
	})
	if err := relaytest.SendMail(r.Addr, "sender@example.com", []string{"staff@city.lg.jp", "gone@city.lg.jp"}, fmt.Sprintf(relaytest.Msg, "retry")); err != nil {
		t.Fatal(err)
	}
	relaytest.WaitFor(t, "deferral", func() bool { return r.Queued() == 1 })
	sink := relaytest.StartSink(t, hop)
	sink.Reject("gone@city.lg.jp", &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "no such user"})
	relaytest.WaitFor(t, "delivery after the hop came up", func() bool { return len(sink.Messages()) == 1 })
	if got := sink.Messages()[0].Rcpts; len(got) != 1 || got[0] != "staff@city.lg.jp" {
		t.Errorf("delivered to %v, want staff only", got)
	}
	relaytest.WaitFor(t, "DSN at the sender's hop", func() bool { return len(bounceSink.Messages()) == 1 })
	dsn := bounceSink.Messages()[0]
	if dsn.From != "" || dsn.Rcpts[0] != "sender@example.com" {
		t.Errorf("DSN envelope from %q to %v, want null sender to sender@example.com", dsn.From, dsn.Rcpts)
	}
	for _, want := range []string{"multipart/report", "report-type=delivery-status", "Final-Recipient: rfc822; gone@city.lg.jp", "Action: failed", "Diagnostic-Code: smtp; 550", "text/rfc822-headers", "Message-ID: <retry@example.com>"} {
		if !bytes.Contains(dsn.Data, []byte(want)) {
			t.Errorf("DSN lacks %q", want)
		}
	}
	relaytest.WaitFor(t, "queue empty", func() bool { return r.Queued() == 0 })
}

func TestNullSenderNeverBounced(t *testing.T) {
	sink := relaytest.StartSink(t, "")
	sink.Reject("gone@city.lg.jp", &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "no such user"})
	r := relaytest.Start(t, "", func(c *relaytest.Config) {
		c.Delivery.Routes = []delivery.Route{{Domain: "city.lg.jp", Transport: "smtp", Addr: sink.Addr(), TLS: "none"}, {Domain: "*", Transport: "smtp", Addr: sink.Addr(), TLS: "none"}}
	})
	if err := relaytest.SendMail(r.Addr, "", []string{"gone@city.lg.jp"}, fmt.Sprintf(relaytest.Msg, "nullsender")); err != nil {
		t.Fatal(err)
	}
	relaytest.WaitFor(t, "processing", func() bool { return r.Incoming() == 0 })
	time.Sleep(300 * time.Millisecond)
	if n := len(sink.Messages()); n != 0 {
		t.Fatalf("%d messages sent, want none (no bounce to the null sender)", n)
	}
	if n := r.Queued(); n != 0 {
		t.Fatalf("%d messages queued", n)
	}
}

func TestWholeMessageQuarantined(t *testing.T) {
	r := relaytest.Start(t, "", nil)
	if err := relaytest.SendMail(r.Addr, "a@example.com", []string{"staff@city.lg.jp"}, "Subject: =?UTF-8?B?6KuL5rGC5pu4?=\r\n\r\nQUARANTINE-ME\r\n"); err != nil {
		t.Fatal(err)
	}
	var recs []quarantine.Record
	relaytest.WaitFor(t, "quarantine record", func() bool {
		p, _ := r.Store.Search(context.Background(), quarantine.Query{})
		recs = p.Records
		return len(recs) == 1
	})
	if recs[0].Subject != "=?UTF-8?B?6KuL5rGC5pu4?=" || recs[0].Kind != "message" || recs[0].Rcpts[0] != "staff@city.lg.jp" || recs[0].Reason == "" {
		t.Errorf("record = %+v", recs[0])
	}
	time.Sleep(200 * time.Millisecond)
	if n := len(relaytest.Delivered(r.Dir)); n != 0 {
		t.Errorf("quarantined message was delivered")
	}
}

func TestRecoveryAtStart(t *testing.T) {
	dir := t.TempDir()
	sp, err := queue.OpenSpool(filepath.Join(dir, "spool"))
	if err != nil {
		t.Fatal(err)
	}
	// A message accepted by a previous process that died before sanitizing it, and a temp
	// file from a transfer it never answered.
	w, _ := sp.Accept(queue.Envelope{ID: queue.NewID(time.Now()), From: "a@example.com", Rcpts: []string{"staff@city.lg.jp"}})
	io.WriteString(w, fmt.Sprintf(relaytest.Msg, "recovered"))
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "spool", "incoming", "X.tmp"), []byte("partial"), 0o600)
	sp.Close() // the dead process's lock went with it
	relaytest.Start(t, dir, nil)
	if _, err := os.Stat(filepath.Join(dir, "spool", "incoming", "X.tmp")); !os.IsNotExist(err) {
		t.Error("temp file survived recovery")
	}
	relaytest.WaitFor(t, "recovered delivery", func() bool { return len(relaytest.Delivered(dir)) == 1 })
}
