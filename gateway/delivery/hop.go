package delivery

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"
)

// rcptResult is the outcome for one recipient of one attempt.
type rcptResult struct {
	Rcpt      string
	OK        bool
	Permanent bool
	Code      int
	Msg       string
	Status    string // the hop's enhanced status code ("5.1.1"), if its reply had one
	Reply     string // the hop's reply as received, "" for a local failure
}

// hops delivers to next hops, reusing SMTP connections per hop.
type hops struct {
	hostname    string
	maxPerHop   int
	timeout     time.Duration
	idleTimeout time.Duration
	mu          sync.Mutex
	pools       map[string]*hopPool
}

func newHops(hostname string, maxPerHop int, timeout time.Duration) *hops {
	if maxPerHop <= 0 {
		maxPerHop = 8
	}
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	return &hops{hostname: hostname, maxPerHop: maxPerHop, timeout: timeout, idleTimeout: 30 * time.Second, pools: map[string]*hopPool{}}
}

type hopPool struct {
	sem  chan struct{}
	mu   sync.Mutex
	idle []idleClient
}

type idleClient struct {
	c    *gosmtp.Client
	when time.Time
}

func (d *hops) pool(r Route) *hopPool {
	d.mu.Lock()
	defer d.mu.Unlock()
	p := d.pools[r.Key()]
	if p == nil {
		p = &hopPool{sem: make(chan struct{}, d.maxPerHop)}
		d.pools[r.Key()] = p
	}
	return p
}

// flushIdle closes the pool's idle connections.
func (p *hopPool) flushIdle() {
	p.mu.Lock()
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	for _, ic := range idle {
		ic.c.Close()
	}
}

// closeIdle closes every pooled connection; called at shutdown.
func (d *hops) closeIdle() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, p := range d.pools {
		p.mu.Lock()
		for _, ic := range p.idle {
			ic.c.Quit()
		}
		p.idle = nil
		p.mu.Unlock()
	}
}

// deliver sends one message to rcpts over route r. Every recipient gets a result; a
// connection-level failure is a temporary failure for all of them.
func (d *hops) deliver(ctx context.Context, r Route, id, from string, rcpts []string, body func() (io.ReadCloser, error)) []rcptResult {
	if r.Transport == "dir" {
		return d.deliverDir(r, id, from, rcpts, body)
	}
	p := d.pool(r)
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return allFail(rcpts, 451, "shutting down", false)
	}
	defer func() { <-p.sem }()

	for attempt := 0; attempt < 2; attempt++ {
		c, reused, err := d.get(p, r)
		if err != nil {
			res := allFailWith(rcpts, err)
			for i := range res {
				if res[i].Reply == "" {
					res[i].Msg = "connect to " + r.Addr + ": " + res[i].Msg
				}
			}
			return res
		}
		res, err := d.transaction(c, from, rcpts, body)
		if err != nil && reused && attempt == 0 && isConnError(err) {
			// A pooled connection the server closed while idle (a restart, an idle
			// timeout): its siblings are most likely dead too, so drop them all and retry
			// once on a fresh connection.
			c.Close()
			p.flushIdle()
			continue
		}
		if err != nil {
			c.Close()
			return res
		}
		p.mu.Lock()
		p.idle = append(p.idle, idleClient{c: c, when: time.Now()})
		p.mu.Unlock()
		return res
	}
	return allFail(rcpts, 451, "connection lost", false)
}

func isConnError(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || strings.Contains(err.Error(), "broken pipe") || strings.Contains(err.Error(), "connection reset")
}

func (d *hops) get(p *hopPool, r Route) (*gosmtp.Client, bool, error) {
	p.mu.Lock()
	for len(p.idle) > 0 {
		ic := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		if time.Since(ic.when) < d.idleTimeout {
			p.mu.Unlock()
			return ic.c, true, nil
		}
		ic.c.Close()
	}
	p.mu.Unlock()
	c, err := d.dial(r)
	return c, false, err
}

