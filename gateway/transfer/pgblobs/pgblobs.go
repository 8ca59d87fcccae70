// Package pgblobs keeps a transfer's bytes (uploads being received, the engine's outputs)
// as PostgreSQL large objects in the store several nodes share, so that a file uploaded
// on one node downloads from another (transfer.Blobs).
//
// Every call is a statement of its own on the pool: lo_put appends a chunk at an offset,
// lo_get reads a range, so no transaction stays open while a client uploads or downloads
// slowly, and nothing is ever whole in memory (chunks of 256 KiB, sealed segments of 64
// KiB). A chunk lo_put wrote is committed, so Sync is a flush. Outputs are content-addressed like FileBlobs': one large
// object per SHA-256 however many files share it. With the quarantine key, objects are
// sealed in segments (seal.go); each row says whether its object is.
package pgblobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sekisho/sekisho/gateway/transfer"
	"github.com/sekisho/sekisho/quarantine"
)

// Schema is the tables mapping uploads and outputs to large objects, applied under the
// component name "transfer-blobs" (PostgreSQL only: the embedded store keeps files).
var Schema = quarantine.Schema{Postgres: []string{
	// 1
	`CREATE TABLE transfer_staged_lo (id TEXT PRIMARY KEY, oid OID NOT NULL);
	CREATE TABLE transfer_blob_lo (sum TEXT PRIMARY KEY, oid OID NOT NULL, size BIGINT NOT NULL);
	CREATE TABLE transfer_blob_tmp (oid OID PRIMARY KEY, created BIGINT NOT NULL);`,
	// 2
	`ALTER TABLE transfer_staged_lo ADD COLUMN sealed BOOLEAN NOT NULL DEFAULT false;
	ALTER TABLE transfer_blob_lo ADD COLUMN sealed BOOLEAN NOT NULL DEFAULT false;`,
}}

// chunk is the most one statement moves.
const chunk = 256 << 10

// Large-object open modes (libpq's INV_WRITE, INV_READ).
const (
	invWrite = 0x20000
	invRead  = 0x40000
)

// abandoned: an output still being written after this long belongs to a process that
// died; Open removes it.
const abandoned = 24 * time.Hour

// Blobs is transfer.Blobs on a PostgreSQL pool.
type Blobs struct {
	pool    *pgxpool.Pool
	timeout time.Duration
	seal    *sealer // nil: new objects are not sealed
}

var _ transfer.Blobs = (*Blobs)(nil)

// Open returns the store on pool, whose tables are at Schema's version, and removes
// outputs whose writer died long ago. timeout bounds each call (0: a minute). key (32
// bytes, the quarantine's) seals what is written from now on; nil writes plain objects.
func Open(ctx context.Context, pool *pgxpool.Pool, timeout time.Duration, key []byte) (*Blobs, error) {
	if timeout <= 0 {
		timeout = time.Minute
	}
	b := &Blobs{pool: pool, timeout: timeout}
	if key != nil {
		var err error
		if b.seal, err = newSealer(key); err != nil {
			return nil, err
		}
	}
	_, err := pool.Exec(ctx, `WITH gone AS (DELETE FROM transfer_blob_tmp WHERE created < $1 RETURNING oid)
		SELECT lo_unlink(oid) FROM gone WHERE EXISTS (SELECT 1 FROM pg_largeobject_metadata m WHERE m.oid = gone.oid)`,
		time.Now().Add(-abandoned).UnixNano())
	if err != nil {
		return nil, fmt.Errorf("transfer blobs: %w", err)
	}
	return b, nil
}

func (b *Blobs) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), b.timeout)
}

// Close leaves the pool to its owner.
func (b *Blobs) Close() error { return nil }

// Free cannot be told for a database: the upload check that uses it is skipped.
func (b *Blobs) Free() (int64, error) {
	return 0, errors.New("transfer blobs: a database's free space is not known to its clients")
}

// object is a large object and whether it is sealed.
type object struct {
	oid    uint32
	sealed bool
}

func (b *Blobs) staged(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, id string) (object, bool, error) {
	var o object
	err := q.QueryRow(ctx, `SELECT oid, sealed FROM transfer_staged_lo WHERE id = $1`, id).Scan(&o.oid, &o.sealed)
	if errors.Is(err, pgx.ErrNoRows) {
		return o, false, nil
	}
	if err == nil && o.sealed && b.seal == nil {
		err = errors.New("transfer blobs: the object is sealed and quarantine.key_file is not set")
	}
	return o, err == nil, err
}

// appender is a plain or a sealed writer.
type appender interface {
	io.Writer
	flush() error
	pos() int64
}

// cut makes o end at off (plaintext) inside tx and returns a writer there.
func (b *Blobs) cut(ctx context.Context, tx pgx.Tx, o object, off int64) (appender, error) {
	if o.sealed {
		return b.cutSealed(ctx, tx, o.oid, off)
	}
	if _, err := tx.Exec(ctx, `SELECT lo_truncate64(lo_open($1, $2), $3)`, o.oid, invWrite, off); err != nil {
		return nil, err
	}
	return &writer{b: b, oid: o.oid, at: off}, nil
}

