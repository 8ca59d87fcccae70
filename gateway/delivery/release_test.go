package delivery_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/gateway/delivery"
	"github.com/sekisho/sekisho/internal/relaytest"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/sanitize"
)

// A released whole message goes to the chosen recipients only, after a notice that says
// who released it and when, with sekisho's X-Sekisho-Released as its only X-Sekisho-*
// field and its body unchanged.
func TestReleaseWholeMessage(t *testing.T) {
	r := relaytest.Start(t, "", nil)
	msg := "Subject: held\r\nX-Sekisho-Status: clean\r\nX-Sekisho-Actions:\r\n none\r\n\r\nQUARANTINE-ME\r\nX-Sekisho-Status: body text\r\n"
	if err := relaytest.SendMail(r.Addr, "a@example.com", []string{"staff@city.lg.jp", "boss@city.lg.jp"}, msg); err != nil {
		t.Fatal(err)
	}
	var recs []quarantine.Record
	relaytest.WaitFor(t, "quarantine", func() bool {
		p, _ := r.Store.Search(context.Background(), quarantine.Query{})
		recs = p.Records
		return len(recs) == 1
	})
	rec, err := r.Store.Release(context.Background(), recs[0].ID, quarantine.ReleaseRequest{Actor: "operator1", Reason: "sender confirmed", Rcpts: []string{"boss@city.lg.jp"}})
	if err != nil || rec.Status != quarantine.Released {
		t.Fatalf("Release = %+v, %v", rec, err)
	}
	relaytest.WaitFor(t, "notice and released message", func() bool { return len(relaytest.Delivered(r.Dir)) == 2 })
	var notice, original string
	for _, d := range relaytest.Delivered(r.Dir) {
		if !strings.Contains(d, "X-Sekisho-Envelope-To: <boss@city.lg.jp>") || strings.Contains(d, "staff@city.lg.jp") {
			t.Errorf("delivered to other recipients than released to:\n%s", d)
		}
		if strings.Contains(d, "QUARANTINE-ME") {
			original = d
		} else {
			notice = d
		}
	}
	if n := strings.Count(original, "X-Sekisho-"); n != 3 || !strings.Contains(original, "X-Sekisho-Released: "+recs[0].ID+"; by operator operator1;") ||
		!strings.Contains(original, "\r\n\r\nQUARANTINE-ME\r\nX-Sekisho-Status: body text\r\n") {
		// 3: the envelope trace line of the dir transport, ours, and the one in the body.
		t.Errorf("released message (%d X-Sekisho- strings):\n%s", n, original)
	}
	m, err := mail.ReadMessage(strings.NewReader(notice))
	if err != nil {
		t.Fatalf("notice: %v\n%s", err, notice)
	}
	text, _ := io.ReadAll(quotedprintable.NewReader(m.Body))
	for _, want := range []string{"運用担当者 (operator1) が確認のうえ隔離を解除しました", "released it at", recs[0].ID, "held"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("notice lacks %q:\n%s", want, text)
		}
	}
	if m.Header.Get("X-Sekisho-Released") == "" || m.Header.Get("Auto-Submitted") == "" {
		t.Errorf("notice header: %v", m.Header)
	}
	if _, err := r.Store.Release(context.Background(), recs[0].ID, quarantine.ReleaseRequest{Actor: "operator1", Reason: "again"}); err == nil {
		t.Fatal("second release succeeded")
	}
}

func TestAttachmentHolderAndRelease(t *testing.T) {
	r := relaytest.Start(t, "", nil)
	ctx := context.Background()
	payload := bytes.Repeat([]byte("PK\x03\x04 encrypted zip bytes "), 20)
	part := &sanitize.Item{Body: bytes.NewReader(payload), Name: "見積書.zip", DeclaredType: "application/zip",
		Origin: &sanitize.Origin{Ref: "QID1", From: "x@example.com", Rcpts: []string{"staff@city.lg.jp"}, Subject: "見積書"}}
	id, err := delivery.AttachmentHolder{Store: r.Store}.Hold(ctx, part, sanitize.Result{Verdict: sanitize.Quarantined, Reason: "encrypted archive", Detected: sanitize.Type{MIME: "application/zip"}})
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := r.Store.Get(context.Background(), id)
	if rec.Subject != "見積書" || rec.QueueID != "QID1" || rec.FileName != "見積書.zip" || rec.Kind != "attachment" {
		t.Errorf("record = %+v", rec)
	}
	if _, err := r.Store.Release(context.Background(), id, quarantine.ReleaseRequest{Actor: "op2", Reason: "checked"}); err != nil {
		t.Fatal(err)
	}
	relaytest.WaitFor(t, "released attachment", func() bool { return len(relaytest.Delivered(r.Dir)) == 1 })
	raw := relaytest.Delivered(r.Dir)[0]
	m, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subj, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if !strings.Contains(subj, "見積書.zip") {
		t.Errorf("subject %q", subj)
	}
	_, params, _ := mime.ParseMediaType(m.Header.Get("Content-Type"))
	mr := multipart.NewReader(m.Body, params["boundary"])
	text, _ := mr.NextPart()
	tb, _ := io.ReadAll(text)
	if !strings.Contains(string(tb), "隔離を解除しました") || !strings.Contains(string(tb), "An operator (op2) checked it and released it at") {
		t.Errorf("notice text: %s", tb)
	}
	att, err := mr.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	if att.FileName() != "見積書.zip" {
		t.Errorf("filename %q", att.FileName())
	}
	data, _ := io.ReadAll(base64.NewDecoder(base64.StdEncoding, att))
	if !bytes.Equal(data, payload) {
		t.Errorf("released bytes differ (%d vs %d)", len(data), len(payload))
	}
}
