package portal

import (
	"errors"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/portal/web"
)

// The users pages let an admin do in the browser what `sekisho user` does on the server:
// add local users, change roles, set a password, enrol or remove TOTP, disable, unlock.
// Every change is audited with the admin's name and address. An admin cannot change
// their own account here (they use the account page): that keeps at least one working
// admin and stops a stolen admin session from quietly re-enrolling its own second factor.

var adminOnly = web.Roles(accounts.Admin)

func (p *Portal) adminRoutes() {
	p.GET("/admin/users", adminOnly, p.users)
	p.POST("/admin/users", adminOnly, p.addUser)
	p.GET("/admin/users/{name}", adminOnly, p.userPage)
	p.POST("/admin/users/{name}/roles", adminOnly, p.userRoles)
	p.POST("/admin/users/{name}/password", adminOnly, p.userPassword)
	p.POST("/admin/users/{name}/totp", adminOnly, p.userTOTP)
	p.POST("/admin/users/{name}/disable", adminOnly, p.userDisable)
	p.POST("/admin/users/{name}/unlock", adminOnly, p.userUnlock)
}

type userRow struct {
	accounts.User
	Locked bool
}

type usersData struct {
	Users    []userRow
	Q        string
	Roles    []roleBox
	Notice   string
	Error    string
	Form     url.Values // the add form shown again after an error (never the password)
	Shown    int
	Overflow bool
}

// maxUserRows bounds the list page; a directory with more users is searched with q.
const maxUserRows = 500

func (p *Portal) users(c *web.Ctx) error {
	return p.renderUsers(c, 200, c.Query("done"), "", nil)
}

func (p *Portal) renderUsers(c *web.Ctx, code int, notice, errKey string, form url.Values) error {
	all, err := p.o.Web.Store.Users(c)
	if err != nil {
		return err
	}
	q := strings.ToLower(strings.TrimSpace(c.Query("q")))
	d := usersData{Q: q, Notice: notice, Error: errKey, Form: form,
		Roles: roleBoxes(func(r accounts.Role) bool { return slices.Contains(form["role"], string(r)) })}
	now := p.o.Now()
	for _, u := range all {
		if q != "" && !strings.Contains(u.Name, q) && !strings.Contains(strings.ToLower(u.Email), q) &&
			!strings.Contains(strings.ToLower(u.Display), q) {
			continue
		}
		if len(d.Users) == maxUserRows {
			d.Overflow = true
			break
		}
		d.Users = append(d.Users, userRow{User: u, Locked: u.LockedUntil.After(now)})
	}
	d.Shown = len(d.Users)
	return c.RenderStatus(code, "users.html", d)
}

// formRoles reads the role checkboxes.
func formRoles(c *web.Ctx) (accounts.Roles, bool) {
	var rs accounts.Roles
	for _, v := range c.FormAll("role") {
		r, err := accounts.ParseRole(v)
		if err != nil {
			return nil, false
		}
		rs = rs.With(r)
	}
	return rs, len(rs) > 0
}

// addUser creates a local user. A privileged user cannot log in before a TOTP secret is
// enrolled, so the answer is that user's page with the next step named.
func (p *Portal) addUser(c *web.Ctx) error {
	form := url.Values{"name": {c.Form("name")}, "display": {c.Form("display")}, "email": {c.Form("email")},
		"role": c.FormAll("role")}
	fail := func(key string) error { return p.renderUsers(c, 400, "", key, form) }
	name, err := accounts.NormalizeName(c.Form("name"))
	if err != nil {
		return fail("admin.bad_name")
	}
	display := strings.TrimSpace(c.Form("display"))
	if utf8.RuneCountInString(display) > 200 {
		return fail("admin.bad_display")
	}
	email, ok := cleanEmail(c.Form("email"))
	if !ok {
		return fail("admin.bad_email")
	}
	rs, ok := formRoles(c)
	if !ok {
		return fail("admin.no_role")
	}
	pw := c.Form("password")
	if pw != c.Form("again") {
		return fail("account.mismatch")
	}
	if accounts.CheckPassword(pw) != nil {
		return fail("account.too_short")
	}
	h, err := p.o.Web.Auth.Hash(pw)
	if err != nil {
		return err
	}
	err = p.o.Web.Store.CreateUser(c, accounts.User{Name: name, Display: display, Email: email, Roles: rs}, h)
	if errors.Is(err, accounts.ErrExists) {
		return fail("admin.exists")
	}
	if err != nil {
		return err
	}
	if err := c.Audit("user-add", "", "user "+name+"; roles "+rs.String()); err != nil {
		return err
	}
	done := "admin.added"
	if rs.Privileged() {
		done = "admin.needs_totp"
	}
	return c.Redirect(userURL(name) + "?done=" + done)
}

// cleanEmail accepts an empty field or one bare address.
func cleanEmail(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 {
		return "", false
	}
	return strings.ToLower(s), true
}

func userURL(name string) string { return "/admin/users/" + url.PathEscape(name) }

type userData struct {
	U      accounts.User
	Roles  []roleBox
	Local  bool
	Self   bool
	Locked bool
	Notice string
	Error  string
	// Secret and URI are a TOTP secret just created, shown once on the answer to the
	// POST that made it (never in a URL, never stored in the page's cache: no-store).
	Secret string
	URI    string
}

// target loads the user of the route; a malformed or unknown name is a 404.
func (p *Portal) target(c *web.Ctx) (accounts.User, error) {
	name, err := accounts.NormalizeName(c.Param("name"))
	if err != nil || name != c.Param("name") {
		return accounts.User{}, web.Error(404, "admin.no_user")
	}
	u, err := p.o.Web.Store.User(c, name)
	if errors.Is(err, accounts.ErrNoUser) {
		return u, web.Error(404, "admin.no_user")
	}
	return u, err
}

