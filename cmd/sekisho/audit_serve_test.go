package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
)

// servedGateway is a `sekisho serve` subprocess delivering into a dir: transport.
type servedGateway struct {
	t                 *testing.T
	dir, cfgPath      string
	smtpAddr, httpURL string
	delivered         string
	cmd               *exec.Cmd
	logs              *syncBuffer
}

func startServe(t *testing.T, dir, cfgPath, smtpAddr, httpAddr, delivered string) *servedGateway {
	t.Helper()
	g := &servedGateway{t: t, dir: dir, cfgPath: cfgPath, smtpAddr: smtpAddr, httpURL: "http://" + httpAddr,
		delivered: delivered, logs: &syncBuffer{}}
	g.cmd = exec.Command(binary, "serve", "--config", cfgPath)
	g.cmd.Stdout, g.cmd.Stderr = g.logs, g.logs
	if err := g.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.cmd.Process.Kill(); g.cmd.Wait() })
	waitPort(t, smtpAddr)
	waitPort(t, httpAddr)
	return g
}

func (g *servedGateway) stop() {
	g.t.Helper()
	g.cmd.Process.Signal(syscall.SIGTERM)
	if err := g.cmd.Wait(); err != nil {
		g.t.Fatalf("serve after SIGTERM: %v\n%s", err, g.logs.String())
	}
}

// send delivers msg with swaks and returns once the relay said 250.
func (g *servedGateway) send(swaks string, msg []byte) {
	g.t.Helper()
	f := filepath.Join(g.dir, fmt.Sprintf("msg-%d.eml", time.Now().UnixNano()))
	os.WriteFile(f, msg, 0o644)
	host, port, _ := net.SplitHostPort(g.smtpAddr)
	out, err := exec.Command(swaks, "--server", host, "--port", port, "--from", "sender@example.com",
		"--to", "staff@city.lg.jp", "--data", f, "--timeout", "30").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "250 2.0.0 OK queued as") {
		g.t.Fatalf("swaks: %v\n%s\nserver log:\n%s", err, out, g.logs.String())
	}
}

// get fetches a path of the LGWAN-side HTTP endpoint.
func (g *servedGateway) get(path string) (int, string) {
	g.t.Helper()
	resp, err := http.Get(g.httpURL + path)
	if err != nil {
		g.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, string(b)
}

// waitDelivered waits for n messages in the dir: transport and returns them.
func (g *servedGateway) waitDelivered(n int) []string {
	g.t.Helper()
	for i := 0; i < 600; i++ {
		var got []string
		ents, _ := os.ReadDir(g.delivered)
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".eml") && !strings.HasPrefix(e.Name(), ".") {
				b, _ := os.ReadFile(filepath.Join(g.delivered, e.Name()))
				got = append(got, string(b))
			}
		}
		if len(got) >= n {
			return got
		}
		time.Sleep(50 * time.Millisecond)
	}
	g.t.Fatalf("fewer than %d messages delivered\n%s", n, g.logs.String())
	return nil
}

