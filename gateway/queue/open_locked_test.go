package queue

import (
	"errors"
	"testing"
)

// A second process opening a queue in use gets ErrLocked from Open, in either format,
// instead of a panic on the failed open's nil queue.
func TestOpenLockedQueue(t *testing.T) {
	for _, f := range []string{FormatJournal, FormatFiles} {
		t.Run(f, func(t *testing.T) {
			dir := t.TempDir()
			q, err := Open(dir, Options{Format: f})
			if err != nil {
				t.Fatal(err)
			}
			defer q.Close()
			if q2, err := Open(dir, Options{Format: f}); !errors.Is(err, ErrLocked) {
				if q2 != nil {
					q2.Close()
				}
				t.Fatalf("second Open = %v, want ErrLocked", err)
			}
		})
	}
}
