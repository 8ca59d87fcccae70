package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestOutputToSpecialFiles writes the output and the report to named pipes (what -o
// /dev/null is, for this purpose: not a regular file) and through a symbolic link. A
// rename over them would replace the node: run as root, `-o /dev/null` once left a regular
// file where the null device was.
func TestOutputToSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"a.txt": jaText, "c.yaml": []byte(passText), "real-out.txt": nil})
	for _, p := range []string{"out.fifo", "report.fifo"} {
		if err := syscall.Mkfifo(filepath.Join(dir, p), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("real-out.txt", filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	// Readers open the pipes first; the command opens them for writing when it commits.
	got := map[string]chan []byte{}
	for _, p := range []string{"out.fifo", "report.fifo"} {
		ch := make(chan []byte, 1)
		got[p] = ch
		go func() {
			f, err := os.OpenFile(filepath.Join(dir, p), os.O_RDONLY, 0)
			if err != nil {
				ch <- nil
				return
			}
			b, _ := io.ReadAll(f)
			f.Close()
			ch <- b
		}()
	}
	r := sekisho(t, dir, nil, "sanitize-file", "a.txt", "-o", "out.fifo", "--report", "report.fifo", "--config", "c.yaml")
	if r.code != exitOK {
		t.Fatalf("sanitize-file to pipes: exit %d, stderr %s", r.code, r.stderr)
	}
	// A command that renamed over a pipe never opens it: the reader would wait forever.
	read := func(p string) []byte {
		select {
		case b := <-got[p]:
			return b
		case <-time.After(30 * time.Second):
			t.Errorf("%s was never written through", p)
			return nil
		}
	}
	if out := read("out.fifo"); !bytes.Equal(out, jaText) {
		t.Errorf("output through the pipe = %q, want the input (policy pass)", out)
	}
	var rep struct{ Verdict string }
	if err := json.Unmarshal(read("report.fifo"), &rep); err != nil || rep.Verdict != "clean" {
		t.Errorf("report through the pipe: %+v, %v", rep, err)
	}
	for _, p := range []string{"out.fifo", "report.fifo"} {
		if fi, err := os.Lstat(filepath.Join(dir, p)); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
			t.Errorf("%s after the run: %v, %v; want it still a named pipe", p, fi.Mode(), err)
		}
	}

	if r := sekisho(t, dir, nil, "sanitize-file", "a.txt", "-o", "link.txt", "--config", "c.yaml"); r.code != exitOK {
		t.Fatalf("sanitize-file through a link: exit %d, stderr %s", r.code, r.stderr)
	}
	if fi, err := os.Lstat(filepath.Join(dir, "link.txt")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("link.txt after the run: %v, %v; want the link kept", fi.Mode(), err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "real-out.txt")); !bytes.Equal(b, jaText) {
		t.Errorf("the link's target holds %q, want the output", b)
	}
}