// AppendStaged opens upload id for writing at off, creating it, and cuts what lies past off.
func (b *Blobs) AppendStaged(id string, off int64) (transfer.StagedWriter, error) {
	if !transfer.ValidID(id) || off < 0 {
		return nil, transfer.ErrNotFound
	}
	ctx, cancel := b.ctx()
	defer cancel()
	var o object
	var w appender
	err := pgx.BeginFunc(ctx, b.pool, func(tx pgx.Tx) error {
		// Two requests for one upload are not made by the service; the lock keeps a
		// retry racing its predecessor from creating two objects.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('transfer-staged:' || $1, 0))`, id); err != nil {
			return err
		}
		var ok bool
		var err error
		if o, ok, err = b.staged(ctx, tx, id); err != nil {
			return err
		}
		if !ok {
			o.sealed = b.seal != nil
			if err := tx.QueryRow(ctx, `SELECT lo_create(0)`).Scan(&o.oid); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO transfer_staged_lo (id, oid, sealed) VALUES ($1, $2, $3)`, id, o.oid, o.sealed); err != nil {
				return err
			}
		}
		w, err = b.cut(ctx, tx, o, off)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("transfer blobs: %w", err)
	}
	return &stagedWriter{b: b, o: o, w: w, start: off}, nil
}

// writer appends to a plain large object through a chunk-sized buffer.
type writer struct {
	b   *Blobs
	oid uint32
	at  int64 // where buf goes
	buf []byte
}

func (w *writer) pos() int64 { return w.at + int64(len(w.buf)) }

func (w *writer) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		if w.buf == nil {
			w.buf = make([]byte, 0, chunk)
		}
		k := min(len(p), chunk-len(w.buf))
		w.buf = append(w.buf, p[:k]...)
		p, n = p[k:], n+k
		if len(w.buf) == chunk {
			if err := w.flush(); err != nil {
				return n - len(w.buf), err
			}
		}
	}
	return n, nil
}

func (w *writer) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	ctx, cancel := w.b.ctx()
	defer cancel()
	if _, err := w.b.pool.Exec(ctx, `SELECT lo_put($1, $2, $3)`, w.oid, w.at, w.buf); err != nil {
		return fmt.Errorf("transfer blobs: %w", err)
	}
	w.at += int64(len(w.buf))
	w.buf = w.buf[:0]
	return nil
}

type stagedWriter struct {
	b     *Blobs
	o     object
	w     appender
	start int64
}

func (s *stagedWriter) Write(p []byte) (int, error) { return s.w.Write(p) }

// Sync flushes: what lo_put wrote is committed.
func (s *stagedWriter) Sync() error { return s.w.flush() }

func (s *stagedWriter) Rollback() error {
	ctx, cancel := s.b.ctx()
	defer cancel()
	return pgx.BeginFunc(ctx, s.b.pool, func(tx pgx.Tx) error {
		w, err := s.b.cut(ctx, tx, s.o, s.start)
		if err == nil {
			s.w = w
		}
		return err
	})
}

func (s *stagedWriter) Close() error { return s.w.flush() }

func (b *Blobs) ReadStaged(id string) (transfer.Blob, error) {
	if !transfer.ValidID(id) {
		return nil, transfer.ErrNotFound
	}
	ctx, cancel := b.ctx()
	defer cancel()
	o, ok, err := b.staged(ctx, b.pool, id)
	if err != nil {
		return nil, fmt.Errorf("transfer blobs: %w", err)
	}
	if !ok {
		return nil, fmt.Errorf("transfer blobs: staged %s: %w", id, fs.ErrNotExist)
	}
	size, err := b.size(ctx, o)
	if err != nil {
		return nil, err
	}
	return b.reader(o, size), nil
}

func (b *Blobs) reader(o object, size int64) transfer.Blob {
	if o.sealed {
		return section{io.NewSectionReader(&sealedBlob{b: b, oid: o.oid, size: size}, 0, size)}
	}
	return section{io.NewSectionReader(&blob{b: b, oid: o.oid, size: size}, 0, size)}
}

// section gives a large object's ReaderAt the Read and Seek a download needs.
type section struct{ *io.SectionReader }

func (section) Close() error { return nil }

// size is the plaintext length of o.
func (b *Blobs) size(ctx context.Context, o object) (int64, error) {
	var n int64
	if err := b.pool.QueryRow(ctx, `SELECT lo_lseek64(lo_open($1, $2), 0, 2)`, o.oid, invRead).Scan(&n); err != nil {
		return 0, fmt.Errorf("transfer blobs: %w", err)
	}
	if o.sealed {
		return sealedSize(n), nil
	}
	return n, nil
}

func (b *Blobs) StagedSize(id string) (int64, error) {
	if !transfer.ValidID(id) {
		return 0, transfer.ErrNotFound
	}
	ctx, cancel := b.ctx()
	defer cancel()
	o, ok, err := b.staged(ctx, b.pool, id)
	if err != nil || !ok {
		return 0, err
	}
	return b.size(ctx, o)
}

func (b *Blobs) RemoveStaged(id string) error {
	if !transfer.ValidID(id) {
		return nil
	}
	ctx, cancel := b.ctx()
	defer cancel()
	_, err := b.pool.Exec(ctx, `WITH gone AS (DELETE FROM transfer_staged_lo WHERE id = $1 RETURNING oid)
		SELECT lo_unlink(oid) FROM gone`, id)
	return err
}

// Create starts an output in a new large object, listed as unfinished until Commit.
func (b *Blobs) Create() (transfer.BlobWriter, error) {
	ctx, cancel := b.ctx()
	defer cancel()
	var oid uint32
	err := b.pool.QueryRow(ctx, `WITH o AS (SELECT lo_create(0) AS oid)
		INSERT INTO transfer_blob_tmp (oid, created) SELECT oid, $1 FROM o RETURNING oid`, time.Now().UnixNano()).Scan(&oid)
	if err != nil {
		return nil, fmt.Errorf("transfer blobs: %w", err)
	}
	w := &blobWriter{b: b, o: object{oid: oid, sealed: b.seal != nil}, h: sha256.New()}
	if w.o.sealed {
		w.w = &sealedWriter{b: b, oid: oid}
	} else {
		w.w = &writer{b: b, oid: oid}
	}
	return w, nil
}

type blobWriter struct {
	b    *Blobs
	o    object
	w    appender
	h    hash.Hash
	done bool
}

func (w *blobWriter) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	w.h.Write(p[:n])
	return n, err
}

// Commit files the object under its SHA-256, or drops it when those bytes are stored
// already.
func (w *blobWriter) Commit() (string, int64, error) {
	w.done = true
	if err := w.w.flush(); err != nil {
		w.drop()
		return "", 0, err
	}
	sum, n := hex.EncodeToString(w.h.Sum(nil)), w.w.pos()
	ctx, cancel := w.b.ctx()
	defer cancel()
	err := pgx.BeginFunc(ctx, w.b.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO transfer_blob_lo (sum, oid, size, sealed) VALUES ($1, $2, $3, $4)
			ON CONFLICT (sum) DO NOTHING`, sum, w.o.oid, n, w.o.sealed)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			if _, err := tx.Exec(ctx, `SELECT lo_unlink($1)`, w.o.oid); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `DELETE FROM transfer_blob_tmp WHERE oid = $1`, w.o.oid)
		return err
	})
	if err != nil {
		w.drop()
		return "", 0, fmt.Errorf("transfer blobs: %w", err)
	}
	return sum, n, nil
}

