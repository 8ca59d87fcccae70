package transfer_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/portal/web/browsertest"
	"github.com/sekisho/sekisho/gateway/transfer"
)

// shots is where screenshots go: docs/screenshots when SEKISHO_SCREENSHOTS=1 (to refresh
// the README's pictures), else a temporary directory.
func shots(t *testing.T) string {
	if os.Getenv("SEKISHO_SCREENSHOTS") == "1" {
		return filepath.Join("..", "..", "docs", "screenshots")
	}
	return t.TempDir()
}

// fetchText downloads url in the page's session (cookies, same origin) and returns the
// status and body, as the page's download link would get them.
func fetchText(b *browsertest.Browser, url string) string {
	return b.Eval(`(() => { const x = new XMLHttpRequest(); x.open("GET", ` + jsString(url) + `, false); x.send(); return x.status + " " + x.responseText; })()`)
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

// waitAttr waits until the element sel has attribute attr (e.g. the upload page's
// data-complete once every file has its result).
func waitAttr(t *testing.T, b *browsertest.Browser, sel, attr string) {
	t.Helper()
	waitFor(t, sel+"["+attr+"]", 3*time.Minute, func() bool {
		return b.Eval(`String(!!document.querySelector(`+jsString(sel+"["+attr+"]")+`))`) == "true"
	})
}

// TestBrowserTransfer drives both sides in headless Chromium: a partner uploads three
// files through a one-time upload link with a progress bar each and sees each file's
// result; the staff member downloads the sanitized ones on the portal; the link cannot
// be used twice. Then tanaka sends a file out, kacho approves it in another browser, and
// the partner downloads it from the link in the mail; an expired link shows why.
func TestBrowserTransfer(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *config.Config) {
		c.Transfer.Departments = map[string]config.Department{"総務課": {Members: []string{"tanaka"}, Approval: "pre",
			Approvers: []string{"kacho"}}}
	})
	e.user("tanaka", "pw-tanaka-1", accounts.Staff)
	e.user("kacho", "pw-kacho-1", accounts.Staff, accounts.Approver)
	out := shots(t)
	dir := t.TempDir()
	text := bytes.Repeat([]byte("令和8年度 契約明細,数量,単価\n"), 80000) // 2.8 MB: several progress events
	files := []string{
		writeFile(t, dir, "契約明細.csv", text),
		writeFile(t, dir, "案内.pdf", readTestdata(t, "pdf/gs-outline.pdf")),
		writeFile(t, dir, "見積書.zip", readTestdata(t, "../gateway/portal/ppap/testdata/aes256.zip")),
	}
	token := e.link("tanaka", transfer.UploadLinkRequest{Label: "契約書類のご提出", OneTime: true})

	// The partner's browser on the Internet side.
	p := browsertest.Start(t)
	p.Timeout = 3 * time.Minute
	p.Do(chromedp.Navigate(e.internet+"/u/"+token), browsertest.Fill("#sender", "株式会社サンプル建設"),
		chromedp.SetUploadFiles(chromedp.CSS("#files"), files))
	waitFor(t, "three uploads", 2*time.Minute, func() bool {
		return p.Eval(`String(document.querySelectorAll("#upload-list li").length)`) == "3" &&
			p.Eval(`String(!document.querySelector("#finish").disabled)`) == "true"
	})
	for i := 0; i < 3; i++ {
		bar := p.Eval(`String(document.querySelectorAll("#upload-list progress")[` + string(rune('0'+i)) + `].value)`)
		events := p.Eval(`document.querySelectorAll("#upload-list li")[` + string(rune('0'+i)) + `].getAttribute("data-progress-events") || "0"`)
		if bar != "100" || events == "0" {
			t.Errorf("file %d: progress bar at %s after %s progress events", i, bar, events)
		}
	}
	p.Do(chromedp.Click(chromedp.CSS("#finish")))
	waitAttr(t, p, "#upload", "data-complete")
	p.Screenshot(filepath.Join(out, "transfer-upload.png"))
	states := p.Eval(`Array.from(document.querySelectorAll("#upload-list li")).map(li => li.querySelector(".name").textContent + "=" + li.getAttribute("data-state")).join(";")`)
	for _, want := range []string{"契約明細.csv=ready", "案内.pdf=ready", "見積書.zip=held"} {
		if !strings.Contains(states, want) {
			t.Errorf("per-file results %q lack %q", states, want)
		}
	}
	if s := p.Text("#upload-list"); !strings.Contains(s, "無害化済み") || !strings.Contains(s, "隔離") {
		t.Errorf("the results are not shown to the partner: %q", s)
	}
	// A one-time link used twice.
	p.Do(chromedp.Navigate(e.internet + "/u/" + token))
	if s := p.Text("#gone"); !strings.Contains(s, "使用済み") {
		t.Errorf("one-time link opened again: %q", s)
	}

	// tanaka on the LGWAN side: the sanitized files, never the held original.
	s := browsertest.Start(t)
	s.Timeout = time.Minute
	s.Do(chromedp.Navigate(e.portal+"/login"), browsertest.Fill("#user", "tanaka"), browsertest.Fill("#password", "pw-tanaka-1"),
		browsertest.ClickAndWait("#login-submit", "nav"))
	s.Do(chromedp.Navigate(e.portal+"/transfers"), browsertest.ClickAndWait("#transfers a", "#files"))
	s.Screenshot(filepath.Join(out, "transfer-inbound.png"))
	if n := s.Eval(`String(document.querySelectorAll("#files a.download").length)`); n != "2" {
		t.Errorf("%s download links on the transfer page, want 2 (the held zip has none)", n)
	}
	href := s.Eval(`Array.from(document.querySelectorAll("#files a.download")).find(a => a.textContent.includes("契約明細")).getAttribute("href")`)
	if got := fetchText(s, href); got != "200 "+string(text) {
		t.Errorf("the sanitized CSV from the portal: %.60q", got)
	}

	// Outbound: tanaka sends, kacho approves in another browser session.
	s.Do(chromedp.Navigate(e.portal+"/transfers/new"), browsertest.Fill("#to", "partner@example.co.jp"),
		browsertest.Fill("#subject", "図面の送付"), browsertest.ClickAndWait("#create", "#upload"))
	out1 := writeFile(t, dir, "図面一覧.txt", []byte("図面一覧\n第1図 配置図\n"))
	s.Do(chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{out1}))
	waitFor(t, "the outbound upload", time.Minute, func() bool {
		return s.Eval(`String(!document.querySelector("#finish").disabled)`) == "true"
	})
	s.Do(chromedp.Click(chromedp.CSS("#finish")))
	waitAttr(t, s, "#upload", "data-complete")
	s.Screenshot(filepath.Join(out, "transfer-outbound.png"))
	id := s.Eval(`document.querySelector("#upload").getAttribute("data-transfer")`)
	if st := s.Eval(`document.querySelector("#upload").getAttribute("data-state")`); st != "pending" {
		t.Fatalf("outbound transfer %s is %s, want pending", id, st)
	}
	if len(e.otherMessages()) != 0 {
		t.Fatal("a link went out before approval")
	}
	k := browsertest.Start(t)
	k.Timeout = time.Minute
	k.Do(chromedp.Navigate(e.portal+"/login"), browsertest.Fill("#user", "kacho"), browsertest.Fill("#password", "pw-kacho-1"),
		browsertest.ClickAndWait("#login-submit", "nav"))
	k.Do(chromedp.Navigate(e.portal+"/transfers?view=approve"), browsertest.ClickAndWait(`#transfers a[href="/transfers/`+id+`"]`, "#approve"))
	k.Eval(`window.confirm = () => true; "ok"`)
	k.Do(browsertest.Fill("#approve-reason", "内容を確認しました"), browsertest.ClickAndWait("#approve", "#notice"))
	k.Screenshot(filepath.Join(out, "transfer-approve.png"))
	if st := k.Text("#state"); !strings.Contains(st, "送信済み") {
		t.Errorf("after approval the state reads %q", st)
	}
	mails := e.mailsTo(1, "/d/")
	lm := linkRE.FindStringSubmatch(mails[0])
	if lm == nil {
		t.Fatalf("no link in %q", mails[0])
	}
	// The partner opens the link in their browser and downloads the file.
	p.Do(chromedp.Navigate(e.internet+"/d/"+lm[1]), chromedp.WaitVisible(chromedp.CSS("#files a.file")))
	p.Screenshot(filepath.Join(out, "transfer-download.png"))
	href = p.Eval(`document.querySelector("#files a.file").getAttribute("href")`)
	if got := fetchText(p, href); got != "200 図面一覧\n第1図 配置図\n" {
		t.Errorf("the partner's download: %q", got)
	}

	// Expired links, both kinds, say so.
	ctx := context.Background()
	short := e.link("tanaka", transfer.UploadLinkRequest{Label: "期限切れ", Expiry: time.Second})
	tr, err := e.svc.OpenOutbound(ctx, "tanaka", transfer.OutboundRequest{Recipients: []string{"late@example.co.jp"}, Expiry: 2 * time.Second}, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	f, err := e.svc.AddFile(ctx, tr, "a.txt", "text/plain", 2, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Write(ctx, tr, f, 0, strings.NewReader("a\n"), "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Finish(ctx, tr, "tanaka", "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	e.final(tr.ID)
	if _, err := e.svc.Decide(ctx, tr.ID, "kacho", accounts.Roles{accounts.Staff, accounts.Approver}, true, "", "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	var late []string
	for _, m := range e.mailsTo(2, "/d/") {
		if l := linkRE.FindStringSubmatch(m); l != nil && l[1] != lm[1] {
			late = l
		}
	}
	time.Sleep(2500 * time.Millisecond)
	p.Do(chromedp.Navigate(e.internet + "/u/" + short))
	if s := p.Text("#gone"); !strings.Contains(s, "有効期限切れ") {
		t.Errorf("expired upload link: %q", s)
	}
	if late == nil {
		t.Fatal("no link mailed to late@example.co.jp")
	}
	p.Do(chromedp.Navigate(e.internet + "/d/" + late[1]))
	p.Screenshot(filepath.Join(out, "transfer-expired.png"))
	if s := p.Text("#gone"); !strings.Contains(s, "ダウンロードリンクは有効期限切れ") {
		t.Errorf("expired download link: %q", s)
	}
}
