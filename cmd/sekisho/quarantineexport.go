package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/internal/assemble"
	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/sanitize"
)

// renderedClasses are the classes whose types --export-sanitized rasterizes: an operator
// looking at a held document sees its pages as images, with nothing in them that runs.
// Containers and messages are rebuilt as usual, their entries rendered in turn; text is
// normalized; executables stay blocked and unknown content stays refused.
var renderedClasses = []sanitize.Class{sanitize.ClassPDF, sanitize.ClassOOXML, sanitize.ClassODF,
	sanitize.ClassRTF, sanitize.ClassOLE, sanitize.ClassImage}

// exportPolicy is the configured policy with every type of renderedClasses set to render.
func exportPolicy(configured map[string]string) map[string]string {
	p := make(map[string]string, len(configured))
	for k, v := range configured {
		p[k] = v
	}
	for _, c := range renderedClasses {
		p[string(c)] = string(sanitize.Render)
	}
	for _, t := range sanitize.KnownTypes() {
		for _, c := range renderedClasses {
			if t.Class == c {
				p[t.Name] = string(sanitize.Render)
			}
		}
	}
	return p
}

// exportSanitized runs the held original of rec through the engine under the render
// policy and writes the result to dest, recording the view in the audit log first: when
// the log cannot take the record, nothing is written. It returns the exit status.
func exportSanitized(ctx context.Context, cfg *config.Config, log *slog.Logger, store *quarantine.Service,
	rec quarantine.Record, dest string, actor quarantine.Actor, io stdio) int {
	const cmd = "quarantine show"
	if dest != "-" {
		if err := checkOutputPath(dest); err != nil {
			return usageError(io, cmd, "--export-sanitized %s: %v", dest, err)
		}
	}
	ecfg := *cfg
	ecfg.Policy = exportPolicy(cfg.Policy)
	sans, err := assemble.NewSanitizers(&ecfg, assemble.Options{Logger: log})
	if err != nil {
		fmt.Fprintf(io.err, "sekisho %s: %v\n", cmd, err)
		return exitInternal
	}
	defer sans.Close()

	rc, err := store.Open(ctx, rec.ID)
	if err != nil {
		return quarantineFail(io, cmd, err)
	}
	sp := sans.Files.NewSpool()
	defer sp.Remove()
	_, err = sp.ReadFrom(rc)
	rc.Close()
	if err != nil {
		var le *sanitize.LimitError
		if errors.As(err, &le) {
			fmt.Fprintf(io.err, "sekisho %s: %s cannot be exported: %v\n", cmd, rec.ID, le)
			return exitRefused
		}
		return quarantineFail(io, cmd, fmt.Errorf("read the original: %w", err))
	}
	name := rec.FileName
	if name == "" && rec.Kind == quarantine.KindMessage {
		name = "message.eml"
	}
	item := &sanitize.Item{Body: sp, Name: name, DeclaredType: rec.DeclaredType, Path: itemPath(name)}
	eng := sans.Files
	if rec.Kind == quarantine.KindMessage {
		eng = sans.Message
	}
	sink, err := newSink(dest, io.out)
	if err != nil {
		return quarantineFail(io, cmd, err)
	}
	defer sink.abort()
	res, err := eng.Sanitize(ctx, item, sink, nil)
	if err != nil {
		return quarantineFail(io, cmd, err)
	}
	if !res.Verdict.HasOutput() {
		fmt.Fprintf(io.err, "sekisho %s: %s cannot be exported safely: %s: %s; nothing written\n", cmd, rec.ID, res.Verdict, res.Reason)
		return exitRefused
	}
	detail := fmt.Sprintf("exported a sanitized copy (render policy, %s, %d actions) to %s", res.Verdict, len(res.Actions), filepath.Base(dest))
	if err := store.Audit(ctx, quarantine.AuditEntry{Action: quarantine.ActView, ID: rec.ID, Actor: actor, Detail: detail}); err != nil {
		return quarantineFail(io, cmd, fmt.Errorf("the export is not recorded in the audit log, so it is not written: %w", err))
	}
	if err := sink.commit(); err != nil {
		return quarantineFail(io, cmd, fmt.Errorf("write %s: %w", dest, err))
	}
	if dest != "-" {
		fmt.Fprintf(io.err, "sekisho: exported %s (%s) to %s: %s", rec.ID, res.Detected.Name, dest, res.Verdict)
		if len(res.Actions) > 0 {
			fmt.Fprintf(io.err, ", %s", countKinds(res.Actions))
		}
		fmt.Fprintln(io.err)
	}
	return exitOK
}
