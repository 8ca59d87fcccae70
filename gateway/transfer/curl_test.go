package transfer_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/transfer"
	"github.com/sekisho/sekisho/quarantine"
)

// TestCurlPutAndMultipart uploads with the two plain curl forms, -T and -F, through an
// upload link, and checks the result JSON, the stored outputs, the quarantine for a
// refused file, the audit log and the recipient's notice.
func TestCurlPutAndMultipart(t *testing.T) {
	e := start(t, nil)
	e.user("tanaka", "pw-tanaka-1", accounts.Staff)
	tok := e.link("tanaka", transfer.UploadLinkRequest{Label: "見積書をお送りください"})
	dir := t.TempDir()
	pdf := readTestdata(t, "pdf/chromium-ja.pdf")
	text := []byte("お世話になっております。\r\n見積書を送ります。\r\n")

	// -T: one file, named in the URL (percent-encoded UTF-8).
	p := writeFile(t, dir, "見積書.pdf", pdf)
	out, err := curl(t, "-T", p, e.internet+"/api/v1/u/"+tok+"/"+url.PathEscape("見積書.pdf"))
	if err != nil {
		t.Fatalf("curl -T: %v", err)
	}
	r := decode(t, out)
	if r.State != "ready" || len(r.Files) != 1 || r.Files[0].State != "ready" || r.Files[0].Name != "見積書.pdf" {
		t.Fatalf("curl -T result = %s", out)
	}
	tr, fs, err := e.svc.Transfer(context.Background(), r.ID)
	if err != nil || tr.Owner != "tanaka" || tr.Direction != transfer.Inbound || fs[0].OutSize == 0 {
		t.Fatalf("stored transfer = %+v %+v %v", tr, fs, err)
	}
	sum := sha256.Sum256(pdf)
	if fs[0].SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("original sha256 = %s, want %x", fs[0].SHA256, sum)
	}
	// The output is a rebuilt PDF, never the original bytes.
	if fs[0].OutBlob == fs[0].SHA256 {
		t.Errorf("the stored output is the original")
	}

	// -F: several files in one multipart request, one of them refused (encrypted zip).
	a := writeFile(t, dir, "a.txt", text)
	z := writeFile(t, dir, "secret.zip", readTestdata(t, "archive/bad-zipcrypto.zip"))
	out, err = curl(t, "-F", "file=@"+a, "-F", "file=@"+z, e.internet+"/api/v1/u/"+tok+"?sender="+url.QueryEscape("株式会社テスト 佐藤"))
	if err != nil {
		t.Fatalf("curl -F: %v", err)
	}
	r = decode(t, out)
	if r.State != "ready" || len(r.Files) != 2 {
		t.Fatalf("curl -F result = %s", out)
	}
	byName := map[string]int{}
	for i, f := range r.Files {
		byName[f.Name] = i
	}
	txt, zip := r.Files[byName["a.txt"]], r.Files[byName["secret.zip"]]
	if txt.State != "ready" {
		t.Errorf("a.txt = %+v, want ready", txt)
	}
	if zip.State != "held" || zip.Held == "" || !strings.Contains(zip.Reason, "encrypt") {
		t.Errorf("secret.zip = %+v, want held with an encryption reason", zip)
	}
	rec, err := e.gw.Quarantine().Get(context.Background(), zip.Held)
	if err != nil || rec.Kind != quarantine.KindFile || rec.QueueID != r.ID || rec.FileName != "secret.zip" || len(rec.Rcpts) != 0 {
		t.Fatalf("quarantine record = %+v, %v", rec, err)
	}
	_, fs, _ = e.svc.Transfer(context.Background(), r.ID)
	for _, f := range fs {
		if f.State == transfer.Held && f.OutBlob != "" {
			t.Errorf("a held file has an output: %+v", f)
		}
	}
	// The staging area is empty: no original stays on disk outside the quarantine.
	ents, _ := os.ReadDir(e.cfg.DataDir + "/transfer/staging")
	if len(ents) != 0 {
		t.Errorf("staging still holds %d files", len(ents))
	}

	// The recipient is told, once per transfer, with the portal link.
	waitFor(t, "two notices to tanaka", 30*time.Second, func() bool {
		n := 0
		for _, m := range e.sinkMessages() {
			if strings.Contains(m, "tanaka@city.lg.jp") && strings.Contains(m, "/transfers/") {
				n++
			}
		}
		return n == 2
	})
	audit, _ := os.ReadFile(e.cfg.DataDir + "/quarantine/audit.log")
	for _, want := range []string{`"transfer-upload"`, `"transfer-sanitize"`, `"transfer-notify"`, `"transfer-open"`, "ip=127.0.0.1"} {
		if !bytes.Contains(audit, []byte(want)) {
			t.Errorf("audit log lacks %s", want)
		}
	}
}

