package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/smtp"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// relayRun is `sekisho serve` on one store taking n messages over sessions parallel SMTP
// sessions (a new connection per message). With held, each has an encrypted zip the
// engine holds, so that every message puts an original into the store and a notice per
// message reaches the sink; without, each is plain text that never touches the store. It returns messages per second from the first connection to the last notice
// and the time from DATA to 250 per message.
func relayRun(binary, store, zipPath string, n, sessions int, held bool) (float64, []time.Duration, error) {
	var zip []byte
	if held {
		var err error
		if zip, err = os.ReadFile(zipPath); err != nil {
			return 0, nil, err
		}
	}
	dir, err := os.MkdirTemp("", "sekisho-storebench-relay-")
	if err != nil {
		return 0, nil, err
	}
	defer os.RemoveAll(dir)
	var got atomic.Int64
	sinkLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, nil, err
	}
	srv := gosmtp.NewServer(countBackend{&got})
	srv.Domain = "sink.bench.test"
	go srv.Serve(sinkLn)
	defer srv.Close()
	smtpAddr, httpAddr := freePort(), freePort()
	cfg := filepath.Join(dir, "sekisho.yaml")
	err = os.WriteFile(cfg, []byte(fmt.Sprintf(`data_dir: %s
store: %s
node: bench
log: {level: warn}
smtp:
  listen: %s
  domains: [bench.test]
delivery:
  routes:
    "*": smtp://%s?tls=none
http:
  listen: %s
`, filepath.Join(dir, "data"), store, smtpAddr, sinkLn.Addr(), httpAddr)), 0o600)
	if err != nil {
		return 0, nil, err
	}
	cmd := exec.Command(binary, "serve", "--config", cfg)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return 0, nil, err
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	for i := 0; ; i++ {
		if c, err := net.Dial("tcp", smtpAddr); err == nil {
			c.Close()
			break
		}
		if i > 600 {
			return 0, nil, fmt.Errorf("serve did not start")
		}
		time.Sleep(100 * time.Millisecond)
	}

	next := make(chan int)
	var mu sync.Mutex
	var lat []time.Duration
	var sendErr error
	var wg sync.WaitGroup
	start := time.Now()
	for range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t, err := sendOne(smtpAddr, message(i, zip))
				mu.Lock()
				if err != nil && sendErr == nil {
					sendErr = err
				}
				lat = append(lat, t)
				mu.Unlock()
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	if sendErr != nil {
		return 0, nil, sendErr
	}
	for end := time.Now().Add(10 * time.Minute); got.Load() < int64(n); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			return 0, nil, fmt.Errorf("%d of %d notices arrived", got.Load(), n)
		}
	}
	return float64(n) / time.Since(start).Seconds(), lat, nil
}

// sendOne submits msg and returns the time from the end of DATA to the 250.
func sendOne(addr string, msg []byte) (time.Duration, error) {
	c, err := smtp.Dial(addr)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	if err := c.Hello("client.bench.test"); err != nil {
		return 0, err
	}
	if err := c.Mail("sender@example.com"); err != nil {
		return 0, err
	}
	if err := c.Rcpt("staff@bench.test"); err != nil {
		return 0, err
	}
	w, err := c.Data()
	if err != nil {
		return 0, err
	}
	if _, err := w.Write(msg); err != nil {
		return 0, err
	}
	t := time.Now()
	if err := w.Close(); err != nil {
		return 0, err
	}
	d := time.Since(t)
	return d, c.Quit()
}

func message(i int, zip []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: sender@example.com\r\nTo: staff@bench.test\r\nSubject: bench %d\r\nMessage-ID: <bench-%d@example.com>\r\nMIME-Version: 1.0\r\n", i, i)
	b.WriteString("Content-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
	fmt.Fprintf(&b, "資料を送ります。 %d\r\n", i)
	if zip == nil {
		b.WriteString("--B--\r\n")
		return b.Bytes()
	}
	b.WriteString("--B\r\n")
	b.WriteString("Content-Type: application/zip; name=\"shiryou.zip\"\r\nContent-Disposition: attachment; filename=\"shiryou.zip\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString(zip)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n--B--\r\n")
	return b.Bytes()
}

func freePort() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

type countBackend struct{ n *atomic.Int64 }

func (b countBackend) NewSession(*gosmtp.Conn) (gosmtp.Session, error) { return countSession(b), nil }

type countSession struct{ n *atomic.Int64 }

func (countSession) Reset()                                 {}
func (countSession) Logout() error                          { return nil }
func (countSession) Mail(string, *gosmtp.MailOptions) error { return nil }
func (countSession) Rcpt(string, *gosmtp.RcptOptions) error { return nil }
func (s countSession) Data(r io.Reader) error {
	io.Copy(io.Discard, r)
	s.n.Add(1)
	return nil
}

// median of d.
func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
