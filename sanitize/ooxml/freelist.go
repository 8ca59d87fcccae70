package ooxml

import "sync"

// freeList keeps a few objects across garbage collections, and more in a sync.Pool. A
// sync.Pool is emptied by every second collection, which a busy gateway runs every few
// messages: each document then paid for new compressors and buffers (a flate.Writer is
// 500 KB and half a millisecond to allocate and clear, more than the rest of a small
// document's rewrite). The first few stay in the channel whatever the collector does.
type freeList[T any] struct {
	keep chan T
	more sync.Pool
}

func newFreeList[T any](n int) *freeList[T] {
	return &freeList[T]{keep: make(chan T, n)}
}

// get returns a kept object, or false when there is none.
func (f *freeList[T]) get() (T, bool) {
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

func (f *freeList[T]) put(x T) {
	select {
	case f.keep <- x:
	default:
		f.more.Put(x)
	}
}

// freeKept is how many of each object the free lists keep across collections: one per
// document being written at once on a small machine.
const freeKept = 4
