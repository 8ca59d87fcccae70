package e2e

import (
	"bytes"
	"context"
	"log/slog"
	"testing"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/archive"
	"github.com/sekisho/sekisho/sanitize/img"
	"github.com/sekisho/sekisho/sanitize/mail"
	"github.com/sekisho/sekisho/sanitize/ole"
	"github.com/sekisho/sekisho/sanitize/ooxml"
	"github.com/sekisho/sekisho/sanitize/pdf"
	"github.com/sekisho/sekisho/sanitize/rtf"
	"github.com/sekisho/sekisho/sanitize/sylk"
	"github.com/sekisho/sekisho/sanitize/sylk/msoxml"
	"github.com/sekisho/sekisho/sanitize/text"
)

// newEngine wires every committed family the way cmd/sekisho's buildEngine does, from the
// default configuration with lim overriding the limits where set. It is a copy because
// buildEngine lives in package main; families_test.go there checks the same registration.
func newEngine(t testing.TB, lim sanitize.Limits) *sanitize.Engine {
	t.Helper()
	cfg := config.Default()
	l := sanitize.Limits{
		MaxFileSize:  cfg.Limits.MaxFileSize.Int64(),
		MaxTotalSize: cfg.Limits.MaxTotalSize.Int64(),
		MaxDepth:     cfg.Limits.MaxDepth,
		MaxEntries:   cfg.Limits.MaxEntries,
		MaxRatio:     cfg.Limits.MaxRatio,
		MaxPixels:    cfg.Limits.MaxPixels,
		MaxPages:     cfg.Limits.MaxPages,
		Timeout:      cfg.Limits.Timeout.Std(),
	}
	if lim.MaxFileSize > 0 {
		l.MaxFileSize = lim.MaxFileSize
	}
	if lim.MaxTotalSize > 0 {
		l.MaxTotalSize = lim.MaxTotalSize
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
		l.Timeout = lim.Timeout
	}
	tmp := t.TempDir()
	e := sanitize.NewEngine(sanitize.EngineOptions{Policy: sanitize.DefaultPolicy(), Limits: l, TempDir: tmp,
		Logger: slog.New(panicHandler{t})})
	e.Register(string(sanitize.ClassPDF), pdf.New(pdf.Options{URIActions: cfg.PDF.URIActions}))
	e.Register(string(sanitize.ClassText), text.New(text.Options{DefangLinks: cfg.Text.DefangLinks, CSVBOM: cfg.Text.CSVBOM}))
	e.Register(string(sanitize.ClassImage), img.New(img.Options{JPEGQuality: cfg.Image.JPEGQuality, PNGCompression: cfg.Image.PNGCompression}))
	office := ooxml.New(ooxml.Options{Inner: e, KeepHyperlinks: cfg.OOXML.KeepHyperlinks})
	e.Register(string(sanitize.ClassOOXML), office)
	e.Register(string(sanitize.ClassODF), office)
	e.Register("sylk", sylk.New(sylk.Options{}))
	e.Register("msoxml", msoxml.New(msoxml.Options{}))
	e.Register(string(sanitize.ClassRTF), rtf.New(rtf.Options{Objects: cfg.RTF.Objects}))
	e.Register(string(sanitize.ClassOLE), ole.New(ole.Options{}))
	e.Register(string(sanitize.ClassArchive), archive.New(archive.Options{Inner: e, TempDir: tmp}))
	e.Register(string(sanitize.ClassMessage), mail.New(mail.Options{
		Inner:          e,
		OutputCharset:  cfg.Mail.OutputCharset,
		NoticePosition: cfg.Mail.NoticePosition,
		NestedMessages: cfg.Mail.NestedMessages,
		ExtraHeaders:   cfg.Mail.ExtraHeaders,
		DefangLinks:    cfg.Text.DefangLinks,
		MaxParts:       cfg.Mail.MaxParts,
		MaxHeaderBytes: int(cfg.Mail.MaxHeaderBytes.Int64()),
		Hostname:       "sekisho.test",
		TempDir:        tmp,
	}))
	return e
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
