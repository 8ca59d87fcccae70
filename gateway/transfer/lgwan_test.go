package transfer_test

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	_ "github.com/emersion/go-message/charset"
	gomail "github.com/emersion/go-message/mail"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/portal/web/webtest"
	"github.com/sekisho/sekisho/gateway/transfer"
)

// mailText decodes a delivered message: its subject and text body.
func mailText(t testing.TB, raw string) (string, string) {
	t.Helper()
	r, err := gomail.CreateReader(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("delivered message: %v", err)
	}
	subject, _ := r.Header.Subject()
	var body strings.Builder
	for {
		p, err := r.NextPart()
		if err != nil {
			break
		}
		b, _ := io.ReadAll(p.Body)
		body.Write(b)
	}
	return subject, body.String()
}

// mailsTo waits for n messages delivered to other domains whose text contains want.
func (e *env) mailsTo(n int, want string) []string {
	e.t.Helper()
	var out []string
	waitFor(e.t, fmt.Sprintf("%d mails containing %q", n, want), 30*time.Second, func() bool {
		out = out[:0]
		for _, m := range e.otherMessages() {
			if _, body := mailText(e.t, m); strings.Contains(body, want) {
				out = append(out, body)
			}
		}
		return len(out) >= n
	})
	return out
}

var (
	linkRE = regexp.MustCompile(`https://[0-9.:]+/d/([A-Za-z0-9_-]{43})`)
	codeRE = regexp.MustCompile(`(?m)^([2-9A-HJ-NP-Z]{10})\r?$`)
)

// TestInboundThroughThePortal: a staff member makes an upload link on the portal, a
// partner uploads with curl, the staff member finds the transfer on the portal and
// downloads the sanitized file whole and by range; another staff member sees nothing.
func TestInboundThroughThePortal(t *testing.T) {
	e := start(t, nil)
	e.user("tanaka", "pw-tanaka-1", accounts.Staff)
	e.user("sato", "pw-sato-1", accounts.Staff)
	c := e.lgwan("tanaka", "pw-tanaka-1")
	c.Get("/transfers/links")
	resp, body := c.Post("/transfers/links", url.Values{"label": {"<b>見積書</b>"}, "days": {"3"}, "mib": {"100"}})
	m := regexp.MustCompile(`id="new-link">(https://[^<]+/u/([A-Za-z0-9_-]{43}))<`).FindStringSubmatch(body)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("make link = %d, no URL in %s", resp.StatusCode, excerpt(body))
	}
	if !strings.Contains(body, "&lt;b&gt;見積書&lt;/b&gt;") {
		t.Errorf("the label is not escaped in the link list")
	}
	// The partner's page names the request (escaped) and works without a session.
	pc := webtest.NewClient(t, e.internet)
	resp, page := pc.Get("/u/" + m[2])
	if resp.StatusCode != 200 || !strings.Contains(page, `data-create="/api/v1/u/`) || strings.Contains(page, "<b>見積書") {
		t.Fatalf("partner page = %d %s", resp.StatusCode, excerpt(page))
	}
	text := bytes.Repeat([]byte("明細 line,100\n"), 10000)
	p := writeFile(t, t.TempDir(), "明細.txt", text)
	// The page shows the curl command for the API.
	api := e.internet + "/api/v1/u/" + m[2] + "/"
	if !strings.Contains(page, api) {
		t.Errorf("the partner page does not show the API address %s", api)
	}
	out, err := curl(t, "-T", p, api+url.PathEscape("明細.txt"))
	if err != nil {
		t.Fatal(err)
	}
	r := decode(t, out)
	if r.State != "ready" {
		t.Fatalf("upload = %s", out)
	}

	_, list := c.Get("/transfers")
	if !strings.Contains(list, "/transfers/"+r.ID) {
		t.Fatalf("the transfer is not in tanaka's list")
	}
	resp, detail := c.Get("/transfers/" + r.ID)
	fileURL := "/transfers/" + r.ID + "/files/" + r.Files[0].ID
	if resp.StatusCode != 200 || !strings.Contains(detail, fileURL) {
		t.Fatalf("detail = %d %s", resp.StatusCode, excerpt(detail))
	}
	resp, got := c.Get(fileURL)
	if resp.StatusCode != 200 || got != string(text) {
		t.Fatalf("download = %d, %d bytes", resp.StatusCode, len(got))
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "filename*=UTF-8''%E6%98%8E%E7%B4%B0.txt") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/") || !strings.HasSuffix(ct, "; charset=utf-8") {
		t.Errorf("Content-Type = %q", ct)
	}
	req, _ := http.NewRequest("GET", e.portal+fileURL, nil)
	req.Header.Set("Range", "bytes=100-199")
	resp, got = c.Do(req)
	if resp.StatusCode != 206 || got != string(text[100:200]) || resp.Header.Get("Content-Range") != fmt.Sprintf("bytes 100-199/%d", len(text)) {
		t.Fatalf("range = %d %q %s", resp.StatusCode, resp.Header.Get("Content-Range"), got)
	}
	req, _ = http.NewRequest("GET", e.portal+fileURL, nil)
	req.Header.Set("Range", fmt.Sprintf("bytes=%d-", len(text)+5))
	if resp, _ = c.Do(req); resp.StatusCode != 416 {
		t.Errorf("range past the end = %d, want 416", resp.StatusCode)
	}
	// sato has no part in it.
	sc := e.lgwan("sato", "pw-sato-1")
	for _, u := range []string{"/transfers/" + r.ID, fileURL} {
		if resp, _ := sc.Get(u); resp.StatusCode != 404 {
			t.Errorf("sato GET %s = %d, want 404", u, resp.StatusCode)
		}
	}
	if _, list := sc.Get("/transfers"); strings.Contains(list, r.ID) {
		t.Errorf("sato's list shows tanaka's transfer")
	}
}

