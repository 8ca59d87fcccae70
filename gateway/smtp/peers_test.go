package smtp

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
)

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startSMTPSink runs Postfix's smtp-sink as the next hop and returns its address and a
// function reporting how many messages it has counted.
func startSMTPSink(t *testing.T) (string, func() int) {
	bin := testtool.Need(t, "smtp-sink")
	addr := freePort(t)
	out := filepath.Join(t.TempDir(), "sink.out")
	f, _ := os.Create(out)
	args := []string{"-c", "-m", "256", addr, "256"}
	if os.Geteuid() == 0 {
		args = append([]string{"-u", "nobody"}, args...)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait(); f.Close() })
	for i := 0; i < 100; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	count := func() int {
		data, _ := os.ReadFile(out)
		fields := strings.FieldsFunc(string(data), func(r rune) bool { return r == '\r' || r == '\n' || r == ' ' })
		n := 0
		for _, fl := range fields {
			if v, ok := strings.CutPrefix(fl, "mesg="); ok {
				fmt.Sscan(v, &n)
			}
		}
		return n
	}
	return addr, count
}

// TestPostfixLoadThroughRelay drives the relay with Postfix's smtp-source and delivers to
// Postfix's smtp-sink: every message smtp-source got a 250 for must reach the sink.
func TestPostfixLoadThroughRelay(t *testing.T) {
	src := testtool.Need(t, "smtp-source")
	sinkAddr, count := startSMTPSink(t)
	r := startRelay(t, func(o *Options) {
		o.Routes = []Route{{Domain: "city.lg.jp", Transport: "smtp", Addr: sinkAddr, TLS: "none"}}
	})
	const n = 200
	out, err := exec.Command(src, "-m", fmt.Sprint(n), "-s", "8", "-l", "4096", "-f", "sender@example.com",
		"-t", "staff@city.lg.jp", "-M", "client.test", r.addr).CombinedOutput()
	if err != nil {
		t.Fatalf("smtp-source: %v\n%s", err, out)
	}
	waitFor(t, "all messages at smtp-sink", func() bool { return count() >= n })
	if got := r.s.metrics.accepted.Value(""); got != n {
		t.Errorf("accepted %v, want %d", got, n)
	}
}

// TestSwaksEdgeCases uses swaks as an independent client: relay denial, STARTTLS with the
// self-signed default certificate, pipelining.
func TestSwaksEdgeCases(t *testing.T) {
	swaks := testtool.Need(t, "swaks")
	dir := t.TempDir()
	cert, err := LoadOrCreateCert(filepath.Join(dir, "tls", "cert.pem"), filepath.Join(dir, "tls", "key.pem"), "gw.test")
	if err != nil {
		t.Fatal(err)
	}
	r := startRelay(t, func(o *Options) { o.TLS = &tls.Config{Certificates: []tls.Certificate{cert}} })
	host, port, _ := net.SplitHostPort(r.addr)
	tests := []struct {
		name    string
		args    []string
		wantOK  bool
		wantOut string
	}{
		{"relay denied", []string{"--to", "x@example.org"}, false, "550 5.7.1"},
		{"starttls", []string{"--to", "staff@city.lg.jp", "--tls"}, true, "250 2.0.0 OK queued as"},
		{"pipelining", []string{"--to", "staff@city.lg.jp", "--pipeline"}, true, "250 2.0.0 OK queued as"},
		{"8bit body", []string{"--to", "staff@city.lg.jp", "--body", "本文です"}, true, "250 2.0.0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--server", host, "--port", port, "--from", "a@example.com", "--helo", "client.test", "--timeout", "10"}, tc.args...)
			cmd := exec.Command(swaks, args...)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			if (err == nil) != tc.wantOK || !strings.Contains(out.String(), tc.wantOut) {
				t.Fatalf("swaks %v: err=%v, want ok=%v and %q in:\n%s", tc.args, err, tc.wantOK, tc.wantOut, out.String())
			}
		})
	}
}
