package portal

import (
	"errors"
	"strings"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/portal/web"
	"github.com/sekisho/sekisho/quarantine"
)

type myData struct {
	Email   string
	Records []row
	Notice  string
}

// my lists the items held for the logged-in user's address. The search matches a
// substring, so the records are filtered again for an exact recipient.
func (p *Portal) my(c *web.Ctx) error {
	email := p.email(c)
	d := myData{Email: email, Notice: c.Query("done")}
	if email != "" {
		pg, err := p.q.Search(c, quarantine.Query{Recipient: email, Limit: 200,
			Status: []quarantine.Status{quarantine.Held, quarantine.ReleaseRequested}})
		if err != nil {
			return err
		}
		for _, r := range pg.Records {
			if isRecipient(r, email) {
				d.Records = append(d.Records, row{Record: r, ReasonJA: reasonJA(r.Reason)})
			}
		}
	}
	return c.Render("my.html", d)
}

// requestRelease asks the operators to release an item held for the user: the item
// becomes release-requested and an operator or approver decides.
func (p *Portal) requestRelease(c *web.Ctx) error {
	rec, err := p.item(c)
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(c.Form("reason"))
	if reason == "" {
		return back(c, rec.ID, "action.reason_required", true)
	}
	rcpts := []string{rec.Rcpts[0]}
	if !c.Session().Roles.Any(consoleRoles...) {
		rcpts = []string{p.email(c)} // staff ask for their own copy only
	}
	_, err = p.q.RequestRelease(c, rec.ID, quarantine.ReleaseRequest{Actor: actor(c), Reason: reason, Rcpts: rcpts})
	if key, ok := stateErr(err); ok {
		return back(c, rec.ID, key, true)
	}
	if err != nil {
		return err
	}
	return back(c, rec.ID, "action.requested", false)
}

type accountData struct {
	User   accounts.User
	Local  bool
	Notice string
	Error  string
}

func (p *Portal) account(c *web.Ctx) error {
	u, err := p.o.Web.Store.User(c, c.User())
	if err != nil {
		return err
	}
	return c.Render("account.html", accountData{User: u, Local: u.Source == accounts.Local, Notice: c.Query("done"), Error: c.Query("err")})
}

// changePassword lets a local user set a new password after giving the current one. It
// ends every session of the user, so the browser logs in again.
func (p *Portal) changePassword(c *web.Ctx) error {
	u, err := p.o.Web.Store.User(c, c.User())
	if err != nil {
		return err
	}
	if u.Source != accounts.Local {
		return web.Error(403, "forbidden")
	}
	cur, n1, n2 := c.Form("current"), c.Form("new"), c.Form("again")
	fail := func(key string) error { return c.Redirect("/account?err=" + key) }
	if _, err := p.o.Web.Auth.Password(c, u.Name, cur, c.IP()); err != nil {
		if errors.Is(err, accounts.ErrLocked) || errors.Is(err, accounts.ErrRateLimited) {
			return fail("login.locked")
		}
		if !errors.Is(err, accounts.ErrTOTPNotEnabled) && !errors.Is(err, accounts.ErrAddress) {
			return fail("account.wrong_current")
		}
	}
	if n1 != n2 {
		return fail("account.mismatch")
	}
	if accounts.CheckPassword(n1) != nil {
		return fail("account.too_short")
	}
	h, err := p.o.Web.Auth.Hash(n1)
	if err != nil {
		return err
	}
	if err := p.o.Web.Store.SetPasswordHash(c, u.Name, h); err != nil {
		return err
	}
	if err := c.Audit("user-passwd", "", "user "+u.Name+"; own password"); err != nil {
		return err
	}
	return c.Redirect("/login?bye=1")
}
