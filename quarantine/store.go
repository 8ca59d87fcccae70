package quarantine

import (
	"context"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // pure-Go SQLite: no cgo in the gateway binary
)

// Status is where a quarantined item is in its life.
type Status string

const (
	Held     Status = "held"
	Released Status = "released"
	Deleted  Status = "deleted"
	Expired  Status = "expired"
)

// Event is one entry of a record's history.
type Event struct {
	Time   time.Time `json:"time"`
	Action string    `json:"action"`
	Actor  string    `json:"actor"`
	Detail string    `json:"detail,omitempty"`
}

// Record is the metadata of one quarantined item.
type Record struct {
	ID           string    `json:"id"`
	Time         time.Time `json:"time"`
	Kind         string    `json:"kind"`      // message, attachment, file
	Direction    string    `json:"direction"` // inbound (Internet → LGWAN), outbound, transfer
	QueueID      string    `json:"queue_id,omitempty"`
	MailFrom     string    `json:"mail_from,omitempty"`
	Rcpts        []string  `json:"rcpts,omitempty"`
	Subject      string    `json:"subject,omitempty"`
	FileName     string    `json:"file_name,omitempty"`
	DeclaredType string    `json:"declared_type,omitempty"`
	DetectedType string    `json:"detected_type,omitempty"`
	Size         int64     `json:"size"`
	SHA256       string    `json:"sha256"`
	Reason       string    `json:"reason"`
	Status       Status    `json:"status"`
	History      []Event   `json:"history"`
}

// Options configure Open.
type Options struct {
	Dir    string       // required: holds index.db, audit.log and blobs/
	Key    []byte       // 32 bytes seals blobs with AES-256-GCM; nil stores them in clear
	Logger *slog.Logger // nil discards
	Now    func() time.Time
}

// Store is the embedded quarantine. It is safe for concurrent use.
type Store struct {
	dir   string
	root  *os.Root
	db    *sql.DB
	aead  cipher.AEAD
	audit *audit
	log   *slog.Logger
	now   func() time.Time
}

// ErrNotFound is returned for an unknown ID.
var ErrNotFound = errors.New("quarantine: no such item")

// ErrState is returned when an operation does not apply to the item's status.
var ErrState = errors.New("quarantine: item is not held")

const schema = `
CREATE TABLE IF NOT EXISTS items (
	id TEXT PRIMARY KEY, time INTEGER NOT NULL, kind TEXT, direction TEXT, queue_id TEXT,
	mail_from TEXT, rcpts TEXT, subject TEXT, file_name TEXT, declared_type TEXT,
	detected_type TEXT, size INTEGER, sha256 TEXT, reason TEXT, status TEXT NOT NULL,
	history TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS items_time ON items(time);
CREATE INDEX IF NOT EXISTS items_status ON items(status, time);
CREATE TABLE IF NOT EXISTS audit_head (k INTEGER PRIMARY KEY CHECK (k = 1), seq INTEGER, hash TEXT);`

