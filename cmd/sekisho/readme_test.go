package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// quickStart returns the commands of the README's quick start block.
func quickStart(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "## Quick start")
	if !ok {
		t.Fatal("README.md has no Quick start section")
	}
	_, rest, ok = strings.Cut(rest, "```sh\n")
	block, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("README.md Quick start has no ```sh block")
	}
	return strings.Split(strings.TrimSpace(block), "\n")
}

// TestCIRunsReadmeCommand: .ci/run runs the README's test command as written, on a line of
// its own, so a reader who runs it runs what CI runs.
func TestCIRunsReadmeCommand(t *testing.T) {
	cmds := quickStart(t)
	b, err := os.ReadFile(filepath.Join("..", "..", ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	test := cmds[len(cmds)-1]
	for line := range strings.SplitSeq(string(b), "\n") {
		if line == test {
			return
		}
	}
	t.Errorf(".ci/run has no line %q (the README's test command)", test)
}

// TestQuickStart keeps the README true: exactly two commands, the first runs the gateway on
// its embedded defaults, the second is the test command CI runs. The first is run as
// written (in a scratch directory, since its data goes under ./sekisho-data): a message sent
// to the default port arrives sanitized in the default dir: transport, and SIGTERM stops it.
func TestQuickStart(t *testing.T) {
	cmds := quickStart(t)
	if len(cmds) != 2 {
		t.Fatalf("Quick start has %d commands, want exactly 2: %q", len(cmds), cmds)
	}
	if cmds[1] != "go test -race ./..." {
		t.Errorf("second command = %q, want the test suite command %q", cmds[1], "go test -race ./...")
	}
	if cmds[0] != "go run ./cmd/sekisho serve" {
		t.Fatalf("first command = %q, want %q", cmds[0], "go run ./cmd/sekisho serve")
	}
	const addr = "127.0.0.1:2525"
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is in use; the quick start needs it", addr)
		}
		t.Skipf("%s is in use (another sekisho or a benchmark?)", addr)
	}
	dir := t.TempDir()
	srv := exec.Command(binary, "serve")
	srv.Dir = dir
	logs := &syncBuffer{}
	srv.Stdout, srv.Stderr = logs, logs
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Process.Kill()
	waitPort(t, addr)
	msg := "From: a@example.com\r\nTo: staff@lgwan.example\r\nSubject: =?UTF-8?B?44OG44K544OI?=\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>クイックスタート</p><script>x()</script>\r\n"
	// A plain client: the default certificate is self-signed, and STARTTLS is tested in
	// gateway/smtp with swaks.
	c, err := gosmtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	err = c.SendMail("a@example.com", []string{"staff@lgwan.example"}, strings.NewReader(msg))
	c.Close()
	if err != nil {
		t.Fatalf("send to the default port: %v\n%s", err, logs.String())
	}
	var got []byte
	for i := 0; i < 200 && got == nil; i++ {
		ents, _ := os.ReadDir(filepath.Join(dir, "sekisho-data", "delivered"))
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".eml") && !strings.HasPrefix(e.Name(), ".") {
				got, _ = os.ReadFile(filepath.Join(dir, "sekisho-data", "delivered", e.Name()))
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got == nil {
		t.Fatalf("nothing delivered under ./sekisho-data/delivered\n%s", logs.String())
	}
	if !strings.Contains(string(got), "X-Sekisho-Status: sanitized") || strings.Contains(string(got), "<script>") {
		t.Errorf("delivered message:\n%s", got)
	}
	srv.Process.Signal(syscall.SIGTERM)
	if err := srv.Wait(); err != nil {
		t.Errorf("serve after SIGTERM: %v\n%s", err, logs.String())
	}
}

// syncBuffer collects a subprocess's output, which os/exec copies from its own goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
