package transfer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/portal/web/webtest"
	"github.com/sekisho/sekisho/gateway/transfer"
	"github.com/sekisho/sekisho/internal/assemble"
	"github.com/sekisho/sekisho/internal/relaytest"
	"github.com/sekisho/sekisho/internal/testtool"
)

// env is a whole sekisho (relay, quarantine, portal, transfer with its Internet-side
// listener) on free loopback ports, delivering notices for city.lg.jp to Postfix's
// smtp-sink and everything else (mail to partners) into a directory.
type env struct {
	t        testing.TB
	gw       *assemble.Gateway
	cfg      *config.Config
	acc      *assemble.Accounts
	svc      *transfer.Service
	internet string // https://127.0.0.1:port
	portal   string // http://127.0.0.1:port
	sink     *relaytest.Postfix
	otherDir string
	secrets  map[string][]byte
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// start runs a gateway with transfer enabled; mod changes the configuration first.
func start(t testing.TB, mod func(*config.Config)) *env {
	t.Helper()
	sink := relaytest.PostfixSink(t)
	dir := t.TempDir()
	cfg := config.Default()
	cfg.DataDir = dir
	cfg.SMTP.Listen = "127.0.0.1:0"
	cfg.SMTP.Domains = []string{"city.lg.jp"}
	cfg.HTTP.Listen = "127.0.0.1:0"
	cfg.Transfer.Enabled = true
	cfg.Transfer.InternetListen = "127.0.0.1:0"
	cfg.Portal.DigestTime = ""
	cfg.Delivery.Routes = map[string]string{"city.lg.jp": "smtp://" + sink.Addr + "?tls=none", "*": "dir:" + filepath.Join(dir, "other")}
	cfg.Delivery.RetryBase = config.Duration(time.Second)
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
	tr := gw.Transfer()
	return &env{t: t, gw: gw, cfg: cfg, acc: tr.Accounts, svc: tr.Service,
		internet: "https://" + gw.TransferAddr().String(), portal: "http://" + gw.HTTPAddr().String(),
		sink: sink, otherDir: filepath.Join(dir, "other"), secrets: map[string][]byte{}}
}

// user creates an account whose e-mail is name@city.lg.jp.
func (e *env) user(name, password string, roles ...accounts.Role) {
	e.t.Helper()
	ctx := context.Background()
	h, err := e.acc.Auth.Hash(password)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.acc.Store.CreateUser(ctx, accounts.User{Name: name, Display: name, Email: name + "@city.lg.jp", Roles: roles}, h); err != nil {
		e.t.Fatal(err)
	}
	if accounts.Roles(roles).Privileged() {
		sec, _ := accounts.NewTOTPSecret()
		if err := e.acc.Store.SetTOTP(ctx, name, sec); err != nil {
			e.t.Fatal(err)
		}
		e.secrets[name] = sec
	}
}

// lgwan returns a browser-like client logged in on the portal as name.
func (e *env) lgwan(name, password string) *webtest.Client {
	e.t.Helper()
	c := webtest.NewClient(e.t, e.portal)
	c.Login(name, password, e.secrets[name])
	return c
}

// inet returns a browser-like client of the Internet side, logged in when name is set.
func (e *env) inet(name, password string) *webtest.Client {
	e.t.Helper()
	c := webtest.NewClient(e.t, e.internet)
	if name != "" {
		c.Login(name, password, nil)
	}
	return c
}

// link makes an upload link for owner and returns its token.
func (e *env) link(owner string, r transfer.UploadLinkRequest) string {
	e.t.Helper()
	_, tok, err := e.svc.CreateUploadLink(context.Background(), owner, r, "127.0.0.1")
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// waitFor polls f until it holds or d passes.
func waitFor(t testing.TB, what string, d time.Duration, f func() bool) {
	t.Helper()
	for end := time.Now().Add(d); !f(); {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// final waits until every file of transfer id is processed and returns it.
func (e *env) final(id string) (transfer.Transfer, []transfer.File) {
	e.t.Helper()
	var t transfer.Transfer
	var fs []transfer.File
	waitFor(e.t, "transfer "+id+" processed", 120*time.Second, func() bool {
		var err error
		t, fs, err = e.svc.Transfer(context.Background(), id)
		if err != nil || t.State == transfer.Open || t.State == transfer.Processing {
			return false
		}
		for _, f := range fs {
			if !f.State.Final() {
				return false
			}
		}
		return true
	})
	return t, fs
}

// sinkMessages returns the messages smtp-sink has received.
func (e *env) sinkMessages() []string { return e.sink.Dumps() }

// otherMessages returns the messages delivered to other domains (partners).
func (e *env) otherMessages() []string {
	var out []string
	filepath.Walk(e.otherDir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() && strings.HasSuffix(p, ".eml") {
			if b, err := os.ReadFile(p); err == nil {
				out = append(out, string(b))
			}
		}
		return nil
	})
	return out
}

// curl runs curl (TLS certificate not checked) and returns stdout.
func curl(t testing.TB, args ...string) (string, error) {
	t.Helper()
	bin := testtool.Need(t, "curl")
	cmd := exec.Command(bin, append([]string{"-sS", "-k"}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		return out.String(), &curlError{err: err, stderr: errb.String()}
	}
	return out.String(), nil
}

type curlError struct {
	err    error
	stderr string
}

func (e *curlError) Error() string { return e.err.Error() + ": " + e.stderr }

// result is the API's answer about a transfer.
type result struct {
	ID     string `json:"id"`
	State  string `json:"state"`
	Upload string `json:"upload"`
	Error  string `json:"error"`
	Files  []struct {
		ID      string   `json:"id"`
		Name    string   `json:"name"`
		Size    int64    `json:"size"`
		State   string   `json:"state"`
		Verdict string   `json:"verdict"`
		Reason  string   `json:"reason"`
		Actions []string `json:"actions"`
		Output  string   `json:"output_name"`
		Held    string   `json:"quarantine_id"`
	} `json:"files"`
}

func decode(t testing.TB, body string) result {
	t.Helper()
	var r result
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("not JSON: %v: %q", err, body)
	}
	return r
}

// writeFile writes data to a file in dir and returns its path.
func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func readTestdata(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
