package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sekisho/sekisho/internal/assemble"
	"github.com/sekisho/sekisho/sanitize"
)

const sanitizeFileHelp = `Usage:
  sekisho sanitize-file INPUT -o OUTPUT [--report REPORT.json] [--config FILE] [--name NAME]

Rebuilds INPUT in a safe form and writes it to OUTPUT, or refuses it. The type is
detected from the content; the file name only ever makes the decision stricter (a
name or declared type that says executable is blocked whatever the bytes are).

Arguments and flags:
  INPUT            the file to sanitize; "-" reads standard input (spooled, at most
                   limits.max_file_size)
  -o OUTPUT        where the safe result goes; "-" writes standard output. A file is
                   written to a temporary file in OUTPUT's directory, synced and renamed
                   into place only when the verdict is clean or sanitized: on any other
                   outcome nothing is created, not even an empty file
  --report FILE    write a JSON report (also on quarantine); "-" writes it to standard
                   output when OUTPUT is not "-"
  --config FILE    configuration file (default: built-in defaults; see
                   "sekisho config example")
  --name NAME      the declared file name to judge (default: INPUT's base name; none
                   for standard input)

Exit status:
  0  output written (verdict clean or sanitized)
  3  quarantined, blocked or stripped: nothing written; the reason is on standard
     error and in the report
  2  usage or configuration error, including an INPUT that cannot be read and an
     OUTPUT or REPORT whose directory does not exist or is not writable (checked
     before any work is done)
  1  internal error (writing the output failed, a bug); nothing is left behind

Report (JSON):
  verdict      clean | sanitized | quarantined | blocked | stripped
  reason       why it was refused ("" when written)
  actions      [{action, path, detail}]: what was removed, rebuilt or found
  input        {name, sha256, size, type}
  output       {name, sha256, size, type}, or null when nothing was written
  detected     {name, class, mime, ext}: the type detected from the content
  duration_ms  wall-clock time of the sanitization
  version      the sekisho version

A one-line summary goes to standard error.
`

const sanitizeMailHelp = `Usage:
  sekisho sanitize-mail INPUT.eml -o OUTPUT.eml [--report REPORT.json] [--config FILE]

Rebuilds one RFC 5322 message: bodies become plain text, every attachment goes through
the engine (sanitized, stripped or quarantined) and a notice in Japanese and English
lists what happened. Flags, report and output handling are those of sanitize-file.

Exit status:
  0  a message was written, also when some attachments were removed or would be
     quarantined (the offline command has no quarantine store: the report and the
     notice list them)
  3  the whole message was refused (not a message, a limit): nothing
     written
  2  usage or configuration error
  1  internal error
`

func sanitizeFileCmd(ctx context.Context, args []string, io stdio) int {
	return sanitizeCmd(ctx, "sanitize-file", sanitizeFileHelp, args, io)
}

func sanitizeMailCmd(ctx context.Context, args []string, io stdio) int {
	return sanitizeCmd(ctx, "sanitize-mail", sanitizeMailHelp, args, io)
}

