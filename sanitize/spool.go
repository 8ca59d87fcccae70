package sanitize

import (
	"bytes"
	"errors"
	"io"
	"os"
	"sync"
)

// Spool is a write-once buffer that stays in memory up to a threshold and moves to a temp
// file beyond it (maddy's buffer idea). After writing, Blob returns a re-readable view.
// The creator calls Remove, on every path.
type Spool struct {
	dir       string
	threshold int64
	max       int64
	key       string
	mem       bytes.Buffer
	f         *os.File
	n         int64
}

// SpoolOptions configure NewSpool. Zero values: 4 MiB in memory, os.TempDir, no cap.
type SpoolOptions struct {
	Dir       string // where temp files go
	Threshold int64  // bytes kept in memory before spilling to a file
	Max       int64  // hard cap; writes beyond it fail with a *LimitError named LimitKey
	LimitKey  string // the config key reported when Max is hit
}

// NewSpool creates an empty spool. It allocates nothing until written to.
func NewSpool(o SpoolOptions) *Spool {
	if o.Threshold <= 0 {
		o.Threshold = 4 << 20
	}
	if o.LimitKey == "" {
		o.LimitKey = "limits.max_file_size"
	}
	return &Spool{dir: o.Dir, threshold: o.Threshold, max: o.Max, key: o.LimitKey}
}

// Write appends p, spilling to a temp file once the threshold is crossed.
func (s *Spool) Write(p []byte) (int, error) {
	if s.max > 0 && s.n+int64(len(p)) > s.max {
		return 0, &LimitError{Limit: s.key, Max: s.max, Got: s.n + int64(len(p))}
	}
	if s.f == nil && int64(s.mem.Len()+len(p)) > s.threshold {
		f, err := os.CreateTemp(s.dir, "sekisho-spool-*")
		if err != nil {
			return 0, err
		}
		if _, err := f.Write(s.mem.Bytes()); err != nil {
			f.Close()
			os.Remove(f.Name())
			return 0, err
		}
		s.f = f
		s.dropMem()
	}
	var n int
	var err error
	if s.f != nil {
		n, err = s.f.Write(p)
	} else {
		if s.mem.Cap() == 0 && len(p) < maxPooledMem {
			bp := memBufs.Get().(*[]byte)
			s.mem = *bytes.NewBuffer((*bp)[:0])
		}
		n, err = s.mem.Write(p)
	}
	s.n += int64(n)
	return n, err
}

// memBufs hold the memory of removed spools for the next ones: a mail's parts and
// attachments each pass through a spool, and growing a fresh buffer for every one was a
// large share of a relay's garbage. Nothing reads a spool's memory after Remove (ReadAt
// and WriteTo lend it only for the call), so a reused buffer shows no earlier content.
var memBufs = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

// maxPooledMem keeps the memory of large spools out of the pool.
const maxPooledMem = 1 << 20

// dropMem lets go of the in-memory content, giving its buffer back to memBufs.
func (s *Spool) dropMem() {
	if c := s.mem.Cap(); c > 0 && c <= maxPooledMem {
		b := s.mem.Bytes()[:0]
		memBufs.Put(&b)
	}
	s.mem = bytes.Buffer{}
}

// ItemSpool is a spool that holds one item's output and nothing else. It is Restartable:
// Engine.Sanitize writes the family's output straight into it, instead of into a spool of
// its own that it copies once the item is judged (a mail's attachments and the message
// itself were each copied once more that way).
type ItemSpool struct{ *Spool }

// Restart empties the spool.
func (s ItemSpool) Restart() error { return s.Reset() }

// copyBufs are reused by ReadFrom: archives and mail spool thousands of small entries.
var copyBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// ReadFrom copies r into the spool; it lets io.Copy skip an intermediate buffer.
func (s *Spool) ReadFrom(r io.Reader) (int64, error) {
	bp := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(bp)
	buf := *bp
	var total int64
	for {
		n, err := r.Read(buf)
		if n > 0 {
			w, werr := s.Write(buf[:n])
			total += int64(w)
			if werr != nil {
				return total, werr
			}
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// Size is the number of bytes written.
func (s *Spool) Size() int64 { return s.n }

// ReadAt reads what has been written so far.
func (s *Spool) ReadAt(p []byte, off int64) (int, error) {
	if s.f != nil {
		return s.f.ReadAt(p, off)
	}
	return bytes.NewReader(s.mem.Bytes()).ReadAt(p, off)
}

// Blob returns the spool as a Blob. Further writes are allowed but change what it reads.
func (s *Spool) Blob() Blob { return s }

// WriteTo copies the whole content to w.
func (s *Spool) WriteTo(w io.Writer) (int64, error) {
	if s.f == nil {
		n, err := w.Write(s.mem.Bytes())
		return int64(n), err
	}
	return io.Copy(w, io.NewSectionReader(s.f, 0, s.n))
}

// Reset empties the spool for writing again from the start: a family that finds, late,
// that it must redo its output (the text family's charset) does not need a second spool.
func (s *Spool) Reset() error {
	s.mem.Reset()
	s.n = 0
	if s.f == nil {
		return nil
	}
	if err := s.f.Truncate(0); err != nil {
		return err
	}
	_, err := s.f.Seek(0, io.SeekStart)
	return err
}

// Remove releases the memory or deletes the temp file. It is safe to call twice.
func (s *Spool) Remove() error {
	s.dropMem()
	if s.f == nil {
		return nil
	}
	name := s.f.Name()
	err := errors.Join(s.f.Close(), os.Remove(name))
	s.f = nil
	return err
}

// SpoolReader copies r into a new spool, reading at most max bytes (a *LimitError named key
// beyond it). The caller removes the spool.
func SpoolReader(r io.Reader, o SpoolOptions) (*Spool, error) {
	s := NewSpool(o)
	if _, err := s.ReadFrom(r); err != nil {
		s.Remove()
		return nil, err
	}
	return s, nil
}