func (p *Portal) userPage(c *web.Ctx) error {
	u, err := p.target(c)
	if err != nil {
		return err
	}
	return p.renderUser(c, 200, u, userData{Notice: c.Query("done"), Error: c.Query("err")})
}

func (p *Portal) renderUser(c *web.Ctx, code int, u accounts.User, d userData) error {
	d.U, d.Roles = u, roleBoxes(func(r accounts.Role) bool { return slices.Contains(u.Roles, r) })
	d.Local, d.Self, d.Locked = u.Source == accounts.Local, u.Name == c.User(), u.LockedUntil.After(p.o.Now())
	return c.RenderStatus(code, "user.html", d)
}

// change loads the route's user for a change: never the admin's own account.
func (p *Portal) change(c *web.Ctx) (accounts.User, error) {
	u, err := p.target(c)
	if err != nil {
		return u, err
	}
	if u.Name == c.User() {
		return u, web.Error(409, "admin.self")
	}
	return u, nil
}

// changed audits a change and shows the user's page with the notice.
func (p *Portal) changed(c *web.Ctx, u accounts.User, action, detail, notice string) error {
	if err := c.Audit(action, "", "user "+u.Name+detail); err != nil {
		return err
	}
	return c.Redirect(userURL(u.Name) + "?done=" + notice)
}

func (p *Portal) userRoles(c *web.Ctx) error {
	u, err := p.change(c)
	if err != nil {
		return err
	}
	if u.Source != accounts.Local {
		return c.Redirect(userURL(u.Name) + "?err=admin.directory_roles")
	}
	rs, ok := formRoles(c)
	if !ok {
		return c.Redirect(userURL(u.Name) + "?err=admin.no_role")
	}
	if err := p.o.Web.Store.SetRoles(c, u.Name, rs); err != nil {
		return err
	}
	notice := "admin.saved"
	if rs.Privileged() && !u.HasTOTP {
		notice = "admin.needs_totp"
	}
	return p.changed(c, u, "user-roles", "; roles "+rs.String(), notice)
}

func (p *Portal) userPassword(c *web.Ctx) error {
	u, err := p.change(c)
	if err != nil {
		return err
	}
	if u.Source != accounts.Local {
		return c.Redirect(userURL(u.Name) + "?err=admin.directory_password")
	}
	pw := c.Form("password")
	if pw != c.Form("again") {
		return c.Redirect(userURL(u.Name) + "?err=account.mismatch")
	}
	if accounts.CheckPassword(pw) != nil {
		return c.Redirect(userURL(u.Name) + "?err=account.too_short")
	}
	h, err := p.o.Web.Auth.Hash(pw)
	if err != nil {
		return err
	}
	if err := p.o.Web.Store.SetPasswordHash(c, u.Name, h); err != nil {
		return err
	}
	return p.changed(c, u, "user-passwd", "; set by an admin", "admin.password_set")
}

// userTOTP enrols a new secret (action=new), shown once on the answer, or removes it.
// Either ends the user's sessions.
func (p *Portal) userTOTP(c *web.Ctx) error {
	u, err := p.change(c)
	if err != nil {
		return err
	}
	switch c.Form("action") {
	case "remove":
		if err := p.o.Web.Store.SetTOTP(c, u.Name, nil); err != nil {
			return err
		}
		return p.changed(c, u, "user-totp", "; removed", "admin.totp_removed")
	case "new":
	default:
		return web.Error(400, "bad request")
	}
	sec, err := accounts.NewTOTPSecret()
	if err != nil {
		return err
	}
	if err := p.o.Web.Store.SetTOTP(c, u.Name, sec); err != nil {
		return err
	}
	if err := c.Audit("user-totp", "", "user "+u.Name+"; new secret"); err != nil {
		return err
	}
	if u, err = p.o.Web.Store.User(c, u.Name); err != nil {
		return err
	}
	return p.renderUser(c, 200, u, userData{Notice: "admin.totp_new", Secret: accounts.EncodeSecret(sec),
		URI: accounts.ProvisioningURI("sekisho", u.Name, sec)})
}

func (p *Portal) userDisable(c *web.Ctx) error {
	u, err := p.change(c)
	if err != nil {
		return err
	}
	var disable bool
	switch c.Form("action") {
	case "disable":
		disable = true
	case "enable":
	default:
		return web.Error(400, "bad request")
	}
	if err := p.o.Web.Store.SetDisabled(c, u.Name, disable); err != nil {
		return err
	}
	if disable {
		return p.changed(c, u, "user-disable", "", "admin.disabled")
	}
	return p.changed(c, u, "user-enable", "", "admin.enabled")
}

func (p *Portal) userUnlock(c *web.Ctx) error {
	u, err := p.change(c)
	if err != nil {
		return err
	}
	if err := p.o.Web.Store.Unlock(c, u.Name); err != nil {
		return err
	}
	return p.changed(c, u, "user-unlock", "", "admin.unlocked")
}

// roleBox is one role checkbox of a form.
type roleBox struct {
	Role    accounts.Role
	Checked bool
}

func roleBoxes(checked func(accounts.Role) bool) []roleBox {
	out := make([]roleBox, len(accounts.AllRoles))
	for i, r := range accounts.AllRoles {
		out[i] = roleBox{Role: r, Checked: checked(r)}
	}
	return out
}
