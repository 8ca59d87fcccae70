package assemble

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/internal/relaytest"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/sanitize"
)

// testConfig is a gateway on loopback ports chosen by the kernel, delivering into a
// directory under a fresh data_dir.
func testConfig(t *testing.T) *config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.TempDir = t.TempDir()
	cfg.SMTP.Listen = "127.0.0.1:0"
	cfg.SMTP.Hostname = "gw.test"
	cfg.SMTP.Domains = []string{"city.lg.jp"}
	cfg.SMTP.MinFreeSpace = 0
	cfg.SMTP.SanitizeWorkers = 2
	cfg.HTTP.Listen = "127.0.0.1:0"
	cfg.Delivery.Routes = map[string]string{"*": "dir:" + filepath.Join(cfg.DataDir, "delivered")}
	return cfg
}

// startGateway builds the gateway through NewGateway and runs it until the test ends.
func startGateway(t *testing.T, cfg *config.Config, o Options) *Gateway {
	t.Helper()
	g, err := NewGateway(cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- g.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		g.Close()
	})
	select {
	case <-g.Ready():
	case err := <-done:
		t.Fatalf("Run: %v", err)
	}
	return g
}

const plainMsg = "From: a@example.com\r\nTo: staff@city.lg.jp\r\nSubject: %s\r\nMessage-ID: <%s@example.com>\r\n\r\nhello\r\n"

func TestGatewayRelaysThroughTheEngine(t *testing.T) {
	cfg := testConfig(t)
	g := startGateway(t, cfg, Options{})
	if err := relaytest.SendMail(g.SMTPAddr().String(), "a@example.com", []string{"staff@city.lg.jp"}, fmt.Sprintf(plainMsg, "plain", "1")); err != nil {
		t.Fatal(err)
	}
	relaytest.WaitFor(t, "delivery", func() bool { return len(relaytest.Delivered(cfg.DataDir)) == 1 })
	got := relaytest.Delivered(cfg.DataDir)[0]
	if !strings.Contains(got, "X-Sekisho-Status:") || !strings.Contains(got, "hello") {
		t.Errorf("delivered message was not rebuilt by the mail family:\n%s", got)
	}
}

// panicky panics on messages whose subject says so, and otherwise hands over to the real
// family: a bug in mail or HTML conversion that one message triggers.
type panicky struct{ next sanitize.Sanitizer }

func (p panicky) Sanitize(ctx context.Context, in *sanitize.Item, w io.Writer, b *sanitize.Budget) (sanitize.Result, error) {
	head := make([]byte, min(in.Body.Size(), 4096))
	in.Body.ReadAt(head, 0)
	if strings.Contains(string(head), "Subject: boom") {
		var m map[string]int
		m["boom"]++ // a nil-map write, as a real bug would
	}
	return p.next.Sanitize(ctx, in, w, b)
}

// A panic below the engine on the relay path quarantines that message with a reason; the
// gateway keeps accepting and delivering the next ones.
func TestGatewayPanicOnRelayPathQuarantines(t *testing.T) {
	cfg := testConfig(t)
	g := startGateway(t, cfg, Options{Families: map[string]func(sanitize.Sanitizer) sanitize.Sanitizer{
		string(sanitize.ClassMessage): func(builtin sanitize.Sanitizer) sanitize.Sanitizer { return panicky{builtin} },
	}})
	addr := g.SMTPAddr().String()
	if err := relaytest.SendMail(addr, "a@example.com", []string{"staff@city.lg.jp"}, fmt.Sprintf(plainMsg, "boom", "1")); err != nil {
		t.Fatalf("sending the message that panics: %v", err)
	}
	var held []quarantine.Record
	relaytest.WaitFor(t, "quarantine", func() bool {
		p, _ := g.Quarantine().Search(context.Background(), quarantine.Query{})
		held = p.Records
		return len(held) == 1
	})
	if r := held[0]; r.Kind != "message" || !strings.Contains(r.Reason, "sanitizer crashed") || len(r.Rcpts) != 1 {
		t.Errorf("held record = %+v, want the whole message with a panic reason", r)
	}
	for i := 2; i <= 3; i++ {
		if err := relaytest.SendMail(addr, "a@example.com", []string{"staff@city.lg.jp"}, fmt.Sprintf(plainMsg, "fine", fmt.Sprint(i))); err != nil {
			t.Fatalf("gateway stopped accepting after the panic: %v", err)
		}
	}
	relaytest.WaitFor(t, "the next messages", func() bool { return len(relaytest.Delivered(cfg.DataDir)) == 2 })
}

// The envelope reaches the quarantine as a value through the engine: an attachment the
// mail family holds and a message it refuses are both recorded with the queue ID, sender,
// recipients and the subject the family decoded.
func TestGatewayRecordsEnvelopeAndSubject(t *testing.T) {
	cfg := testConfig(t)
	cfg.Policy = map[string]string{"pdf": "quarantine"}
	cfg.Mail.MaxParts = 3
	g := startGateway(t, cfg, Options{})
	addr := g.SMTPAddr().String()
	withPDF := "From: a@example.com\r\nTo: staff@city.lg.jp\r\nSubject: =?UTF-8?B?6KaL56mN5pu4?=\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n" +
		"--b\r\nContent-Type: application/pdf; name=q.pdf\r\nContent-Disposition: attachment; filename=q.pdf\r\n\r\n%PDF-1.4\r\n%%EOF\r\n--b--\r\n"
	// Four MIME parts where mail.max_parts allows three: no faithful output, held whole.
	tooMany := "From: a@example.com\r\nTo: staff@city.lg.jp\r\nSubject: =?ISO-2022-JP?B?GyRCJEckYhsoQg==?=\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\none\r\n--b\r\n\r\ntwo\r\n--b\r\n\r\nthree\r\n--b--\r\n"
	for _, m := range []string{withPDF, tooMany} {
		if err := relaytest.SendMail(addr, "a@example.com", []string{"staff@city.lg.jp"}, m); err != nil {
			t.Fatal(err)
		}
	}
	var held []quarantine.Record
	defer func() {
		for _, r := range held {
			t.Logf("held: %s %s %q %q", r.Kind, r.FileName, r.Subject, r.Reason)
		}
	}()
	relaytest.WaitFor(t, "two held items", func() bool {
		p, _ := g.Quarantine().Search(context.Background(), quarantine.Query{Asc: true})
		held = p.Records
		return len(held) == 2
	})
	byKind := map[quarantine.Kind]quarantine.Record{}
	for _, r := range held {
		byKind[r.Kind] = r
	}
	att, msg := byKind[quarantine.KindAttachment], byKind[quarantine.KindMessage]
	if att.Subject != "見積書" || att.MailFrom != "a@example.com" || len(att.Rcpts) != 1 || att.QueueID == "" || att.FileName != "q.pdf" {
		t.Errorf("held attachment = %+v", att)
	}
	if msg.Subject != "でも" || msg.MailFrom != "a@example.com" || len(msg.Rcpts) != 1 || msg.QueueID == "" || msg.QueueID == att.QueueID {
		t.Errorf("held message = %+v", msg)
	}
}
