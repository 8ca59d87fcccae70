package portal

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/sekisho/sekisho/gateway/portal/ppap"
	"github.com/sekisho/sekisho/gateway/portal/web"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/sanitize"
)

type ppapData struct {
	R        quarantine.Record
	Error    string
	Reason   string
	Locked   time.Time
	Left     int
	Done     bool
	QueueID  string
	Contents string
}

// ppapItem loads an encrypted item for the PPAP page: only its recipient may open it
// (the password was sent to them), and only while it is held.
func (p *Portal) ppapItem(c *web.Ctx) (quarantine.Record, error) {
	rec, err := p.load(c)
	if err != nil {
		return rec, err
	}
	if !isRecipient(rec, p.email(c)) || rec.Status != quarantine.Held {
		return rec, errNotFound
	}
	return rec, nil
}

// ppapState is an item's wrong-password count and lock.
func (p *Portal) ppapState(ctx context.Context, id string) (int, time.Time, error) {
	var n int
	var until int64
	err := p.o.DB.QueryRowContext(ctx, `SELECT failures, locked_until FROM portal_ppap WHERE item_id = $1`, id).Scan(&n, &until)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, err
	}
	if until == 0 {
		return n, time.Time{}, nil
	}
	return n, time.Unix(0, until), nil
}

func (p *Portal) ppapPage(c *web.Ctx) error {
	rec, err := p.ppapItem(c)
	if err != nil {
		return err
	}
	if err := p.viewAudit(c, quarantine.ActView, rec.ID, "ppap page"); err != nil {
		return err
	}
	n, locked, err := p.ppapState(c, rec.ID)
	if err != nil {
		return err
	}
	d := ppapData{R: rec, Left: p.o.PPAPMaxTries - n}
	if locked.After(p.o.Now()) {
		d.Locked = locked
	}
	return c.Render("ppap.html", d)
}

// ppapPost opens the item with the typed password, in memory: the decrypted contents go
// through the engine, and what comes out is mailed to the recipient. The password is
// never logged, stored or put in a URL; wrong ones are counted per item.
func (p *Portal) ppapPost(c *web.Ctx) error {
	rec, err := p.ppapItem(c)
	if err != nil {
		return err
	}
	// One try at a time, so two concurrent posts cannot both get a try past the count.
	p.ppapMu.Lock()
	defer p.ppapMu.Unlock()
	n, locked, err := p.ppapState(c, rec.ID)
	if err != nil {
		return err
	}
	now := p.o.Now()
	d := ppapData{R: rec, Left: p.o.PPAPMaxTries - n}
	if locked.After(now) {
		d.Locked = locked
		if err := p.viewAudit(c, "ppap-locked", rec.ID, "try while locked"); err != nil {
			return err
		}
		return c.Render("ppap.html", d)
	}
	if !locked.IsZero() {
		n = 0 // the lock ran out: a fresh set of tries
	}
	pw := []byte(c.Form("password"))
	defer clear(pw)
	if len(pw) == 0 || len(pw) > 1024 {
		d.Error = "ppap.empty"
		return c.Render("ppap.html", d)
	}
	plain, kind, err := p.decrypt(c, rec, pw)
	switch {
	case errors.Is(err, ppap.ErrPassword):
		n++
		var until int64
		if n >= p.o.PPAPMaxTries {
			until = now.Add(p.o.PPAPLock).UnixNano()
			d.Locked = time.Unix(0, until)
		}
		if _, err := p.o.DB.ExecContext(c, `INSERT INTO portal_ppap (item_id, failures, locked_until) VALUES ($1, $2, $3)
			ON CONFLICT(item_id) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until`,
			rec.ID, n, until); err != nil {
			return err
		}
		if err := p.viewAudit(c, "ppap-failed", rec.ID, fmt.Sprintf("wrong password %d/%d", n, p.o.PPAPMaxTries)); err != nil {
			return err
		}
		d.Error, d.Left = "ppap.wrong", p.o.PPAPMaxTries-n
		return c.Render("ppap.html", d)
	case err != nil:
		p.log.Warn("ppap: cannot open", "quarantine_id", rec.ID, "err", err)
		if aerr := p.viewAudit(c, "ppap-failed", rec.ID, "cannot open: "+err.Error()); aerr != nil {
			return aerr
		}
		d.Error, d.Reason = "ppap.cannot_open", err.Error()
		return c.Render("ppap.html", d)
	}
	if _, err := p.o.DB.ExecContext(c, `DELETE FROM portal_ppap WHERE item_id = $1`, rec.ID); err != nil {
		return err
	}
	// The contents go through the engine like any attachment; only its output leaves.
	var out bytes.Buffer
	res, err := p.o.Files.Sanitize(c, &sanitize.Item{Body: bytes.NewReader(plain), Name: rec.FileName, DeclaredType: kind}, &out, nil)
	clear(plain)
	if err != nil {
		return err
	}
	if !res.Verdict.HasOutput() {
		if err := p.viewAudit(c, "ppap-open", rec.ID, "decrypted; contents refused: "+res.Reason); err != nil {
			return err
		}
		d.Error, d.Reason = "ppap.refused", res.Reason
		return c.Render("ppap.html", d)
	}
	email := p.email(c)
	msg, err := p.ppapMessage(rec, email, res, out.Bytes(), c.User(), now)
	if err != nil {
		return err
	}
	qid, err := p.o.Outbox.Send(c, []string{email}, msg)
	if err != nil {
		return err
	}
	if err := p.viewAudit(c, "ppap-open", rec.ID, fmt.Sprintf("decrypted; %s, %d actions; delivered as %s to %s",
		res.Verdict, len(res.Actions), qid, email)); err != nil {
		return err
	}
	d.Done, d.QueueID, d.Contents = true, qid, summarize(res)
	return c.Render("ppap.html", d)
}

