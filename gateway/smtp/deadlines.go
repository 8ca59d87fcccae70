package smtp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Read deadlines. A client must finish each command line, and each line inside DATA,
// within the command timeout, and the whole DATA within the data timeout. They are
// deadlines, not idle timers: a client that sends one byte a second makes progress on
// every read and would hold an idle-timed session forever (DESIGN §11). When more than
// 80% of max_sessions are open the server is under stress and both shrink, as Postfix's
// stress-dependent timeouts do, so that slow clients cannot crowd out the others.

// load is the server's session count and the read time limits that depend on it.
type load struct {
	sessions atomic.Int64
	stressed atomic.Bool
	stressAt int64 // stress above this many sessions (0: never)
	calmAt   int64 // and ends at or below this many, so the mode does not flap

	command, data             time.Duration
	stressCommand, stressData time.Duration

	onStress  func(on bool, sessions int64)
	onTimeout func(phase string, remote netip.Addr, stressed bool)
}

func newLoad(o *Options) *load {
	l := &load{command: o.CommandTimeout, data: o.DataTimeout,
		stressCommand: min(o.StressCommandTimeout, o.CommandTimeout), stressData: min(o.StressDataTimeout, o.DataTimeout)}
	if o.Conn.MaxSessions > 0 {
		l.stressAt = int64(o.Conn.MaxSessions) * 8 / 10
		l.calmAt = int64(o.Conn.MaxSessions) * 7 / 10
	}
	return l
}

// sessionsChanged updates the stress mode for n open sessions and reports whether it
// changed. The listener calls it, serialized, on every open and close.
func (l *load) sessionsChanged(n int64) bool {
	if l.stressAt <= 0 {
		return false
	}
	was := l.stressed.Load()
	on := was
	if !was && n > l.stressAt {
		on = true
	} else if was && n <= l.calmAt {
		on = false
	}
	if on == was {
		return false
	}
	l.stressed.Store(on)
	if l.onStress != nil {
		l.onStress(on, n)
	}
	return true
}

func (l *load) commandTimeout() time.Duration {
	if l.stressed.Load() {
		return l.stressCommand
	}
	return l.command
}

func (l *load) dataTimeout() time.Duration {
	if l.stressed.Load() {
		return l.stressData
	}
	return l.data
}

// errExpired is what every read returns once a deadline has passed: a timeout, on which
// go-smtp replies 421 and ends the session. After the session itself replied 421 (a DATA
// timeout), errGone ends it without another reply.
var (
	errExpired error = timeoutError{}
	errGone          = fmt.Errorf("smtp: session ended after a timeout: %w", net.ErrClosed)
)

type timeoutError struct{}

func (timeoutError) Error() string   { return "smtp: read deadline passed" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

// deadlineConn enforces the read deadlines on one connection. go-smtp calls
// SetReadDeadline before reading every command line (Server.ReadTimeout must be set for
// that); the session calls beginData, lineDone and endData around a message transfer.
// After STARTTLS it sits under the tls.Conn, which forwards deadlines to it.
type deadlineConn struct {
	net.Conn
	load    *load
	remote  netip.Addr
	release func()
	once    sync.Once

	mu        sync.Mutex
	lineStart time.Time // the current line began (zero: no line deadline)
	dataStart time.Time // the message transfer began (zero: none)
	inData    bool      // between beginData and endData (with BDAT, across chunk commands)
	expired   atomic.Bool
	farewell  atomic.Bool // the session replied 421 itself
}

// SetReadDeadline marks the start of a command line; go-smtp's own value (its
// ReadTimeout, a deadline for whatever comes) is replaced by the line's deadline.
func (c *deadlineConn) SetReadDeadline(time.Time) error {
	c.beginLine(time.Now())
	return nil
}

func (c *deadlineConn) beginLine(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lineStart = now
	if !c.inData {
		c.dataStart = time.Time{}
	}
	c.applyLocked()
}

// beginData starts a message transfer: its first line and the whole transfer are timed
// from now.
func (c *deadlineConn) beginData(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inData = true
	c.dataStart, c.lineStart = now, now
	c.applyLocked()
}

// lineDone is called when a line of the message is complete: the next one gets its own
// deadline.
func (c *deadlineConn) lineDone(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lineStart = now
	c.applyLocked()
}

// endData is called when the session has read what it wanted. go-smtp then discards the
// rest of the message (after a refusal) without a per-line view: until the next command
// line only the whole-transfer deadline applies.
func (c *deadlineConn) endData() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inData = false
	c.lineStart = time.Time{}
	c.applyLocked()
}

// reapply recomputes the deadline after the stress mode changed, so that sessions
// already waiting get the shorter (or longer) limits too.
func (c *deadlineConn) reapply() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.applyLocked()
}

func (c *deadlineConn) deadlinesLocked() (line, whole time.Time) {
	if !c.lineStart.IsZero() {
		line = c.lineStart.Add(c.load.commandTimeout())
	}
	if !c.dataStart.IsZero() {
		whole = c.dataStart.Add(c.load.dataTimeout())
	}
	return line, whole
}

func (c *deadlineConn) applyLocked() {
	if c.expired.Load() {
		return
	}
	d, whole := c.deadlinesLocked()
	if !whole.IsZero() && (d.IsZero() || whole.Before(d)) {
		d = whole
	}
	c.Conn.SetReadDeadline(d)
}

func (c *deadlineConn) Read(p []byte) (int, error) {
	if c.expired.Load() {
		if c.farewell.Load() {
			return 0, errGone
		}
		return 0, errExpired
	}
	n, err := c.Conn.Read(p)
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) && !c.expired.Swap(true) {
		c.mu.Lock()
		_, whole := c.deadlinesLocked()
		phase := "command"
		switch {
		case !whole.IsZero() && !time.Now().Before(whole):
			phase = "data"
		case c.inData:
			phase = "data_line"
		}
		c.mu.Unlock()
		if c.load.onTimeout != nil {
			c.load.onTimeout(phase, c.remote, c.load.stressed.Load())
		}
	}
	return n, err
}

// timedOut reports whether a deadline passed. go-smtp still acts on the partial line a
// timed-out read left in its buffer (bufio returns it as a line), so the session refuses
// every command once this is true.
func (c *deadlineConn) timedOut() bool { return c.expired.Load() }

// saidGoodbye records that the session replied 421: the connection ends without another
// reply.
func (c *deadlineConn) saidGoodbye() { c.farewell.Store(true) }

func (c *deadlineConn) Close() error {
	c.once.Do(c.release)
	return c.Conn.Close()
}

// deadlineOf finds the deadlineConn under a session's connection (under TLS too).
func deadlineOf(nc net.Conn) *deadlineConn {
	if u, ok := nc.(interface{ NetConn() net.Conn }); ok {
		nc = u.NetConn()
	}
	dc, _ := nc.(*deadlineConn)
	return dc
}

// lineProbe is how many octets of DATA the session reads at a time. The data reader
// (go-smtp, patched) returns what has arrived rather than waiting for a full buffer, so
// every line end is seen as soon as the client sends it, whatever the buffer's size.
const lineProbe = 32 << 10

// lineReader passes DATA through and tells the connection each time a line ends.
type lineReader struct {
	r  io.Reader
	dc *deadlineConn
}

func (l *lineReader) Read(p []byte) (int, error) {
	if len(p) > lineProbe {
		p = p[:lineProbe]
	}
	n, err := l.r.Read(p)
	if n > 0 && bytes.IndexByte(p[:n], '\n') >= 0 {
		l.dc.lineDone(time.Now())
	}
	return n, err
}
