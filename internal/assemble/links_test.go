package assemble

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/emersion/go-message"

	"github.com/sekisho/sekisho/internal/relaytest"
	"github.com/sekisho/sekisho/quarantine"
)

// texts is every text part of a delivered message, transfer encoding undone.
func texts(t *testing.T, raw string) string {
	t.Helper()
	m, err := message.Read(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("delivered message does not parse: %v\n%s", err, raw)
	}
	var b strings.Builder
	err = m.Walk(func(_ []int, e *message.Entity, err error) error {
		if err != nil {
			return err
		}
		if ct, _, _ := e.Header.ContentType(); strings.HasPrefix(ct, "text/") || ct == "" {
			io.Copy(&b, io.LimitReader(e.Body, 1<<20))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// The notices the gateway delivers send a held item's recipient to the portal: the item's
// page to ask for a release, and for an encrypted zip the page that opens it with its
// password; a message quarantined whole gets its item's page in its short notice.
func TestGatewayNoticesLinkThePortal(t *testing.T) {
	cfg := testConfig(t)
	cfg.Portal.PublicURL = "https://gw.city.lg.jp:9025/"
	cfg.Mail.MaxParts = 3
	g := startGateway(t, cfg, Options{})
	zip, err := os.ReadFile("../../testdata/archive/bad-zipcrypto.zip")
	if err != nil {
		t.Fatal(err)
	}
	withZip := "From: keiri@example.co.jp\r\nTo: staff@city.lg.jp\r\nSubject: zip\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\npassword follows\r\n" +
		"--b\r\nContent-Type: application/zip\r\nContent-Disposition: attachment; filename=mitsumori.zip\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n" + base64.StdEncoding.EncodeToString(zip) + "\r\n--b--\r\n"
	tooMany := "From: a@example.com\r\nTo: staff@city.lg.jp\r\nSubject: parts\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\none\r\n--b\r\n\r\ntwo\r\n--b\r\n\r\nthree\r\n--b--\r\n"
	for _, m := range []string{withZip, tooMany} {
		if err := relaytest.SendMail(g.SMTPAddr().String(), "a@example.com", []string{"staff@city.lg.jp"}, m); err != nil {
			t.Fatal(err)
		}
	}
	relaytest.WaitFor(t, "the message and the notice", func() bool { return len(relaytest.Delivered(cfg.DataDir)) == 2 })
	page, err := g.Quarantine().Search(context.Background(), quarantine.Query{})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[quarantine.Kind]string{}
	for _, r := range page.Records {
		ids[r.Kind] = r.ID
	}
	att, msg := ids[quarantine.KindAttachment], ids[quarantine.KindMessage]
	if att == "" || msg == "" {
		t.Fatalf("held %+v, want the zip and the message", page.Records)
	}
	var all string
	for _, raw := range relaytest.Delivered(cfg.DataDir) {
		all += strings.ReplaceAll(texts(t, raw), "\r\n", "\n")
	}
	for _, want := range []string{
		"解除の申請: https://gw.city.lg.jp:9025/items/" + att + "\n",
		"次のページで入力すると中身を無害化してお届けします: https://gw.city.lg.jp:9025/ppap/" + att + "\n",
		"次のページから解除を申請してください。\nhttps://gw.city.lg.jp:9025/items/" + msg + "\n",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("delivered notices lack %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "/ppap/"+msg) {
		t.Error("the notice of a message quarantined whole offers the password page")
	}
	// The links name the portal's routes: a visitor without a session is sent to log in,
	// where a path the portal does not serve is not found.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for path, want := range map[string]int{"/ppap/" + att: http.StatusSeeOther, "/items/" + att: http.StatusSeeOther,
		"/items/" + msg: http.StatusSeeOther, "/nowhere/" + att: http.StatusNotFound} {
		resp, err := client.Get("http://" + g.HTTPAddr().String() + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}

// Without a portal the notices name the release contact and link nothing.
func TestPortalLinksOff(t *testing.T) {
	cfg := testConfig(t)
	cfg.Portal.Enabled = false
	if r, p := portalLinks(cfg); r != nil || p != nil {
		t.Error("links to a portal the gateway does not serve")
	}
	cfg.Portal.Enabled = true
	cfg.HTTP.Listen = "127.0.0.1:9025"
	r, p := portalLinks(cfg)
	if r == nil || p == nil || r("Q1") != "http://127.0.0.1:9025/items/Q1" || p("Q1") != "http://127.0.0.1:9025/ppap/Q1" {
		t.Error("links not derived from http.listen")
	}
}
