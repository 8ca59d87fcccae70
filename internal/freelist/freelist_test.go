package freelist

import (
	"runtime"
	"testing"
)

// TestKeptAcrossCollections: what a List keeps survives the collections that empty a
// sync.Pool, up to its size, and Get hands each kept object out once.
func TestKeptAcrossCollections(t *testing.T) {
	l := New[*[64]byte](Kept)
	put := map[*[64]byte]bool{}
	for range Kept {
		x := new([64]byte)
		put[x] = true
		l.Put(x)
	}
	runtime.GC()
	runtime.GC()
	runtime.GC()
	for i := range Kept {
		x, ok := l.Get()
		if !ok {
			t.Fatalf("Get %d after three collections: nothing kept", i)
		}
		if !put[x] {
			t.Fatalf("Get %d: an object that was not put, or twice", i)
		}
		delete(put, x)
	}
	runtime.GC()
	runtime.GC()
	if x, ok := l.Get(); ok {
		t.Fatalf("Get on an emptied list after two collections = %p, want none", x)
	}
}

// TestOverflowGoesToPool: past its size a List still takes objects (into its sync.Pool),
// so a burst of concurrent users does not allocate again while no collection ran.
func TestOverflowGoesToPool(t *testing.T) {
	l := New[*int](1)
	a, b := new(int), new(int)
	l.Put(a)
	l.Put(b) // the channel is full: into the pool
	if x, ok := l.Get(); !ok || x != a {
		t.Fatalf("first Get = %p, %v; want the kept %p", x, ok, a)
	}
	if _, ok := l.Get(); !ok {
		t.Skip("the pool dropped its object (it may, e.g. under -race); nothing to check")
	}
}
