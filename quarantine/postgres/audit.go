package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/sekisho/sekisho/quarantine"
)

// AuditRecord is one record of the chain (the format every backend shares).
type AuditRecord = quarantine.AuditRecord

func genesisHash() string {
	h := sha256.Sum256([]byte(quarantine.AuditGenesis))
	return hex.EncodeToString(h[:])
}

func hashLine(line []byte) string {
	h := sha256.Sum256(line)
	return hex.EncodeToString(h[:])
}

// lockHead reads and locks the chain's head row: appends from every node wait for the
// lock, so they form one chain in commit order. Take it last in a transaction, so the
// lock is held for as short a time as possible.
const lockHead = `SELECT seq, hash FROM audit_head WHERE k = 1 FOR UPDATE`

// appendAudit adds e to the chain inside tx. The head row's lock is held until tx ends.
func (b *Backend) appendAudit(ctx context.Context, tx pgx.Tx, e quarantine.AuditEntry) error {
	var seq int64
	var prev string
	if err := tx.QueryRow(ctx, lockHead).Scan(&seq, &prev); err != nil {
		return fmt.Errorf("audit: head: %w", err)
	}
	stmts, err := b.auditStmts(seq, prev, e)
	if err != nil {
		return err
	}
	// One round trip while the head is locked, besides the lock itself and the commit.
	return runBatch(ctx, tx, stmts)
}

// auditStmts append e after the record seq whose hash is prev, and move the head.
func (b *Backend) auditStmts(seq int64, prev string, e quarantine.AuditEntry) ([]stmt, error) {
	rec := AuditRecord{Seq: seq + 1, Time: e.Time.UTC(), Action: string(e.Action), ID: e.ID, Actor: string(e.Actor),
		Reason: e.Reason, Rcpts: e.Rcpts, Detail: e.Detail, Node: b.o.Node, Prev: prev}
	line, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	return []stmt{
		{"audit: append", `INSERT INTO audit (seq, line, time, action, item_id, actor, node) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			[]any{rec.Seq, line, rec.Time.UnixNano(), rec.Action, rec.ID, rec.Actor, rec.Node}},
		{"audit: head", `UPDATE audit_head SET seq = $1, hash = $2 WHERE k = 1`, []any{rec.Seq, hashLine(line)}},
	}, nil
}

// AuditError says where the chain breaks.
type AuditError struct {
	Seq int64 // the record that fails; 0 when the break is at the head
	Msg string
}

func (e *AuditError) Error() string {
	if e.Seq == 0 {
		return "audit chain: " + e.Msg
	}
	return fmt.Sprintf("audit chain: record %d: %s", e.Seq, e.Msg)
}

// maxAuditLine bounds one record; a longer one is corruption, not a record.
const maxAuditLine = 1 << 20

// Verify walks the whole chain in one snapshot: each record's sequence number and link to
// the one before, and the head row at the end. It returns the number of the last record.
// A chain moved from the embedded store may start with an audit-break record, whose Prev is
// the hash the chain continues from.
func (b *Backend) Verify(ctx context.Context) (int64, error) {
	var last int64
	err := b.snapshot(ctx, func(tx pgx.Tx) error {
		var headSeq int64
		var headHash string
		if err := tx.QueryRow(ctx, `SELECT seq, hash FROM audit_head WHERE k = 1`).Scan(&headSeq, &headHash); err != nil {
			return fmt.Errorf("audit: head: %w", err)
		}
		rows, err := tx.Query(ctx, `SELECT seq, line FROM audit ORDER BY seq`)
		if err != nil {
			return err
		}
		defer rows.Close()
		want, prev := int64(1), genesisHash()
		first := true
		for rows.Next() {
			var seq int64
			var line []byte
			if err := rows.Scan(&seq, &line); err != nil {
				return err
			}
			if len(line) > maxAuditLine {
				return &AuditError{Seq: seq, Msg: "longer than a record can be"}
			}
			var rec AuditRecord
			if err := json.Unmarshal(line, &rec); err != nil {
				return &AuditError{Seq: seq, Msg: "not a JSON record"}
			}
			if first && rec.Action == quarantine.ActionAuditBreak {
				want, prev = rec.Seq, rec.Prev
			}
			first = false
			switch {
			case rec.Seq != seq:
				return &AuditError{Seq: seq, Msg: fmt.Sprintf("says it is record %d", rec.Seq)}
			case seq != want:
				return &AuditError{Seq: seq, Msg: fmt.Sprintf("follows record %d (records removed or reordered)", want-1)}
			case rec.Prev != prev:
				return &AuditError{Seq: seq, Msg: "previous-hash mismatch (a record before it was edited or removed)"}
			}
			prev, want, last = hashLine(line), want+1, seq
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if headSeq != last || (last > 0 && headHash != prev) {
			return &AuditError{Msg: fmt.Sprintf("ends at record %d, the head says %d (records removed, added or edited)", last, headSeq)}
		}
		return nil
	})
	return last, err
}

// snapshot runs f in a read-only, repeatable-read transaction without a statement
// timeout: one consistent view however long a walk takes.
func (b *Backend) snapshot(ctx context.Context, f func(pgx.Tx) error) error {
	tx, err := b.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
		return err
	}
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// ReadAudit returns the newest records matching f, newest first, and whether older ones
// match too.
func (b *Backend) ReadAudit(ctx context.Context, f quarantine.AuditFilter) ([]AuditRecord, bool, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	q := `SELECT line FROM audit WHERE ($1 = 0 OR seq < $1) AND ($2 = '' OR strpos(lower(actor), lower($2)) > 0)
		AND ($3 = '' OR action = $3) AND ($4 = '' OR item_id = $4) ORDER BY seq DESC LIMIT $5`
	rows, err := b.pool.Query(ctx, q, f.Before, f.Actor, f.Action, f.Item, f.Limit+1)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []AuditRecord
	for rows.Next() {
		var line []byte
		if err := rows.Scan(&line); err != nil {
			return nil, false, err
		}
		var rec AuditRecord
		if err := json.Unmarshal(line, &rec); err != nil {
			return nil, false, &AuditError{Msg: "a record is not JSON"}
		}
		out = append(out, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	more := len(out) > f.Limit
	if more {
		out = out[:f.Limit]
	}
	return out, more, nil
}
