package sqlite

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/sekisho/sekisho/quarantine"
)

// AuditRecord is one line of the audit log (the format every backend shares).
type AuditRecord = quarantine.AuditRecord

// ActionAuditBreak opens a new segment after an operator recovered a broken log.
const ActionAuditBreak = quarantine.ActionAuditBreak

// ErrAuditBroken is returned by every change while the audit log is not the file this
// store can trust: nothing is changed that the log could not record.
var ErrAuditBroken = errors.New("quarantine: audit log broken, changes refused until recovered (sekisho quarantine recover-audit)")

func genesisHash() string {
	h := sha256.Sum256([]byte(quarantine.AuditGenesis))
	return hex.EncodeToString(h[:])
}

// audit appends hash-chained lines; each append is fsync'd before the state change it
// records is reported as done.
//
// Several processes may append (serve, and the quarantine CLI run by an operator), so a
// state change holds an exclusive flock on audit.lock (not on the log itself, which can be
// replaced under us) and catches up when another process has appended since.
//
// Before each append it checks that the file it holds is still the log: the same inode at
// the path, the size it last saw, and the last line it wrote. Editors, sed -i and
// logrotate replace the file; appending to the old inode would put records where nobody
// will ever read them. On any difference the file at the path is verified again, against
// the head the index recorded; if it does not verify, the log is broken: appends stop, the
// error is logged once, and status reports it until an operator recovers (RecoverAudit).
type audit struct {
	mu    sync.Mutex
	dir   string
	path  string
	lockf *os.File
	index func() (*checkpoint, error) // the head the index recorded
	log   *slog.Logger
	now   func() time.Time

	// The file appended to and what this process last saw in it; f is nil while broken.
	f       *os.File
	id      fileID
	size    int64
	lastLen int64 // bytes of the last line, newline included
	seq     int64
	head    string

	broken   *AuditError
	brokenAt pathState // the path as it was when found broken: recheck only after a change
}

type fileID struct{ dev, ino uint64 }

func idOf(fi os.FileInfo) fileID {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return fileID{uint64(st.Dev), uint64(st.Ino)}
	}
	return fileID{}
}

func linksOf(fi os.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink)
	}
	return 1
}

// pathState is what stat says about the log's path, to notice any change to it.
type pathState struct {
	exists bool
	id     fileID
	size   int64
	mtime  time.Time
}

func statePath(path string) pathState {
	fi, err := os.Stat(path)
	if err != nil {
		return pathState{}
	}
	return pathState{exists: true, id: idOf(fi), size: fi.Size(), mtime: fi.ModTime()}
}

