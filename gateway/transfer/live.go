package transfer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sekisho/sekisho/sanitize"
)

// A file that arrives in order (a PUT with its length, or chunks of a known length: tus
// PATCH, Content-Range) is sanitized while it is received when it is text, the family
// that reads its input once from start to end: the engine follows the staged upload as it
// grows, across the chunks' requests, so its result is ready shortly after the last byte
// instead of a whole file's engine time later. A chunk that is cut or refused, a chunk
// out of order or one another node takes, stops the run. Nothing changes in what is
// kept or shown: the output is committed only by the worker that records the result,
// after the upload is complete (process), and a request that fails (413, 507, a cut, a
// cancel) stops the engine and drops its output before it answers. A run that did not
// see the whole upload, or failed, is dropped and the file is sanitized from its staged
// copy as any other.

// errUploadEnded stops a live run whose upload did not complete.
var errUploadEnded = errors.New("transfer: the upload ended before the file was complete")

// growing is a staged upload being written, read by the engine: a read waits until the
// bytes it asks for have been written (or the upload failed). Size is the declared length.
//
// The newest bytes written are also kept in memory (window, the upload's own blocks, not
// copies): an engine that keeps pace with the upload, as the text family does, reads them
// there instead of reading back from the file what was just written, and the output's
// comparison with the input (sameOutput) needs no second read either. What the window
// holds is what the file holds at those offsets: a block is kept only after it was written
// to the file, and it is not reused while it is kept or read. A read the window does not
// cover goes to the file.
type growing struct {
	r      io.ReaderAt
	size   int64
	mu     sync.Mutex
	cond   sync.Cond
	avail  int64
	err    error
	window []kept // in offset order, contiguous, at most windowBlocks
	closed bool   // the engine returned: nothing more is kept
}

// windowBlocks is how many of the newest upload blocks (256 KiB each) stay readable from
// memory: a few engine reads of slack.
const windowBlocks = 8

// kept is n bytes of block b at offset off of the upload.
type kept struct {
	off int64
	n   int
	b   *block
}

func newGrowing(r io.ReaderAt, size int64) *growing {
	g := &growing{r: r, size: size}
	g.cond.L = &g.mu
	return g
}

func (g *growing) Size() int64 { return g.size }

func (g *growing) ReadAt(p []byte, off int64) (int, error) {
	if off >= g.size {
		return 0, io.EOF
	}
	want := min(off+int64(len(p)), g.size)
	g.mu.Lock()
	for g.avail < want && g.err == nil {
		g.cond.Wait()
	}
	err := g.err
	var ks []kept
	if err == nil {
		ks = g.pin(off, want)
	}
	g.mu.Unlock()
	if err != nil {
		return 0, err
	}
	var n int
	if ks != nil {
		for _, k := range ks {
			from := max(off+int64(n)-k.off, 0)
			n += copy(p[n:want-off], k.b.buf[from:k.n])
			k.b.release()
		}
	} else {
		n, err = g.r.ReadAt(p[:want-off], off)
	}
	if err == nil && n < len(p) {
		err = io.EOF
	}
	return n, err
}

// equalAt reports whether p is the upload's bytes at off; ok is false when the window does
// not hold all of them (the caller reads them instead).
func (g *growing) equalAt(p []byte, off int64) (eq, ok bool) {
	end := off + int64(len(p))
	g.mu.Lock()
	var ks []kept
	if g.err == nil && end <= g.avail {
		ks = g.pin(off, end)
	}
	g.mu.Unlock()
	if ks == nil {
		return false, len(p) == 0
	}
	eq, i := true, 0
	for _, k := range ks {
		from := max(off+int64(i)-k.off, 0)
		m := min(k.n-int(from), len(p)-i)
		eq = eq && bytes.Equal(p[i:i+m], k.b.buf[from:int(from)+m])
		i += m
		k.b.release()
	}
	return eq, true
}

