package relaytest

import (
	"bytes"
	"io"
	"log"
	"net"
	"sync"
	"testing"

	gosmtp "github.com/emersion/go-smtp"
)

// Sink is a real go-smtp server used as the next hop: it records every transaction, and
// can be told to refuse recipients.
type Sink struct {
	mu       sync.Mutex
	msgs     []SinkMsg
	rejectTo map[string]*gosmtp.SMTPError
	nsess    int
	// Srv is the server, for its TLSConfig (set before mail arrives) and Close.
	Srv *gosmtp.Server
	ln  net.Listener
	// Got receives one value per message recorded (it never blocks the sink).
	Got chan struct{}
}

// SinkMsg is one transaction the sink recorded.
type SinkMsg struct {
	From  string
	Rcpts []string
	Data  []byte
}

// StartSink listens on addr ("" for a free loopback port) until the test ends.
func StartSink(t testing.TB, addr string) *Sink {
	t.Helper()
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	k := &Sink{rejectTo: map[string]*gosmtp.SMTPError{}, Got: make(chan struct{}, 1<<16)}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	k.ln = ln
	k.Srv = gosmtp.NewServer(gosmtp.BackendFunc(func(c *gosmtp.Conn) (gosmtp.Session, error) {
		k.mu.Lock()
		k.nsess++
		k.mu.Unlock()
		return &sinkSession{k: k}, nil
	}))
	k.Srv.Domain = "sink.test"
	k.Srv.AllowInsecureAuth = true
	k.Srv.ErrorLog = log.New(io.Discard, "", 0)
	go k.Srv.Serve(ln) // returns when the test's cleanup closes the server
	t.Cleanup(func() { k.Srv.Close() })
	return k
}

// Addr is the sink's address.
func (k *Sink) Addr() string { return k.ln.Addr().String() }

// Reject makes RCPT TO for rcpt fail with err.
func (k *Sink) Reject(rcpt string, err *gosmtp.SMTPError) {
	k.mu.Lock()
	k.rejectTo[rcpt] = err
	k.mu.Unlock()
}

// Sessions counts the SMTP sessions (EHLOs) the sink has served.
func (k *Sink) Sessions() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.nsess
}

// Messages returns what the sink recorded so far.
func (k *Sink) Messages() []SinkMsg {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]SinkMsg(nil), k.msgs...)
}

type sinkSession struct {
	k     *Sink
	from  string
	rcpts []string
}

func (s *sinkSession) Reset()        { s.from, s.rcpts = "", nil }
func (s *sinkSession) Logout() error { return nil }
func (s *sinkSession) Mail(from string, _ *gosmtp.MailOptions) error {
	s.from = from
	return nil
}
func (s *sinkSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	s.k.mu.Lock()
	defer s.k.mu.Unlock()
	if e := s.k.rejectTo[to]; e != nil {
		return e
	}
	s.rcpts = append(s.rcpts, to)
	return nil
}
func (s *sinkSession) Data(r io.Reader) error {
	var b bytes.Buffer
	io.Copy(&b, r)
	s.k.mu.Lock()
	defer s.k.mu.Unlock()
	s.k.msgs = append(s.k.msgs, SinkMsg{From: s.from, Rcpts: s.rcpts, Data: b.Bytes()})
	// Never block while holding the lock: a full channel (more messages than anyone
	// waits for) must not stall the sink or readers of Messages().
	select {
	case s.k.Got <- struct{}{}:
	default:
	}
	return nil
}
