package smtp

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/quarantine/sqlite"
	"github.com/sekisho/sekisho/sanitize"
)

// tagSanitizer stands in for the mail family in relay tests: the relay's contract is only
// "a sanitize.Sanitizer over the whole message". It prefixes a header, and quarantines
// messages that contain QUARANTINE-ME, so the relay's handling of both outcomes is tested;
// like the mail family it reports the subject it read (here: the raw value).
type tagSanitizer struct{}

func (tagSanitizer) Sanitize(ctx context.Context, in *sanitize.Item, w io.Writer, b *sanitize.Budget) (sanitize.Result, error) {
	data, err := io.ReadAll(io.LimitReader(in.Reader(), 64<<20))
	if err != nil {
		return sanitize.Result{}, err
	}
	if bytes.Contains(data, []byte("QUARANTINE-ME")) {
		var subject string
		if i := bytes.Index(data, []byte("Subject: ")); i >= 0 {
			subject, _, _ = strings.Cut(string(data[i+9:]), "\r\n")
		}
		return sanitize.Result{Verdict: sanitize.Quarantined, Reason: "test: marked for quarantine", Subject: subject}, nil
	}
	io.WriteString(w, "X-Test-Sanitized: yes\r\n")
	w.Write(data)
	return sanitize.Result{Verdict: sanitize.Sanitized}, nil
}

type relay struct {
	s     *Server
	addr  string
	spool *Spool
	store *quarantine.Service
	dir   string
}

func startRelay(t *testing.T, mutate func(*Options)) *relay {
	t.Helper()
	dir := t.TempDir()
	sp, err := OpenSpool(filepath.Join(dir, "spool"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := openStore(filepath.Join(dir, "quarantine"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	o := Options{Addr: "127.0.0.1:0", Hostname: "gw.test", MinFreeBytes: -1,
		Routes:    []Route{{Domain: "city.lg.jp", Transport: "dir", Addr: filepath.Join(dir, "delivered")}},
		RetryBase: 50 * time.Millisecond, RetryMax: 200 * time.Millisecond, SanitizeWorkers: 2, DeliveryWorkers: 4}
	if mutate != nil {
		mutate(&o)
	}
	s, err := New(o, sp, tagSanitizer{}, st)
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.Listen()
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Shutdown(ctx)
	})
	return &relay{s: s, addr: a.String(), spool: sp, store: st, dir: dir}
}

// openStore opens the embedded quarantine under dir.
func openStore(dir string) (*quarantine.Service, error) {
	b, err := sqlite.Open(sqlite.Options{Dir: dir})
	if err != nil {
		return nil, err
	}
	return quarantine.New(b, quarantine.Options{})
}

func sendMail(t *testing.T, addr, from string, to []string, msg string) error {
	t.Helper()
	c, err := gosmtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello("client.test"); err != nil {
		return err
	}
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	for _, r := range to {
		if err := c.Rcpt(r, nil); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	io.WriteString(w, msg)
	return w.Close()
}

const testMsg = "From: a@example.com\r\nTo: staff@city.lg.jp\r\nSubject: test\r\nMessage-ID: <%s@example.com>\r\n\r\nhello\r\n"

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func delivered(t *testing.T, dir string) []string {
	ents, _ := os.ReadDir(filepath.Join(dir, "delivered"))
	var out []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".eml") && !strings.HasPrefix(e.Name(), ".") {
			data, _ := os.ReadFile(filepath.Join(dir, "delivered", e.Name()))
			out = append(out, string(data))
		}
	}
	return out
}

func TestAcceptSanitizeDeliverDir(t *testing.T) {
	r := startRelay(t, nil)
	if err := sendMail(t, r.addr, "a@example.com", []string{"staff@city.lg.jp"}, fmt.Sprintf(testMsg, "m1")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "delivery", func() bool { return len(delivered(t, r.dir)) == 1 })
	got := delivered(t, r.dir)[0]
	for _, want := range []string{"X-Sekisho-Envelope-To: <staff@city.lg.jp>", "X-Test-Sanitized: yes", "Received: from client.test", "by gw.test (sekisho)", "<m1@example.com>"} {
		if !strings.Contains(got, want) {
			t.Errorf("delivered message lacks %q:\n%s", want, got)
		}
	}
	waitFor(t, "spool empty", func() bool { ids, _ := r.spool.ListIncoming(); return len(ids) == 0 })
}

func TestReplies(t *testing.T) {
	r := startRelay(t, func(o *Options) { o.MaxMessageBytes = 2000; o.MaxRecipients = 2 })
	tests := []struct {
		name string
		to   []string
		msg  string
		code int
	}{
		{"relay denied", []string{"someone@example.org"}, fmt.Sprintf(testMsg, "x"), 550},
		{"relay denied subdomain trick", []string{"a@city.lg.jp.evil.example"}, fmt.Sprintf(testMsg, "x"), 550},
		{"too big", []string{"staff@city.lg.jp"}, fmt.Sprintf(testMsg, "x") + strings.Repeat("a", 3000) + "\r\n", 552},
		{"too many recipients", []string{"a@city.lg.jp", "b@city.lg.jp", "c@city.lg.jp"}, fmt.Sprintf(testMsg, "x"), 452},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := sendMail(t, r.addr, "a@example.com", tc.to, tc.msg)
			se, ok := err.(*gosmtp.SMTPError)
			if !ok || se.Code != tc.code {
				t.Fatalf("send error = %v, want SMTP %d", err, tc.code)
			}
		})
	}
}

