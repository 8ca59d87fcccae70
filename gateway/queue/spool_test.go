package queue

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
)

func TestSpoolCommitConcurrent(t *testing.T) {
	sp, err := OpenSpool(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	ids := make([]string, 64)
	for i := range ids {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			env := Envelope{ID: NewID(time.Now()), From: "a@example.com", Rcpts: []string{fmt.Sprintf("r%d@city.lg.jp", i)}}
			w, err := sp.Accept(env)
			if err != nil {
				t.Error(err)
				return
			}
			fmt.Fprintf(w, "Subject: %d\r\n\r\nbody %d\r\n", i, i)
			if err := w.Commit(); err != nil {
				t.Error(err)
			}
			ids[i] = env.ID
		}(i)
	}
	wg.Wait()
	got, _ := sp.Incoming()
	if len(got) != len(ids) {
		t.Fatalf("%d messages in incoming/, want %d", len(got), len(ids))
	}
	for i, id := range ids {
		in, err := sp.OpenIncoming(id)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(in.Body)
		in.Close()
		if want := fmt.Sprintf("Subject: %d\r\n\r\nbody %d\r\n", i, i); string(body) != want {
			t.Errorf("body of %s = %q, want %q", id, body, want)
		}
		if in.Env.Rcpts[0] != fmt.Sprintf("r%d@city.lg.jp", i) || in.Env.Size != int64(len(body)) {
			t.Errorf("envelope of %s = %+v", id, in.Env)
		}
	}
}

func TestSpoolRejectsDamagedFiles(t *testing.T) {
	dir := t.TempDir()
	sp, _ := OpenSpool(dir)
	env := Envelope{ID: NewID(time.Now()), Rcpts: []string{"a@city.lg.jp"}}
	w, _ := sp.Accept(env)
	io.WriteString(w, "Subject: x\r\n\r\nhello\r\n")
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "incoming", env.ID)
	data, _ := os.ReadFile(path)
	tests := []struct {
		name string
		data []byte
	}{
		{"no trailer", []byte("Subject: x\r\n\r\nhello\r\n")},
		{"truncated trailer", data[:len(data)-10]},
		{"body length differs", bytes.Replace(data, []byte("hello"), []byte("hello!!"), 1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			os.WriteFile(path, tc.data, 0o600)
			if _, err := sp.OpenIncoming(env.ID); err == nil {
				t.Fatal("OpenIncoming accepted a damaged spool file")
			}
		})
	}
	if _, err := sp.OpenIncoming("../../etc/passwd"); err == nil || !strings.Contains(err.Error(), "bad id") {
		t.Errorf("path traversal id: %v", err)
	}
}

func FuzzReadTrailer(f *testing.F) {
	f.Add([]byte("body\n" + spoolMagic + `{"id":"X","size":4}` + "\n"))
	f.Add([]byte("\n" + spoolMagic + "{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		env, n, err := readTrailer(bytes.NewReader(data), int64(len(data)))
		if err == nil && (n < 0 || n > int64(len(data)) || env.Size != n) {
			t.Fatalf("readTrailer accepted body length %d of %d (env size %d)", n, len(data), env.Size)
		}
	})
}

// TestSpoolScanDuringEnqueue scans the queue (as delivery and the portal's outbox do, from
// other goroutines) while messages are enqueued: a scan must never see half an enqueue
// and strand or drop the message.
func TestSpoolScanDuringEnqueue(t *testing.T) {
	sp, err := OpenSpool(memDir(t))
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := sp.Due(time.Now().Add(time.Hour)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	const n = 300
	for i := range n {
		env := Envelope{ID: NewID(time.Now()), Rcpts: []string{"a@city.lg.jp"}}
		if err := sp.Enqueue(Message{Env: env, Body: strings.NewReader(fmt.Sprintf("Subject: %d\r\n\r\n", i))}); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	due, err := sp.Due(time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != n {
		t.Fatalf("%d of %d enqueued messages are in the queue after concurrent scans", len(due), n)
	}
}

// TestSpoolOpenCleansUp: a crash between an enqueue's two renames, or inside a removal,
// leaves half a queued message; the next open removes it (the original of an unfinished
// enqueue is still in incoming/), keeps whole messages, and a second process is refused
// while the first holds the spool.
func TestSpoolOpenCleansUp(t *testing.T) {
	dir := t.TempDir()
	sp, err := OpenSpool(dir)
	if err != nil {
		t.Fatal(err)
	}
	whole := Envelope{ID: NewID(time.Now()), Rcpts: []string{"a@city.lg.jp"}}
	if err := sp.Enqueue(Message{Env: whole, Body: strings.NewReader("Subject: whole\r\n\r\n")}); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenSpool(dir); !errors.Is(err, ErrLocked) {
		t.Fatalf("second open while the spool is held: %v", err)
	}
	sp.Close()
	q := filepath.Join(dir, "queue")
	halfEml, halfEnv := NewID(time.Now()), NewID(time.Now())
	os.WriteFile(filepath.Join(q, halfEml+".eml"), []byte("Subject: half\r\n\r\n"), 0o600)
	os.WriteFile(filepath.Join(q, halfEnv+".env"), []byte(`{"id":"`+halfEnv+`"}`), 0o600)
	os.WriteFile(filepath.Join(q, "X.eml.tmp"), []byte("partial"), 0o600)
	sp, err = OpenSpool(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	ents, _ := os.ReadDir(q)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if want := []string{whole.ID + ".eml", whole.ID + ".env"}; fmt.Sprint(names) != fmt.Sprint(want) {
		t.Fatalf("queue/ after open = %v, want %v", names, want)
	}
}

// memDir is a temp dir in memory where the system has one (fsyncs cost nothing there), for
// tests that race renames and are only slowed down by a disk.
func memDir(t *testing.T) string {
	t.Helper()
	d, err := os.MkdirTemp("/dev/shm", "sekisho-queue-test-")
	if err != nil {
		return t.TempDir()
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}