func sanitizeCmd(ctx context.Context, cmd, help string, args []string, io stdio) int {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.err)
	fs.Usage = func() { fmt.Fprint(io.err, help) }
	var out, reportPath, cfgPath, name string
	fs.StringVar(&out, "o", "", "output file, or - for standard output")
	fs.StringVar(&out, "output", "", "same as -o")
	fs.StringVar(&reportPath, "report", "", "JSON report file, or -")
	fs.StringVar(&cfgPath, "config", "", "configuration file")
	fs.StringVar(&name, "name", "", "declared file name")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return flagError(err, io, help)
	}
	switch {
	case len(pos) != 1:
		return usageError(io, cmd, "want exactly one INPUT, got %d", len(pos))
	case out == "":
		return usageError(io, cmd, "-o OUTPUT is required")
	case reportPath == "-" && out == "-":
		return usageError(io, cmd, "--report - and -o - cannot both use standard output")
	}
	input := pos[0]

	cfg, err := loadConfig(cfgPath)
	if err != nil {
		fmt.Fprintln(io.err, err)
		return exitUsage
	}
	// Check every path before any work (building the engine may start the rasterizer),
	// so an operator error never costs a sanitization and never leaves anything behind.
	for _, p := range []struct{ flag, path string }{{"-o", out}, {"--report", reportPath}} {
		if p.path == "" || p.path == "-" {
			continue
		}
		if err := checkOutputPath(p.path); err != nil {
			return usageError(io, cmd, "%s %s: %v", p.flag, p.path, err)
		}
	}
	if out != "-" && input != "-" && samePath(input, out) {
		return usageError(io, cmd, "-o must not name the input file")
	}
	log := newLogger(cfg.Log, io.err).With("command", cmd)
	sans, err := assemble.NewSanitizers(cfg, assemble.Options{Logger: log})
	if err != nil {
		fmt.Fprintf(io.err, "sekisho %s: %v\n", cmd, err)
		return exitUsage
	}
	defer sans.Close()
	eng := sans.Files

	in, err := openInput(input, io.in, eng)
	if err != nil {
		var le *sanitize.LimitError
		if !errors.As(err, &le) {
			return usageError(io, cmd, "%v", err)
		}
		// Standard input beyond limits.max_file_size: refused like any oversized item.
		res := sanitize.Result{Verdict: sanitize.Quarantined, Reason: le.Error(), Detected: sanitize.Unknown,
			Actions: []sanitize.Action{{Kind: sanitize.ActQuarantined, Path: "stdin", Detail: le.Error()}}}
		rep := newReport(res, fileInfo{Name: "-", Size: -1, Type: sanitize.Unknown.MIME}, nil, 0)
		return finish(log, cmd, rep, reportPath, io)
	}
	defer in.close()
	if name == "" {
		name = in.name
	}

	start := time.Now()
	item := &sanitize.Item{Body: in.blob, Name: name, Path: itemPath(name)}
	inInfo := fileInfo{Name: in.display, Size: in.blob.Size()}
	if inInfo.SHA256, err = blobSHA256(in.blob); err != nil {
		fmt.Fprintf(io.err, "sekisho %s: read %s: %v\n", cmd, in.display, err)
		return exitInternal
	}

	top := eng
	if cmd == "sanitize-mail" {
		top = sans.Message
	}

	sink, err := newSink(out, io.out)
	if err != nil {
		fmt.Fprintf(io.err, "sekisho %s: %v\n", cmd, err)
		return exitInternal
	}
	defer sink.abort() // no-op after commit
	res, err := top.Sanitize(ctx, item, sink, nil)
	elapsed := time.Since(start)
	inInfo.Type = item.Detected.MIME
	if err != nil {
		fmt.Fprintf(io.err, "sekisho %s: %v; nothing written\n", cmd, err)
		return exitInternal
	}
	if !res.Verdict.HasOutput() {
		sink.abort()
		return finish(log, cmd, newReport(res, inInfo, nil, elapsed), reportPath, io)
	}
	if err := sink.commit(); err != nil {
		fmt.Fprintf(io.err, "sekisho %s: write %s: %v; nothing written\n", cmd, out, err)
		return exitInternal
	}
	outType := res.OutType
	if outType == "" {
		outType = item.Detected.MIME
	}
	outInfo := &fileInfo{Name: out, SHA256: sink.sum(), Size: sink.n, Type: outType}
	return finish(log, cmd, newReport(res, inInfo, outInfo, elapsed), reportPath, io)
}

// finish writes the report and the summary line and returns the exit status for the
// verdict.
func finish(log *slog.Logger, cmd string, rep *report, reportPath string, io stdio) int {
	// The summary line is for people; the structured event (debug: the CLI's output is the
	// summary) carries the stable keys documented in the README.
	log.Debug(string(rep.Verdict), "verdict", rep.Verdict, "type", rep.Detected.Name,
		"actions", len(rep.Actions), "bytes", rep.Input.Size, "duration_ms", rep.DurationMS, "reason", rep.Reason)
	fmt.Fprintln(io.err, rep.summary())
	if reportPath != "" {
		if err := rep.write(reportPath, io.out); err != nil {
			fmt.Fprintf(io.err, "sekisho %s: write report: %v\n", cmd, err)
			return exitInternal
		}
	}
	if rep.Verdict.HasOutput() {
		return exitOK
	}
	return exitRefused
}

// itemPath is the part path of the top-level item in actions: its base name, or "stdin".
func itemPath(name string) string {
	if name == "" {
		return "stdin"
	}
	return filepath.Base(name)
}

