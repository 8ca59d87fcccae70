package transfer_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sekisho/sekisho/gateway/transfer"
)

// TestKeptUploadStaysPut: a clean text file's output is its staged upload itself, hard
// linked (same inode) under the output's hash, so anything that wrote to the staged name
// afterwards would change what recipients download. Over the real listener: uploads at
// once of the same bytes (outputs sharing one hash) and of others, a resume and a
// rewrite aimed at the finished file. Afterwards every stored
// output still hashes to its name, each file's output is its own upload, and no output
// shares its inode with a name an upload can write (link count 1).
func TestKeptUploadStaysPut(t *testing.T) {
	t.Parallel()
	e, _, dir := newFileBlobsEnv(t)
	ctx := context.Background()
	put := func(name string, body []byte, contentRange string) int {
		req, _ := http.NewRequest("PUT", e.url(name), bytes.NewReader(body))
		if contentRange != "" {
			req.Header.Set("Content-Range", contentRange)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return 0
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	first := bigText(1<<20, false)
	if code := put("a.txt", first, ""); code != 201 {
		t.Fatalf("PUT = %d", code)
	}
	// Uploads at once: three of the same bytes, three of others. (Two uploads of one name
	// through one link at once are a resume racing its upload: the later gets 409.)
	bodies := map[string][]byte{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range 6 {
		body := first
		if i%2 == 1 {
			body = append(bigText(1<<20, false), fmt.Sprintf("variant %d\n", i)...)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			code := put(fmt.Sprintf("c%d.txt", i), body, "")
			mu.Lock()
			bodies[sha(body)] = body
			mu.Unlock()
			if code != 201 {
				t.Errorf("concurrent PUT = %d", code)
			}
		}()
	}
	// Aimed at the finished file: the tail again with other bytes, and a rewrite of its
	// start. Neither may touch it (there is no interrupted upload of that name).
	junk := bytes.Repeat([]byte("X"), 10)
	if code := put("a.txt", junk, fmt.Sprintf("bytes %d-%d/%d", len(first)-10, len(first)-1, len(first))); code != 409 {
		t.Errorf("resume of a finished upload = %d, want 409", code)
	}
	if code := put("a.txt", junk, fmt.Sprintf("bytes 0-9/%d", len(first))); code != 409 {
		t.Errorf("rewrite of a finished upload's start = %d, want 409", code)
	}
	wg.Wait()
	bodies[sha(first)] = first

	ts, err := e.svc.List(ctx, transfer.Query{Owner: "tanaka"})
	if err != nil {
		t.Fatal(err)
	}
	var fs []transfer.File
	waitFor(t, "every file's result", 120*time.Second, func() bool {
		fs = fs[:0]
		for _, tr := range ts {
			_, got, _ := e.svc.Transfer(ctx, tr.ID)
			for _, f := range got {
				if !f.State.Final() {
					return false
				}
				fs = append(fs, f)
			}
		}
		return true
	})
	if len(fs) != 7 {
		t.Fatalf("%d files, want 7", len(fs))
	}
	for _, f := range fs {
		if f.State != transfer.Available {
			t.Errorf("file %s: %s (%s)", f.ID, f.State, f.Reason)
			continue
		}
		// Clean LF text comes out as uploaded.
		if f.OutBlob != f.SHA256 || bodies[f.SHA256] == nil {
			t.Errorf("file %s: output %s of upload %s", f.ID, f.OutBlob, f.SHA256)
		}
	}
	// Once the staged uploads are gone, each output is a file of its own: its bytes hash
	// to its name and nothing else links to them.
	waitFor(t, "the staged uploads to go", 30*time.Second, func() bool {
		left, _ := os.ReadDir(filepath.Join(dir, "staging"))
		return len(left) == 0
	})
	outs := files(t, filepath.Join(dir, "blobs"))
	if len(outs) != 4 {
		t.Errorf("%d outputs stored, want 4 (one per distinct upload): %v", len(outs), outs)
	}
	for _, p := range outs {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := sha(b); got != filepath.Base(p) {
			t.Errorf("output %s holds bytes hashing to %s", filepath.Base(p), got)
		}
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Nlink != 1 {
			t.Errorf("output %s has %d links", filepath.Base(p), st.Nlink)
		}
	}
}

// TestLiveChunksDisorder: the engine follows a tus upload across its chunks; chunks that
// rewrite what was received, are cut, or run past the declared length must leave the
// stored output equal to the bytes finally received and held under their hash (with a
// run that saw other bytes dropped), and the kept upload linked nowhere else.
func TestLiveChunksDisorder(t *testing.T) {
	t.Parallel()
	e, _, dir := newFileBlobsEnv(t)
	ctx := context.Background()
	c := newFaultTus(t, e)
	do := c.do
	body := bigText(3<<20+5, false) // clean LF text: kept as uploaded
	up, fileURL := c.open("disorder.txt", len(body))
	patch := func(off int, b []byte) *http.Response { return c.patch(fileURL, off, b) }
	const chunk = 1 << 20
	if r := patch(0, body[:chunk]); r.StatusCode != 204 {
		t.Fatalf("first chunk = %s", r.Status)
	}
	// The first chunk again, other bytes: not where the upload stands.
	other := bytes.Repeat([]byte("X"), chunk)
	if r := patch(0, other); r.StatusCode != 409 {
		t.Errorf("first chunk rewritten = %s, want 409", r.Status)
	}
	// The second chunk cut halfway (the client goes away).
	c.cut(fileURL, chunk, chunk, body[chunk:chunk+chunk/2])
	var at int
	waitFor(t, "the cut chunk's offset", 30*time.Second, func() bool {
		r := do("HEAD", fileURL, nil, nil)
		at, _ = strconv.Atoi(r.Header.Get("Upload-Offset"))
		return at > chunk
	})
	// The rest with bytes past the declared length: refused whole (413), nothing kept.
	if r := patch(at, append(bytes.Clone(body[at:]), "tail"...)); r.StatusCode != 413 {
		t.Errorf("chunk past the length = %s, want 413", r.Status)
	}
	if r := patch(at, body[at:]); r.StatusCode != 204 {
		t.Fatalf("last chunk = %s", r.Status)
	}
	if r := do("POST", up+"/done", nil, nil); r.StatusCode != 200 {
		t.Fatalf("done = %s", r.Status)
	}
	id := fileURL[strings.LastIndex(fileURL, "/")+1:]
	var f transfer.File
	waitFor(t, "the file's result", 60*time.Second, func() bool {
		f, _ = e.svc.File(ctx, id)
		return f.State.Final()
	})
	// One run, started with the first chunk and dropped at the cut: the file was then
	// sanitized from its staged bytes.
	if started, used, dropped := e.svc.LiveRuns(); started != 1 || used != 0 || dropped != 1 {
		t.Errorf("live runs: %d started, %d used, %d dropped; want 1, 0, 1", started, used, dropped)
	}
	if f.State != transfer.Available || f.SHA256 != sha(body) || f.OutBlob != f.SHA256 {
		t.Fatalf("file %s (%s): output %s, upload %s, want both %s", f.State, f.Reason, f.OutBlob, f.SHA256, sha(body))
	}
	waitFor(t, "the staged upload to go", 30*time.Second, func() bool {
		left, _ := os.ReadDir(filepath.Join(dir, "staging"))
		return len(left) == 0
	})
	p := filepath.Join(dir, "blobs", f.OutBlob[:2], f.OutBlob)
	got, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, body) {
		t.Errorf("stored output differs from the upload (%d bytes, want %d)", len(got), len(body))
	}
	if fi, err := os.Stat(p); err == nil {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Nlink != 1 {
			t.Errorf("output has %d links", st.Nlink)
		}
	}
}
