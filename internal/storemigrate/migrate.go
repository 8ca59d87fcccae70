// Package storemigrate moves an embedded store (quarantine/sqlite: index.db, audit.log,
// blobs/) into a PostgreSQL database (quarantine/postgres) that several nodes can share:
// `sekisho store migrate`. Everything is copied in one transaction, so the database holds
// the whole store or nothing: records and their history, the release outbox, every
// component's tables (portal accounts and sessions, PPAP tries, statistics, ...), the
// audit chain line for line (its hashes unchanged, so the chain continues) and the
// originals as they are stored (sealed ones stay sealed with the same key). Afterwards
// the copy is checked: row counts per table, the audit chain verified to the same head,
// and every original read back and compared by SHA-256.
package storemigrate

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/sekisho/sekisho/gateway/transfer/pgblobs"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/quarantine/postgres"
	"github.com/sekisho/sekisho/quarantine/sqlite"
)

// Report is what was copied and checked.
type Report struct {
	Tables       map[string]int64 // rows per table, the same on both sides
	Originals    int64            // originals copied and compared
	Bytes        int64            // their stored size (sealed bytes when sealed)
	AuditRecords int64
	AuditHead    string // the hash after the last record, the same on both sides
	// TransferFiles are file transfer uploads and outputs copied (TransferBytes long).
	TransferFiles, TransferBytes int64
}

// own is the quarantine's tables whose values are not copied row by row: the chain head
// is rebuilt from the log, the search index by the database.
var own = []string{"audit_head", "schema_versions", "items_fts"}

