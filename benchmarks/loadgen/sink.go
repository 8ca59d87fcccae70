package main

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"sync"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// sink is the next hop both relays deliver to: a go-smtp server that accepts everything,
// discards the content and counts deliveries by Message-ID, so that a run can tell what
// arrived, what was lost and what came twice.
type sink struct {
	srv *gosmtp.Server
	ln  net.Listener

	mu    sync.Mutex
	seen  map[string]int
	total int
	last  time.Time
	wake  chan struct{}
}

func startSink(addr string) (*sink, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &sink{ln: ln, seen: map[string]int{}, wake: make(chan struct{}, 1)}
	s.srv = gosmtp.NewServer(sinkBackend{s})
	s.srv.Domain = "sink.bench.test"
	s.srv.MaxLineLength = 1 << 20
	s.srv.ReadTimeout, s.srv.WriteTimeout = 5*time.Minute, time.Minute
	go s.srv.Serve(ln) // ends at close
	return s, nil
}

func (s *sink) close() { s.srv.Close() }

// counts returns the distinct Message-IDs delivered and all deliveries.
func (s *sink) counts() (distinct, total int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.seen), s.total
}

// has reports how often id was delivered.
func (s *sink) has(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seen[id]
}

// waitFor waits until n distinct messages arrived or the deadline passes.
func (s *sink) waitFor(n int, deadline time.Time) bool {
	for {
		if d, _ := s.counts(); d >= n {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		select {
		case <-s.wake:
		case <-time.After(50 * time.Millisecond):
		}
	}
}

type sinkBackend struct{ s *sink }

func (b sinkBackend) NewSession(*gosmtp.Conn) (gosmtp.Session, error) { return &sinkSession{b.s}, nil }

type sinkSession struct{ s *sink }

func (*sinkSession) Reset()                                 {}
func (*sinkSession) Logout() error                          { return nil }
func (*sinkSession) Mail(string, *gosmtp.MailOptions) error { return nil }
func (*sinkSession) Rcpt(string, *gosmtp.RcptOptions) error { return nil }
func (ss *sinkSession) Data(r io.Reader) error {
	br := bufio.NewReaderSize(r, 16<<10)
	id := ""
	for {
		line, err := br.ReadSlice('\n')
		if len(bytes.TrimSpace(line)) == 0 || err != nil {
			break
		}
		if len(line) > 11 && bytes.EqualFold(line[:11], []byte("message-id:")) {
			v := bytes.TrimSpace(line[11:])
			id = string(bytes.Trim(v, "<>"))
		}
	}
	io.Copy(io.Discard, br)
	s := ss.s
	s.mu.Lock()
	s.seen[id]++
	s.total++
	s.last = time.Now()
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return nil
}
