package transfer_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/portal/web/webtest"
	"github.com/sekisho/sekisho/gateway/transfer"
	"github.com/sekisho/sekisho/internal/assemble"
)

// send makes an outbound transfer of owner with one text file and waits until the engine
// is done with it.
func (e *env) send(owner string, to []string, body []byte) transfer.Transfer {
	e.t.Helper()
	ctx := context.Background()
	tr, err := e.svc.OpenOutbound(ctx, owner, transfer.OutboundRequest{Recipients: to, Subject: "送付"}, "192.0.2.10")
	if err != nil {
		e.t.Fatal(err)
	}
	f, err := e.svc.AddFile(ctx, tr, "一覧.txt", "text/plain", int64(len(body)), "192.0.2.10")
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.svc.Write(ctx, tr, f, 0, bytes.NewReader(body), "192.0.2.10"); err != nil {
		e.t.Fatal(err)
	}
	if err := e.svc.Finish(ctx, tr, owner, "192.0.2.10"); err != nil {
		e.t.Fatal(err)
	}
	tr, _ = e.final(tr.ID)
	return tr
}

// TestApprovalRulesQuotasAudit: a deputy decides for the approver; 事後確認 sends at once
// and a later rejection revokes the link; an auto-approval rule sends without a person
// only when every condition holds; department and user quotas and the per-user upload
// limit refuse with their keys; and each step is in the audit log with who, where from
// and how many bytes.
func TestApprovalRulesQuotasAudit(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *config.Config) {
		c.Transfer.MaxConcurrentUploads = 1
		c.Transfer.QuotaPerUser = config.Size(3 << 20)
		c.Transfer.Departments = map[string]config.Department{
			"総務課": {Members: []string{"tanaka"}, Approval: "pre", Approvers: []string{"kacho"}, Deputies: []string{"hosa"}},
			"情報課": {Members: []string{"sato", "suzuki"}, Approval: "post", Quota: config.Size(2 << 20),
				AutoApprove: []config.AutoApprove{{MaxSize: config.Size(1 << 10), Types: []string{"text"}, Domains: []string{".go.jp"}}}},
		}
	})
	for _, u := range []string{"tanaka", "kacho", "hosa", "sato", "suzuki", "bucho"} {
		roles := []accounts.Role{accounts.Staff}
		if u == "kacho" || u == "hosa" || u == "bucho" {
			roles = append(roles, accounts.Approver)
		}
		e.user(u, "pw-"+u+"-123", roles...)
	}
	ctx := context.Background()
	approver := accounts.Roles{accounts.Staff, accounts.Approver}
	small := []byte("一覧\n")

	// A deputy decides in the approver's place.
	tr := e.send("tanaka", []string{"p@example.co.jp"}, small)
	if tr.State != transfer.Pending {
		t.Fatalf("pre: %s", tr.State)
	}
	if _, err := e.svc.Decide(ctx, tr.ID, "bucho", approver, true, "", "192.0.2.20"); !errors.Is(err, transfer.ErrNotFound) {
		t.Errorf("an approver outside the department's list decided: %v", err)
	}
	d, err := e.svc.Decide(ctx, tr.ID, "hosa", approver, true, "課長不在のため", "192.0.2.20")
	if err != nil || d.State != transfer.Sent || d.Approver != "hosa" || !strings.HasPrefix(d.DecisionReason, "(deputy)") {
		t.Fatalf("deputy approval: %+v %v", d, err)
	}

	// 事後確認: sent at once, a rejection afterwards revokes the link.
	post := e.send("sato", []string{"q@example.com"}, small)
	if post.State != transfer.Sent || post.Approval != transfer.ApprovalPending {
		t.Fatalf("post: %s %s", post.State, post.Approval)
	}
	mails := e.mailsTo(2, "/d/")
	var token string
	for _, m := range mails {
		if l := linkRE.FindStringSubmatch(m); l != nil {
			if _, lt, err := e.svc.OpenLink(ctx, l[1]); err == nil && lt.ID == post.ID {
				token = l[1]
			}
		}
	}
	if token == "" {
		t.Fatal("no link mailed for the post-review transfer")
	}
	pc := webtest.NewClient(t, e.internet)
	_, page := pc.Get("/d/" + token)
	fm := regexp.MustCompile(`href="(/d/[^"]+)" class="file"`).FindStringSubmatch(page)
	if fm == nil {
		t.Fatalf("no file on the download page: %s", excerpt(page))
	}
	if resp, got := pc.Get(strings.ReplaceAll(fm[1], "&amp;", "&")); resp.StatusCode != 200 || got != string(small) {
		t.Fatalf("download = %d %q", resp.StatusCode, got)
	}
	if _, err := e.svc.Decide(ctx, post.ID, "bucho", approver, false, "宛先が不適切", "192.0.2.21"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.OpenLink(ctx, token); err == nil {
		t.Error("the link of a rejected transfer still opens")
	}

	// Auto-approval: every condition must hold.
	auto := e.send("suzuki", []string{"x@soumu.go.jp"}, small)
	if auto.State != transfer.Sent || auto.Approval != transfer.ApprovalAuto {
		t.Errorf("auto rule (text, 1 KiB, .go.jp): %s %s", auto.State, auto.Approval)
	}
	for _, tc := range []struct {
		to   string
		body []byte
	}{{"x@example.com", small}, {"x@soumu.go.jp", bytes.Repeat(small, 1000)}} {
		if tr := e.send("suzuki", []string{tc.to}, tc.body); tr.Approval == transfer.ApprovalAuto {
			t.Errorf("auto-approved to %s with %d bytes", tc.to, len(tc.body))
		}
	}

	// Quotas: the department's 2 MiB across its members, the user's 3 MiB.
	big, err := e.svc.OpenOutbound(ctx, "sato", transfer.OutboundRequest{Recipients: []string{"p@example.co.jp"}}, "192.0.2.10")
	if err != nil {
		t.Fatal(err)
	}
	var le *transfer.LimitError
	if _, err := e.svc.AddFile(ctx, big, "big.txt", "", 2<<20, "192.0.2.10"); !errors.As(err, &le) || le.Key != "transfer.departments.情報課.quota" {
		t.Errorf("over the department quota: %v", err)
	}
	tt, err := e.svc.OpenOutbound(ctx, "tanaka", transfer.OutboundRequest{Recipients: []string{"p@example.co.jp"}}, "192.0.2.10")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AddFile(ctx, tt, "big.txt", "", 3<<20, "192.0.2.10"); !errors.As(err, &le) || le.Key != "transfer.quota_per_user" {
		t.Errorf("over the user quota: %v", err)
	}

	// One upload at a time per user: a second concurrent one is refused (429 on the API).
	f1, err := e.svc.AddFile(ctx, tt, "a.txt", "", 1000, "192.0.2.10")
	if err != nil {
		t.Fatal(err)
	}
	f2, err := e.svc.AddFile(ctx, tt, "b.txt", "", 1000, "192.0.2.10")
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { _, err := e.svc.Write(ctx, tt, f1, 0, pr, "192.0.2.10"); done <- err }()
	pw.Write([]byte("first bytes"))
	time.Sleep(200 * time.Millisecond)
	if _, err := e.svc.Write(ctx, tt, f2, 0, strings.NewReader("x"), "192.0.2.10"); !errors.Is(err, transfer.ErrTooMany) {
		t.Errorf("a second concurrent upload of tanaka: %v, want ErrTooMany", err)
	}
	pw.CloseWithError(io.ErrUnexpectedEOF)
	<-done

	// The audit log names who, from where, and the bytes.
	log, err := os.ReadFile(filepath.Join(assemble.QuarantineDir(e.cfg), "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, re := range []string{
		`"transfer-upload".*ip=192\.0\.2\.10; transfer=` + tr.ID + `; name=\\"一覧.txt\\"; bytes=7;`,
		`"transfer-download".*recipient:q@example\.com.*ip=127\.0\.0\.1.*transfer=` + post.ID + `.*bytes=7`,
		`"transfer-approve".*hosa.*ip=192\.0\.2\.20.*deputy=true`,
		`"transfer-reject".*bucho.*ip=192\.0\.2\.21`,
		`"transfer-submit".*approval=auto`,
		`"transfer-notify".*q@example\.com`,
		`"transfer-sanitize".*` + tr.ID,
	} {
		if !regexp.MustCompile(re).Match(log) {
			t.Errorf("audit log lacks %s", re)
		}
	}
}
