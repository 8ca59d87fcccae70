package queue

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Journal is the group-commit Queue: every state change is a record appended to a
// segment file, and one fdatasync makes all records written meanwhile durable, so that
// concurrent sessions share the cost of a disk flush (DESIGN §11: about 11,000 journal
// appends/s against 1,200 crash-safe files/s with 8 writers on this disk).
//
// On disk, under dir/journal: seg-<n>.log files (a header line, then records) and blob/
// for bodies larger than InlineMax, each its own fsync'd file named by a record. A record
// is
//
//	length u32 | crc32c u32 | kind u8 | body length u32 | body | meta (JSON)
//
// with the length and CRC over everything after them. Kinds: incoming message (A),
// queued message (Q), new envelope of a queued message (U), incoming removed (R), queued
// removed (D). Replaying the segments in order rebuilds the state; a record that is cut
// or fails its CRC ends its segment (it was never acknowledged: appends are acknowledged
// only after the fdatasync that covers them).
//
// Removals are appended without waiting for a flush: losing one in a power failure
// repeats a delivery, which the contract allows. Segments are deleted from the head of
// the log once nothing live is in them; live messages in an old head segment are copied
// forward (compaction), so a long-deferred message does not pin the log.
type Journal struct {
	dir     string // dir/journal
	blobDir string
	o       JournalOptions
	lock    *os.File // flock: one process per journal

	// wmu serializes appends to the active segment; mu guards the state below. Lock
	// order: wmu, then mu.
	wmu    sync.Mutex
	active *segment

	mu       sync.Mutex
	segs     []*segment // oldest first; the last is active
	incoming map[string]*jentry
	queued   map[string]*jentry
	closed   bool

	// Group commit.
	smu      sync.Mutex
	scond    *sync.Cond
	flushing [2]flushRun        // fdatasyncs in flight, one per file of the segment
	synced   map[*segment]int64 // durable length of each segment written since open
	syncErr  error              // set by a failed flush: the journal refuses further appends

	noSync bool // fuzzing only: replay without paying for flushes
	// syncFile replaces fdatasync in tests that hold a flush in flight or fail it.
	syncFile func(*os.File) error
}

// JournalOptions tune a Journal; zero values take the defaults.
type JournalOptions struct {
	SegmentSize int64 // a new segment is started beyond this; default 64 MiB
	InlineMax   int64 // bodies up to this go into the segment, larger ones to a blob file; default 256 KiB
	// CompactAfter: the head segment's live messages are copied forward once this many
	// segments follow it; default 3.
	CompactAfter int
}

func (o *JournalOptions) defaults() {
	if o.SegmentSize <= 0 {
		o.SegmentSize = 64 << 20
	}
	if o.InlineMax <= 0 {
		o.InlineMax = 256 << 10
	}
	if o.CompactAfter <= 0 {
		o.CompactAfter = 3
	}
}

// segment is one log file. pins counts the live messages whose last full record or
// latest envelope is in it; refs counts open readers plus one for the journal, and the
// file is closed when it drops to zero (a deleted segment stays readable until then).
type segment struct {
	seq  uint64
	path string
	f    *os.File
	// f2 is a second descriptor of an active segment, for the second flush in flight.
	// Each descriptor sees a write-back error once (errseq), so two concurrent
	// fdatasyncs must not share one: the second could return 0 for lost pages.
	f2   *os.File
	size int64 // bytes written (appends go here)
	pins int
	refs int
	gone bool
}

func (s *segment) closeFiles() {
	s.f.Close()
	if s.f2 != nil {
		s.f2.Close()
	}
}

// flushRun is an fdatasync in flight: it makes everything before size in seg durable.
type flushRun struct {
	busy bool
	seg  *segment // nil until the leader has read the active segment's size
	size int64
}

