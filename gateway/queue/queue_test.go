package queue

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// formats are the implementations every contract test runs against. The journal's
// InlineMax is small so that bodies over it (blob files) are exercised too.
var formats = []struct {
	name string
	o    Options
}{
	{"journal", Options{Format: FormatJournal, Journal: JournalOptions{InlineMax: 2048}}},
	{"files", Options{Format: FormatFiles}},
}

func openQ(t *testing.T, dir string, o Options) Queue {
	t.Helper()
	q, err := Open(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return q
}

func accept(t *testing.T, q Queue, env Envelope, body string) {
	t.Helper()
	w, err := q.Accept(env)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, body)
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
}

func readIncoming(t *testing.T, q Queue, id string) (Envelope, string) {
	t.Helper()
	in, err := q.OpenIncoming(id)
	if err != nil {
		t.Fatalf("OpenIncoming(%s): %v", id, err)
	}
	defer in.Close()
	b, err := io.ReadAll(in.Body)
	if err != nil {
		t.Fatal(err)
	}
	return in.Env, string(b)
}

func readQueued(t *testing.T, q Queue, id string) string {
	t.Helper()
	rc, err := q.OpenQueued(id)
	if err != nil {
		t.Fatalf("OpenQueued(%s): %v", id, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// bodyOf is a message body of about n bytes that names i.
func bodyOf(i, n int) string {
	s := fmt.Sprintf("Subject: %d\r\n\r\n", i)
	line := fmt.Sprintf("line of message %d\r\n", i)
	return s + strings.Repeat(line, max(1, (n-len(s))/len(line)))
}

// TestQueueContract runs the Queue contract against each format: concurrent accepts,
// aborts, the three states, updates, removals, and everything surviving a reopen.
func TestQueueContract(t *testing.T) {
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			dir := t.TempDir()
			q, err := Open(dir, f.o)
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now().UTC()
			// 64 concurrent sessions, small and large bodies.
			ids := make([]string, 64)
			var wg sync.WaitGroup
			for i := range ids {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					env := Envelope{ID: NewID(now), From: "a@example.com", Rcpts: []string{fmt.Sprintf("r%d@city.lg.jp", i)}, Received: now}
					w, err := q.Accept(env)
					if err != nil {
						t.Error(err)
						return
					}
					io.WriteString(w, bodyOf(i, 100+i*100))
					if err := w.Commit(); err != nil {
						t.Error(err)
					}
					ids[i] = env.ID
				}(i)
			}
			wg.Wait()
			// An aborted message leaves nothing.
			w, _ := q.Accept(Envelope{ID: NewID(now), Rcpts: []string{"x@city.lg.jp"}})
			io.WriteString(w, bodyOf(999, 5000))
			w.Abort()

			got, _ := q.Incoming()
			if len(got) != len(ids) {
				t.Fatalf("Incoming() lists %d messages, want %d", len(got), len(ids))
			}
			for i, id := range ids {
				env, body := readIncoming(t, q, id)
				if body != bodyOf(i, 100+i*100) {
					t.Errorf("body of message %d differs (%d bytes)", i, len(body))
				}
				if env.Rcpts[0] != fmt.Sprintf("r%d@city.lg.jp", i) || env.Size != int64(len(body)) {
					t.Errorf("envelope of message %d = %+v", i, env)
				}
			}

			// Sanitized copies of three become ready or deferred; their originals go.
			later := now.Add(time.Hour)
			msgs := []Message{
				{Env: Envelope{ID: ids[0], Rcpts: []string{"r0@city.lg.jp"}}, Body: strings.NewReader("sanitized 0")},
				{Env: Envelope{ID: ids[1], Rcpts: []string{"r1@city.lg.jp"}, NextTry: later, Attempts: 1}, Body: strings.NewReader(bodyOf(1, 9000))},
				{Env: Envelope{ID: NewID(now), Kind: "dsn", Rcpts: []string{"a@example.com"}}, Body: strings.NewReader("a bounce")},
			}
			if err := q.Enqueue(msgs...); err != nil {
				t.Fatal(err)
			}
			for _, id := range ids[:2] {
				if err := q.RemoveIncoming(id); err != nil {
					t.Fatal(err)
				}
			}
			ids = ids[2:]
			d, _ := q.Depth(now)
			if d.Incoming != 62 || d.Ready != 2 || d.Deferred != 1 {
				t.Fatalf("Depth = %+v, want 62 incoming, 2 ready, 1 deferred", d)
			}
			due, _ := q.Due(now)
			if len(due) != 2 || due[0].ID > due[1].ID {
				t.Fatalf("Due(now) = %v, want the two ready ones, oldest first", due)
			}
			if got := readQueued(t, q, msgs[1].Env.ID); got != bodyOf(1, 9000) {
				t.Errorf("queued body differs")
			}
			// A deferral moves the deferred one's retry to now.
			env := msgs[1].Env
			env.NextTry, env.Attempts, env.LastError = now, 2, "451 try later"
			if err := q.Update(env); err != nil {
				t.Fatal(err)
			}
			if due, _ := q.Due(now); len(due) != 3 {
				t.Fatalf("after Update, Due(now) has %d, want 3", len(due))
			}
			if err := q.Remove(msgs[0].Env.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := q.OpenQueued(msgs[0].Env.ID); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("OpenQueued of a removed message: %v, want ErrNotExist", err)
			}
			if _, err := q.OpenIncoming(msgs[0].Env.ID); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("OpenIncoming of a removed message: %v, want ErrNotExist", err)
			}

			// Everything as it was after a reopen (the journal replays its records).
			if err := q.Close(); err != nil {
				t.Fatal(err)
			}
			q2 := openQ(t, dir, f.o)
			bodies := map[string]int{}
			for i, id := range ids {
				bodies[id] = i + 2
			}
			got, _ = q2.Incoming()
			if len(got) != 62 {
				t.Fatalf("after reopen: %d incoming, want 62", len(got))
			}
			for _, id := range got {
				_, body := readIncoming(t, q2, id)
				if i := bodies[id]; body != bodyOf(i, 100+i*100) {
					t.Errorf("after reopen: body of message %d differs", i)
				}
			}
			due, _ = q2.Due(now)
			if len(due) != 2 {
				t.Fatalf("after reopen: Due(now) = %d messages, want 2", len(due))
			}
			for _, e := range due {
				if e.ID == env.ID && (e.Attempts != 2 || e.LastError != "451 try later") {
					t.Errorf("after reopen: updated envelope = %+v", e)
				}
			}
			if got := readQueued(t, q2, msgs[2].Env.ID); got != "a bounce" {
				t.Errorf("after reopen: queued body = %q", got)
			}
		})
	}
}

