package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"

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
  --config FILE       configuration file (default: the embedded defaults)
  --cpuprofile FILE   write a CPU profile of the whole run to FILE (go tool pprof reads it;
                      benchmarks/relay.sh uses it to find where the time goes)
  --trace FILE        write an execution trace of the whole run to FILE (go tool trace;
                      -pprof=sched gives the time goroutines waited for a processor)
`

func serveCmd(ctx context.Context, args []string, io stdio) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.err)
	fs.Usage = func() { fmt.Fprint(io.err, serveHelp) }
	var cfgPath, cpuProfile, traceFile string
	fs.StringVar(&cfgPath, "config", "", "configuration file")
	fs.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile to this file")
	fs.StringVar(&traceFile, "trace", "", "write an execution trace to this file")
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
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(serveProcs(runtime.GOMAXPROCS(0), cfg.SMTP.SanitizeWorkers))
	}
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
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(io.err, "sekisho serve: --cpuprofile: %v\n", err)
			return exitUsage
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	if traceFile != "" {
		f, err := os.Create(traceFile)
		if err == nil {
			err = trace.Start(f)
		}
		if err != nil {
			fmt.Fprintf(io.err, "sekisho serve: --trace: %v\n", err)
			return exitUsage
		}
		defer func() { trace.Stop(); f.Close() }()
	}
	if err := g.Run(ctx); err != nil {
		log.Error("stopped with an error", "err", err)
		return exitInternal
	}
	return exitOK
}

// serveProcs is how many processors the Go scheduler gets: the CPUs plus one per sanitize
// worker. Sanitizing is CPU-bound and Go's scheduler has no priorities: with as many
// processors as CPUs, busy sanitize workers hold them and SMTP sessions wait up to a
// scheduling quantum for each reply. With more processors the kernel shares the CPUs,
// and it favours threads that were waiting for I/O, as the sessions were (p99 DATA to
// 250 on 2 CPUs with 50 KiB mail: 210-414 ms with 2, 154-169 ms with 4).
func serveProcs(cpus, sanitizeWorkers int) int {
	if sanitizeWorkers <= 0 {
		sanitizeWorkers = runtime.NumCPU()
	}
	return cpus + sanitizeWorkers
}
