package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sekisho/sekisho/gateway/transfer"
	"github.com/sekisho/sekisho/internal/assemble"
	"github.com/sekisho/sekisho/quarantine"
)

const transferHelp = `Usage: sekisho transfer SUBCOMMAND [flags] [ID]

File transfers between the Internet side and the LGWAN side, for operators without a
browser. Changes are written to the audit log like those made on the portal. Mail the
commands cause (download links, decisions) is kept in the store and queued by the
running gateway within a second (or by the next one started).

Subcommands:
  list          [--direction inbound|outbound] [--state STATE] [--owner NAME]
                [--pending] [--since 24h|7d|2026-11-01] [--limit N] [--json]
                                     newest first; --pending: outbound transfers
                                     waiting for an approver
  show ID       [--json]             the transfer, its files with the engine's
                                     results, and its download links
  approve ID    --as NAME [--reason TEXT]
  reject ID     --as NAME --reason TEXT
                                     decide on an outbound transfer as the portal
                                     user NAME, who must be allowed to approve it (an
                                     approver or deputy of the sender's department);
                                     approving sends the links, rejecting revokes them
  link          --owner NAME [--label TEXT] [--expiry 72h|7d] [--one-time]
                [--partner ADDR]     make an upload link (受取依頼) for the portal user
                                     NAME and print its URL (shown once; with
                                     --partner it is also mailed to that address)
  purge                              expire transfers past their retention now and
                                     remove their files (a running gateway does this
                                     every few minutes)

Common flags:
  --config FILE   configuration file (default: the embedded defaults)

Exit status: 0 done; 1 internal error; 2 usage or configuration error, or no store under
data_dir; 4 no such transfer (or NAME may not decide on it); 5 the transfer is not
waiting for a decision.
`

var transferStates = []transfer.State{transfer.Open, transfer.Processing, transfer.Ready, transfer.Pending,
	transfer.Sent, transfer.Rejected, transfer.Withdrawn, transfer.Expired}

