package portal_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/smtp"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/portal/web/webtest"
	gwsmtp "github.com/sekisho/sekisho/gateway/smtp"
	"github.com/sekisho/sekisho/internal/assemble"
	"github.com/sekisho/sekisho/internal/relaytest"
	"github.com/sekisho/sekisho/quarantine"
)

// gateway is a whole sekisho (relay, quarantine, portal) on free loopback ports,
// delivering to Postfix's smtp-sink, whose dumps hold every message it received.
type gateway struct {
	t       testing.TB
	gw      *assemble.Gateway
	cfg     *config.Config
	acc     *assemble.Accounts
	url     string
	smtp    string
	sink    *relaytest.Postfix
	secrets map[string][]byte
}

func waitFor(t testing.TB, what string, d time.Duration, f func() bool) {
	t.Helper()
	for end := time.Now().Add(d); !f(); {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// startGateway runs a gateway with the portal; useTLS serves it over HTTPS.
func startGateway(t testing.TB, useTLS bool, mod func(*config.Config)) *gateway {
	t.Helper()
	sink := relaytest.PostfixSink(t)
	dir := t.TempDir()
	cfg := config.Default()
	cfg.DataDir = dir
	cfg.SMTP.Listen = "127.0.0.1:0"
	cfg.SMTP.Domains = []string{"city.lg.jp"}
	cfg.HTTP.Listen = "127.0.0.1:0"
	cfg.Delivery.Routes = map[string]string{"city.lg.jp": "smtp://" + sink.Addr + "?tls=none", "*": "dir:" + filepath.Join(dir, "other")}
	cfg.Delivery.RetryBase = config.Duration(time.Second)
	if useTLS {
		certFile, keyFile := filepath.Join(dir, "portal.pem"), filepath.Join(dir, "portal.key")
		if _, err := gwsmtp.LoadOrCreateCert(certFile, keyFile, "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
		cfg.Portal.TLSCert, cfg.Portal.TLSKey = certFile, keyFile
	}
	// PDFium's compiled form (seconds to minutes under -race) is cached under
	// data_dir/cache: share one cache between the package's gateways and previewers.
	shared := filepath.Join(os.TempDir(), "sekisho-portal-test", "cache")
	if err := os.MkdirAll(shared, 0o700); err == nil {
		os.Symlink(shared, filepath.Join(dir, "cache"))
	}
	if mod != nil {
		mod(cfg)
	}
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	gw, err := assemble.NewGateway(cfg, assemble.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- gw.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		gw.Close()
	})
	select {
	case <-gw.Ready():
	case err := <-done:
		t.Fatalf("gateway stopped: %v", err)
	}
	acc, err := assemble.OpenAccounts(context.Background(), cfg, gw.Quarantine())
	if err != nil {
		t.Fatal(err)
	}
	scheme := "http://"
	if useTLS {
		scheme = "https://"
	}
	return &gateway{t: t, gw: gw, cfg: cfg, acc: acc, url: scheme + gw.HTTPAddr().String(), smtp: gw.SMTPAddr().String(),
		sink: sink, secrets: map[string][]byte{}}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

var testHash = accounts.HashParams{Memory: 1024, Time: 1, Threads: 1}

// user creates an account (with TOTP when privileged) whose e-mail is name@city.lg.jp.
func (g *gateway) user(name, password string, roles ...accounts.Role) {
	g.t.Helper()
	ctx := context.Background()
	// Cheap hashes: the cost travels in the hash, so the many logins of these tests verify
	// in milliseconds instead of a second each (accounts tests the real cost).
	h, err := accounts.HashPassword(password, testHash)
	if err != nil {
		g.t.Fatal(err)
	}
	if err := g.acc.Store.CreateUser(ctx, accounts.User{Name: name, Display: name, Email: name + "@city.lg.jp", Roles: roles}, h); err != nil {
		g.t.Fatal(err)
	}
	if accounts.Roles(roles).Privileged() {
		sec, _ := accounts.NewTOTPSecret()
		if err := g.acc.Store.SetTOTP(ctx, name, sec); err != nil {
			g.t.Fatal(err)
		}
		g.secrets[name] = sec
	}
}

// login returns a browser-like client logged in as name.
func (g *gateway) login(name, password string) *webtest.Client {
	g.t.Helper()
	c := webtest.NewClient(g.t, g.url)
	c.Login(name, password, g.secrets[name])
	return c
}

// send submits a message over SMTP.
func (g *gateway) send(from string, to []string, msg []byte) {
	g.t.Helper()
	// Plain SMTP: net/smtp.SendMail would insist on verifying the self-signed STARTTLS
	// certificate.
	c, err := smtp.Dial(g.smtp)
	if err != nil {
		g.t.Fatal(err)
	}
	defer c.Close()
	steps := func() error {
		if err := c.Hello("client.test"); err != nil {
			return err
		}
		if err := c.Mail(from); err != nil {
			return err
		}
		for _, r := range to {
			if err := c.Rcpt(r); err != nil {
				return err
			}
		}
		w, err := c.Data()
		if err != nil {
			return err
		}
		if _, err := w.Write(msg); err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
		return c.Quit()
	}
	if err := steps(); err != nil {
		g.t.Fatalf("send: %v", err)
	}
}

// held waits until an item matching q is held and returns it.
func (g *gateway) held(q quarantine.Query) quarantine.Record {
	g.t.Helper()
	var rec quarantine.Record
	waitFor(g.t, "a held item", 60*time.Second, func() bool {
		pg, err := g.gw.Quarantine().Search(context.Background(), q)
		if err == nil && len(pg.Records) > 0 {
			rec = pg.Records[0]
			return true
		}
		return false
	})
	return rec
}

// mime builds a message with a text body and attachments (name → bytes).
func mime(from, to, subject, body string, files map[string][]byte) []byte {
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	fmt.Fprintf(w, "From: %s\r\nTo: %s\r\nSubject: =?UTF-8?B?%s?=\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=BOUNDARY\r\n\r\n", from, to, b64(subject))
	fmt.Fprintf(w, "--BOUNDARY\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n", b64(body))
	for name, data := range files {
		fmt.Fprintf(w, "--BOUNDARY\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename*=UTF-8''%s\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n", pct(name), b64(string(data)))
	}
	fmt.Fprintf(w, "--BOUNDARY--\r\n")
	w.Flush()
	return b.Bytes()
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func pct(s string) string { return url.PathEscape(s) }

func auditLines(t testing.TB, g *gateway) []string {
	b, err := os.ReadFile(filepath.Join(g.cfg.DataDir, "quarantine", "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(string(b), "\n")
}
