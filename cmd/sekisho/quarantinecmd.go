package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sekisho/sekisho/internal/assemble"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/quarantine/sqlite"
)

const quarantineHelp = `Usage: sekisho quarantine SUBCOMMAND [flags] [ID]

Operator commands for the quarantine under data_dir/quarantine. Every change is written
to the hash-chained audit log with the acting operator (--actor, default $SUDO_USER or
$USER). Times are shown in the local time zone with its offset.

Subcommands:
  list          [--status held|release-requested|released|deleted|expired]
                [--sender S] [--rcpt R] [--reason TEXT] [--since 24h|7d|2026-11-01]
                [--limit N] [--json]
  show ID       [--json] [--export-sanitized FILE]
                                     details and history; --export-sanitized writes the
                                     held original rebuilt under the render policy
                                     (documents and images become image-only PDFs or
                                     re-encoded images) so it can be looked at safely
  release ID    --reason TEXT [--actor NAME] [--rcpt R]...
                                     deliver the original to its recipients (or the
                                     given ones among them); a running serve queues it
                                     within a second, otherwise the next one does
  delete ID     [--reason TEXT] [--actor NAME]
                                     remove the original; the record stays
  purge         [--older-than 720h|30d]
                                     expire items older than this (default
                                     quarantine.retention; 0 expires every item)
  verify-audit                       check the audit log's hash chain (exit 1 if broken)
                                     and list recorded breaks
  recover-audit [--actor NAME] [--note TEXT]
                                     after a break: keep the broken file, start a new
                                     segment continuing from the last good hash

Common flags:
  --config FILE   configuration file (default: the embedded defaults)

Exit status: 0 done; 1 internal error (including an audit log that refuses changes);
2 usage or configuration error, or no quarantine store under data_dir; 3 the item cannot
be exported safely; 4 no such item; 5 the operation does not apply to the item's status
(already released, deleted, expired).
`

// Exit statuses of the quarantine commands beyond the common ones (DESIGN §4).
const (
	exitNotFound = 4 // no such item
	exitState    = 5 // the operation does not apply to the item's status
)

