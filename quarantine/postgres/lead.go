package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/jackc/pgx/v5"
)

// leadKey is the advisory lock of task: a 64-bit hash of its name, in a namespace of its own.
func leadKey(task string) int64 {
	h := fnv.New64a()
	h.Write([]byte("sekisho:lead:" + task))
	return int64(h.Sum64())
}

// Lead waits until this node holds task's session-level advisory lock, on a connection
// of its own (outside the pool) kept open for as long as the lead lasts. The server frees
// the lock when that session ends: Release closes it, and a node that dies or loses the
// network has its session ended by the server (TCP keepalive, about a minute), after which
// another node's next try (every LeadPoll) takes the lead over. The leader pings its
// connection every LeadPoll and gives the lead up when the ping fails, well before the
// server would let another node take it.
func (b *Backend) Lead(ctx context.Context, task string) (context.Context, func(), error) {
	key := leadKey(task)
	for {
		conn, ok, err := b.tryLead(ctx, task, key)
		if err != nil && ctx.Err() == nil {
			b.log.Warn("store: cannot try for the lead", "task", task, "err", err)
		}
		if ok {
			b.log.Info("store: leading", "task", task, "node", b.o.Node)
			lctx, cancel := context.WithCancel(ctx)
			done := make(chan struct{})
			go b.holdLead(lctx, cancel, conn, task, done)
			release := func() {
				cancel()
				<-done
				conn.Close(context.Background())
			}
			return lctx, release, nil
		}
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(b.o.LeadPoll):
		}
	}
}

func (b *Backend) tryLead(ctx context.Context, task string, key int64) (*pgx.Conn, bool, error) {
	cc := b.pool.Config().ConnConfig
	// pg_stat_activity shows who leads what.
	cc.RuntimeParams["application_name"] = "sekisho " + b.o.Node + " lead " + task
	conn, err := pgx.ConnectConfig(ctx, cc)
	if err != nil {
		return nil, false, err
	}
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&ok); err != nil || !ok {
		conn.Close(context.Background())
		return nil, false, err
	}
	return conn, true, nil
}

// holdLead pings the lead's connection until ctx ends; a failed ping ends the lead. It
// is the only user of conn until it returns (closing done).
func (b *Backend) holdLead(ctx context.Context, cancel context.CancelFunc, conn *pgx.Conn, task string, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(b.o.LeadPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		pctx, pcancel := context.WithTimeout(ctx, b.o.LeadPoll)
		err := conn.Ping(pctx)
		pcancel()
		if err != nil && ctx.Err() == nil {
			b.log.Warn("store: lead lost: its database connection failed", "task", task, "err", err)
			cancel()
			return
		}
	}
}

// LastRun is when task last ran on any node, zero if never.
func (b *Backend) LastRun(ctx context.Context, task string) (time.Time, error) {
	var t int64
	err := b.pool.QueryRow(ctx, `SELECT last_run FROM jobs WHERE name = $1`, task).Scan(&t)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("store: jobs: %w", err)
	}
	return time.Unix(0, t), nil
}

// Ran records that task ran at at, on this node.
func (b *Backend) Ran(ctx context.Context, task string, at time.Time) error {
	_, err := b.pool.Exec(ctx, `INSERT INTO jobs (name, last_run, node) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET last_run = excluded.last_run, node = excluded.node`, task, at.UnixNano(), b.o.Node)
	if err != nil {
		return fmt.Errorf("store: jobs: %w", err)
	}
	return nil
}