// jentry is a live message: where its body is and its current envelope.
type jentry struct {
	env  Envelope
	body *segment // nil when the body is a blob
	// rec is the segment of the message's last full record (incoming or queued), which
	// must outlive its updates: replay cannot rebuild a message from an update record.
	// For an inline body it is body; for a blob it is the only thing keeping the record.
	rec    *segment
	off, n int64
	blob   string
	envSeg *segment // the segment holding the newest record of this message
}

const (
	kindIncoming       = 'A'
	kindQueued         = 'Q'
	kindUpdate         = 'U'
	kindRemoveIncoming = 'R'
	kindRemoveQueued   = 'D'

	journalMagic = "SEKISHO-JOURNAL 1\n"
	recHeader    = 8     // length, crc
	recFixed     = 1 + 4 // kind, body length
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// recMeta is a record's JSON part.
type recMeta struct {
	Env  *Envelope `json:"env,omitempty"`
	ID   string    `json:"id,omitempty"`
	Blob string    `json:"blob,omitempty"`
	Size int64     `json:"size,omitempty"` // body size when Blob is set
}

var _ Queue = (*Journal)(nil)

// ErrLocked is returned by OpenJournal and OpenSpool when another process has the queue open.
var ErrLocked = errors.New("queue: in use by another process")

// OpenJournal opens (creating) the journal under dir/journal, replays it and starts a new
// segment. Only one process may have a journal open.
func OpenJournal(dir string, o JournalOptions) (*Journal, error) {
	return openJournal(dir, o, true)
}

func openJournal(dir string, o JournalOptions, flush bool) (*Journal, error) {
	o.defaults()
	j := &Journal{dir: filepath.Join(dir, "journal"), o: o, noSync: !flush,
		incoming: map[string]*jentry{}, queued: map[string]*jentry{}, synced: map[*segment]int64{}}
	j.blobDir = filepath.Join(j.dir, "blob")
	j.scond = sync.NewCond(&j.smu)
	if err := os.MkdirAll(j.blobDir, 0o700); err != nil {
		return nil, err
	}
	lock, err := os.OpenFile(filepath.Join(j.dir, "LOCK"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: %s", ErrLocked, j.dir)
		}
		return nil, err
	}
	j.lock = lock
	if err := j.replay(); err != nil {
		j.closeFiles()
		return nil, err
	}
	if err := j.rotate(true); err != nil {
		j.closeFiles()
		return nil, err
	}
	j.removeOrphanBlobs()
	j.mu.Lock()
	j.dropDeadHeadLocked()
	j.mu.Unlock()
	return j, nil
}

// Close releases the files and the lock. Messages stay in the journal for the next open.
func (j *Journal) Close() error {
	j.wmu.Lock()
	defer j.wmu.Unlock()
	j.mu.Lock()
	j.closed = true
	j.mu.Unlock()
	var err error
	if j.active != nil {
		err = j.flushSegment(j.active)
	}
	j.closeFiles()
	return err
}

func (j *Journal) closeFiles() {
	j.mu.Lock()
	for _, s := range j.segs {
		s.closeFiles()
	}
	j.segs = nil
	j.mu.Unlock()
	if j.lock != nil {
		j.lock.Close() // releases the flock
		j.lock = nil
	}
}

// Dir is the journal's directory.
func (j *Journal) Dir() string { return j.dir }

func segPath(dir string, seq uint64) string {
	return filepath.Join(dir, fmt.Sprintf("seg-%012d.log", seq))
}

// replay reads every segment in order and rebuilds the live messages.
func (j *Journal) replay() error {
	ents, err := os.ReadDir(j.dir)
	if err != nil {
		return err
	}
	var seqs []uint64
	for _, e := range ents {
		name := e.Name()
		if !strings.HasPrefix(name, "seg-") || !strings.HasSuffix(name, ".log") {
			continue
		}
		n, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimPrefix(name, "seg-"), ".log"), 10, 64)
		if err == nil {
			seqs = append(seqs, n)
		}
	}
	sort.Slice(seqs, func(a, b int) bool { return seqs[a] < seqs[b] })
	for _, seq := range seqs {
		f, err := os.OpenFile(segPath(j.dir, seq), os.O_RDWR, 0o600)
		if err != nil {
			return err
		}
		s := &segment{seq: seq, path: segPath(j.dir, seq), f: f, refs: 1}
		j.segs = append(j.segs, s)
		if err := j.replaySegment(s); err != nil {
			return fmt.Errorf("queue: %s: %w", s.path, err)
		}
	}
	return nil
}