func (g *servedGateway) waitLog(substr string) {
	g.t.Helper()
	for i := 0; i < 600; i++ {
		if strings.Contains(g.logs.String(), substr) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	g.t.Fatalf("serve never logged %q\n%s", substr, g.logs.String())
}

// TestServeAuditLogReplaced is the scenario of issue 9 item 5 against a running serve:
// audit.log is edited with sed -i (a new inode takes its name) and later renamed away.
// serve must stop appending at once, never write into the file that is no longer the log,
// keep the message whose attachment it could not quarantine (nothing lost), report
// degraded on /healthz and /metrics, let read commands work with a warning, and come back
// after `quarantine recover-audit`, with verify-audit reporting the break.
func TestServeAuditLogReplaced(t *testing.T) {
	swaks := testtool.Need(t, "swaks")
	sed := testtool.Need(t, "sed")
	dir := t.TempDir()
	delivered := filepath.Join(dir, "delivered")
	smtpAddr, httpAddr := freeAddr(t), freeAddr(t)
	cfgPath := filepath.Join(dir, "sekisho.yaml")
	os.WriteFile(cfgPath, []byte(fmt.Sprintf(`data_dir: %s
smtp:
  listen: %s
  hostname: gw.city.lg.jp
  domains: [city.lg.jp]
delivery:
  routes:
    "*": dir:%s
http:
  listen: %s
`, filepath.Join(dir, "data"), smtpAddr, delivered, httpAddr)), 0o644)
	zipEnc, err := os.ReadFile(filepath.Join("..", "..", "testdata", "archive", "bad-zipcrypto.zip"))
	if err != nil {
		t.Fatal(err)
	}
	held := func(subject string) []byte {
		return buildMail(subject, "<p>資料を送ります。</p>", attachment("資料.zip", "application/zip", zipEnc))
	}
	qids := regexp.MustCompile(`Q\d{8}-[0-9A-F]{12}`)
	auditPath := filepath.Join(dir, "data", "quarantine", "audit.log")

	g := startServe(t, dir, cfgPath, smtpAddr, httpAddr, delivered)
	if code, body := g.get("/healthz"); code != 200 || body != "ok\n" {
		t.Fatalf("healthz on a fresh gateway = %d %q", code, body)
	}
	g.send(swaks, held("one"))
	if got := g.waitDelivered(1); !strings.Contains(got[0], "quarantined=1") {
		t.Fatalf("the attachment of the first message was not held:\n%s", got[0])
	}

	// sed -i writes a new file and renames it over audit.log; serve still holds the old one.
	orig, err := os.Open(auditPath)
	if err != nil {
		t.Fatal(err)
	}
	defer orig.Close()
	origData, _ := io.ReadAll(orig)
	if out, err := exec.Command(sed, "-i", `s/"actor":"sekisho"/"actor":"mallory"/`, auditPath).CombinedOutput(); err != nil {
		t.Fatalf("sed -i: %v %s", err, out)
	}
	edited, _ := os.ReadFile(auditPath)

	code, body := g.get("/healthz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "audit_log: ") || !strings.Contains(body, "replaced while in use") {
		t.Fatalf("healthz after sed -i = %d %q, want 503 naming the audit log", code, body)
	}
	if _, m := g.get("/metrics"); !strings.Contains(m, "sekisho_audit_log_broken 1") {
		t.Errorf("metrics do not show the broken audit log:\n%s", m)
	}
	g.waitLog(`level=ERROR msg="audit log broken`)

	// A second held attachment cannot be recorded: the message waits in the spool.
	g.send(swaks, held("two"))
	g.waitLog("message stays in the spool")
	if st, _ := orig.Stat(); st.Size() != int64(len(origData)) {
		t.Errorf("serve wrote into the replaced file (%d -> %d bytes)", len(origData), st.Size())
	}
	if now, _ := os.ReadFile(auditPath); !bytes.Equal(now, edited) {
		t.Errorf("serve wrote into the edited file that is not the log")
	}
	if got := g.waitDelivered(1); len(got) != 1 {
		t.Fatalf("%d messages delivered while the audit log was broken, want 1", len(got))
	}
	detached, _ := filepath.Glob(filepath.Join(dir, "data", "quarantine", "audit.log.detached-*"))
	if len(detached) != 1 {
		t.Fatalf("the records of the unlinked log were not preserved: %v", detached)
	} else if b, _ := os.ReadFile(detached[0]); !bytes.Equal(b, origData) {
		t.Errorf("preserved copy differs from what serve wrote")
	}

	// Reads work with a warning; verify-audit says where; changes are refused.
	r := sekisho(t, dir, nil, "quarantine", "list", "--config", cfgPath)
	if r.code != 0 || !qids.MatchString(r.stdout) || !strings.Contains(r.stderr, "warning: ") {
		t.Fatalf("list on a broken log: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = sekisho(t, dir, nil, "quarantine", "verify-audit", "--config", cfgPath)
	if r.code != 1 || !strings.Contains(r.stderr, "line 1") {
		t.Fatalf("verify-audit on an edited log: %d %s", r.code, r.stderr)
	}
	id := qids.FindString(r.stdout + sekisho(t, dir, nil, "quarantine", "list", "--config", cfgPath).stdout)
	if r := sekisho(t, dir, nil, "quarantine", "delete", id, "--config", cfgPath); r.code == 0 {
		t.Fatalf("delete succeeded on a broken audit log: %s", r.stdout)
	}

	// Recovery: a new segment; serve takes it up without a restart.
	r = sekisho(t, dir, nil, "quarantine", "recover-audit", "--config", cfgPath, "--actor", "operator1", "--note", "sed test")
	if r.code != 0 || !strings.Contains(r.stdout, "audit.log.broken-") {
		t.Fatalf("recover-audit: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if code, body := g.get("/healthz"); code != 200 {
		t.Fatalf("healthz after recovery = %d %q", code, body)
	}
	g.send(swaks, held("three"))
	g.waitDelivered(2)
	r = sekisho(t, dir, nil, "quarantine", "verify-audit", "--config", cfgPath)
	if r.code != 0 || !strings.Contains(r.stdout, "break recovered at record 2") || !strings.Contains(r.stdout, "sed test") ||
		!strings.Contains(r.stdout, "line 1: record 1 differs") {
		t.Fatalf("verify-audit after the first recovery: %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// Renaming the log away (logrotate without copytruncate) breaks it the same way.
	if err := os.Rename(auditPath, auditPath+".1"); err != nil {
		t.Fatal(err)
	}
	if code, body := g.get("/healthz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "removed or renamed") {
		t.Fatalf("healthz after a rename = %d %q", code, body)
	}
	if r := sekisho(t, dir, nil, "quarantine", "recover-audit", "--config", cfgPath, "--actor", "operator1"); r.code != 0 {
		t.Fatalf("second recover-audit: %d %s", r.code, r.stderr)
	}

	// A restart picks up the message that waited in the spool: nothing was lost.
	g.stop()
	g = startServe(t, dir, cfgPath, smtpAddr, httpAddr, delivered)
	got := g.waitDelivered(3)
	all := strings.Join(got, "\n")
	for _, want := range []string{"Subject: one\r\n", "Subject: two\r\n", "Subject: three\r\n"} {
		if !strings.Contains(all, want) {
			t.Errorf("no delivered message with %q", want)
		}
	}
	r = sekisho(t, dir, nil, "quarantine", "verify-audit", "--config", cfgPath)
	// The second break names no earlier segment (the log had been renamed away), so the
	// report stops there; the first break is in audit.log.1, where the operator moved it.
	if r.code != 0 || strings.Count(r.stdout, "break recovered at record") != 1 || !strings.Contains(r.stdout, "missing, the index recorded 3 records") {
		t.Fatalf("verify-audit after recovery: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	g.stop()
}
