package web_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/portal/web"
	"github.com/sekisho/sekisho/gateway/portal/web/webtest"
)

// TestMountStream checks both sides of streaming: a stream route reads a body far above
// MaxBodySize from the stream, and every other route still has its body capped, whether
// the client declares a length or sends it chunked.
func TestMountStream(t *testing.T) {
	st, auth, _ := webtest.Accounts(t, accounts.AuthOptions{})
	srv, err := web.New(web.Options{Store: st, Auth: auth, Audit: &webtest.Recorder{}, Secret: bytes.Repeat([]byte("k"), 32),
		Pages: pages, MaxBodySize: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	srv.MountStream("/up/", web.Stream{ReadTimeout: time.Minute, Handler: func(ctx *fasthttp.RequestCtx) {
		h := sha256.New()
		n, err := io.Copy(h, ctx.RequestBodyStream())
		if err != nil {
			ctx.Error(err.Error(), 400)
			return
		}
		fmt.Fprintf(ctx, "%d %x", n, h.Sum(nil))
	}})
	base := webtest.Serve(t, srv, false)

	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<20) // 16 MiB
	sum := sha256.Sum256(big)
	for _, chunked := range []bool{false, true} {
		var body io.Reader = bytes.NewReader(big)
		if chunked {
			body = io.MultiReader(body) // hides the length: the client sends it chunked
		}
		resp, err := http.Post(base+"/up/x", "application/octet-stream", body)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want := fmt.Sprintf("%d %x", len(big), sum); resp.StatusCode != 200 || string(got) != want {
			t.Errorf("stream route (chunked %v) = %d %q, want 200 %q", chunked, resp.StatusCode, got, want)
		}
	}

	form := "user=a&password=" + strings.Repeat("x", 200<<10)
	for _, chunked := range []bool{false, true} {
		var body io.Reader = strings.NewReader(form)
		if chunked {
			body = io.MultiReader(body)
		}
		resp, err := http.Post(base+"/login", "application/x-www-form-urlencoded", body)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 413 {
			t.Errorf("POST /login with a 200 KiB body (chunked %v) = %d, want 413", chunked, resp.StatusCode)
		}
	}
	// A small form on a streaming server still parses (it gets the login page's 403 for
	// a missing CSRF token, not a 400 or 413).
	resp, err := http.Post(base+"/login", "application/x-www-form-urlencoded", io.MultiReader(strings.NewReader("user=a&password=b")))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("small chunked form = %d, want 403 (csrf)", resp.StatusCode)
	}
}

// TestRefusalReachesASendingClient: a client still sending a body the server refused
// halfway (a transfer above its limit) reads the 413 and a Connection: close, instead of
// a reset that destroys the response (closing with unread bytes sends one), every time.
func TestRefusalReachesASendingClient(t *testing.T) {
	st, auth, _ := webtest.Accounts(t, accounts.AuthOptions{})
	srv, err := web.New(web.Options{Store: st, Auth: auth, Audit: &webtest.Recorder{}, Secret: bytes.Repeat([]byte("k"), 32),
		Pages: pages, MaxBodySize: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	srv.MountStream("/up/", web.Stream{ReadTimeout: time.Minute, Handler: func(ctx *fasthttp.RequestCtx) {
		io.CopyN(io.Discard, ctx.RequestBodyStream(), 64<<10)
		ctx.Error("over the limit", fasthttp.StatusRequestEntityTooLarge)
		web.LingerClose(ctx)
	}})
	base := webtest.Serve(t, srv, false)
	big := bytes.Repeat([]byte("p"), 8<<20)
	for i := 0; i < 20; i++ {
		for _, chunked := range []bool{false, true} {
			var body io.Reader = bytes.NewReader(big)
			if chunked {
				body = io.MultiReader(body)
			}
			resp, err := http.Post(base+"/up/x", "application/octet-stream", body)
			if err != nil {
				t.Fatalf("try %d (chunked %v): %v", i, chunked, err)
			}
			msg, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
			resp.Body.Close()
			if resp.StatusCode != 413 || !resp.Close {
				t.Fatalf("try %d (chunked %v): %d %q, close %v; want 413 with Connection: close", i, chunked, resp.StatusCode, msg, resp.Close)
			}
		}
	}
}
