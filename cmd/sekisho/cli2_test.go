package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestSanitizeFileStdinToStdout(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"c.yaml": []byte(passText)})
	r := sekisho(t, dir, jaText, "sanitize-file", "-", "-o", "-", "--config", "c.yaml", "--report", "r.json")
	if r.code != exitOK {
		t.Fatalf("exit %d, want 0; stderr: %s", r.code, r.stderr)
	}
	if r.stdout != string(jaText) {
		t.Errorf("stdout = %q, want the input %q", r.stdout, jaText)
	}
	rep := readReport(t, filepath.Join(dir, "r.json"))
	if rep.Input.Name != "-" || rep.Input.SHA256 != sha(jaText) || rep.Input.Size != int64(len(jaText)) {
		t.Errorf("report input = %+v, want name -, sha256 %s, size %d", rep.Input, sha(jaText), len(jaText))
	}
	if rep.Output == nil || rep.Output.Name != "-" || rep.Output.SHA256 != sha([]byte(r.stdout)) {
		t.Errorf("report output = %+v, want name - and the sha256 of stdout", rep.Output)
	}
}

func TestSanitizeFileReportToStdout(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"x.pdf": peBytes})
	r := sekisho(t, dir, nil, "sanitize-file", "x.pdf", "-o", "out.pdf", "--report", "-")
	if r.code != exitRefused {
		t.Fatalf("exit %d, want 3; stderr: %s", r.code, r.stderr)
	}
	var rep reportJSON
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || rep.Verdict != "blocked" {
		t.Errorf("stdout report = %q (%v), want verdict blocked", r.stdout, err)
	}
}

// A refused input must not touch an existing output: the old file stays as it was.
func TestSanitizeFileKeepsExistingOutputOnRefusal(t *testing.T) {
	dir := t.TempDir()
	old := []byte("previous result\n")
	writeFiles(t, dir, map[string][]byte{"x.pdf": peBytes, "out.pdf": old})
	r := sekisho(t, dir, nil, "sanitize-file", "x.pdf", "-o", "out.pdf")
	if r.code != exitRefused {
		t.Fatalf("exit %d, want 3; stderr: %s", r.code, r.stderr)
	}
	got, err := os.ReadFile(filepath.Join(dir, "out.pdf"))
	if err != nil || !bytes.Equal(got, old) {
		t.Errorf("out.pdf = %q, %v; want it untouched: %q", got, err, old)
	}
	if names := listDir(t, dir); len(names) != 2 {
		t.Errorf("directory holds %q, want only x.pdf and out.pdf", names)
	}
}

var volatile = regexp.MustCompile(`"(duration_ms|version)": [^,\n]+`)

// TestReportGolden pins the report's exact shape: field names, nesting, null output.
func TestReportGolden(t *testing.T) {
	tests := []struct {
		name  string
		files map[string][]byte
		args  []string
	}{
		{"clean", map[string][]byte{"a.txt": jaText, "c.yaml": []byte(passText)},
			[]string{"sanitize-file", "a.txt", "-o", "out.txt", "--config", "c.yaml", "--report", "r.json"}},
		{"blocked", map[string][]byte{"invoice.pdf": peBytes},
			[]string{"sanitize-file", "invoice.pdf", "-o", "out.pdf", "--report", "r.json"}},
		{"quarantined", map[string][]byte{"empty.txt": {}, "c.yaml": []byte("policy:\n  empty: quarantine\n")},
			[]string{"sanitize-file", "empty.txt", "-o", "out.txt", "--config", "c.yaml", "--report", "r.json"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tc.files)
			sekisho(t, dir, nil, tc.args...)
			b, err := os.ReadFile(filepath.Join(dir, "r.json"))
			if err != nil {
				t.Fatal(err)
			}
			got := volatile.ReplaceAll(b, []byte(`"$1": "X"`))
			golden := filepath.Join("testdata", tc.name+".report.golden.json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("report =\n%s\nwant (%s)\n%s", got, golden, want)
			}
		})
	}
}

