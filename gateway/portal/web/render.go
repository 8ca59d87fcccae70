package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
)

//go:embed templates/*.html
var baseTemplates embed.FS

//go:embed static
var staticFiles embed.FS

// renderer holds one parsed template set per page: the layout plus the page.
type renderer struct {
	pages map[string]*template.Template
	msgs  Messages
}

var funcs = template.FuncMap{
	// join is for class lists and the like; values are still escaped by the template.
	"join": strings.Join,
	// list makes a literal list for range (option values).
	"list": func(s ...string) []string { return s },
	// inc numbers from one (pages).
	"inc": func(i int) int { return i + 1 },
}

func newRenderer(app fs.FS, appMsgs Messages) (*renderer, error) {
	r := &renderer{pages: map[string]*template.Template{}, msgs: Messages{}}
	for k, v := range baseMessages {
		r.msgs[k] = v
	}
	for k, v := range appMsgs {
		r.msgs[k] = v
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(baseTemplates, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("web: layout: %w", err)
	}
	add := func(fsys fs.FS, dir string) error {
		names, err := fs.Glob(fsys, path.Join(dir, "*.html"))
		if err != nil {
			return err
		}
		for _, n := range names {
			base := path.Base(n)
			if base == "layout.html" || strings.HasPrefix(base, "_") {
				continue
			}
			t, err := layout.Clone()
			if err != nil {
				return err
			}
			// Partials (files starting with _) are shared by the pages of one FS.
			partials, _ := fs.Glob(fsys, path.Join(dir, "_*.html"))
			if _, err := t.ParseFS(fsys, append(partials, n)...); err != nil {
				return fmt.Errorf("web: %s: %w", n, err)
			}
			r.pages[base] = t
		}
		return nil
	}
	if err := add(baseTemplates, "templates"); err != nil {
		return nil, err
	}
	if app != nil {
		if err := add(app, "."); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Page is what every template sees as its dot: the request's context and the handler's
// data. Templates call {{.T "key"}} for text.
type Page struct {
	App   string
	Lang  string
	User  string
	Roles accounts.Roles
	CSRF  string
	Path  string
	Nav   []NavLink
	Data  any
	c     *Ctx
}

// NavLink is a header link the current user may follow.
type NavLink struct {
	Path, Label string
	Active      bool
}

// T translates a key.
func (p *Page) T(key string) string { return p.c.s.r.msgs.get(p.Lang, key) }

// Tf translates a key and formats it with args (fmt verbs in the message).
func (p *Page) Tf(key string, args ...any) string { return fmt.Sprintf(p.T(key), args...) }

// Has reports whether the user holds a role.
func (p *Page) Has(r string) bool { return p.c.Has(accounts.Role(r)) }

// Time formats a time in the server's zone.
func (p *Page) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04")
}

// Size formats a byte count.
func (p *Page) Size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// Other is the language the switch offers.
func (p *Page) Other() string {
	if p.Lang == "en" {
		return "ja"
	}
	return "en"
}

func (c *Ctx) renderStatus(code int, page string, data any) error {
	t := c.s.r.pages[page]
	if t == nil {
		return fmt.Errorf("web: no template %s", page)
	}
	p := &Page{App: c.s.o.Name, Lang: c.lang, User: c.User(), Path: string(c.Path()), Data: data, c: c}
	if c.sess != nil && c.sess.Stage == accounts.Full {
		p.Roles = c.sess.Roles
		for _, n := range c.s.o.Nav {
			if len(n.Access.Roles) == 0 || c.sess.Roles.Any(n.Access.Roles...) {
				p.Nav = append(p.Nav, NavLink{Path: n.Path, Label: n.Label,
					Active: p.Path == n.Path || (n.Path != "/" && strings.HasPrefix(p.Path, n.Path+"/"))})
			}
		}
	}
	p.CSRF = c.CSRF()
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		return fmt.Errorf("web: render %s: %w", page, err)
	}
	c.SetStatusCode(code)
	c.SetContentType("text/html; charset=utf-8")
	c.SetBody(buf.Bytes())
	return nil
}

// Msg is one message: Japanese, then English.
type Msg [2]string

// Messages maps keys to messages.
type Messages map[string]Msg

func (m Messages) get(lang, key string) string {
	v, ok := m[key]
	if !ok {
		return key
	}
	if lang == "en" && v[1] != "" {
		return v[1]
	}
	return v[0]
}

// Keys lists the message keys (for tests that check templates use only known keys).
func (s *Server) Keys() map[string]Msg { return s.r.msgs }