// pin returns the kept blocks holding [off, end), each held until its release, or nil
// when the window does not hold the whole range. g.mu is held.
func (g *growing) pin(off, end int64) []kept {
	if off >= end || len(g.window) == 0 || off < g.window[0].off {
		return nil
	}
	var ks []kept
	pos := off
	for _, k := range g.window {
		if pos >= end {
			break
		}
		if k.off+int64(k.n) <= pos {
			continue
		}
		if k.off > pos {
			break // a gap: cannot happen while blocks are kept in order, but then read the file
		}
		ks = append(ks, k)
		pos = k.off + int64(k.n)
	}
	if pos < end {
		return nil
	}
	for _, k := range ks {
		k.b.refs.Add(1)
	}
	return ks
}

// keep records that the first n bytes of b were written to the staged file after the
// bytes already received, and holds b in the window (the caller's reference to b passes
// to the window: it is released when it leaves it). The oldest block leaves when the
// window is full.
func (g *growing) keep(b *block, n int) {
	var out *block
	g.mu.Lock()
	switch {
	case g.closed:
		out = b
	case len(g.window) == windowBlocks:
		out = g.window[0].b
		g.window = append(g.window[:0], g.window[1:]...)
		fallthrough
	default:
		g.window = append(g.window, kept{off: g.avail, n: n, b: b})
	}
	g.avail += int64(n)
	g.mu.Unlock()
	g.cond.Broadcast()
	if out != nil {
		out.release()
	}
}

// close empties the window and keeps nothing more: the engine no longer reads.
func (g *growing) close() {
	g.mu.Lock()
	ks := g.window
	g.window, g.closed = nil, true
	g.mu.Unlock()
	for _, k := range ks {
		k.b.release()
	}
}

// fail makes every waiting and later read return err.
func (g *growing) fail(err error) {
	g.mu.Lock()
	if g.err == nil {
		g.err = err
	}
	g.mu.Unlock()
	g.cond.Broadcast()
}

// received is how many bytes were written.
func (g *growing) received() int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.avail
}

// whole reports whether every byte arrived and no read was failed.
func (g *growing) whole() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.err == nil && g.avail == g.size
}

// liveRun is the engine following one upload.
type liveRun struct {
	s      *Service
	in     *growing
	staged io.Closer
	cancel context.CancelFunc
	done   chan struct{} // closed when the engine returned
	// Set before done is closed.
	res  sanitize.Result
	out  BlobWriter
	err  error
	used bool // the engine saw the whole upload and no failure: res stands for the file
	once sync.Once
}

// startLive starts the engine on f as its upload arrives, or returns nil: not a store
// whose uploads can be read while written, an empty file, or every sanitizing slot busy.
func (s *Service) startLive(t Transfer, f File) *liveRun {
	k, ok := s.blobs.(stagedKeeper)
	if !ok || f.Length <= 0 {
		return nil
	}
	select {
	case s.liveSlots <- struct{}{}:
	default:
		return nil
	}
	staged, err := s.blobs.ReadStaged(f.ID)
	if err != nil {
		<-s.liveSlots
		return nil
	}
	s.liveRuns.started.Add(1)
	in := newGrowing(staged, f.Length)
	ctx, cancel := context.WithTimeout(context.Background(), s.o.SanitizeTimeout)
	lv := &liveRun{s: s, in: in, staged: staged, cancel: cancel, done: make(chan struct{})}
	go func() { // ends when the engine returns: the upload ended or the context did
		defer close(lv.done)
		defer func() { <-s.liveSlots }()
		defer in.close()
		go func() { // ends with the run
			select {
			case <-s.stop:
				cancel()
			case <-lv.done:
			}
		}()
		// A read waiting for bytes does not see the context: failing the input wakes it.
		defer context.AfterFunc(ctx, func() { in.fail(ctx.Err()) })()
		if sanitize.Detect(in).Class != sanitize.ClassText {
			lv.err = errUploadEnded // another family: the worker runs it on the whole file
			return
		}
		// The engine's clock runs from the upload's first bytes: a slow upload runs out of
		// it, and the file is then sanitized afresh from its staged copy with a budget of
		// its own.
		b := s.budget(in)
		ctx, cancel := context.WithDeadline(ctx, b.Deadline())
		defer cancel()
		defer context.AfterFunc(ctx, func() { in.fail(ctx.Err()) })()
		out := newSameOutput(s.blobs, k, f.ID, in)
		res, err := s.engine(t).Sanitize(ctx, s.item(t, f, in), out, b)
		lv.res, lv.out, lv.err = res, out, err
		lv.used = err == nil && in.whole() && ctx.Err() == nil && time.Now().Before(b.Deadline())
	}()
	return lv
}

