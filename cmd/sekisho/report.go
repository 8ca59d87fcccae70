package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/sekisho/sekisho/sanitize"
)

// report is the JSON report of one sanitize-file or sanitize-mail run (DESIGN §4). Its
// field names are a contract with harnesses: add fields, never rename them.
type report struct {
	Verdict    sanitize.Verdict  `json:"verdict"`
	Reason     string            `json:"reason"`
	Notes      []string          `json:"notes,omitempty"`
	Actions    []sanitize.Action `json:"actions"`
	Input      fileInfo          `json:"input"`
	Output     *fileInfo         `json:"output"`
	Detected   sanitize.Type     `json:"detected"`
	DurationMS int64             `json:"duration_ms"`
	Version    string            `json:"version"`
}

type fileInfo struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	Type   string `json:"type"`
}

func newReport(res sanitize.Result, in fileInfo, out *fileInfo, d time.Duration) *report {
	actions := res.Actions
	if actions == nil {
		actions = []sanitize.Action{}
	}
	return &report{
		Verdict:    res.Verdict,
		Reason:     res.Reason,
		Notes:      res.Notes,
		Actions:    actions,
		Input:      in,
		Output:     out,
		Detected:   res.Detected,
		DurationMS: d.Milliseconds(),
		Version:    versionString(),
	}
}

// summary is the one line for people on standard error.
func (r *report) summary() string {
	typ := r.Detected.Name
	if typ == "" {
		typ = "unknown"
	}
	if !r.Verdict.HasOutput() {
		return fmt.Sprintf("sekisho: %s %s (%s): %s; nothing written", r.Verdict, r.Input.Name, typ, r.Reason)
	}
	s := fmt.Sprintf("sekisho: %s %s (%s) -> %s", r.Verdict, r.Input.Name, typ, r.Output.Name)
	if len(r.Actions) > 0 {
		s += fmt.Sprintf(": %d action(s): %s", len(r.Actions), countKinds(r.Actions))
	}
	return s
}

// countKinds renders "removed-javascript x2, re-encoded".
func countKinds(actions []sanitize.Action) string {
	n := map[sanitize.ActionKind]int{}
	for _, a := range actions {
		n[a.Kind]++
	}
	kinds := make([]string, 0, len(n))
	for k := range n {
		kinds = append(kinds, string(k))
	}
	sort.Strings(kinds)
	for i, k := range kinds {
		if c := n[sanitize.ActionKind(k)]; c > 1 {
			kinds[i] = fmt.Sprintf("%s x%d", k, c)
		}
	}
	return strings.Join(kinds, ", ")
}

// write stores the report at path ("-" is stdout) through a temp file and rename, so a
// reader never sees half a report.
func (r *report) write(path string, stdout io.Writer) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if path == "-" {
		_, err := stdout.Write(b)
		return err
	}
	path, inPlace := outputTarget(path)
	if inPlace {
		return os.WriteFile(path, b, 0o644)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".sekisho-*.tmp")
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}
