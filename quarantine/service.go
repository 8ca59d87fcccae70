package quarantine

import (
	"bufio"
	"context"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"
)

// Options configure New.
type Options struct {
	// Key (32 bytes) seals originals with AES-256-GCM before the backend sees them; nil
	// stores them in clear.
	Key []byte
	// RequireApproval makes every release a request that a second person approves.
	RequireApproval bool
	Logger          *slog.Logger // nil discards
	Now             func() time.Time
}

// Service is the quarantine: it holds originals that could not be made safe, for people to
// review, release or delete, and records every change and access in the audit log. It
// decides IDs, states and sealing; the Backend stores. It is safe for concurrent use.
type Service struct {
	b        Backend
	aead     cipher.AEAD
	approval bool
	log      *slog.Logger
	now      func() time.Time
}

// New returns a service over b. Close closes b.
func New(b Backend, o Options) (*Service, error) {
	s := &Service{b: b, approval: o.RequireApproval, log: o.Logger, now: o.Now}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if o.Key != nil {
		var err error
		if s.aead, err = newAEAD(o.Key); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Backend returns the storage, for components that keep their own tables beside the
// quarantine's (type-assert to what they need, such as the embedded backend's DB).
func (s *Service) Backend() Backend { return s.b }

// Close closes the backend.
func (s *Service) Close() error { return s.b.Close() }

func newID(t time.Time) string {
	var b [6]byte
	rand.Read(b[:])
	return "Q" + t.UTC().Format("20060102") + "-" + strings.ToUpper(hex.EncodeToString(b[:]))
}

// Put stores body as a new held item and returns its record. The original is written and
// made durable before the record is committed (or with it, by a ChangeCommitter), so a
// record never points at a missing original. The caller's ID, Time, Status, Size and SHA256 are replaced.
func (s *Service) Put(ctx context.Context, rec Record, body io.Reader, actor Actor) (Record, error) {
	now := s.now().UTC()
	rec.ID, rec.Time, rec.Status, rec.History = newID(now), now, Held, nil
	bw, err := s.b.CreateBlob(ctx, rec.ID)
	if err != nil {
		return Record{}, err
	}
	h := sha256.New()
	var w io.Writer = bw
	var sw *sealWriter
	if s.aead != nil {
		if sw, err = newSealWriter(bw, s.aead); err != nil {
			bw.Abort()
			return Record{}, err
		}
		w = sw
	}
	n, err := io.Copy(io.MultiWriter(w, h), ctxReader{ctx, body})
	if err == nil && sw != nil {
		err = sw.Close()
	}
	if err != nil {
		bw.Abort()
		return Record{}, fmt.Errorf("quarantine: write original: %w", err)
	}
	rec.Size, rec.SHA256 = n, hex.EncodeToString(h.Sum(nil))
	ev := Event{Time: now, Action: ActQuarantine, Actor: actor, Reason: rec.Reason}
	c := Change{Record: rec, Insert: true, Event: ev,
		Audit: AuditEntry{Time: now, Action: ActQuarantine, ID: rec.ID, Actor: actor, Reason: rec.Reason}}
	if cc, ok := bw.(ChangeCommitter); ok {
		if err := cc.CommitChange(c); err != nil {
			return Record{}, err
		}
	} else {
		if err := bw.Commit(); err != nil {
			return Record{}, err
		}
		if err := s.b.Commit(ctx, c); err != nil {
			s.b.RemoveBlob(ctx, rec.ID)
			return Record{}, err
		}
	}
	rec.History = []Event{ev}
	return rec, nil
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Get returns one record with its history.
func (s *Service) Get(ctx context.Context, id string) (Record, error) { return s.b.Get(ctx, id) }

// Search returns one page of matching records (without history).
func (s *Service) Search(ctx context.Context, q Query) (Page, error) {
	q, err := q.normalize()
	if err != nil {
		return Page{}, err
	}
	return s.b.Search(ctx, q)
}

// Open returns the original of an item that still has one, unsealed; the caller closes
// it. Reading a sealed original fails if it was altered. Open records nothing: a caller
// that shows or hands the original to a person records that with Audit (ActView,
// ActDownload).
func (s *Service) Open(ctx context.Context, id string) (io.ReadCloser, error) {
	rec, err := s.b.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !rec.Status.HasOriginal() {
		return nil, fmt.Errorf("%w: %s is %s, its original is gone", ErrState, id, rec.Status)
	}
	f, err := s.b.OpenBlob(ctx, rec.ID)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(f, 64<<10)
	head, _ := br.Peek(len(sealMagic))
	sealed := string(head) == sealMagic
	switch {
	case s.aead == nil && sealed:
		f.Close()
		return nil, fmt.Errorf("quarantine: %s is sealed and no key is configured (quarantine.key_file)", id)
	case s.aead == nil:
		return readCloser{br, f}, nil
	}
	or, err := newOpenReader(br, s.aead)
	if err != nil {
		f.Close()
		return nil, err
	}
	return readCloser{or, f}, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// Audit records an access that changes nothing: a view, a download, a login.
func (s *Service) Audit(ctx context.Context, e AuditEntry) error {
	if e.Action == "" || e.Actor == "" {
		return errors.New("quarantine: an audit entry needs an action and an actor")
	}
	if e.Time.IsZero() {
		e.Time = s.now().UTC()
	}
	return s.b.Commit(ctx, Change{Audit: e})
}

// Verify checks the whole audit chain and returns the number of entries.
func (s *Service) Verify(ctx context.Context) (int64, error) { return s.b.Verify(ctx) }

// Health reports a degraded store, nil when healthy.
func (s *Service) Health(ctx context.Context) error { return s.b.Health(ctx) }