// Migrate copies src into dst. dst must be empty (a new database: its tables are made by
// opening it). schemas are the components' tables by component name: a component whose
// tables src holds must be among them. transferDir holds the file transfer's bytes
// (data_dir/transfer; "" or missing: none); with transferKey (quarantine.key_file) they
// are sealed as they are copied, as a node with that key seals the files it stores. Changes
// to src wait while Migrate runs; stop every gateway process before, and point them at dst
// after.
func Migrate(ctx context.Context, src *sqlite.Backend, dst *postgres.Backend, schemas map[string]quarantine.Schema, transferDir string, transferKey []byte) (Report, error) {
	rep := Report{Tables: map[string]int64{}}
	// The chain is verified before the lock is taken (CheckAudit takes it too), and its
	// links again while it is copied.
	if _, err := sqlite.CheckAudit(src.Dir()); err != nil {
		return rep, fmt.Errorf("source: the audit log does not verify (run `sekisho quarantine verify-audit` and recover it first): %w", err)
	}
	release, err := src.Exclusive()
	if err != nil {
		return rep, fmt.Errorf("source: %w", err)
	}
	defer release()
	if err := migrateComponents(ctx, src, dst, schemas); err != nil {
		return rep, err
	}
	if err := dst.MigrateSchema(ctx, "transfer-blobs", pgblobs.Schema); err != nil {
		return rep, fmt.Errorf("destination: %w", err)
	}
	tables, err := sourceTables(ctx, src.DB())
	if err != nil {
		return rep, err
	}
	if err := mustBeEmpty(ctx, dst, tables); err != nil {
		return rep, err
	}
	sums, staged := map[string]string{}, map[string]string{}
	tx, err := dst.Pool().Begin(ctx)
	if err != nil {
		return rep, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
		return rep, err
	}
	for _, t := range tables {
		n, err := copyTable(ctx, src.DB(), tx, t)
		if err != nil {
			return rep, fmt.Errorf("table %s: %w", t, err)
		}
		rep.Tables[t] = n
	}
	for _, seq := range [][2]string{{"items", "seq"}, {"handoffs", "id"}} {
		if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence($1, $2), (SELECT max(`+seq[1]+`) FROM `+seq[0]+`))
			WHERE EXISTS (SELECT 1 FROM `+seq[0]+`)`, seq[0], seq[1]); err != nil {
			return rep, fmt.Errorf("table %s: %w", seq[0], err)
		}
	}
	if rep.AuditRecords, rep.AuditHead, err = copyAudit(ctx, filepath.Join(src.Dir(), "audit.log"), tx); err != nil {
		return rep, fmt.Errorf("audit log: %w", err)
	}
	if rep.Originals, rep.Bytes, err = copyOriginals(ctx, src, tx, sums); err != nil {
		return rep, err
	}
	if transferDir != "" {
		if rep.TransferFiles, rep.TransferBytes, err = copyTransferFiles(ctx, transferDir, transferKey, tx, make([]byte, 256<<10), staged); err != nil {
			return rep, err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return rep, err
	}
	if err := check(ctx, src, dst, rep, sums); err != nil {
		return rep, err
	}
	return rep, checkTransferFiles(ctx, dst, transferKey, rep.TransferFiles, staged)
}

// migrateComponents brings every component's tables of src up to this program's version
// and creates them in dst.
func migrateComponents(ctx context.Context, src *sqlite.Backend, dst *postgres.Backend, schemas map[string]quarantine.Schema) error {
	rows, err := src.DB().QueryContext(ctx, `SELECT component FROM schema_versions WHERE component <> 'quarantine' ORDER BY component`)
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	var comps []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return err
		}
		comps = append(comps, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range comps {
		s, ok := schemas[c]
		if !ok {
			return fmt.Errorf("source holds tables of %q, which this program does not know", c)
		}
		if len(s.Postgres) != len(s.SQLite) {
			return fmt.Errorf("source holds tables of %q, which a PostgreSQL store cannot hold yet", c)
		}
		if err := src.MigrateSchema(ctx, c, s); err != nil {
			return fmt.Errorf("source: %w", err)
		}
		if err := dst.MigrateSchema(ctx, c, s); err != nil {
			return fmt.Errorf("destination: %w", err)
		}
	}
	return nil
}

// sourceTables lists the tables to copy row by row: the quarantine's items, events and
// hand-offs first, then every component's.
func sourceTables(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{"items", "events", "handoffs"}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		if !slices.Contains(out, n) && !slices.ContainsFunc(own, func(o string) bool { return n == o || len(n) > len(o) && n[:len(o)+1] == o+"_" }) {
			out = append(out, n)
		}
	}
	return out, rows.Err()
}

func mustBeEmpty(ctx context.Context, dst *postgres.Backend, tables []string) error {
	var seq int64
	if err := dst.Pool().QueryRow(ctx, `SELECT seq FROM audit_head`).Scan(&seq); err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	if seq != 0 {
		return fmt.Errorf("destination already holds a store (%d audit records): migrate into a new database", seq)
	}
	for _, t := range tables {
		var n int64
		if err := dst.Pool().QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{t}.Sanitize()).Scan(&n); err != nil {
			return fmt.Errorf("destination has no table %s (no PostgreSQL schema for it): %w", t, err)
		}
		if n != 0 {
			return fmt.Errorf("destination table %s is not empty: migrate into a new database", t)
		}
	}
	return nil
}

// copyTable streams one table into dst's table of the same name, column by column name,
// converting what the dialects store differently (0/1 for booleans, text in a blob column).
func copyTable(ctx context.Context, src *sql.DB, tx pgx.Tx, table string) (int64, error) {
	rows, err := tx.Query(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, table)
	if err != nil {
		return 0, err
	}
	var cols, types []string
	for rows.Next() {
		var c, t string
		if err := rows.Scan(&c, &t); err != nil {
			rows.Close()
			return 0, err
		}
		cols, types = append(cols, c), append(types, t)
	}
	rows.Close()
	if len(cols) == 0 {
		return 0, errors.New("no such table in the destination")
	}
	sel := ""
	for i, c := range cols {
		if i > 0 {
			sel += ", "
		}
		sel += `"` + c + `"`
	}
	sr, err := src.QueryContext(ctx, `SELECT `+sel+` FROM "`+table+`"`)
	if err != nil {
		return 0, fmt.Errorf("source columns do not match the destination's: %w", err)
	}
	defer sr.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	next := func() ([]any, error) {
		if !sr.Next() {
			return nil, sr.Err()
		}
		if err := sr.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]any, len(vals))
		for i, v := range vals {
			row[i] = convert(v, types[i])
		}
		return row, nil
	}
	return tx.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromFunc(next))
}

func convert(v any, pgType string) any {
	switch x := v.(type) {
	case int64:
		if pgType == "boolean" {
			return x != 0
		}
	case string:
		if pgType == "bytea" {
			return []byte(x)
		}
	case []byte:
		if pgType == "text" {
			return string(x)
		}
	}
	return v
}

// copyAudit copies the current segment of the log line for line and sets the head.
func copyAudit(ctx context.Context, path string, tx pgx.Tx) (int64, string, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var last int64
	var head string
	next := func() ([]any, error) {
		if !sc.Scan() {
			return nil, sc.Err()
		}
		line := slices.Clone(sc.Bytes())
		var r quarantine.AuditRecord
		if err := json.Unmarshal(line, &r); err != nil {
			return nil, fmt.Errorf("record after %d: %w", last, err)
		}
		if last > 0 && (r.Seq != last+1 || r.Prev != head) {
			return nil, fmt.Errorf("record %d does not follow record %d: the log changed while it was copied", r.Seq, last)
		}
		h := sha256.Sum256(line)
		last, head = r.Seq, hex.EncodeToString(h[:])
		return []any{r.Seq, line, r.Time.UnixNano(), r.Action, r.ID, r.Actor, r.Node}, nil
	}
	n, err := tx.CopyFrom(ctx, pgx.Identifier{"audit"}, []string{"seq", "line", "time", "action", "item_id", "actor", "node"}, pgx.CopyFromFunc(next))
	if err != nil || n == 0 {
		return n, head, err
	}
	_, err = tx.Exec(ctx, `UPDATE audit_head SET seq = $1, hash = $2 WHERE k = 1`, last, head)
	return last, head, err
}

// copyOriginals streams every original that is still kept into a large object, as
// stored: sealed bytes stay sealed. sums receives the SHA-256 of each stored blob.
func copyOriginals(ctx context.Context, src *sqlite.Backend, tx pgx.Tx, sums map[string]string) (int64, int64, error) {
	rows, err := src.DB().QueryContext(ctx, `SELECT id FROM items WHERE status IN ($1, $2, $3) ORDER BY seq`,
		string(quarantine.Held), string(quarantine.ReleaseRequested), string(quarantine.Released))
	if err != nil {
		return 0, 0, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	var total int64
	buf := make([]byte, 256<<10)
	for _, id := range ids {
		n, sum, err := copyOriginal(ctx, src, tx, id, buf)
		if err != nil {
			return 0, 0, fmt.Errorf("original of %s: %w", id, err)
		}
		sums[id], total = sum, total+n
	}
	return int64(len(ids)), total, nil
}

func copyOriginal(ctx context.Context, src *sqlite.Backend, tx pgx.Tx, id string, buf []byte) (int64, string, error) {
	f, err := src.OpenBlob(ctx, id)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	los := tx.LargeObjects()
	oid, err := los.Create(ctx, 0)
	if err != nil {
		return 0, "", err
	}
	lo, err := los.Open(ctx, oid, pgx.LargeObjectModeWrite)
	if err != nil {
		return 0, "", err
	}
	h := sha256.New()
	n, err := io.CopyBuffer(io.MultiWriter(lo, h), f, buf)
	if err == nil {
		err = lo.Close()
	}
	if err != nil {
		return 0, "", err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO blobs (id, oid, size) VALUES ($1, $2, $3)`, id, oid, n); err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}
