package portal

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/portal/ppap"
	"github.com/sekisho/sekisho/gateway/portal/web"
	"github.com/sekisho/sekisho/gateway/transfer"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/sanitize"
)

//go:embed templates/*.html
var templates embed.FS

// Outbox puts a message built by the portal (the PPAP result, the digest) into the mail
// queue; the relay delivers it like any other. It returns the queue ID.
type Outbox interface {
	Send(ctx context.Context, rcpts []string, msg []byte) (string, error)
}

// Options configure the portal. Web holds the foundation's options; New fills in the
// pages, messages, navigation and auditor.
type Options struct {
	Web        web.Options
	Quarantine *quarantine.Service
	// DB holds the portal's own tables (PPAP tries, statistics); Migrate creates them.
	DB        *sql.DB
	Migrate   func(ctx context.Context, component string, s quarantine.Schema) error
	Previewer *Previewer
	// Files is the engine that sanitizes what a PPAP password opened.
	Files sanitize.Sanitizer
	// PPAPLimits bound one decryption; PPAPMaxTries wrong passwords lock an item for
	// PPAPLock (defaults 5 and 1h).
	PPAPLimits   ppap.Limits
	PPAPMaxTries int
	PPAPLock     time.Duration
	Outbox       Outbox
	// Hostname names the gateway in the messages it writes (From, Message-ID).
	Hostname string
	// AuditLog is the audit log file shown on the audit page; Verify checks its chain.
	AuditLog string
	// DigestTime (HH:MM, server time) is when the daily digest goes to DigestTo (empty:
	// every operator's address); empty DigestTime sends none. PublicURL is the portal's
	// address in mail.
	DigestTime string
	DigestTo   []string
	PublicURL  string
	// QueueDepth reports the mail queue by state for the dashboard; nil shows nothing.
	QueueDepth func() map[string]int
	// Transfer adds the file-transfer pages (nil: transfer disabled).
	Transfer *transfer.Service
	Logger   *slog.Logger
	Now      func() time.Time
}

// Portal is the running application.
type Portal struct {
	*web.Server
	o      Options
	q      *quarantine.Service
	log    *slog.Logger
	cache  *previewCache
	sem    chan struct{} // previews built at once
	ppapMu sync.Mutex
	stats  *Stats
	stop   chan struct{}
	done   chan struct{}
}

// Schema is the portal's own tables per dialect, applied under the component name "portal".
var Schema = quarantine.Schema{
	SQLite: []string{
		// 1
		`CREATE TABLE IF NOT EXISTS portal_ppap (item_id TEXT PRIMARY KEY, failures INTEGER NOT NULL,
			locked_until INTEGER NOT NULL);
		CREATE TABLE IF NOT EXISTS portal_stats (day TEXT NOT NULL, metric TEXT NOT NULL, label TEXT NOT NULL,
			n INTEGER NOT NULL, PRIMARY KEY (day, metric, label));`,
	},
	Postgres: []string{
		// 1
		`CREATE TABLE portal_ppap (item_id TEXT PRIMARY KEY, failures INTEGER NOT NULL, locked_until BIGINT NOT NULL);
		CREATE TABLE portal_stats (day TEXT NOT NULL, metric TEXT NOT NULL, label TEXT NOT NULL,
			n BIGINT NOT NULL, PRIMARY KEY (day, metric, label));`,
	},
}

// consoleRoles may look at any item; writeRoles may release and delete.
var (
	consoleRoles = []accounts.Role{accounts.Operator, accounts.Auditor, accounts.Approver, accounts.Admin}
	writeRoles   = []accounts.Role{accounts.Operator, accounts.Admin}
	approveRoles = []accounts.Role{accounts.Operator, accounts.Approver, accounts.Admin}
)

// New builds the portal and its routes.
func New(ctx context.Context, o Options) (*Portal, error) {
	if o.Quarantine == nil || o.DB == nil || o.Migrate == nil || o.Outbox == nil || o.Files == nil || o.Previewer == nil {
		return nil, errors.New("portal: quarantine, database, outbox, engine and previewer are required")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.PPAPMaxTries <= 0 {
		o.PPAPMaxTries = 5
	}
	if o.PPAPLock <= 0 {
		o.PPAPLock = time.Hour
	}
	if o.Hostname == "" {
		o.Hostname = "sekisho.local"
	}
	if err := o.Migrate(ctx, "portal", Schema); err != nil {
		return nil, err
	}
	p := &Portal{o: o, q: o.Quarantine, log: o.Logger, cache: newPreviewCache(16, 256<<20), sem: make(chan struct{}, 2)}
	p.stats = newStats(o.DB, o.Now, o.Logger)
	p.stop, p.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(p.done)
		if o.DigestTime != "" {
			p.digestLoop(p.stop)
		}
	}()
	wo := o.Web
	wo.Logger = o.Logger
	wo.Audit = auditor{q: o.Quarantine}
	pages, err := fs.Sub(templates, "templates")
	if err != nil {
		return nil, err
	}
	wo.Pages = pages
	wo.Messages = web.Messages{}
	for _, m := range []web.Messages{messages, transferMessages, adminMessages} {
		for k, v := range m {
			wo.Messages[k] = v
		}
	}
	wo.Home = func(r accounts.Roles) string {
		if r.Any(consoleRoles...) {
			return "/"
		}
		return "/my"
	}
	wo.Nav = []web.NavItem{
		{Path: "/", Label: "nav.dashboard", Access: web.Roles(consoleRoles...)},
		{Path: "/items", Label: "nav.items", Access: web.Roles(consoleRoles...)},
		{Path: "/my", Label: "nav.my", Access: web.LoggedIn},
		{Path: "/audit", Label: "nav.audit", Access: web.Roles(accounts.Auditor, accounts.Admin)},
		{Path: "/transfers", Label: "nav.transfers", Access: web.LoggedIn},
		{Path: "/admin/users", Label: "nav.users", Access: adminOnly},
		{Path: "/account", Label: "nav.account", Access: web.LoggedIn},
	}
	if o.Transfer == nil {
		wo.Nav = slices.DeleteFunc(wo.Nav, func(n web.NavItem) bool { return n.Path == "/transfers" })
	}
	s, err := web.New(wo)
	if err != nil {
		return nil, err
	}
	p.Server = s
	p.routes()
	p.adminRoutes()
	if o.Transfer != nil {
		p.transferRoutes()
	}
	return p, nil
}