func quarantineCmd(ctx context.Context, args []string, io stdio) int {
	if len(args) == 0 {
		fmt.Fprint(io.err, quarantineHelp)
		return exitUsage
	}
	sub, rest := args[0], args[1:]
	if sub == "-h" || sub == "--help" || sub == "help" {
		fmt.Fprint(io.out, quarantineHelp)
		return exitOK
	}
	fs := flag.NewFlagSet("quarantine "+sub, flag.ContinueOnError)
	fs.SetOutput(io.err)
	fs.Usage = func() { fmt.Fprint(io.err, quarantineHelp) }
	var cfgPath, status, sender, rcpt, reason, since, actor, note, export, olderThan string
	var rcpts multiFlag
	var limit int
	var asJSON bool
	fs.StringVar(&cfgPath, "config", "", "configuration file")
	fs.BoolVar(&asJSON, "json", false, "JSON output")
	fs.StringVar(&actor, "actor", defaultActor(), "operator name recorded in the audit log")
	switch sub {
	case "list":
		fs.StringVar(&status, "status", "", "held, release-requested, released, deleted or expired")
		fs.StringVar(&sender, "sender", "", "substring of the envelope sender")
		fs.StringVar(&rcpt, "rcpt", "", "substring of a recipient")
		fs.StringVar(&reason, "reason", "", "substring of the reason")
		fs.StringVar(&since, "since", "", "a duration ago (24h, 7d) or a date (2026-11-01)")
		fs.IntVar(&limit, "limit", 100, "most records shown")
	case "show":
		fs.StringVar(&export, "export-sanitized", "", "write the original rebuilt under the render policy to FILE")
	case "purge":
		fs.StringVar(&olderThan, "older-than", "", "age (720h, 30d; 0 for every item); default quarantine.retention")
	case "recover-audit":
		fs.StringVar(&note, "note", "", "why and what was done, recorded in the break record")
	case "release":
		fs.StringVar(&reason, "reason", "", "why the item is released (required; recorded in the audit log)")
		fs.Var(&rcpts, "rcpt", "release to this recipient only (repeatable; default all)")
	case "delete":
		fs.StringVar(&reason, "reason", "", "why the item is deleted (recorded in the audit log)")
	case "verify-audit":
	default:
		return usageError(io, "quarantine", "unknown subcommand %q", sub)
	}
	pos, err := parseArgs(fs, rest)
	if err != nil {
		return flagError(err, io, quarantineHelp)
	}
	needID := sub == "show" || sub == "release" || sub == "delete"
	if needID && len(pos) != 1 || !needID && len(pos) != 0 {
		return usageError(io, "quarantine "+sub, "wrong number of arguments")
	}
	// Flag values are checked before anything is opened.
	var q quarantine.Query
	var age time.Duration
	switch sub {
	case "list":
		q = quarantine.Query{Sender: sender, Recipient: rcpt, Reason: reason, Limit: limit}
		if status != "" {
			st := quarantine.Status(status)
			if !slices.Contains(quarantine.Statuses, st) {
				return usageError(io, "quarantine list", "--status %q: want one of %s", status, joinStatuses())
			}
			q.Status = []quarantine.Status{st}
		}
		if limit < 1 || limit > quarantine.MaxPageSize {
			return usageError(io, "quarantine list", "--limit %d: want 1 to %d", limit, quarantine.MaxPageSize)
		}
		if since != "" {
			if q.Since, err = parseSince(since); err != nil {
				return usageError(io, "quarantine list", "--since: %v", err)
			}
		}
	case "purge":
		if olderThan != "" {
			if age, err = parseAge(olderThan); err != nil {
				return usageError(io, "quarantine purge", "--older-than: %v", err)
			}
		}
	case "release":
		if strings.TrimSpace(reason) == "" {
			return usageError(io, "quarantine release", "--reason is required")
		}
	case "show":
		if export != "" && asJSON {
			return usageError(io, "quarantine show", "--json and --export-sanitized cannot be combined")
		}
	}
	cfg, err := loadConfig(cfgPath)
	if err != nil {
		fmt.Fprintln(io.err, err)
		return exitUsage
	}
	// Opening creates a store where none is: a mistyped --config or data_dir would hand an
	// operator an empty quarantine that looks like the real one.
	dir := assemble.QuarantineDir(cfg)
	if !cfg.SharedStore() {
		if _, err := os.Stat(filepath.Join(dir, "index.db")); err != nil {
			fmt.Fprintf(io.err, "sekisho quarantine: no quarantine store in %s (data_dir %s): check --config and data_dir\n", dir, cfg.DataDir)
			return exitUsage
		}
		if sub == "verify-audit" {
			return verifyAudit(io, dir)
		}
	}
	log := newLogger(cfg.Log, io.err)
	store, err := assemble.OpenQuarantine(cfg, log)
	if err != nil {
		fmt.Fprintf(io.err, "sekisho quarantine: %v\n", err)
		return exitInternal
	}
	defer store.Close()
	if err := store.Health(ctx); err != nil && sub != "recover-audit" {
		// Reads go on; every change is refused by the store until an operator recovers.
		fmt.Fprintf(io.err, "sekisho quarantine: warning: %v\n", err)
	}

	fail := func(err error) int { return quarantineFail(io, "quarantine "+sub, err) }
	switch sub {
	case "list":
		page, err := store.Search(ctx, q)
		if err != nil {
			return fail(err)
		}
		if asJSON {
			return writeJSON(io, localRecords(page.Records))
		}
		writeList(io.out, page.Records)
		return exitOK
	case "show":
		r, err := store.Get(ctx, pos[0])
		if err != nil {
			return fail(err)
		}
		if export != "" {
			if export != "-" {
				writeRecord(io.out, r)
			}
			return exportSanitized(ctx, cfg, log, store, r, export, quarantine.Actor(actor), io)
		}
		if asJSON {
			return writeJSON(io, localRecord(r))
		}
		writeRecord(io.out, r)
		return exitOK
	case "release":
		r, err := store.Release(ctx, pos[0], quarantine.ReleaseRequest{Actor: quarantine.Actor(actor), Reason: reason, Rcpts: rcpts})
		if err != nil {
			return fail(err)
		}
		to := r.Rcpts
		if len(rcpts) > 0 {
			to = rcpts
		}
		fmt.Fprintf(io.out, "released %s to %s (the gateway queues it for delivery)\n", r.ID, termSafe(strings.Join(to, ", ")))
		return exitOK
	case "delete":
		r, err := store.Delete(ctx, pos[0], quarantine.Actor(actor), reason)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(io.out, "deleted %s\n", r.ID)
		return exitOK
	case "verify-audit": // a shared store: the chain is in its database
		n, err := store.Verify(ctx)
		if err != nil {
			fmt.Fprintf(io.err, "sekisho quarantine verify-audit: FAILED: %v\n", err)
			return exitInternal
		}
		fmt.Fprintf(io.out, "ok: audit chain of %d records is intact\n", n)
		return exitOK
	case "recover-audit":
		b, ok := store.Backend().(*sqlite.Backend)
		if !ok {
			return fail(fmt.Errorf("the shared store's audit chain is in its database, with no file to recover: verify-audit says where it breaks"))
		}
		rec, err := b.RecoverAudit(ctx, actor, note)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(io.out, "recovered: new audit segment starts at record %d, continuing from %s\n", rec.Seq, rec.Prev)
		if rec.Segment != "" {
			fmt.Fprintf(io.out, "the broken file is kept as %s\n", rec.Segment)
		}
		fmt.Fprintf(io.out, "break: %s\n", rec.Detail)
		return exitOK
	case "purge":
		if olderThan == "" {
			age = cfg.Quarantine.Retention.Std()
		}
		n, err := store.Purge(ctx, age, quarantine.Actor(actor))
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(io.out, "purged %d items older than %s\n", n, age)
		return exitOK
	}
	return exitUsage
}

