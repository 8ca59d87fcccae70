package web

import (
	"strings"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
)

// Access says who may use a route.
type Access struct {
	// Public routes need no session (login, static assets, health).
	Public bool
	// Pending routes are for a session that still owes its TOTP code.
	Pending bool
	// Roles: a logged-in session holding any of them. Empty with neither flag set means
	// any logged-in user.
	Roles []accounts.Role
}

// Anyone is a public route.
var Anyone = Access{Public: true}

// LoggedIn is any fully logged-in user.
var LoggedIn = Access{}

// Roles is a route for sessions holding any of the roles.
func Roles(r ...accounts.Role) Access { return Access{Roles: r} }

// Handler serves one request. A returned error becomes an error page (see HTTPError).
type Handler func(c *Ctx) error

// Route is one entry of the route table.
type Route struct {
	Method  string
	Pattern string // "/items/{id}" — one {name} segment at most per path element
	Access  Access
	handler Handler
	parts   []string
	prefix  bool // pattern ends in "/*": matches everything below
}

// Router maps method and path to a route.
type Router struct{ routes []*Route }

// Handle registers a route. Patterns are matched segment by segment; "{name}" matches one
// non-empty segment, a final "*" matches the rest.
func (r *Router) Handle(method, pattern string, a Access, h Handler) {
	rt := &Route{Method: method, Pattern: pattern, Access: a, handler: h}
	p := strings.Trim(pattern, "/")
	if strings.HasSuffix(p, "*") {
		rt.prefix = true
		p = strings.TrimSuffix(strings.TrimSuffix(p, "*"), "/")
	}
	if p != "" {
		rt.parts = strings.Split(p, "/")
	}
	r.routes = append(r.routes, rt)
}

// GET and POST are shorthands for Handle.
func (r *Router) GET(pattern string, a Access, h Handler)  { r.Handle("GET", pattern, a, h) }
func (r *Router) POST(pattern string, a Access, h Handler) { r.Handle("POST", pattern, a, h) }

// Routes lists the route table.
func (r *Router) Routes() []Route {
	out := make([]Route, len(r.routes))
	for i, rt := range r.routes {
		out[i] = *rt
	}
	return out
}

// match finds the route for method and path. It reports whether the path exists with
// another method, for a 405.
func (r *Router) match(method, path string) (*Route, map[string]string, bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) == 1 && segs[0] == "" {
		segs = nil
	}
	otherMethod := false
	for _, rt := range r.routes {
		params, ok := rt.matchPath(segs)
		if !ok {
			continue
		}
		if rt.Method != method && !(method == "HEAD" && rt.Method == "GET") {
			otherMethod = true
			continue
		}
		return rt, params, false
	}
	return nil, nil, otherMethod
}

func (rt *Route) matchPath(segs []string) (map[string]string, bool) {
	if rt.prefix {
		if len(segs) <= len(rt.parts) {
			return nil, false
		}
	} else if len(segs) != len(rt.parts) {
		return nil, false
	}
	var params map[string]string
	for i, p := range rt.parts {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			if segs[i] == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[p[1:len(p)-1]] = segs[i]
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	if rt.prefix {
		if params == nil {
			params = map[string]string{}
		}
		params["*"] = strings.Join(segs[len(rt.parts):], "/")
	}
	return params, true
}
