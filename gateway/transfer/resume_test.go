package transfer_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/gateway/transfer"
)

// cutProxy forwards one connection to target and closes it once limit bytes went from
// the client to the server: a network that drops in the middle of an upload.
func cutProxy(t *testing.T, target string, limit int64) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", target)
		if err != nil {
			c.Close()
			return
		}
		var once sync.Once
		stop := func() { once.Do(func() { c.Close(); s.Close() }) }
		go func() { io.Copy(c, s); stop() }()
		io.CopyN(s, c, limit)
		stop()
	}()
	return ln.Addr().String()
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestCurlResume cuts a curl -T upload at a random offset, asks where it stands with
// curl -I, and finishes it with curl -C OFFSET -T: the stored file is whole and its hash
// is the original's.
func TestCurlResume(t *testing.T) {
	e := start(t, nil)
	e.user("tanaka", "pw-tanaka-1", accounts.Staff)
	tok := e.link("tanaka", transfer.UploadLinkRequest{OneTime: true})
	// Plain UTF-8 text with LF: the text family delivers it byte for byte, so the output's
	// hash must equal the upload's.
	var data bytes.Buffer
	for i := 0; data.Len() < 24<<20; i++ {
		fmt.Fprintf(&data, "%08d 無害化 transfer line\n", i)
	}
	p := writeFile(t, t.TempDir(), "log.txt", data.Bytes())
	cut := int64(4<<20 + rand.IntN(12<<20))
	proxy := cutProxy(t, e.gw.TransferAddr().String(), cut)
	url := "https://" + proxy + "/api/v1/u/" + tok + "/log.txt"
	if out, err := curl(t, "--resolve", "x:1:127.0.0.1", "-T", p, url); err == nil {
		t.Fatalf("curl through a proxy that cuts at %d bytes succeeded: %s", cut, out)
	}
	direct := e.internet + "/api/v1/u/" + tok + "/log.txt"
	var off int64
	waitFor(t, "the interrupted upload to be recorded", 10*time.Second, func() bool {
		out, err := curl(t, "-I", direct)
		if err != nil {
			return false
		}
		for _, l := range strings.Split(out, "\n") {
			if v, ok := strings.CutPrefix(strings.ToLower(strings.TrimSpace(l)), "upload-offset: "); ok {
				fmt.Sscan(v, &off)
				return off > 0
			}
		}
		return false
	})
	t.Logf("cut after %d proxied bytes; the server kept %d of %d", cut, off, data.Len())
	if off <= 0 || off >= int64(data.Len()) {
		t.Fatalf("Upload-Offset after the cut = %d", off)
	}
	var out string
	waitFor(t, "the resumed upload", 30*time.Second, func() bool {
		var err error
		out, err = curl(t, "-C", fmt.Sprint(off), "-T", p, direct)
		return err == nil && !strings.Contains(out, "another request")
	})
	r := decode(t, out)
	if len(r.Files) != 1 {
		t.Fatalf("resumed upload = %s", out)
	}
	// The reply waits a while for the sanitizer, not without bound: on a loaded machine
	// 24 MiB may still be processing when it comes.
	var f transfer.File
	waitFor(t, "the resumed file to be sanitized", 3*time.Minute, func() bool {
		var err error
		f, err = e.svc.File(context.Background(), r.Files[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		return f.State == transfer.Available
	})
	if f.SHA256 != sha(data.Bytes()) || f.OutBlob != f.SHA256 || f.OutSize != int64(data.Len()) {
		t.Fatalf("file after resume: sha256 %s out %s size %d, want %s and %d bytes", f.SHA256, f.OutBlob, f.OutSize, sha(data.Bytes()), data.Len())
	}
}

// tusClient speaks tus 1.0 to the API with net/http.
type tusClient struct {
	t    *testing.T
	http *http.Client
}

func newTus(t *testing.T) *tusClient {
	return &tusClient{t: t, http: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}}
}

func (c *tusClient) do(method, url string, h map[string]string, body io.Reader) (*http.Response, string) {
	c.t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		c.t.Fatal(err)
	}
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, url, err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

// TestTus drives the tus 1.0 core protocol with creation and termination: discovery,
// version check, creation with metadata, PATCH in pieces, a wrong offset, HEAD, the wrong
// content type, a body past Upload-Length, termination, and the finish.
func TestTus(t *testing.T) {
	e := start(t, nil)
	e.user("tanaka", "pw-tanaka-1", accounts.Staff)
	tok := e.link("tanaka", transfer.UploadLinkRequest{})
	c := newTus(t)
	resp, _ := c.do("OPTIONS", e.internet+"/api/v1/u/"+tok, nil, nil)
	if resp.StatusCode != 204 || resp.Header.Get("Tus-Version") != "1.0.0" || !strings.Contains(resp.Header.Get("Tus-Extension"), "creation") {
		t.Fatalf("OPTIONS = %d %v", resp.StatusCode, resp.Header)
	}
	resp, body := c.do("POST", e.internet+"/api/v1/u/"+tok+"?sender=Partner", nil, nil)
	r := decode(t, body)
	if resp.StatusCode != 201 || r.Upload == "" {
		t.Fatalf("open = %d %s", resp.StatusCode, body)
	}
	base := e.internet + r.Upload
	tus := map[string]string{"Tus-Resumable": "1.0.0"}
	data := []byte(strings.Repeat("請求書 line\n", 50000))
	meta := "filename " + base64.StdEncoding.EncodeToString([]byte("請求書.txt")) + ",filetype " + base64.StdEncoding.EncodeToString([]byte("text/plain"))

	if resp, _ := c.do("POST", base+"/files", map[string]string{"Upload-Length": fmt.Sprint(len(data))}, nil); resp.StatusCode != 412 {
		t.Errorf("creation without Tus-Resumable = %d, want 412", resp.StatusCode)
	}
	resp, _ = c.do("POST", base+"/files", map[string]string{"Tus-Resumable": "1.0.0", "Upload-Length": fmt.Sprint(len(data)), "Upload-Metadata": meta}, nil)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != 201 || !strings.HasPrefix(loc, r.Upload+"/files/F") {
		t.Fatalf("creation = %d, Location %q", resp.StatusCode, loc)
	}
	fileURL := e.internet + loc
	patch := func(off int, b []byte, ct string) *http.Response {
		h := map[string]string{"Tus-Resumable": "1.0.0", "Upload-Offset": fmt.Sprint(off), "Content-Type": ct}
		resp, _ := c.do("PATCH", fileURL, h, bytes.NewReader(b))
		return resp
	}
	const oct = "application/offset+octet-stream"
	if resp := patch(0, data[:1000], "application/octet-stream"); resp.StatusCode != 415 {
		t.Errorf("PATCH with the wrong type = %d, want 415", resp.StatusCode)
	}
	if resp := patch(0, data[:100000], oct); resp.StatusCode != 204 || resp.Header.Get("Upload-Offset") != "100000" {
		t.Fatalf("first PATCH = %d, offset %s", resp.StatusCode, resp.Header.Get("Upload-Offset"))
	}
	if resp := patch(5, data[5:200], oct); resp.StatusCode != 409 {
		t.Errorf("PATCH at a wrong offset = %d, want 409", resp.StatusCode)
	}
	if resp, _ := c.do("HEAD", fileURL, tus, nil); resp.Header.Get("Upload-Offset") != "100000" || resp.Header.Get("Upload-Length") != fmt.Sprint(len(data)) || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("HEAD = %d %v", resp.StatusCode, resp.Header)
	}
	// Longer than Upload-Length: refused whole, the offset stays.
	long := append(append([]byte{}, data[100000:]...), "extra"...)
	if resp := patch(100000, long, oct); resp.StatusCode != 413 {
		t.Errorf("PATCH past Upload-Length = %d, want 413", resp.StatusCode)
	}
	if resp, _ := c.do("HEAD", fileURL, tus, nil); resp.Header.Get("Upload-Offset") != "100000" {
		t.Errorf("offset after a refused PATCH = %s, want 100000", resp.Header.Get("Upload-Offset"))
	}
	if resp := patch(100000, data[100000:], oct); resp.StatusCode != 204 {
		t.Fatalf("last PATCH = %d", resp.StatusCode)
	}
	// A second file, terminated half way.
	resp, _ = c.do("POST", base+"/files", map[string]string{"Tus-Resumable": "1.0.0", "Upload-Length": "10", "Upload-Metadata": "filename " + base64.StdEncoding.EncodeToString([]byte("x.txt"))}, nil)
	second := e.internet + resp.Header.Get("Location")
	c.do("PATCH", second, map[string]string{"Tus-Resumable": "1.0.0", "Upload-Offset": "0", "Content-Type": oct}, strings.NewReader("abc"))
	if resp, _ := c.do("DELETE", second, tus, nil); resp.StatusCode != 204 {
		t.Errorf("termination = %d", resp.StatusCode)
	}
	if resp, _ := c.do("HEAD", second, tus, nil); resp.StatusCode != 200 {
		t.Errorf("HEAD after termination = %d", resp.StatusCode)
	}
	resp, body = c.do("POST", base+"/done", nil, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("done = %d %s", resp.StatusCode, body)
	}
	tr, fs := e.final(r.ID)
	if tr.State != transfer.Ready || tr.SenderInfo != "Partner" || len(fs) != 2 || fs[0].State != transfer.Available || fs[0].Name != "請求書.txt" ||
		fs[1].State != transfer.Cancelled || fs[0].SHA256 != sha(data) {
		t.Fatalf("after done: %+v %+v", tr, fs)
	}
	// Finished: no more files.
	if resp, _ := c.do("POST", base+"/files", map[string]string{"Tus-Resumable": "1.0.0", "Upload-Length": "1"}, nil); resp.StatusCode != 409 {
		t.Errorf("creation after done = %d, want 409", resp.StatusCode)
	}
}
