package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Hostile samples from the issue: executables and test files under harmless names.
var (
	peBytes    = append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8"), make([]byte, 64)...)
	elfBytes   = append([]byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00\x01\x00\x00\x00"), make([]byte, 64)...)
	eicarBytes = []byte(`X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*`)
	jaText     = []byte("関所は無害化ゲートウェイです。\nsekisho rebuilds files.\n")
)

// passText is a config under which plain text is copied as is (policy pass), so exit 0
// paths are tested independently of the text family.
const passText = "policy:\n  text: pass\n  html: sanitize\n  csv: sanitize\n  tsv: sanitize\n  xml: sanitize\n" +
	"  json: sanitize\n  calendar: sanitize\n  vcard: sanitize\n"

func TestSanitizeFileExitCodes(t *testing.T) {
	tests := []struct {
		name        string
		files       map[string][]byte
		stdin       []byte
		args        []string
		wantCode    int
		wantStderr  string // substring
		wantVerdict string // from --report r.json, "" when no report expected
		wantOutput  bool   // out file exists afterwards
	}{
		{
			name:     "exe bytes named pdf are blocked",
			files:    map[string][]byte{"invoice.pdf": peBytes},
			args:     []string{"sanitize-file", "invoice.pdf", "-o", "out.pdf", "--report", "r.json"},
			wantCode: exitRefused, wantStderr: "blocked invoice.pdf (exe)", wantVerdict: "blocked",
		},
		{
			name:     "elf bytes named txt are blocked",
			files:    map[string][]byte{"notes.txt": elfBytes},
			args:     []string{"sanitize-file", "notes.txt", "-o", "out.txt", "--report", "r.json"},
			wantCode: exitRefused, wantStderr: "blocked notes.txt (elf)", wantVerdict: "blocked",
		},
		{
			name:     "eicar text named com is blocked by name",
			files:    map[string][]byte{"eicar.com": eicarBytes},
			args:     []string{"sanitize-file", "eicar.com", "-o", "out.txt", "--report", "r.json"},
			wantCode: exitRefused, wantStderr: "file name extension .com is executable", wantVerdict: "blocked",
		},
		{
			name:     "double extension is blocked",
			files:    map[string][]byte{"請求書.pdf.exe": jaText},
			args:     []string{"sanitize-file", "請求書.pdf.exe", "-o", "out.txt", "--report", "r.json"},
			wantCode: exitRefused, wantStderr: "extension .exe", wantVerdict: "blocked",
		},
		{
			name:     "declared name decides even for stdin",
			stdin:    jaText,
			args:     []string{"sanitize-file", "-", "--name", "run.ps1", "-o", "-", "--report", "r.json"},
			wantCode: exitRefused, wantStderr: "extension .ps1", wantVerdict: "blocked",
		},
		{
			name:     "empty file is written empty",
			files:    map[string][]byte{"empty.txt": {}},
			args:     []string{"sanitize-file", "empty.txt", "-o", "out.txt", "--report", "r.json"},
			wantCode: exitOK, wantStderr: "clean empty.txt (empty)", wantVerdict: "clean", wantOutput: true,
		},
		{
			name:     "empty file is quarantined when the policy says so",
			files:    map[string][]byte{"empty.txt": {}, "c.yaml": []byte("policy:\n  empty: quarantine\n")},
			args:     []string{"sanitize-file", "empty.txt", "-o", "out.txt", "--config", "c.yaml", "--report", "r.json"},
			wantCode: exitRefused, wantStderr: "quarantined empty.txt (empty)", wantVerdict: "quarantined",
		},
		{
			name:     "unknown binary is quarantined",
			files:    map[string][]byte{"blob.dat": bytes.Repeat([]byte{0x00, 0xfe, 0x13, 0x37}, 64)},
			args:     []string{"sanitize-file", "blob.dat", "-o", "out.dat", "--report", "r.json"},
			wantCode: exitRefused, wantStderr: "quarantined blob.dat (unknown)", wantVerdict: "quarantined",
		},
		{
			name:     "policy quarantine override",
			files:    map[string][]byte{"a.txt": jaText, "c.yaml": []byte("policy:\n  text: quarantine\n")},
			args:     []string{"sanitize-file", "a.txt", "-o", "out.txt", "--config", "c.yaml", "--report", "r.json"},
			wantCode: exitRefused, wantStderr: "policy quarantines text", wantVerdict: "quarantined",
		},
		{
			name:     "policy strip is refused too",
			files:    map[string][]byte{"a.txt": jaText, "c.yaml": []byte("policy:\n  text: strip\n")},
			args:     []string{"sanitize-file", "a.txt", "-o", "out.txt", "--config", "c.yaml", "--report", "r.json"},
			wantCode: exitRefused, wantStderr: "stripped a.txt", wantVerdict: "stripped",
		},
		{
			name:     "clean text is written",
			files:    map[string][]byte{"a.txt": jaText, "c.yaml": []byte(passText)},
			args:     []string{"sanitize-file", "a.txt", "-o", "out.txt", "--config", "c.yaml", "--report", "r.json"},
			wantCode: exitOK, wantStderr: "clean a.txt (text) -> out.txt", wantVerdict: "clean", wantOutput: true,
		},
		{
			name:     "oversized file is quarantined naming the limit",
			files:    map[string][]byte{"big.txt": bytes.Repeat([]byte("a"), 4096), "c.yaml": []byte(passText + "limits:\n  max_file_size: 1KiB\nsmtp:\n  max_message_size: 1KiB\n")},
			args:     []string{"sanitize-file", "big.txt", "-o", "out.txt", "--config", "c.yaml", "--report", "r.json"},
			wantCode: exitRefused, wantStderr: "limits.max_file_size", wantVerdict: "quarantined",
		},
		{
			name:     "oversized stdin is quarantined naming the limit",
			stdin:    bytes.Repeat([]byte("a"), 4096),
			files:    map[string][]byte{"c.yaml": []byte(passText + "limits:\n  max_file_size: 1KiB\nsmtp:\n  max_message_size: 1KiB\n")},
			args:     []string{"sanitize-file", "-", "-o", "out.txt", "--config", "c.yaml", "--report", "r.json"},
			wantCode: exitRefused, wantStderr: "limits.max_file_size", wantVerdict: "quarantined",
		},
		{
			name:     "missing input",
			args:     []string{"sanitize-file", "nope.pdf", "-o", "out.pdf"},
			wantCode: exitUsage, wantStderr: "nope.pdf: no such file or directory",
		},
		{
			name:     "input is a directory",
			files:    map[string][]byte{"d/x": nil},
			args:     []string{"sanitize-file", "d", "-o", "out.pdf"},
			wantCode: exitUsage, wantStderr: "is a directory",
		},
		{
			name:     "missing output directory",
			files:    map[string][]byte{"a.txt": jaText, "c.yaml": []byte(passText)},
			args:     []string{"sanitize-file", "a.txt", "-o", "no/such/dir/out.txt", "--config", "c.yaml"},
			wantCode: exitUsage, wantStderr: "directory no/such/dir does not exist",
		},
		{
			name:     "missing report directory",
			files:    map[string][]byte{"a.txt": jaText, "c.yaml": []byte(passText)},
			args:     []string{"sanitize-file", "a.txt", "-o", "out.txt", "--report", "no/r.json", "--config", "c.yaml"},
			wantCode: exitUsage, wantStderr: "--report no/r.json: directory no does not exist",
		},
		{
			// /sys refuses new files even to root, so this holds whoever runs the tests.
			name:     "unwritable report directory",
			files:    map[string][]byte{"a.txt": jaText, "c.yaml": []byte(passText)},
			args:     []string{"sanitize-file", "a.txt", "-o", "out.txt", "--report", "/sys/r.json", "--config", "c.yaml"},
			wantCode: exitUsage, wantStderr: "--report /sys/r.json: directory /sys is not writable",
		},
		{
			name:     "unwritable output directory",
			files:    map[string][]byte{"a.txt": jaText, "c.yaml": []byte(passText)},
			args:     []string{"sanitize-file", "a.txt", "-o", "/sys/out.txt", "--report", "r2.json", "--config", "c.yaml"},
			wantCode: exitUsage, wantStderr: "-o /sys/out.txt: directory /sys is not writable",
		},
		{
			name:     "output is the input",
			files:    map[string][]byte{"a.txt": jaText, "c.yaml": []byte(passText)},
			args:     []string{"sanitize-file", "a.txt", "-o", "./a.txt", "--config", "c.yaml"},
			wantCode: exitUsage, wantStderr: "must not name the input",
		},
		{
			name:     "invalid config names the key and line",
			files:    map[string][]byte{"a.txt": jaText, "c.yaml": []byte("limits:\n  max_file_size: 12\n  max_depth: 0\n")},
			args:     []string{"sanitize-file", "a.txt", "-o", "out.txt", "--config", "c.yaml"},
			wantCode: exitUsage, wantStderr: `config: c.yaml:2: limits.max_file_size: must be at least 1KiB, got "12"` + "\n" + `config: c.yaml:3: limits.max_depth: must be between 1 and 64, got "0"`,
		},
		{
			name:     "unknown config key",
			files:    map[string][]byte{"a.txt": jaText, "c.yaml": []byte("limts:\n  max_depth: 3\n")},
			args:     []string{"sanitize-file", "a.txt", "-o", "out.txt", "--config", "c.yaml"},
			wantCode: exitUsage, wantStderr: `config: c.yaml:1: limts: unknown key (did you mean "limits"?)`,
		},
		{
			name:     "unknown policy type",
			files:    map[string][]byte{"a.txt": jaText, "c.yaml": []byte("policy:\n  docz: block\n")},
			args:     []string{"sanitize-file", "a.txt", "-o", "out.txt", "--config", "c.yaml"},
			wantCode: exitUsage, wantStderr: `config: c.yaml:2: policy.docz: unknown type or class`,
		},
		{
			name:     "missing config file",
			files:    map[string][]byte{"a.txt": jaText},
			args:     []string{"sanitize-file", "a.txt", "-o", "out.txt", "--config", "none.yaml"},
			wantCode: exitUsage, wantStderr: "none.yaml: no such file",
		},
		{name: "no input", args: []string{"sanitize-file", "-o", "out.txt"}, wantCode: exitUsage, wantStderr: "want exactly one INPUT, got 0"},
		{name: "two inputs", args: []string{"sanitize-file", "a", "b", "-o", "out.txt"}, wantCode: exitUsage, wantStderr: "want exactly one INPUT, got 2"},
		{name: "no output", args: []string{"sanitize-file", "a.txt"}, wantCode: exitUsage, wantStderr: "-o OUTPUT is required"},
		{name: "unknown flag", args: []string{"sanitize-file", "a.txt", "-o", "x", "--fast"}, wantCode: exitUsage, wantStderr: "flag provided but not defined: -fast"},
		{name: "report and output both stdout", args: []string{"sanitize-file", "-", "-o", "-", "--report", "-"}, wantCode: exitUsage, wantStderr: "cannot both use standard output"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tc.files)
			before := listDir(t, dir)
			r := sekisho(t, dir, tc.stdin, tc.args...)
			if r.code != tc.wantCode {
				t.Fatalf("sekisho %v: exit %d, want %d\nstderr: %s", tc.args, r.code, tc.wantCode, r.stderr)
			}
			if !strings.Contains(r.stderr, tc.wantStderr) {
				t.Errorf("sekisho %v: stderr = %q, want it to contain %q", tc.args, r.stderr, tc.wantStderr)
			}
			after := listDir(t, dir)
			var created []string
			for _, n := range after {
				if !slices.Contains(before, n) {
					created = append(created, n)
				}
			}
			var want []string
			if tc.wantVerdict != "" {
				want = append(want, "r.json")
			}
			if tc.wantOutput {
				want = append(want, "out.txt")
			}
			slices.Sort(want)
			if !slices.Equal(created, want) {
				t.Errorf("sekisho %v created %q, want exactly %q (nothing half-written)", tc.args, created, want)
			}
			if tc.wantVerdict == "" {
				return
			}
			rep := readReport(t, filepath.Join(dir, "r.json"))
			if rep.Verdict != tc.wantVerdict {
				t.Errorf("report verdict = %q, want %q", rep.Verdict, tc.wantVerdict)
			}
			if (rep.Output != nil) != tc.wantOutput {
				t.Errorf("report output = %+v, want present=%v", rep.Output, tc.wantOutput)
			}
			if !tc.wantOutput && rep.Reason == "" {
				t.Errorf("report reason is empty for verdict %s", rep.Verdict)
			}
		})
	}
}

// reportJSON mirrors the report contract independently of the command's own type; the
// golden test pins the exact field set.
type reportJSON struct {
	Verdict string `json:"verdict"`
	Reason  string `json:"reason"`
	Actions []struct {
		Action string `json:"action"`
		Path   string `json:"path"`
		Detail string `json:"detail"`
	} `json:"actions"`
	Input    *fileJSON      `json:"input"`
	Output   *fileJSON      `json:"output"`
	Detected map[string]any `json:"detected"`
	Duration *int64         `json:"duration_ms"`
	Version  string         `json:"version"`
}

type fileJSON struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	Type   string `json:"type"`
}

func readReport(t *testing.T, path string) reportJSON {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read report: %v", err)
	}
	var r reportJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("report %s does not match the contract: %v\n%s", path, err, b)
	}
	return r
}
