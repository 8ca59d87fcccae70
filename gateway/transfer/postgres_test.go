package transfer_test

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/transfer"
	"github.com/sekisho/sekisho/internal/assemble"
	"github.com/sekisho/sekisho/internal/pgtest"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/quarantine/postgres"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// mailbox keeps the notices the service queues, so the test can follow the links in
// them; delivery itself is the relay's and tested with it.
type mailbox struct {
	mu   sync.Mutex
	msgs []string
}

func (m *mailbox) Send(_ context.Context, rcpts []string, msg []byte) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.msgs = append(m.msgs, strings.Join(rcpts, ",")+"\n"+string(msg))
	return "q1", nil
}

func (m *mailbox) all() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return strings.Join(m.msgs, "\n----\n")
}

// TestPostgresStore runs the transfer life cycle on the PostgreSQL store: every query
// the service writes must work on both dialects (placeholders, upsert, CASE).
func TestPostgresStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, q := openPGStore(t, postgres.Options{URL: pgtest.Shared(t).NewDB(t)})
	defer b.Close()
	var _ quarantine.Tables = b
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	in, err := assemble.NewSanitizers(cfg, assemble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := assemble.NewSanitizers(cfg, assemble.Options{Direction: config.Outbound})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	mb := &mailbox{}
	svc, err := transfer.New(transfer.Options{DB: b.DB(), Dir: t.TempDir(), TempDir: t.TempDir(), Quarantine: q,
		Inbound: in.Files, Outbound: out.Files, Outbox: mb, Mode: "pre", InternetURL: "https://files.example", LinkExpiry: 24 * time.Hour,
		MaxLinkExpiry: 72 * time.Hour, Retention: 24 * time.Hour,
		Limits: transfer.Limits{MaxFileSize: 1 << 20, MaxTransferSize: 4 << 20, MaxFiles: 4}, MaxDownloads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer svc.Close()

	// Outbound: upload, engine, approval, link, counted downloads.
	tr, err := svc.OpenOutbound(ctx, "tanaka", transfer.OutboundRequest{Recipients: []string{"p@example.co.jp"},
		Subject: "資料", Expiry: time.Hour}, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	body := []byte("報告書の本文です。\r\n")
	f, err := svc.AddFile(ctx, tr, "報告書.txt", "text/plain", int64(len(body)), "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := svc.Write(ctx, tr, f, 0, bytes.NewReader(body[:5]), "192.0.2.1"); err != nil || n != 5 {
		t.Fatalf("first part = %d, %v", n, err)
	}
	if _, err := svc.Write(ctx, tr, f, 0, bytes.NewReader(body), "192.0.2.1"); !errors.Is(err, transfer.ErrOffset) {
		t.Fatalf("a write at a stale offset = %v, want ErrOffset", err)
	}
	f, _ = svc.File(ctx, f.ID)
	if n, err := svc.Write(ctx, tr, f, 5, bytes.NewReader(body[5:]), "192.0.2.1"); err != nil || n != int64(len(body)) {
		t.Fatalf("rest = %d, %v", n, err)
	}
	if err := svc.Finish(ctx, tr, "tanaka", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the engine", 60*time.Second, func() bool {
		tr, _, _ = svc.Transfer(ctx, tr.ID)
		return tr.State == transfer.Pending
	})
	list, err := svc.List(ctx, transfer.Query{Owners: []string{"tanaka", "sato"}, Direction: transfer.Outbound,
		States: []transfer.State{transfer.Pending}, Approval: transfer.ApprovalPending, Since: time.Now().Add(-time.Hour)})
	if err != nil || len(list) != 1 || list[0].ID != tr.ID {
		t.Fatalf("list = %v, %v", list, err)
	}
	if _, err := svc.Decide(ctx, tr.ID, "tanaka", accounts.Roles{accounts.Staff, accounts.Approver}, true, "", "192.0.2.2"); err == nil {
		t.Fatal("the owner approved their own transfer")
	}
	if _, err := svc.Decide(ctx, tr.ID, "kacho", accounts.Roles{accounts.Staff, accounts.Approver}, true, "ok", "192.0.2.2"); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`/d/([A-Za-z0-9_-]+)`).FindStringSubmatch(mb.all())
	if m == nil {
		t.Fatalf("no link mailed: %s", mb.all())
	}
	l, lt, err := svc.OpenLink(ctx, m[1])
	if err != nil || lt.ID != tr.ID {
		t.Fatalf("open link = %v %v", lt.ID, err)
	}
	_, fs, _ := svc.Transfer(ctx, tr.ID)
	if fs[0].State != transfer.Available {
		t.Fatalf("file = %+v", fs[0])
	}
	if err := svc.CountDownload(ctx, l, fs[0].ID, fs[0].OutSize); err != nil {
		t.Fatal(err)
	}
	if err := svc.CountDownload(ctx, l, fs[0].ID, fs[0].OutSize); !errors.Is(err, transfer.ErrDownloads) {
		t.Fatalf("second download = %v, want ErrDownloads", err)
	}
	if d, err := svc.Downloads(ctx, tr.ID); err != nil || d[l.ID][fs[0].ID] != 1 {
		t.Fatalf("downloads = %v, %v", d, err)
	}

	// Inbound through a one-time upload link; a cancelled file gives its bytes back.
	ul, token, err := svc.CreateUploadLink(ctx, "tanaka", transfer.UploadLinkRequest{Label: "見積", OneTime: true}, "192.0.2.3")
	if err != nil {
		t.Fatal(err)
	}
	it, _, err := svc.OpenViaLink(ctx, token, "業者", "198.51.100.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.OpenViaLink(ctx, token, "業者", "198.51.100.1"); err == nil {
		t.Fatal("a one-time link opened twice")
	}
	f2, err := svc.AddFile(ctx, it, "見積.txt", "", 100, "198.51.100.1")
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Cancel(ctx, it, f2, "link:"+ul.ID, "198.51.100.1"); err != nil {
		t.Fatal(err)
	}
	if it, _, _ = svc.Transfer(ctx, it.ID); it.Bytes != 0 {
		t.Errorf("bytes after cancel = %d", it.Bytes)
	}
	if links, err := svc.UploadLinks(ctx, "tanaka"); err != nil || len(links) != 1 || links[0].Uses != 1 {
		t.Fatalf("upload links = %+v, %v", links, err)
	}
	if err := svc.RevokeUploadLink(ctx, "tanaka", ul.ID, "192.0.2.3"); err != nil {
		t.Fatal(err)
	}

	// Purge: everything expired goes, the blob with it.
	n, err := svc.Purge(ctx, time.Now().Add(400*24*time.Hour))
	if err != nil || n < 2 {
		t.Fatalf("purge = %d, %v", n, err)
	}
	if tr, _, _ = svc.Transfer(ctx, tr.ID); tr.State != transfer.Expired {
		t.Errorf("after purge: %s", tr.State)
	}
}
