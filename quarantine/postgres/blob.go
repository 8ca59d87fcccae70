package postgres

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"

	"github.com/sekisho/sekisho/quarantine"
)

// blobChunk is how much one round trip to the server carries when a blob is written or
// read: 32 KiB writes would cost a round trip each.
const blobChunk = 256 << 10

// blobWriter streams an original into a large object inside its own transaction, which
// Commit ends by recording the blob's row: until then no other session sees the object,
// and a writer that dies or aborts leaves nothing.
type blobWriter struct {
	b    *Backend
	ctx  context.Context
	tx   pgx.Tx
	id   string
	oid  uint32
	lo   *pgx.LargeObject
	buf  *bufio.Writer
	n    int64
	done bool
}

// CreateBlob starts a large object for item id. The writer holds a connection until
// Commit or Abort.
func (b *Backend) CreateBlob(ctx context.Context, id string) (quarantine.BlobWriter, error) {
	if !validID(id) {
		return nil, fmt.Errorf("quarantine: create blob: invalid id %q", id)
	}
	tx, err := b.pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("quarantine: create blob: %w", err)
	}
	w := &blobWriter{b: b, ctx: ctx, tx: tx, id: id}
	los := tx.LargeObjects()
	if w.oid, err = los.Create(ctx, 0); err == nil {
		w.lo, err = los.Open(ctx, w.oid, pgx.LargeObjectModeWrite)
	}
	if err != nil {
		tx.Rollback(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("quarantine: create blob: %w", err)
	}
	w.buf = bufio.NewWriterSize(countWriter{w.lo, &w.n}, blobChunk)
	return w, nil
}

type countWriter struct {
	w io.Writer
	n *int64
}

func (c countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	*c.n += int64(n)
	return n, err
}

func (w *blobWriter) Write(p []byte) (int, error) {
	if w.done {
		return 0, errors.New("quarantine: write to a finished blob")
	}
	return w.buf.Write(p)
}

// Commit writes what is buffered and commits the object with its row; with
// synchronous_commit on (the default) it is durable when Commit returns.
func (w *blobWriter) Commit() error { return w.commit(nil) }

// CommitChange commits the object, its row and the new item's change in one transaction:
// one commit (one WAL flush) per held item, and no window in which an original exists
// without its record or the reverse.
func (w *blobWriter) CommitChange(c quarantine.Change) error { return w.commit(&c) }

func (w *blobWriter) commit(c *quarantine.Change) error {
	if w.done {
		return errors.New("quarantine: blob already finished")
	}
	w.done = true
	err := w.buf.Flush()
	if err == nil {
		err = w.lo.Close()
	}
	if err == nil {
		_, err = w.tx.Exec(w.ctx, `INSERT INTO blobs (id, oid, size) VALUES ($1, $2, $3)`, w.id, w.oid, w.n)
	}
	if err == nil && c != nil {
		if err = w.b.apply(w.ctx, w.tx, *c); err != nil {
			w.tx.Rollback(context.WithoutCancel(w.ctx))
			return err
		}
	}
	if err == nil {
		err = w.tx.Commit(w.ctx)
	}
	if err != nil {
		w.tx.Rollback(context.WithoutCancel(w.ctx))
		return fmt.Errorf("quarantine: store blob: %w", err)
	}
	return nil
}

// Abort discards the object.
func (w *blobWriter) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.tx.Rollback(context.WithoutCancel(w.ctx))
}

// blobReader reads a large object inside a read-only transaction that Close ends.
type blobReader struct {
	*bufio.Reader
	ctx context.Context
	tx  pgx.Tx
}

func (r *blobReader) Close() error { return r.tx.Rollback(context.WithoutCancel(r.ctx)) }

// OpenBlob opens an original for reading; ctx bounds every read. The reader holds a
// connection until it is closed.
func (b *Backend) OpenBlob(ctx context.Context, id string) (io.ReadCloser, error) {
	if !validID(id) {
		return nil, fmt.Errorf("quarantine: open blob: %w: %q", quarantine.ErrNotFound, id)
	}
	tx, err := b.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("quarantine: open blob: %w", err)
	}
	var oid uint32
	err = tx.QueryRow(ctx, `SELECT oid FROM blobs WHERE id = $1`, id).Scan(&oid)
	var lo *pgx.LargeObject
	if err == nil {
		los := tx.LargeObjects()
		lo, err = los.Open(ctx, oid, pgx.LargeObjectModeRead)
	}
	if err != nil {
		tx.Rollback(context.WithoutCancel(ctx))
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, fmt.Errorf("quarantine: open blob: %w: %s", quarantine.ErrNotFound, id)
		}
		return nil, fmt.Errorf("quarantine: open blob: %w", err)
	}
	return &blobReader{Reader: bufio.NewReaderSize(lo, blobChunk), ctx: ctx, tx: tx}, nil
}

// RemoveBlob deletes an original and its large object; a missing one is not an error.
func (b *Backend) RemoveBlob(ctx context.Context, id string) error {
	if !validID(id) {
		return nil
	}
	return b.inTx(ctx, func(tx pgx.Tx) error {
		var oid uint32
		err := tx.QueryRow(ctx, `DELETE FROM blobs WHERE id = $1 RETURNING oid`, id).Scan(&oid)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		los := tx.LargeObjects()
		return los.Unlink(ctx, oid)
	})
}
var _ quarantine.ChangeCommitter = (*blobWriter)(nil)
