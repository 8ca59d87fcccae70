package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sekisho/sekisho/quarantine"
)

// Step is one schema change of a component: SQL, or Go for what SQL cannot say (moving data
// between shapes).
type Step func(ctx context.Context, tx *sql.Tx) error

// SQL returns a Step that executes stmts (several statements separated by semicolons).
func SQL(stmts string) Step {
	return func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, stmts)
		return err
	}
}

// Migrate brings the tables of component up to version len(steps): steps[i] takes them
// from version i to i+1. Each step runs in its own transaction with the version it
// reaches, so a crash leaves a consistent version, and two processes opening the store at
// once apply each step once. Steps are append-only: never edit one that has shipped.
func (b *Backend) Migrate(ctx context.Context, component string, steps []Step) error {
	if _, err := b.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_versions (
		component TEXT PRIMARY KEY, version INTEGER NOT NULL, updated INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("quarantine: schema versions: %w", err)
	}
	for {
		done, err := b.migrateOne(ctx, component, steps)
		if err != nil || done {
			return err
		}
	}
}

func (b *Backend) migrateOne(ctx context.Context, component string, steps []Step) (done bool, err error) {
	tx, err := b.w.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var v int
	err = tx.QueryRowContext(ctx, `SELECT version FROM schema_versions WHERE component = ?`, component).Scan(&v)
	if err != nil && err != sql.ErrNoRows {
		return false, err
	}
	switch {
	case v == len(steps):
		return true, nil
	case v > len(steps):
		return false, fmt.Errorf("quarantine: %s tables are at version %d, this program knows %d: it is older than the data", component, v, len(steps))
	}
	if err := steps[v](ctx, tx); err != nil {
		return false, fmt.Errorf("quarantine: %s schema step %d: %w", component, v+1, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_versions (component, version, updated) VALUES (?, ?, ?)
		ON CONFLICT(component) DO UPDATE SET version = excluded.version, updated = excluded.updated`,
		component, v+1, time.Now().UnixNano()); err != nil {
		return false, err
	}
	return false, tx.Commit()
}

// MigrateSchema applies a component's SQLite steps (quarantine.Tables).
func (b *Backend) MigrateSchema(ctx context.Context, component string, s quarantine.Schema) error {
	steps := make([]Step, len(s.SQLite))
	for i, q := range s.SQLite {
		steps[i] = SQL(q)
	}
	return b.Migrate(ctx, component, steps)
}

// Dialect is quarantine.SQLite.
func (b *Backend) Dialect() quarantine.Dialect { return quarantine.SQLite }

// schema is the quarantine's own tables.
var schema = []Step{
	// 1: the first release's tables (IF NOT EXISTS: stores created before versioning are
	// at this version already).
	SQL(`CREATE TABLE IF NOT EXISTS items (
		id TEXT PRIMARY KEY, time INTEGER NOT NULL, kind TEXT, direction TEXT, queue_id TEXT,
		mail_from TEXT, rcpts TEXT, subject TEXT, file_name TEXT, declared_type TEXT,
		detected_type TEXT, size INTEGER, sha256 TEXT, reason TEXT, status TEXT NOT NULL,
		history TEXT NOT NULL);
	CREATE INDEX IF NOT EXISTS items_time ON items(time);
	CREATE INDEX IF NOT EXISTS items_status ON items(status, time);
	CREATE TABLE IF NOT EXISTS audit_head (k INTEGER PRIMARY KEY CHECK (k = 1), seq INTEGER, hash TEXT);`),
	// 2: history in its own table (a list page never reads it); the release outbox; items
	// rebuilt around an INTEGER PRIMARY KEY (a rowid that VACUUM never renumbers) that a
	// trigram index refers to, for substring search over 100,000 items; sort indexes,
	// which end in that key, the tie-breaker, so a page needs no sort step.
	func(ctx context.Context, tx *sql.Tx) error {
		if err := moveHistory(ctx, tx); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `CREATE TABLE handoffs (
			id INTEGER PRIMARY KEY AUTOINCREMENT, item_id TEXT NOT NULL, rcpts TEXT NOT NULL,
			actor TEXT NOT NULL, reason TEXT NOT NULL, created INTEGER NOT NULL,
			owner TEXT NOT NULL DEFAULT '', lease_until INTEGER NOT NULL DEFAULT 0,
			done INTEGER NOT NULL DEFAULT 0);
		CREATE INDEX handoffs_pending ON handoffs(done, lease_until);
		CREATE TABLE items_v2 (
			seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, time INTEGER NOT NULL,
			kind TEXT NOT NULL, direction TEXT NOT NULL, queue_id TEXT NOT NULL, mail_from TEXT NOT NULL,
			rcpts TEXT NOT NULL, subject TEXT NOT NULL, file_name TEXT NOT NULL, declared_type TEXT NOT NULL,
			detected_type TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL, reason TEXT NOT NULL,
			status TEXT NOT NULL);
		INSERT INTO items_v2 (id, time, kind, direction, queue_id, mail_from, rcpts, subject, file_name,
			declared_type, detected_type, size, sha256, reason, status)
			SELECT id, time, ifnull(kind, ''), ifnull(direction, ''), ifnull(queue_id, ''), ifnull(mail_from, ''),
			ifnull(rcpts, ''), ifnull(subject, ''), ifnull(file_name, ''), ifnull(declared_type, ''),
			ifnull(detected_type, ''), ifnull(size, 0), ifnull(sha256, ''), ifnull(reason, ''), status
			FROM items ORDER BY time, id;
		DROP TABLE items;
		ALTER TABLE items_v2 RENAME TO items;
		CREATE INDEX items_time ON items(time);
		CREATE INDEX items_status ON items(status, time);
		CREATE INDEX items_size ON items(size);
		CREATE INDEX items_from ON items(mail_from);
		CREATE INDEX items_subject ON items(subject);
		CREATE INDEX items_file ON items(file_name);
		CREATE INDEX items_queue ON items(queue_id);
		CREATE VIRTUAL TABLE items_fts USING fts5(mail_from, rcpts, subject, file_name, reason, types,
			tokenize = 'trigram');
		INSERT INTO items_fts (rowid, mail_from, rcpts, subject, file_name, reason, types)
			SELECT seq, mail_from, rcpts, subject, file_name, reason, declared_type || ' ' || detected_type FROM items;
		CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
			INSERT INTO items_fts (rowid, mail_from, rcpts, subject, file_name, reason, types)
			VALUES (new.seq, new.mail_from, new.rcpts, new.subject, new.file_name, new.reason,
				new.declared_type || ' ' || new.detected_type);
		END;
		CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
			DELETE FROM items_fts WHERE rowid = old.seq;
		END;`)
		return err
	},
}

// moveHistory creates the events table from the JSON history of the first release's rows.
func moveHistory(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `CREATE TABLE events (
		item_id TEXT NOT NULL, seq INTEGER NOT NULL, time INTEGER NOT NULL, action TEXT NOT NULL,
		actor TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', rcpts TEXT NOT NULL DEFAULT '',
		detail TEXT NOT NULL DEFAULT '', PRIMARY KEY (item_id, seq)) WITHOUT ROWID`); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, history FROM items`)
	if err != nil {
		return err
	}
	type old struct {
		Time   time.Time `json:"time"`
		Action string    `json:"action"`
		Actor  string    `json:"actor"`
		Detail string    `json:"detail"`
	}
	hist := map[string][]old{}
	for rows.Next() {
		var id, h string
		if err := rows.Scan(&id, &h); err != nil {
			rows.Close()
			return err
		}
		var evs []old
		if err := json.Unmarshal([]byte(h), &evs); err != nil {
			rows.Close()
			return fmt.Errorf("item %s: history: %w", id, err)
		}
		hist[id] = evs
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for id, evs := range hist {
		for i, e := range evs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO events (item_id, seq, time, action, actor, detail) VALUES (?,?,?,?,?,?)`,
				id, i, e.Time.UnixNano(), e.Action, e.Actor, e.Detail); err != nil {
				return err
			}
		}
	}
	return nil
}