func (w *blobWriter) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.drop()
}

// drop removes an unfinished output; what fails here Open removes a day later.
func (w *blobWriter) drop() {
	ctx, cancel := w.b.ctx()
	defer cancel()
	w.b.pool.Exec(ctx, `WITH gone AS (DELETE FROM transfer_blob_tmp WHERE oid = $1 RETURNING oid)
		SELECT lo_unlink(oid) FROM gone`, w.o.oid)
}

func (b *Blobs) Open(sum string) (transfer.Blob, error) {
	if !transfer.ValidSum(sum) {
		return nil, transfer.ErrNotFound
	}
	ctx, cancel := b.ctx()
	defer cancel()
	var o object
	var size int64
	err := b.pool.QueryRow(ctx, `SELECT oid, size, sealed FROM transfer_blob_lo WHERE sum = $1`, sum).Scan(&o.oid, &size, &o.sealed)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("transfer blobs: %s: %w", sum, fs.ErrNotExist)
	}
	if err != nil {
		return nil, fmt.Errorf("transfer blobs: %w", err)
	}
	if o.sealed && b.seal == nil {
		return nil, errors.New("transfer blobs: the object is sealed and quarantine.key_file is not set")
	}
	return b.reader(o, size), nil
}

func (b *Blobs) Remove(sum string) error {
	if !transfer.ValidSum(sum) {
		return nil
	}
	ctx, cancel := b.ctx()
	defer cancel()
	_, err := b.pool.Exec(ctx, `WITH gone AS (DELETE FROM transfer_blob_lo WHERE sum = $1 RETURNING oid)
		SELECT lo_unlink(oid) FROM gone`, sum)
	return err
}

// blob reads a large object by ranges (lo_get), one chunk per statement.
type blob struct {
	b    *Blobs
	oid  uint32
	size int64
}

func (r *blob) Size() int64 { return r.size }

func (r *blob) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("transfer blobs: negative offset")
	}
	n := 0
	for n < len(p) && off+int64(n) < r.size {
		k := int(min(int64(min(len(p)-n, chunk)), r.size-off-int64(n)))
		var got []byte
		ctx, cancel := r.b.ctx()
		err := r.b.pool.QueryRow(ctx, `SELECT lo_get($1, $2, $3)`, r.oid, off+int64(n), k).Scan(&got)
		cancel()
		if err != nil {
			return n, fmt.Errorf("transfer blobs: %w", err)
		}
		if len(got) == 0 {
			break // cut since it was opened
		}
		n += copy(p[n:], got)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
