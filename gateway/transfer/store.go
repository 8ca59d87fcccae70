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
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		t.ID, t.Direction, t.State, t.Owner, t.Department, t.Sender, t.SenderInfo, t.LinkID, t.Subject, t.Message,
		jsonText(t.Recipients), ns(t.Created), ns(t.Updated), ns(t.Expires), b2i(t.Done), t.Bytes, t.Mode, t.Approval,
		t.Approver, ns(t.Decided), t.DecisionReason, int64(t.LinkExpiry), t.MaxDownloads, b2i(t.AccessCode), keyHash)
	return err
}

func (s store) transfer(ctx context.Context, id string) (Transfer, error) {
	return scanTransfer(s.db.QueryRowContext(ctx, `SELECT `+transferCols+` FROM transfer_transfers WHERE id = ?`, id))
}

func (s store) transferByKey(ctx context.Context, keyHash string) (Transfer, error) {
	if keyHash == "" {
		return Transfer{}, ErrNotFound
	}
	return scanTransfer(s.db.QueryRowContext(ctx, `SELECT `+transferCols+` FROM transfer_transfers WHERE key_hash = ?`, keyHash))
}

func (s store) setKey(ctx context.Context, id, keyHash string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE transfer_transfers SET key_hash = ? WHERE id = ? AND state = ?`, keyHash, id, Open)
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
	q := `UPDATE transfer_transfers SET state = ?, subject = ?, message = ?, recipients = ?, updated = ?, expires = ?,
		done = ?, bytes = ?, mode = ?, approval = ?, approver = ?, decided = ?, decision_reason = ?, link_expiry = ?,
		max_downloads = ?, access_code = ? WHERE id = ?`
	args := []any{t.State, t.Subject, t.Message, jsonText(t.Recipients), ns(t.Updated), ns(t.Expires), b2i(t.Done),
		t.Bytes, t.Mode, t.Approval, t.Approver, ns(t.Decided), t.DecisionReason, int64(t.LinkExpiry), t.MaxDownloads,
		b2i(t.AccessCode), t.ID}
	if len(from) > 0 {
		q += ` AND state IN (` + placeholders(len(from)) + `)`
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

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }

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
		where, args = append(where, "owner = ?"), append(args, q.Owner)
	}
	if q.Owners != nil {
		if len(q.Owners) == 0 {
			return nil, nil
		}
		where = append(where, "owner IN ("+placeholders(len(q.Owners))+")")
		for _, o := range q.Owners {
			args = append(args, o)
		}
	}
	if q.Direction != "" {
		where, args = append(where, "direction = ?"), append(args, q.Direction)
	}
	if len(q.States) > 0 {
		where = append(where, "state IN ("+placeholders(len(q.States))+")")
		for _, st := range q.States {
			args = append(args, st)
		}
	}
	if q.Approval != "" {
		where, args = append(where, "approval = ?"), append(args, q.Approval)
	}
	if !q.Before.IsZero() {
		where, args = append(where, "created < ?"), append(args, ns(q.Before))
	}
	if !q.Since.IsZero() {
		where, args = append(where, "created >= ?"), append(args, ns(q.Since))
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
	err = tx.QueryRowContext(ctx, `SELECT state, done, bytes FROM transfer_transfers WHERE id = ?`, f.TransferID).Scan(&state, &done, &bytes)
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
	if err := tx.QueryRowContext(ctx, `SELECT count(*), ifnull(max(seq), 0) FROM transfer_files WHERE transfer_id = ?`, f.TransferID).Scan(&n, &f.Seq); err != nil {
		return f, err
	}
	if n >= maxFiles {
		return f, &LimitError{Key: "transfer.max_files", Max: int64(maxFiles), Got: int64(n + 1)}
	}
	if bytes+f.Length > maxBytes {
		return f, &LimitError{Key: "transfer.max_transfer_size", Max: maxBytes, Got: bytes + f.Length}
	}
	f.Seq++
	if _, err := tx.ExecContext(ctx, `INSERT INTO transfer_files (`+fileCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		f.ID, f.TransferID, f.Seq, f.Name, f.RawName, f.DeclaredType, f.Length, f.Offset, f.State, f.SHA256, f.Detected,
		f.Verdict, f.Reason, jsonText(f.Actions), jsonText(f.Notes), f.OutBlob, f.OutSize, f.OutName, f.OutType,
		f.QuarantineID, ns(f.Created), ns(f.Updated)); err != nil {
		return f, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE transfer_transfers SET bytes = bytes + ?, updated = ? WHERE id = ?`,
		f.Length, ns(f.Created), f.TransferID); err != nil {
		return f, err
	}
	return f, tx.Commit()
}

func (s store) file(ctx context.Context, id string) (File, error) {
	return scanFile(s.db.QueryRowContext(ctx, `SELECT `+fileCols+` FROM transfer_files WHERE id = ?`, id))
}

func (s store) files(ctx context.Context, transferID string) ([]File, error) {
	return s.queryFiles(ctx, `SELECT `+fileCols+` FROM transfer_files WHERE transfer_id = ? ORDER BY seq`, transferID)
}

func (s store) filesInState(ctx context.Context, st FileState) ([]File, error) {
	return s.queryFiles(ctx, `SELECT `+fileCols+` FROM transfer_files WHERE state = ? ORDER BY created`, st)
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
	q := `UPDATE transfer_files SET length = ?, received = ?, state = ?, sha256 = ?, detected = ?, verdict = ?, reason = ?,
		actions = ?, notes = ?, out_blob = ?, out_size = ?, out_name = ?, out_type = ?, quarantine_id = ?, updated = ?
		WHERE id = ?`
	args := []any{f.Length, f.Offset, f.State, f.SHA256, f.Detected, f.Verdict, f.Reason, jsonText(f.Actions), jsonText(f.Notes),
		f.OutBlob, f.OutSize, f.OutName, f.OutType, f.QuarantineID, ns(f.Updated), f.ID}
	if len(from) > 0 {
		q += ` AND state IN (` + placeholders(len(from)) + `)`
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
	_, err := s.db.ExecContext(ctx, `UPDATE transfer_files SET received = ?, updated = ? WHERE id = ? AND state = ?`, off, ns(now), id, Uploading)
	return err
}

// blobUsed reports whether any file still refers to the blob.
func (s store) blobUsed(ctx context.Context, sum string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM transfer_files WHERE out_blob = ? AND state = ?`, sum, Available).Scan(&n)
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
	err := s.db.QueryRowContext(ctx, `SELECT ifnull(sum(bytes), 0) FROM transfer_transfers WHERE state NOT IN (?,?,?)
		AND owner IN (`+placeholders(len(owners))+`)`, args...).Scan(&n)
	return n, err
}