// rawSession speaks SMTP over a plain socket so tests can send byte sequences no client
// library would produce.
func rawSession(t *testing.T, addr string, script []string) []string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	var replies []string
	readReply := func() string {
		var all string
		for {
			line, err := br.ReadString('\n')
			all += line
			if err != nil || len(line) < 4 || line[3] == ' ' {
				return all
			}
		}
	}
	replies = append(replies, readReply())
	for _, s := range script {
		if _, err := io.WriteString(c, s); err != nil {
			break
		}
		if strings.HasSuffix(s, "\r\n") && !strings.HasPrefix(s, "#") {
			replies = append(replies, readReply())
		}
	}
	return replies
}

func TestSmuggling(t *testing.T) {
	variants := []struct {
		name, seq string
	}{
		{"LF.CRLF", "\n.\r\n"},
		{"CRLF.LF", "\r\n.\n"},
		{"CR.CRLF", "\r.\r\n"},
		{"LF.LF", "\n.\n"},
		{"NUL after dot", "\r\n.\x00\r\n"},
		{"bare CR line", "\r.\r"},
	}
	for _, policy := range []string{"reject", "normalize"} {
		for _, v := range variants {
			t.Run(policy+"/"+v.name, func(t *testing.T) {
				r := startRelay(t, func(o *Options) { o.BareLineEndings = policy })
				smuggled := "From: a@example.com\r\nSubject: one\r\n\r\nfirst" + v.seq +
					"MAIL FROM:<evil@example.com>\r\nRCPT TO:<victim@city.lg.jp>\r\nDATA\r\nFrom: ceo@city.lg.jp\r\nSubject: smuggled\r\n\r\nsecond\r\n.\r\n"
				replies := rawSession(t, r.addr, []string{"EHLO c.test\r\n", "MAIL FROM:<a@example.com>\r\n", "RCPT TO:<staff@city.lg.jp>\r\n", "DATA\r\n", smuggled, "QUIT\r\n"})
				final := replies[len(replies)-2]
				wantNUL := strings.Contains(v.seq, "\x00")
				if policy == "reject" || wantNUL {
					if !strings.HasPrefix(final, "554") {
						t.Fatalf("end of data reply = %q, want 554 (replies %q)", final, replies)
					}
					time.Sleep(200 * time.Millisecond)
					if n := len(delivered(t, r.dir)); n != 0 {
						t.Fatalf("%d messages delivered, want 0", n)
					}
					return
				}
				if !strings.HasPrefix(final, "250") {
					t.Fatalf("end of data reply = %q, want 250", final)
				}
				waitFor(t, "delivery", func() bool { return len(delivered(t, r.dir)) >= 1 })
				time.Sleep(200 * time.Millisecond)
				msgs := delivered(t, r.dir)
				if len(msgs) != 1 {
					t.Fatalf("%d messages delivered, want exactly 1 (no second envelope)", len(msgs))
				}
				if strings.Contains(msgs[0], "X-Sekisho-Envelope-To: <victim@") {
					t.Fatal("smuggled recipient received mail")
				}
				body := msgs[0][strings.Index(msgs[0], "\r\n\r\n"):]
				if strings.Contains(strings.ReplaceAll(body, "\r\n", ""), "\r") || strings.Contains(strings.ReplaceAll(body, "\r\n", ""), "\n") {
					t.Fatalf("delivered message still has bare CR/LF: %q", body)
				}
			})
		}
	}
}

