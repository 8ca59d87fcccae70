package smtp

import (
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"
)

// ConnLimits bound what one client address and all clients together may hold.
type ConnLimits struct {
	MaxSessions      int // concurrent sessions in total
	MaxSessionsPerIP int // concurrent sessions per client IP; 0 = no limit
	MaxRatePerIP     int // new connections per client IP per minute; 0 = no limit
	// Trusted clients (the upstream MX, monitoring) are exempt from the per-IP limits,
	// as Postfix exempts $mynetworks: an upstream that relays everything from one
	// address must never be throttled. They still count towards MaxSessions.
	Trusted []netip.Prefix
}

// listener answers 421 itself, before go-smtp sees the connection, because go-smtp
// creates sessions only at EHLO. Each connection it returns enforces the read deadlines
// (deadlines.go).
type listener struct {
	net.Listener
	lim      ConnLimits
	hostname string
	onReject func(reason string)
	load     *load // counts the open sessions

	mu     sync.Mutex
	conns  map[*deadlineConn]struct{} // open, for re-applying deadlines when stress changes
	perIP  map[netip.Addr]int
	rate   map[netip.Addr]*bucket
	lastGC time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newListener(l net.Listener, lim ConnLimits, hostname string, ld *load, onReject func(string)) *listener {
	return &listener{Listener: l, lim: lim, hostname: hostname, load: ld, onReject: onReject,
		conns: map[*deadlineConn]struct{}{}, perIP: map[netip.Addr]int{}, rate: map[netip.Addr]*bucket{}}
}

func (l *listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := addrOf(c.RemoteAddr())
		dc := &deadlineConn{Conn: c, load: l.load, remote: ip}
		dc.release = func() { l.release(dc) }
		if reason := l.admit(dc, time.Now()); reason != "" {
			c.SetWriteDeadline(time.Now().Add(5 * time.Second))
			fmt.Fprintf(c, "421 4.7.0 %s %s, try again later\r\n", l.hostname, reason)
			c.Close()
			if l.onReject != nil {
				l.onReject(reason)
			}
			continue
		}
		dc.beginLine(time.Now())
		return dc, nil
	}
}

// trusted reports whether ip is in the trusted client list.
func (l *listener) trusted(ip netip.Addr) bool {
	for _, p := range l.lim.Trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

func (l *listener) admit(c *deadlineConn, now time.Time) string {
	ip := c.remote
	trusted := l.trusted(ip)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.lim.MaxSessions > 0 && l.load.sessions.Load() >= int64(l.lim.MaxSessions) {
		return "too many connections"
	}
	if !trusted && l.lim.MaxSessionsPerIP > 0 && l.perIP[ip] >= l.lim.MaxSessionsPerIP {
		return "too many connections from your address"
	}
	if !trusted && l.lim.MaxRatePerIP > 0 {
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
	n := l.load.sessions.Add(1)
	l.perIP[ip]++
	l.conns[c] = struct{}{}
	l.changedLocked(n)
	return ""
}

func (l *listener) release(c *deadlineConn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := l.load.sessions.Add(-1)
	if l.perIP[c.remote]--; l.perIP[c.remote] <= 0 {
		delete(l.perIP, c.remote)
	}
	delete(l.conns, c)
	l.changedLocked(n)
}

// changedLocked updates the stress mode and, when it changed, the deadlines of every
// open session.
func (l *listener) changedLocked(n int64) {
	if l.load.sessionsChanged(n) {
		for c := range l.conns {
			c.reapply()
		}
	}
}

// addrOf returns the client's IP without a zone or IPv4-in-IPv6 mapping, so that
// per-IP counts and trusted prefixes compare like with like.
func addrOf(a net.Addr) netip.Addr {
	if ta, ok := a.(*net.TCPAddr); ok {
		ip, _ := netip.AddrFromSlice(ta.IP)
		return ip.Unmap()
	}
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

func hostOf(a net.Addr) string {
	if ip := addrOf(a); ip.IsValid() {
		return ip.String()
	}
	return a.String()
}