// TestQueueMigrates: changing the configured format moves the messages across.
func TestQueueMigrates(t *testing.T) {
	for _, tc := range []struct{ from, to Options }{
		{formats[1].o, formats[0].o},
		{formats[0].o, formats[1].o},
	} {
		t.Run(tc.from.Format+"→"+tc.to.Format, func(t *testing.T) {
			dir := t.TempDir()
			q, err := Open(dir, tc.from)
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now()
			in := Envelope{ID: NewID(now), From: "a@example.com", Rcpts: []string{"staff@city.lg.jp"}}
			accept(t, q, in, bodyOf(1, 5000))
			deferred := Envelope{ID: NewID(now), Rcpts: []string{"b@city.lg.jp"}, NextTry: now.Add(time.Hour), Attempts: 3}
			if err := q.Enqueue(Message{Env: deferred, Body: strings.NewReader("deferred body")}); err != nil {
				t.Fatal(err)
			}
			q.Close()
			q2 := openQ(t, dir, tc.to)
			if _, body := readIncoming(t, q2, in.ID); body != bodyOf(1, 5000) {
				t.Errorf("incoming message not moved intact")
			}
			all, _ := q2.Due(now.Add(2 * time.Hour))
			if len(all) != 1 || all[0].Attempts != 3 || !all[0].NextTry.Equal(deferred.NextTry) || readQueued(t, q2, deferred.ID) != "deferred body" {
				t.Errorf("deferred message not moved intact: %+v", all)
			}
			if _, err := os.Stat(dir + "/journal"); (tc.to.Format == FormatFiles) != os.IsNotExist(err) {
				t.Errorf("journal directory after the move: %v", err)
			}
		})
	}
}
