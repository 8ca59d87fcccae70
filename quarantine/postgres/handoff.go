package postgres

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/sekisho/sekisho/quarantine"
)

// ClaimHandoffs leases up to max pending hand-offs to owner. Rows another node is
// claiming at the same moment are skipped (SKIP LOCKED), so nodes never lease the same
// hand-off and never wait for each other.
func (b *Backend) ClaimHandoffs(ctx context.Context, owner string, now, until time.Time, max int) ([]quarantine.Handoff, error) {
	rows, err := b.pool.Query(ctx, `UPDATE handoffs SET owner = $1, lease_until = $2 WHERE id IN (
			SELECT id FROM handoffs WHERE NOT done AND lease_until < $3 ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED)
		RETURNING id, item_id, rcpts, actor, reason, created`, owner, until.UnixNano(), now.UnixNano(), max)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []quarantine.Handoff
	for rows.Next() {
		var h quarantine.Handoff
		var rcpts, actor string
		var created int64
		if err := rows.Scan(&h.ID, &h.ItemID, &rcpts, &actor, &h.Reason, &created); err != nil {
			return nil, err
		}
		h.Rcpts, h.Actor, h.Created = quarantine.ParseListColumn(rcpts), quarantine.Actor(actor), time.Unix(0, created).UTC()
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b quarantine.Handoff) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// FinishHandoff marks a hand-off done.
func (b *Backend) FinishHandoff(ctx context.Context, id int64) error {
	_, err := b.pool.Exec(ctx, `UPDATE handoffs SET done = true WHERE id = $1`, id)
	return err
}
