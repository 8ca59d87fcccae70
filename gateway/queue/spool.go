package queue

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

const spoolMagic = "SEKISHO-SPOOL 1\n"

// Spool is the file-per-message Queue. A message file in incoming/ carries its envelope in
// a trailer line; queue/ holds <id>.eml (the message to deliver) and <id>.env (its
// envelope, rewritten atomically on every state change). Ready and deferred differ only in
// the envelope's NextTry.
type Spool struct {
	dir      string
	incoming string
	queue    string
	syncDirs bool
	lock     *os.File // flock on queue/: one process per spool

	// nextTry caches each queued message's NextTry, so that Due and Depth read only the
	// envelopes of messages that are due or new to this process (a deferred backlog can
	// be large).
	tmu     sync.Mutex
	nextTry map[string]time.Time

	gmu     sync.Mutex
	gcond   *sync.Cond
	gen     uint64 // increments when a directory fsync starts
	done    uint64 // the last generation whose fsync finished
	syncing bool
	lastErr error
}

// OpenSpool creates the spool directories under dir, takes the spool's lock and removes
// what a crash left behind: temp files, and a queued message or envelope without its
// other half (an enqueue or a removal that did not finish; an unfinished enqueue's
// original is still in incoming/ or with its caller).
func OpenSpool(dir string) (*Spool, error) {
	s := &Spool{dir: dir, incoming: filepath.Join(dir, "incoming"), queue: filepath.Join(dir, "queue"), syncDirs: true,
		nextTry: map[string]time.Time{}}
	s.gcond = sync.NewCond(&s.gmu)
	for _, d := range []string{s.incoming, s.queue} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	// Cleaning up is safe only while no other process writes here.
	lock, err := os.Open(s.queue)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: %s", ErrLocked, s.queue)
		}
		return nil, err
	}
	s.lock = lock
	for _, d := range []string{s.incoming, s.queue} {
		ents, err := os.ReadDir(d)
		if err != nil {
			s.Close()
			return nil, err
		}
		names := map[string]bool{}
		for _, e := range ents {
			names[e.Name()] = true
		}
		for name := range names {
			id, ext, _ := strings.Cut(name, ".")
			orphan := d == s.queue && (ext == "eml" && !names[id+".env"] || ext == "env" && !names[id+".eml"])
			if strings.HasSuffix(name, ".tmp") || orphan {
				os.Remove(filepath.Join(d, name))
			}
		}
	}
	return s, nil
}

// syncDir makes the renames in dir durable. Callers that commit concurrently share one
// fsync: a caller waits for the first fsync that starts after its rename.
func (s *Spool) syncDir(dir string) error {
	if !s.syncDirs {
		return nil
	}
	s.gmu.Lock()
	defer s.gmu.Unlock()
	// Any fsync that starts after this point covers our rename.
	want := s.gen + 1
	for {
		if s.done >= want {
			return s.lastErr
		}
		if !s.syncing {
			s.syncing = true
			s.gen++
			g := s.gen
			s.gmu.Unlock()
			err := fsyncDirs(s.incoming, s.queue)
			s.gmu.Lock()
			s.syncing = false
			s.done = g
			s.lastErr = err
			s.gcond.Broadcast()
			continue
		}
		s.gcond.Wait()
	}
}

func fsyncDirs(dirs ...string) error {
	var errs []error
	for _, d := range dirs {
		f, err := os.Open(d)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, f.Sync(), f.Close())
	}
	return errors.Join(errs...)
}

// IncomingWriter is an accepted message being written. Commit makes it durable; Abort
// removes it.
type IncomingWriter struct {
	s    *Spool
	env  Envelope
	f    *os.File
	bw   *bufio.Writer
	tmp  string
	n    int64
	done bool
}

var _ Queue = (*Spool)(nil)

// Accept starts writing a message into incoming/.
func (s *Spool) Accept(env Envelope) (Writer, error) {
	if !ValidID(env.ID) {
		return nil, fmt.Errorf("spool: bad id %q", env.ID)
	}
	tmp := filepath.Join(s.incoming, env.ID+".tmp")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	return &IncomingWriter{s: s, env: env, f: f, bw: bufio.NewWriterSize(f, 64<<10), tmp: tmp}, nil
}

// Size is the number of bytes written so far.
func (w *IncomingWriter) Size() int64 { return w.n }

func (w *IncomingWriter) Write(p []byte) (int, error) {
	n, err := w.bw.Write(p)
	w.n += int64(n)
	return n, err
}

