package smtp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/trace"
	"strings"
	"time"

	gosmtp "github.com/emersion/go-smtp"
	"github.com/sekisho/sekisho/gateway/queue"
)

// backend creates one session per EHLO/HELO. Connection-level limits were applied by the
// listener before go-smtp saw the connection.
type backend struct{ s *Server }

func (b backend) NewSession(c *gosmtp.Conn) (gosmtp.Session, error) {
	if dc := deadlineOf(c.Conn()); dc != nil && dc.timedOut() {
		return nil, errTimeout
	}
	_, isTLS := c.TLSConnectionState()
	remote := c.Conn().RemoteAddr().String()
	return &session{
		s:      b.s,
		conn:   c,
		remote: remote,
		helo:   c.Hostname(),
		tls:    isTLS,
		log:    b.s.log.With("remote_ip", hostOf(c.Conn().RemoteAddr())),
	}, nil
}

type session struct {
	s      *Server
	conn   *gosmtp.Conn
	remote string
	helo   string
	tls    bool
	log    *slog.Logger

	from     string
	fromSet  bool
	rcpts    []string
	declSize int64
}

func (ss *session) Reset() {
	ss.from, ss.fromSet, ss.rcpts, ss.declSize = "", false, nil, 0
}

func (ss *session) Logout() error { return nil }

// timedOut refuses a command that go-smtp parsed from what a timed-out read left.
func (ss *session) timedOut() bool {
	dc := deadlineOf(ss.conn.Conn())
	return dc != nil && dc.timedOut()
}

func (ss *session) Mail(from string, opts *gosmtp.MailOptions) error {
	if ss.timedOut() {
		return errTimeout
	}
	if err := ss.s.checkSpace(); err != nil {
		ss.s.m.rejected.Inc("spool_full")
		ss.log.Error("refusing mail: spool space low", "err", err)
		return errSpoolFull
	}
	if opts != nil && opts.Size > 0 && ss.s.o.MaxMessageBytes > 0 && opts.Size > ss.s.o.MaxMessageBytes {
		ss.s.m.rejected.Inc("too_big")
		return errTooBig
	}
	// The sender is kept in the form it was written in (see address.go); a reverse path is
	// not judged: it only receives DSNs.
	ss.from, ss.fromSet, ss.rcpts = wireAddress(splitAddress(from)), true, nil
	if opts != nil {
		ss.declSize = opts.Size
	}
	return nil
}

func (ss *session) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if ss.timedOut() {
		return errTimeout
	}
	local, domain := splitAddress(to)
	switch {
	case badLocalPart(local):
		ss.s.m.rejected.Inc("bad_address")
		ss.log.Info("recipient refused: control characters in the local part", "rcpt_domain", domainOf(to))
		return errBadAddress
	case routesInLocalPart(local) && ss.s.o.LocalPartRouting != "allow":
		ss.s.m.rejected.Inc("local_part_routing")
		ss.log.Info("recipient refused: routing in the local part", "rcpt_domain", domainOf(to))
		return errLocalPartRouting
	case !ss.s.acceptsRcpt(to):
		ss.s.m.rejected.Inc("relay_denied")
		ss.log.Info("relay denied", "rcpt_domain", domainOf(to))
		return errRelayDenied
	}
	wire := wireAddress(local, domain)
	for _, r := range ss.rcpts {
		if sameAddress(r, wire) {
			return nil // duplicate RCPT: accept once, deliver once
		}
	}
	ss.rcpts = append(ss.rcpts, wire)
	return nil
}