// quarantineFail reports err and maps it to the documented exit status.
func quarantineFail(io stdio, cmd string, err error) int {
	fmt.Fprintf(io.err, "sekisho %s: %v\n", cmd, err)
	switch {
	case errors.Is(err, quarantine.ErrNotFound):
		return exitNotFound
	case errors.Is(err, quarantine.ErrState):
		return exitState
	}
	return exitInternal
}

func joinStatuses() string {
	s := make([]string, len(quarantine.Statuses))
	for i, st := range quarantine.Statuses {
		s[i] = string(st)
	}
	return strings.Join(s, ", ")
}

// verifyAudit checks the chain and lists the recorded breaks; exit 1 while it is broken.
func verifyAudit(io stdio, dir string) int {
	rep, err := sqlite.CheckAudit(dir)
	if err != nil {
		fmt.Fprintf(io.err, "sekisho quarantine verify-audit: FAILED: %v\n", err)
		fmt.Fprintln(io.err, "changes to the quarantine are refused until an operator runs \"sekisho quarantine recover-audit\"")
		return exitInternal
	}
	fmt.Fprintf(io.out, "ok: audit chain of %d records is intact\n", rep.Records)
	for _, b := range rep.Breaks {
		fmt.Fprintf(io.out, "break recovered at record %d (%s, by %s): %s\n  earlier segment %s\n",
			b.Record.Seq, localTime(b.Record.Time), termSafe(b.Record.Actor), termSafe(b.Record.Detail), termSafe(b.Previous))
	}
	return exitOK
}

func writeJSON(io stdio, v any) int {
	enc := json.NewEncoder(io.out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return exitInternal
	}
	return exitOK
}

func parseSince(s string) (time.Time, error) {
	if d, err := parseAge(s); err == nil {
		return time.Now().Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("want a duration (24h, 7d) or a date (2006-01-02), got %q", s)
}

// parseAge reads an age as a Go duration (720h, 90m) or a number of days (30d), which is
// how retention is usually thought of. Negative ages are refused.
func parseAge(s string) (time.Duration, error) {
	var d time.Duration
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days > 100*365 {
			return 0, fmt.Errorf("want a duration (720h) or days (30d), got %q", s)
		}
		d = time.Duration(days) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("want a duration (720h) or days (30d), got %q", s)
		}
	}
	if d < 0 {
		return 0, fmt.Errorf("must not be negative, got %q", s)
	}
	return d, nil
}

func defaultActor() string {
	for _, k := range []string{"SUDO_USER", "USER", "LOGNAME"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return "cli"
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
