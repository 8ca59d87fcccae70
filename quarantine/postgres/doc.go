// Package postgres is the quarantine backend that several gateway nodes share: records,
// history, the release outbox, the audit chain and the originals (as large objects) in
// one PostgreSQL database, so a release clicked on one node delivers an item another
// node quarantined, and every node writes one audit trail.
//
// Audit: every change appends its audit record in the same transaction as the change,
// after locking the chain's head row (audit_head); the lock serialises appends from all
// nodes, so the records form one hash chain whichever node wrote them, and a record and
// the change it describes are committed together or not at all. Each record names the node
// that wrote it. The record format is the embedded store's (one JSON object whose prev is
// the SHA-256 of the previous record's bytes) with a node field, so a chain moved from
// SQLite by `sekisho store migrate` continues unchanged.
//
// Originals are streamed into large objects inside a transaction that commits with the
// record's blob row; a writer that dies leaves nothing behind. They are sealed by the
// Service before the backend sees them, as with any backend.
//
// Schema: each component's numbered steps run once, in order, under a transaction-level
// advisory lock (Migrate, MigrateSchema), so nodes starting together apply each step once.
// Work that must run once across nodes takes a session-level advisory lock (Lead).
package postgres
