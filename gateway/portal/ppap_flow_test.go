package portal_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/url"
	"os"
	"strings"
	"testing"

	gomail "github.com/emersion/go-message/mail"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/quarantine"
)

// TestPPAPFlow: a staff member opens a held encrypted zip with its password; the sanitized
// contents arrive at smtp-sink in a new message. Wrong passwords lock the item; another
// staff member cannot reach it; the password appears in no log, URL or audit record.
func TestPPAPFlow(t *testing.T) {
	g := startGateway(t, true, nil)
	g.user("tanaka", "tanaka-pw-1", accounts.Staff)
	g.user("sato", "sato-pw-123", accounts.Staff)
	zipb, _ := os.ReadFile("ppap/testdata/zipcrypto.zip")
	pdfb, _ := os.ReadFile("../../testdata/pdf/bad-encrypted-userpw.pdf")
	g.send("keiri@example.co.jp", []string{"tanaka@city.lg.jp"},
		mime("keiri@example.co.jp", "tanaka@city.lg.jp", "見積書（パスワード付き）", "パスワードは別メールで送ります。",
			map[string][]byte{"見積書.zip": zipb, "仕様書.pdf": pdfb}))
	zrec := g.held(quarantine.Query{FileName: "見積書.zip"})
	prec := g.held(quarantine.Query{FileName: "仕様書.pdf"})

	sato := g.login("sato", "sato-pw-123")
	for _, p := range []string{"/ppap/" + zrec.ID, "/items/" + zrec.ID} {
		if resp, _ := sato.Get(p); resp.StatusCode != 404 {
			t.Errorf("another staff member on %s: %d", p, resp.StatusCode)
		}
	}
	if resp, _ := sato.Post("/ppap/"+zrec.ID, url.Values{"password": {"ppap-2026"}}); resp.StatusCode != 404 {
		t.Errorf("another staff member posting the password: %d", resp.StatusCode)
	}

	c := g.login("tanaka", "tanaka-pw-1")
	_, body := c.Get("/my")
	if !strings.Contains(body, zrec.ID) || !strings.Contains(body, "見積書（パスワード付き）") {
		t.Fatalf("held for me lacks the item")
	}
	_, body = c.Get("/items/" + zrec.ID)
	if !strings.Contains(body, `href="/ppap/`+zrec.ID+`"`) {
		t.Fatal("no PPAP link on the item page")
	}
	c.Get("/ppap/" + zrec.ID)
	resp, body := c.Post("/ppap/"+zrec.ID, url.Values{"password": {"wrong-1"}})
	if resp.StatusCode != 200 || !strings.Contains(body, `id="ppap-error"`) {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	resp, body = c.Post("/ppap/"+zrec.ID, url.Values{"password": {"ppap-2026"}})
	if !strings.Contains(body, `id="ppap-done"`) {
		t.Fatalf("right password: %d %s", resp.StatusCode, body)
	}
	var delivered *gomail.Reader
	defer func() {
		if t.Failed() {
			for _, m := range g.sink.Dumps() {
				t.Logf("sink: %.1500s", m)
			}
		}
	}()
	waitFor(t, "the sanitized contents at smtp-sink", 60e9, func() bool {
		for _, m := range g.sink.Dumps() {
			if strings.Contains(strings.ToLower(m), strings.ToLower("X-Sekisho-PPAP: "+zrec.ID)) {
				delivered = readMessage(t, m)
				return true
			}
		}
		return false
	})
	files := attachments(t, delivered)
	z, ok := files["見積書.zip"]
	if !ok {
		t.Fatalf("attachments %v", keys(files))
	}
	zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range zr.File {
		if f.Flags&1 != 0 {
			t.Fatalf("%s still encrypted", f.Name)
		}
		names[f.Name] = true
	}
	if !names["numbers.csv"] || !names["書類/請求書.txt"] {
		t.Fatalf("zip entries %v", names)
	}

	// The PDF: five wrong passwords lock it; the right one is then refused too.
	for i := range 5 {
		resp, body = c.Post("/ppap/"+prec.ID, url.Values{"password": {"nope"}})
		if i < 4 && !strings.Contains(body, `id="ppap-error"`) {
			t.Fatalf("try %d: %d", i, resp.StatusCode)
		}
	}
	if !strings.Contains(body, `id="ppap-locked"`) {
		t.Fatal("not locked after five wrong passwords")
	}
	if _, body = c.Post("/ppap/"+prec.ID, url.Values{"password": {"user-secret"}}); !strings.Contains(body, `id="ppap-locked"`) {
		t.Fatal("the right password opened a locked item")
	}

	// The audit log records who opened what, never a password.
	raw, err := os.ReadFile(g.cfg.DataDir + "/quarantine/audit.log")
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"ppap-2026", "wrong-1", "user-secret", "tanaka-pw-1"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("audit log contains %q", secret)
		}
	}
	if !bytes.Contains(raw, []byte(`"action":"ppap-open","id":"`+zrec.ID+`","actor":"tanaka"`)) ||
		!bytes.Contains(raw, []byte(`"action":"ppap-failed","id":"`+prec.ID)) {
		t.Errorf("audit log lacks the PPAP records")
	}
	if n, err := g.gw.Quarantine().Verify(context.Background()); err != nil {
		t.Fatalf("audit chain (%d): %v", n, err)
	}
}

// readMessage parses a message as smtp-sink dumped it.
func readMessage(t *testing.T, dump string) *gomail.Reader {
	t.Helper()
	r, err := gomail.CreateReader(strings.NewReader(skipSinkHeaders(dump)))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// skipSinkHeaders drops the lines smtp-sink prepends (up to and including its Received
// header, which spans three lines).
func skipSinkHeaders(dump string) string {
	lines := strings.SplitAfter(dump, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "Received: ") && strings.Contains(dump, "(smtp-sink)") {
			j := i + 1
			for j < len(lines) && (strings.HasPrefix(lines[j], " ") || strings.HasPrefix(lines[j], "\t")) {
				j++
			}
			return strings.Join(lines[j:], "")
		}
	}
	return dump
}

func attachments(t *testing.T, r *gomail.Reader) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h, ok := p.Header.(*gomail.AttachmentHeader); ok {
			name, _ := h.Filename()
			b, _ := io.ReadAll(p.Body)
			out[name] = b
		}
	}
	return out
}

func keys(m map[string][]byte) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	return k
}