func TestRetryThenDeliverAndBounce(t *testing.T) {
	// Reserve a port, keep it closed: the next hop is down.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	hop := ln.Addr().String()
	ln.Close()
	bounceSink := startSink(t, "")
	r := startRelay(t, func(o *Options) {
		o.Routes = []Route{
			{Domain: "city.lg.jp", Transport: "smtp", Addr: hop, TLS: "none"},
			{Domain: "*", Transport: "smtp", Addr: bounceSink.addr(), TLS: "none"},
		}
	})
	if err := sendMail(t, r.addr, "sender@example.com", []string{"staff@city.lg.jp", "gone@city.lg.jp"}, fmt.Sprintf(testMsg, "retry")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "deferral", func() bool { ids, _ := r.spool.ListQueue(); return len(ids) == 1 })
	sink := startSink(t, hop)
	sink.mu.Lock()
	sink.rejectTo["gone@city.lg.jp"] = &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	sink.mu.Unlock()
	waitFor(t, "delivery after the hop came up", func() bool { return len(sink.messages()) == 1 })
	if got := sink.messages()[0].Rcpts; len(got) != 1 || got[0] != "staff@city.lg.jp" {
		t.Errorf("delivered to %v, want staff only", got)
	}
	waitFor(t, "DSN at the sender's hop", func() bool { return len(bounceSink.messages()) == 1 })
	dsn := bounceSink.messages()[0]
	if dsn.From != "" || dsn.Rcpts[0] != "sender@example.com" {
		t.Errorf("DSN envelope from %q to %v, want null sender to sender@example.com", dsn.From, dsn.Rcpts)
	}
	for _, want := range []string{"multipart/report", "report-type=delivery-status", "Final-Recipient: rfc822; gone@city.lg.jp", "Action: failed", "Diagnostic-Code: smtp; 550", "text/rfc822-headers", "Message-ID: <retry@example.com>"} {
		if !bytes.Contains(dsn.Data, []byte(want)) {
			t.Errorf("DSN lacks %q", want)
		}
	}
	waitFor(t, "queue empty", func() bool { ids, _ := r.spool.ListQueue(); return len(ids) == 0 })
}

func TestNullSenderNeverBounced(t *testing.T) {
	sink := startSink(t, "")
	sink.mu.Lock()
	sink.rejectTo["gone@city.lg.jp"] = &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	sink.mu.Unlock()
	r := startRelay(t, func(o *Options) {
		o.Routes = []Route{{Domain: "city.lg.jp", Transport: "smtp", Addr: sink.addr(), TLS: "none"}, {Domain: "*", Transport: "smtp", Addr: sink.addr(), TLS: "none"}}
	})
	if err := sendMail(t, r.addr, "", []string{"gone@city.lg.jp"}, fmt.Sprintf(testMsg, "nullsender")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "processing", func() bool { ids, _ := r.spool.ListIncoming(); return len(ids) == 0 })
	time.Sleep(300 * time.Millisecond)
	if n := len(sink.messages()); n != 0 {
		t.Fatalf("%d messages sent, want none (no bounce to the null sender)", n)
	}
	if q, _ := r.spool.ListQueue(); len(q) != 0 {
		t.Fatalf("queue has %v", q)
	}
}

func TestWholeMessageQuarantined(t *testing.T) {
	r := startRelay(t, nil)
	if err := sendMail(t, r.addr, "a@example.com", []string{"staff@city.lg.jp"}, "Subject: =?UTF-8?B?6KuL5rGC5pu4?=\r\n\r\nQUARANTINE-ME\r\n"); err != nil {
		t.Fatal(err)
	}
	var recs []quarantine.Record
	waitFor(t, "quarantine record", func() bool {
		p, _ := r.store.Search(context.Background(), quarantine.Query{})
		recs = p.Records
		return len(recs) == 1
	})
	if recs[0].Subject != "=?UTF-8?B?6KuL5rGC5pu4?=" || recs[0].Kind != "message" || recs[0].Rcpts[0] != "staff@city.lg.jp" || recs[0].Reason == "" {
		t.Errorf("record = %+v", recs[0])
	}
	time.Sleep(200 * time.Millisecond)
	if n := len(delivered(t, r.dir)); n != 0 {
		t.Errorf("quarantined message was delivered")
	}
}