// TestOutboundApproval: tanaka sends a document out; the department's approver approves
// it (事前承認); the partner gets the link and, separately, the access code, downloads
// within the limit; a self-approval and a stranger's approval are refused.
func TestOutboundApproval(t *testing.T) {
	e := start(t, func(c *config.Config) {
		c.Transfer.Departments = map[string]config.Department{"総務課": {Members: []string{"tanaka"}, Approval: "pre",
			Approvers: []string{"kacho"}, Deputies: []string{"hosa"}}}
	})
	e.user("tanaka", "pw-tanaka-1", accounts.Staff)
	e.user("kacho", "pw-kacho-1", accounts.Staff, accounts.Approver)
	e.user("other", "pw-other-1", accounts.Staff, accounts.Approver)
	c := e.lgwan("tanaka", "pw-tanaka-1")
	c.Get("/transfers/new")
	resp, _ := c.Post("/transfers/new", url.Values{"to": {"partner@example.co.jp"}, "subject": {"資料送付"},
		"message": {"資料をお送りします。"}, "days": {"2"}, "downloads": {"1"}, "code": {"1"}})
	loc := resp.Header.Get("Location")
	if resp.StatusCode != 303 || !strings.HasSuffix(loc, "/upload") {
		t.Fatalf("create = %d %q", resp.StatusCode, loc)
	}
	id := strings.Split(loc, "/")[2]
	_, page := c.Get(loc)
	if !strings.Contains(page, `data-key="/transfers/`+id+`/key"`) {
		t.Fatalf("upload page: %s", excerpt(page))
	}
	uploadURL := portalKey(t, c, id)
	docx := withAuthor(t, readTestdata(t, "ooxml/memo.docx"), "田中 太郎")
	tusUpload(t, e.portal+uploadURL, "報告書.docx", docx)
	if resp, body := newTus(t).do("POST", e.portal+uploadURL+"/done", nil, nil); resp.StatusCode != 200 {
		t.Fatalf("done = %d %s", resp.StatusCode, body)
	}
	tr, fs := e.final(id)
	if tr.State != transfer.Pending || tr.Approval != transfer.ApprovalPending || fs[0].State != transfer.Available {
		t.Fatalf("after upload: %+v %+v", tr, fs)
	}
	// Metadata naming staff is gone (metadata.outbound: strip).
	if !strings.Contains(strings.Join(kinds(fs[0]), ","), "removed-metadata") {
		t.Errorf("outbound docx actions = %v, want removed-metadata", kinds(fs[0]))
	}
	// The owner cannot approve; an approver of another department cannot even see it.
	c.Get("/transfers/" + id)
	if resp, _ := c.Post("/transfers/"+id+"/approve", nil); resp.StatusCode != 404 {
		t.Errorf("self-approval = %d, want 404", resp.StatusCode)
	}
	oc := e.lgwan("other", "pw-other-1")
	if resp, _ := oc.Get("/transfers/" + id); resp.StatusCode != 404 {
		t.Errorf("an approver outside the department sees it: %d", resp.StatusCode)
	}
	if len(e.otherMessages()) != 0 {
		t.Fatalf("a link went out before approval")
	}
	kc := e.lgwan("kacho", "pw-kacho-1")
	_, list := kc.Get("/transfers?view=approve")
	if !strings.Contains(list, "/transfers/"+id) {
		t.Fatalf("the approver's list lacks the transfer")
	}
	kc.Get("/transfers/" + id)
	resp, _ = kc.Post("/transfers/"+id+"/approve", url.Values{"reason": {"確認しました"}})
	if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "done=transfer.approved") {
		t.Fatalf("approve = %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	links := e.mailsTo(1, "/d/")
	lm := linkRE.FindStringSubmatch(links[0])
	if lm == nil {
		t.Fatalf("no link in %q", links[0])
	}
	var code string
	for _, b := range e.mailsTo(2, "") {
		if cm := codeRE.FindStringSubmatch(b); cm != nil {
			code = cm[1]
		}
	}
	if code == "" || strings.Contains(links[0], code) {
		t.Fatalf("the access code must come in its own mail (code %q)", code)
	}
	pc := webtest.NewClient(t, e.internet)
	resp, page = pc.Get("/d/" + lm[1])
	if resp.StatusCode != 200 || !strings.Contains(page, `name="code"`) || strings.Contains(page, "報告書") {
		t.Fatalf("download page before the code = %d %s", resp.StatusCode, excerpt(page))
	}
	if resp, _ := pc.Post("/d/"+lm[1], url.Values{"code": {"WRONGCODE2"}}); resp.StatusCode != 403 {
		t.Errorf("wrong code = %d, want 403", resp.StatusCode)
	}
	resp, page = pc.Post("/d/"+lm[1], url.Values{"code": {strings.ToLower(code)}})
	fm := regexp.MustCompile(`href="(/d/[^"]+)" class="file"`).FindStringSubmatch(page)
	if resp.StatusCode != 200 || fm == nil {
		t.Fatalf("after the code = %d %s", resp.StatusCode, excerpt(page))
	}
	dl := strings.ReplaceAll(fm[1], "&amp;", "&")
	resp, got := pc.Get(dl)
	if resp.StatusCode != 200 || len(got) == 0 || !strings.HasPrefix(got, "PK") {
		t.Fatalf("download = %d (%d bytes)", resp.StatusCode, len(got))
	}
	// downloads: 1 — the second whole download is refused.
	if resp, _ := pc.Get(dl); resp.StatusCode != 410 {
		t.Errorf("second download with a limit of 1 = %d, want 410", resp.StatusCode)
	}
	// Without the grant the file URL sends back to the code form.
	if resp, _ := pc.Get(strings.Split(dl, "?")[0]); resp.StatusCode != 303 {
		t.Errorf("file URL without the grant = %d, want 303", resp.StatusCode)
	}
	// The owner is told.
	waitFor(t, "the decision notice", 30*time.Second, func() bool {
		for _, m := range e.sinkMessages() {
			if strings.Contains(m, "tanaka@city.lg.jp") && strings.Contains(m, "approved") {
				return true
			}
		}
		return false
	})
}

// withAuthor returns the docx with its core properties naming author as creator and last
// editor (what Word writes for a staff member).
func withAuthor(t *testing.T, docx []byte, author string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == "docProps/core.xml" {
			b = bytes.Replace(b, []byte("<dc:creator></dc:creator>"), []byte("<dc:creator>"+author+"</dc:creator>"), 1)
			b = bytes.Replace(b, []byte("<cp:lastModifiedBy></cp:lastModifiedBy>"), []byte("<cp:lastModifiedBy>"+author+"</cp:lastModifiedBy>"), 1)
		}
		w.Write(b)
	}
	zw.Close()
	return out.Bytes()
}