func openAudit(dir string, index func() (*checkpoint, error), log *slog.Logger, now func() time.Time) (*audit, error) {
	lockf, err := os.OpenFile(filepath.Join(dir, "audit.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	a := &audit{dir: dir, path: filepath.Join(dir, "audit.log"), lockf: lockf, index: index, log: log, now: now}
	if err := lockFile(lockf); err != nil {
		lockf.Close()
		return nil, err
	}
	defer unlockFile(lockf)
	if err := a.revalidate(""); err != nil {
		lockf.Close()
		return nil, err
	}
	return a, nil
}

// lock takes the audit lock for one state change (in-process mutex, then the file lock)
// and makes sure the log can take a record. unlock must follow a nil error.
func (a *audit) lock() error {
	a.mu.Lock()
	if err := lockFile(a.lockf); err != nil {
		a.mu.Unlock()
		return err
	}
	if err := a.sync(); err != nil {
		a.unlock()
		return err
	}
	if a.broken != nil {
		err := a.brokenErr()
		a.unlock()
		return err
	}
	return nil
}

func (a *audit) unlock() {
	unlockFile(a.lockf)
	a.mu.Unlock()
}

func lockFile(f *os.File) error {
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("audit: lock: %w", err)
	}
	return nil
}

func unlockFile(f *os.File) { syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }

func (a *audit) brokenErr() error { return fmt.Errorf("%w: %w", ErrAuditBroken, a.broken) }

// status reports why the log refuses records, or nil. It looks at the file as lock does,
// so a replacement shows before the next change would reveal it.
func (a *audit) status() error {
	if err := a.lock(); err != nil {
		return err
	}
	a.unlock()
	return nil
}

// sync checks, with the locks held, that the file held is still the log, and otherwise
// finds out whether the file now at the path is (another process appended, or an
// identical copy replaced it) or the log is broken. Only I/O trouble is returned; a broken
// log is recorded in a.broken.
func (a *audit) sync() error {
	if a.f == nil {
		if a.broken != nil && statePath(a.path) == a.brokenAt {
			return nil
		}
		return a.revalidate("")
	}
	fst, err := a.f.Stat()
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	pst, perr := os.Stat(a.path)
	var why string
	switch {
	case perr != nil && !errors.Is(perr, os.ErrNotExist):
		return fmt.Errorf("audit: %w", perr)
	case perr != nil:
		why = "removed or renamed while in use"
	case idOf(pst) != a.id:
		why = "replaced while in use (another file now has its name)"
	case fst.Size() < a.size:
		why = fmt.Sprintf("truncated while in use (%d bytes, %d were written)", fst.Size(), a.size)
	case fst.Size() > a.size:
		why = "" // another process appended: verify and catch up
	case !a.lastLineIntact():
		why = "last record changed in place"
	default:
		return nil
	}
	if why != "" && linksOf(fst) == 0 {
		a.preserveDetached(why)
	}
	return a.revalidate(why)
}

// lastLineIntact re-reads the last line written and compares its hash with the head.
func (a *audit) lastLineIntact() bool {
	if a.lastLen == 0 {
		return a.size == 0
	}
	b := make([]byte, a.lastLen)
	if _, err := a.f.ReadAt(b, a.size-a.lastLen); err != nil || b[len(b)-1] != '\n' {
		return false
	}
	h := sha256.Sum256(b[:len(b)-1])
	return hex.EncodeToString(h[:]) == a.head
}

// preserveDetached copies a log that was unlinked under us (sed -i, an editor's save) to a
// file next to it: those records exist nowhere else once this process closes it.
func (a *audit) preserveDetached(why string) {
	name := a.uniqueName("detached")
	dst, err := os.OpenFile(filepath.Join(a.dir, name), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err == nil {
		_, err = io.Copy(dst, io.NewSectionReader(a.f, 0, a.size))
		if serr := dst.Sync(); err == nil {
			err = serr
		}
		if cerr := dst.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		a.log.Error("audit log: could not preserve the detached log", "why", why, "err", err)
		return
	}
	a.log.Warn("audit log: the file this process wrote was unlinked; its records are preserved", "why", why, "file", name)
}

// uniqueName returns audit.log.<what>-<UTC time>[-n], a name not yet taken in dir.
func (a *audit) uniqueName(what string) string {
	base := "audit.log." + what + "-" + a.now().UTC().Format("20060102T150405Z")
	name := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(filepath.Join(a.dir, name)); errors.Is(err, os.ErrNotExist) {
			return name
		}
		name = fmt.Sprintf("%s-%d", base, i)
	}
}

// revalidate verifies the file at the path against the index head, from the descriptor it
// will append to, and adopts it, or records the log as broken. why says what made the
// file held suspect ("" when nothing did).
func (a *audit) revalidate(why string) error {
	cp, err := a.index()
	if err != nil {
		return err
	}
	flags := os.O_RDWR | os.O_APPEND
	if cp.seq == 0 {
		flags |= os.O_CREATE // a new store: an empty log is the whole chain
	}
	f, err := os.OpenFile(a.path, flags, 0o600)
	if errors.Is(err, os.ErrNotExist) {
		return a.setBroken(why, &AuditError{Msg: fmt.Sprintf("missing, the index recorded %d records", cp.seq)})
	}
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("audit: %w", err)
	}
	end, verr := verifyChain(io.NewSectionReader(f, 0, st.Size()), cp)
	if verr != nil {
		f.Close()
		var ae *AuditError
		if !errors.As(verr, &ae) {
			return verr
		}
		return a.setBroken(why, ae)
	}
	replaced := a.f != nil && idOf(st) != a.id
	if a.f != nil {
		a.f.Close()
	}
	a.f, a.id, a.size, a.lastLen, a.seq, a.head = f, idOf(st), st.Size(), end.lastLen, end.seq, end.head
	switch {
	case a.broken != nil:
		a.log.Info("audit log usable again", "path", a.path, "records", a.seq)
		a.broken = nil
	case replaced:
		a.log.Warn("audit log replaced by a file holding the same chain; appending to the new file", "path", a.path, "why", why)
	}
	return nil
}

func (a *audit) setBroken(why string, ae *AuditError) error {
	if why != "" {
		ae = &AuditError{Line: ae.Line, Msg: why + ", and the file now there fails: " + ae.Msg}
	}
	if a.f != nil {
		a.f.Close()
		a.f = nil
	}
	if a.broken == nil {
		a.log.Error("audit log broken: quarantine changes are refused until an operator recovers it (sekisho quarantine recover-audit)",
			"path", a.path, "err", ae.Error())
	}
	a.broken, a.brokenAt = ae, statePath(a.path)
	return nil
}

// append writes one record and returns the new head hash and sequence number. The caller
// holds the lock, which has checked that the log can take it.
func (a *audit) append(rec AuditRecord) (int64, string, error) {
	if a.f == nil {
		return 0, "", a.brokenErr()
	}
	rec.Seq = a.seq + 1
	rec.Prev = a.head
	line, err := json.Marshal(rec)
	if err != nil {
		return 0, "", err
	}
	if _, err := a.f.Write(append(line, '\n')); err != nil {
		return 0, "", fmt.Errorf("audit: append: %w", err)
	}
	if err := a.f.Sync(); err != nil {
		return 0, "", fmt.Errorf("audit: sync: %w", err)
	}
	h := sha256.Sum256(line)
	a.seq, a.head = rec.Seq, hex.EncodeToString(h[:])
	a.lastLen = int64(len(line)) + 1
	a.size += a.lastLen
	return a.seq, a.head, nil
}

func (a *audit) close() error {
	var errs []error
	if a.f != nil {
		errs = append(errs, a.f.Close())
	}
	errs = append(errs, a.lockf.Close())
	return errors.Join(errs...)
}
