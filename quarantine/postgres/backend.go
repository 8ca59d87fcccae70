package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/sekisho/sekisho/quarantine"
)

// Options configure Open.
type Options struct {
	// URL is the connection string (postgres://user@host:port/db?sslmode=verify-full, or
	// libpq's key=value form); required.
	URL string
	// Password, when set, is used instead of one in URL (read from a file by the caller, so
	// the configuration does not hold it).
	Password string
	// Node names this process in audit records; default the host name.
	Node string
	// Pool limits: open connections (default 16), kept idle (default 0), recycled after
	// MaxConnLifetime (default 1h).
	MaxConns, MinConns int32
	MaxConnLifetime    time.Duration
	// ConnectTimeout bounds opening one connection (default 10s). QueryTimeout is the
	// server's statement_timeout for every statement (default 30s; 0 keeps the default).
	ConnectTimeout, QueryTimeout time.Duration
	// LeadPoll is how often a node that does not lead a task tries to take it over, and
	// how often the leader checks that its connection holds (default 5s).
	LeadPoll time.Duration
	Logger   *slog.Logger // nil discards
}

func (o *Options) defaults() {
	if o.Node == "" {
		o.Node, _ = os.Hostname()
	}
	if o.MaxConns <= 0 {
		o.MaxConns = 16
	}
	if o.MaxConnLifetime <= 0 {
		o.MaxConnLifetime = time.Hour
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = 10 * time.Second
	}
	if o.QueryTimeout == 0 {
		o.QueryTimeout = 30 * time.Second
	}
	if o.LeadPoll <= 0 {
		o.LeadPoll = 5 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// Backend is the shared quarantine backend.
type Backend struct {
	pool *pgxpool.Pool
	db   *sql.DB // the same pool, for components that use database/sql
	o    Options
	log  *slog.Logger
}

var (
	_ quarantine.Backend     = (*Backend)(nil)
	_ quarantine.Tables      = (*Backend)(nil)
	_ quarantine.Elector     = (*Backend)(nil)
	_ quarantine.AuditReader = (*Backend)(nil)
)

// ParseConfig turns o into a pool configuration; errors never include the password.
func ParseConfig(o Options) (*pgxpool.Config, error) {
	o.defaults()
	pc, err := pgxpool.ParseConfig(o.URL)
	if err != nil {
		// pgx's parse errors quote the connection string with the password masked.
		return nil, fmt.Errorf("store: %w", err)
	}
	if o.Password != "" {
		pc.ConnConfig.Password = o.Password
	}
	pc.MaxConns, pc.MinConns, pc.MaxConnLifetime = o.MaxConns, o.MinConns, o.MaxConnLifetime
	pc.ConnConfig.ConnectTimeout = o.ConnectTimeout
	rp := pc.ConnConfig.RuntimeParams
	rp["application_name"] = "sekisho " + o.Node
	if o.QueryTimeout > 0 {
		rp["statement_timeout"] = strconv.FormatInt(o.QueryTimeout.Milliseconds(), 10)
	}
	// The server notices a node that vanished (power, network) within about a minute, and
	// frees the locks it held: the lead of a task, rows of an unfinished transaction.
	rp["tcp_keepalives_idle"], rp["tcp_keepalives_interval"], rp["tcp_keepalives_count"] = "30", "10", "3"
	return pc, nil
}

// Open connects to the database and brings the quarantine's tables up to date. The
// caller calls Close.
func Open(ctx context.Context, o Options) (*Backend, error) {
	if o.URL == "" {
		return nil, errors.New("store: no database URL")
	}
	o.defaults()
	pc, err := ParseConfig(o)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	b := &Backend{pool: pool, db: stdlib.OpenDBFromPool(pool), o: o, log: o.Logger}
	if err := pool.Ping(ctx); err != nil {
		b.Close()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	if err := b.Migrate(ctx, "quarantine", schema); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

// Node is the name this backend writes into audit records.
func (b *Backend) Node() string { return b.o.Node }

// Pool is the connection pool, for tools that copy data in bulk (store migrate).
func (b *Backend) Pool() *pgxpool.Pool { return b.pool }

// DB is a database/sql handle on the same pool, for components' tables.
func (b *Backend) DB() *sql.DB { return b.db }

// Dialect is quarantine.Postgres.
func (b *Backend) Dialect() quarantine.Dialect { return quarantine.Postgres }

// Health reports a database that does not answer.
func (b *Backend) Health(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := b.pool.Ping(ctx); err != nil {
		return fmt.Errorf("store: database unreachable: %w", err)
	}
	return nil
}

// Close closes the pool.
func (b *Backend) Close() error {
	err := b.db.Close()
	b.pool.Close()
	return err
}

// inTx runs f in a transaction and commits it when f returns nil.
func (b *Backend) inTx(ctx context.Context, f func(pgx.Tx) error) error {
	tx, err := b.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
