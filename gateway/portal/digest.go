package portal

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/quarantine"
)

// digestLoop sends the daily digest at DigestTime until stop. Each day is claimed in the
// database first, so several nodes, or a restart, send it once.
func (p *Portal) digestLoop(stop <-chan struct{}) {
	at, err := time.Parse("15:04", p.o.DigestTime)
	if err != nil {
		return
	}
	for {
		now := p.o.Now().Local()
		next := time.Date(now.Year(), now.Month(), now.Day(), at.Hour(), at.Minute(), 0, 0, time.Local)
		if !next.After(now) {
			next = next.AddDate(0, 0, 1)
		}
		select {
		case <-stop:
			return
		case <-time.After(next.Sub(now)):
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		if _, err := p.SendDigest(ctx, next); err != nil {
			p.log.Error("daily digest not sent", "err", err)
		}
		cancel()
	}
}

// SendDigest mails the operators a summary for the day before at: what the relay did,
// the top reasons, and what waits in the quarantine. It returns the queue ID, or "" when
// the day's digest was already sent (by this or another node) or nobody is to receive it.
func (p *Portal) SendDigest(ctx context.Context, at time.Time) (string, error) {
	day := at.Local().AddDate(0, 0, -1).Format("2006-01-02")
	res, err := p.o.DB.ExecContext(ctx, `INSERT INTO portal_meta (k, v) VALUES ($1, $2) ON CONFLICT(k) DO NOTHING`,
		"digest:"+day, []byte(at.UTC().Format(time.RFC3339)))
	if err != nil {
		return "", err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", nil
	}
	to, err := p.digestRecipients(ctx)
	if err != nil || len(to) == 0 {
		return "", err
	}
	next := at.Local().Format("2006-01-02")
	counts := map[string]int{}
	for _, m := range []string{"delivered", "sanitized", "held", "blocked"} {
		c, err := p.stats.counts(ctx, m, "-", day, next)
		if err != nil {
			return "", err
		}
		counts[m] = c[""]
	}
	reasons := map[string]*kv{}
	for _, m := range []string{"held", "blocked"} {
		got, err := p.stats.counts(ctx, m, "reason:", day, next)
		if err != nil {
			return "", err
		}
		for l, n := range got {
			if l == "" {
				continue
			}
			k := strings.TrimPrefix(l, "reason:")
			if reasons[k] == nil {
				reasons[k] = &kv{K: k, JA: reasonJA(k)}
			}
			reasons[k].N += n
		}
	}
	waiting := map[quarantine.Status]int{}
	for _, st := range []quarantine.Status{quarantine.Held, quarantine.ReleaseRequested} {
		pg, err := p.q.Search(ctx, quarantine.Query{Status: []quarantine.Status{st}, Limit: 1, Count: true})
		if err != nil {
			return "", err
		}
		waiting[st] = pg.Total
	}
	var body strings.Builder
	fmt.Fprintf(&body, "sekisho 日次レポート / daily digest: %s\r\n\r\n", day)
	fmt.Fprintf(&body, "配送 delivered: %d\r\n無害化 sanitized: %d\r\n隔離 held: %d\r\nブロック blocked: %d\r\n\r\n",
		counts["delivered"], counts["sanitized"], counts["held"], counts["blocked"])
	fmt.Fprintf(&body, "隔離中 held now: %d\r\n解放申請 release requests waiting: %d\r\n", waiting[quarantine.Held], waiting[quarantine.ReleaseRequested])
	if p.o.PublicURL != "" {
		fmt.Fprintf(&body, "%s/items?status=release-requested\r\n", strings.TrimRight(p.o.PublicURL, "/"))
	}
	if top := top(reasons, 5); len(top) > 0 {
		fmt.Fprintf(&body, "\r\n主な理由 / top reasons:\r\n")
		for _, r := range top {
			label := oneLine(r.K)
			if r.JA != "" {
				label = r.JA + " / " + label
			}
			fmt.Fprintf(&body, "- %s: %d\r\n", label, r.N)
		}
	}
	var h gomail.Header
	h.SetAddressList("From", []*gomail.Address{{Name: "sekisho", Address: "postmaster@" + p.o.Hostname}})
	var addrs []*gomail.Address
	for _, a := range to {
		addrs = append(addrs, &gomail.Address{Address: a})
	}
	h.SetAddressList("To", addrs)
	h.SetSubject(fmt.Sprintf("[sekisho] 日次レポート / daily digest %s: 隔離中 %d, 申請 %d", day, waiting[quarantine.Held], waiting[quarantine.ReleaseRequested]))
	h.SetDate(at)
	var rnd [8]byte
	rand.Read(rnd[:])
	h.SetMessageID("digest." + day + "." + hex.EncodeToString(rnd[:]) + "@" + p.o.Hostname)
	h.Set("Content-Type", "text/plain; charset=utf-8")
	var buf bytes.Buffer
	w, err := gomail.CreateSingleInlineWriter(&buf, h)
	if err != nil {
		return "", err
	}
	w.Write([]byte(body.String()))
	if err := w.Close(); err != nil {
		return "", err
	}
	return p.o.Outbox.Send(ctx, to, buf.Bytes())
}

// digestRecipients is DigestTo, or every enabled operator's and admin's address.
func (p *Portal) digestRecipients(ctx context.Context) ([]string, error) {
	if len(p.o.DigestTo) > 0 {
		return p.o.DigestTo, nil
	}
	us, err := p.o.Web.Store.Users(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, u := range us {
		if !u.Disabled && u.Email != "" && u.Roles.Any(accounts.Operator) {
			out = append(out, u.Email)
		}
	}
	return out, nil
}