// Commit writes the envelope trailer, fsyncs the file, renames it into place and fsyncs
// the directory (grouped). Only after Commit returns nil may the server reply 250.
//
// The envelope goes at the end, after the body, because the size is known only then; the
// last line of the file is the envelope JSON, found by reading backwards.
func (w *IncomingWriter) Commit() error {
	w.env.Size = w.n
	ej, err := json.Marshal(w.env)
	if err != nil {
		w.Abort()
		return err
	}
	if _, err := fmt.Fprintf(w.bw, "\n%s%s\n", spoolMagic, ej); err != nil {
		w.Abort()
		return err
	}
	if err := w.bw.Flush(); err != nil {
		w.Abort()
		return err
	}
	if err := w.f.Sync(); err != nil {
		w.Abort()
		return err
	}
	if err := w.f.Close(); err != nil {
		os.Remove(w.tmp)
		return err
	}
	w.done = true
	final := filepath.Join(w.s.incoming, w.env.ID)
	if err := os.Rename(w.tmp, final); err != nil {
		os.Remove(w.tmp)
		return err
	}
	if err := w.s.syncDir(w.s.incoming); err != nil {
		// The rename may or may not be durable: do not reply 250. Removing the file keeps
		// "no 250 ⇒ at most a duplicate" true.
		os.Remove(final)
		return err
	}
	return nil
}

// Abort discards a message that was not accepted.
func (w *IncomingWriter) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.f.Close()
	os.Remove(w.tmp)
}

// OpenIncoming opens incoming/<id> and parses its envelope trailer. The caller closes it.
func (s *Spool) OpenIncoming(id string) (*Incoming, error) {
	if !ValidID(id) {
		return nil, fmt.Errorf("spool: bad id %q", id)
	}
	f, err := os.Open(filepath.Join(s.incoming, id))
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	env, bodyLen, err := readTrailer(f, st.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("spool: %s: %w", id, err)
	}
	return &Incoming{Env: env, Body: io.NewSectionReader(f, 0, bodyLen), c: f}, nil
}

func readTrailer(f io.ReaderAt, size int64) (Envelope, int64, error) {
	var env Envelope
	const maxTrailer = 1 << 20
	n := min(size, maxTrailer)
	buf := make([]byte, n)
	if _, err := f.ReadAt(buf, size-n); err != nil && err != io.EOF {
		return env, 0, err
	}
	i := strings.LastIndex(string(buf), "\n"+spoolMagic)
	if i < 0 {
		return env, 0, errors.New("no envelope trailer")
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(string(buf[i+1+len(spoolMagic):]))), &env); err != nil {
		return env, 0, fmt.Errorf("envelope: %w", err)
	}
	bodyLen := size - n + int64(i)
	if bodyLen != env.Size {
		return env, 0, fmt.Errorf("body is %d bytes, envelope says %d", bodyLen, env.Size)
	}
	return env, bodyLen, nil
}

// RemoveIncoming deletes an incoming message once its successor state is durable (or it
// was delivered). The removal needs no fsync: if it is lost in a crash the message is
// processed again, which is the accepted duplicate.
func (s *Spool) RemoveIncoming(id string) error {
	if !ValidID(id) {
		return fmt.Errorf("spool: bad id %q", id)
	}
	return os.Remove(filepath.Join(s.incoming, id))
}

// Incoming returns the IDs in incoming/, oldest first (IDs sort by time).
func (s *Spool) Incoming() ([]string, error) { return listIDs(s.incoming, "") }

// queued returns the IDs in queue/ that have both files. An envelope is renamed into
// place only after its message, so one seen here without its message is being removed.
func (s *Spool) queued() ([]string, error) {
	envs, err := listIDs(s.queue, ".env")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, id := range envs {
		if _, err := os.Stat(filepath.Join(s.queue, id+".eml")); err == nil {
			out = append(out, id)
		}
	}
	return out, nil
}

