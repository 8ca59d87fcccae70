package quarantine

import (
	"context"
	"database/sql"
	"time"
)

// Dialect names the SQL a store's database speaks.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Schema is one component's tables, per dialect: entry i takes the tables from version i
// to i+1. Entries are append-only once shipped; both lists have the same length.
type Schema struct {
	SQLite   []string
	Postgres []string
}

// Steps returns the entries for d.
func (s Schema) Steps(d Dialect) []string {
	if d == Postgres {
		return s.Postgres
	}
	return s.SQLite
}

// Tables is implemented by a backend that holds other components' tables (portal
// accounts and sessions, PPAP tries, statistics, transfers) beside the quarantine's, so
// one store, and with PostgreSQL one database shared by every node, holds everything.
//
// Queries on DB write their placeholders as $1, $2, ...: PostgreSQL needs them and the
// embedded SQLite driver binds $N by position too (? fails on PostgreSQL). Keep to SQL
// both understand (INSERT ... ON CONFLICT, CASE, substr); a column of 64-bit values is
// BIGINT in the Postgres schema, binary data BYTEA.
type Tables interface {
	DB() *sql.DB
	Dialect() Dialect
	// MigrateSchema brings component's tables to the version of s, each step once, in
	// order, even with several processes starting at once.
	MigrateSchema(ctx context.Context, component string, s Schema) error
}

// Elector is implemented by a backend that several nodes share: work that must run once
// (retention purge, expiry, digests) runs on the one node that leads it. Without one,
// every process runs such work itself.
type Elector interface {
	// Lead waits until this node leads task or ctx ends (then it returns ctx's error).
	// The returned context ends when the lead is lost (the database connection broke) or
	// ctx ends; release gives the lead up and must be called.
	Lead(ctx context.Context, task string) (lead context.Context, release func(), err error)
	// LastRun is when task last ran on any node (zero if never); Ran records a run. A
	// node that takes the lead over waits out the interval its predecessor started.
	LastRun(ctx context.Context, task string) (time.Time, error)
	Ran(ctx context.Context, task string, at time.Time) error
}

// AuditFilter selects records for AuditReader.ReadAudit. Zero fields match everything.
type AuditFilter struct {
	Before int64  // records with a smaller sequence number only
	Actor  string // a case-insensitive substring of the actor
	Action string
	Item   string
	Limit  int // default 100, at most 1000
}

// AuditReader is implemented by a backend whose audit records live in its database (the
// embedded store's are a file that its readers scan).
type AuditReader interface {
	// ReadAudit returns the newest records matching f, newest first, and whether older
	// ones match too.
	ReadAudit(ctx context.Context, f AuditFilter) ([]AuditRecord, bool, error)
}
