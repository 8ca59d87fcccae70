package smtp

import (
	"bufio"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Envelope is the SMTP envelope plus the queue state of one message.
type Envelope struct {
	ID         string      `json:"id"`
	From       string      `json:"from"` // "" is the null sender
	Rcpts      []string    `json:"rcpts"`
	Received   time.Time   `json:"received"`
	RemoteAddr string      `json:"remote_addr,omitempty"`
	Helo       string      `json:"helo,omitempty"`
	TLS        bool        `json:"tls,omitempty"`
	Size       int64       `json:"size"`
	Kind       string      `json:"kind,omitempty"` // "", "dsn", "release"
	Attempts   int         `json:"attempts,omitempty"`
	NextTry    time.Time   `json:"next_try,omitzero"`
	LastError  string      `json:"last_error,omitempty"`
	Failed     []RcptError `json:"failed,omitempty"` // permanent per-recipient failures not yet bounced
}

// RcptError records why one recipient failed.
type RcptError struct {
	Rcpt string `json:"rcpt"`
	Code int    `json:"code"`
	Msg  string `json:"msg"`
}

const spoolMagic = "SEKISHO-SPOOL 1\n"

// Spool is the on-disk queue. Message files in incoming/ carry their envelope in a header
// line; queue/ holds <id>.eml (the message to deliver) and <id>.env (its envelope, rewritten
// atomically on every state change).
type Spool struct {
	dir      string
	incoming string
	queue    string
	syncDirs bool

	gmu     sync.Mutex
	gcond   *sync.Cond
	gen     uint64 // increments when a directory fsync starts
	done    uint64 // the last generation whose fsync finished
	syncing bool
	lastErr error
}

// OpenSpool creates the spool directories under dir and removes the temp files a crash
// left behind.
func OpenSpool(dir string) (*Spool, error) {
	s := &Spool{dir: dir, incoming: filepath.Join(dir, "incoming"), queue: filepath.Join(dir, "queue"), syncDirs: true}
	s.gcond = sync.NewCond(&s.gmu)
	for _, d := range []string{s.incoming, s.queue} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
		ents, err := os.ReadDir(d)
		if err != nil {
			return nil, err
		}
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".tmp") {
				os.Remove(filepath.Join(d, e.Name()))
			}
		}
	}
	return s, nil
}

var idEnc = base32.NewEncoding("0123456789ABCDEFGHJKMNPQRSTVWXYZ").WithPadding(base32.NoPadding)

// NewID returns a queue ID: time-ordered, unique, safe as a file name.
func NewID(now time.Time) string {
	var b [8]byte
	rand.Read(b[:])
	return now.UTC().Format("20060102T150405") + "-" + idEnc.EncodeToString(b[:])
}

func validID(id string) bool {
	if len(id) < 10 || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r == '-' || r == 'T') {
			return false
		}
	}
	return true
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

// Create starts writing a message into incoming/.
func (s *Spool) Create(env Envelope) (*IncomingWriter, error) {
	tmp := filepath.Join(s.incoming, env.ID+".tmp")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	return &IncomingWriter{s: s, env: env, f: f, bw: bufio.NewWriterSize(f, 64<<10), tmp: tmp}, nil
}

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

// Incoming is an accepted message file: the body is [0, BodySize) of File.
type Incoming struct {
	Env  Envelope
	File *os.File
	Body *io.SectionReader
}

// OpenIncoming opens incoming/<id> and parses its envelope trailer. The caller closes File.
func (s *Spool) OpenIncoming(id string) (*Incoming, error) {
	if !validID(id) {
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
	return &Incoming{Env: env, File: f, Body: io.NewSectionReader(f, 0, bodyLen)}, nil
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
	return os.Remove(filepath.Join(s.incoming, id))
}

// ListIncoming returns the IDs in incoming/, oldest first (IDs sort by time).
func (s *Spool) ListIncoming() ([]string, error) { return listIDs(s.incoming, "") }

// ListQueue returns the IDs in queue/ that have both files.
func (s *Spool) ListQueue() ([]string, error) {
	envs, err := listIDs(s.queue, ".env")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, id := range envs {
		if _, err := os.Stat(filepath.Join(s.queue, id+".eml")); err == nil {
			out = append(out, id)
		} else {
			os.Remove(filepath.Join(s.queue, id+".env"))
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
		if validID(id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// Enqueue makes msg (the sanitized or generated message) and env durable in queue/. After
// it returns nil the caller may remove the incoming original.
func (s *Spool) Enqueue(env Envelope, msg io.Reader) error {
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
	if err := s.writeEnv(env, false); err != nil {
		os.Remove(emlTmp)
		return err
	}
	if err := os.Rename(emlTmp, filepath.Join(s.queue, env.ID+".eml")); err != nil {
		return err
	}
	return s.syncDir(s.queue)
}

// UpdateEnv atomically replaces a queued message's envelope.
func (s *Spool) UpdateEnv(env Envelope) error { return s.writeEnv(env, true) }

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
	if !validID(id) {
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
func (s *Spool) OpenQueued(id string) (*os.File, error) {
	if !validID(id) {
		return nil, fmt.Errorf("spool: bad id %q", id)
	}
	return os.Open(filepath.Join(s.queue, id+".eml"))
}

// RemoveQueued deletes a delivered or bounced message.
func (s *Spool) RemoveQueued(id string) error {
	return errors.Join(os.Remove(filepath.Join(s.queue, id+".env")), os.Remove(filepath.Join(s.queue, id+".eml")))
}

// Dir is the spool's root directory.
func (s *Spool) Dir() string { return s.dir }
