package transfer

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

var (
	// ErrNotFound is returned for an unknown ID or token (and for one the caller may not
	// see: the two look the same from outside).
	ErrNotFound = errors.New("transfer: not found")
	// ErrState is returned when an operation does not apply to the object's state.
	ErrState = errors.New("transfer: operation does not apply to the current state")
)

// store is the SQL of the transfer tables on the quarantine's database.
type store struct{ db *sql.DB }

func ns(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNS(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

const transferCols = `id, direction, state, owner, department, sender, sender_info, link_id, subject, message,
	recipients, created, updated, expires, done, bytes, mode, approval, approver, decided, decision_reason,
	link_expiry, max_downloads, access_code`

func scanTransfer(sc interface{ Scan(...any) error }) (Transfer, error) {
	var t Transfer
	var rcpts string
	var created, updated, expires, decided, linkExpiry int64
	var done, code int
	err := sc.Scan(&t.ID, &t.Direction, &t.State, &t.Owner, &t.Department, &t.Sender, &t.SenderInfo, &t.LinkID,
		&t.Subject, &t.Message, &rcpts, &created, &updated, &expires, &done, &t.Bytes, &t.Mode, &t.Approval,
		&t.Approver, &decided, &t.DecisionReason, &linkExpiry, &t.MaxDownloads, &code)
	if errors.Is(err, sql.ErrNoRows) {
		return t, ErrNotFound
	}
	if err != nil {
		return t, err
	}
	if rcpts != "" {
		json.Unmarshal([]byte(rcpts), &t.Recipients)
	}
	t.Created, t.Updated, t.Expires, t.Decided = fromNS(created), fromNS(updated), fromNS(expires), fromNS(decided)
	t.Done, t.AccessCode, t.LinkExpiry = done != 0, code != 0, time.Duration(linkExpiry)
	return t, nil
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func (s store) insertTransfer(ctx context.Context, t Transfer, keyHash string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO transfer_transfers (`+transferCols+`, key_hash)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25)`,
		t.ID, t.Direction, t.State, t.Owner, t.Department, t.Sender, t.SenderInfo, t.LinkID, t.Subject, t.Message,
		jsonText(t.Recipients), ns(t.Created), ns(t.Updated), ns(t.Expires), b2i(t.Done), t.Bytes, t.Mode, t.Approval,
		t.Approver, ns(t.Decided), t.DecisionReason, int64(t.LinkExpiry), t.MaxDownloads, b2i(t.AccessCode), keyHash)
	return err
}

func (s store) transfer(ctx context.Context, id string) (Transfer, error) {
	return scanTransfer(s.db.QueryRowContext(ctx, `SELECT `+transferCols+` FROM transfer_transfers WHERE id = $1`, id))
}

func (s store) transferByKey(ctx context.Context, keyHash string) (Transfer, error) {
	if keyHash == "" {
		return Transfer{}, ErrNotFound
	}
	return scanTransfer(s.db.QueryRowContext(ctx, `SELECT `+transferCols+` FROM transfer_transfers WHERE key_hash = $1`, keyHash))
}

func (s store) setKey(ctx context.Context, id, keyHash string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE transfer_transfers SET key_hash = $1 WHERE id = $2 AND state = $3`, keyHash, id, Open)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrState
	}
	return nil
}

// updateTransfer writes t's mutable fields, if the stored state is one of from (any when
// from is empty); otherwise ErrState.
func (s store) updateTransfer(ctx context.Context, t Transfer, from ...State) error {
	q := `UPDATE transfer_transfers SET state = $1, subject = $2, message = $3, recipients = $4, updated = $5, expires = $6,
		done = $7, bytes = $8, mode = $9, approval = $10, approver = $11, decided = $12, decision_reason = $13, link_expiry = $14,
		max_downloads = $15, access_code = $16 WHERE id = $17`
	args := []any{t.State, t.Subject, t.Message, jsonText(t.Recipients), ns(t.Updated), ns(t.Expires), b2i(t.Done),
		t.Bytes, t.Mode, t.Approval, t.Approver, ns(t.Decided), t.DecisionReason, int64(t.LinkExpiry), t.MaxDownloads,
		b2i(t.AccessCode), t.ID}
	if len(from) > 0 {
		q += ` AND state IN (` + placeholders(len(args)+1, len(from)) + `)`
		for _, f := range from {
			args = append(args, f)
		}
	}
	res, err := s.db.ExecContext(ctx, q, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := s.transfer(ctx, t.ID); err != nil {
			return err
		}
		return ErrState
	}
	return nil
}

