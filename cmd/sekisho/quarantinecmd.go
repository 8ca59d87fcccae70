package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sekisho/sekisho/internal/assemble"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/quarantine/sqlite"
)

const quarantineHelp = `Usage: sekisho quarantine SUBCOMMAND [flags] [ID]

Operator commands for the quarantine under data_dir/quarantine. Every change is written
to the hash-chained audit log with the acting operator (--actor, default $SUDO_USER or
$USER).

Subcommands:
  list          [--status held|released|deleted|expired] [--sender S] [--rcpt R]
                [--reason TEXT] [--since 24h|2026-11-01] [--limit N] [--json]
  show ID       [--json]             details and history
  release ID    --reason TEXT [--actor NAME] [--rcpt R]...
                                     deliver the original to its recipients (or the
                                     given ones among them); a running serve queues it
                                     within a second, otherwise the next one does
  delete ID     [--reason TEXT] [--actor NAME]
                                     remove the original; the record stays
  purge         [--older-than 720h]  expire items older than quarantine.retention
  verify-audit                       check the audit log's hash chain (exit 1 if broken)
                                     and list recorded breaks
  recover-audit [--actor NAME] [--note TEXT]
                                     after a break: keep the broken file, start a new
                                     segment continuing from the last good hash

Common flags:
  --config FILE   configuration file (default: the embedded defaults)
`

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
	var cfgPath, status, sender, rcpt, reason, since, actor, note string
	var rcpts multiFlag
	var limit int
	var asJSON bool
	var olderThan time.Duration
	fs.StringVar(&cfgPath, "config", "", "configuration file")
	fs.BoolVar(&asJSON, "json", false, "JSON output")
	fs.StringVar(&actor, "actor", defaultActor(), "operator name recorded in the audit log")
	switch sub {
	case "list":
		fs.StringVar(&status, "status", "", "held, released, deleted or expired")
		fs.StringVar(&sender, "sender", "", "substring of the envelope sender")
		fs.StringVar(&rcpt, "rcpt", "", "substring of a recipient")
		fs.StringVar(&reason, "reason", "", "substring of the reason")
		fs.StringVar(&since, "since", "", "a duration ago (24h) or a date (2026-11-01)")
		fs.IntVar(&limit, "limit", 100, "most records shown")
	case "purge":
		fs.DurationVar(&olderThan, "older-than", 0, "age; default quarantine.retention")
	case "recover-audit":
		fs.StringVar(&note, "note", "", "why and what was done, recorded in the break record")
	case "release":
		fs.StringVar(&reason, "reason", "", "why the item is released (required; recorded in the audit log)")
		fs.Var(&rcpts, "rcpt", "release to this recipient only (repeatable; default all)")
	case "delete":
		fs.StringVar(&reason, "reason", "", "why the item is deleted (recorded in the audit log)")
	case "show", "verify-audit":
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
	cfg, err := loadConfig(cfgPath)
	if err != nil {
		fmt.Fprintln(io.err, err)
		return exitUsage
	}
	if sub == "verify-audit" {
		return verifyAudit(io, assemble.QuarantineDir(cfg))
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

	fail := func(err error) int {
		fmt.Fprintf(io.err, "sekisho quarantine %s: %v\n", sub, err)
		return exitInternal
	}
	switch sub {
	case "list":
		q := quarantine.Query{Sender: sender, Recipient: rcpt, Reason: reason, Limit: limit}
		if status != "" {
			q.Status = []quarantine.Status{quarantine.Status(status)}
		}
		if since != "" {
			if q.Since, err = parseSince(since); err != nil {
				return usageError(io, "quarantine list", "--since: %v", err)
			}
		}
		page, err := store.Search(ctx, q)
		if err != nil {
			return fail(err)
		}
		recs := page.Records
		if asJSON {
			return writeJSON(io, recs)
		}
		tw := tabwriter.NewWriter(io.out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tTIME\tSTATUS\tKIND\tFROM\tNAME\tREASON")
		for _, r := range recs {
			name := r.FileName
			if name == "" {
				name = r.Subject
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Time.Local().Format("2006-01-02 15:04"), r.Status, r.Kind,
				clip(r.MailFrom, 30), clip(name, 40), clip(r.Reason, 60))
		}
		tw.Flush()
		return exitOK
	case "show":
		r, err := store.Get(ctx, pos[0])
		if err != nil {
			return fail(err)
		}
		if asJSON {
			return writeJSON(io, r)
		}
		fmt.Fprintf(io.out, "ID:        %s\nTime:      %s\nStatus:    %s\nKind:      %s\nDirection: %s\nQueue ID:  %s\nFrom:      %s\nTo:        %s\nSubject:   %s\nFile:      %s\nDeclared:  %s\nDetected:  %s\nSize:      %d\nSHA-256:   %s\nReason:    %s\nHistory:\n",
			r.ID, r.Time.Local().Format(time.RFC3339), r.Status, r.Kind, r.Direction, r.QueueID, r.MailFrom,
			strings.Join(r.Rcpts, ", "), r.Subject, r.FileName, r.DeclaredType, r.DetectedType, r.Size, r.SHA256, r.Reason)
		for _, e := range r.History {
			fmt.Fprintf(io.out, "  %s  %-10s %s %s\n", e.Time.Local().Format(time.RFC3339), e.Action, e.Actor, e.Detail)
		}
		return exitOK
	case "release":
		if strings.TrimSpace(reason) == "" {
			return usageError(io, "quarantine release", "--reason is required")
		}
		r, err := store.Release(ctx, pos[0], quarantine.ReleaseRequest{Actor: quarantine.Actor(actor), Reason: reason, Rcpts: rcpts})
		if err != nil {
			return fail(err)
		}
		to := r.Rcpts
		if len(rcpts) > 0 {
			to = rcpts
		}
		fmt.Fprintf(io.out, "released %s to %s (the gateway queues it for delivery)\n", r.ID, strings.Join(to, ", "))
		return exitOK
	case "delete":
		r, err := store.Delete(ctx, pos[0], quarantine.Actor(actor), reason)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(io.out, "deleted %s\n", r.ID)
		return exitOK
	case "recover-audit":
		b, ok := store.Backend().(*sqlite.Backend)
		if !ok {
			return fail(fmt.Errorf("the quarantine backend has no audit file to recover"))
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
		if olderThan <= 0 {
			olderThan = cfg.Quarantine.Retention.Std()
		}
		n, err := store.Purge(ctx, olderThan, quarantine.Actor(actor))
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(io.out, "purged %d items older than %s\n", n, olderThan)
		return exitOK
	}
	return exitUsage
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
			b.Record.Seq, b.Record.Time.Local().Format(time.RFC3339), b.Record.Actor, b.Record.Detail, b.Previous)
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
	if d, err := time.ParseDuration(s); err == nil {
		return time.Now().Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("want a duration (24h) or a date (2006-01-02), got %q", s)
}

func defaultActor() string {
	for _, k := range []string{"SUDO_USER", "USER", "LOGNAME"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return "cli"
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
