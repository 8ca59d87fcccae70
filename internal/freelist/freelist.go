// Package freelist keeps a few expensive objects (compressors, encoder buffers) across
// garbage collections.
//
// A sync.Pool is emptied by every second collection, which a busy gateway runs every few
// messages: each small document then paid for new compressors and buffers (a flate.Writer
// is 500 KB to 1 MB and half a millisecond to allocate and clear, more than the rest of a
// small document's rewrite or a small picture's re-encoding). A List keeps its first few
// objects in a channel whatever the collector does, and the rest in a sync.Pool, so what
// it holds across collections is bounded by its size.
package freelist

import "sync"

// Kept is the size the families use: one per document or picture being written at once on
// a small machine.
const Kept = 4

// List is a bounded free list. The zero value is not usable; call New.
type List[T any] struct {
	keep chan T
	more sync.Pool
}

// New returns a list that keeps up to n objects across garbage collections.
func New[T any](n int) *List[T] {
	return &List[T]{keep: make(chan T, n)}
}

// Get returns a kept object, or false when there is none.
func (f *List[T]) Get() (T, bool) {
	select {
	case x := <-f.keep:
		return x, true
	default:
	}
	if x, ok := f.more.Get().(T); ok {
		return x, true
	}
	var zero T
	return zero, false
}

// Put hands an object back; past the list's size it goes to the sync.Pool.
func (f *List[T]) Put(x T) {
	select {
	case f.keep <- x:
	default:
		f.more.Put(x)
	}
}
