package main

import (
	"fmt"
	"log/slog"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/archive"
	"github.com/sekisho/sekisho/sanitize/img"
	"github.com/sekisho/sekisho/sanitize/ole"
	"github.com/sekisho/sekisho/sanitize/ooxml"
	"github.com/sekisho/sekisho/sanitize/text"
)

// engineLimits converts the limits section to the engine's Limits.
func engineLimits(c config.Limits) sanitize.Limits {
	return sanitize.Limits{
		MaxFileSize:  c.MaxFileSize.Int64(),
		MaxTotalSize: c.MaxTotalSize.Int64(),
		MaxDepth:     c.MaxDepth,
		MaxEntries:   c.MaxEntries,
		MaxRatio:     c.MaxRatio,
		MaxPixels:    c.MaxPixels,
		MaxPages:     c.MaxPages,
		Timeout:      c.Timeout.Std(),
	}
}

// enginePolicy applies the configured overrides to the built-in table.
func enginePolicy(overrides map[string]string) (sanitize.Policy, error) {
	o := make(map[string]sanitize.PolicyAction, len(overrides))
	for k, v := range overrides {
		a, err := sanitize.ParsePolicyAction(v)
		if err != nil {
			return nil, fmt.Errorf("policy.%s: %w", k, err)
		}
		o[k] = a
	}
	return sanitize.DefaultPolicy().With(o), nil
}

// buildEngine builds the engine from a validated configuration and registers every
// sanitizer family on it, once. A type whose family is not registered is quarantined by
// the engine (ErrNoHandler): the fail-closed default while families are added.
func buildEngine(cfg *config.Config, log *slog.Logger) (*sanitize.Engine, error) {
	pol, err := enginePolicy(cfg.Policy)
	if err != nil {
		return nil, err
	}
	e := sanitize.NewEngine(sanitize.EngineOptions{
		Policy:  pol,
		Limits:  engineLimits(cfg.Limits),
		TempDir: cfg.TempDir,
		Logger:  log,
	})

	// Text, CSV/TSV, HTML (to plain text), XML, JSON, calendars: normalized to UTF-8.
	e.Register(string(sanitize.ClassText), text.New(text.Options{DefangLinks: cfg.Text.DefangLinks}))
	// Images: decoded after a pixel check and re-encoded (JPEG stays JPEG, others PNG).
	e.Register(string(sanitize.ClassImage), img.New(img.Options{
		JPEGQuality:    cfg.Image.JPEGQuality,
		PNGCompression: cfg.Image.PNGCompression,
	}))
	// Office Open XML and OpenDocument: rebuilt without macros, ActiveX, OLE, DDE and
	// external references; embedded media go back through the engine (image family).
	office := ooxml.New(ooxml.Options{Inner: e, KeepHyperlinks: cfg.OOXML.KeepHyperlinks})
	e.Register(string(sanitize.ClassOOXML), office)
	e.Register(string(sanitize.ClassODF), office)
	// Legacy compound files: inspected and refused with a precise reason.
	e.Register(string(sanitize.ClassOLE), ole.New(ole.Options{}))
	// Containers recurse through the engine itself, sharing the item's Budget.
	e.Register(string(sanitize.ClassArchive), archive.New(archive.Options{Inner: e, TempDir: cfg.TempDir}))

	return e, nil
}