func (d *hops) dial(r Route) (*gosmtp.Client, error) {
	if r.TLS != "none" {
		host, _, _ := net.SplitHostPort(r.Addr)
		sn := r.ServerName
		if sn == "" {
			sn = host
		}
		conn, err := net.DialTimeout("tcp", r.Addr, 30*time.Second)
		if err != nil {
			return nil, err
		}
		conn.SetDeadline(time.Now().Add(d.timeout))
		// go-smtp only exposes STARTTLS at client creation, so the pre-TLS EHLO name is its
		// default; the EHLO after TLS carries our hostname.
		c, err := gosmtp.NewClientStartTLS(conn, &tls.Config{ServerName: sn, InsecureSkipVerify: r.InsecureSkipVerify, MinVersion: tls.VersionTLS12})
		conn.SetDeadline(time.Time{})
		if err == nil {
			// The handshake (and certificate verification) happens at the first write, i.e.
			// in the EHLO that greet sends: its failure is a TLS failure too.
			c.CommandTimeout, c.SubmissionTimeout = d.timeout, d.timeout
			if err = c.Hello(d.hostname); err == nil {
				return d.auth(c, r)
			}
			c.Close()
		}
		if r.TLS == "required" {
			return nil, fmt.Errorf("starttls required by the route: %w", err)
		}
		// Opportunistic: fall back to plain text, as Postfix's "may" level does.
	}
	conn, err := net.DialTimeout("tcp", r.Addr, 30*time.Second)
	if err != nil {
		return nil, err
	}
	return d.greet(gosmtp.NewClient(conn), r)
}

func (d *hops) greet(c *gosmtp.Client, r Route) (*gosmtp.Client, error) {
	c.CommandTimeout = d.timeout
	c.SubmissionTimeout = d.timeout
	if err := c.Hello(d.hostname); err != nil {
		c.Close()
		return nil, err
	}
	if r.Username != "" && r.TLS != "none" {
		// An opportunistic route that fell back to plain text never sends its password.
		c.Close()
		return nil, errors.New("next hop without TLS: refusing to send AUTH credentials in clear text")
	}
	return d.auth(c, r)
}

func (d *hops) auth(c *gosmtp.Client, r Route) (*gosmtp.Client, error) {
	if r.Username != "" {
		if err := c.Auth(sasl.NewPlainClient("", r.Username, r.Password)); err != nil {
			c.Close()
			return nil, fmt.Errorf("auth: %w", err)
		}
	}
	return c, nil
}

func (d *hops) transaction(c *gosmtp.Client, from string, rcpts []string, body func() (io.ReadCloser, error)) ([]rcptResult, error) {
	// The body is opened before the envelope goes out: with PIPELINING the DATA command
	// travels with MAIL and RCPT, so nothing may fail between DATA's 354 and the data.
	rdr, err := body()
	if err != nil {
		return allFail(rcpts, 451, "local: "+err.Error(), false), nil
	}
	defer rdr.Close()
	opts := &gosmtp.MailOptions{Body: gosmtp.Body8BitMIME}
	rcptErrs, wc, err := c.SendEnvelope(from, opts, rcpts)
	var smtpErr *gosmtp.SMTPError
	if err != nil && !errors.As(err, &smtpErr) {
		// An I/O or protocol error: nothing is known of this transaction.
		return allFail(rcpts, 451, err.Error(), false), err
	}
	res := make([]rcptResult, len(rcpts))
	for i, rc := range rcpts {
		res[i].Rcpt = rc
		if rcptErrs[i] != nil {
			res[i] = failure(rc, rcptErrs[i])
		}
	}
	if wc == nil {
		if err != nil && slices.ContainsFunc(rcptErrs, func(e error) bool { return e == nil }) {
			// DATA refused after a recipient was accepted.
			return markAccepted(res, failure("", err)), c.Reset()
		}
		return res, c.Reset()
	}
	if _, err := io.Copy(wc, rdr); err != nil {
		wc.Close()
		return markAccepted(res, failure("", err)), err
	}
	if err := wc.Close(); err != nil {
		return markAccepted(res, failure("", err)), connErrOrNil(err)
	}
	return markAccepted(res, rcptResult{OK: true, Code: 250, Msg: "ok"}), nil
}

