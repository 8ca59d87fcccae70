package portal

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/portal/web"
	"github.com/sekisho/sekisho/gateway/transfer"
	"github.com/sekisho/sekisho/quarantine"
)

// The LGWAN side of file transfer (gateway/transfer): staff receive inbound files and
// make upload links (受取依頼), send files out, approvers decide, operators and auditors
// look over everything. Every object is checked against the user on every request; a
// transfer or file the user may not see is a 404, like one that does not exist.

// overseeRoles may list and open every transfer (read-only).
var overseeRoles = []accounts.Role{accounts.Operator, accounts.Auditor, accounts.Admin}

func (p *Portal) transferRoutes() {
	t := p.o.Transfer
	t.MountAPI(p.Server, transfer.Outbound)
	p.GET("/transfers", web.LoggedIn, p.transfers)
	p.GET("/transfers/new", web.LoggedIn, p.transferNew)
	p.POST("/transfers/new", web.LoggedIn, p.transferCreate)
	p.GET("/transfers/links", web.LoggedIn, p.uploadLinks)
	p.POST("/transfers/links", web.LoggedIn, p.uploadLinkCreate)
	p.POST("/transfers/links/{id}/revoke", web.LoggedIn, p.uploadLinkRevoke)
	p.GET("/transfers/{id}", web.LoggedIn, p.transferDetail)
	p.GET("/transfers/{id}/upload", web.LoggedIn, p.transferUpload)
	p.POST("/transfers/{id}/key", web.LoggedIn, p.transferKey)
	p.POST("/transfers/{id}/approve", web.LoggedIn, p.transferApprove)
	p.POST("/transfers/{id}/reject", web.LoggedIn, p.transferReject)
	p.POST("/transfers/{id}/withdraw", web.LoggedIn, p.transferWithdraw)
	p.GET("/transfers/{id}/files/{file}", web.LoggedIn, p.transferFile)
	p.GET("/transfers/{id}/files/{file}/original", web.LoggedIn, p.transferOriginal)
}

// transferAccess is what the user may do with one transfer.
type transferAccess struct {
	Owner, Approver, Deputy, Oversee bool
}

// transferFor loads the route's transfer and what the user may do with it; a transfer the
// user has no part in is a 404.
func (p *Portal) transferFor(c *web.Ctx) (transfer.Transfer, []transfer.File, transferAccess, error) {
	t, fs, err := p.o.Transfer.Transfer(c, c.Param("id"))
	if errors.Is(err, transfer.ErrNotFound) {
		return t, nil, transferAccess{}, errNotFound
	}
	if err != nil {
		return t, nil, transferAccess{}, err
	}
	var a transferAccess
	roles := c.Session().Roles
	a.Owner = t.Owner == c.User()
	a.Approver, a.Deputy = p.o.Transfer.CanApprove(t, c.User(), roles)
	a.Oversee = roles.Any(overseeRoles...)
	if !a.Owner && !a.Approver && !a.Oversee {
		return t, nil, a, errNotFound
	}
	return t, fs, a, nil
}

type transferRow struct {
	transfer.Transfer
	Files int
}

func (p *Portal) transfers(c *web.Ctx) error {
	view := c.Query("view")
	roles := c.Session().Roles
	q := transfer.Query{Limit: 200}
	switch view {
	case "out":
		q.Owner, q.Direction = c.User(), transfer.Outbound
	case "approve":
		q.Direction, q.Approval, q.Limit = transfer.Outbound, transfer.ApprovalPending, 1000
	case "all":
		if !roles.Any(overseeRoles...) {
			return web.Error(403, "forbidden")
		}
	default:
		view = "in"
		q.Owner, q.Direction = c.User(), transfer.Inbound
	}
	ts, err := p.o.Transfer.List(c, q)
	if err != nil {
		return err
	}
	var rows []transferRow
	for _, t := range ts {
		if view == "approve" {
			if ok, _ := p.o.Transfer.CanApprove(t, c.User(), roles); !ok {
				continue
			}
		}
		rows = append(rows, transferRow{Transfer: t})
	}
	return c.Render("transfers.html", map[string]any{"View": view, "Rows": rows, "Oversee": roles.Any(overseeRoles...),
		"Notice": c.Query("done")})
}

// fileRow is a file on the detail page.
type fileRow struct {
	transfer.File
	CanDownload bool
	Held        *quarantine.Record
}