func TestOtherCommands(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{
		"good.yaml": []byte("log:\n  level: debug\nlimits:\n  timeout: 30s\n"),
		"bad.yaml":  []byte("log:\n  level: loud\nimage:\n  jpeg_quality: 0\npolicy:\n  pdf: allow\n  docz: block\n"),
	})
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr []string
	}{
		{name: "no arguments", args: nil, wantCode: exitUsage, wantStderr: []string{"Commands:", "sanitize-file"}},
		{name: "help", args: []string{"help"}, wantCode: exitOK, wantStdout: "Exit status: 0 output written"},
		{name: "--help", args: []string{"--help"}, wantCode: exitOK, wantStdout: "Commands:"},
		{name: "help sanitize-file", args: []string{"help", "sanitize-file"}, wantCode: exitOK, wantStdout: "duration_ms"},
		{name: "sanitize-file --help", args: []string{"sanitize-file", "--help"}, wantCode: exitOK, wantStdout: "-o OUTPUT"},
		{name: "sanitize-mail --help", args: []string{"sanitize-mail", "-h"}, wantCode: exitOK, wantStdout: "sanitize-mail INPUT.eml"},
		{name: "help unknown", args: []string{"help", "frobnicate"}, wantCode: exitUsage, wantStderr: []string{`unknown command "frobnicate"`}},
		{name: "unknown command", args: []string{"frobnicate"}, wantCode: exitUsage, wantStderr: []string{`unknown command "frobnicate"`}},
		{name: "version", args: []string{"version"}, wantCode: exitOK, wantStdout: "sekisho "},
		{name: "config check defaults", args: []string{"config", "check"}, wantCode: exitOK, wantStdout: "ok (built-in defaults)"},
		{name: "config check good", args: []string{"config", "check", "good.yaml"}, wantCode: exitOK, wantStdout: "ok\n"},
		{name: "config check bad reports everything", args: []string{"config", "check", "bad.yaml"}, wantCode: exitUsage, wantStderr: []string{
			`config: bad.yaml:2: log.level: must be one of debug, info, warn, error, got "loud"`,
			`config: bad.yaml:4: image.jpeg_quality: must be between 1 and 100, got "0"`,
			`config: bad.yaml:6: policy.pdf: must be one of pass, sanitize, convert, render, strip, quarantine, block, got "allow"`,
			`config: bad.yaml:7: policy.docz: unknown type or class`,
		}},
		{name: "config check missing", args: []string{"config", "check", "none.yaml"}, wantCode: exitUsage, wantStderr: []string{"none.yaml"}},
		{name: "config example", args: []string{"config", "example"}, wantCode: exitOK, wantStdout: "max_file_size: 100MiB"},
		{name: "config nothing", args: []string{"config"}, wantCode: exitUsage, wantStderr: []string{"want a subcommand"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := sekisho(t, dir, nil, tc.args...)
			if r.code != tc.wantCode {
				t.Fatalf("sekisho %v: exit %d, want %d\nstdout: %s\nstderr: %s", tc.args, r.code, tc.wantCode, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, tc.wantStdout) {
				t.Errorf("sekisho %v: stdout = %q, want it to contain %q", tc.args, r.stdout, tc.wantStdout)
			}
			for _, w := range tc.wantStderr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("sekisho %v: stderr = %q, want it to contain %q", tc.args, r.stderr, w)
				}
			}
		})
	}
}

// The example printed by "config example" must itself pass "config check".
func TestConfigExampleChecks(t *testing.T) {
	dir := t.TempDir()
	r := sekisho(t, dir, nil, "config", "example")
	writeFiles(t, dir, map[string][]byte{"example.yaml": []byte(r.stdout)})
	if r := sekisho(t, dir, nil, "config", "check", "example.yaml"); r.code != exitOK {
		t.Errorf("config check of the example: exit %d, stderr %s", r.code, r.stderr)
	}
}

// A failing write is an internal error (exit 1), not a verdict: /dev/full refuses every
// byte written to standard output.
func TestSanitizeFileWriteFailureIsInternalError(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	defer full.Close()
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"a.csv": []byte("a,b\n1,=1+1\n")})
	cmd := exec.Command(binary, "sanitize-file", "a.csv", "-o", "-", "--report", "r.json")
	cmd.Dir = dir
	cmd.Stdout = full
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInternal {
		t.Fatalf("exit = %v, want %d; stderr: %s", err, exitInternal, stderr.String())
	}
	if !strings.Contains(stderr.String(), "no space left on device") {
		t.Errorf("stderr = %q, want the write error", stderr.String())
	}
	if names := listDir(t, dir); len(names) != 1 {
		t.Errorf("directory holds %q, want only a.csv (no report for an internal error)", names)
	}
}
