package assemble

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/quarantine/postgres"
	"github.com/sekisho/sekisho/quarantine/sqlite"
)

// QuarantineDir is where the embedded quarantine lives: data_dir/quarantine.
func QuarantineDir(cfg *config.Config) string { return filepath.Join(cfg.DataDir, "quarantine") }

// SpoolDir is where the mail queue lives: data_dir/spool.
func SpoolDir(cfg *config.Config) string { return filepath.Join(cfg.DataDir, "spool") }

// ReadKeyFile reads the quarantine sealing key: 32 raw bytes, or 64 hex characters with
// optional surrounding white space. Errors name quarantine.key_file.
func ReadKeyFile(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("quarantine.key_file: %w", err)
	}
	if s := strings.TrimSpace(string(raw)); len(s) == 64 {
		key, err := hex.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("quarantine.key_file: not hex: %w", err)
		}
		return key, nil
	}
	if len(raw) == 32 {
		return raw, nil
	}
	return nil, fmt.Errorf("quarantine.key_file: want 32 bytes or 64 hex characters, got %d bytes", len(raw))
}

// OpenQuarantine opens the quarantine service over the configured store (OpenBackend),
// with the configured sealing key. The caller closes it. Components that keep tables in
// the same store reach them through Service.Backend as a quarantine.Tables.
func OpenQuarantine(cfg *config.Config, log *slog.Logger) (*quarantine.Service, error) {
	var key []byte
	if cfg.Quarantine.KeyFile != "" {
		var err error
		if key, err = ReadKeyFile(cfg.Quarantine.KeyFile); err != nil {
			return nil, err
		}
	}
	b, err := OpenBackend(context.Background(), cfg, log)
	if err != nil {
		return nil, err
	}
	s, err := quarantine.New(b, quarantine.Options{Key: key, Logger: log, RequireApproval: cfg.Portal.TwoPersonRelease})
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("quarantine.key_file: %w", err)
	}
	return s, nil
}

// OpenBackend opens the store: the embedded one under data_dir/quarantine, or the
// PostgreSQL database of a postgres:// store (connecting, and bringing its tables up to
// date). Errors name the key to look at.
func OpenBackend(ctx context.Context, cfg *config.Config, log *slog.Logger) (quarantine.Backend, error) {
	if !cfg.SharedStore() {
		return sqlite.Open(sqlite.Options{Dir: QuarantineDir(cfg), Logger: log})
	}
	o, err := PostgresOptions(cfg, log)
	if err != nil {
		return nil, err
	}
	b, err := postgres.Open(ctx, o)
	if err != nil {
		return nil, fmt.Errorf("store (%s): %w", config.RedactURL(cfg.Store), err)
	}
	return b, nil
}

// PostgresOptions maps store, node and the postgres section to the backend's options,
// reading the password file.
func PostgresOptions(cfg *config.Config, log *slog.Logger) (postgres.Options, error) {
	pg := cfg.Postgres
	o := postgres.Options{URL: cfg.Store, Node: NodeName(cfg), MaxConns: int32(pg.MaxConns), MinConns: int32(pg.MinConns),
		MaxConnLifetime: pg.ConnLifetime.Std(), ConnectTimeout: pg.ConnectTimeout.Std(), QueryTimeout: pg.QueryTimeout.Std(),
		LeadPoll: pg.LeaderCheck.Std(), Logger: log}
	if pg.PasswordFile != "" {
		b, err := os.ReadFile(pg.PasswordFile)
		if err != nil {
			return o, fmt.Errorf("postgres.password_file: %w", err)
		}
		o.Password = strings.TrimRight(string(b), "\r\n")
		if o.Password == "" {
			return o, fmt.Errorf("postgres.password_file: %s is empty", pg.PasswordFile)
		}
	}
	return o, nil
}

// NodeName is node, or the host name.
func NodeName(cfg *config.Config) string {
	if cfg.Node != "" {
		return cfg.Node
	}
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "sekisho"
	}
	return h
}

// Tables returns the store's tables for components, or an error saying the store cannot
// hold them.
func Tables(svc *quarantine.Service) (quarantine.Tables, error) {
	t, ok := svc.Backend().(quarantine.Tables)
	if !ok {
		return nil, errors.New("store: this quarantine backend cannot hold other components' tables")
	}
	return t, nil
}