func transferCmd(ctx context.Context, args []string, io stdio) int {
	if len(args) == 0 {
		fmt.Fprint(io.err, transferHelp)
		return exitUsage
	}
	sub, rest := args[0], args[1:]
	if sub == "-h" || sub == "--help" || sub == "help" {
		fmt.Fprint(io.out, transferHelp)
		return exitOK
	}
	fs := flag.NewFlagSet("transfer "+sub, flag.ContinueOnError)
	fs.SetOutput(io.err)
	fs.Usage = func() { fmt.Fprint(io.err, transferHelp) }
	var cfgPath, direction, state, owner, since, as, reason string
	var label, expiry, partner string
	var limit int
	var asJSON, pending, oneTime bool
	fs.StringVar(&cfgPath, "config", "", "configuration file")
	switch sub {
	case "list":
		fs.StringVar(&direction, "direction", "", "inbound or outbound")
		fs.StringVar(&state, "state", "", "a transfer state")
		fs.StringVar(&owner, "owner", "", "the LGWAN-side user")
		fs.BoolVar(&pending, "pending", false, "outbound transfers waiting for an approver")
		fs.StringVar(&since, "since", "", "a duration ago (24h, 7d) or a date (2026-11-01)")
		fs.IntVar(&limit, "limit", 100, "most transfers shown")
		fs.BoolVar(&asJSON, "json", false, "JSON output")
	case "show":
		fs.BoolVar(&asJSON, "json", false, "JSON output")
	case "approve", "reject":
		fs.StringVar(&as, "as", "", "the portal user deciding (required)")
		fs.StringVar(&reason, "reason", "", "recorded with the decision (required to reject)")
	case "link":
		fs.StringVar(&owner, "owner", "", "the portal user the files are for (required)")
		fs.StringVar(&label, "label", "", "what the partner is asked for (shown on the upload page)")
		fs.StringVar(&expiry, "expiry", "", "how long the link works (default transfer.link_expiry)")
		fs.BoolVar(&oneTime, "one-time", false, "the link takes one transfer only")
		fs.StringVar(&partner, "partner", "", "mail the link to this address")
	case "purge":
	default:
		return usageError(io, "transfer", "unknown subcommand %q", sub)
	}
	pos, err := parseArgs(fs, rest)
	if err != nil {
		return flagError(err, io, transferHelp)
	}
	needID := sub == "show" || sub == "approve" || sub == "reject"
	if needID && len(pos) != 1 || !needID && len(pos) != 0 {
		return usageError(io, "transfer "+sub, "wrong number of arguments")
	}
	if needID && !transfer.ValidID(pos[0]) {
		return usageError(io, "transfer "+sub, "%q is not a transfer ID", pos[0])
	}
	var q transfer.Query
	var linkExpiry time.Duration
	switch sub {
	case "link":
		if owner == "" {
			return usageError(io, "transfer link", "--owner NAME is required")
		}
		if expiry != "" {
			if linkExpiry, err = parseAge(expiry); err != nil || linkExpiry == 0 {
				return usageError(io, "transfer link", "--expiry: want a positive duration (72h) or days (7d), got %q", expiry)
			}
		}
	case "list":
		q = transfer.Query{Direction: transfer.Direction(direction), Owner: owner, Limit: limit}
		if direction != "" && q.Direction != transfer.Inbound && q.Direction != transfer.Outbound {
			return usageError(io, "transfer list", "--direction %q: want inbound or outbound", direction)
		}
		if state != "" {
			if !slices.Contains(transferStates, transfer.State(state)) {
				return usageError(io, "transfer list", "--state %q: want one of %s", state, joinTransferStates())
			}
			q.States = []transfer.State{transfer.State(state)}
		}
		if pending {
			q.Direction, q.Approval = transfer.Outbound, transfer.ApprovalPending
		}
		if limit < 1 || limit > 1000 {
			return usageError(io, "transfer list", "--limit %d: want 1 to 1000", limit)
		}
		if since != "" {
			if q.Since, err = parseSince(since); err != nil {
				return usageError(io, "transfer list", "--since: %v", err)
			}
		}
	case "approve", "reject":
		if as == "" {
			return usageError(io, "transfer "+sub, "--as NAME is required")
		}
		if sub == "reject" && strings.TrimSpace(reason) == "" {
			return usageError(io, "transfer reject", "--reason is required")
		}
	}
	cfg, err := loadConfig(cfgPath)
	if err != nil {
		fmt.Fprintln(io.err, err)
		return exitUsage
	}
	// As with the quarantine: opening would create an empty store where none is (a shared
	// store is a database the configuration names).
	dir := assemble.QuarantineDir(cfg)
	if _, err := os.Stat(filepath.Join(dir, "index.db")); err != nil && !cfg.SharedStore() {
		fmt.Fprintf(io.err, "sekisho transfer: no store in %s (data_dir %s): check --config and data_dir\n", dir, cfg.DataDir)
		return exitUsage
	}
	log := newLogger(cfg.Log, io.err)
	store, err := assemble.OpenQuarantine(cfg, log)
	if err != nil {
		fmt.Fprintf(io.err, "sekisho transfer: %v\n", err)
		return exitInternal
	}
	defer store.Close()
	// No outbox: the running gateway holds the mail queue and sends what this stores.
	tr, err := assemble.OpenTransfer(ctx, cfg, store, nil, assemble.Options{Logger: log})
	if err != nil {
		fmt.Fprintf(io.err, "sekisho transfer: %v\n", err)
		return exitInternal
	}
	defer tr.Close()
	svc := tr.Service
	fail := func(err error) int {
		fmt.Fprintf(io.err, "sekisho transfer %s: %v\n", sub, err)
		switch {
		case errors.Is(err, transfer.ErrNotFound):
			return exitNotFound
		case errors.Is(err, transfer.ErrState), errors.Is(err, transfer.ErrSelfApproval):
			return exitState
		case errors.Is(err, quarantine.ErrReason):
			return exitUsage
		}
		return exitInternal
	}
	switch sub {
	case "list":
		ts, err := svc.List(ctx, q)
		if err != nil {
			return fail(err)
		}
		if asJSON {
			return writeJSON(io, ts)
		}
		writeTransfers(io.out, ts)
	case "show":
		t, files, err := svc.Transfer(ctx, pos[0])
		if err != nil {
			return fail(err)
		}
		links, err := svc.Links(ctx, t.ID)
		if err != nil {
			return fail(err)
		}
		if asJSON {
			return writeJSON(io, struct {
				Transfer transfer.Transfer
				Files    []transfer.File
				Links    []transfer.Link
			}{t, files, links})
		}
		writeTransfer(io.out, t, files, links)
	case "approve", "reject":
		u, err := tr.Accounts.Store.User(ctx, strings.ToLower(as))
		if err != nil || u.Disabled {
			return usageError(io, "transfer "+sub, "--as %q: no enabled portal user of that name", as)
		}
		t, err := svc.Decide(ctx, pos[0], u.Name, u.Roles, sub == "approve", reason, "cli:"+defaultActor())
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(io.out, "%s: %s (approval %s)\n", t.ID, t.State, t.Approval)
	case "link":
		u, err := tr.Accounts.Store.User(ctx, strings.ToLower(owner))
		if err != nil || u.Disabled {
			return usageError(io, "transfer link", "--owner %q: no enabled portal user of that name", owner)
		}
		l, token, err := svc.CreateUploadLink(ctx, u.Name, transfer.UploadLinkRequest{Label: label, Partner: partner,
			Expiry: linkExpiry, OneTime: oneTime}, "cli:"+defaultActor())
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(io.out, "%s/u/%s\n", svc.InternetURL(), token)
		fmt.Fprintf(io.err, "upload link %s for %s, expires %s; the API takes curl -T FILE %s%su/%s/NAME\n",
			l.ID, u.Name, localTime(l.Expires), svc.InternetURL(), transfer.APIPrefix, token)
	case "purge":
		n, err := svc.Purge(ctx, time.Now())
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(io.out, "%d transfers expired\n", n)
	}
	return exitOK
}