// replaySegment applies one segment's records. A cut or corrupt record ends the segment:
// everything after it was written after the last flush that covered it, so nothing after
// it was acknowledged; the file is truncated there.
func (j *Journal) replaySegment(s *segment) error {
	st, err := s.f.Stat()
	if err != nil {
		return err
	}
	r := io.NewSectionReader(s.f, 0, st.Size())
	magic := make([]byte, len(journalMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != journalMagic {
		// A segment created but never written (a crash right after rotation) is empty.
		s.size = 0
		return s.f.Truncate(0)
	}
	off := int64(len(journalMagic))
	var hdr [recHeader]byte
	for {
		if _, err := r.ReadAt(hdr[:], off); err != nil {
			break
		}
		n := int64(binary.LittleEndian.Uint32(hdr[0:4]))
		if n < recFixed || off+recHeader+n > st.Size() {
			break
		}
		payload := make([]byte, n)
		if _, err := r.ReadAt(payload, off+recHeader); err != nil {
			break
		}
		if crc32.Checksum(payload, crcTable) != binary.LittleEndian.Uint32(hdr[4:8]) {
			break
		}
		if err := j.apply(s, off, payload); err != nil {
			break
		}
		off += recHeader + n
	}
	s.size = off
	if off < st.Size() {
		return s.f.Truncate(off)
	}
	return nil
}

// apply replays one record found at off in s.
func (j *Journal) apply(s *segment, off int64, payload []byte) error {
	kind := payload[0]
	bodyLen := int64(binary.LittleEndian.Uint32(payload[1:5]))
	if recFixed+bodyLen > int64(len(payload)) {
		return errors.New("body beyond the record")
	}
	var m recMeta
	if err := json.Unmarshal(payload[recFixed+bodyLen:], &m); err != nil {
		return err
	}
	bodyOff := off + recHeader + recFixed
	switch kind {
	case kindIncoming, kindQueued:
		if m.Env == nil || !ValidID(m.Env.ID) {
			return errors.New("record without a valid envelope")
		}
		e := &jentry{env: *m.Env, body: s, off: bodyOff, n: bodyLen, rec: s, envSeg: s}
		if m.Blob != "" {
			e.body, e.off, e.n, e.blob = nil, 0, m.Size, m.Blob
		}
		j.putLocked(kind, e)
	case kindUpdate:
		if m.Env == nil {
			return errors.New("update without an envelope")
		}
		if e := j.queued[m.Env.ID]; e != nil {
			j.repinEnvLocked(e, s)
			e.env = *m.Env
		}
	case kindRemoveIncoming:
		j.dropLocked(j.incoming, m.ID)
	case kindRemoveQueued:
		j.dropLocked(j.queued, m.ID)
	default:
		return fmt.Errorf("unknown record kind %q", kind)
	}
	return nil
}

// putLocked makes e the live message of its kind, replacing (and unpinning) an older one.
func (j *Journal) putLocked(kind byte, e *jentry) {
	m := j.incoming
	if kind == kindQueued {
		m = j.queued
	}
	if old := m[e.env.ID]; old != nil {
		j.unpinLocked(old)
		if old.blob != "" && old.blob != e.blob {
			os.Remove(filepath.Join(j.blobDir, old.blob))
		}
	}
	m[e.env.ID] = e
	e.rec.pins++
	e.envSeg.pins++
}

func (j *Journal) unpinLocked(e *jentry) {
	e.rec.pins--
	e.envSeg.pins--
}

func (j *Journal) repinEnvLocked(e *jentry, s *segment) {
	e.envSeg.pins--
	e.envSeg = s
	s.pins++
}

// dropLocked forgets a message; its blob is deleted at once (a removal record lost in a
// crash then finds no blob and the message counts as removed, which it was).
func (j *Journal) dropLocked(m map[string]*jentry, id string) {
	e := m[id]
	if e == nil {
		return
	}
	delete(m, id)
	j.unpinLocked(e)
	if e.blob != "" && j.blobUnused(e.blob) {
		os.Remove(filepath.Join(j.blobDir, e.blob))
	}
}

// blobUnused reports whether no live message refers to the blob. Blob names are unique
// per body, but a compacted copy refers to its original's blob.
func (j *Journal) blobUnused(name string) bool {
	for _, m := range []map[string]*jentry{j.incoming, j.queued} {
		for _, e := range m {
			if e.blob == name {
				return false
			}
		}
	}
	return true
}

// removeOrphanBlobs deletes blob files no live message refers to (bodies of transfers
// that were never acknowledged), and forgets messages whose blob is gone: a blob is
// durable before its record, so a missing one was deleted with its message, whose
// removal record a crash lost.
func (j *Journal) removeOrphanBlobs() {
	ents, err := os.ReadDir(j.blobDir)
	if err != nil {
		return
	}
	exists := map[string]bool{}
	for _, e := range ents {
		exists[e.Name()] = true
	}
	j.mu.Lock()
	used := map[string]bool{}
	for _, m := range []map[string]*jentry{j.incoming, j.queued} {
		for id, e := range m {
			if e.blob == "" {
				continue
			}
			if !exists[e.blob] {
				j.dropLocked(m, id)
				continue
			}
			used[e.blob] = true
		}
	}
	j.mu.Unlock()
	for _, e := range ents {
		if !used[e.Name()] {
			os.Remove(filepath.Join(j.blobDir, e.Name()))
		}
	}
}

// dropDeadHeadLocked deletes segments from the head of the log while nothing live is in
// them. Only the head: a removal record must outlive the record it cancels, and it always
// comes later in the log.
func (j *Journal) dropDeadHeadLocked() {
	for len(j.segs) > 1 && j.segs[0].pins == 0 {
		s := j.segs[0]
		j.segs = j.segs[1:]
		s.gone = true
		os.Remove(s.path)
		j.unrefLocked(s)
	}
}

func (j *Journal) unrefLocked(s *segment) {
	s.refs--
	if s.refs == 0 {
		s.closeFiles()
		j.smu.Lock()
		delete(j.synced, s)
		j.smu.Unlock()
	}
}

func (j *Journal) datasync(f *os.File) error {
	if j.noSync {
		return nil
	}
	if j.syncFile != nil {
		return j.syncFile(f)
	}
	return fdatasync(f)
}

func (j *Journal) syncDirs(dirs ...string) error {
	if j.noSync {
		return nil
	}
	return fsyncDirs(dirs...)
}

// fdatasync flushes a file's data and the metadata needed to read it back (its size).
func fdatasync(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = syscall.Fdatasync(int(fd)) }); err != nil {
		return err
	}
	return serr
}

// FreeSpace is what the journal's file system has left for this process.
func (j *Journal) FreeSpace() (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(j.dir, &st); err != nil {
		return 0, err
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}

// Depth counts incoming, ready and deferred messages.
func (j *Journal) Depth(now time.Time) (Depth, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	d := Depth{Incoming: len(j.incoming)}
	for _, e := range j.queued {
		if e.env.NextTry.After(now) {
			d.Deferred++
		} else {
			d.Ready++
		}
	}
	return d, nil
}
