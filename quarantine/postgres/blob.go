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

var _ quarantine.ChangeCommitter = (*blobWriter)(nil)

// blobWriter streams an original into a large object inside its own transaction, which
// Commit ends by recording the blob's row: until then no other session sees the object,
// and a writer that dies or aborts leaves nothing. The transaction starts with the first
// full chunk: an original that fits in one chunk (most held attachments) is sent in the
// statement that records it, a few round trips instead of one per large-object call.
type blobWriter struct {
	b    *Backend
	ctx  context.Context
	id   string
	buf  []byte // up to blobChunk bytes not yet sent
	tx   pgx.Tx // nil until the first chunk is sent
	oid  uint32
	lo   *pgx.LargeObject
	n    int64 // bytes sent
	done bool
}

// CreateBlob starts an original for item id. Once it has more than one chunk the writer
// holds a connection until Commit or Abort.
func (b *Backend) CreateBlob(ctx context.Context, id string) (quarantine.BlobWriter, error) {
	if !validID(id) {
		return nil, fmt.Errorf("quarantine: create blob: invalid id %q", id)
	}
	return &blobWriter{b: b, ctx: ctx, id: id, buf: make([]byte, 0, blobChunk)}, nil
}

func (w *blobWriter) Write(p []byte) (int, error) {
	if w.done {
		return 0, errors.New("quarantine: write to a finished blob")
	}
	total := len(p)
	for len(p) > 0 {
		if len(w.buf) == blobChunk {
			if err := w.send(); err != nil {
				return total - len(p), err
			}
		}
		k := copy(w.buf[len(w.buf):blobChunk], p)
		w.buf, p = w.buf[:len(w.buf)+k], p[k:]
	}
	return total, nil
}

// send writes the buffered chunk to the large object, starting the transaction and the
// object with the first one.
func (w *blobWriter) send() error {
	if w.tx == nil {
		tx, err := w.b.pool.Begin(w.ctx)
		if err != nil {
			return fmt.Errorf("quarantine: create blob: %w", err)
		}
		w.tx = tx
		los := tx.LargeObjects()
		if w.oid, err = los.Create(w.ctx, 0); err == nil {
			w.lo, err = los.Open(w.ctx, w.oid, pgx.LargeObjectModeWrite)
		}
		if err != nil {
			return fmt.Errorf("quarantine: create blob: %w", err)
		}
	}
	n, err := w.lo.Write(w.buf)
	w.n += int64(n)
	w.buf = w.buf[:0]
	if err != nil {
		return fmt.Errorf("quarantine: write blob: %w", err)
	}
	return nil
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
	if w.tx == nil && c != nil && c.Insert {
		return w.commitPipelined(*c)
	}
	row, err := w.finish()
	if err == nil && w.tx == nil {
		w.tx, err = w.b.pool.Begin(w.ctx)
	}
	if err == nil {
		if c != nil {
			err = w.b.apply(w.ctx, w.tx, *c, row)
		} else {
			err = runBatch(w.ctx, w.tx, []stmt{row})
		}
		if err != nil {
			w.tx.Rollback(context.WithoutCancel(w.ctx))
			return err
		}
	}
	if err == nil {
		err = w.tx.Commit(w.ctx)
	}
	if err != nil {
		if w.tx != nil {
			w.tx.Rollback(context.WithoutCancel(w.ctx))
		}
		return fmt.Errorf("quarantine: store blob: %w", err)
	}
	return nil
}

// finish sends what is buffered to a large object already started and returns the
// statement recording the blob's row (sent with the record's); an original that fits in
// one chunk is all in that statement.
func (w *blobWriter) finish() (stmt, error) {
	const what = "quarantine: store blob"
	if w.tx == nil {
		return stmt{what, `INSERT INTO blobs (id, oid, size) VALUES ($1, lo_from_bytea(0, $2), $3)`, []any{w.id, w.buf, len(w.buf)}}, nil
	}
	if len(w.buf) > 0 {
		if err := w.send(); err != nil {
			return stmt{}, err
		}
	}
	if err := w.lo.Close(); err != nil {
		return stmt{}, err
	}
	return stmt{what, `INSERT INTO blobs (id, oid, size) VALUES ($1, $2, $3)`, []any{w.id, w.oid, w.n}}, nil
}

// commitPipelined stores a one-chunk original with its new item in two round trips: the
// transaction's writes with the head lock, then the audit append with the commit. Under
// load each round trip costs a wake-up of both processes, and a held item is written for
// every message that holds something.
func (w *blobWriter) commitPipelined(c quarantine.Change) (err error) {
	ctx := w.ctx
	conn, err := w.b.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("quarantine: store blob: %w", err)
	}
	defer conn.Release()
	committed := false
	defer func() {
		if committed {
			return
		}
		bg := context.WithoutCancel(ctx)
		if _, rerr := conn.Exec(bg, "ROLLBACK"); rerr != nil {
			conn.Conn().Close(bg) // not returned to the pool in an unknown state
		}
	}()
	row, _ := w.finish()
	stmts := append([]stmt{{"quarantine: begin", "BEGIN", nil}, row}, changeStmts(c)...)
	var seq int64
	var prev string
	err = sendBatch(ctx, conn.Conn(), stmts, func(br pgx.BatchResults) error {
		if err := br.QueryRow().Scan(&seq, &prev); err != nil {
			return fmt.Errorf("audit: head: %w", err)
		}
		return nil
	}, lockHead)
	if err != nil {
		return err
	}
	as, err := w.b.auditStmts(seq, prev, c.Audit)
	if err != nil {
		return err
	}
	err = sendBatch(ctx, conn.Conn(), as, func(br pgx.BatchResults) error {
		ct, err := br.Exec()
		if err == nil && ct.String() == "ROLLBACK" {
			err = pgx.ErrTxCommitRollback
		}
		if err != nil {
			return fmt.Errorf("quarantine: commit: %w", err)
		}
		return nil
	}, "COMMIT")
	committed = err == nil
	return err
}

// Abort discards the object.
func (w *blobWriter) Abort() {
	if w.done {
		return
	}
	w.done = true
	if w.tx != nil {
		w.tx.Rollback(context.WithoutCancel(w.ctx))
	}
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