// TestCurlLimits: a body larger than transfer.max_file_size gets 413 before it is read
// (curl stops sending), as does a file above a link's cap; a one-time link works once.
func TestCurlLimits(t *testing.T) {
	e := start(t, func(c *config.Config) { c.Transfer.MaxFileSize = 1 << 20 })
	e.user("tanaka", "pw-tanaka-1", accounts.Staff)
	tok := e.link("tanaka", transfer.UploadLinkRequest{})
	dir := t.TempDir()
	big := writeFile(t, dir, "big.txt", bytes.Repeat([]byte("0123456789abcdef\n"), 200<<10)) // 3.4 MiB
	startT := time.Now()
	out, err := curl(t, "-o", "/dev/null", "-w", "%{http_code} %{size_upload}", "-T", big, e.internet+"/api/v1/u/"+tok+"/big.txt")
	if err != nil {
		t.Fatalf("curl: %v", err)
	}
	var code, sent int64
	if _, err := fmt.Sscan(out, &code, &sent); err != nil || code != 413 {
		t.Fatalf("oversized -T = %q, want 413", out)
	}
	if sent > 2<<20 {
		t.Errorf("curl sent %d bytes before the 413", sent)
	}
	t.Logf("413 after %v, %d bytes sent", time.Since(startT), sent)

	// Chunked (no length): counted as it arrives, 413 when it passes the limit.
	out, _ = curl(t, "-o", "/dev/null", "-w", "%{http_code}", "-H", "Transfer-Encoding: chunked", "-T", big, e.internet+"/api/v1/u/"+tok+"/big2.txt")
	if out != "413" {
		t.Errorf("oversized chunked -T = %q, want 413", out)
	}

	// One-time link: the first transfer uses it up.
	once := e.link("tanaka", transfer.UploadLinkRequest{OneTime: true})
	small := writeFile(t, dir, "small.txt", []byte("hello\n"))
	if out, err := curl(t, "-T", small, e.internet+"/api/v1/u/"+once+"/small.txt"); err != nil || decode(t, out).State != "ready" {
		t.Fatalf("first use of a one-time link = %s %v", out, err)
	}
	out, _ = curl(t, "-o", "/dev/null", "-w", "%{http_code}", "-T", small, e.internet+"/api/v1/u/"+once+"/again.txt")
	if out != "410" {
		t.Errorf("second use of a one-time link = %s, want 410", out)
	}
	// A link with a size cap below the file.
	capped := e.link("tanaka", transfer.UploadLinkRequest{MaxBytes: 1024})
	mid := writeFile(t, dir, "mid.txt", bytes.Repeat([]byte("x\n"), 1000))
	out, _ = curl(t, "-w", "\n%{http_code}", "-T", mid, e.internet+"/api/v1/u/"+capped+"/mid.txt")
	if !strings.HasSuffix(out, "413") || !strings.Contains(out, "upload link size cap") {
		t.Errorf("file above the link cap = %q, want 413 naming the cap", out)
	}
	// Unknown and malformed tokens look the same.
	for _, tk := range []string{strings.Repeat("A", 43), "../../etc/passwd", "x"} {
		out, _ = curl(t, "-o", "/dev/null", "-w", "%{http_code}", "-T", small, e.internet+"/api/v1/u/"+url.PathEscape(tk)+"/s.txt")
		if out != "404" {
			t.Errorf("token %q = %s, want 404", tk, out)
		}
	}
}
