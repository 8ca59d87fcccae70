package portal

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/sekisho/sekisho/gateway/portal/web"
	"github.com/sekisho/sekisho/quarantine"
)

const pageSize = 50

// countAhead is how far past the page the list counts matches: a broad filter over a
// large quarantine reads "more than N" instead of scanning every match for the total.
const countAhead = 2000

// listQuery is the list page's form, kept as text so the page can show it back.
type listQuery struct {
	Text, Sender, Rcpt, Subject, File, Reason, Type string
	Status, Kind, Since, Until, Sort                string
	Asc                                             bool
	Offset                                          int
}

func parseListQuery(c *web.Ctx) listQuery {
	lq := listQuery{Text: c.Query("q"), Sender: c.Query("sender"), Rcpt: c.Query("rcpt"), Subject: c.Query("subject"),
		File: c.Query("file"), Reason: c.Query("reason"), Type: c.Query("type"), Status: c.Query("status"),
		Kind: c.Query("kind"), Since: c.Query("since"), Until: c.Query("until"), Sort: c.Query("sort"),
		Asc: c.Query("asc") == "1"}
	lq.Offset, _ = strconv.Atoi(c.Query("offset"))
	if lq.Offset < 0 || lq.Offset > 1_000_000 {
		lq.Offset = 0
	}
	return lq
}

// query turns the form into a quarantine.Query; bad values are errors shown on the page.
func (lq listQuery) query() (quarantine.Query, error) {
	q := quarantine.Query{Text: lq.Text, Sender: lq.Sender, Recipient: lq.Rcpt, Subject: lq.Subject,
		FileName: lq.File, Reason: reasonQuery(lq.Reason), Type: lq.Type, Sort: quarantine.SortKey(lq.Sort),
		Asc: lq.Asc, Limit: pageSize, Offset: lq.Offset, Count: true, CountMax: lq.Offset + countAhead}
	if lq.Status != "" && lq.Status != "all" {
		q.Status = []quarantine.Status{quarantine.Status(lq.Status)}
	}
	if lq.Kind != "" {
		q.Kind = []quarantine.Kind{quarantine.Kind(lq.Kind)}
	}
	var err error
	if q.Since, err = parseDay(lq.Since, false); err != nil {
		return q, err
	}
	if q.Until, err = parseDay(lq.Until, true); err != nil {
		return q, err
	}
	return q, nil
}

// parseDay reads a date (2026-12-01) in the server's zone; end means the end of that day.
func parseDay(s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, time.Local)
	if err != nil {
		return t, web.Error(400, "list.bad_date")
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}

// Values is the form as URL parameters (for the bulk form's way back).
func (lq listQuery) Values() string { return lq.values(nil) }

// values is the form as URL parameters, with overrides (for sort links and paging).
func (lq listQuery) values(over map[string]string) string {
	v := url.Values{}
	for k, s := range map[string]string{"q": lq.Text, "sender": lq.Sender, "rcpt": lq.Rcpt, "subject": lq.Subject,
		"file": lq.File, "reason": lq.Reason, "type": lq.Type, "status": lq.Status, "kind": lq.Kind,
		"since": lq.Since, "until": lq.Until, "sort": lq.Sort} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if lq.Asc {
		v.Set("asc", "1")
	}
	if lq.Offset > 0 {
		v.Set("offset", strconv.Itoa(lq.Offset))
	}
	for k, s := range over {
		if s == "" {
			v.Del(k)
		} else {
			v.Set(k, s)
		}
	}
	return v.Encode()
}

type listData struct {
	Q        listQuery
	Records  []row
	Total    int
	AtLeast  bool // Total is a lower bound
	From, To int
	Prev     string
	Next     string
	SortURL  map[string]string
	Error    string
	Statuses []quarantine.Status
	Write    bool
	Notice   string
}

// row is one record as the list shows it.
type row struct {
	quarantine.Record
	ReasonJA string
}

