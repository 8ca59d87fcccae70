package smtp_test

import (
	"bytes"
	"crypto/tls"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/gateway/smtp"
	"github.com/sekisho/sekisho/internal/relaytest"
	"github.com/sekisho/sekisho/internal/testtool"
)

// TestSwaksEdgeCases uses swaks as an independent client: relay denial, STARTTLS with the
// self-signed default certificate, pipelining.
func TestSwaksEdgeCases(t *testing.T) {
	swaks := testtool.Need(t, "swaks")
	dir := t.TempDir()
	cert, err := smtp.LoadOrCreateCert(filepath.Join(dir, "tls", "cert.pem"), filepath.Join(dir, "tls", "key.pem"), "gw.test")
	if err != nil {
		t.Fatal(err)
	}
	r := relaytest.Start(t, "", func(c *relaytest.Config) { c.SMTP.TLS = &tls.Config{Certificates: []tls.Certificate{cert}} })
	host, port, _ := net.SplitHostPort(r.Addr)
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
