package smtp

import (
	"bytes"
	"io"
	"log"
	"net"
	"sync"
	"testing"

	gosmtp "github.com/emersion/go-smtp"
)

// recordingSink is a real go-smtp server used as the next hop in tests: it records every
// transaction, and can be told to refuse recipients or to fail DATA.
type recordingSink struct {
	mu       sync.Mutex
	msgs     []sinkMsg
	rejectTo map[string]*gosmtp.SMTPError
	dataErr  *gosmtp.SMTPError
	srv      *gosmtp.Server
	ln       net.Listener
	got      chan struct{}
	nsess    int
}

// sessions counts the SMTP sessions (EHLOs) the sink has served.
func (k *recordingSink) sessions() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.nsess
}

type sinkMsg struct {
	From  string
	Rcpts []string
	Data  []byte
}

func startSink(t testing.TB, addr string) *recordingSink {
	t.Helper()
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	k := &recordingSink{rejectTo: map[string]*gosmtp.SMTPError{}, got: make(chan struct{}, 1<<16)}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	k.ln = ln
	k.srv = gosmtp.NewServer(gosmtp.BackendFunc(func(c *gosmtp.Conn) (gosmtp.Session, error) {
		k.mu.Lock()
		k.nsess++
		k.mu.Unlock()
		return &sinkSession{k: k}, nil
	}))
	k.srv.Domain = "sink.test"
	k.srv.AllowInsecureAuth = true
	k.srv.ErrorLog = log.New(io.Discard, "", 0)
	go k.srv.Serve(ln)
	t.Cleanup(func() { k.srv.Close() })
	return k
}

func (k *recordingSink) addr() string { return k.ln.Addr().String() }

func (k *recordingSink) messages() []sinkMsg {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]sinkMsg(nil), k.msgs...)
}

type sinkSession struct {
	k     *recordingSink
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
	if s.k.dataErr != nil {
		return s.k.dataErr
	}
	s.k.msgs = append(s.k.msgs, sinkMsg{From: s.from, Rcpts: s.rcpts, Data: b.Bytes()})
	// Never block while holding the lock: a full channel (more messages than anyone
	// waits for) must not stall the sink or readers of messages().
	select {
	case s.k.got <- struct{}{}:
	default:
	}
	return nil
}
