package queue

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime/trace"
	"slices"
	"sync"
)

// recStart is the space a record buffer keeps for its header before the body.
const recStart = recHeader + recFixed

var errJournalClosed = errors.New("queue: journal closed")

// bufPool recycles record buffers: one per message in flight, up to InlineMax each.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// newRecord returns a pooled buffer with room for the record header.
func newRecord() *[]byte {
	b := bufPool.Get().(*[]byte)
	*b = append((*b)[:0], make([]byte, recStart)...)
	return b
}

func freeRecord(b *[]byte) {
	if cap(*b) <= 4<<20 {
		bufPool.Put(b)
	}
}

// sealRecord completes a record whose body follows the reserved header in *b: it appends
// the meta JSON and fills in kind, lengths and CRC.
func sealRecord(b *[]byte, kind byte, bodyLen int, m recMeta) error {
	mj, err := json.Marshal(m)
	if err != nil {
		return err
	}
	*b = append(*b, mj...)
	rec := *b
	rec[recHeader] = kind
	binary.LittleEndian.PutUint32(rec[recHeader+1:], uint32(bodyLen))
	binary.LittleEndian.PutUint32(rec[0:4], uint32(len(rec)-recHeader))
	binary.LittleEndian.PutUint32(rec[4:8], crc32.Checksum(rec[recHeader:], crcTable))
	return nil
}

// written is where a record went: its segment (pinned once for the writer until the
// message is registered or the write given up) and offsets.
type written struct {
	seg      *segment
	off, end int64
}