// decrypt reads the held original (bounded by its recorded size) and removes its
// encryption. kind is the MIME type of the plain result.
func (p *Portal) decrypt(ctx context.Context, rec quarantine.Record, pw []byte) ([]byte, string, error) {
	lim := p.o.PPAPLimits
	if lim.MaxFileSize <= 0 {
		lim.MaxFileSize = 100 << 20
	}
	if rec.Size > lim.MaxFileSize {
		return nil, "", &ppap.LimitError{Limit: "limits.max_file_size", Max: lim.MaxFileSize, Got: rec.Size}
	}
	rc, err := p.q.Open(ctx, rec.ID)
	if err != nil {
		return nil, "", err
	}
	defer rc.Close()
	body, err := io.ReadAll(io.LimitReader(rc, lim.MaxFileSize+1))
	if err != nil {
		return nil, "", err
	}
	var out bytes.Buffer
	switch t := sanitize.Detect(bytes.NewReader(body)); t.Class {
	case sanitize.ClassArchive:
		if t.Name != "zip" {
			return nil, "", fmt.Errorf("%w: %s archives", ppap.ErrUnsupported, t.Name)
		}
		if _, err := ppap.DecryptZip(bytes.NewReader(body), int64(len(body)), pw, lim, &out); err != nil {
			return nil, "", err
		}
		return out.Bytes(), "application/zip", nil
	case sanitize.ClassPDF:
		if err := ppap.DecryptPDF(bytes.NewReader(body), pw, lim, &out); err != nil {
			return nil, "", err
		}
		return out.Bytes(), "application/pdf", nil
	default:
		return nil, "", fmt.Errorf("%w: %s", ppap.ErrUnsupported, t.Name)
	}
}

// summarize lists what the engine did, for the page and the mail.
func summarize(res sanitize.Result) string {
	seen := map[string]int{}
	var order []string
	for _, a := range res.Actions {
		k := string(a.Kind)
		if seen[k] == 0 {
			order = append(order, k)
		}
		seen[k]++
	}
	var parts []string
	for _, k := range order {
		parts = append(parts, fmt.Sprintf("%s×%d", k, seen[k]))
	}
	if len(parts) == 0 {
		return string(res.Verdict)
	}
	return string(res.Verdict) + ": " + strings.Join(parts, ", ")
}

// ppapMessage is the new message that carries the sanitized contents to the recipient.
func (p *Portal) ppapMessage(rec quarantine.Record, to string, res sanitize.Result, data []byte, who string, now time.Time) ([]byte, error) {
	var h gomail.Header
	h.SetAddressList("From", []*gomail.Address{{Name: "sekisho", Address: "postmaster@" + p.o.Hostname}})
	h.SetAddressList("To", []*gomail.Address{{Address: to}})
	subj := "[sekisho] パスワード付きファイルを無害化しました / Password-protected file sanitized"
	if rec.Subject != "" {
		subj += ": " + headerSafe(rec.Subject)
	}
	h.SetSubject(subj)
	h.SetDate(now)
	var rnd [8]byte
	rand.Read(rnd[:])
	h.SetMessageID(hex.EncodeToString(rnd[:]) + "." + rec.ID + "@" + p.o.Hostname)
	h.Set("X-Sekisho-Status", "sanitized")
	h.Set("X-Sekisho-PPAP", rec.ID)
	var buf bytes.Buffer
	w, err := gomail.CreateWriter(&buf, h)
	if err != nil {
		return nil, err
	}
	var th gomail.InlineHeader
	th.Set("Content-Type", "text/plain; charset=utf-8")
	tw, err := w.CreateSingleInline(th)
	if err != nil {
		return nil, err
	}
	name := rec.FileName
	if res.OutName != "" {
		name = res.OutName
	}
	fmt.Fprintf(tw, "━━━━ sekisho 無害化のお知らせ / Sanitization notice ━━━━\r\n"+
		"パスワード付きで届いたファイルを %s さんがポータルで開き、無害化しました。\r\n"+
		"・%s: %s\r\n元のメール: %s (%s)\r\n\r\n"+
		"The password-protected file was opened in the portal by %s and sanitized.\r\n"+
		"- %s: %s\r\nOriginal message: %s (%s)\r\n━━━━ sekisho ━━━━\r\n",
		who, oneLine(name), summarize(res), oneLine(rec.Subject), rec.ID,
		who, oneLine(name), summarize(res), oneLine(rec.Subject), rec.ID)
	tw.Close()
	var ah gomail.AttachmentHeader
	ct := res.OutType
	if ct == "" {
		ct = res.Detected.MIME
	}
	ah.Set("Content-Type", ct)
	ah.SetFilename(name)
	aw, err := w.CreateAttachment(ah)
	if err != nil {
		return nil, err
	}
	if _, err := aw.Write(data); err != nil {
		return nil, err
	}
	aw.Close()
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// headerSafe removes control characters from text going into a header.
func headerSafe(s string) string { return oneLine(s) }

func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029 {
			return ' '
		}
		return r
	}, s)
}
