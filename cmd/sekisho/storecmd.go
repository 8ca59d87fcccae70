package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/internal/assemble"
	"github.com/sekisho/sekisho/internal/storemigrate"
	"github.com/sekisho/sekisho/quarantine/postgres"
	"github.com/sekisho/sekisho/quarantine/sqlite"
)

const storeHelp = `Usage: sekisho store migrate --config FILE --to postgres://...

Moves the embedded store of the configuration's data_dir (data_dir/quarantine: records,
their history, held originals, the audit log, portal accounts, sessions and statistics,
file transfers with data_dir/transfer) into an empty PostgreSQL database that several nodes can then share. Everything is
copied in one transaction and checked afterwards (rows per table, the audit chain to the
same head, every original by SHA-256); the embedded store is left as it was.

Stop every sekisho process of this data_dir first; afterwards set store: to the URL in
the configuration of every node. The database password is read from
postgres.password_file of the configuration, never from the command line.

Flags:
  --config FILE   configuration of the installation to move (store: sqlite)
  --to URL        the PostgreSQL database (postgres://user@host:port/db?sslmode=...)
`

func storeCmd(ctx context.Context, args []string, io stdio) int {
	if len(args) == 0 {
		fmt.Fprint(io.err, storeHelp)
		return exitUsage
	}
	sub, rest := args[0], args[1:]
	if sub == "-h" || sub == "--help" || sub == "help" {
		fmt.Fprint(io.out, storeHelp)
		return exitOK
	}
	if sub != "migrate" {
		return usageError(io, "store", "unknown subcommand %q", sub)
	}
	fs := flag.NewFlagSet("store migrate", flag.ContinueOnError)
	fs.SetOutput(io.err)
	fs.Usage = func() { fmt.Fprint(io.err, storeHelp) }
	var cfgPath, to string
	fs.StringVar(&cfgPath, "config", "", "configuration file")
	fs.StringVar(&to, "to", "", "the PostgreSQL database")
	pos, err := parseArgs(fs, rest)
	if err != nil {
		return flagError(err, io, storeHelp)
	}
	if len(pos) != 0 {
		return usageError(io, "store migrate", "wrong number of arguments")
	}
	cfg, err := loadConfig(cfgPath)
	if err != nil {
		fmt.Fprintln(io.err, err)
		return exitUsage
	}
	if cfg.SharedStore() {
		return usageError(io, "store migrate", "the configuration's store is already %s: give the configuration of the embedded store", config.RedactURL(cfg.Store))
	}
	dst := *cfg
	dst.Store = to
	if err := dst.Validate(); err != nil || to == "" {
		return usageError(io, "store migrate", "--to %q: want a postgres:// URL", config.RedactURL(to))
	}
	dir := assemble.QuarantineDir(cfg)
	if _, err := os.Stat(filepath.Join(dir, "index.db")); err != nil {
		fmt.Fprintf(io.err, "sekisho store migrate: no store in %s (data_dir %s): check --config and data_dir\n", dir, cfg.DataDir)
		return exitUsage
	}
	fail := func(err error) int {
		fmt.Fprintf(io.err, "sekisho store migrate: %v\n", err)
		return exitInternal
	}
	// Transfer files are sealed as they are copied, as the nodes seal what they store.
	var key []byte
	if cfg.Quarantine.KeyFile != "" {
		if key, err = assemble.ReadKeyFile(cfg.Quarantine.KeyFile); err != nil {
			return fail(err)
		}
	}
	log := newLogger(cfg.Log, io.err)
	src, err := sqlite.Open(sqlite.Options{Dir: dir, Logger: log})
	if err != nil {
		return fail(err)
	}
	defer src.Close()
	o, err := assemble.PostgresOptions(&dst, log)
	if err != nil {
		return fail(err)
	}
	db, err := postgres.Open(ctx, o)
	if err != nil {
		return fail(fmt.Errorf("--to %s: %w", config.RedactURL(to), err))
	}
	defer db.Close()
	rep, err := storemigrate.Migrate(ctx, src, db, assemble.ComponentSchemas(), assemble.TransferDir(cfg), key)
	if err != nil {
		return fail(err)
	}
	tables := make([]string, 0, len(rep.Tables))
	for t := range rep.Tables {
		tables = append(tables, t)
	}
	slices.Sort(tables)
	for _, t := range tables {
		fmt.Fprintf(io.out, "table %-20s %d rows\n", t, rep.Tables[t])
	}
	fmt.Fprintf(io.out, "originals %d (%d bytes), compared by SHA-256\n", rep.Originals, rep.Bytes)
	sealed := ""
	if key != nil && rep.TransferFiles > 0 {
		sealed = ", sealed with quarantine.key_file"
	}
	fmt.Fprintf(io.out, "transfer files %d (%d bytes%s), compared by SHA-256\n", rep.TransferFiles, rep.TransferBytes, sealed)
	fmt.Fprintf(io.out, "audit chain %d records, head %s, verified\n", rep.AuditRecords, rep.AuditHead)
	fmt.Fprintf(io.out, "ok: now set store: %s in the configuration of every node\n", config.RedactURL(to))
	return exitOK
}
