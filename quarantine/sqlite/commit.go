package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sekisho/sekisho/quarantine"
)

// Commit applies one change under the audit lock: the status precondition is checked, the
// audit line appended and fsync'd, then the record, its history event, the hand-off and
// the new chain head are committed in one transaction.
func (b *Backend) Commit(ctx context.Context, c quarantine.Change) error {
	if err := b.audit.lock(); err != nil {
		return err
	}
	defer b.audit.unlock()
	tx, err := b.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rec := c.Record
	if rec.ID != "" && !c.Insert {
		var status string
		err := tx.QueryRowContext(ctx, `SELECT status FROM items WHERE id = ?`, rec.ID).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: %s", quarantine.ErrNotFound, rec.ID)
		}
		if err != nil {
			return err
		}
		if !slices.Contains(c.From, quarantine.Status(status)) {
			return fmt.Errorf("%w: %s is %s", quarantine.ErrState, rec.ID, status)
		}
	}

	a := c.Audit
	seq, head, err := b.audit.append(AuditRecord{Time: a.Time, Action: string(a.Action), ID: a.ID, Actor: string(a.Actor),
		Reason: a.Reason, Rcpts: a.Rcpts, Detail: a.Detail})
	if err != nil {
		return err
	}
	if rec.ID != "" {
		if c.Insert {
			_, err = tx.ExecContext(ctx, `INSERT INTO items (id, time, kind, direction, queue_id, mail_from, rcpts, subject,
				file_name, declared_type, detected_type, size, sha256, reason, status)
				VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, rec.ID, rec.Time.UnixNano(), string(rec.Kind), string(rec.Direction),
				rec.QueueID, rec.MailFrom, quarantine.ListColumn(rec.Rcpts), rec.Subject, rec.FileName, rec.DeclaredType,
				rec.DetectedType, rec.Size, rec.SHA256, rec.Reason, string(rec.Status))
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE items SET status = ? WHERE id = ?`, string(rec.Status), rec.ID)
		}
		if err != nil {
			return fmt.Errorf("quarantine: index: %w", err)
		}
		e := c.Event
		if _, err := tx.ExecContext(ctx, `INSERT INTO events (item_id, seq, time, action, actor, reason, rcpts, detail)
			VALUES (?, (SELECT COALESCE(MAX(seq) + 1, 0) FROM events WHERE item_id = ?), ?, ?, ?, ?, ?, ?)`,
			rec.ID, rec.ID, e.Time.UnixNano(), string(e.Action), string(e.Actor), e.Reason, quarantine.ListColumn(e.Rcpts), e.Detail); err != nil {
			return fmt.Errorf("quarantine: history: %w", err)
		}
	}
	if h := c.Handoff; h != nil {
		if _, err := tx.ExecContext(ctx, `INSERT INTO handoffs (item_id, rcpts, actor, reason, created) VALUES (?,?,?,?,?)`,
			h.ItemID, quarantine.ListColumn(h.Rcpts), string(h.Actor), h.Reason, h.Created.UnixNano()); err != nil {
			return fmt.Errorf("quarantine: outbox: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_head (k, seq, hash) VALUES (1, ?, ?)
		ON CONFLICT(k) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`, seq, head); err != nil {
		return err
	}
	return tx.Commit()
}

// Get returns one record with its history, oldest event first.
func (b *Backend) Get(ctx context.Context, id string) (quarantine.Record, error) {
	r, err := quarantine.ScanRecord(b.r.QueryRowContext(ctx, `SELECT `+quarantine.RecordColumns+` FROM items WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("%w: %s", quarantine.ErrNotFound, strings.ToValidUTF8(id, "?"))
	}
	if err != nil {
		return r, err
	}
	rows, err := b.r.QueryContext(ctx, `SELECT time, action, actor, reason, rcpts, detail FROM events WHERE item_id = ? ORDER BY seq`, id)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	for rows.Next() {
		var e quarantine.Event
		var t int64
		var action, actor, rcpts string
		if err := rows.Scan(&t, &action, &actor, &e.Reason, &rcpts, &e.Detail); err != nil {
			return r, err
		}
		e.Time, e.Action, e.Actor, e.Rcpts = time.Unix(0, t).UTC(), quarantine.Action(action), quarantine.Actor(actor), quarantine.ParseListColumn(rcpts)
		r.History = append(r.History, e)
	}
	return r, rows.Err()
}
