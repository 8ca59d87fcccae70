package queue

import (
	"bufio"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestMain lets TestJournalKillNine re-execute this test binary as a process that writes
// to a journal until it is killed.
func TestMain(m *testing.M) {
	if dir := os.Getenv("SEKISHO_JOURNAL_CHILD"); dir != "" {
		runJournalChild(dir)
		return
	}
	os.Exit(m.Run())
}

// crashOptions: small segments and inline limit, so that a run of a second rotates,
// compacts and writes blobs.
var crashOptions = JournalOptions{SegmentSize: 64 << 10, InlineMax: 4096, CompactAfter: 2}

// crashBody is the body of the message id: its size (up to 12 KB, some of them blobs)
// and content follow from the ID, so the parent can check it without being told.
func crashBody(id string) string {
	h := fnv.New32a()
	h.Write([]byte(id))
	n := int(h.Sum32() % 12000)
	return "Subject: " + id + "\r\n\r\n" + strings.Repeat(id[len(id)-4:]+"\r\n", n/6)
}

// runJournalChild accepts messages from 8 goroutines and prints "ack ID" once each
// Commit returned nil, then removes about half of them ("removing ID" first), and keeps a
// deferred message updated, until it is killed.
func runJournalChild(dir string) {
	j, err := OpenJournal(dir, crashOptions)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	var mu sync.Mutex
	say := func(format string, a ...any) {
		mu.Lock()
		fmt.Printf(format, a...)
		mu.Unlock()
	}
	for w := 0; w < 8; w++ {
		go func() { // runs until the process is killed
			for {
				env := Envelope{ID: NewID(time.Now()), Rcpts: []string{"r@city.lg.jp"}}
				wr, err := j.Accept(env)
				if err != nil {
					continue
				}
				io.WriteString(wr, crashBody(env.ID))
				if wr.Commit() != nil {
					continue
				}
				say("ack %s\n", env.ID)
				if rand.IntN(2) == 0 {
					say("removing %s\n", env.ID) // from here on it may be gone
					j.RemoveIncoming(env.ID)
				}
			}
		}()
	}
	deferred := Envelope{ID: NewID(time.Now()), Rcpts: []string{"d@city.lg.jp"}, NextTry: time.Now().Add(time.Hour)}
	if err := j.Enqueue(Message{Env: deferred, Body: strings.NewReader(crashBody(deferred.ID))}); err == nil {
		say("queued %s\n", deferred.ID)
		for i := 1; ; i++ {
			deferred.Attempts = i
			if j.Update(deferred) == nil {
				say("attempt %s %d\n", deferred.ID, i)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	select {}
}

// TestJournalKillNine SIGKILLs a process writing to a journal at random moments, again and
// again, and checks after each kill that every message it acknowledged is in the
// journal, intact, and every acknowledged deferral is kept.
func TestJournalKillNine(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	dir := t.TempDir()
	acked := map[string]bool{}
	attempts := map[string]int{}
	// Eight rounds, or more until 100 messages were acknowledged: on a loaded machine a
	// child killed at a random moment has often done little more than start.
	for round := 0; round < 8 || len(acked) < 100 && round < 60; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "SEKISHO_JOURNAL_CHILD="+dir)
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		out, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan []string)
		go func() { // ends when the killed child's stdout closes
			var got []string
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				got = append(got, sc.Text())
			}
			lines <- got
		}()
		time.Sleep(time.Duration(150+rand.IntN(400)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		got := <-lines
		cmd.Wait()
		for _, l := range got {
			f := strings.Fields(l)
			switch {
			case len(f) == 2 && f[0] == "ack":
				acked[f[1]] = true
			case len(f) == 2 && f[0] == "removing":
				delete(acked, f[1]) // may be gone or, the removal lost, still there
			case len(f) == 3 && f[0] == "attempt":
				var n int
				fmt.Sscan(f[2], &n)
				attempts[f[1]] = max(attempts[f[1]], n)
			case len(f) == 2 && f[0] == "queued":
				attempts[f[1]] = max(attempts[f[1]], 0)
			default:
				t.Fatalf("child said %q", l)
			}
		}
		j, err := OpenJournal(dir, crashOptions)
		if err != nil {
			t.Fatalf("round %d: reopening after the kill: %v", round, err)
		}
		ids, _ := j.Incoming()
		have := map[string]bool{}
		for _, id := range ids {
			have[id] = true
		}
		for id := range acked {
			if !have[id] {
				t.Fatalf("round %d: acknowledged message %s lost", round, id)
			}
			if _, body := readIncoming(t, j, id); body != crashBody(id) {
				t.Fatalf("round %d: message %s damaged", round, id)
			}
		}
		queued, _ := j.Due(time.Now().Add(2 * time.Hour))
		byID := map[string]Envelope{}
		for _, e := range queued {
			byID[e.ID] = e
		}
		for id, n := range attempts {
			e, ok := byID[id]
			if !ok || e.Attempts < n {
				t.Fatalf("round %d: deferred message %s: present %v, attempts %d, want at least %d", round, id, ok, e.Attempts, n)
			}
			if readQueued(t, j, id) != crashBody(id) {
				t.Fatalf("round %d: deferred message %s damaged", round, id)
			}
		}
		segs := len(segments(t, dir))
		j.Close()
		t.Logf("round %d: %d acknowledged and kept, %d in the journal, %d deferred, %d segments", round, len(acked), len(ids), len(attempts), segs)
	}
	if len(acked) < 100 {
		t.Fatalf("only %d messages acknowledged in all rounds: the load did not run", len(acked))
	}
}
