package queue

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Incoming returns the IDs of incoming messages, oldest first (IDs sort by time).
func (j *Journal) Incoming() ([]string, error) {
	j.mu.Lock()
	ids := make([]string, 0, len(j.incoming))
	for id := range j.incoming {
		ids = append(ids, id)
	}
	j.mu.Unlock()
	slices.Sort(ids)
	return ids, nil
}

// OpenIncoming opens an incoming message; the caller closes it.
func (j *Journal) OpenIncoming(id string) (*Incoming, error) {
	j.mu.Lock()
	e := j.incoming[id]
	j.mu.Unlock()
	if e == nil {
		return nil, fmt.Errorf("queue: incoming %s: %w", id, os.ErrNotExist)
	}
	body, c, err := j.open(e)
	if err != nil {
		return nil, err
	}
	return &Incoming{Env: e.env, Body: body, c: c}, nil
}

// open returns a reader over e's body, which stays readable until the closer is called
// even if the message is removed and its segment deleted meanwhile.
func (j *Journal) open(e *jentry) (*io.SectionReader, io.Closer, error) {
	if e.blob != "" {
		f, err := os.Open(filepath.Join(j.blobDir, e.blob))
		if err != nil {
			return nil, nil, err
		}
		return io.NewSectionReader(f, 0, e.n), f, nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if e.body.refs == 0 {
		return nil, nil, errJournalClosed
	}
	e.body.refs++
	return io.NewSectionReader(e.body.f, e.off, e.n), &segReader{j: j, s: e.body}, nil
}

type segReader struct {
	j    *Journal
	s    *segment
	done bool
}

func (r *segReader) Close() error {
	r.j.mu.Lock()
	defer r.j.mu.Unlock()
	if !r.done {
		r.done = true
		r.j.unrefLocked(r.s)
	}
	return nil
}

// sectionCloser is a queued message's content for delivery.
type sectionCloser struct {
	*io.SectionReader
	io.Closer
}

// OpenQueued opens a queued message's content; the caller closes it.
func (j *Journal) OpenQueued(id string) (io.ReadCloser, error) {
	j.mu.Lock()
	e := j.queued[id]
	j.mu.Unlock()
	if e == nil {
		return nil, fmt.Errorf("queue: queued %s: %w", id, os.ErrNotExist)
	}
	body, c, err := j.open(e)
	if err != nil {
		return nil, err
	}
	return sectionCloser{body, c}, nil
}

// RemoveIncoming drops an incoming message once its successor state is durable. The
// removal is not flushed: if it is lost in a crash the message is processed again,
// which is the duplicate the contract allows.
func (j *Journal) RemoveIncoming(id string) error {
	return j.remove(j.incoming, kindRemoveIncoming, id)
}

// Remove drops a queued message that was delivered or bounced (not flushed either).
func (j *Journal) Remove(id string) error {
	return j.remove(j.queued, kindRemoveQueued, id)
}

func (j *Journal) remove(m map[string]*jentry, kind byte, id string) error {
	j.mu.Lock()
	_, ok := m[id]
	j.mu.Unlock()
	if !ok {
		return fmt.Errorf("queue: %s: %w", id, os.ErrNotExist)
	}
	if err := j.appendRemoval(kind, id); err != nil {
		return err
	}
	j.mu.Lock()
	j.dropLocked(m, id)
	j.dropDeadHeadLocked()
	j.mu.Unlock()
	return nil
}

// Enqueue makes messages ready (or deferred, by their envelopes' NextTry); one flush
// covers all of them.
func (j *Journal) Enqueue(msgs ...Message) error {
	type pending struct {
		e  *jentry
		wr written
	}
	var done []pending
	fail := func(err error) error {
		for _, p := range done {
			j.release(p.wr)
			if p.e.blob != "" {
				os.Remove(filepath.Join(j.blobDir, p.e.blob))
			}
		}
		return err
	}
	for _, msg := range msgs {
		if !ValidID(msg.Env.ID) {
			return fail(fmt.Errorf("queue: bad id %q", msg.Env.ID))
		}
		b := newRecord()
		n, blob, err := j.readBody(msg.Env.ID, msg.Body, b)
		if err != nil {
			freeRecord(b)
			return fail(err)
		}
		env := msg.Env
		m, bodyLen := recMeta{Env: &env}, int(n)
		if blob != "" {
			m.Blob, m.Size, bodyLen = blob, n, 0
		}
		err = sealRecord(b, kindQueued, bodyLen, m)
		var wr written
		if err == nil {
			wr, err = j.write(*b)
		}
		freeRecord(b)
		if err != nil {
			if blob != "" {
				os.Remove(filepath.Join(j.blobDir, blob))
			}
			return fail(err)
		}
		e := &jentry{env: env, body: wr.seg, off: wr.off + recStart, n: n, rec: wr.seg, envSeg: wr.seg}
		if blob != "" {
			e.body, e.off, e.blob = nil, 0, blob
		}
		done = append(done, pending{e, wr})
	}
	if len(done) == 0 {
		return nil
	}
	if err := j.flush(done[len(done)-1].wr); err != nil {
		for _, p := range done {
			j.appendRemoval(kindRemoveQueued, p.e.env.ID)
		}
		return fail(err)
	}
	for _, p := range done {
		j.register(kindQueued, p.e, p.wr)
	}
	return nil
}

// Due returns the envelopes of queued messages whose NextTry has come, oldest first.
func (j *Journal) Due(now time.Time) ([]Envelope, error) {
	j.mu.Lock()
	var out []Envelope
	for _, e := range j.queued {
		if !e.env.NextTry.After(now) {
			out = append(out, e.env)
		}
	}
	j.mu.Unlock()
	slices.SortFunc(out, func(a, b Envelope) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// Update replaces a queued message's envelope (a deferral) and returns once durable.
// The new envelope is live as soon as its record is written (under the append lock), so
// that a compaction copying the message in between copies the new one.
func (j *Journal) Update(env Envelope) error {
	b := newRecord()
	defer freeRecord(b)
	if err := sealRecord(b, kindUpdate, 0, recMeta{Env: &env}); err != nil {
		return err
	}
	wr, err := j.write(*b, func(wr written) error {
		e := j.queued[env.ID]
		if e == nil {
			return fmt.Errorf("queue: queued %s: %w", env.ID, os.ErrNotExist)
		}
		j.repinEnvLocked(e, wr.seg)
		e.env = env
		return nil
	})
	if err != nil {
		return err
	}
	j.release(wr)
	return j.flush(wr)
}

// compactHead deletes dead head segments and, when the head has been behind the active
// segment for CompactAfter segments and holds little that is live (a few deferred
// messages, not a backlog that drains by itself), copies its live messages to the
// active segment and deletes it once the copies are durable. wmu is held.
func (j *Journal) compactHead() error {
	j.mu.Lock()
	j.dropDeadHeadLocked()
	if len(j.segs)-1 <= j.o.CompactAfter || j.segs[0] == j.active {
		j.mu.Unlock()
		return nil
	}
	head := j.segs[0]
	if liveBytes(j, head) > j.o.SegmentSize/4 {
		j.mu.Unlock()
		return nil
	}
	var moved []jentry // the originals, to restore if the copies cannot be made durable
	var movedTo []*jentry
	var err error
	for _, kind := range []byte{kindIncoming, kindQueued} {
		m := j.incoming
		if kind == kindQueued {
			m = j.queued
		}
		for _, e := range m {
			if e.rec != head && e.envSeg != head {
				continue
			}
			orig := *e
			if err = j.copyForwardLocked(kind, e); err != nil {
				break
			}
			moved, movedTo = append(moved, orig), append(movedTo, e)
		}
	}
	j.mu.Unlock()
	if err == nil {
		err = j.flushSegment(j.active)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if err != nil {
		for i, e := range movedTo {
			j.unpinLocked(e)
			*e = moved[i]
			e.rec.pins++
			e.envSeg.pins++
		}
		return err
	}
	j.dropDeadHeadLocked()
	return nil
}

func liveBytes(j *Journal, s *segment) int64 {
	var n int64
	for _, m := range []map[string]*jentry{j.incoming, j.queued} {
		for _, e := range m {
			if e.body == s {
				n += e.n
			}
		}
	}
	return n
}

// copyForwardLocked appends a copy of a live message (its body and current envelope) to
// the active segment and points the message at it; mu and wmu are held.
func (j *Journal) copyForwardLocked(kind byte, e *jentry) error {
	b := newRecord()
	defer freeRecord(b)
	env := e.env
	m, bodyLen := recMeta{Env: &env}, 0
	if e.blob != "" {
		m.Blob, m.Size = e.blob, e.n
	} else {
		*b = slices.Grow(*b, int(e.n))[:recStart+int(e.n)]
		if _, err := e.body.f.ReadAt((*b)[recStart:], e.off); err != nil {
			return err
		}
		bodyLen = int(e.n)
	}
	if err := sealRecord(b, kind, bodyLen, m); err != nil {
		return err
	}
	s := j.active
	off := s.size
	if _, err := s.f.WriteAt(*b, off); err != nil {
		s.f.Truncate(off)
		return err
	}
	s.size += int64(len(*b))
	j.unpinLocked(e)
	if e.blob == "" {
		e.body, e.off = s, off+recStart
	}
	e.rec, e.envSeg = s, s
	s.pins += 2
	return nil
}