func listIDs(dir, suffix string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		name := e.Name()
		if strings.HasSuffix(name, ".tmp") || !strings.HasSuffix(name, suffix) {
			continue
		}
		id := strings.TrimSuffix(name, suffix)
		if suffix == "" && strings.Contains(id, ".") {
			continue
		}
		if ValidID(id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// Enqueue makes each message (sanitized or generated) and its envelope durable in
// queue/; one directory fsync covers them all. After it returns nil the caller may remove
// the incoming originals.
func (s *Spool) Enqueue(msgs ...Message) error {
	for _, m := range msgs {
		if err := s.enqueue(m.Env, m.Body); err != nil {
			return err
		}
	}
	return s.syncDir(s.queue)
}

// enqueue writes one message's files; the caller fsyncs the directory.
func (s *Spool) enqueue(env Envelope, msg io.Reader) error {
	if !ValidID(env.ID) {
		return fmt.Errorf("spool: bad id %q", env.ID)
	}
	emlTmp := filepath.Join(s.queue, env.ID+".eml.tmp")
	f, err := os.OpenFile(emlTmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, msg)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(emlTmp)
		return err
	}
	// The message first, then its envelope: a scan lists envelopes, so it never sees a
	// message that is not complete yet.
	eml := filepath.Join(s.queue, env.ID+".eml")
	if err := os.Rename(emlTmp, eml); err != nil {
		os.Remove(emlTmp)
		return err
	}
	if err := s.writeEnv(env, false); err != nil {
		os.Remove(eml)
		return err
	}
	s.setNextTry(env.ID, env.NextTry)
	return nil
}

func (s *Spool) setNextTry(id string, t time.Time) {
	s.tmu.Lock()
	s.nextTry[id] = t
	s.tmu.Unlock()
}

// cachedNextTry returns the cached NextTry of id, reading its envelope when unknown.
func (s *Spool) cachedNextTry(id string) (time.Time, error) {
	s.tmu.Lock()
	t, ok := s.nextTry[id]
	s.tmu.Unlock()
	if ok {
		return t, nil
	}
	env, err := s.ReadEnv(id)
	if err != nil {
		return time.Time{}, err
	}
	s.setNextTry(id, env.NextTry)
	return env.NextTry, nil
}

// Due returns the envelopes of queued messages whose NextTry is not after now, oldest
// first. Unreadable envelopes are skipped (a later scan sees them again).
func (s *Spool) Due(now time.Time) ([]Envelope, error) {
	ids, err := s.queued()
	if err != nil {
		return nil, err
	}
	var out []Envelope
	for _, id := range ids {
		if t, err := s.cachedNextTry(id); err != nil || t.After(now) {
			continue
		}
		env, err := s.ReadEnv(id)
		if err != nil {
			continue
		}
		s.setNextTry(id, env.NextTry)
		if !env.NextTry.After(now) {
			out = append(out, env)
		}
	}
	return out, nil
}

// Depth counts incoming, ready and deferred messages.
func (s *Spool) Depth(now time.Time) (Depth, error) {
	var d Depth
	in, err := s.Incoming()
	if err != nil {
		return d, err
	}
	d.Incoming = len(in)
	ids, err := s.queued()
	if err != nil {
		return d, err
	}
	for _, id := range ids {
		if t, err := s.cachedNextTry(id); err == nil && t.After(now) {
			d.Deferred++
		} else {
			d.Ready++
		}
	}
	return d, nil
}

// FreeSpace is what the spool's file system has left for this process.
func (s *Spool) FreeSpace() (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(s.dir, &st); err != nil {
		return 0, err
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}

// Update atomically replaces a queued message's envelope.
func (s *Spool) Update(env Envelope) error {
	if !ValidID(env.ID) {
		return fmt.Errorf("spool: bad id %q", env.ID)
	}
	if err := s.writeEnv(env, true); err != nil {
		return err
	}
	s.setNextTry(env.ID, env.NextTry)
	return nil
}

func (s *Spool) writeEnv(env Envelope, sync bool) error {
	ej, err := json.Marshal(env)
	if err != nil {
		return err
	}
	tmp := filepath.Join(s.queue, env.ID+".env.tmp")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(ej)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(s.queue, env.ID+".env"))
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if sync {
		return s.syncDir(s.queue)
	}
	return nil
}

// ReadEnv reads a queued message's envelope.
func (s *Spool) ReadEnv(id string) (Envelope, error) {
	var env Envelope
	if !ValidID(id) {
		return env, fmt.Errorf("spool: bad id %q", id)
	}
	data, err := os.ReadFile(filepath.Join(s.queue, id+".env"))
	if err != nil {
		return env, err
	}
	err = json.Unmarshal(data, &env)
	return env, err
}

// OpenQueued opens a queued message for delivery. The caller closes it.
func (s *Spool) OpenQueued(id string) (io.ReadCloser, error) {
	if !ValidID(id) {
		return nil, fmt.Errorf("spool: bad id %q", id)
	}
	return os.Open(filepath.Join(s.queue, id+".eml"))
}

// Remove deletes a delivered or bounced message.
func (s *Spool) Remove(id string) error {
	if !ValidID(id) {
		return fmt.Errorf("spool: bad id %q", id)
	}
	s.tmu.Lock()
	delete(s.nextTry, id)
	s.tmu.Unlock()
	// The envelope first: without it a scan no longer lists the message.
	return errors.Join(os.Remove(filepath.Join(s.queue, id+".env")), os.Remove(filepath.Join(s.queue, id+".eml")))
}

// Close releases the spool's lock; every other operation opens and closes its own files.
func (s *Spool) Close() error {
	if s.lock == nil {
		return nil
	}
	err := s.lock.Close()
	s.lock = nil
	return err
}

// Dir is the spool's root directory.
func (s *Spool) Dir() string { return s.dir }
