package delivery_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// TestSendEnvelope drives the vendored client's SendEnvelope (a sekisho patch) against
// scripted next hops. With PIPELINING the hop reads MAIL, both RCPTs and DATA before it
// answers any of them, so a client that waited for a reply would stall and fail on the
// hop's deadline; without it the hop checks that nothing follows a command before its
// reply. The hop's replies decide what the client must report and do.
func TestSendEnvelope(t *testing.T) {
	tests := []struct {
		name      string
		pipelined bool
		replies   []string // to MAIL, RCPT a, RCPT b, DATA
		rcptCodes []int    // 0: accepted
		data      bool     // a DATA writer returned
		errCode   int      // SMTP code of the error returned, 0 none
		dotOnly   bool     // the client must end an unwanted DATA with a lone dot
	}{
		{"accepted", true, []string{"250 ok", "250 ok", "250 ok", "354 go"}, []int{0, 0}, true, 0, false},
		{"one recipient refused", true, []string{"250 ok", "550 5.1.1 no such user", "250 ok", "354 go"}, []int{550, 0}, true, 0, false},
		{"mail refused", true, []string{"451 4.3.0 try later", "503 need MAIL", "503 need MAIL", "554 no valid recipients"}, []int{451, 451}, false, 451, false},
		{"every recipient refused", true, []string{"250 ok", "550 no", "550 no", "554 no valid recipients"}, []int{550, 550}, false, 0, false},
		{"data refused", true, []string{"250 ok", "250 ok", "250 ok", "452 4.3.1 full"}, []int{0, 0}, false, 452, false},
		{"354 with no recipient", true, []string{"250 ok", "550 no", "550 no", "354 go"}, []int{550, 550}, false, 0, true},
		{"lockstep", false, []string{"250 ok", "250 ok", "550 no", "354 go"}, []int{0, 550}, true, 0, false},
		{"lockstep, every recipient refused", false, []string{"250 ok", "550 no", "550 no"}, []int{550, 550}, false, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			addr, got := scriptedHop(t, tc.pipelined, tc.replies)
			c, err := gosmtp.Dial(addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.CommandTimeout = 20 * time.Second
			rcptErrs, wc, err := c.SendEnvelope("s@example.lg.jp", nil, []string{"a@example.jp", "b@example.jp"})
			if code := smtpCode(err); code != tc.errCode || err != nil && code == 0 {
				t.Fatalf("err = %v, want code %d", err, tc.errCode)
			}
			for i, want := range tc.rcptCodes {
				if code := smtpCode(rcptErrs[i]); code != want || rcptErrs[i] != nil && code == 0 {
					t.Errorf("rcpt %d: %v, want code %d", i, rcptErrs[i], want)
				}
			}
			if (wc != nil) != tc.data {
				t.Fatalf("data writer %v, want %v", wc != nil, tc.data)
			}
			if wc != nil {
				io.WriteString(wc, "Subject: x\r\n\r\n.dot\r\n")
				if err := wc.Close(); err != nil {
					t.Fatal(err)
				}
			}
			c.Quit()
			rec := <-got
			if rec.err != "" {
				t.Fatal(rec.err)
			}
			switch {
			case tc.data && rec.data != "Subject: x\r\n\r\n..dot\r\n.\r\n":
				t.Errorf("hop received data %q", rec.data)
			case tc.dotOnly && rec.data != ".\r\n":
				t.Errorf("hop received %q after an unwanted 354, want a lone dot", rec.data)
			case !tc.data && !tc.dotOnly && rec.data != "":
				t.Errorf("hop received data %q", rec.data)
			}
		})
	}
}

func smtpCode(err error) int {
	var se *gosmtp.SMTPError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

type hopRecord struct{ data, err string }

// scriptedHop answers EHLO, then MAIL, RCPT, RCPT and DATA with replies (all four read
// before the first reply when pipelined), records what follows a 354 up to the dot,
// answers it 250 (554 for a lone dot) and ends at QUIT.
func scriptedHop(t *testing.T, pipelined bool, replies []string) (string, <-chan hopRecord) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	out := make(chan hopRecord, 1)
	go func() { // ends with the connection
		var rec hopRecord
		defer func() { out <- rec }()
		c, err := ln.Accept()
		if err != nil {
			rec.err = err.Error()
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		br := bufio.NewReader(c)
		read := func(prefix string) bool {
			line, err := br.ReadString('\n')
			if err != nil || !strings.HasPrefix(line, prefix) {
				rec.err = "hop: want " + prefix + ", read " + line + " (" + errString(err) + ")"
				return false
			}
			return true
		}
		io.WriteString(c, "220 hop.test\r\n")
		if !read("EHLO") {
			return
		}
		ext := "250-hop.test\r\n250-8BITMIME\r\n"
		if pipelined {
			ext += "250-PIPELINING\r\n"
		}
		io.WriteString(c, ext+"250 SIZE 1000000\r\n")
		cmds := []string{"MAIL FROM:<s@example.lg.jp>", "RCPT TO:<a@example.jp>", "RCPT TO:<b@example.jp>", "DATA"}
		if pipelined {
			for _, cmd := range cmds {
				if !read(cmd) {
					return
				}
			}
			io.WriteString(c, strings.Join(replies, "\r\n")+"\r\n")
		} else {
			for i, cmd := range cmds[:len(replies)] {
				if !read(cmd) {
					return
				}
				if br.Buffered() > 0 {
					rec.err = "hop: a command arrived before the reply to " + cmd
					return
				}
				io.WriteString(c, replies[i]+"\r\n")
			}
		}
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				rec.err = "hop: " + err.Error()
				return
			}
			switch {
			case strings.HasPrefix(line, "QUIT"):
				io.WriteString(c, "221 bye\r\n")
				return
			case strings.HasPrefix(line, "RSET"):
				io.WriteString(c, "250 reset\r\n")
				continue
			}
			if !strings.HasPrefix(replies[len(replies)-1], "354") {
				rec.err = "hop: unexpected " + line
				return
			}
			rec.data += line
			if line == ".\r\n" {
				if rec.data == line {
					io.WriteString(c, "554 no transaction\r\n")
				} else {
					io.WriteString(c, "250 queued\r\n")
				}
			}
		}
	}()
	return ln.Addr().String(), out
}

func errString(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}
