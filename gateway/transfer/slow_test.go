package transfer_test

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/transfer"
)

// TestSlowClients: a header that never ends, a body that stops, and a body that trickles
// are each cut after their timeout; what the stopped body sent is kept for a resume.
func TestSlowClients(t *testing.T) {
	e := start(t, func(c *config.Config) {
		c.Transfer.HeaderTimeout = config.Duration(2 * time.Second)
		c.Transfer.IdleTimeout = config.Duration(2 * time.Second)
		c.Transfer.MinRate = 64 << 10
	})
	e.user("tanaka", "pw-tanaka-1", accounts.Staff)
	tok := e.link("tanaka", transfer.UploadLinkRequest{})
	addr := e.gw.TransferAddr().String()
	dial := func() *tls.Conn {
		c, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	// closedWithin reads until the server answers or closes and returns what it said and
	// how long it took.
	answer := func(c *tls.Conn, limit time.Duration) (string, time.Duration) {
		start := time.Now()
		c.SetReadDeadline(start.Add(limit))
		b, _ := io.ReadAll(bufio.NewReader(c))
		return string(b), time.Since(start)
	}

	t.Run("header", func(t *testing.T) {
		c := dial()
		fmt.Fprintf(c, "PUT /api/v1/u/%s/a.txt HTTP/1.1\r\nHost: x\r\n", tok)
		got, took := answer(c, 10*time.Second)
		if took > 6*time.Second {
			t.Fatalf("unfinished header held the connection %v", took)
		}
		t.Logf("unfinished header cut after %v: %q", took.Round(time.Millisecond), firstLine(got))
	})
	t.Run("stalled body", func(t *testing.T) {
		c := dial()
		fmt.Fprintf(c, "PUT /api/v1/u/%s/stalled.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n", tok)
		c.Write([]byte(strings.Repeat("a", 100000)))
		got, took := answer(c, 10*time.Second)
		if took > 6*time.Second || !strings.HasPrefix(got, "HTTP/1.1 408") {
			t.Fatalf("stalled body: %q after %v, want 408 within the idle timeout", firstLine(got), took)
		}
		resp := head(t, e.internet+"/api/v1/u/"+tok+"/stalled.txt")
		if resp.Header.Get("Upload-Offset") != "100000" {
			t.Errorf("kept %q bytes of a stalled upload, want 100000", resp.Header.Get("Upload-Offset"))
		}
	})
	t.Run("trickle", func(t *testing.T) {
		c := dial()
		fmt.Fprintf(c, "PUT /api/v1/u/%s/slow.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n", tok)
		stop := make(chan struct{})
		defer close(stop)
		go func() { // one byte every 200 ms: never idle, far below min_rate
			for {
				select {
				case <-stop:
					return
				case <-time.After(200 * time.Millisecond):
					if _, err := c.Write([]byte("b")); err != nil {
						return
					}
				}
			}
		}()
		got, took := answer(c, 15*time.Second)
		if took > 8*time.Second || !strings.HasPrefix(got, "HTTP/1.1 408") {
			t.Fatalf("trickle: %q after %v, want 408 soon after the idle timeout", firstLine(got), took)
		}
	})
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\r\n")
	return l
}

func head(t *testing.T, url string) *http.Response {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	resp, err := c.Head(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}
