package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sekisho/sekisho/gateway/transfer"
	"github.com/sekisho/sekisho/internal/assemble"
)

// mailbox records what a running gateway's transfer service queues.
type mailbox struct {
	mu   sync.Mutex
	msgs []string
}

func (m *mailbox) Send(_ context.Context, rcpts []string, msg []byte) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.msgs = append(m.msgs, strings.Join(rcpts, ",")+"\n"+string(msg))
	return "q", nil
}

func (m *mailbox) text() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return strings.Join(m.msgs, "\n")
}

// TestTransferCommand decides on an outbound transfer from the command line: only an
// approver of the sender's department may, the links it causes wait in the store, and a
// running gateway mails them.
func TestTransferCommand(t *testing.T) {
	dir := t.TempDir()
	conf := `data_dir: ./data
transfer:
  enabled: true
  departments:
    総務課:
      members: [tanaka]
      approval: pre
      approvers: [kacho]
`
	writeFiles(t, dir, map[string][]byte{"sekisho.yaml": []byte(conf)})
	cfgPath := filepath.Join(dir, "sekisho.yaml")
	if r := sekisho(t, dir, nil, "transfer", "list", "--config", cfgPath); r.code != 2 || !strings.Contains(r.stderr, "no store") {
		t.Fatalf("list without a store: %d %q", r.code, r.stderr)
	}
	pw := []byte("correct horse battery\n")
	for _, u := range [][]string{{"tanaka", "staff"}, {"kacho", "staff,approver"}, {"sato", "staff,approver"}} {
		if r := sekisho(t, dir, pw, "user", "add", u[0], "--role", u[1], "--config", cfgPath); r.code != 0 {
			t.Fatalf("user add: %d %s", r.code, r.stderr)
		}
	}
	cfg, err := assemble.LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	// The transfer as the portal makes it, processed by a running service.
	ctx := context.Background()
	run := func(outbox transfer.Outbox, f func(*transfer.Service)) {
		t.Helper()
		store, err := assemble.OpenQuarantine(cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		tr, err := assemble.OpenTransfer(ctx, cfg, store, outbox, assemble.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer tr.Close()
		if err := tr.Start(ctx); err != nil {
			t.Fatal(err)
		}
		f(tr.Service)
	}
	var id string
	run(&mailbox{}, func(s *transfer.Service) {
		tr, err := s.OpenOutbound(ctx, "tanaka", transfer.OutboundRequest{Recipients: []string{"partner@example.co.jp"},
			Subject: "見積\x1b[2J"}, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		body := []byte("見積書\n")
		f, err := s.AddFile(ctx, tr, "見積.txt", "text/plain", int64(len(body)), "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Write(ctx, tr, f, 0, bytes.NewReader(body), "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		if err := s.Finish(ctx, tr, "tanaka", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		for i := 0; ; i++ {
			if tr, _, _ = s.Transfer(ctx, tr.ID); tr.State == transfer.Pending {
				break
			}
			if i > 600 {
				t.Fatalf("transfer stays %s", tr.State)
			}
			time.Sleep(100 * time.Millisecond)
		}
		id = tr.ID
	})

	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"list"}, 0, id},
		{[]string{"list", "--pending", "--since", "1h"}, 0, id},
		{[]string{"list", "--direction", "inbound"}, 0, "ID"},
		{[]string{"list", "--state", "lost"}, 2, "want one of"},
		{[]string{"show", id}, 0, "ready  見積.txt  10 bytes"}, // the subject's escape was dropped on entry
		{[]string{"show", id, "--json"}, 0, `"Approval": "pending"`},
		{[]string{"show", "T" + strings.Repeat("A", 26)}, 4, "not found"},
		{[]string{"show", "../etc"}, 2, "not a transfer ID"},
		{[]string{"approve", id}, 2, "--as NAME is required"},
		{[]string{"approve", id, "--as", "tanaka"}, 5, "cannot approve their own"},
		{[]string{"approve", id, "--as", "sato"}, 4, "not found"}, // an approver of no department of tanaka's
		{[]string{"approve", id, "--as", "nobody"}, 2, "no enabled portal user"},
		{[]string{"reject", id, "--as", "kacho"}, 2, "--reason is required"},
		{[]string{"approve", id, "--as", "kacho", "--reason", "ok"}, 0, id + ": sent (approval approved)"},
		{[]string{"approve", id, "--as", "kacho"}, 5, "does not apply"},
		{[]string{"purge"}, 0, "0 transfers expired"},
		{[]string{"link"}, 2, "--owner NAME is required"},
		{[]string{"link", "--owner", "nobody"}, 2, "no enabled portal user"},
		{[]string{"link", "--owner", "tanaka", "--expiry", "-1h"}, 2, "--expiry"},
		{[]string{"link", "--owner", "tanaka", "--one-time", "--expiry", "2d", "--label", "見積書"}, 0, "https://127.0.0.1:9443/u/"},
		{[]string{"frobnicate"}, 2, "unknown subcommand"},
	} {
		r := sekisho(t, dir, nil, append(append([]string{"transfer"}, tc.args...), "--config", cfgPath)...)
		if r.code != tc.code || !strings.Contains(r.stdout+r.stderr, tc.want) {
			t.Errorf("%v: exit %d, out %q %q; want %d and %q", tc.args, r.code, r.stdout, r.stderr, tc.code, tc.want)
		}
		if strings.Contains(r.stdout, "\x1b") {
			t.Errorf("%v wrote an escape sequence to the terminal", tc.args)
		}
	}
	r := sekisho(t, dir, nil, "transfer", "show", id, "--config", cfgPath)
	if !regexp.MustCompile(`links:\n  D\w+  partner@example.co.jp  active`).MatchString(r.stdout) {
		t.Errorf("show after approval lacks the link: %s", r.stdout)
	}
	// The link mail waits in the store until a gateway with a queue runs.
	mb := &mailbox{}
	run(mb, func(*transfer.Service) {
		for i := 0; !strings.Contains(mb.text(), "partner@example.co.jp"); i++ {
			if i > 100 {
				t.Fatalf("the stored link mail was not queued: %q", mb.text())
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	if !regexp.MustCompile(`/d/[A-Za-z0-9_-]{20,}`).MatchString(mb.text()) {
		t.Errorf("queued mail has no link: %s", mb.text())
	}
	// Queued once: a second gateway start sends nothing again.
	mb2 := &mailbox{}
	run(mb2, func(*transfer.Service) { time.Sleep(1500 * time.Millisecond) })
	if strings.Contains(mb2.text(), "partner@example.co.jp") {
		t.Error("the link mail was queued twice")
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "transfer")); err != nil {
		t.Error(err)
	}
}