func (p *Portal) list(c *web.Ctx) error {
	lq := parseListQuery(c)
	d := listData{Q: lq, Statuses: quarantine.Statuses, Write: c.Session().Roles.Any(writeRoles...), Notice: c.Query("done")}
	d.SortURL = map[string]string{}
	for _, k := range []string{"time", "size", "sender", "subject", "file_name", "status"} {
		asc := ""
		if lq.Sort == k && !lq.Asc || (lq.Sort == "" && k == "time" && !lq.Asc) {
			asc = "1"
		}
		d.SortURL[k] = "/items?" + lq.values(map[string]string{"sort": k, "asc": asc, "offset": ""})
	}
	q, err := lq.query()
	if err == nil {
		var pg quarantine.Page
		pg, err = p.q.Search(c, q)
		if err == nil {
			for _, r := range pg.Records {
				d.Records = append(d.Records, row{Record: r, ReasonJA: reasonJA(r.Reason)})
			}
			d.Total, d.AtLeast = pg.Total, pg.AtLeast
			d.From, d.To = lq.Offset+1, lq.Offset+len(pg.Records)
			if lq.Offset > 0 {
				d.Prev = "/items?" + lq.values(map[string]string{"offset": strconv.Itoa(max(0, lq.Offset-pageSize))})
			}
			if d.To < d.Total || d.AtLeast {
				d.Next = "/items?" + lq.values(map[string]string{"offset": strconv.Itoa(lq.Offset + pageSize)})
			}
		}
	}
	if err != nil {
		var he *web.HTTPError
		if !errors.As(err, &he) && !strings.HasPrefix(err.Error(), "quarantine: unknown") {
			return err
		}
		d.Error = "list.bad_query"
	}
	return c.Render("items.html", d)
}

type detailData struct {
	R         quarantine.Record
	ReasonJA  string
	Preview   *Preview
	Console   bool
	Write     bool
	Approve   bool
	Admin     bool
	Staff     bool
	Encrypted bool
	Notice    string
	Error     string
}

func (p *Portal) detail(c *web.Ctx) error {
	rec, err := p.item(c)
	if err != nil {
		return err
	}
	roles := c.Session().Roles
	d := detailData{R: rec, ReasonJA: reasonJA(rec.Reason), Console: roles.Any(consoleRoles...),
		Write: roles.Any(writeRoles...), Approve: roles.Any(approveRoles...), Admin: roles.Has("admin"),
		Notice: c.Query("done"), Error: c.Query("err")}
	d.Staff = !d.Console
	if err := p.viewAudit(c, quarantine.ActView, rec.ID, "detail"); err != nil {
		return err
	}
	if rec.Status.HasOriginal() {
		pv, err := p.preview(c, rec)
		if err != nil {
			p.log.Warn("preview failed", "quarantine_id", rec.ID, "err", err)
		}
		d.Preview = pv
		if err := p.viewAudit(c, "preview", rec.ID, fmt.Sprintf("pages=%d text=%d", len(pv.Pages), len(pv.Text))); err != nil {
			return err
		}
		d.Encrypted = pv.Note == "preview.encrypted" || strings.Contains(strings.ToLower(rec.Reason), "encrypt")
	}
	return c.Render("item.html", d)
}

// page serves one page image of an item's preview: pixels the engine made, never the
// original.
func (p *Portal) page(c *web.Ctx) error {
	rec, err := p.item(c)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil || n < 1 || !rec.Status.HasOriginal() {
		return errNotFound
	}
	pv, err := p.preview(c, rec)
	if err != nil || n > len(pv.Pages) {
		return errNotFound
	}
	if err := p.viewAudit(c, "preview", rec.ID, fmt.Sprintf("page %d", n)); err != nil {
		return err
	}
	pg := pv.Pages[n-1]
	c.SetContentType(pg.Type)
	c.Response.Header.Set("Content-Disposition", "inline")
	c.Response.Header.Set("Cache-Control", "private, no-store")
	c.SetBody(pg.Data)
	return nil
}

// back redirects to the item page with a notice or error key.
func back(c *web.Ctx, id, key string, failed bool) error {
	k := "done"
	if failed {
		k = "err"
	}
	return c.Redirect("/items/" + id + "?" + k + "=" + url.QueryEscape(key))
}

// stateErr turns the quarantine's refusals into messages for the page.
func stateErr(err error) (string, bool) {
	switch {
	case errors.Is(err, quarantine.ErrReason):
		return "action.reason_required", true
	case errors.Is(err, quarantine.ErrState):
		return "action.wrong_state", true
	case errors.Is(err, quarantine.ErrApproval):
		return "action.needs_second", true
	}
	return "", false
}

func (p *Portal) release(c *web.Ctx) error {
	rec, err := p.item(c)
	if err != nil {
		return err
	}
	r := quarantine.ReleaseRequest{Actor: actor(c), Reason: strings.TrimSpace(c.Form("reason"))}
	_, err = p.q.Release(c, rec.ID, r)
	done := "action.released"
	if errors.Is(err, quarantine.ErrApproval) {
		_, err = p.q.RequestRelease(c, rec.ID, r)
		done = "action.requested"
	}
	if key, ok := stateErr(err); ok {
		return back(c, rec.ID, key, true)
	}
	if err != nil {
		return err
	}
	p.cache.drop(rec.ID)
	return back(c, rec.ID, done, false)
}

