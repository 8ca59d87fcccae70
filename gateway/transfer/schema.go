package transfer

import "github.com/sekisho/sekisho/quarantine"

// Schema is the transfer tables, applied under the component name "transfer" (one entry
// per version and dialect, append-only once shipped). Times are Unix nanoseconds. Tokens
// are stored as their SHA-256 only. Queries use $N placeholders, which both drivers bind.
var Schema = quarantine.Schema{
	SQLite: []string{
		// 1
		`CREATE TABLE transfer_transfers (
			id TEXT PRIMARY KEY, direction TEXT NOT NULL, state TEXT NOT NULL, owner TEXT NOT NULL,
			department TEXT NOT NULL, sender TEXT NOT NULL, sender_info TEXT NOT NULL, link_id TEXT NOT NULL,
			subject TEXT NOT NULL, message TEXT NOT NULL, recipients TEXT NOT NULL, key_hash TEXT NOT NULL,
			created INTEGER NOT NULL, updated INTEGER NOT NULL, expires INTEGER NOT NULL, done INTEGER NOT NULL,
			bytes INTEGER NOT NULL, mode TEXT NOT NULL, approval TEXT NOT NULL, approver TEXT NOT NULL,
			decided INTEGER NOT NULL, decision_reason TEXT NOT NULL, link_expiry INTEGER NOT NULL,
			max_downloads INTEGER NOT NULL, access_code INTEGER NOT NULL);
			CREATE INDEX transfer_transfers_owner ON transfer_transfers(owner, created);
			CREATE INDEX transfer_transfers_state ON transfer_transfers(state, expires);
			CREATE INDEX transfer_transfers_approval ON transfer_transfers(approval, created);
			CREATE INDEX transfer_transfers_key ON transfer_transfers(key_hash);
			CREATE TABLE transfer_files (
			id TEXT PRIMARY KEY, transfer_id TEXT NOT NULL, seq INTEGER NOT NULL, name TEXT NOT NULL, raw_name TEXT NOT NULL,
			declared_type TEXT NOT NULL, length INTEGER NOT NULL, received INTEGER NOT NULL, state TEXT NOT NULL,
			sha256 TEXT NOT NULL, detected TEXT NOT NULL, verdict TEXT NOT NULL, reason TEXT NOT NULL,
			actions TEXT NOT NULL, notes TEXT NOT NULL, out_blob TEXT NOT NULL, out_size INTEGER NOT NULL,
			out_name TEXT NOT NULL, out_type TEXT NOT NULL, quarantine_id TEXT NOT NULL,
			created INTEGER NOT NULL, updated INTEGER NOT NULL);
			CREATE INDEX transfer_files_transfer ON transfer_files(transfer_id, seq);
			CREATE INDEX transfer_files_state ON transfer_files(state);
			CREATE INDEX transfer_files_blob ON transfer_files(out_blob);
			CREATE TABLE transfer_upload_links (
			id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, owner TEXT NOT NULL, label TEXT NOT NULL,
			partner TEXT NOT NULL, created INTEGER NOT NULL, expires INTEGER NOT NULL, max_bytes INTEGER NOT NULL,
			one_time INTEGER NOT NULL, uses INTEGER NOT NULL, revoked INTEGER NOT NULL);
			CREATE INDEX transfer_upload_links_owner ON transfer_upload_links(owner, created);
			CREATE TABLE transfer_links (
			id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, transfer_id TEXT NOT NULL, recipient TEXT NOT NULL,
			code_hash TEXT NOT NULL, code_failures INTEGER NOT NULL, created INTEGER NOT NULL, expires INTEGER NOT NULL,
			max_downloads INTEGER NOT NULL, revoked INTEGER NOT NULL, sent INTEGER NOT NULL);
			CREATE INDEX transfer_links_transfer ON transfer_links(transfer_id);
			CREATE TABLE transfer_downloads (
			link_id TEXT NOT NULL, file_id TEXT NOT NULL, n INTEGER NOT NULL, bytes INTEGER NOT NULL,
			PRIMARY KEY (link_id, file_id)) WITHOUT ROWID;`,
		// 2
		`CREATE TABLE transfer_outbox (id TEXT PRIMARY KEY, rcpts TEXT NOT NULL, msg BLOB NOT NULL, created INTEGER NOT NULL);`,
		// 3: the node sanitizing a file, and until when (lease.go)
		`ALTER TABLE transfer_files ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
			ALTER TABLE transfer_files ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;`,
	},
	Postgres: []string{
		// 1
		`CREATE TABLE transfer_transfers (
			id TEXT PRIMARY KEY, direction TEXT NOT NULL, state TEXT NOT NULL, owner TEXT NOT NULL,
			department TEXT NOT NULL, sender TEXT NOT NULL, sender_info TEXT NOT NULL, link_id TEXT NOT NULL,
			subject TEXT NOT NULL, message TEXT NOT NULL, recipients TEXT NOT NULL, key_hash TEXT NOT NULL,
			created BIGINT NOT NULL, updated BIGINT NOT NULL, expires BIGINT NOT NULL, done BIGINT NOT NULL,
			bytes BIGINT NOT NULL, mode TEXT NOT NULL, approval TEXT NOT NULL, approver TEXT NOT NULL,
			decided BIGINT NOT NULL, decision_reason TEXT NOT NULL, link_expiry BIGINT NOT NULL,
			max_downloads BIGINT NOT NULL, access_code BIGINT NOT NULL);
			CREATE INDEX transfer_transfers_owner ON transfer_transfers(owner, created);
			CREATE INDEX transfer_transfers_state ON transfer_transfers(state, expires);
			CREATE INDEX transfer_transfers_approval ON transfer_transfers(approval, created);
			CREATE INDEX transfer_transfers_key ON transfer_transfers(key_hash);
			CREATE TABLE transfer_files (
			id TEXT PRIMARY KEY, transfer_id TEXT NOT NULL, seq BIGINT NOT NULL, name TEXT NOT NULL, raw_name TEXT NOT NULL,
			declared_type TEXT NOT NULL, length BIGINT NOT NULL, received BIGINT NOT NULL, state TEXT NOT NULL,
			sha256 TEXT NOT NULL, detected TEXT NOT NULL, verdict TEXT NOT NULL, reason TEXT NOT NULL,
			actions TEXT NOT NULL, notes TEXT NOT NULL, out_blob TEXT NOT NULL, out_size BIGINT NOT NULL,
			out_name TEXT NOT NULL, out_type TEXT NOT NULL, quarantine_id TEXT NOT NULL,
			created BIGINT NOT NULL, updated BIGINT NOT NULL);
			CREATE INDEX transfer_files_transfer ON transfer_files(transfer_id, seq);
			CREATE INDEX transfer_files_state ON transfer_files(state);
			CREATE INDEX transfer_files_blob ON transfer_files(out_blob);
			CREATE TABLE transfer_upload_links (
			id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, owner TEXT NOT NULL, label TEXT NOT NULL,
			partner TEXT NOT NULL, created BIGINT NOT NULL, expires BIGINT NOT NULL, max_bytes BIGINT NOT NULL,
			one_time BIGINT NOT NULL, uses BIGINT NOT NULL, revoked BIGINT NOT NULL);
			CREATE INDEX transfer_upload_links_owner ON transfer_upload_links(owner, created);
			CREATE TABLE transfer_links (
			id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, transfer_id TEXT NOT NULL, recipient TEXT NOT NULL,
			code_hash TEXT NOT NULL, code_failures BIGINT NOT NULL, created BIGINT NOT NULL, expires BIGINT NOT NULL,
			max_downloads BIGINT NOT NULL, revoked BIGINT NOT NULL, sent BIGINT NOT NULL);
			CREATE INDEX transfer_links_transfer ON transfer_links(transfer_id);
			CREATE TABLE transfer_downloads (
			link_id TEXT NOT NULL, file_id TEXT NOT NULL, n BIGINT NOT NULL, bytes BIGINT NOT NULL,
			PRIMARY KEY (link_id, file_id));`,
		// 2
		`CREATE TABLE transfer_outbox (id TEXT PRIMARY KEY, rcpts TEXT NOT NULL, msg BYTEA NOT NULL, created BIGINT NOT NULL);`,
		// 3
		`ALTER TABLE transfer_files ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
			ALTER TABLE transfer_files ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;`,
	},
}
