package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/sekisho/sekisho/quarantine"
)

// Commit applies one change in one transaction: the item's row is locked and its status
// checked, the record, its history event and the hand-off written, and the audit record
// appended last (locking the chain's head). Either all of it commits or none.
func (b *Backend) Commit(ctx context.Context, c quarantine.Change) error {
	return b.inTx(ctx, func(tx pgx.Tx) error { return b.apply(ctx, tx, c) })
}

// stmt is one statement of a batch, named for its error.
type stmt struct {
	what string
	sql  string
	args []any
}

// runBatch sends the statements in one round trip; they run in order and the first error
// stops them.
func runBatch(ctx context.Context, tx pgx.Tx, stmts []stmt) error {
	return sendBatch(ctx, tx.Conn(), stmts, nil, "")
}

// sendBatch sends the statements and then last (when not "") in one round trip, and
// reads last's result with read.
func sendBatch(ctx context.Context, conn *pgx.Conn, stmts []stmt, read func(pgx.BatchResults) error, last string) error {
	var batch pgx.Batch
	for _, s := range stmts {
		batch.Queue(s.sql, s.args...)
	}
	if last != "" {
		batch.Queue(last)
	}
	br := conn.SendBatch(ctx, &batch)
	for _, s := range stmts {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return fmt.Errorf("%s: %w", s.what, err)
		}
	}
	if read != nil {
		if err := read(br); err != nil {
			br.Close()
			return err
		}
	}
	return br.Close()
}

// apply writes c inside tx after the statements first, the audit record last. Writes go
// in batches: each round trip to the server is a few hundred microseconds of two
// processes' time, and a held item is written by every message that holds something.
func (b *Backend) apply(ctx context.Context, tx pgx.Tx, c quarantine.Change, first ...stmt) error {
	rec := c.Record
	if rec.ID != "" && !c.Insert {
		var status string
		err := tx.QueryRow(ctx, `SELECT status FROM items WHERE id = $1 FOR UPDATE`, rec.ID).Scan(&status)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("%w: %s", quarantine.ErrNotFound, rec.ID)
		}
		if err != nil {
			return err
		}
		if !slices.Contains(c.From, quarantine.Status(status)) {
			return fmt.Errorf("%w: %s is %s", quarantine.ErrState, rec.ID, status)
		}
	}
	if stmts := append(first, changeStmts(c)...); len(stmts) > 0 {
		if err := runBatch(ctx, tx, stmts); err != nil {
			return err
		}
	}
	return b.appendAudit(ctx, tx, c.Audit)
}

// changeStmts write c's record, history event and hand-off (not its audit record).
func changeStmts(c quarantine.Change) []stmt {
	rec := c.Record
	var stmts []stmt
	if rec.ID != "" {
		if c.Insert {
			stmts = append(stmts, stmt{"quarantine: index", `INSERT INTO items (id, time, kind, direction, queue_id, mail_from, rcpts, subject,
				file_name, declared_type, detected_type, size, sha256, reason, status)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`, []any{rec.ID, rec.Time.UnixNano(),
				string(rec.Kind), string(rec.Direction), rec.QueueID, rec.MailFrom, quarantine.ListColumn(rec.Rcpts), rec.Subject,
				rec.FileName, rec.DeclaredType, rec.DetectedType, rec.Size, rec.SHA256, rec.Reason, string(rec.Status)}})
		} else {
			stmts = append(stmts, stmt{"quarantine: index", `UPDATE items SET status = $1 WHERE id = $2`, []any{string(rec.Status), rec.ID}})
		}
		e := c.Event
		stmts = append(stmts, stmt{"quarantine: history", `INSERT INTO events (item_id, seq, time, action, actor, reason, rcpts, detail)
			VALUES ($1, (SELECT COALESCE(MAX(seq) + 1, 0) FROM events WHERE item_id = $1), $2, $3, $4, $5, $6, $7)`,
			[]any{rec.ID, e.Time.UnixNano(), string(e.Action), string(e.Actor), e.Reason, quarantine.ListColumn(e.Rcpts), e.Detail}})
	}
	if h := c.Handoff; h != nil {
		stmts = append(stmts, stmt{"quarantine: outbox", `INSERT INTO handoffs (item_id, rcpts, actor, reason, created) VALUES ($1, $2, $3, $4, $5)`,
			[]any{h.ItemID, quarantine.ListColumn(h.Rcpts), string(h.Actor), h.Reason, h.Created.UnixNano()}})
	}
	return stmts
}

// validID reports whether id can be stored as text: UTF-8 without NUL bytes. Any other
// value names no item (and PostgreSQL would refuse it with a less useful error).
func validID(id string) bool { return utf8.ValidString(id) && !strings.ContainsRune(id, 0) }

// Get returns one record with its history, oldest event first, from one snapshot.
func (b *Backend) Get(ctx context.Context, id string) (quarantine.Record, error) {
	var r quarantine.Record
	if !validID(id) {
		return r, fmt.Errorf("%w: %s", quarantine.ErrNotFound, strings.ToValidUTF8(id, "?"))
	}
	err := b.snapshot(ctx, func(tx pgx.Tx) error {
		var err error
		r, err = quarantine.ScanRecord(tx.QueryRow(ctx, `SELECT `+quarantine.RecordColumns+` FROM items WHERE id = $1`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("%w: %s", quarantine.ErrNotFound, strings.ToValidUTF8(id, "?"))
		}
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT time, action, actor, reason, rcpts, detail FROM events WHERE item_id = $1 ORDER BY seq`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e quarantine.Event
			var t int64
			var action, actor, rcpts string
			if err := rows.Scan(&t, &action, &actor, &e.Reason, &rcpts, &e.Detail); err != nil {
				return err
			}
			e.Time, e.Action, e.Actor, e.Rcpts = time.Unix(0, t).UTC(), quarantine.Action(action), quarantine.Actor(actor), quarantine.ParseListColumn(rcpts)
			r.History = append(r.History, e)
		}
		return rows.Err()
	})
	return r, err
}