func (p *Portal) approve(c *web.Ctx) error {
	rec, err := p.item(c)
	if err != nil {
		return err
	}
	_, err = p.q.Approve(c, rec.ID, actor(c), strings.TrimSpace(c.Form("reason")))
	if key, ok := stateErr(err); ok {
		return back(c, rec.ID, key, true)
	}
	if err != nil {
		return err
	}
	p.cache.drop(rec.ID)
	return back(c, rec.ID, "action.released", false)
}

func (p *Portal) reject(c *web.Ctx) error {
	rec, err := p.item(c)
	if err != nil {
		return err
	}
	_, err = p.q.Reject(c, rec.ID, actor(c), strings.TrimSpace(c.Form("reason")))
	if key, ok := stateErr(err); ok {
		return back(c, rec.ID, key, true)
	}
	if err != nil {
		return err
	}
	return back(c, rec.ID, "action.rejected", false)
}

func (p *Portal) delete(c *web.Ctx) error {
	rec, err := p.item(c)
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(c.Form("reason"))
	if reason == "" {
		return back(c, rec.ID, "action.reason_required", true)
	}
	_, err = p.q.Delete(c, rec.ID, actor(c), reason)
	if key, ok := stateErr(err); ok {
		return back(c, rec.ID, key, true)
	}
	if err != nil {
		return err
	}
	p.cache.drop(rec.ID)
	return back(c, rec.ID, "action.deleted", false)
}

// bulk releases or deletes the checked items with one reason; each item is its own
// operation (and audit record), and the page says how many succeeded.
func (p *Portal) bulk(c *web.Ctx) error {
	ids := c.FormAll("id")
	reason := strings.TrimSpace(c.Form("reason"))
	action := c.Form("action")
	ret := localList(c.Form("back"))
	if reason == "" || len(ids) == 0 || (action != "release" && action != "delete") {
		return c.Redirect(ret + "&done=" + url.QueryEscape("action.bulk_incomplete"))
	}
	ok, failed := 0, 0
	for _, id := range ids {
		if !validID(id) {
			failed++
			continue
		}
		var err error
		if action == "release" {
			r := quarantine.ReleaseRequest{Actor: actor(c), Reason: reason}
			if _, err = p.q.Release(c, id, r); errors.Is(err, quarantine.ErrApproval) {
				_, err = p.q.RequestRelease(c, id, r)
			}
		} else {
			_, err = p.q.Delete(c, id, actor(c), reason)
		}
		if err != nil {
			if _, known := stateErr(err); !known && !errors.Is(err, quarantine.ErrNotFound) {
				return err
			}
			failed++
			continue
		}
		p.cache.drop(id)
		ok++
	}
	return c.Redirect(ret + "&done=" + url.QueryEscape(fmt.Sprintf("bulk:%s:%d:%d", action, ok, failed)))
}

// localList keeps a return address on the list page.
func localList(s string) string {
	if !strings.HasPrefix(s, "/items?") && s != "/items" {
		return "/items?"
	}
	if s == "/items" {
		return "/items?"
	}
	return s
}

func (p *Portal) originalWarning(c *web.Ctx) error {
	rec, err := p.item(c)
	if err != nil {
		return err
	}
	if !rec.Status.HasOriginal() {
		return errNotFound
	}
	return c.Render("original.html", detailData{R: rec})
}

// original sends an admin the held original as an opaque download, after a warning and a
// stated reason, and audits it. It is never shown inline: the type is octet-stream, the
// name is reduced to safe characters and the response is sandboxed.
func (p *Portal) original(c *web.Ctx) error {
	rec, err := p.item(c)
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(c.Form("reason"))
	if reason == "" || c.Form("confirm") != "yes" {
		return back(c, rec.ID, "action.reason_required", true)
	}
	// The body is read after the handler returns, when the request's context is done.
	rc, err := p.q.Open(context.WithoutCancel(c), rec.ID)
	if errors.Is(err, quarantine.ErrState) || errors.Is(err, quarantine.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	if err := p.q.Audit(c, quarantine.AuditEntry{Action: quarantine.ActDownload, ID: rec.ID, Actor: actor(c),
		Reason: reason, Detail: "ip=" + c.IP().String() + "; original"}); err != nil {
		rc.Close()
		return err
	}
	h := &c.Response.Header
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", `attachment; filename="`+downloadName(rec)+`"`)
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "no-store")
	// fasthttp reads the stream after the handler returns and closes it (an io.Closer).
	c.SetBodyStream(rc, int(rec.Size))
	return nil
}

// downloadName is the ID plus a neutral extension: the original name is attacker text
// (path separators, RTL overrides, .exe) and a download must not run on a double-click.
func downloadName(rec quarantine.Record) string {
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(rec.FileName, "\\", "/")))
	clean := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, ext)
	if clean == "" {
		clean = "bin"
	}
	return rec.ID + "." + clean + ".quarantined"
}

func urlEscape(s string) string { return url.QueryEscape(s) }
