package e2e

import (
	"bytes"
	"context"
	"log/slog"
	"testing"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/internal/assemble"
	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// newEngine builds the engine through internal/assemble, exactly as every sekisho command
// does, from the default configuration with lim overriding the limits where set.
func newEngine(t testing.TB, lim sanitize.Limits) *sanitize.Engine {
	t.Helper()
	cfg := config.Default()
	cfg.TempDir = t.TempDir()
	cfg.DataDir = testtool.DataDir() // PDFium's compilation cache, for PDFs that need render
	cfg.SMTP.Hostname = "sekisho.test"
	l := &cfg.Limits
	if lim.MaxFileSize > 0 {
		l.MaxFileSize = config.Size(lim.MaxFileSize)
	}
	if lim.MaxTotalSize > 0 {
		l.MaxTotalSize = config.Size(lim.MaxTotalSize)
	}
	if lim.MaxDepth > 0 {
		l.MaxDepth = lim.MaxDepth
	}
	if lim.MaxEntries > 0 {
		l.MaxEntries = lim.MaxEntries
	}
	if lim.MaxRatio > 0 {
		l.MaxRatio = lim.MaxRatio
	}
	if lim.Timeout > 0 {
		l.Timeout = config.Duration(lim.Timeout)
	}
	s, err := assemble.NewSanitizers(cfg, assemble.Options{Logger: slog.New(panicHandler{t})})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s.Files
}

// run feeds one item through e and returns the output and result.
func run(t testing.TB, e *sanitize.Engine, name, declared string, data []byte) ([]byte, sanitize.Result) {
	t.Helper()
	var out bytes.Buffer
	res, err := e.Sanitize(context.Background(), &sanitize.Item{
		Body: bytes.NewReader(data), Path: name, Name: name, DeclaredType: declared,
	}, &out, nil)
	if err != nil {
		t.Fatalf("Sanitize(%q) error: %v", name, err)
	}
	if !res.Verdict.HasOutput() && out.Len() > 0 {
		t.Errorf("Sanitize(%q) = %s with %d bytes of output, want none", name, res.Verdict, out.Len())
	}
	return out.Bytes(), res
}

// panicHandler fails the test on the engine's "sanitizer panic" log record: the engine
// recovers, so the item is quarantined, but a recovered panic is still a bug in a family.
type panicHandler struct{ t testing.TB }

func (h panicHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h panicHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h panicHandler) WithGroup(string) slog.Handler            { return h }
func (h panicHandler) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "sanitizer panic" {
		return nil
	}
	var typ, path, p string
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "type":
			typ = a.Value.String()
		case "path":
			path = a.Value.String()
		case "panic":
			p = a.Value.String()
		}
		return true
	})
	h.t.Errorf("recovered panic in family for %s (%s): %s", path, typ, p)
	return nil
}
