package quarantine

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
	"time"
)

// AuditRecord is one line of the audit log. Prev is the SHA-256 (hex) of the previous
// line's bytes, or of genesis for the first line.
type AuditRecord struct {
	Seq    int64     `json:"seq"`
	Time   time.Time `json:"time"`
	Action string    `json:"action"` // quarantine, release, delete, purge, download
	ID     string    `json:"id,omitempty"`
	Actor  string    `json:"actor"`
	Detail string    `json:"detail,omitempty"`
	Prev   string    `json:"prev"`
}

const genesis = "sekisho-audit-v1"

func genesisHash() string {
	h := sha256.Sum256([]byte(genesis))
	return hex.EncodeToString(h[:])
}

// audit appends hash-chained lines; each append is fsync'd before the state change it
// records is reported as done.
//
// Several processes may append (serve, and the quarantine CLI run by an operator), so an
// append holds an exclusive flock on the file for the whole state change, and re-reads the
// chain when another process has appended since.
type audit struct {
	mu   sync.Mutex
	path string
	f    *os.File
	seq  int64
	head string
	size int64
}

func openAudit(path string, cp *checkpoint) (*audit, error) {
	seq, head, err := scanAudit(path, cp)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &audit{path: path, f: f, seq: seq, head: head, size: st.Size()}, nil
}

// lock takes the audit lock for one state change (in-process mutex, then the file lock)
// and catches up with lines other processes appended. unlock must follow.
func (a *audit) lock() error {
	a.mu.Lock()
	if err := syscall.Flock(int(a.f.Fd()), syscall.LOCK_EX); err != nil {
		a.mu.Unlock()
		return fmt.Errorf("audit: lock: %w", err)
	}
	st, err := a.f.Stat()
	if err == nil && st.Size() != a.size {
		var seq int64
		var head string
		if seq, head, err = scanAudit(a.path, nil); err == nil {
			a.seq, a.head, a.size = seq, head, st.Size()
		}
	}
	if err != nil {
		a.unlock()
		return err
	}
	return nil
}

func (a *audit) unlock() {
	syscall.Flock(int(a.f.Fd()), syscall.LOCK_UN)
	a.mu.Unlock()
}

// append writes one record and returns the new head hash and sequence number. The caller
// holds the lock.
func (a *audit) append(rec AuditRecord) (int64, string, error) {
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
	a.size += int64(len(line)) + 1
	return a.seq, a.head, nil
}

func (a *audit) close() error { return a.f.Close() }

// AuditError says where the chain breaks.
type AuditError struct {
	Line int // 1-based line number; 0 when the break is at the end (truncation)
	Msg  string
}

func (e *AuditError) Error() string {
	if e.Line == 0 {
		return "audit log: " + e.Msg
	}
	return fmt.Sprintf("audit log: line %d: %s", e.Line, e.Msg)
}

// checkpoint is the chain head the index recorded: the hash after line seq.
type checkpoint struct {
	seq  int64
	hash string
}

// scanAudit verifies the chain of the file at path and returns its last sequence number and
// head hash. A missing file is an empty log. With a checkpoint, the chain must pass through
// it and may extend it by at most one record: the audit line is fsync'd before the index
// commits, so a crash can leave exactly one line the index has not seen.
func scanAudit(path string, cp *checkpoint) (int64, string, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		if cp != nil && cp.seq > 0 {
			return 0, "", &AuditError{Msg: fmt.Sprintf("missing, the index recorded %d records", cp.seq)}
		}
		return 0, genesisHash(), nil
	}
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	return verifyChain(f, cp)
}

func verifyChain(r io.Reader, cp *checkpoint) (int64, string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	head := genesisHash()
	var seq int64
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		var rec AuditRecord
		if err := json.Unmarshal(b, &rec); err != nil {
			return 0, "", &AuditError{Line: line, Msg: "not a JSON record"}
		}
		if rec.Prev != head {
			return 0, "", &AuditError{Line: line, Msg: "previous-hash mismatch (a line before it was edited, removed or reordered)"}
		}
		if rec.Seq != seq+1 {
			return 0, "", &AuditError{Line: line, Msg: fmt.Sprintf("sequence %d, want %d", rec.Seq, seq+1)}
		}
		h := sha256.Sum256(b)
		head, seq = hex.EncodeToString(h[:]), rec.Seq
		if cp != nil && seq == cp.seq && head != cp.hash {
			return 0, "", &AuditError{Line: line, Msg: "differs from the head the index recorded (rewritten)"}
		}
	}
	if err := sc.Err(); err != nil {
		return 0, "", &AuditError{Line: line + 1, Msg: err.Error()}
	}
	if cp != nil && (seq < cp.seq || seq > cp.seq+1) {
		return 0, "", &AuditError{Msg: fmt.Sprintf("ends at record %d, the index recorded %d (truncated or extended)", seq, cp.seq)}
	}
	return seq, head, nil
}
