package sqlite

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// AuditErr reports whether the audit log can take records: nil when it can, else an error
// wrapping ErrAuditBroken and the *AuditError that says where. It looks at the file each
// time (a stat and one line read when nothing changed), so a health check sees a replaced
// or edited log before the next change would.
func (b *Backend) AuditErr() error { return b.audit.status() }

// ErrAuditIntact is returned by RecoverAudit when there is nothing to recover.
var ErrAuditIntact = errors.New("quarantine: the audit log is intact, nothing to recover")

// RecoverAudit starts a new segment after the log broke (was replaced, edited, truncated
// or removed). The broken file is kept, renamed to audit.log.broken-<time>; the new
// audit.log starts with an audit-break record that names it, says what was wrong, and
// continues the chain from the last hash the index vouches for. The index head moves to
// that record, so every process, serve included, takes the new segment as the log.
// Nothing is deleted: verify-audit reports each break and what the old segment holds.
func (b *Backend) RecoverAudit(ctx context.Context, actor, note string) (AuditRecord, error) {
	a := b.audit
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := lockFile(a.lockf); err != nil {
		return AuditRecord{}, err
	}
	defer unlockFile(a.lockf)
	if err := a.sync(); err != nil {
		return AuditRecord{}, err
	}
	if a.broken == nil {
		return AuditRecord{}, ErrAuditIntact
	}
	cp, err := a.index()
	if err != nil {
		return AuditRecord{}, err
	}
	rec := AuditRecord{Seq: cp.seq + 1, Time: a.now().UTC(), Action: ActionAuditBreak, Actor: actor,
		Detail: a.broken.Error(), Prev: cp.hash}
	if note != "" {
		rec.Detail += "; " + note
	}
	if _, err := os.Lstat(a.path); err == nil {
		rec.Segment = a.uniqueName("broken")
		if err := os.Rename(a.path, filepath.Join(a.dir, rec.Segment)); err != nil {
			return AuditRecord{}, fmt.Errorf("audit: keep the broken segment: %w", err)
		}
	}
	line, err := json.Marshal(rec)
	if err != nil {
		return AuditRecord{}, err
	}
	if err := writeSynced(a.path, append(line, '\n')); err != nil {
		return AuditRecord{}, fmt.Errorf("audit: start a new segment: %w", err)
	}
	h := sha256.Sum256(line)
	if _, err := b.w.ExecContext(ctx, `INSERT INTO audit_head (k, seq, hash) VALUES (1, ?, ?)
		ON CONFLICT(k) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`, rec.Seq, hex.EncodeToString(h[:])); err != nil {
		// The new segment is one record ahead of the index: the crash window every open
		// tolerates, so the next start still accepts it.
		return rec, fmt.Errorf("audit: record the new head: %w", err)
	}
	if err := a.revalidate(""); err != nil {
		return rec, err
	}
	if a.broken != nil {
		return rec, a.brokenErr()
	}
	b.log.Warn("audit log recovered: a new segment continues the chain", "actor", actor,
		"seq", rec.Seq, "previous_segment", rec.Segment)
	return rec, nil
}

// writeSynced creates path (it must not exist) with data, fsyncs it and its directory.
func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if serr := f.Sync(); err == nil {
		err = serr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return err
	}
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Exclusive takes the lock every change holds, for a tool that reads the whole store as
// one (store migrate): changes by any process wait until release is called. It fails when
// the audit log is broken.
func (b *Backend) Exclusive() (release func(), err error) {
	if err := b.audit.lock(); err != nil {
		return nil, err
	}
	return b.audit.unlock, nil
}

// Dir is the store's directory: index.db, audit.log and blobs/.
func (b *Backend) Dir() string { return b.dir }
