package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/sekisho/sekisho/gateway/portal/accounts"
	"github.com/sekisho/sekisho/internal/assemble"
	"github.com/sekisho/sekisho/quarantine"
)

const userHelp = `Usage: sekisho user SUBCOMMAND [flags] NAME

Local portal accounts (the first operator or admin is created here). Passwords are read
from the terminal without echo, or as one line from standard input when it is not a
terminal; they are stored as argon2id hashes. Operator and admin accounts need TOTP.

Subcommands:
  add NAME --role ROLES [--email ADDR] [--display NAME]
                  create a local user; ROLES is a comma list of staff, approver,
                  auditor, operator, admin; prompts for the password
  passwd NAME     set a new password (ends the user's sessions, clears a lockout)
  totp NAME       create a new TOTP secret and print it with its otpauth:// URI for an
                  authenticator app (ends the user's sessions); --remove deletes it
  roles NAME --role ROLES
                  replace the user's roles
  disable NAME    refuse logins and end sessions; --enable allows them again
  list            every user with roles, source, TOTP and lock state

Common flags:
  --config FILE   configuration file (default: the embedded defaults)
`

func userCmd(ctx context.Context, args []string, io stdio) int {
	if len(args) == 0 {
		fmt.Fprint(io.err, userHelp)
		return exitUsage
	}
	sub, rest := args[0], args[1:]
	if sub == "-h" || sub == "--help" || sub == "help" {
		fmt.Fprint(io.out, userHelp)
		return exitOK
	}
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	fs.SetOutput(io.err)
	fs.Usage = func() { fmt.Fprint(io.err, userHelp) }
	var cfgPath, roles, email, display string
	var remove, enable bool
	fs.StringVar(&cfgPath, "config", "", "configuration file")
	switch sub {
	case "add":
		fs.StringVar(&roles, "role", "", "comma list of roles")
		fs.StringVar(&email, "email", "", "the address items are held for")
		fs.StringVar(&display, "display", "", "display name")
	case "roles":
		fs.StringVar(&roles, "role", "", "comma list of roles")
	case "totp":
		fs.BoolVar(&remove, "remove", false, "delete the TOTP secret")
	case "disable":
		fs.BoolVar(&enable, "enable", false, "allow logins again")
	case "passwd", "list":
	default:
		return usageError(io, "user", "unknown subcommand %q", sub)
	}
	pos, err := parseArgs(fs, rest)
	if err != nil {
		return flagError(err, io, userHelp)
	}
	var name string
	if sub != "list" {
		if len(pos) != 1 {
			return usageError(io, "user "+sub, "want one user NAME")
		}
		if name, err = accounts.NormalizeName(pos[0]); err != nil {
			return usageError(io, "user "+sub, "%v", err)
		}
	} else if len(pos) != 0 {
		return usageError(io, "user list", "unexpected argument %q", pos[0])
	}
	var rs accounts.Roles
	if sub == "add" || sub == "roles" {
		if rs, err = accounts.ParseRoles(roles); err != nil {
			return usageError(io, "user "+sub, "--role: %v", err)
		}
	}
	cfg, err := loadConfig(cfgPath)
	if err != nil {
		fmt.Fprintln(io.err, err)
		return exitUsage
	}
	svc, err := assemble.OpenQuarantine(cfg, nil)
	if err != nil {
		fmt.Fprintf(io.err, "sekisho user: %v\n", err)
		return exitInternal
	}
	defer svc.Close()
	acc, err := assemble.OpenAccounts(ctx, cfg, svc)
	if err != nil {
		fmt.Fprintf(io.err, "sekisho user: %v\n", err)
		return exitInternal
	}
	st := acc.Store
	// Every change to an account is in the audit log, with the operating-system user who
	// ran the command (passwords and secrets never are).
	audit := func(action, detail string) error {
		return svc.Audit(ctx, quarantine.AuditEntry{Action: quarantine.Action(action), Actor: quarantine.Actor(defaultActor()),
			Detail: "user " + name + detail})
	}
	fail := func(err error) int {
		fmt.Fprintf(io.err, "sekisho user %s: %v\n", sub, err)
		if errors.Is(err, accounts.ErrNoUser) || errors.Is(err, accounts.ErrExists) {
			return exitUsage
		}
		return exitInternal
	}
	switch sub {
	case "add", "passwd":
		if sub == "passwd" {
			if _, err := st.User(ctx, name); err != nil {
				return fail(err)
			}
		}
		pw, err := readPassword(io)
		if err != nil {
			return usageError(io, "user "+sub, "%v", err)
		}
		h, err := acc.Auth.Hash(pw)
		if err != nil {
			return fail(err)
		}
		if sub == "passwd" {
			if err := st.SetPasswordHash(ctx, name, h); err != nil {
				return fail(err)
			}
			if err := audit("user-passwd", ""); err != nil {
				return fail(err)
			}
			fmt.Fprintf(io.out, "password of %s changed\n", name)
			return exitOK
		}
		if err := st.CreateUser(ctx, accounts.User{Name: name, Email: email, Display: display, Roles: rs}, h); err != nil {
			return fail(err)
		}
		if err := audit("user-add", "; roles "+rs.String()); err != nil {
			return fail(err)
		}
		fmt.Fprintf(io.out, "user %s added with roles %s\n", name, rs)
		if rs.Privileged() {
			fmt.Fprintf(io.out, "operator and admin logins need TOTP: run `sekisho user totp %s`\n", name)
		}
	case "totp":
		if remove {
			if err := st.SetTOTP(ctx, name, nil); err != nil {
				return fail(err)
			}
			if err := audit("user-totp", "; removed"); err != nil {
				return fail(err)
			}
			fmt.Fprintf(io.out, "TOTP of %s removed\n", name)
			return exitOK
		}
		sec, err := accounts.NewTOTPSecret()
		if err != nil {
			return fail(err)
		}
		if err := st.SetTOTP(ctx, name, sec); err != nil {
			return fail(err)
		}
		if err := audit("user-totp", "; new secret"); err != nil {
			return fail(err)
		}
		fmt.Fprintf(io.out, "secret: %s\nuri:    %s\n", accounts.EncodeSecret(sec), accounts.ProvisioningURI("sekisho", name, sec))
	case "roles":
		if err := st.SetRoles(ctx, name, rs); err != nil {
			return fail(err)
		}
		if err := audit("user-roles", "; roles "+rs.String()); err != nil {
			return fail(err)
		}
		fmt.Fprintf(io.out, "roles of %s: %s\n", name, rs)
	case "disable":
		if err := st.SetDisabled(ctx, name, !enable); err != nil {
			return fail(err)
		}
		state := "disabled"
		if enable {
			state = "enabled"
		}
		if err := audit("user-"+strings.TrimSuffix(state, "d"), ""); err != nil {
			return fail(err)
		}
		fmt.Fprintf(io.out, "user %s %s\n", name, state)
	case "list":
		us, err := st.Users(ctx)
		if err != nil {
			return fail(err)
		}
		tw := tabwriter.NewWriter(io.out, 2, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLES\tSOURCE\tTOTP\tSTATE\tEMAIL")
		for _, u := range us {
			state := "active"
			switch {
			case u.Disabled:
				state = "disabled"
			case u.LockedUntil.After(time.Now()):
				state = "locked until " + u.LockedUntil.Local().Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%v\t%s\t%s\n", u.Name, u.Roles, u.Source, u.HasTOTP, state, u.Email)
		}
		tw.Flush()
	}
	return exitOK
}

// readPassword asks twice on a terminal (no echo), or reads one line from standard input.
func readPassword(io stdio) (string, error) {
	if f, ok := io.in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(io.err, "password: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(io.err)
		if err != nil {
			return "", err
		}
		fmt.Fprint(io.err, "again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(io.err)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", errors.New("the passwords differ")
		}
		return checkPassword(string(a))
	}
	line, err := bufio.NewReader(io.in).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no password on standard input")
	}
	return checkPassword(strings.TrimRight(line, "\r\n"))
}

func checkPassword(pw string) (string, error) {
	if err := accounts.CheckPassword(pw); err != nil {
		return "", err
	}
	return pw, nil
}