// input is an opened INPUT: a regular file read in place, or standard input (or a pipe)
// spooled into the engine's temp directory.
type input struct {
	blob    sanitize.Blob
	name    string // declared name: the base name of a file, "" for standard input
	display string // for reports: the path as given, or "-"
	close   func()
}

func openInput(path string, stdin io.Reader, eng *sanitize.Engine) (*input, error) {
	if path == "-" {
		return spoolInput(stdin, eng, "", "-")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("input: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("input: %w", err)
	}
	if st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("input %s: is a directory", path)
	}
	if !st.Mode().IsRegular() {
		// A pipe or device cannot be re-read: spool it like standard input.
		defer f.Close()
		return spoolInput(f, eng, filepath.Base(path), path)
	}
	return &input{
		blob:    io.NewSectionReader(f, 0, st.Size()),
		name:    filepath.Base(path),
		display: path,
		close:   func() { f.Close() },
	}, nil
}

func spoolInput(r io.Reader, eng *sanitize.Engine, name, display string) (*input, error) {
	sp := eng.NewSpool()
	if _, err := sp.ReadFrom(r); err != nil {
		sp.Remove()
		var le *sanitize.LimitError
		if errors.As(err, &le) {
			return nil, err
		}
		return nil, fmt.Errorf("read input: %w", err)
	}
	return &input{blob: sp, name: name, display: display, close: func() { sp.Remove() }}, nil
}

func blobSHA256(b sanitize.Blob) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(b, 0, b.Size())); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// checkOutputPath makes sure path can be created: its directory exists, is writable (a
// probe file is created and removed there, which is what the temp-file-and-rename write
// needs) and path is not itself a directory.
func checkOutputPath(path string) error {
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("directory %s does not exist", dir)
		}
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return errors.New("is a directory")
	}
	probe, err := os.CreateTemp(dir, ".sekisho-probe-*")
	if err != nil {
		return fmt.Errorf("directory %s is not writable: %w", dir, errors.Unwrap(err))
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}

func samePath(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// sink receives the engine's output: a temporary file next to the destination that is
// renamed into place by commit, or standard output. It hashes and counts what it gets. A
// destination that must not be renamed over (a device, a pipe: outputTarget) gets the
// finished output copied into it by commit, so it too receives nothing on failure.
type sink struct {
	w       io.Writer
	f       *os.File // nil for standard output
	dest    string
	inPlace bool
	h       hash.Hash
	n       int64
	done    bool
}

func newSink(dest string, stdout io.Writer) (*sink, error) {
	s := &sink{dest: dest, h: sha256.New()}
	if dest == "-" {
		s.w = stdout
		return s, nil
	}
	s.dest, s.inPlace = outputTarget(dest)
	dir, base := filepath.Split(s.dest)
	if dir == "" {
		dir = "."
	}
	if s.inPlace {
		dir = "" // the system's temp directory, not /dev
	}
	f, err := os.CreateTemp(dir, "."+strings.TrimPrefix(base, ".")+".sekisho-*.tmp")
	if err != nil {
		return nil, fmt.Errorf("create output: %w", err)
	}
	s.f, s.w = f, f
	return s, nil
}

func (s *sink) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	s.h.Write(p[:n])
	s.n += int64(n)
	return n, err
}

func (s *sink) sum() string { return hex.EncodeToString(s.h.Sum(nil)) }

// commit makes the output durable and visible: fsync the file, rename it over the
// destination, fsync the directory so the rename survives a crash.
func (s *sink) commit() error {
	if s.f == nil {
		s.done = true
		return nil
	}
	if s.inPlace {
		return s.copyOut()
	}
	err := s.f.Chmod(0o644)
	if err == nil {
		err = s.f.Sync()
	}
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(s.f.Name(), s.dest)
	}
	if err != nil {
		os.Remove(s.f.Name())
		return err
	}
	s.done = true
	return syncDir(filepath.Dir(s.dest))
}

// copyOut writes the finished temporary file through the destination's path.
func (s *sink) copyOut() error {
	defer os.Remove(s.f.Name())
	defer s.f.Close()
	s.done = true
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	out, err := os.OpenFile(s.dest, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, s.f)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// abort removes the temporary file; it is safe to call more than once and after commit.
func (s *sink) abort() {
	if s.done || s.f == nil {
		return
	}
	s.done = true
	s.f.Close()
	os.Remove(s.f.Name())
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
