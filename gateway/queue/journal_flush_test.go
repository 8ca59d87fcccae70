package queue

import (
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestJournalSecondFlush: a message committed while another's fdatasync is in flight
// starts its own at once, on the segment's other descriptor, instead of waiting for the
// first to return; and when that second flush fails, the first message's commit fails
// too, although its own fdatasync succeeds afterwards: the segment may have lost pages
// that a second descriptor would not report again.
func TestJournalSecondFlush(t *testing.T) {
	for _, tc := range []struct {
		name      string
		secondErr error
	}{
		{"both succeed", nil},
		{"second fails", syscall.EIO},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := openJ(t, t.TempDir(), JournalOptions{})
			first, release := make(chan *os.File), make(chan struct{})
			second := make(chan *os.File, 1)
			calls := 0
			j.syncFile = func(f *os.File) error {
				j.smu.Lock() // calls are counted under the journal's lock: the hook runs outside it
				calls++
				n := calls
				j.smu.Unlock()
				switch n {
				case 1:
					first <- f
					<-release
					return nil
				case 2:
					second <- f
					return tc.secondErr
				}
				return nil
			}
			now := time.Now()
			commit := func(env Envelope) error {
				w, err := j.Accept(env)
				if err != nil {
					return err
				}
				if _, err := w.Write([]byte(strings.Repeat("x", 1000))); err != nil {
					return err
				}
				return w.Commit()
			}
			a := Envelope{ID: NewID(now), Rcpts: []string{"a@city.lg.jp"}}
			b := Envelope{ID: NewID(now), Rcpts: []string{"b@city.lg.jp"}}
			errA := make(chan error, 1)
			go func() { errA <- commit(a) }() // ends when release is closed
			fa := <-first
			errB := make(chan error, 1)
			go func() { errB <- commit(b) }() // ends after the second fdatasync
			// Only the bug makes this wait: b's commit needs nothing but its own flush.
			select {
			case err := <-errB:
				if (err == nil) != (tc.secondErr == nil) {
					t.Errorf("commit of b: %v, want failure %v", err, tc.secondErr)
				}
			case <-time.After(time.Minute):
				close(release)
				t.Fatal("commit of b waited for the first flush to return")
			}
			if fb := <-second; fb == fa {
				t.Error("both flushes in flight used one descriptor")
			}
			close(release)
			err := <-errA
			if tc.secondErr == nil && err != nil {
				t.Errorf("commit of a: %v", err)
			}
			if tc.secondErr != nil && err == nil {
				t.Error("commit of a succeeded after a flush of its segment failed")
			}
			if tc.secondErr != nil {
				in, err := j.OpenIncoming(a.ID)
				if err == nil {
					in.Close()
				}
				if !errors.Is(err, os.ErrNotExist) {
					t.Errorf("a is incoming after its commit failed: %v", err)
				}
			}
		})
	}
}
