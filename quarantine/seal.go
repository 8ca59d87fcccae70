package quarantine

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// The sealed format is a STREAM-style chunked AEAD (Hoang, Reyhanitabar, Rogaway, Vizár):
// a header (magic, 7-byte random nonce prefix) followed by chunks of up to chunkSize
// plaintext bytes, each sealed with nonce = prefix || counter(4) || last(1). The last flag
// and the counter make truncation, reordering and chunk splicing fail authentication.
const (
	sealMagic = "SKQ1"
	chunkSize = 64 << 10
	prefixLen = 7
)

var errSealed = errors.New("quarantine: sealed blob is corrupt or the key is wrong")

type sealWriter struct {
	w      io.Writer
	aead   cipher.AEAD
	prefix [prefixLen]byte
	ctr    uint32
	buf    []byte
	out    []byte
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("quarantine: key must be 32 bytes, got %d", len(key))
	}
	blk, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(blk)
}

func newSealWriter(w io.Writer, aead cipher.AEAD) (*sealWriter, error) {
	s := &sealWriter{w: w, aead: aead, buf: make([]byte, 0, chunkSize)}
	if _, err := rand.Read(s.prefix[:]); err != nil {
		return nil, err
	}
	if _, err := w.Write(append([]byte(sealMagic), s.prefix[:]...)); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *sealWriter) nonce(last bool) []byte {
	n := make([]byte, 12)
	copy(n, s.prefix[:])
	binary.BigEndian.PutUint32(n[prefixLen:], s.ctr)
	if last {
		n[11] = 1
	}
	return n
}

func (s *sealWriter) Write(p []byte) (int, error) {
	total := len(p)
	for len(p) > 0 {
		// A full chunk is only flushed when more data follows, so the last chunk (possibly
		// full) is the one Close seals with the last flag.
		if len(s.buf) == chunkSize {
			if err := s.flush(false); err != nil {
				return 0, err
			}
		}
		n := copy(s.buf[len(s.buf):chunkSize], p)
		s.buf = s.buf[:len(s.buf)+n]
		p = p[n:]
	}
	return total, nil
}

func (s *sealWriter) flush(last bool) error {
	if s.ctr == ^uint32(0) {
		return errors.New("quarantine: blob too large to seal")
	}
	s.out = s.aead.Seal(s.out[:0], s.nonce(last), s.buf, nil)
	s.ctr++
	s.buf = s.buf[:0]
	_, err := s.w.Write(s.out)
	return err
}

// Close seals the final chunk; it does not close the underlying writer.
func (s *sealWriter) Close() error { return s.flush(true) }

type openReader struct {
	r      io.Reader
	aead   cipher.AEAD
	prefix [prefixLen]byte
	ctr    uint32
	plain  []byte
	next   []byte // one sealed chunk read ahead, to know whether the current one is last
	done   bool
	err    error
}

func newOpenReader(r io.Reader, aead cipher.AEAD) (*openReader, error) {
	hdr := make([]byte, len(sealMagic)+prefixLen)
	if _, err := io.ReadFull(r, hdr); err != nil || string(hdr[:4]) != sealMagic {
		return nil, errSealed
	}
	o := &openReader{r: r, aead: aead}
	copy(o.prefix[:], hdr[4:])
	first, err := o.readSealed()
	if err != nil {
		return nil, err
	}
	o.next = first
	return o, nil
}

func (o *openReader) readSealed() ([]byte, error) {
	buf := make([]byte, chunkSize+o.aead.Overhead())
	n, err := io.ReadFull(o.r, buf)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		return buf[:n], nil
	}
	return buf[:n], err
}

func (o *openReader) Read(p []byte) (int, error) {
	for len(o.plain) == 0 {
		if o.err != nil {
			return 0, o.err
		}
		if o.done {
			return 0, io.EOF
		}
		cur := o.next
		if len(cur) < o.aead.Overhead() {
			o.err = errSealed
			return 0, o.err
		}
		var last bool
		if len(cur) < chunkSize+o.aead.Overhead() {
			last = true
		} else {
			nx, err := o.readSealed()
			if err != nil {
				o.err = err
				return 0, err
			}
			o.next = nx
			last = len(nx) == 0
		}
		n := make([]byte, 12)
		copy(n, o.prefix[:])
		binary.BigEndian.PutUint32(n[prefixLen:], o.ctr)
		if last {
			n[11] = 1
		}
		plain, err := o.aead.Open(nil, n, cur, nil)
		if err != nil {
			o.err = errSealed
			return 0, o.err
		}
		o.ctr++
		o.plain = plain
		o.done = last
	}
	n := copy(p, o.plain)
	o.plain = o.plain[n:]
	return n, nil
}
