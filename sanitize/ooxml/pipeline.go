package ooxml

import (
	"io"
	"runtime"
	"sync"
)

// A large XML part is read, judged and written by one goroutine, with inflating its input
// and deflating its output about a third of the work. For parts of pipelineMin bytes or
// more, when the process has more than one processor, both run beside the rewrite, each
// on its own goroutine with a few chunks in flight, so that a long document's latency on
// a machine with a free core is the rewrite's alone. The hand-offs between cores cost a
// few percent more CPU (less with larger chunks), so only parts of a megabyte or more —
// long reports, big sheets, not the parts of a typical mail attachment — take this path;
// on a machine whose cores are all busy it gains nothing.
var pipelineMin uint64 = 1 << 20 // a variable so that tests can turn the pipeline off

// pipelined reports whether a part of size bytes is inflated and deflated beside its
// rewrite. With one processor (GOMAXPROCS=1) the goroutines could only take turns: the
// pipeline would cost its hand-offs and two more copies of the part (a few percent of
// the part's CPU) and gain nothing.
func pipelined(size uint64) bool {
	return size >= pipelineMin && runtime.GOMAXPROCS(0) > 1
}

const (
	pipelineChunk = 256 << 10
	pipelineDepth = 2 // chunks in flight each way: 1 MiB of buffers per large part
)

// asyncWriter hands what is written to w on another goroutine, a chunk at a time.
type asyncWriter struct {
	full chan []byte
	free chan []byte
	done chan struct{}
	err  error // the first error of w; read only after done is closed
	cur  []byte
}

func newAsyncWriter(w io.Writer) *asyncWriter {
	a := &asyncWriter{
		full: make(chan []byte, pipelineDepth),
		free: make(chan []byte, pipelineDepth+1),
		done: make(chan struct{}),
		cur:  make([]byte, 0, pipelineChunk),
	}
	for range pipelineDepth {
		a.free <- make([]byte, 0, pipelineChunk)
	}
	go func() {
		defer close(a.done)
		for b := range a.full {
			// After an error the chunks are still taken, so that the writer never blocks.
			if a.err == nil {
				_, a.err = w.Write(b)
			}
			a.free <- b[:0]
		}
	}()
	return a
}

func (a *asyncWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		select {
		case <-a.done:
			return n - len(p), a.err
		default:
		}
		k := copy(a.cur[len(a.cur):cap(a.cur)], p)
		a.cur = a.cur[:len(a.cur)+k]
		p = p[k:]
		if len(a.cur) == cap(a.cur) {
			a.full <- a.cur
			a.cur = <-a.free
		}
	}
	return n, nil
}

// Close writes what is left and waits for the goroutine; it returns w's first error.
func (a *asyncWriter) Close() error {
	if len(a.cur) > 0 {
		a.full <- a.cur
		a.cur = nil
	}
	close(a.full)
	<-a.done
	return a.err
}

// readAhead reads r on another goroutine, a few chunks ahead of its reader.
type readAhead struct {
	r    io.ReadCloser
	full chan chunk
	free chan []byte
	stop chan struct{}
	done chan struct{}
	once sync.Once
	held []byte // the chunk cur is a tail of, returned to free once read
	cur  []byte
	err  error
}

type chunk struct {
	b   []byte
	err error
}

func newReadAhead(r io.ReadCloser) *readAhead {
	a := &readAhead{
		r:    r,
		full: make(chan chunk, pipelineDepth),
		free: make(chan []byte, pipelineDepth+1),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	for range pipelineDepth {
		a.free <- make([]byte, pipelineChunk)
	}
	go a.run()
	return a
}

func (a *readAhead) run() {
	defer close(a.done)
	for {
		var b []byte
		select {
		case b = <-a.free:
		case <-a.stop:
			return
		}
		n, err := io.ReadFull(a.r, b[:cap(b)])
		if err == io.ErrUnexpectedEOF {
			err = io.EOF
		}
		select {
		case a.full <- chunk{b[:n], err}:
		case <-a.stop:
			return
		}
		if err != nil {
			return
		}
	}
}

func (a *readAhead) Read(p []byte) (int, error) {
	for len(a.cur) == 0 {
		if a.err != nil {
			return 0, a.err
		}
		if a.held != nil {
			a.free <- a.held[:cap(a.held)]
			a.held = nil
		}
		c := <-a.full
		a.held, a.cur, a.err = c.b, c.b, c.err
	}
	n := copy(p, a.cur)
	a.cur = a.cur[n:]
	return n, nil
}

// Close stops the goroutine, then closes r (the goroutine no longer reads it).
func (a *readAhead) Close() error {
	a.once.Do(func() { close(a.stop) })
	<-a.done
	return a.r.Close()
}
