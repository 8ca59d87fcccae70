package assemble

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/render"
)

// lazyRenderer rasterizes the PDFs the PDF family cannot vouch for (images in JPEG 2000
// or JBIG2, which have no decoder here: sanitize.ErrNeedsRender) when no policy entry
// says render. Holding such a PDF is over-blocking: scanners and archives write JPEG 2000
// and JBIG2 every day, and an image-only PDF of the pages carries nothing of the input.
// PDFium is compiled on the first such PDF, not at start, so a gateway that never sees
// one pays nothing for it.
type lazyRenderer struct {
	o     render.Options
	once  sync.Once
	ready chan struct{} // closed when the start has ended, made by start
	mu    sync.Mutex
	r     *render.Renderer
	err   error
	shut  bool
}

var _ sanitize.Sanitizer = (*lazyRenderer)(nil)

// get starts PDFium on first use and waits for it until ctx ends. The start goes on when
// the item that asked for it gives up (compiling takes seconds, minutes under the race
// detector), so a later item finds it ready.
func (l *lazyRenderer) get(ctx context.Context) (*render.Renderer, error) {
	l.once.Do(func() {
		l.mu.Lock()
		l.ready = make(chan struct{})
		l.mu.Unlock()
		go l.start()
	})
	l.mu.Lock()
	ready := l.ready
	l.mu.Unlock()
	select {
	case <-ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r, l.err
}

func (l *lazyRenderer) start() {
	r, err := render.New(l.o)
	l.mu.Lock()
	defer l.mu.Unlock()
	defer close(l.ready)
	if l.shut && r != nil {
		// Close ran while PDFium compiled: nothing may outlive it.
		r.Close()
		r, err = nil, fmt.Errorf("render: closed")
	}
	l.r, l.err = r, err
}

// Sanitize renders the PDF, starting PDFium on first use; a PDFium that cannot start
// holds the item with that reason.
func (l *lazyRenderer) Sanitize(ctx context.Context, in *sanitize.Item, w io.Writer, b *sanitize.Budget) (sanitize.Result, error) {
	r, err := l.get(ctx)
	if ctx.Err() != nil {
		return sanitize.Result{Detected: in.Detected}, ctx.Err()
	}
	if err != nil {
		return sanitize.Result{Detected: in.Detected}, fmt.Errorf("%w: renderer unavailable: %v", sanitize.ErrUnsupported, err)
	}
	return r.Sanitize(ctx, in, w, b)
}

// Close stops PDFium if it was started. Calls in flight must have returned.
func (l *lazyRenderer) Close() error {
	l.mu.Lock()
	l.shut = true
	r := l.r
	l.r = nil
	l.mu.Unlock()
	if r == nil {
		return nil
	}
	return r.Close()
}