// placeholders is n parameters from $first on.
func placeholders(first, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "$%d", first+i)
	}
	return b.String()
}

// cond adds one condition with its argument, numbered after those already in args.
func cond(where []string, args []any, expr string, arg any) ([]string, []any) {
	return append(where, fmt.Sprintf(expr, len(args)+1)), append(args, arg)
}

// Query selects transfers for a list.
type Query struct {
	Owner     string    // exact owner; "" any
	Direction Direction // "" any
	States    []State   // empty: any
	Approval  Approval  // "" any
	Owners    []string  // any of these owners (an approver's departments); nil: no restriction
	Limit     int       // default 100, at most 1000
	Before    time.Time // created before (paging); zero: now
	Since     time.Time // created at or after
}

func (s store) list(ctx context.Context, q Query) ([]Transfer, error) {
	var where []string
	var args []any
	if q.Owner != "" {
		where, args = cond(where, args, "owner = $%d", q.Owner)
	}
	if q.Owners != nil {
		if len(q.Owners) == 0 {
			return nil, nil
		}
		where = append(where, "owner IN ("+placeholders(len(args)+1, len(q.Owners))+")")
		for _, o := range q.Owners {
			args = append(args, o)
		}
	}
	if q.Direction != "" {
		where, args = cond(where, args, "direction = $%d", q.Direction)
	}
	if len(q.States) > 0 {
		where = append(where, "state IN ("+placeholders(len(args)+1, len(q.States))+")")
		for _, st := range q.States {
			args = append(args, st)
		}
	}
	if q.Approval != "" {
		where, args = cond(where, args, "approval = $%d", q.Approval)
	}
	if !q.Before.IsZero() {
		where, args = cond(where, args, "created < $%d", ns(q.Before))
	}
	if !q.Since.IsZero() {
		where, args = cond(where, args, "created >= $%d", ns(q.Since))
	}
	if q.Limit <= 0 || q.Limit > 1000 {
		q.Limit = 100
	}
	sqlq := `SELECT ` + transferCols + ` FROM transfer_transfers`
	if len(where) > 0 {
		sqlq += ` WHERE ` + strings.Join(where, " AND ")
	}
	sqlq += fmt.Sprintf(` ORDER BY created DESC, id LIMIT %d`, q.Limit)
	rows, err := s.db.QueryContext(ctx, sqlq, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Transfer
	for rows.Next() {
		t, err := scanTransfer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

const fileCols = `id, transfer_id, seq, name, raw_name, declared_type, length, received, state, sha256, detected, verdict,
	reason, actions, notes, out_blob, out_size, out_name, out_type, quarantine_id, created, updated`

func scanFile(sc interface{ Scan(...any) error }) (File, error) {
	var f File
	var actions, notes string
	var created, updated int64
	err := sc.Scan(&f.ID, &f.TransferID, &f.Seq, &f.Name, &f.RawName, &f.DeclaredType, &f.Length, &f.Offset, &f.State,
		&f.SHA256, &f.Detected, &f.Verdict, &f.Reason, &actions, &notes, &f.OutBlob, &f.OutSize, &f.OutName,
		&f.OutType, &f.QuarantineID, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return f, ErrNotFound
	}
	if err != nil {
		return f, err
	}
	if actions != "" && actions != "null" {
		json.Unmarshal([]byte(actions), &f.Actions)
	}
	if notes != "" && notes != "null" {
		json.Unmarshal([]byte(notes), &f.Notes)
	}
	f.Created, f.Updated = fromNS(created), fromNS(updated)
	return f, nil
}

// insertFile adds a file to a transfer, numbering it after the others, if the transfer
// is still open and has room (maxFiles, maxBytes); the declared length counts against the
// transfer's bytes at once, so two concurrent uploads cannot together pass the limit.
func (s store) insertFile(ctx context.Context, f File, maxFiles int, maxBytes int64) (File, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return f, err
	}
	defer tx.Rollback()
	var state State
	var done int
	var bytes int64
	err = tx.QueryRowContext(ctx, `SELECT state, done, bytes FROM transfer_transfers WHERE id = $1`, f.TransferID).Scan(&state, &done, &bytes)
	if errors.Is(err, sql.ErrNoRows) {
		return f, ErrNotFound
	}
	if err != nil {
		return f, err
	}
	if state != Open || done != 0 {
		return f, ErrState
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(max(seq), 0) FROM transfer_files WHERE transfer_id = $1`, f.TransferID).Scan(&n, &f.Seq); err != nil {
		return f, err
	}
	if n >= maxFiles {
		return f, &LimitError{Key: "transfer.max_files", Max: int64(maxFiles), Got: int64(n + 1)}
	}
	if bytes+f.Length > maxBytes {
		return f, &LimitError{Key: "transfer.max_transfer_size", Max: maxBytes, Got: bytes + f.Length}
	}
	f.Seq++
	if _, err := tx.ExecContext(ctx, `INSERT INTO transfer_files (`+fileCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22)`,
		f.ID, f.TransferID, f.Seq, f.Name, f.RawName, f.DeclaredType, f.Length, f.Offset, f.State, f.SHA256, f.Detected,
		f.Verdict, f.Reason, jsonText(f.Actions), jsonText(f.Notes), f.OutBlob, f.OutSize, f.OutName, f.OutType,
		f.QuarantineID, ns(f.Created), ns(f.Updated)); err != nil {
		return f, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE transfer_transfers SET bytes = bytes + $1, updated = $2 WHERE id = $3`,
		f.Length, ns(f.Created), f.TransferID); err != nil {
		return f, err
	}
	return f, tx.Commit()
}

func (s store) file(ctx context.Context, id string) (File, error) {
	return scanFile(s.db.QueryRowContext(ctx, `SELECT `+fileCols+` FROM transfer_files WHERE id = $1`, id))
}

func (s store) files(ctx context.Context, transferID string) ([]File, error) {
	return s.queryFiles(ctx, `SELECT `+fileCols+` FROM transfer_files WHERE transfer_id = $1 ORDER BY seq`, transferID)
}

func (s store) filesInState(ctx context.Context, st FileState) ([]File, error) {
	return s.queryFiles(ctx, `SELECT `+fileCols+` FROM transfer_files WHERE state = $1 ORDER BY created`, st)
}

func (s store) queryFiles(ctx context.Context, q string, args ...any) ([]File, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []File
	for rows.Next() {
		f, err := scanFile(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// updateFile writes f's mutable fields if the stored state is one of from (any when
// empty); otherwise ErrState.
func (s store) updateFile(ctx context.Context, f File, from ...FileState) error {
	q := `UPDATE transfer_files SET length = $1, received = $2, state = $3, sha256 = $4, detected = $5, verdict = $6, reason = $7,
		actions = $8, notes = $9, out_blob = $10, out_size = $11, out_name = $12, out_type = $13, quarantine_id = $14, updated = $15
		WHERE id = $16`
	args := []any{f.Length, f.Offset, f.State, f.SHA256, f.Detected, f.Verdict, f.Reason, jsonText(f.Actions), jsonText(f.Notes),
		f.OutBlob, f.OutSize, f.OutName, f.OutType, f.QuarantineID, ns(f.Updated), f.ID}
	if len(from) > 0 {
		q += ` AND state IN (` + placeholders(len(args)+1, len(from)) + `)`
		for _, st := range from {
			args = append(args, st)
		}
	}
	res, err := s.db.ExecContext(ctx, q, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrState
	}
	return nil
}

// setOffset records the bytes received of an uploading file.
func (s store) setOffset(ctx context.Context, id string, off int64, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE transfer_files SET received = $1, updated = $2 WHERE id = $3 AND state = $4`, off, ns(now), id, Uploading)
	return err
}

// blobUsed reports whether any file still refers to the blob.
func (s store) blobUsed(ctx context.Context, sum string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM transfer_files WHERE out_blob = $1 AND state = $2`, sum, Available).Scan(&n)
	return n > 0, err
}

// usage is the bytes of the owners' live transfers.
func (s store) usage(ctx context.Context, owners []string) (int64, error) {
	if len(owners) == 0 {
		return 0, nil
	}
	args := []any{Withdrawn, Expired, Rejected}
	for _, o := range owners {
		args = append(args, o)
	}
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT coalesce(sum(bytes), 0) FROM transfer_transfers WHERE state NOT IN ($1,$2,$3)
		AND owner IN (`+placeholders(4, len(owners))+`)`, args...).Scan(&n)
	return n, err
}