func kinds(f transfer.File) []string {
	var out []string
	for _, a := range f.Actions {
		out = append(out, string(a.Kind))
	}
	return out
}

// portalKey asks the portal for the transfer's upload URL, as the page's script does.
func portalKey(t *testing.T, c *webtest.Client, id string) string {
	t.Helper()
	req, _ := http.NewRequest("POST", c.Base+"/transfers/"+id+"/key", nil)
	req.Header.Set("X-CSRF-Token", c.CSRF())
	resp, body := c.Do(req)
	m := regexp.MustCompile(`"upload":"([^"]+)"`).FindStringSubmatch(body)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("key = %d %s", resp.StatusCode, body)
	}
	return m[1]
}

// tusUpload sends one file with tus in one PATCH.
func tusUpload(t *testing.T, base, name string, data []byte) {
	t.Helper()
	c := newTus(t)
	resp, body := c.do("POST", base+"/files", map[string]string{"Tus-Resumable": "1.0.0", "Upload-Length": fmt.Sprint(len(data)),
		"Upload-Metadata": "filename " + base64.StdEncoding.EncodeToString([]byte(name))}, nil)
	if resp.StatusCode != 201 {
		t.Fatalf("creation = %d %s", resp.StatusCode, body)
	}
	u, _ := url.Parse(base)
	resp, body = c.do("PATCH", u.Scheme+"://"+u.Host+resp.Header.Get("Location"), map[string]string{"Tus-Resumable": "1.0.0",
		"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}, bytes.NewReader(data))
	if resp.StatusCode != 204 {
		t.Fatalf("PATCH = %d %s", resp.StatusCode, body)
	}
}

func excerpt(s string) string {
	if i := strings.Index(s, "<main>"); i >= 0 {
		s = s[i:]
	}
	if len(s) > 600 {
		s = s[:600]
	}
	return s
}
