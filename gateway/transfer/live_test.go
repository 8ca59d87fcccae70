package transfer_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/gateway/transfer"
	"github.com/sekisho/sekisho/internal/assemble"
	"github.com/sekisho/sekisho/quarantine/sqlite"
)

// faultEnv is a transfer service on a given blob store behind the upload API on
// loopback, without the portal: enough for what happens to one upload's bytes.
type faultEnv struct {
	svc   *transfer.Service
	addr  string
	token string
}

func newFaultEnv(t *testing.T, blobs transfer.Blobs, opts ...func(*transfer.Options)) *faultEnv {
	t.Helper()
	ctx := context.Background()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	store, err := assemble.OpenQuarantine(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := assemble.MigrateComponent(ctx, store, "transfer", transfer.Schema); err != nil {
		t.Fatal(err)
	}
	eng, err := assemble.NewSanitizers(cfg, assemble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	o := transfer.Options{DB: store.Backend().(*sqlite.Backend).DB(), Blobs: blobs, Quarantine: store,
		Inbound: eng.Files, Outbound: eng.Files, LinkExpiry: time.Hour, Retention: time.Hour,
		Limits: transfer.Limits{MaxFileSize: 4 << 30, MaxTransferSize: 8 << 30, MaxFiles: 10}}
	for _, f := range opts {
		f(&o)
	}
	svc, err := transfer.New(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	api := transfer.NewAPI(svc, transfer.Inbound, func(c *fasthttp.RequestCtx) netip.Addr {
		a, _ := netip.AddrFromSlice(c.RemoteIP())
		return a.Unmap()
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &fasthttp.Server{Handler: api.Handler, StreamRequestBody: true}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Shutdown() }) // before svc.Close: cleanups run last first
	_, token, err := svc.CreateUploadLink(ctx, "tanaka", transfer.UploadLinkRequest{}, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return &faultEnv{svc: svc, addr: ln.Addr().String(), token: token}
}

func (e *faultEnv) url(name string) string {
	return fmt.Sprintf("http://%s%su/%s/%s", e.addr, transfer.APIPrefix, e.token, name)
}

// files lists the files under dir, recursively.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// bigText is at least n bytes of Japanese text lines ending in LF, or CRLF (which the text family
// rewrites, so its output is not the input).
func bigText(n int, crlf bool) []byte {
	var b bytes.Buffer
	end := "\n"
	if crlf {
		end = "\r\n"
	}
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "%07d 令和8年度 業務委託契約の明細 数量 %d%s", i, i%97, end)
	}
	return b.Bytes()
}

// TestLiveSanitize: a text file PUT whole is sanitized while it arrives, and the result
// is the one a sanitize of the stored upload gives: a clean UTF-8 file is kept as it was
// uploaded (same bytes, same hash, nothing written twice), a CRLF one gets LF newlines.
func TestLiveSanitize(t *testing.T) {
	t.Parallel()
	e, fb, dir := newFileBlobsEnv(t)
	ctx := context.Background()
	for _, crlf := range []bool{false, true} {
		body := bigText(2<<20, crlf)
		req, _ := http.NewRequest("PUT", e.url(fmt.Sprintf("live-%v.txt", crlf)), bytes.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 201 {
			t.Fatalf("PUT = %s", resp.Status)
		}
		ts, err := e.svc.List(ctx, transfer.Query{Owner: "tanaka"})
		if err != nil || len(ts) == 0 {
			t.Fatal(ts, err)
		}
		var f transfer.File
		waitFor(t, "the file's result", 60*time.Second, func() bool {
			_, fs, _ := e.svc.Transfer(ctx, ts[0].ID)
			if len(fs) == 1 && fs[0].State.Final() {
				f = fs[0]
				return true
			}
			return false
		})
		if f.State != transfer.Available {
			t.Fatalf("crlf=%v: file %s (%s)", crlf, f.State, f.Reason)
		}
		want := body
		if crlf {
			want = bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n"))
		}
		b, err := fb.Open(f.OutBlob)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(b)
		b.Close()
		if !bytes.Equal(got, want) {
			t.Errorf("crlf=%v: output differs from the expected %d bytes (%d)", crlf, len(want), len(got))
		}
		sum := sha256.Sum256(want)
		if f.OutBlob != hex.EncodeToString(sum[:]) || f.OutSize != int64(len(want)) {
			t.Errorf("crlf=%v: stored as %s, %d bytes", crlf, f.OutBlob, f.OutSize)
		}
		if same := f.OutBlob == f.SHA256; same == crlf {
			t.Errorf("crlf=%v: output hash %s, upload's %s", crlf, f.OutBlob, f.SHA256)
		}
		if _, used, _ := e.svc.LiveRuns(); used != map[bool]int64{false: 1, true: 2}[crlf] {
			t.Errorf("crlf=%v: %d live results used, want the file's", crlf, used)
		}
	}
	// The two outputs and nothing else: no temporary blob, no staged upload left (the
	// staged file goes just after the result is recorded).
	waitFor(t, "only the two outputs to be left", 30*time.Second, func() bool { return len(files(t, dir)) == 2 })
}

// TestLiveRefusal: an upload that fails while the engine follows it (a full disk: 507;
// a client that goes away) keeps nothing: no output or temporary blob, no staged bytes
// of a refused request, no file past uploading. A cut upload then resumes and is
// sanitized from its staged bytes.
func TestLiveRefusal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fb, err := transfer.OpenFileBlobs(dir)
	if err != nil {
		t.Fatal(err)
	}
	disk := &fullDisk{FileBlobs: fb, free: 1 << 30}
	e := newFaultEnv(t, disk)
	ctx := context.Background()
	// The text family decides the charset on the first 8 MiB and only then writes: the
	// upload stops past that, where the engine has begun its output.
	body := bigText(9<<20, true)
	sent := 8<<20 + 512<<10
	// The engine has started writing a (CRLF, so new) output: a temporary blob exists.
	waitOutput := func() {
		waitFor(t, "the live run's output", 60*time.Second, func() bool {
			for _, p := range files(t, filepath.Join(dir, "blobs")) {
				if strings.HasPrefix(filepath.Base(p), "tmp-") {
					return true
				}
			}
			return false
		})
	}
	// The last file of that name, in a transfer still open.
	file := func(name string) (transfer.File, bool) {
		ts, _ := e.svc.List(ctx, transfer.Query{Owner: "tanaka"})
		for _, tr := range ts {
			_, fs, _ := e.svc.Transfer(ctx, tr.ID)
			if len(fs) > 0 && fs[len(fs)-1].Name == name {
				if tr.State != transfer.Open {
					t.Errorf("transfer of %s is %s, want open", name, tr.State)
				}
				return fs[len(fs)-1], true
			}
		}
		return transfer.File{}, false
	}
	check := func(name string, offset int64) transfer.File {
		t.Helper()
		what := "after " + name
		if left := files(t, filepath.Join(dir, "blobs")); len(left) > 0 {
			t.Errorf("%s: blobs left: %v", what, left)
		}
		f, ok := file(name)
		if !ok {
			t.Fatalf("no file %s", name)
		}
		if f.State != transfer.Uploading || f.Offset != offset {
			t.Errorf("%s: file %s at %d, want uploading at %d", what, f.State, f.Offset, offset)
		}
		if n, _ := disk.StagedSize(f.ID); n != offset {
			t.Errorf("%s: %d staged bytes, want %d", what, n, offset)
		}
		return f
	}

	// A full disk mid-upload: 507, and nothing of the request stays.
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("PUT", e.url("full.txt"), pr)
	req.ContentLength = int64(len(body))
	go func() {
		pw.Write(body[:sent])
		waitOutput()
		disk.full.Store(true)
		pw.Write(body[sent:])
		pw.Close()
	}()
	resp, err := http.DefaultClient.Do(req)
	pr.CloseWithError(io.ErrClosedPipe)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 507 {
		t.Fatalf("PUT on a disk that fills = %s, want 507", resp.Status)
	}
	check("full.txt", 0)
	disk.full.Store(false)

	// The client goes away mid-upload: what arrived is kept for a resume, the engine's
	// output is not.
	conn, err := net.Dial("tcp", e.addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "PUT %s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", strings.TrimPrefix(e.url("cut.txt"), "http://"+e.addr), len(body))
	conn.Write(body[:sent])
	waitOutput()
	conn.Close()
	var f transfer.File
	waitFor(t, "the cut upload's offset", 60*time.Second, func() bool {
		f, _ = file("cut.txt")
		return f.Offset == int64(sent)
	})
	f = check("cut.txt", int64(sent))
	if started, used, dropped := e.svc.LiveRuns(); started != 2 || used != 0 || dropped != 2 {
		t.Errorf("live runs: %d started, %d used, %d dropped; want 2, 0, 2", started, used, dropped)
	}

	// The resume (not whole: no live run) finishes the file from its staged bytes.
	req, _ = http.NewRequest("PUT", e.url("cut.txt"), bytes.NewReader(body[sent:]))
	req.Header.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", sent, len(body)-1, len(body)))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(bufio.NewReader(resp.Body))
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("resume = %s %s", resp.Status, msg)
	}
	waitFor(t, "the resumed file's result", 60*time.Second, func() bool {
		cur, _ := e.svc.File(ctx, f.ID)
		f = cur
		return cur.State.Final()
	})
	want := bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n"))
	sum := sha256.Sum256(want)
	if f.State != transfer.Available || f.OutBlob != hex.EncodeToString(sum[:]) {
		t.Errorf("resumed file %s (%s), output %s", f.State, f.Reason, f.OutBlob)
	}
}

// TestLiveChunks: an upload in tus chunks is followed by the engine across the chunks'
// requests, like a whole PUT, however long the whole upload takes: a clean file's result
// comes from the live run and its output is the kept upload, a CRLF one is rewritten. A
// chunk that is cut, a termination, or no next chunk within idle_timeout stops the run and
// drops its output; the cut file resumes and is sanitized from its staged bytes.
func TestLiveChunks(t *testing.T) {
	t.Parallel()
	const idle = 3 * time.Second
	e, _, dir := newFileBlobsEnv(t, func(o *transfer.Options) { o.Limits.IdleTimeout = idle })
	ctx := context.Background()
	c := newFaultTus(t, e)
	do, open := c.do, c.open
	patch := func(fileURL string, off int, b []byte) {
		t.Helper()
		resp := c.patch(fileURL, off, b)
		if resp.StatusCode != 204 || resp.Header.Get("Upload-Offset") != fmt.Sprint(off+len(b)) {
			t.Fatalf("PATCH at %d = %s, offset %s", off, resp.Status, resp.Header.Get("Upload-Offset"))
		}
	}
	const chunk = 1 << 20
	for _, crlf := range []bool{false, true} {
		body := bigText(3<<20+777, crlf)
		startedBefore, usedBefore, _ := e.svc.LiveRuns()
		up, fileURL := open(fmt.Sprintf("chunks-%v.txt", crlf), len(body))
		for off := 0; off < len(body); off += chunk {
			patch(fileURL, off, body[off:min(off+chunk, len(body))])
			if !crlf && off+chunk < len(body) {
				// The pauses add up past idle_timeout; each is well within it.
				time.Sleep(idle / 3)
			}
		}
		if resp := do("POST", up+"/done", nil, nil); resp.StatusCode != 200 {
			t.Fatalf("done = %s", resp.Status)
		}
		id := fileURL[strings.LastIndex(fileURL, "/")+1:]
		var f transfer.File
		waitFor(t, "the file's result", 60*time.Second, func() bool {
			f, _ = e.svc.File(ctx, id)
			return f.State.Final()
		})
		want := body
		if crlf {
			want = bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n"))
		}
		sum := sha256.Sum256(want)
		if f.State != transfer.Available || f.OutBlob != hex.EncodeToString(sum[:]) || (f.OutBlob == f.SHA256) == crlf {
			t.Fatalf("crlf=%v: file %s (%s), output %s, upload %s", crlf, f.State, f.Reason, f.OutBlob, f.SHA256)
		}
		if started, used, _ := e.svc.LiveRuns(); started != startedBefore+1 || used != usedBefore+1 {
			t.Errorf("crlf=%v: live runs started %d, used %d; want one more of each", crlf, started-startedBefore, used-usedBefore)
		}
	}

	// A chunk cut half way: the run is dropped with its output; the resume is sanitized
	// from the staged bytes.
	body := bigText(3<<20, true)
	_, _, droppedBefore := e.svc.LiveRuns()
	up, fileURL := open("cut.txt", len(body))
	patch(fileURL, 0, body[:chunk])
	c.cut(fileURL, chunk, chunk, body[chunk:chunk+chunk/2])
	id := fileURL[strings.LastIndex(fileURL, "/")+1:]
	waitFor(t, "the cut chunk's offset", 60*time.Second, func() bool {
		f, _ := e.svc.File(ctx, id)
		return f.Offset == chunk+chunk/2
	})
	if _, _, dropped := e.svc.LiveRuns(); dropped != droppedBefore+1 {
		t.Errorf("a cut chunk left its live run (%d dropped)", dropped-droppedBefore)
	}
	_, usedBefore, _ := e.svc.LiveRuns()
	patch(fileURL, chunk+chunk/2, body[chunk+chunk/2:])
	if resp := do("POST", up+"/done", nil, nil); resp.StatusCode != 200 {
		t.Fatalf("done = %s", resp.Status)
	}
	var f transfer.File
	waitFor(t, "the resumed file's result", 60*time.Second, func() bool {
		f, _ = e.svc.File(ctx, id)
		return f.State.Final()
	})
	sum := sha256.Sum256(bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n")))
	if f.State != transfer.Available || f.OutBlob != hex.EncodeToString(sum[:]) {
		t.Errorf("resumed file %s (%s), output %s", f.State, f.Reason, f.OutBlob)
	}
	if _, used, _ := e.svc.LiveRuns(); used != usedBefore {
		t.Errorf("a resumed file's result came from a live run")
	}

	// No next chunk within idle_timeout: the run is dropped, the upload can still go on.
	_, _, droppedBefore = e.svc.LiveRuns()
	_, fileURL = open("paused.txt", len(body))
	patch(fileURL, 0, body[:chunk])
	waitFor(t, "the paused upload's run to be dropped", 30*time.Second, func() bool {
		_, _, dropped := e.svc.LiveRuns()
		return dropped == droppedBefore+1
	})
	patch(fileURL, chunk, body[chunk:2*chunk])
	if resp := do("DELETE", fileURL, nil, nil); resp.StatusCode != 204 {
		t.Fatalf("termination = %s", resp.Status)
	}

	// A termination while the engine follows: the run goes with the file's bytes.
	_, _, droppedBefore = e.svc.LiveRuns()
	_, fileURL = open("terminated.txt", len(body))
	patch(fileURL, 0, body[:chunk])
	if resp := do("DELETE", fileURL, nil, nil); resp.StatusCode != 204 {
		t.Fatalf("termination = %s", resp.Status)
	}
	if _, _, dropped := e.svc.LiveRuns(); dropped != droppedBefore+1 {
		t.Errorf("a terminated upload left its live run")
	}
	waitFor(t, "only the outputs to be left", 30*time.Second, func() bool {
		for _, p := range files(t, dir) {
			if strings.HasPrefix(filepath.Base(p), "tmp-") || strings.Contains(p, "staging") {
				return false
			}
		}
		return true
	})
}

// newFileBlobsEnv is a faultEnv on a file blob store in a new directory, returned with
// the store and the directory.
func newFileBlobsEnv(t *testing.T, opts ...func(*transfer.Options)) (*faultEnv, *transfer.FileBlobs, string) {
	t.Helper()
	dir := t.TempDir()
	fb, err := transfer.OpenFileBlobs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return newFaultEnv(t, fb, opts...), fb, dir
}

// faultTus drives the tus routes of a faultEnv's listener over HTTP.
type faultTus struct {
	t    *testing.T
	e    *faultEnv
	base string
}

func newFaultTus(t *testing.T, e *faultEnv) faultTus {
	return faultTus{t: t, e: e, base: "http://" + e.addr}
}

// do sends one tus request and reads its answer to the end.
func (c faultTus) do(method, u string, h map[string]string, body []byte) *http.Response {
	c.t.Helper()
	req, _ := http.NewRequest(method, u, bytes.NewReader(body))
	req.Header.Set("Tus-Resumable", "1.0.0")
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// open starts a transfer and one file of size bytes; it returns the transfer's upload
// URL and the file's.
func (c faultTus) open(name string, size int) (string, string) {
	c.t.Helper()
	req, _ := http.NewRequest("POST", strings.TrimSuffix(c.e.url(""), "/"), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	up := decode(c.t, string(b)).Upload
	if resp.StatusCode != 201 || up == "" {
		c.t.Fatalf("open = %s %s", resp.Status, b)
	}
	resp = c.do("POST", c.base+up+"/files", map[string]string{"Upload-Length": fmt.Sprint(size),
		"Upload-Metadata": "filename " + base64.StdEncoding.EncodeToString([]byte(name))}, nil)
	if resp.StatusCode != 201 {
		c.t.Fatalf("create = %s", resp.Status)
	}
	return c.base + up, c.base + resp.Header.Get("Location")
}

// patch sends b at off.
func (c faultTus) patch(fileURL string, off int, b []byte) *http.Response {
	c.t.Helper()
	return c.do("PATCH", fileURL, map[string]string{"Upload-Offset": fmt.Sprint(off), "Content-Type": "application/offset+octet-stream"}, b)
}

// cut announces a chunk of n bytes at off, sends only part of it, and goes away.
func (c faultTus) cut(fileURL string, off, n int, part []byte) {
	c.t.Helper()
	conn, err := net.Dial("tcp", c.e.addr)
	if err != nil {
		c.t.Fatal(err)
	}
	fmt.Fprintf(conn, "PATCH %s HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: %d\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: %d\r\n\r\n",
		strings.TrimPrefix(fileURL, c.base), off, n)
	conn.Write(part)
	time.Sleep(100 * time.Millisecond)
	conn.Close()
}
