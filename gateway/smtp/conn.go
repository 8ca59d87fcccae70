package smtp

import (
	"fmt"
	"net"
	"sync"
	"time"
)

// ConnLimits bound what one client address and all clients together may hold.
type ConnLimits struct {
	MaxSessions      int           // concurrent sessions in total
	MaxSessionsPerIP int           // concurrent sessions per client IP
	MaxRatePerIP     int           // new connections per client IP per minute
	IdleTimeout      time.Duration // longest silence while reading, including inside DATA
}

// limitListener answers 421 itself, before go-smtp sees the connection, because go-smtp
// creates sessions only at EHLO. It also wraps each connection so that reads refresh an idle
// deadline: go-smtp's ReadTimeout is one deadline for a whole command or message.
type limitListener struct {
	net.Listener
	lim      ConnLimits
	hostname string
	onReject func(reason string)

	mu     sync.Mutex
	total  int
	perIP  map[string]int
	rate   map[string]*bucket
	lastGC time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimitListener(l net.Listener, lim ConnLimits, hostname string, onReject func(string)) *limitListener {
	return &limitListener{Listener: l, lim: lim, hostname: hostname, onReject: onReject,
		perIP: map[string]int{}, rate: map[string]*bucket{}}
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := hostOf(c.RemoteAddr())
		if reason := l.admit(ip); reason != "" {
			c.SetWriteDeadline(time.Now().Add(5 * time.Second))
			fmt.Fprintf(c, "421 4.7.0 %s %s, try again later\r\n", l.hostname, reason)
			c.Close()
			if l.onReject != nil {
				l.onReject(reason)
			}
			continue
		}
		return &idleConn{Conn: c, idle: l.lim.IdleTimeout, release: func() { l.release(ip) }}, nil
	}
}

func (l *limitListener) admit(ip string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if l.lim.MaxSessions > 0 && l.total >= l.lim.MaxSessions {
		return "too many connections"
	}
	if l.lim.MaxSessionsPerIP > 0 && l.perIP[ip] >= l.lim.MaxSessionsPerIP {
		return "too many connections from your address"
	}
	if l.lim.MaxRatePerIP > 0 {
		if now.Sub(l.lastGC) > time.Minute {
			for k, b := range l.rate {
				if now.Sub(b.last) > time.Minute {
					delete(l.rate, k)
				}
			}
			l.lastGC = now
		}
		b := l.rate[ip]
		if b == nil {
			b = &bucket{tokens: float64(l.lim.MaxRatePerIP), last: now}
			l.rate[ip] = b
		}
		b.tokens = min(float64(l.lim.MaxRatePerIP), b.tokens+now.Sub(b.last).Minutes()*float64(l.lim.MaxRatePerIP))
		b.last = now
		if b.tokens < 1 {
			return "connection rate limit exceeded"
		}
		b.tokens--
	}
	l.total++
	l.perIP[ip]++
	return ""
}

func (l *limitListener) release(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total--
	if l.perIP[ip]--; l.perIP[ip] <= 0 {
		delete(l.perIP, ip)
	}
}

// idleConn refreshes the read deadline on every read, bounded by the deadline go-smtp set
// for the whole command or message.
type idleConn struct {
	net.Conn
	idle    time.Duration
	mu      sync.Mutex
	outer   time.Time
	once    sync.Once
	release func()
}

func (c *idleConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	c.outer = t
	c.mu.Unlock()
	return c.Conn.SetReadDeadline(t)
}

func (c *idleConn) Read(p []byte) (int, error) {
	if c.idle > 0 {
		d := time.Now().Add(c.idle)
		c.mu.Lock()
		if !c.outer.IsZero() && c.outer.Before(d) {
			d = c.outer
		}
		c.mu.Unlock()
		c.Conn.SetReadDeadline(d)
	}
	return c.Conn.Read(p)
}

func (c *idleConn) Close() error {
	c.once.Do(c.release)
	return c.Conn.Close()
}

func hostOf(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP.String()
	}
	h, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return h
}