// Open opens or creates the store under o.Dir. The caller calls Close.
func Open(o Options) (_ *Store, err error) {
	if o.Dir == "" {
		return nil, errors.New("quarantine: no directory configured")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Store{dir: o.Dir, log: o.Logger, now: o.Now}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	if o.Key != nil {
		if s.aead, err = newAEAD(o.Key); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(filepath.Join(o.Dir, "blobs"), 0o700); err != nil {
		return nil, err
	}
	if s.root, err = os.OpenRoot(filepath.Join(o.Dir, "blobs")); err != nil {
		return nil, err
	}
	dsn := "file:" + filepath.Join(o.Dir, "index.db") + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(FULL)"
	if s.db, err = sql.Open("sqlite", dsn); err != nil {
		return nil, err
	}
	s.db.SetMaxOpenConns(1) // one writer; SQLite serializes anyway and this avoids SQLITE_BUSY
	if _, err = s.db.Exec(schema); err != nil {
		return nil, fmt.Errorf("quarantine: schema: %w", err)
	}
	// A broken audit log does not stop Open: reads go on, changes are refused (AuditErr).
	index := func() (*checkpoint, error) { return readHead(s.db) }
	if s.audit, err = openAudit(o.Dir, index, s.log, s.now); err != nil {
		return nil, err
	}
	return s, nil
}

func readHead(db *sql.DB) (*checkpoint, error) {
	var cp checkpoint
	err := db.QueryRow(`SELECT seq, hash FROM audit_head WHERE k = 1`).Scan(&cp.seq, &cp.hash)
	if errors.Is(err, sql.ErrNoRows) {
		return &checkpoint{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("quarantine: read audit head: %w", err)
	}
	return &cp, nil
}

// Close releases the database, the audit file and the blob root.
func (s *Store) Close() error {
	var errs []error
	if s.db != nil {
		errs = append(errs, s.db.Close())
	}
	if s.audit != nil {
		errs = append(errs, s.audit.close())
	}
	if s.root != nil {
		errs = append(errs, s.root.Close())
	}
	return errors.Join(errs...)
}

func newID(t time.Time) string {
	var b [6]byte
	rand.Read(b[:])
	return "Q" + t.UTC().Format("20060102") + "-" + strings.ToUpper(hex.EncodeToString(b[:]))
}

// Put stores body as a new held item. The blob is written and fsync'd before the record is
// committed, so a record never points at a missing blob.
func (s *Store) Put(ctx context.Context, rec Record, body io.Reader, actor string) (Record, error) {
	now := s.now().UTC()
	rec.ID, rec.Time, rec.Status = newID(now), now, Held
	f, err := s.root.OpenFile(rec.ID, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return Record{}, fmt.Errorf("quarantine: create blob: %w", err)
	}
	fail := func(err error) (Record, error) {
		f.Close()
		s.root.Remove(rec.ID)
		return Record{}, err
	}
	h := sha256.New()
	var w io.Writer = f
	var sw *sealWriter
	if s.aead != nil {
		if sw, err = newSealWriter(f, s.aead); err != nil {
			return fail(err)
		}
		w = sw
	}
	n, err := io.Copy(io.MultiWriter(w, h), ctxReader{ctx, body})
	if err != nil {
		return fail(fmt.Errorf("quarantine: write blob: %w", err))
	}
	if sw != nil {
		if err := sw.Close(); err != nil {
			return fail(err)
		}
	}
	if err := f.Sync(); err != nil {
		return fail(fmt.Errorf("quarantine: sync blob: %w", err))
	}
	if err := f.Close(); err != nil {
		s.root.Remove(rec.ID)
		return Record{}, err
	}
	rec.Size, rec.SHA256 = n, hex.EncodeToString(h.Sum(nil))
	rec.History = append(rec.History, Event{Time: now, Action: "quarantine", Actor: actor, Detail: rec.Reason})
	if err := s.commit(ctx, rec, true, AuditRecord{Time: now, Action: "quarantine", ID: rec.ID, Actor: actor, Detail: rec.Reason}); err != nil {
		s.root.Remove(rec.ID)
		return Record{}, err
	}
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

// commit writes the audit line, then the record and the new audit head in one transaction.
func (s *Store) commit(ctx context.Context, rec Record, insert bool, ev AuditRecord) error {
	if err := s.audit.lock(); err != nil {
		return err
	}
	defer s.audit.unlock()
	seq, head, err := s.audit.append(ev)
	if err != nil {
		return err
	}
	rcpts, _ := json.Marshal(rec.Rcpts)
	hist, _ := json.Marshal(rec.History)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if insert {
		_, err = tx.Exec(`INSERT INTO items (id, time, kind, direction, queue_id, mail_from, rcpts, subject,
			file_name, declared_type, detected_type, size, sha256, reason, status, history)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, rec.ID, rec.Time.UnixNano(), rec.Kind, rec.Direction,
			rec.QueueID, rec.MailFrom, string(rcpts), rec.Subject, rec.FileName, rec.DeclaredType,
			rec.DetectedType, rec.Size, rec.SHA256, rec.Reason, string(rec.Status), string(hist))
	} else {
		_, err = tx.Exec(`UPDATE items SET status = ?, history = ? WHERE id = ?`, string(rec.Status), string(hist), rec.ID)
	}
	if err != nil {
		return fmt.Errorf("quarantine: index: %w", err)
	}
	if _, err := tx.Exec(`INSERT INTO audit_head (k, seq, hash) VALUES (1, ?, ?)
		ON CONFLICT(k) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`, seq, head); err != nil {
		return err
	}
	return tx.Commit()
}

const cols = `id, time, kind, direction, queue_id, mail_from, rcpts, subject, file_name,
	declared_type, detected_type, size, sha256, reason, status, history`

func scanRecord(sc interface{ Scan(...any) error }) (Record, error) {
	var r Record
	var t int64
	var rcpts, hist, status string
	if err := sc.Scan(&r.ID, &t, &r.Kind, &r.Direction, &r.QueueID, &r.MailFrom, &rcpts, &r.Subject,
		&r.FileName, &r.DeclaredType, &r.DetectedType, &r.Size, &r.SHA256, &r.Reason, &status, &hist); err != nil {
		return r, err
	}
	r.Time = time.Unix(0, t).UTC()
	r.Status = Status(status)
	json.Unmarshal([]byte(rcpts), &r.Rcpts)
	json.Unmarshal([]byte(hist), &r.History)
	return r, nil
}

// Get returns one record.
func (s *Store) Get(ctx context.Context, id string) (Record, error) {
	r, err := scanRecord(s.db.QueryRowContext(ctx, `SELECT `+cols+` FROM items WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return r, err
}

// Filter selects records for List. Zero fields match everything.
type Filter struct {
	Since, Until time.Time
	Sender       string // substring of the envelope sender
	Recipient    string // substring of any recipient
	Reason       string // substring of the reason
	Status       Status
	Limit        int // default 100
}

// List returns matching records, newest first.
func (s *Store) List(ctx context.Context, f Filter) ([]Record, error) {
	q := `SELECT ` + cols + ` FROM items WHERE 1=1`
	var args []any
	if !f.Since.IsZero() {
		q += ` AND time >= ?`
		args = append(args, f.Since.UnixNano())
	}
	if !f.Until.IsZero() {
		q += ` AND time < ?`
		args = append(args, f.Until.UnixNano())
	}
	for _, c := range []struct{ col, v string }{{"mail_from", f.Sender}, {"rcpts", f.Recipient}, {"reason", f.Reason}} {
		if c.v != "" {
			q += ` AND instr(lower(` + c.col + `), lower(?)) > 0`
			args = append(args, c.v)
		}
	}
	if f.Status != "" {
		q += ` AND status = ?`
		args = append(args, string(f.Status))
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	q += ` ORDER BY time DESC LIMIT ?`
	args = append(args, f.Limit)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Open returns the original bytes of a held item, decrypted; the caller closes it. Reading
// a sealed blob fails if it was altered.
func (s *Store) Open(ctx context.Context, id string) (io.ReadCloser, error) {
	rec, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if rec.Status != Held && rec.Status != Released {
		return nil, fmt.Errorf("%w: %s is %s", ErrState, id, rec.Status)
	}
	f, err := s.root.Open(rec.ID)
	if err != nil {
		return nil, fmt.Errorf("quarantine: open blob: %w", err)
	}
	if s.aead == nil {
		return f, nil
	}
	or, err := newOpenReader(f, s.aead)
	if err != nil {
		f.Close()
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{or, f}, nil
}

// Release hands the original to deliver (which re-injects it towards its recipients) and
// marks the item released only when deliver succeeds.
func (s *Store) Release(ctx context.Context, id, actor string, deliver func(Record, io.Reader) error) (Record, error) {
	rec, err := s.Get(ctx, id)
	if err != nil {
		return rec, err
	}
	if rec.Status != Held {
		return rec, fmt.Errorf("%w: %s is %s", ErrState, id, rec.Status)
	}
	rc, err := s.Open(ctx, id)
	if err != nil {
		return rec, err
	}
	err = deliver(rec, rc)
	rc.Close()
	if err != nil {
		return rec, fmt.Errorf("quarantine: release %s: %w", id, err)
	}
	return s.transition(ctx, rec, Released, "release", actor, "")
}

// Delete removes the original and marks the item deleted; the record stays for the audit.
func (s *Store) Delete(ctx context.Context, id, actor string) (Record, error) {
	rec, err := s.Get(ctx, id)
	if err != nil {
		return rec, err
	}
	if rec.Status == Deleted || rec.Status == Expired {
		return rec, fmt.Errorf("%w: %s is %s", ErrState, id, rec.Status)
	}
	return s.transition(ctx, rec, Deleted, "delete", actor, "")
}

// Purge expires every item older than age (held or released), removing the originals.
func (s *Store) Purge(ctx context.Context, age time.Duration, actor string) (int, error) {
	cut := s.now().Add(-age)
	rows, err := s.db.QueryContext(ctx, `SELECT `+cols+` FROM items WHERE time < ? AND status IN ('held','released')`, cut.UnixNano())
	if err != nil {
		return 0, err
	}
	var recs []Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			rows.Close()
			return 0, err
		}
		recs = append(recs, r)
	}
	rows.Close()
	n := 0
	for _, r := range recs {
		if _, err := s.transition(ctx, r, Expired, "purge", actor, "older than "+age.String()); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func (s *Store) transition(ctx context.Context, rec Record, to Status, action, actor, detail string) (Record, error) {
	now := s.now().UTC()
	rec.Status = to
	rec.History = append(rec.History, Event{Time: now, Action: action, Actor: actor, Detail: detail})
	if err := s.commit(ctx, rec, false, AuditRecord{Time: now, Action: action, ID: rec.ID, Actor: actor, Detail: detail}); err != nil {
		return rec, err
	}
	if to == Deleted || to == Expired {
		if err := s.root.Remove(rec.ID); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.log.Error("quarantine blob not removed", "id", rec.ID, "err", err)
		}
	}
	return rec, nil
}
