package relaytest

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// SendMail sends one message with the go-smtp client, without STARTTLS.
func SendMail(addr, from string, to []string, msg string) error {
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
	if _, err := io.WriteString(w, msg); err != nil {
		return err
	}
	return w.Close()
}

// Raw speaks SMTP over a plain socket so tests can send byte sequences no client library
// would produce. Each script entry is written as it is; one that ends in CRLF and does
// not start with "#" waits for a reply (a "#" entry is sent as it is, "#" included,
// without waiting: data in the middle of DATA). It returns
// the greeting and every reply read.
func Raw(t testing.TB, addr string, script []string) []string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
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
	replies := []string{readReply()}
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
