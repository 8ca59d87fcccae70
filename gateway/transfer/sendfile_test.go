package transfer_test

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/sekisho/sekisho/gateway/smtp"
	"github.com/sekisho/sekisho/gateway/transfer"
)

// TestDownloadPaths: a stored output goes out by sendfile on a plain connection (the
// portal without TLS) and through the copy path over TLS, whole and by ranges that start
// and end inside and across sendfile chunks, byte for byte; on either path a client that
// stops reading is cut once the idle timeout passes instead of holding the connection.
func TestDownloadPaths(t *testing.T) {
	blobs, err := transfer.OpenFileBlobs(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	// store writes times copies of data as one blob.
	store := func(data []byte, times int) string {
		w, err := blobs.Create()
		if err != nil {
			t.Fatal(err)
		}
		for range times {
			w.Write(data)
		}
		sum, _, err := w.Commit()
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	data := make([]byte, 3<<20+12345)
	rand.NewChaCha8([32]byte{1}).Read(data)
	sum := store(data, 1)
	// Larger than what loopback socket buffers absorb, so a client that does not read
	// leaves the server waiting on a full socket.
	bigSum := store(data[:1<<20], 64)
	sums := map[string]string{"/small": sum, "/big": bigSum}
	idle := 500 * time.Millisecond
	handler := func(ctx *fasthttp.RequestCtx) {
		s, ok := sums[string(ctx.Path())]
		if !ok {
			ctx.SetStatusCode(404)
			return
		}
		b, err := blobs.Open(s)
		if err != nil {
			ctx.SetStatusCode(500)
			return
		}
		size := b.Size()
		b.Close()
		if _, err := transfer.ServeContent(ctx, transfer.Content{Name: "報告書.bin", Type: "application/octet-stream", Size: size, ETag: s,
			Open: func() (io.ReadSeekCloser, error) { return blobs.Open(s) }}, transfer.Pace{Idle: idle, MinRate: 1}); err != nil {
			ctx.SetStatusCode(500)
		}
	}
	dir := t.TempDir()
	cert, err := smtp.LoadOrCreateCert(filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem"), "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	tlsConf := &tls.Config{Certificates: []tls.Certificate{cert}}

	for _, secure := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "tls"}[secure], func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := ln.Addr().String()
			base := "http://" + addr
			if secure {
				ln, base = tls.NewListener(ln, tlsConf), "https://"+addr
			}
			srv := &fasthttp.Server{Handler: handler}
			go srv.Serve(ln)
			t.Cleanup(func() { srv.Shutdown() })
			client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
			before := transfer.SentByFile()
			n := len(data)
			for _, c := range []struct {
				rng         string
				status      int
				first, last int
			}{
				{"", 200, 0, n - 1},
				{"bytes=100-199", 206, 100, 199},
				{"bytes=262143-262144", 206, 262143, 262144}, // across the first chunk's end
				{"bytes=100000-2500000", 206, 100000, 2500000},
				{"bytes=-5", 206, n - 5, n - 1},
				{fmt.Sprintf("bytes=%d-", n-300000), 206, n - 300000, n - 1},
			} {
				req, _ := http.NewRequest("GET", base+"/small", nil)
				if c.rng != "" {
					req.Header.Set("Range", c.rng)
				}
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != c.status || !bytes.Equal(got, data[c.first:c.last+1]) {
					t.Fatalf("%q: %d, %d bytes (%v), want %d and bytes %d-%d", c.rng, resp.StatusCode, len(got), err, c.status, c.first, c.last)
				}
				if c.status == 206 && resp.Header.Get("Content-Range") != fmt.Sprintf("bytes %d-%d/%d", c.first, c.last, n) {
					t.Errorf("%q: Content-Range %q", c.rng, resp.Header.Get("Content-Range"))
				}
			}
			want := int64(0)
			if !secure {
				want = 6
			}
			if got := transfer.SentByFile() - before; got != want {
				t.Errorf("%d bodies sent by sendfile, want %d", got, want)
			}

			// A client that asks and stops reading.
			var conn net.Conn
			if secure {
				conn, err = tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true})
			} else {
				conn, err = net.Dial("tcp", addr)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			fmt.Fprintf(conn, "GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
			br := bufio.NewReader(conn)
			if line, _ := br.ReadString('\n'); line != "HTTP/1.1 200 OK\r\n" {
				t.Fatalf("status line %q", line)
			}
			time.Sleep(6 * idle)
			conn.SetReadDeadline(time.Now().Add(30 * time.Second))
			got, _ := io.Copy(io.Discard, br)
			if got >= 64<<20 {
				t.Errorf("a client that stopped reading for %v got the whole body", 6*idle)
			}
		})
	}
}

// wrappedListener hides the *net.TCPConn of its connections, so ServeContent takes the
// copy path on plain TCP (as it does over TLS).
type wrappedListener struct{ net.Listener }

type wrappedConn struct{ net.Conn }

func (l wrappedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return wrappedConn{c}, nil
}

// BenchmarkDownload: one 256 MiB stored output over loopback, by sendfile and by the copy
// path, read by a client that discards it.
func BenchmarkDownload(b *testing.B) {
	blobs, err := transfer.OpenFileBlobs(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer blobs.Close()
	w, _ := blobs.Create()
	block := make([]byte, 1<<20)
	rand.NewChaCha8([32]byte{3}).Read(block)
	for range 256 {
		w.Write(block)
	}
	sum, size, err := w.Commit()
	if err != nil {
		b.Fatal(err)
	}
	handler := func(ctx *fasthttp.RequestCtx) {
		transfer.ServeContent(ctx, transfer.Content{Name: "a.bin", Size: size, ETag: sum,
			Open: func() (io.ReadSeekCloser, error) { return blobs.Open(sum) }}, transfer.Pace{Idle: time.Minute, MinRate: 1})
	}
	for _, path := range []string{"sendfile", "copy"} {
		b.Run(path, func(b *testing.B) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			url := "http://" + ln.Addr().String() + "/"
			if path == "copy" {
				ln = wrappedListener{ln}
			}
			srv := &fasthttp.Server{Handler: handler}
			go srv.Serve(ln)
			defer srv.Shutdown()
			b.SetBytes(size)
			for b.Loop() {
				resp, err := http.Get(url)
				if err != nil {
					b.Fatal(err)
				}
				n, _ := io.CopyBuffer(io.Discard, resp.Body, make([]byte, 256<<10))
				resp.Body.Close()
				if n != size {
					b.Fatalf("%d of %d bytes", n, size)
				}
			}
		})
	}
}
