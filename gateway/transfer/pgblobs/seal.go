package pgblobs

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/jackc/pgx/v5"
)

// A sealed object is a run of segments, each seg bytes of plaintext (the last one
// shorter) stored as nonce || AES-256-GCM(plaintext) with the segment's index as
// associated data, so any range is read by opening the segments it covers and no segment
// can be moved to another place unnoticed. Appending rewrites the last, partial segment.
const (
	seg    = 64 << 10
	over   = 12 + 16 // nonce and tag
	stride = seg + over
)

// sealer seals and opens segments with the quarantine key.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (*sealer, error) {
	blk, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("transfer blobs: key: %w", err)
	}
	a, err := cipher.NewGCM(blk)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: a}, nil
}

func segAAD(idx int64) []byte {
	b := []byte("sekisho transfer segment ........")
	binary.BigEndian.PutUint64(b[len(b)-8:], uint64(idx))
	return b
}

func (s *sealer) seal(idx int64, plain []byte) []byte {
	out := make([]byte, 12, over+len(plain))
	rand.Read(out)
	return s.aead.Seal(out, out[:12], plain, segAAD(idx))
}

func (s *sealer) open(idx int64, c []byte) ([]byte, error) {
	if len(c) < over {
		return nil, fmt.Errorf("transfer blobs: segment %d is cut", idx)
	}
	p, err := s.aead.Open(nil, c[:12], c[12:], segAAD(idx))
	if err != nil {
		return nil, fmt.Errorf("transfer blobs: segment %d does not open with the key: %w", idx, err)
	}
	return p, nil
}

// sealedSize is the plaintext length of a sealed object of stored length n.
func sealedSize(n int64) int64 {
	full, rem := n/stride, n%stride
	if rem > over {
		return full*seg + rem - over
	}
	return full * seg
}

// sealedWriter appends plaintext to a sealed object: buf is segment idx so far.
type sealedWriter struct {
	b   *Blobs
	oid uint32
	idx int64
	buf []byte
}

func (w *sealedWriter) pos() int64 { return w.idx*seg + int64(len(w.buf)) }

func (w *sealedWriter) Write(p []byte) (int, error) {
	return fillSegments(&w.buf, p, func() error {
		if err := w.put(); err != nil {
			return err
		}
		w.idx, w.buf = w.idx+1, w.buf[:0]
		return nil
	})
}

// fillSegments appends p to the segment being filled in *buf, calling full each time it
// holds a whole segment (full seals it and starts the next); it returns how much of p
// was taken.
func fillSegments(buf *[]byte, p []byte, full func() error) (int, error) {
	n := 0
	for len(p) > 0 {
		k := min(len(p), seg-len(*buf))
		*buf = append(*buf, p[:k]...)
		p, n = p[k:], n+k
		if len(*buf) == seg {
			if err := full(); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// put writes the current segment over its stored (shorter) version.
func (w *sealedWriter) put() error {
	ctx, cancel := w.b.ctx()
	defer cancel()
	if _, err := w.b.pool.Exec(ctx, `SELECT lo_put($1, $2, $3)`, w.oid, w.idx*stride, w.b.seal.seal(w.idx, w.buf)); err != nil {
		return fmt.Errorf("transfer blobs: %w", err)
	}
	return nil
}

func (w *sealedWriter) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	return w.put()
}

// cutSealed makes a sealed object end at plaintext offset off in one transaction (the
// partial segment at off sealed again, what follows dropped) and returns a writer there.
func (b *Blobs) cutSealed(ctx context.Context, tx pgx.Tx, oid uint32, off int64) (*sealedWriter, error) {
	w := &sealedWriter{b: b, oid: oid, idx: off / seg}
	end := w.idx * stride
	if rem := off % seg; rem > 0 {
		var c []byte
		if err := tx.QueryRow(ctx, `SELECT lo_get($1, $2, $3)`, oid, end, stride).Scan(&c); err != nil {
			return nil, err
		}
		p, err := b.seal.open(w.idx, c)
		if err != nil {
			return nil, err
		}
		if int64(len(p)) < rem {
			return nil, fmt.Errorf("transfer blobs: resume at %d past the end of the upload", off)
		}
		w.buf = append(make([]byte, 0, seg), p[:rem]...)
		sealed := b.seal.seal(w.idx, w.buf)
		if _, err := tx.Exec(ctx, `SELECT lo_put($1, $2, $3)`, oid, end, sealed); err != nil {
			return nil, err
		}
		end += int64(len(sealed))
	}
	if _, err := tx.Exec(ctx, `SELECT lo_truncate64(lo_open($1, $2), $3)`, oid, invWrite, end); err != nil {
		return nil, err
	}
	return w, nil
}

// sealedBlob reads a sealed object, keeping the last segment it opened.
type sealedBlob struct {
	b    *Blobs
	oid  uint32
	size int64
	mu   sync.Mutex // the cached segment
	cidx int64
	cseg []byte
}

func (r *sealedBlob) Size() int64 { return r.size }

func (r *sealedBlob) segment(idx int64) ([]byte, error) {
	r.mu.Lock()
	if r.cseg != nil && r.cidx == idx {
		defer r.mu.Unlock()
		return r.cseg, nil
	}
	r.mu.Unlock()
	ctx, cancel := r.b.ctx()
	defer cancel()
	var c []byte
	if err := r.b.pool.QueryRow(ctx, `SELECT lo_get($1, $2, $3)`, r.oid, idx*stride, stride).Scan(&c); err != nil {
		return nil, fmt.Errorf("transfer blobs: %w", err)
	}
	p, err := r.b.seal.open(idx, c)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.cidx, r.cseg = idx, p
	r.mu.Unlock()
	return p, nil
}

func (r *sealedBlob) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("transfer blobs: negative offset")
	}
	n := 0
	for n < len(p) && off+int64(n) < r.size {
		at := off + int64(n)
		s, err := r.segment(at / seg)
		if err != nil {
			return n, err
		}
		within := int(at % seg)
		if within >= len(s) {
			return n, errors.New("transfer blobs: a sealed object is shorter than its size")
		}
		n += copy(p[n:], s[within:])
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// SealingWriter seals what it is given in the segment layout of a sealed object onto w,
// written from the object's start: `sekisho store migrate` seals the embedded store's
// transfer files with it as it copies them. Close seals the last, partial segment.
type SealingWriter struct {
	s   *sealer
	w   io.Writer
	idx int64
	buf []byte
}

// NewSealingWriter returns a SealingWriter onto w with the quarantine key.
func NewSealingWriter(w io.Writer, key []byte) (*SealingWriter, error) {
	s, err := newSealer(key)
	if err != nil {
		return nil, err
	}
	return &SealingWriter{s: s, w: w, buf: make([]byte, 0, seg)}, nil
}

func (w *SealingWriter) Write(p []byte) (int, error) { return fillSegments(&w.buf, p, w.put) }

func (w *SealingWriter) put() error {
	_, err := w.w.Write(w.s.seal(w.idx, w.buf))
	w.idx, w.buf = w.idx+1, w.buf[:0]
	return err
}

// Close writes the last segment, if any; it does not close w.
func (w *SealingWriter) Close() error {
	if len(w.buf) == 0 {
		return nil
	}
	return w.put()
}
