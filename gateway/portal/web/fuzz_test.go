package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

// FuzzLocalPath: whatever "next" a request carries, the redirect target stays on this
// site (no scheme, no host, no protocol-relative or backslash form).
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/items", "//evil.example", "/\\evil", "https://evil.example/", "/%0d%0a", "/a?b=c#d", "javascript:alert(1)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		got := localPath(p, "/")
		if got == "/" {
			return
		}
		if got != p || !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\\r\n\t") {
			t.Fatalf("%q -> %q", p, got)
		}
		u, err := url.Parse(got)
		if err != nil || u.Host != "" || u.Scheme != "" {
			t.Fatalf("%q -> %q leaves the site", p, got)
		}
	})
}

// FuzzRouter: matching any path never panics, and a {param} never holds a slash.
func FuzzRouter(f *testing.F) {
	var r Router
	r.GET("/items/{id}", LoggedIn, nil)
	r.GET("/items/{id}/page/{n}", LoggedIn, nil)
	r.GET("/static/*", Anyone, nil)
	for _, s := range []string{"/items/Q1", "/items/Q1/page/2", "/static/a/b.css", "/", "//", "/items//page/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		rt, params, _ := r.match("GET", p)
		if rt == nil {
			return
		}
		for k, v := range params {
			if k != "*" && (v == "" || strings.Contains(v, "/")) {
				t.Fatalf("%q: param %s = %q", p, k, v)
			}
		}
	})
}