// stop ends a run whose upload failed or was not complete: the engine is stopped and its
// output dropped before the request answers.
func (lv *liveRun) stop() {
	if lv == nil {
		return
	}
	lv.in.fail(errUploadEnded)
	lv.drop()
}

// drop waits for the engine and removes its output unless the result was taken.
func (lv *liveRun) drop() {
	if lv == nil {
		return
	}
	lv.once.Do(func() {
		<-lv.done
		lv.cancel()
		if lv.out != nil {
			lv.out.Abort()
		}
		lv.staged.Close()
		lv.s.liveRuns.dropped.Add(1)
	})
}

// result waits for the engine and returns its result on the complete upload whose hash is
// sum, committing the output; ok is false when the run does not stand for the file (the
// caller sanitizes the staged file instead).
func (lv *liveRun) result(ctx context.Context, s *Service, sum string) (res sanitize.Result, out string, n int64, err error, ok bool) {
	if lv == nil {
		return res, "", 0, nil, false
	}
	select {
	case <-lv.done:
	case <-ctx.Done():
		return res, "", 0, nil, false
	}
	if !lv.used {
		return res, "", 0, nil, false
	}
	lv.once.Do(func() {
		if so, isSame := lv.out.(*sameOutput); isSame {
			so.sum = sum
		}
		res, out, n, err = s.store(lv.res, lv.out, nil)
		ok = true
		s.liveRuns.used.Add(1)
		lv.cancel()
		lv.staged.Close()
	})
	return res, out, n, err, ok
}

// liveCounts counts live runs: started, whose result was used, dropped.
type liveCounts struct{ started, used, dropped atomic.Int64 }

// setLive hands a run whose upload completed to the worker that will record the file.
func (s *Service) setLive(id string, lv *liveRun) {
	s.mu.Lock()
	s.live[id] = lv
	s.mu.Unlock()
}

// follow keeps the run of an upload whose chunk ended where the client meant it to, for
// the next chunk's request. A run that ends before it (not text, the service closing) is
// dropped then, and so is one whose next chunk does not come within transfer.idle_timeout:
// it holds a sanitizing slot, and the file is sanitized from its staged bytes when it is
// complete.
func (s *Service) follow(id string, lv *liveRun) {
	f := &followed{lv: lv, taken: make(chan struct{})}
	s.mu.Lock()
	s.following[id] = f
	s.mu.Unlock()
	go func() { // ends with the run, the wait or the next chunk
		wait := time.NewTimer(max(s.o.Limits.IdleTimeout, time.Second))
		defer wait.Stop()
		select {
		case <-f.taken:
			return
		case <-lv.done:
		case <-wait.C:
		}
		s.mu.Lock()
		mine := s.following[id] == f
		if mine {
			delete(s.following, id)
		}
		s.mu.Unlock()
		if mine {
			lv.stop()
		}
	}()
}

// followed is a run waiting for its upload's next chunk; taken is closed when a request
// takes it.
type followed struct {
	lv    *liveRun
	taken chan struct{}
}

func (s *Service) takeFollowing(id string) *liveRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.following[id]
	if f == nil {
		return nil
	}
	delete(s.following, id)
	close(f.taken)
	return f.lv
}

func (s *Service) takeLive(id string) *liveRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	lv := s.live[id]
	delete(s.live, id)
	return lv
}
