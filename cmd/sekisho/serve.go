package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/internal/assemble"
)

const serveHelp = `Usage: sekisho serve [--config FILE]

Runs the gateway: the Internet-side SMTP server (smtp.listen), the sanitizing pipeline,
delivery to the LGWAN side (delivery.routes), the quarantine store under data_dir, and
/metrics and /healthz on the LGWAN-side address (http.listen).

With no configuration it runs on its embedded defaults: SMTP on 127.0.0.1:2525 accepting
mail for lgwan.example, delivered as files under ./sekisho-data/delivered, STARTTLS with a
self-signed certificate created on first start.

Every message is fsync'd to the spool before the 250 reply. SIGTERM or SIGINT stops
accepting, lets transactions and jobs in flight finish (30 s grace), and leaves the rest
in the spool for the next start.

Flags:
  --config FILE   configuration file (default: the embedded defaults)
`

func serveCmd(ctx context.Context, args []string, io stdio) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.err)
	fs.Usage = func() { fmt.Fprint(io.err, serveHelp) }
	var cfgPath string
	fs.StringVar(&cfgPath, "config", "", "configuration file")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return flagError(err, io, serveHelp)
	}
	if len(pos) != 0 {
		return usageError(io, "serve", "unexpected argument %q", pos[0])
	}
	cfg, err := loadConfig(cfgPath)
	if err != nil {
		fmt.Fprintln(io.err, err)
		return exitUsage
	}
	log := newLogger(cfg.Log, io.err)
	g, err := assemble.NewGateway(cfg, assemble.Options{Logger: log})
	if err != nil {
		log.Error("cannot start", "err", err)
		fmt.Fprintf(io.err, "sekisho serve: %v\n", err)
		var ke *config.KeyError
		if errors.As(err, &ke) {
			return exitUsage
		}
		return exitInternal
	}
	defer g.Close()
	if err := g.Run(ctx); err != nil {
		log.Error("stopped with an error", "err", err)
		return exitInternal
	}
	return exitOK
}