func (p *Portal) transferDetail(c *web.Ctx) error {
	t, fs, a, err := p.transferFor(c)
	if err != nil {
		return err
	}
	if err := p.q.Audit(c, quarantine.AuditEntry{Action: "transfer-view", ID: t.ID, Actor: actor(c),
		Detail: "ip=" + c.IP().String()}); err != nil {
		return err
	}
	var files []fileRow
	for _, f := range fs {
		r := fileRow{File: f, CanDownload: f.State == transfer.Available && (a.Owner || a.Approver)}
		if f.QuarantineID != "" {
			if rec, err := p.q.Get(c, f.QuarantineID); err == nil {
				r.Held = &rec
			}
		}
		files = append(files, r)
	}
	links, err := p.o.Transfer.Links(c, t.ID)
	if err != nil {
		return err
	}
	counts, err := p.o.Transfer.Downloads(c, t.ID)
	if err != nil {
		return err
	}
	type linkRow struct {
		transfer.Link
		Downloads int
	}
	var lr []linkRow
	for _, l := range links {
		n := 0
		for _, v := range counts[l.ID] {
			n += v
		}
		lr = append(lr, linkRow{Link: l, Downloads: n})
	}
	pending := t.Approval == transfer.ApprovalPending && (t.State == transfer.Pending || t.State == transfer.Sent)
	return c.Render("transfer.html", map[string]any{"T": t, "Files": files, "Links": lr, "A": a,
		"Decide": a.Approver && pending, "Withdraw": t.State.Live() && t.State != transfer.Expired &&
			(a.Owner || c.Session().Roles.Any(accounts.Operator, accounts.Admin)),
		"Notice": c.Query("done"), "Error": c.Query("error")})
}

func (p *Portal) transferNew(c *web.Ctx) error {
	return c.Render("transfer_new.html", p.newForm(c, "", nil))
}

func (p *Portal) newForm(c *web.Ctx, errKey string, form map[string]string) map[string]any {
	o := p.o.Transfer
	d := o.Department(c.User())
	return map[string]any{"Error": errKey, "Form": form, "Mode": d.Mode, "Department": d.Name,
		"Days": int(o.Options().LinkExpiry.Hours() / 24), "MaxDays": int(o.Options().MaxLinkExpiry.Hours() / 24),
		"MaxDownloads": o.Options().MaxDownloads, "AccessCode": o.Options().AccessCode}
}

func (p *Portal) transferCreate(c *web.Ctx) error {
	form := map[string]string{"to": c.Form("to"), "subject": c.Form("subject"), "message": c.Form("message"),
		"days": c.Form("days"), "downloads": c.Form("downloads"), "code": c.Form("code")}
	rcpts, err := transfer.ParseRecipients(form["to"])
	if err != nil {
		return c.RenderStatus(400, "transfer_new.html", p.newForm(c, "transfer.bad_rcpt", form))
	}
	days, _ := strconv.Atoi(form["days"])
	downloads, _ := strconv.Atoi(form["downloads"])
	t, err := p.o.Transfer.OpenOutbound(c, c.User(), transfer.OutboundRequest{Recipients: rcpts, Subject: form["subject"],
		Message: form["message"], Expiry: time.Duration(days) * 24 * time.Hour, MaxDownloads: downloads,
		AccessCode: form["code"] != ""}, c.IP().String())
	if err != nil {
		return err
	}
	return c.Redirect("/transfers/" + t.ID + "/upload")
}

func (p *Portal) transferUpload(c *web.Ctx) error {
	t, _, a, err := p.transferFor(c)
	if err != nil {
		return err
	}
	if !a.Owner || t.Direction != transfer.Outbound {
		return errNotFound
	}
	if t.State != transfer.Open {
		return c.Redirect("/transfers/" + t.ID)
	}
	return c.Render("transfer_upload.html", map[string]any{"T": t, "Max": p.o.Transfer.Options().Limits.MaxFileSize})
}

// transferKey gives the owner's upload page a fresh upload URL (POST with X-CSRF-Token).
func (p *Portal) transferKey(c *web.Ctx) error {
	t, _, a, err := p.transferFor(c)
	if err != nil {
		return err
	}
	if !a.Owner || t.Direction != transfer.Outbound {
		return errNotFound
	}
	key, err := p.o.Transfer.UploadKey(c, t.ID, c.User())
	if err != nil {
		return web.Error(409, "transfer.closed")
	}
	c.SetContentType("application/json; charset=utf-8")
	c.SetBodyString(`{"upload":"` + transfer.APIPrefix + "t/" + key + `"}`)
	return nil
}

func (p *Portal) transferApprove(c *web.Ctx) error { return p.decide(c, true) }
func (p *Portal) transferReject(c *web.Ctx) error  { return p.decide(c, false) }

