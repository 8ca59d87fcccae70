package transfer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/sekisho/sekisho/gateway/transfer"
)

// fullDisk is the file store with a disk that fills up: while full is set, a staged
// upload takes room more bytes and then fails as a full disk does, and Free reports free.
type fullDisk struct {
	*transfer.FileBlobs
	full atomic.Bool
	room int64
	free int64
}

type fullWriter struct {
	transfer.StagedWriter
	d *fullDisk
	n int64
}

func (w *fullWriter) Write(p []byte) (int, error) {
	if w.d.full.Load() && w.n+int64(len(p)) > w.d.room {
		k := max(w.d.room-w.n, 0)
		m, _ := w.StagedWriter.Write(p[:k])
		w.n += int64(m)
		return m, &os.PathError{Op: "write", Path: "staging", Err: syscall.ENOSPC}
	}
	m, err := w.StagedWriter.Write(p)
	w.n += int64(m)
	return m, err
}

func (d *fullDisk) AppendStaged(id string, off int64) (transfer.StagedWriter, error) {
	w, err := d.FileBlobs.AppendStaged(id, off)
	if err != nil {
		return nil, err
	}
	return &fullWriter{StagedWriter: w, d: d}, nil
}

func (d *fullDisk) Free() (int64, error) {
	if d.full.Load() {
		return d.free, nil
	}
	return d.FileBlobs.Free()
}

// TestDiskFull: an upload that meets a full disk is answered 507 and nothing of it is
// kept (not half a file); the partner sends it again once there is room, and it goes
// through. An upload larger than the room left is refused before a byte is written.
func TestDiskFull(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fb, err := transfer.OpenFileBlobs(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	disk := &fullDisk{FileBlobs: fb, room: 300 << 10, free: 1 << 30}
	e := newFaultEnv(t, disk)
	svc := e.svc
	url := e.url("明細.txt")
	body := bytes.Repeat([]byte("明細 line\n"), 100000) // 1.2 MB
	put := func() (int, string) {
		req, _ := http.NewRequest("PUT", url, bytes.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}
	disk.full.Store(true)
	if code, msg := put(); code != 507 {
		t.Fatalf("PUT on a full disk = %d %s, want 507", code, msg)
	}
	ts, err := svc.List(ctx, transfer.Query{Owner: "tanaka"})
	if err != nil || len(ts) != 1 {
		t.Fatalf("transfers = %v, %v", ts, err)
	}
	_, fs, _ := svc.Transfer(ctx, ts[0].ID)
	if len(fs) != 1 || fs[0].State != transfer.Uploading || fs[0].Offset != 0 {
		t.Fatalf("after 507 the file is %+v, want uploading at 0", fs)
	}
	if n, _ := disk.StagedSize(fs[0].ID); n != 0 {
		t.Errorf("%d bytes of the refused request are kept", n)
	}
	// Less room than the upload declares: refused before writing.
	disk.free = 1 << 20
	disk.room = 1 << 40
	if code, _ := put(); code != 507 {
		t.Errorf("PUT larger than the free space = %d, want 507", code)
	}
	disk.full.Store(false)
	code, msg := put()
	if code != 201 {
		t.Fatalf("PUT with room = %d %s", code, msg)
	}
	var r struct {
		State string `json:"state"`
		Files []struct {
			State string `json:"state"`
			Size  int64  `json:"size"`
		} `json:"files"`
	}
	if err := json.Unmarshal([]byte(msg), &r); err != nil || r.State != "ready" || len(r.Files) == 0 {
		t.Fatalf("after room: %s", msg)
	}
	// The refused tries stay cancelled; only the complete one is there to download.
	for i, f := range r.Files {
		if want := map[bool]string{true: "ready", false: "cancelled"}[i == len(r.Files)-1]; f.State != want {
			t.Errorf("file %d is %s, want %s: %s", i, f.State, want, msg)
		}
	}
}
