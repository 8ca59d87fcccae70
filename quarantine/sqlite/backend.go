package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/sekisho/sekisho/quarantine"
	_ "modernc.org/sqlite" // pure-Go SQLite: no cgo in the gateway binary
)

// Options configure Open.
type Options struct {
	Dir    string       // required: holds index.db, audit.log and blobs/
	Logger *slog.Logger // nil discards
}

// Backend is the embedded quarantine backend.
type Backend struct {
	dir   string
	root  *os.Root
	w     *sql.DB // the one writer connection: SQLite serializes writers anyway
	r     *sql.DB // readers, which WAL lets run beside the writer
	audit *audit
	log   *slog.Logger
}

var (
	_ quarantine.Backend = (*Backend)(nil)
	_ quarantine.Tables  = (*Backend)(nil)
)

// Open opens or creates the backend under o.Dir and brings its schema up to date. The
// caller calls Close.
func Open(o Options) (_ *Backend, err error) {
	if o.Dir == "" {
		return nil, errors.New("quarantine: no directory configured")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	b := &Backend{dir: o.Dir, log: o.Logger}
	defer func() {
		if err != nil {
			b.Close()
		}
	}()
	if err := os.MkdirAll(filepath.Join(o.Dir, "blobs"), 0o700); err != nil {
		return nil, err
	}
	if b.root, err = os.OpenRoot(filepath.Join(o.Dir, "blobs")); err != nil {
		return nil, err
	}
	file := "file:" + filepath.Join(o.Dir, "index.db")
	// Immediate transactions take the write lock at BEGIN: a read-then-write transaction
	// that had to upgrade could fail at once with SQLITE_BUSY when another process writes.
	if b.w, err = sql.Open("sqlite", file+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(FULL)&_txlock=immediate"); err != nil {
		return nil, err
	}
	b.w.SetMaxOpenConns(1)
	if b.r, err = sql.Open("sqlite", file+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)"); err != nil {
		return nil, err
	}
	b.r.SetMaxOpenConns(4)
	ctx := context.Background()
	if err := b.Migrate(ctx, "quarantine", schema); err != nil {
		return nil, err
	}
	// A broken audit log does not stop Open: reads go on, changes are refused (AuditErr).
	index := func() (*checkpoint, error) { return readHead(context.Background(), b.w) }
	if b.audit, err = openAudit(o.Dir, index, b.log, time.Now); err != nil {
		return nil, err
	}
	return b, nil
}

// DB is the database handle for components that keep their tables here (after Migrate).
// It has one connection: keep transactions short.
func (b *Backend) DB() *sql.DB { return b.w }

// Close releases the database, the audit file and the blob root.
func (b *Backend) Close() error {
	var errs []error
	for _, db := range []*sql.DB{b.r, b.w} {
		if db != nil {
			errs = append(errs, db.Close())
		}
	}
	if b.audit != nil {
		errs = append(errs, b.audit.close())
	}
	if b.root != nil {
		errs = append(errs, b.root.Close())
	}
	return errors.Join(errs...)
}

func readHead(ctx context.Context, db *sql.DB) (*checkpoint, error) {
	var cp checkpoint
	err := db.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE k = 1`).Scan(&cp.seq, &cp.hash)
	if errors.Is(err, sql.ErrNoRows) {
		return &checkpoint{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("quarantine: read audit head: %w", err)
	}
	return &cp, nil
}

// blobWriter writes a new blob file; Commit fsyncs it.
type blobWriter struct {
	b    *Backend
	f    *os.File
	id   string
	done bool
}

// CreateBlob creates blobs/<id>; it fails if the file exists.
func (b *Backend) CreateBlob(_ context.Context, id string) (quarantine.BlobWriter, error) {
	f, err := b.root.OpenFile(id, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("quarantine: create blob: %w", err)
	}
	return &blobWriter{b: b, f: f, id: id}, nil
}

func (w *blobWriter) Write(p []byte) (int, error) { return w.f.Write(p) }

func (w *blobWriter) Commit() error {
	w.done = true
	err := w.f.Sync()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		w.b.root.Remove(w.id)
		return fmt.Errorf("quarantine: sync blob: %w", err)
	}
	return nil
}

func (w *blobWriter) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.f.Close()
	w.b.root.Remove(w.id)
}

// OpenBlob opens blobs/<id>.
func (b *Backend) OpenBlob(_ context.Context, id string) (io.ReadCloser, error) {
	f, err := b.root.Open(id)
	if err != nil {
		return nil, fmt.Errorf("quarantine: open blob: %w", err)
	}
	return f, nil
}

// RemoveBlob deletes blobs/<id>.
func (b *Backend) RemoveBlob(_ context.Context, id string) error {
	if err := b.root.Remove(id); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// Verify checks the whole audit chain against the head the index recorded.
func (b *Backend) Verify(context.Context) (int64, error) { return VerifyAudit(b.dir) }

// Health reports an audit log that refuses records (ErrAuditBroken) or a database that
// does not answer.
func (b *Backend) Health(ctx context.Context) error {
	if err := b.AuditErr(); err != nil {
		return err
	}
	return b.r.PingContext(ctx)
}
