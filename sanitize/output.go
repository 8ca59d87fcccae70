package sanitize

import (
	"io"
	"sync"
)

// Restartable is an output that holds one item's output and nothing else (a new file of
// its own, not a buffer shared with other items), so it can be emptied and written again.
// Given one, Engine.Sanitize writes the family's output straight into it and empties it
// when the item is refused, instead of spooling the output and copying it once judged: a
// multi-gigabyte file transfer is not written twice. Families may restart it too (the
// text family when the rest of a large input contradicts its head's charset).
type Restartable interface {
	io.Writer
	// Restart empties the output; the next write starts it again.
	Restart() error
}

// itemOutput is what a family writes one item to: a spool copied to the caller's writer
// once the item is judged, or the caller's Restartable itself. Either way it is capped at
// limits.max_file_size and restartable.
type itemOutput struct {
	sp     *Spool      // spooled, or
	direct Restartable // straight to the caller's output
	w      io.Writer   // the caller's writer, for a spool's copy
	max, n int64
}

func (e *Engine) output(w io.Writer) *itemOutput {
	if rw, ok := w.(Restartable); ok {
		return &itemOutput{direct: rw, max: e.limits.MaxFileSize}
	}
	return &itemOutput{sp: e.NewSpool(), w: w}
}

func (o *itemOutput) Write(p []byte) (int, error) {
	if o.sp != nil {
		return o.sp.Write(p)
	}
	if o.max > 0 && o.n+int64(len(p)) > o.max {
		return 0, &LimitError{Limit: "limits.max_file_size", Max: o.max, Got: o.n + int64(len(p))}
	}
	n, err := o.direct.Write(p)
	o.n += int64(n)
	return n, err
}

// ReadFrom keeps io.Copy from the families on the spool's pooled buffers.
func (o *itemOutput) ReadFrom(r io.Reader) (int64, error) {
	if o.sp != nil {
		return o.sp.ReadFrom(r)
	}
	bp := directCopyBufs.Get().(*[]byte)
	defer directCopyBufs.Put(bp)
	return io.CopyBuffer(struct{ io.Writer }{o}, r, *bp)
}

// directCopyBufs serve ReadFrom into a Restartable: large writes for a file transfer's
// output file, reused because a mail's every attachment is copied this way too.
var directCopyBufs = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

func (o *itemOutput) Restart() error {
	o.n = 0
	if o.sp != nil {
		return o.sp.Reset()
	}
	return o.direct.Restart()
}

// discard drops what was written for a refused item: nothing of it may reach the output.
func (o *itemOutput) discard() error {
	if o.sp != nil {
		return nil // never copied
	}
	return o.Restart()
}

// finish delivers a judged item's output.
func (o *itemOutput) finish() error {
	if o.sp == nil {
		return nil
	}
	_, err := o.sp.WriteTo(o.w)
	return err
}

func (o *itemOutput) close() {
	if o.sp != nil {
		o.sp.Remove()
	}
}