func (p *Portal) routes() {
	p.GET("/", web.LoggedIn, p.home)
	p.GET("/items", web.Roles(consoleRoles...), p.list)
	p.POST("/items/bulk", web.Roles(writeRoles...), p.bulk)
	p.GET("/items/{id}", web.LoggedIn, p.detail)
	p.GET("/items/{id}/page/{n}", web.LoggedIn, p.page)
	p.POST("/items/{id}/release", web.Roles(writeRoles...), p.release)
	p.POST("/items/{id}/approve", web.Roles(approveRoles...), p.approve)
	p.POST("/items/{id}/reject", web.Roles(approveRoles...), p.reject)
	p.POST("/items/{id}/delete", web.Roles(writeRoles...), p.delete)
	p.GET("/items/{id}/original", web.Roles(accounts.Admin), p.originalWarning)
	p.POST("/items/{id}/original", web.Roles(accounts.Admin), p.original)
	p.POST("/items/{id}/request", web.LoggedIn, p.requestRelease)
	p.GET("/my", web.LoggedIn, p.my)
	p.GET("/ppap/{id}", web.LoggedIn, p.ppapPage)
	p.POST("/ppap/{id}", web.LoggedIn, p.ppapPost)
	p.GET("/audit", web.Roles(accounts.Auditor, accounts.Admin), p.auditView)
	p.GET("/account", web.LoggedIn, p.account)
	p.POST("/account/password", web.LoggedIn, p.changePassword)
}

// Close stops the digest and the statistics writer (flushing what it holds).
func (p *Portal) Close() error {
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	<-p.done
	return p.stats.close()
}

// auditor writes the foundation's events (logins, views) to the quarantine's audit log.
type auditor struct{ q *quarantine.Service }

func (a auditor) Audit(ctx context.Context, e web.Event) error {
	detail := "ip=" + e.IP
	if e.Detail != "" {
		detail += "; " + e.Detail
	}
	return a.q.Audit(ctx, quarantine.AuditEntry{Action: quarantine.Action(e.Action), ID: e.Object,
		Actor: quarantine.Actor(e.Actor), Detail: detail})
}

// errNotFound is what every refused object access looks like: whether the item exists
// and belongs to someone else is not the requester's business.
var errNotFound = web.Error(404, "item.not_found")

// email is the address the logged-in user's items are held for.
func (p *Portal) email(c *web.Ctx) string {
	u, err := p.Web().Store.User(c, c.User())
	if err != nil {
		return ""
	}
	if u.Email != "" {
		return strings.ToLower(u.Email)
	}
	if strings.Contains(u.Name, "@") {
		return u.Name
	}
	return ""
}

// Web is the foundation's options (the account store).
func (p *Portal) Web() web.Options { return p.o.Web }

// isRecipient reports whether addr is exactly one of the record's recipients.
func isRecipient(rec quarantine.Record, addr string) bool {
	return addr != "" && slices.ContainsFunc(rec.Rcpts, func(r string) bool { return strings.EqualFold(r, addr) })
}

// item loads the item of the route and checks that the user may see it: console roles see
// every item; anyone else only items held for their own address that still have their
// original. Anything else is a 404.
func (p *Portal) item(c *web.Ctx) (quarantine.Record, error) {
	rec, err := p.load(c)
	if err != nil {
		return rec, err
	}
	if c.Session().Roles.Any(consoleRoles...) {
		return rec, nil
	}
	if !isRecipient(rec, p.email(c)) || (rec.Status != quarantine.Held && rec.Status != quarantine.ReleaseRequested) {
		return rec, errNotFound
	}
	return rec, nil
}

// load reads the record of the route's {id}; an ID that is malformed or unknown is a 404.
func (p *Portal) load(c *web.Ctx) (quarantine.Record, error) {
	id := c.Param("id")
	if !validID(id) {
		return quarantine.Record{}, errNotFound
	}
	rec, err := p.q.Get(c, id)
	if errors.Is(err, quarantine.ErrNotFound) {
		return rec, errNotFound
	}
	return rec, err
}

// validID accepts the quarantine's IDs (Q20261206-0123456789AB) and nothing resembling a
// path.
func validID(id string) bool {
	if len(id) < 8 || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func (p *Portal) home(c *web.Ctx) error {
	if !c.Session().Roles.Any(consoleRoles...) {
		return c.Redirect("/my")
	}
	return p.dashboard(c)
}

// actor is the quarantine's name for the logged-in user.
func actor(c *web.Ctx) quarantine.Actor { return quarantine.Actor(c.User()) }

// viewAudit records that the user looked at an item.
func (p *Portal) viewAudit(c *web.Ctx, action quarantine.Action, id, detail string) error {
	return p.q.Audit(c, quarantine.AuditEntry{Action: action, ID: id, Actor: actor(c),
		Detail: fmt.Sprintf("ip=%s; %s", c.IP(), detail)})
}