// Data spools the message and replies 250 only once it is durable. r must be consumed before
// Data returns (go-smtp drains it otherwise, which is fine for rejections).
func (ss *session) Data(r io.Reader) error {
	if ss.timedOut() {
		return errTimeout
	}
	start := time.Now()
	now := start.UTC()
	env := queue.Envelope{ID: queue.NewID(now), From: ss.from, Rcpts: append([]string(nil), ss.rcpts...), Received: now,
		RemoteAddr: ss.remote, Helo: ss.helo, TLS: ss.tls}
	log := ss.log.With("queue_id", env.ID)
	w, err := ss.s.q.Accept(env)
	if err != nil {
		log.Error("spool create failed", "err", err)
		return tempFailure(env.ID)
	}
	// The queue's writer buffers (the journal in memory, the file spool with bufio): the
	// data goes to it directly, without another copy.
	fmt.Fprintf(w, "Received: from %s (%s)\r\n\tby %s (sekisho) with %s id %s;\r\n\t%s\r\n",
		sanitizeHeloForHeader(ss.helo), ss.remote, ss.s.o.Hostname, proto(ss.tls), env.ID, now.Format(time.RFC1123Z))
	f := &dataFilter{w: w, normalize: ss.s.o.BareLineEndings == "normalize"}
	src := r
	dc := deadlineOf(ss.conn.Conn())
	if dc != nil {
		dc.beginData(start)
		defer dc.endData()
		src = &lineReader{r: r, dc: dc}
	}
	// Regions name the two halves of time-to-250 in an execution trace (serve --trace).
	reg := trace.StartRegion(context.Background(), "smtp.read_data")
	_, err = io.CopyBuffer(f, src, make([]byte, lineProbe))
	reg.End()
	if err == nil {
		err = f.finish()
	}
	var smtpErr *gosmtp.SMTPError
	switch {
	case err == nil && f.nul:
		w.Abort()
		ss.s.m.rejected.Inc("nul")
		log.Info("rejected: NUL in message")
		return errNUL
	case err == nil && f.bare && !f.normalize:
		w.Abort()
		ss.s.m.rejected.Inc("bare_line_ending")
		log.Info("rejected: bare CR or LF in message")
		return errBareLineEnding
	case dc != nil && dc.timedOut():
		w.Abort()
		log.Info("data aborted: deadline passed")
		dc.saidGoodbye()
		return errTimeout
	case errors.Is(err, gosmtp.ErrTooLongLine):
		// Permanent: the same message would fail the same way on a retry. The rest of the
		// line was never read, so go-smtp closes the session after this reply.
		w.Abort()
		ss.s.m.rejected.Inc("too_long_line")
		log.Info("rejected: line too long", "max_line_length", ss.s.o.MaxLineLength)
		return &gosmtp.SMTPError{Code: 500, EnhancedCode: gosmtp.EnhancedCode{5, 6, 0},
			Message: fmt.Sprintf("Line longer than %d octets in message", ss.s.o.MaxLineLength)}
	case errors.As(err, &smtpErr):
		// ErrDataTooLarge and friends come from go-smtp's reader; return them bare.
		w.Abort()
		ss.s.m.rejected.Inc("too_big")
		return smtpErr
	case err != nil:
		w.Abort()
		log.Info("data aborted", "err", err)
		return tempFailure(env.ID)
	}
	reg = trace.StartRegion(context.Background(), "smtp.commit")
	err = w.Commit()
	reg.End()
	if err != nil {
		ss.s.m.rejected.Inc("spool_error")
		log.Error("spool commit failed", "err", err)
		return tempFailure(env.ID)
	}
	ss.s.m.accepted.Inc("")
	ss.s.m.acceptLatency.Observe(time.Since(start).Seconds())
	log.Info("accepted", "rcpts", len(env.Rcpts), "bytes", w.Size(), "bare_line_endings", f.bare, "tls", ss.tls)
	env.Size = w.Size()
	ss.s.accepted(env)
	return &gosmtp.SMTPError{Code: 250, EnhancedCode: gosmtp.EnhancedCode{2, 0, 0}, Message: "OK queued as " + env.ID}
}

func proto(tls bool) string {
	if tls {
		return "ESMTPS"
	}
	return "ESMTP"
}

// sanitizeHeloForHeader keeps a client-chosen HELO name from injecting header lines.
func sanitizeHeloForHeader(h string) string {
	h = strings.Map(func(r rune) rune {
		if r < 0x21 || r > 0x7e || r == '(' || r == ')' || r == ';' {
			return -1
		}
		return r
	}, h)
	if len(h) > 255 {
		h = h[:255]
	}
	if h == "" {
		return "unknown"
	}
	return h
}

// dataFilter finds bare CR, bare LF and NUL in the dot-unstuffed DATA stream. With
// normalize it rewrites bare line endings to CRLF, so that no later hop can read a line
// ending (and so an end of data) that this hop did not.
type dataFilter struct {
	w         io.Writer
	normalize bool
	prevCR    bool
	bare      bool
	nul       bool
	out       []byte
}

func (d *dataFilter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if !d.nul && bytes.IndexByte(p, 0) >= 0 {
		d.nul = true
	}
	// Almost every write holds only CRLF pairs: found with IndexByte (vectorised), not
	// judged octet by octet, and written on without a copy.
	if d.bare && !d.normalize || paired(p, d.prevCR) {
		if d.normalize {
			// A CR at the end of the previous write was held back until its LF was seen.
			if d.prevCR {
				if _, err := d.w.Write(crOnly); err != nil {
					return 0, err
				}
			}
			d.prevCR = p[len(p)-1] == '\r'
			if _, err := d.w.Write(p[:len(p)-b2i(d.prevCR)]); err != nil {
				return 0, err
			}
			return len(p), nil
		}
		d.prevCR = p[len(p)-1] == '\r'
		return d.w.Write(p)
	}
	if !d.normalize {
		d.bare = true
		d.prevCR = p[len(p)-1] == '\r'
		return d.w.Write(p)
	}
	d.out = d.out[:0]
	for _, b := range p {
		if d.prevCR {
			d.prevCR = false
			if b == '\n' {
				d.out = append(d.out, '\r', '\n')
				continue
			}
			d.bare = true
			d.out = append(d.out, '\r', '\n')
		}
		switch b {
		case '\r':
			d.prevCR = true
		case '\n':
			d.bare = true
			d.out = append(d.out, '\r', '\n')
		default:
			d.out = append(d.out, b)
		}
	}
	if _, err := d.w.Write(d.out); err != nil {
		return 0, err
	}
	return len(p), nil
}

var crOnly = []byte{'\r'}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// paired tells whether every LF in p follows a CR and every CR is followed by an LF, when
// the write before p ended in a CR if prevCR. A CR that ends p is left to the next write
// (or to finish).
func paired(p []byte, prevCR bool) bool {
	if prevCR {
		if p[0] != '\n' {
			return false
		}
		p = p[1:]
	}
	for {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			j := bytes.IndexByte(p, '\r')
			return j < 0 || j == len(p)-1
		}
		// The line before this LF holds one CR, as its last octet.
		if i == 0 || bytes.IndexByte(p[:i], '\r') != i-1 {
			return false
		}
		p = p[i+1:]
	}
}

// finish handles a CR at the very end of the data.
func (d *dataFilter) finish() error {
	if d.prevCR {
		d.bare = true
		if d.normalize {
			_, err := d.w.Write([]byte("\r\n"))
			return err
		}
	}
	return nil
}
