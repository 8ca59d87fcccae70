package webtest

import (
	"crypto/tls"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Client is a browser-like HTTP client: cookies, no automatic redirects (tests look at
// them), the CSRF token of the last page kept for the next form.
type Client struct {
	t    testing.TB
	Base string
	HTTP *http.Client
	csrf string
	// Header is added to every request (Sec-Fetch-Site, Origin, ...).
	Header http.Header
}

// NewClient returns a client for the server at base (certificate not checked).
func NewClient(t testing.TB, base string) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, Base: base, Header: http.Header{}, HTTP: &http.Client{
		Jar:           jar,
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// Do sends a request and returns the response with its body read.
func (c *Client) Do(req *http.Request) (*http.Response, string) {
	c.t.Helper()
	for k, v := range c.Header {
		req.Header[k] = v
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	resp.Body.Close()
	if m := csrfRE.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return resp, string(b)
}

// Get fetches path.
func (c *Client) Get(path string) (*http.Response, string) {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.Base+path, nil)
	return c.Do(req)
}

// Post sends a form with the CSRF token of the last page (unless v sets csrf itself).
func (c *Client) Post(path string, v url.Values) (*http.Response, string) {
	c.t.Helper()
	if v == nil {
		v = url.Values{}
	}
	if _, ok := v["csrf"]; !ok {
		v.Set("csrf", c.csrf)
	}
	req, _ := http.NewRequest("POST", c.Base+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.Do(req)
}

// CSRF is the token of the last page.
func (c *Client) CSRF() string { return c.csrf }

// Login logs in with password and, when secret is set, a TOTP code; it fails the test
// unless the login ends on a logged-in page.
func (c *Client) Login(user, password string, secret []byte) {
	c.t.Helper()
	c.Get("/login")
	resp, body := c.Post("/login", url.Values{"user": {user}, "password": {password}})
	if resp.StatusCode != 303 {
		c.t.Fatalf("login %s: %d %s", user, resp.StatusCode, excerpt(body))
	}
	if strings.HasPrefix(resp.Header.Get("Location"), "/login/totp") {
		if secret == nil {
			c.t.Fatalf("login %s: TOTP asked, no secret", user)
		}
		c.Get(resp.Header.Get("Location"))
		resp, body = c.Post("/login/totp", url.Values{"code": {Code(secret)}})
		if resp.StatusCode != 303 {
			c.t.Fatalf("totp %s: %d %s", user, resp.StatusCode, excerpt(body))
		}
	}
	c.Get(resp.Header.Get("Location"))
}

func excerpt(s string) string {
	if i := strings.Index(s, `role="alert"`); i >= 0 {
		s = s[i:]
	}
	if len(s) > 300 {
		s = s[:300]
	}
	return s
}
