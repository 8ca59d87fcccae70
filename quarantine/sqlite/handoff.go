package sqlite

import (
	"context"
	"time"

	"github.com/sekisho/sekisho/quarantine"
)

// ClaimHandoffs leases up to max pending hand-offs to owner. The transaction takes the
// write lock at BEGIN, so two processes never lease the same row.
func (b *Backend) ClaimHandoffs(ctx context.Context, owner string, now, until time.Time, max int) ([]quarantine.Handoff, error) {
	tx, err := b.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT id, item_id, rcpts, actor, reason, created FROM handoffs
		WHERE done = 0 AND lease_until < ? ORDER BY id LIMIT ?`, now.UnixNano(), max)
	if err != nil {
		return nil, err
	}
	var out []quarantine.Handoff
	for rows.Next() {
		var h quarantine.Handoff
		var rcpts, actor string
		var created int64
		if err := rows.Scan(&h.ID, &h.ItemID, &rcpts, &actor, &h.Reason, &created); err != nil {
			rows.Close()
			return nil, err
		}
		h.Rcpts, h.Actor, h.Created = quarantine.ParseListColumn(rcpts), quarantine.Actor(actor), time.Unix(0, created).UTC()
		out = append(out, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, h := range out {
		if _, err := tx.ExecContext(ctx, `UPDATE handoffs SET owner = ?, lease_until = ? WHERE id = ?`, owner, until.UnixNano(), h.ID); err != nil {
			return nil, err
		}
	}
	return out, tx.Commit()
}

// FinishHandoff marks a hand-off done.
func (b *Backend) FinishHandoff(ctx context.Context, id int64) error {
	_, err := b.w.ExecContext(ctx, `UPDATE handoffs SET done = 1 WHERE id = ?`, id)
	return err
}
