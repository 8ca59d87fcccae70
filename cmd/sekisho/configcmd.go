package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/internal/assemble"
)

const configHelp = `Usage:
  sekisho config check [FILE]
  sekisho config example

check    runs the validation every command runs at start on FILE (or, without FILE,
         the built-in defaults): unknown keys, every value, policy keys and pass (only
         for inert types), routes, listen addresses, TLS files and the quarantine key
         (present, readable, matching), size limits against each other. Prints "ok" or
         every problem found, ordered by line, each naming the file, line, dotted key
         and bad value. Relative paths are taken from FILE's directory.
         When a policy entry is render, it also starts the rasterizer (seconds) and
         warns when LibreOffice is missing.
         Exit status 0 when valid, 2 otherwise.
example  prints the documented reference configuration (every key with its default).
`

func configCmd(_ context.Context, args []string, io stdio) int {
	if len(args) == 0 {
		return usageError(io, "config", "want a subcommand: check or example")
	}
	switch args[0] {
	case "check":
		fs := flag.NewFlagSet("config check", flag.ContinueOnError)
		fs.SetOutput(io.err)
		fs.Usage = func() { fmt.Fprint(io.err, configHelp) }
		pos, err := parseArgs(fs, args[1:])
		if err != nil {
			return flagError(err, io, configHelp)
		}
		if len(pos) > 1 {
			return usageError(io, "config", "check takes at most one FILE")
		}
		path := ""
		if len(pos) == 1 {
			path = pos[0]
		}
		cfg, err := loadConfig(path)
		if err != nil {
			fmt.Fprintln(io.err, err)
			return exitUsage
		}
		if cfg.UsesRender() {
			// Start the rasterizer once, so a missing font folder or LibreOffice shows
			// here rather than on the first document (it warns on standard error).
			sans, err := assemble.NewSanitizers(cfg, assemble.Options{Logger: newLogger(cfg.Log, io.err)})
			if err != nil {
				fmt.Fprintf(io.err, "config: %v\n", err)
				return exitUsage
			}
			sans.Close()
		}
		if path == "" {
			fmt.Fprintln(io.out, "ok (built-in defaults)")
		} else {
			fmt.Fprintln(io.out, "ok")
		}
		return exitOK
	case "example":
		if len(args) > 1 {
			return usageError(io, "config", "example takes no arguments")
		}
		io.out.Write(config.ExampleFile())
		return exitOK
	case "-h", "-help", "--help":
		fmt.Fprint(io.out, configHelp)
		return exitOK
	}
	return usageError(io, "config", "unknown subcommand %q (want check or example)", args[0])
}

// loadConfig is the start of every command: assemble.LoadConfig, the one validation.
func loadConfig(path string) (*config.Config, error) { return assemble.LoadConfig(path) }

// newLogger builds the process logger from the log section. Validate has already checked
// level and format.
func newLogger(c config.Log, w io.Writer) *slog.Logger {
	var level slog.Level
	switch c.Level {
	case "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	default:
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