// write appends a sealed record to the active segment, starting a new segment when the
// active one is full. The segment is pinned for the caller. Nothing is durable until
// flush covers end. apply, when set, runs right after the append with mu held and no
// other append in between; if it fails the caller gets its error and no pin (the record
// it refused is a no-op on replay).
func (j *Journal) write(rec []byte, apply ...func(written) error) (written, error) {
	j.wmu.Lock()
	defer j.wmu.Unlock()
	j.mu.Lock()
	closed := j.closed
	j.mu.Unlock()
	if closed {
		return written{}, errJournalClosed
	}
	j.smu.Lock()
	failed := j.synced[j.active] < 0
	j.smu.Unlock()
	full := j.active.size+int64(len(rec)) > j.o.SegmentSize && j.active.size > int64(len(journalMagic))
	if failed || full {
		if err := j.rotate(!failed); err != nil {
			return written{}, err
		}
	}
	w, err := j.writeLocked(rec)
	if err != nil || len(apply) == 0 {
		return w, err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := apply[0](w); err != nil {
		w.seg.pins--
		return written{}, err
	}
	return w, nil
}

// writeLocked appends rec to the active segment; wmu is held.
func (j *Journal) writeLocked(rec []byte) (written, error) {
	s := j.active
	off := s.size
	if _, err := s.f.WriteAt(rec, off); err != nil {
		// A partial record (disk full) must not stay in front of the next one.
		s.f.Truncate(off)
		return written{}, err
	}
	s.size += int64(len(rec))
	j.mu.Lock()
	s.pins++
	j.mu.Unlock()
	return written{seg: s, off: off, end: s.size}, nil
}

// rotate flushes and seals the active segment (unless its flush already failed) and
// starts the next; wmu is held (or the journal is being opened). Then it deletes dead
// head segments and compacts the head.
func (j *Journal) rotate(flushOld bool) error {
	j.mu.Lock()
	seq := uint64(1)
	if len(j.segs) > 0 {
		seq = j.segs[len(j.segs)-1].seq + 1
	}
	j.mu.Unlock()
	if old := j.active; old != nil && flushOld {
		if err := j.flushSegment(old); err != nil {
			return err
		}
	}
	path := segPath(j.dir, seq)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteAt([]byte(journalMagic), 0); err == nil {
		err = j.datasync(f)
	}
	if err == nil {
		err = j.syncDirs(j.dir) // the new file's name must be durable before records in it count
	}
	if err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	f2, err := os.Open(path) // fdatasync needs no write access
	if err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	s := &segment{seq: seq, path: path, f: f, f2: f2, size: int64(len(journalMagic)), refs: 1}
	j.smu.Lock()
	j.synced[s] = s.size
	j.smu.Unlock()
	j.mu.Lock()
	j.segs = append(j.segs, s)
	j.mu.Unlock()
	j.active = s
	return j.compactHead()
}

// flushSegment makes everything written to s durable and records it, failing the waiters
// of s if it cannot; wmu is held. It first lets flushes of s in flight end: they may use
// s.f, and two fdatasyncs must not share a descriptor.
func (j *Journal) flushSegment(s *segment) error {
	j.smu.Lock()
	for j.flushing[0].seg == s || j.flushing[1].seg == s {
		j.scond.Wait()
	}
	failed := j.synced[s] < 0
	j.smu.Unlock()
	if failed {
		return fmt.Errorf("queue: journal flush failed for %s", s.path)
	}
	err := j.datasync(s.f)
	j.smu.Lock()
	if err == nil {
		if j.synced[s] >= 0 {
			j.synced[s] = s.size
		}
	} else {
		j.synced[s] = -1
	}
	j.scond.Broadcast()
	j.smu.Unlock()
	return err
}

// flush waits until w's record is durable. Concurrent callers share fdatasyncs: a caller
// waits for a flush that started after its write, or starts one, everything written so
// far, when none did. Two flushes may be in flight, each on its own descriptor, so that
// a record written during a flush is covered by a second fdatasync issued at once, which
// the file system joins to its running commit, rather than one issued only after the
// first has returned and its caller was scheduled again (on a busy machine, that wait
// was a third of time-to-250). A failed flush fails every record of that segment (none
// gets a 250) and the next write starts a new segment, so later records never share a
// page with data whose write-back failed.
func (j *Journal) flush(w written) error {
	j.smu.Lock()
	defer j.smu.Unlock()
	for {
		switch synced, ok := j.synced[w.seg]; {
		case ok && synced < 0:
			return fmt.Errorf("queue: journal flush failed for %s", w.seg.path)
		case !ok:
			return errJournalClosed
		case synced >= w.end:
			return nil
		}
		slot, covered := -1, false
		for i, r := range j.flushing {
			switch {
			case !r.busy:
				if slot < 0 {
					slot = i
				}
			case r.seg == w.seg && r.size >= w.end:
				covered = true
			}
		}
		if covered || slot < 0 {
			j.scond.Wait()
			continue
		}
		j.flushing[slot] = flushRun{busy: true}
		j.smu.Unlock()
		j.wmu.Lock()
		s, size := j.active, j.active.size
		j.wmu.Unlock()
		f := s.f
		if slot == 1 {
			f = s.f2
		}
		j.smu.Lock()
		j.flushing[slot] = flushRun{busy: true, seg: s, size: size}
		j.smu.Unlock()
		// The region shows a trace (serve --trace) how much of a commit's wait is the disk.
		reg := trace.StartRegion(context.Background(), "queue.fdatasync")
		err := j.datasync(f)
		reg.End()
		j.smu.Lock()
		j.flushing[slot] = flushRun{}
		if cur, ok := j.synced[s]; ok {
			if err != nil {
				j.synced[s] = -1
			} else if cur >= 0 && size > cur {
				j.synced[s] = size
			}
		}
		j.scond.Broadcast()
		if err != nil {
			// Never flush s again: a second fdatasync may succeed although the data of
			// the failed one is lost (Linux drops the failed pages' dirty state).
			j.smu.Unlock()
			j.wmu.Lock()
			j.mu.Lock()
			closed := j.closed
			j.mu.Unlock()
			// A flush that failed because Close ran meanwhile must not start a segment
			// after the lock was given up.
			if j.active == s && !closed {
				j.rotate(false)
			}
			j.wmu.Unlock()
			j.smu.Lock()
		}
	}
}

// release gives up the writer's pin of a record that was not registered.
func (j *Journal) release(w written) {
	j.mu.Lock()
	w.seg.pins--
	j.mu.Unlock()
}

// journalWriter collects an accepted message in memory, or in a blob file once it
// outgrows InlineMax, until Commit.
type journalWriter struct {
	j        *Journal
	env      Envelope
	rec      *[]byte // header space + body, while inline
	blob     *os.File
	blobName string
	n        int64
	done     bool
}

// Accept starts an incoming message.
func (j *Journal) Accept(env Envelope) (Writer, error) {
	if !ValidID(env.ID) {
		return nil, fmt.Errorf("queue: bad id %q", env.ID)
	}
	return &journalWriter{j: j, env: env, rec: newRecord()}, nil
}

// Size is the number of bytes written so far.
func (w *journalWriter) Size() int64 { return w.n }

func (w *journalWriter) Write(p []byte) (int, error) {
	if w.done {
		return 0, errJournalClosed
	}
	if w.blob == nil && w.n+int64(len(p)) > w.j.o.InlineMax {
		if err := w.spill(); err != nil {
			return 0, err
		}
	}
	w.n += int64(len(p))
	if w.blob != nil {
		return w.blob.Write(p)
	}
	*w.rec = append(*w.rec, p...)
	return len(p), nil
}

// spill moves the body written so far to a new blob file.
func (w *journalWriter) spill() error {
	name, f, err := w.j.newBlob(w.env.ID)
	if err != nil {
		return err
	}
	if _, err := f.Write((*w.rec)[recStart:]); err != nil {
		f.Close()
		os.Remove(filepath.Join(w.j.blobDir, name))
		return err
	}
	*w.rec = (*w.rec)[:recStart]
	w.blob, w.blobName = f, name
	return nil
}

func (j *Journal) newBlob(id string) (string, *os.File, error) {
	var r [6]byte
	rand.Read(r[:])
	name := fmt.Sprintf("%s-%x", id, r)
	f, err := os.OpenFile(filepath.Join(j.blobDir, name), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	return name, f, err
}

// syncBlob makes a finished blob file and its name durable.
func (j *Journal) syncBlob(f *os.File) error {
	err := j.datasync(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = j.syncDirs(j.blobDir)
	}
	return err
}

// Commit appends the message's record and returns once a flush covers it. Only then may
// the server reply 250.
func (w *journalWriter) Commit() error {
	if w.done {
		return errJournalClosed
	}
	w.done = true
	defer freeRecord(w.rec)
	w.env.Size = w.n
	m := recMeta{Env: &w.env}
	bodyLen := int(w.n)
	if w.blob != nil {
		if err := w.j.syncBlob(w.blob); err != nil {
			os.Remove(filepath.Join(w.j.blobDir, w.blobName))
			return err
		}
		m.Blob, m.Size, bodyLen = w.blobName, w.n, 0
	}
	if err := sealRecord(w.rec, kindIncoming, bodyLen, m); err != nil {
		w.removeBlob()
		return err
	}
	wr, err := w.j.write(*w.rec)
	if err != nil {
		w.removeBlob()
		return err
	}
	if err := w.j.flush(wr); err != nil {
		w.j.release(wr)
		// The record may reach the disk anyway: cancel it, so that a message the client
		// will send again is not delivered twice.
		w.j.appendRemoval(kindRemoveIncoming, w.env.ID)
		w.removeBlob()
		return err
	}
	e := &jentry{env: w.env, body: wr.seg, off: wr.off + recStart, n: w.n, rec: wr.seg, envSeg: wr.seg}
	if w.blob != nil {
		e.body, e.off, e.blob = nil, 0, w.blobName
	}
	w.j.register(kindIncoming, e, wr)
	return nil
}

func (w *journalWriter) removeBlob() {
	if w.blob != nil {
		w.blob.Close()
		os.Remove(filepath.Join(w.j.blobDir, w.blobName))
	}
}

// Abort discards a message that was not accepted.
func (w *journalWriter) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.removeBlob()
	freeRecord(w.rec)
}

// register makes a durable record's message live and drops the writer's pin.
func (j *Journal) register(kind byte, e *jentry, wr written) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.putLocked(kind, e)
	wr.seg.pins--
}