func TestRecoveryAtStart(t *testing.T) {
	dir := t.TempDir()
	sp, err := OpenSpool(filepath.Join(dir, "spool"))
	if err != nil {
		t.Fatal(err)
	}
	// A message accepted by a previous process that died before sanitizing it, and a temp
	// file from a transfer it never answered.
	w, _ := sp.Create(Envelope{ID: NewID(time.Now()), From: "a@example.com", Rcpts: []string{"staff@city.lg.jp"}})
	io.WriteString(w, fmt.Sprintf(testMsg, "recovered"))
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "spool", "incoming", "X.tmp"), []byte("partial"), 0o600)
	sp2, err := OpenSpool(filepath.Join(dir, "spool"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "spool", "incoming", "X.tmp")); !os.IsNotExist(err) {
		t.Error("temp file survived recovery")
	}
	st, _ := openStore(filepath.Join(dir, "q"))
	defer st.Close()
	s, err := New(Options{Addr: "127.0.0.1:0", MinFreeBytes: -1, Routes: []Route{{Domain: "city.lg.jp", Transport: "dir", Addr: filepath.Join(dir, "delivered")}}}, sp2, tagSanitizer{}, st)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	go s.Serve()
	defer s.Shutdown(context.Background())
	waitFor(t, "recovered delivery", func() bool { return len(delivered(t, dir)) == 1 })
}

func TestConnectionLimitsAndSpace(t *testing.T) {
	t.Run("per-ip sessions", func(t *testing.T) {
		r := startRelay(t, func(o *Options) { o.Conn.MaxSessionsPerIP = 1 })
		c1, _ := net.Dial("tcp", r.addr)
		defer c1.Close()
		bufio.NewReader(c1).ReadString('\n')
		replies := rawSession(t, r.addr, nil)
		if !strings.HasPrefix(replies[0], "421 4.7.0") {
			t.Fatalf("second connection got %q, want 421", replies[0])
		}
	})
	t.Run("rate", func(t *testing.T) {
		r := startRelay(t, func(o *Options) { o.Conn.MaxRatePerIP = 2 })
		for i := 0; i < 2; i++ {
			if rep := rawSession(t, r.addr, []string{"QUIT\r\n"}); !strings.HasPrefix(rep[0], "220") {
				t.Fatalf("connection %d got %q", i, rep[0])
			}
		}
		if rep := rawSession(t, r.addr, nil); !strings.HasPrefix(rep[0], "421") {
			t.Fatalf("third connection in a minute got %q, want 421", rep[0])
		}
	})
	t.Run("idle timeout", func(t *testing.T) {
		r := startRelay(t, func(o *Options) { o.Conn.IdleTimeout = 200 * time.Millisecond })
		c, _ := net.Dial("tcp", r.addr)
		defer c.Close()
		br := bufio.NewReader(c)
		br.ReadString('\n')
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		start := time.Now()
		_, err := io.ReadAll(br)
		if err != nil || time.Since(start) > 3*time.Second {
			t.Fatalf("idle connection not closed promptly: %v after %v", err, time.Since(start))
		}
	})
	t.Run("spool space", func(t *testing.T) {
		r := startRelay(t, func(o *Options) { o.MinFreeBytes = 1 << 62 })
		err := sendMail(t, r.addr, "a@example.com", []string{"staff@city.lg.jp"}, fmt.Sprintf(testMsg, "x"))
		if se, ok := err.(*gosmtp.SMTPError); !ok || se.Code != 452 {
			t.Fatalf("send with a full spool = %v, want 452", err)
		}
	})
	t.Run("disconnect mid-data", func(t *testing.T) {
		r := startRelay(t, nil)
		rawSession(t, r.addr, []string{"EHLO c\r\n", "MAIL FROM:<a@example.com>\r\n", "RCPT TO:<staff@city.lg.jp>\r\n", "DATA\r\n", "#Subject: cut\r\n\r\npartial"})
		time.Sleep(300 * time.Millisecond)
		ents, _ := os.ReadDir(filepath.Join(r.dir, "spool", "incoming"))
		if len(ents) != 0 || len(delivered(t, r.dir)) != 0 {
			t.Fatalf("a cut transfer left %d spool files", len(ents))
		}
	})
}
