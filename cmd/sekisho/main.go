// Command sekisho is the content-disarm gateway: it rebuilds untrusted files and mail in a
// safe form, or refuses them with a reason.
//
// Usage:
//
//	sekisho sanitize-file INPUT -o OUTPUT [--report R.json] [--config F]
//	sekisho sanitize-mail INPUT.eml -o OUTPUT.eml [--report R.json] [--config F]
//	sekisho config check [FILE]
//	sekisho config example
//	sekisho version
//	sekisho help [COMMAND]
//
// Exit status: 0 output written, 3 quarantined or blocked (nothing written), 2 usage or
// configuration error, 1 internal error. Run "sekisho help sanitize-file" for details.
//
// This package keeps flags, subcommands and exit codes. Everything a command runs is built
// from the configuration by internal/assemble, explicitly; there are no init-time
// registries.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/pdfcpu/pdfcpu/pkg/api"
)

// Exit codes, the command-line contract of DESIGN §4.
const (
	exitOK       = 0 // output written: clean or sanitized
	exitInternal = 1 // internal error (I/O failure while writing, a bug)
	exitUsage    = 2 // usage or configuration error, including input/output paths that cannot be used
	exitRefused  = 3 // quarantined, blocked or stripped: nothing written
)

// stdio is what a command reads and writes; tests and main pass the real ones.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

func main() {
	// pdfcpu otherwise reads and writes a per-user configuration directory; every call
	// gets an explicit configuration instead (STYLE, dependency facts).
	api.DisableConfigDir()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr})
	stop()
	os.Exit(code)
}

// command is one subcommand: its name, a one-line summary for the overview, and the
// function that runs it and returns the exit status.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, io stdio) int
	help          string
}

func commands() []command {
	return []command{
		{"sanitize-file", "rebuild one file in a safe form, or refuse it", sanitizeFileCmd, sanitizeFileHelp},
		{"sanitize-mail", "rebuild one message (.eml) with sanitized attachments", sanitizeMailCmd, sanitizeMailHelp},
		{"config", "check a configuration file, or print the documented example", configCmd, configHelp},
		{"serve", "run the gateway: SMTP relay, sanitizing pipeline, delivery, metrics", serveCmd, serveHelp},
		{"quarantine", "list, show, release, delete or purge quarantined items; verify the audit log", quarantineCmd, quarantineHelp},
		{"transfer", "list, show, approve, reject or purge file transfers; make upload links", transferCmd, transferHelp},
		{"store", "move the embedded store into a PostgreSQL database several nodes share", storeCmd, storeHelp},
		{"user", "add portal accounts, set passwords and TOTP, disable users", userCmd, userHelp},
		{"version", "print the version and the commit it was built from (also --version)", versionCmd, ""},
		{"help", "show help for a command", nil, ""},
	}
}

func run(ctx context.Context, args []string, io stdio) int {
	if len(args) == 0 {
		usage(io.err)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		return helpCmd(rest, io)
	case "--version", "-version", "-V":
		return versionCmd(ctx, rest, io)
	}
	for _, c := range commands() {
		if c.name == name && c.run != nil {
			return c.run(ctx, rest, io)
		}
	}
	fmt.Fprintf(io.err, "sekisho: unknown command %q\n\n", name)
	usage(io.err)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprint(w, `sekisho: content-disarm gateway for mail and files (無害化)

Usage:
  sekisho COMMAND [ARGUMENTS]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Exit status: 0 output written, 3 quarantined or blocked (nothing written),
2 usage or configuration error, 1 internal error.

Run "sekisho help COMMAND" for a command's flags and details.
`)
}

func helpCmd(args []string, io stdio) int {
	if len(args) == 0 {
		usage(io.out)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			if c.help == "" {
				fmt.Fprintf(io.out, "sekisho %s: %s\n", c.name, c.summary)
			} else {
				fmt.Fprint(io.out, c.help)
			}
			return exitOK
		}
	}
	fmt.Fprintf(io.err, "sekisho help: unknown command %q\n", args[0])
	return exitUsage
}

// parseArgs parses flags that may come before or after positional arguments
// ("INPUT -o OUTPUT" and "-o OUTPUT INPUT" both work); everything after "--" is
// positional. The standard flag package alone stops at the first positional argument.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// usageError prints a usage problem with a pointer to the help and returns exitUsage.
func usageError(io stdio, cmd string, format string, a ...any) int {
	fmt.Fprintf(io.err, "sekisho %s: %s\n", cmd, fmt.Sprintf(format, a...))
	fmt.Fprintf(io.err, "run \"sekisho help %s\" for usage\n", cmd)
	return exitUsage
}

// flagError maps a flag parsing error to an exit status: -h prints help and succeeds.
func flagError(err error, io stdio, help string) int {
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(io.out, help)
		return exitOK
	}
	return exitUsage
}

// indent prefixes every line of s, for multi-line error lists.
func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