func joinTransferStates() string {
	var s []string
	for _, st := range transferStates {
		s = append(s, string(st))
	}
	return strings.Join(s, ", ")
}

func writeTransfers(w io.Writer, ts []transfer.Transfer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCREATED\tDIRECTION\tSTATE\tAPPROVAL\tOWNER\tSENDER\tBYTES\tSUBJECT")
	for _, t := range ts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", t.ID, localTime(t.Created), t.Direction, t.State,
			orDash(string(t.Approval)), termSafe(t.Owner), termSafe(t.Sender), t.Bytes, termSafe(t.Subject))
	}
	tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func writeTransfer(w io.Writer, t transfer.Transfer, files []transfer.File, links []transfer.Link) {
	p := func(k, v string) { fmt.Fprintf(w, "%-14s %s\n", k+":", v) }
	p("id", t.ID)
	p("direction", string(t.Direction))
	p("state", string(t.State))
	p("owner", termSafe(t.Owner)+orEmpty(" ("+termSafe(t.Department)+")", t.Department))
	p("sender", termSafe(t.Sender)+orEmpty(" ("+termSafe(t.SenderInfo)+")", t.SenderInfo))
	if t.Subject != "" {
		p("subject", termSafe(t.Subject))
	}
	if len(t.Recipients) > 0 {
		p("recipients", termSafe(strings.Join(t.Recipients, ", ")))
	}
	p("created", localTime(t.Created))
	p("expires", localTime(t.Expires))
	p("bytes", fmt.Sprint(t.Bytes))
	if t.Direction == transfer.Outbound {
		p("approval", orDash(string(t.Approval))+" (mode "+t.Mode+")")
		if t.Approver != "" {
			p("decided", fmt.Sprintf("%s by %s: %s", localTime(t.Decided), termSafe(t.Approver), termSafe(t.DecisionReason)))
		}
	}
	fmt.Fprintln(w, "files:")
	for _, f := range files {
		fmt.Fprintf(w, "  %s  %s  %s  %d bytes  %s", f.ID, f.State, termSafe(f.Name), f.Length, orDash(string(f.Verdict)))
		if f.Reason != "" {
			fmt.Fprintf(w, "  reason: %s", termSafe(f.Reason))
		}
		if f.QuarantineID != "" {
			fmt.Fprintf(w, "  quarantine: %s", f.QuarantineID)
		}
		fmt.Fprintln(w)
	}
	if len(links) > 0 {
		fmt.Fprintln(w, "links:")
		for _, l := range links {
			st := "active"
			if l.Revoked {
				st = "revoked"
			}
			fmt.Fprintf(w, "  %s  %s  %s  expires %s  downloads %d\n", l.ID, termSafe(l.Recipient), st, localTime(l.Expires), l.MaxDownloads)
		}
	}
}

func orEmpty(s, cond string) string {
	if cond == "" {
		return ""
	}
	return s
}