func (p *Portal) decide(c *web.Ctx, approve bool) error {
	id := c.Param("id")
	_, err := p.o.Transfer.Decide(c, id, c.User(), c.Session().Roles, approve, c.Form("reason"), c.IP().String())
	switch {
	case errors.Is(err, transfer.ErrNotFound), errors.Is(err, transfer.ErrSelfApproval):
		return errNotFound
	case errors.Is(err, transfer.ErrState):
		return c.Redirect("/transfers/" + id + "?error=transfer.bad_state")
	case errors.Is(err, quarantine.ErrReason):
		return c.Redirect("/transfers/" + id + "?error=transfer.need_reason")
	case err != nil:
		return err
	}
	done := "transfer.approved"
	if !approve {
		done = "transfer.rejected"
	}
	return c.Redirect("/transfers/" + id + "?done=" + done)
}

func (p *Portal) transferWithdraw(c *web.Ctx) error {
	t, _, a, err := p.transferFor(c)
	if err != nil {
		return err
	}
	if !a.Owner && !c.Session().Roles.Any(accounts.Operator, accounts.Admin) {
		return errNotFound
	}
	err = p.o.Transfer.Withdraw(c, t.ID, c.User(), c.Form("reason"), c.IP().String())
	if errors.Is(err, transfer.ErrState) {
		return c.Redirect("/transfers/" + t.ID + "?error=transfer.bad_state")
	}
	if err != nil {
		return err
	}
	return c.Redirect("/transfers/" + t.ID + "?done=transfer.withdrawn")
}

// fileFor loads the route's file of a transfer the user may download from: its owner, or
// an approver of an outbound one.
func (p *Portal) fileFor(c *web.Ctx) (transfer.Transfer, transfer.File, transferAccess, error) {
	t, fs, a, err := p.transferFor(c)
	if err != nil {
		return t, transfer.File{}, a, err
	}
	for _, f := range fs {
		if f.ID == c.Param("file") && (a.Owner || a.Approver) {
			return t, f, a, nil
		}
	}
	return t, transfer.File{}, a, errNotFound
}

func (p *Portal) transferFile(c *web.Ctx) error {
	_, f, _, err := p.fileFor(c)
	if err != nil {
		return err
	}
	if f.State != transfer.Available {
		return errNotFound
	}
	return p.o.Transfer.Serve(c, f, c.User(), c.IP().String(), nil)
}

// transferOriginal serves a held file's original once an operator released it: to the
// transfer's owner only.
func (p *Portal) transferOriginal(c *web.Ctx) error {
	_, f, a, err := p.fileFor(c)
	if err != nil {
		return err
	}
	if !a.Owner || f.State != transfer.Held {
		return errNotFound
	}
	return p.o.Transfer.ServeReleased(c, f, c.User(), c.IP().String())
}

func (p *Portal) uploadLinks(c *web.Ctx) error {
	return p.renderLinks(c, 200, "", "", nil)
}

func (p *Portal) renderLinks(c *web.Ctx, code int, newURL, errKey string, form map[string]string) error {
	ls, err := p.o.Transfer.UploadLinks(c, c.User())
	if err != nil {
		return err
	}
	o := p.o.Transfer.Options()
	return c.RenderStatus(code, "transfer_links.html", map[string]any{"Links": ls, "NewURL": newURL, "Error": errKey, "Form": form,
		"Days": int(o.LinkExpiry.Hours() / 24), "MaxDays": int(o.MaxLinkExpiry.Hours() / 24),
		"MaxMiB": o.Limits.MaxTransferSize >> 20, "Now": time.Now()})
}

func (p *Portal) uploadLinkCreate(c *web.Ctx) error {
	form := map[string]string{"label": c.Form("label"), "partner": c.Form("partner"), "days": c.Form("days"),
		"mib": c.Form("mib"), "once": c.Form("once")}
	days, _ := strconv.Atoi(form["days"])
	mib, _ := strconv.ParseInt(form["mib"], 10, 64)
	_, tok, err := p.o.Transfer.CreateUploadLink(c, c.User(), transfer.UploadLinkRequest{Label: form["label"],
		Partner: strings.TrimSpace(form["partner"]), Expiry: time.Duration(days) * 24 * time.Hour, MaxBytes: mib << 20,
		OneTime: form["once"] != ""}, c.IP().String())
	if err != nil && strings.Contains(err.Error(), "partner") {
		return p.renderLinks(c, 400, "", "transfer.bad_partner", form)
	}
	if err != nil {
		return err
	}
	return p.renderLinks(c, 200, p.o.Transfer.InternetURL()+"/u/"+tok, "", nil)
}

func (p *Portal) uploadLinkRevoke(c *web.Ctx) error {
	err := p.o.Transfer.RevokeUploadLink(c, c.User(), c.Param("id"), c.IP().String())
	if errors.Is(err, transfer.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	return c.Redirect("/transfers/links")
}
