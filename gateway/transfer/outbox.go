package transfer

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// A service without an outbox (the CLI: the running gateway holds the mail queue) keeps
// its notices in transfer_outbox; every running service with an outbox moves them into
// its queue. The row is deleted in the transaction that queues it, so with several
// nodes on one database exactly one sends it, and a failed queueing leaves it for the
// next try.

const outboxEvery = time.Second

// store keeps a notice until a running gateway queues it; it returns its outbox ID.
func (s *Service) storeNotice(ctx context.Context, rcpts []string, msg []byte) (string, error) {
	id := newID("N")
	_, err := s.o.DB.ExecContext(ctx, `INSERT INTO transfer_outbox (id, rcpts, msg, created) VALUES ($1, $2, $3, $4)`,
		id, strings.Join(rcpts, "\n"), msg, ns(s.now()))
	if err != nil {
		return "", err
	}
	return "stored:" + id, nil
}

// drainOutbox queues the stored notices; it returns how many it sent.
func (s *Service) drainOutbox(ctx context.Context) (int, error) {
	rows, err := s.o.DB.QueryContext(ctx, `SELECT id FROM transfer_outbox ORDER BY created, id LIMIT 100`)
	if err != nil {
		return 0, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		sent, err := s.sendStored(ctx, id)
		if err != nil {
			return n, err
		}
		if sent {
			n++
		}
	}
	return n, nil
}

func (s *Service) sendStored(ctx context.Context, id string) (bool, error) {
	tx, err := s.o.DB.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var rcpts string
	var msg []byte
	err = tx.QueryRowContext(ctx, `DELETE FROM transfer_outbox WHERE id = $1 RETURNING rcpts, msg`, id).Scan(&rcpts, &msg)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil // another node sent it
	}
	if err != nil {
		return false, err
	}
	qid, err := s.o.Outbox.Send(ctx, strings.Split(rcpts, "\n"), msg)
	if err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		// Queued but still stored: it may go out twice, never not at all.
		return false, err
	}
	s.log.Info("transfer notice queued", "outbox_id", id, "queue_id", qid)
	return true, nil
}
