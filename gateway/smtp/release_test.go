package smtp

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/sanitize"
)

func TestReleaseWholeMessage(t *testing.T) {
	r := startRelay(t, nil)
	if err := sendMail(t, r.addr, "a@example.com", []string{"staff@city.lg.jp"}, "Subject: held\r\n\r\nQUARANTINE-ME\r\n"); err != nil {
		t.Fatal(err)
	}
	var recs []quarantine.Record
	waitFor(t, "quarantine", func() bool {
		p, _ := r.store.Search(context.Background(), quarantine.Query{})
		recs = p.Records
		return len(recs) == 1
	})
	rec, err := r.store.Release(context.Background(), recs[0].ID, quarantine.ReleaseRequest{Actor: "operator1", Reason: "sender confirmed"})
	if err != nil || rec.Status != quarantine.Released {
		t.Fatalf("Release = %+v, %v", rec, err)
	}
	waitFor(t, "released delivery", func() bool { return len(delivered(t, r.dir)) == 1 })
	got := delivered(t, r.dir)[0]
	if !strings.Contains(got, "X-Sekisho-Released: "+recs[0].ID+" by operator operator1") || !strings.Contains(got, "QUARANTINE-ME") {
		t.Fatalf("released message:\n%s", got)
	}
	if _, err := r.store.Release(context.Background(), recs[0].ID, quarantine.ReleaseRequest{Actor: "operator1", Reason: "again"}); err == nil {
		t.Fatal("second release succeeded")
	}
}

func TestAttachmentHolderAndRelease(t *testing.T) {
	r := startRelay(t, nil)
	ctx := context.WithValue(context.Background(), envKey{}, holdInfo{Env: Envelope{ID: "QID1", From: "x@example.com", Rcpts: []string{"staff@city.lg.jp"}}, Subject: "見積書"})
	payload := bytes.Repeat([]byte("PK\x03\x04 encrypted zip bytes "), 20)
	part := &sanitize.Item{Body: bytes.NewReader(payload), Name: "見積書.zip", DeclaredType: "application/zip"}
	id, err := AttachmentHolder{Store: r.store}.Hold(ctx, part, sanitize.Result{Verdict: sanitize.Quarantined, Reason: "encrypted archive", Detected: sanitize.Type{MIME: "application/zip"}})
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := r.store.Get(context.Background(), id)
	if rec.Subject != "見積書" || rec.QueueID != "QID1" || rec.FileName != "見積書.zip" || rec.Kind != "attachment" {
		t.Errorf("record = %+v", rec)
	}
	if _, err := r.store.Release(context.Background(), id, quarantine.ReleaseRequest{Actor: "op2", Reason: "checked"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "released attachment", func() bool { return len(delivered(t, r.dir)) == 1 })
	raw := delivered(t, r.dir)[0]
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
	if !strings.Contains(string(tb), "解除しました") || !strings.Contains(string(tb), "released by an operator (op2)") {
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