func connErrOrNil(err error) error {
	if isConnError(err) {
		return err
	}
	return nil
}

// markAccepted gives the recipients the server accepted at RCPT the outcome of the data
// transaction.
func markAccepted(res []rcptResult, outcome rcptResult) []rcptResult {
	for i := range res {
		if res[i].Code == 0 {
			rc := res[i].Rcpt
			res[i] = outcome
			res[i].Rcpt = rc
		}
	}
	return res
}

func allFail(rcpts []string, code int, msg string, perm bool) []rcptResult {
	out := make([]rcptResult, len(rcpts))
	for i, r := range rcpts {
		out[i] = rcptResult{Rcpt: r, Code: code, Msg: msg, Permanent: perm}
	}
	return out
}

// allFailWith gives every recipient the outcome of err.
func allFailWith(rcpts []string, err error) []rcptResult {
	out := make([]rcptResult, len(rcpts))
	for i, r := range rcpts {
		out[i] = failure(r, err)
	}
	return out
}

// deliverDir writes the message as <dir>/<id>.eml with the envelope as leading trace
// headers, atomically, so the embedded default can run with no next hop. One file per
// message: every recipient on the route shares it.
func (d *hops) deliverDir(r Route, id, from string, rcpts []string, body func() (io.ReadCloser, error)) []rcptResult {
	fail := func(err error) []rcptResult { return allFail(rcpts, 451, "dir transport: "+err.Error(), false) }
	if err := os.MkdirAll(r.Addr, 0o750); err != nil {
		return fail(err)
	}
	name := id + "-" + shortHash(strings.Join(rcpts, ",")) + ".eml"
	tmp := filepath.Join(r.Addr, "."+name+".tmp")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(f, "Return-Path: <%s>\r\n", from)
	for _, rc := range rcpts {
		fmt.Fprintf(f, "X-Sekisho-Envelope-To: <%s>\r\n", rc)
	}
	rdr, err := body()
	if err == nil {
		_, err = io.Copy(f, rdr)
		rdr.Close()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(r.Addr, name))
	}
	if err != nil {
		os.Remove(tmp)
		return fail(err)
	}
	if err := syncDir(r.Addr); err != nil {
		return fail(err)
	}
	out := make([]rcptResult, len(rcpts))
	for i, rc := range rcpts {
		out[i] = rcptResult{Rcpt: rc, OK: true, Code: 250, Msg: "written to " + name}
	}
	return out
}

// failure describes a delivery error for every recipient it concerns: a reply of the hop
// keeps its code, enhanced status and text (the DSN reports them as the hop gave them) and
// is permanent when it is a 5xx; anything else is a temporary local failure.
func failure(rcpt string, err error) rcptResult {
	var se *gosmtp.SMTPError
	if errors.As(err, &se) {
		r := rcptResult{Rcpt: rcpt, Code: se.Code, Permanent: se.Code >= 500 && se.Code < 600}
		reply := []string{fmt.Sprintf("%03d", se.Code)}
		if c := se.EnhancedCode; c != gosmtp.NoEnhancedCode && c != (gosmtp.EnhancedCode{}) {
			r.Status = fmt.Sprintf("%d.%d.%d", c[0], c[1], c[2])
			reply = append(reply, r.Status)
		}
		if se.Message != "" {
			reply = append(reply, se.Message)
		}
		r.Reply = strings.Join(reply, " ")
		r.Msg = r.Reply
		return r
	}
	return rcptResult{Rcpt: rcpt, Code: 451, Msg: err.Error()}
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
