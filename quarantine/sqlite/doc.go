// Package sqlite is the embedded quarantine backend: originals as files under the data
// directory (through os.Root, so an ID can never name a path outside it), records, history
// and the release outbox in SQLite (pure Go, WAL), and an append-only, hash-chained audit
// log of JSON lines whose head is also kept in the database, so an edited, removed,
// reordered or truncated line is detected by Verify and VerifyAudit.
//
// Several processes may use one directory at once (serve and the quarantine commands): every
// change holds an exclusive lock on the audit log for its whole duration, appends the audit
// line (fsync'd) and then commits the database transaction, so the chain and the index
// never disagree by more than the one line a crash can leave.
//
// Other components keep their tables in the same database: Migrate applies a component's
// numbered schema steps once, in order, each in its own transaction, and records the version
// reached; DB returns the handle for their queries.
package sqlite