// appendRemoval writes a removal record without waiting for a flush.
func (j *Journal) appendRemoval(kind byte, id string) error {
	b := newRecord()
	defer freeRecord(b)
	if err := sealRecord(b, kind, 0, recMeta{ID: id}); err != nil {
		return err
	}
	wr, err := j.write(*b)
	if err != nil {
		return err
	}
	j.release(wr)
	return nil
}

// readBody reads a message body into a record buffer, or into a blob file past
// InlineMax. It returns the body length and the blob's name ("" when inline).
func (j *Journal) readBody(id string, r io.Reader, b *[]byte) (int64, string, error) {
	for int64(len(*b)-recStart) <= j.o.InlineMax {
		*b = slices.Grow(*b, 32<<10)
		n, err := r.Read((*b)[len(*b):cap(*b)])
		*b = (*b)[:len(*b)+n]
		if err == io.EOF {
			return int64(len(*b) - recStart), "", nil
		}
		if err != nil {
			return 0, "", err
		}
	}
	name, f, err := j.newBlob(id)
	if err != nil {
		return 0, "", err
	}
	n, err := f.Write((*b)[recStart:])
	var rest int64
	if err == nil {
		rest, err = io.Copy(f, r)
	}
	if err == nil {
		err = j.syncBlob(f)
	} else {
		f.Close()
	}
	if err != nil {
		os.Remove(filepath.Join(j.blobDir, name))
		return 0, "", err
	}
	*b = (*b)[:recStart]
	return int64(n) + rest, name, nil
}
