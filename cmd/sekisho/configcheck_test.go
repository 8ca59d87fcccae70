package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigCheckBadConfigs is the table of issue 9 item 6: each bad configuration makes
// `config check` exit 2 naming the file, line and dotted key, and every other command
// refuses to start on it the same way (they all run the one validation).
func TestConfigCheckBadConfigs(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string // in order; the first names file:line: key
	}{
		{"unknown key", "smtp:\n  listen: 127.0.0.1:2525\n  tls_crt: a.pem\n",
			[]string{"c.yaml:3: smtp.tls_crt: unknown key (did you mean \"tls_cert\"?)"}},
		{"route tls value", "delivery:\n  routes:\n    city.lg.jp: smtp://10.1.2.3:25?tls=yes\n",
			[]string{"c.yaml:3: delivery.routes.city.lg.jp: tls must be one of none, opportunistic, required"}},
		{"route host:port", "delivery:\n  routes:\n    \"*\": smtp://mx.example:smtp\n",
			[]string{"c.yaml:3: delivery.routes.*:", "must be smtp://host:port"}},
		{"listen address", "smtp:\n  listen: 0.0.0.0\n", []string{"c.yaml:2: smtp.listen: must be host:port"}},
		{"http listen port", "http:\n  listen: 127.0.0.1:99999\n", []string{"c.yaml:2: http.listen: port must be a number from 0 to 65535"}},
		{"configured certificate missing", "smtp:\n  tls_cert: /nonexistent/cert.pem\n  tls_key: /nonexistent/key.pem\n",
			[]string{"c.yaml:2: smtp.tls_cert: file does not exist", "c.yaml:3: smtp.tls_key: file does not exist"}},
		{"certificate without key", "smtp:\n  tls_cert: /nonexistent/cert.pem\n", []string{"smtp.tls_key: tls_cert and tls_key must be set together"}},
		{"quarantine key missing", "quarantine:\n  key_file: q.key\n", []string{"c.yaml:2: quarantine.key_file: file does not exist"}},
		{"quarantine key not 32 bytes", "quarantine:\n  key_file: short.key\n",
			[]string{"c.yaml:2: quarantine.key_file: want 32 bytes or 64 hex characters, got 16 bytes"}},
		{"message larger than a file", "smtp:\n  max_message_size: 200MiB\n",
			[]string{"c.yaml:2: smtp.max_message_size: must not exceed limits.max_file_size (100MiB)"}},
		{"pass for executables", "policy:\n  exe: pass\n", []string{"c.yaml:2: policy.exe: pass would copy exe unchanged"}},
		{"pass for scripts", "policy:\n  script: pass\n", []string{"c.yaml:2: policy.script: pass would copy"}},
		{"pass for archives", "policy:\n  zip: pass\n", []string{"c.yaml:2: policy.zip: pass would copy zip unchanged"}},
		{"pass for Office", "policy:\n  docx: pass\n", []string{"c.yaml:2: policy.docx: pass would copy docx unchanged"}},
		{"pass for PDF", "policy:\n  pdf: pass\n", []string{"c.yaml:2: policy.pdf: pass would copy pdf unchanged"}},
		{"pass for unknown", "policy:\n  unknown: pass\n", []string{"c.yaml:2: policy.unknown: pass would copy unknown unchanged"}},
		{"policy action", "policy:\n  pdf: allow\n", []string{"c.yaml:2: policy.pdf: must be one of pass, sanitize"}},
		{"bad size unit", "limits:\n  max_file_size: 10 parsecs\n", []string{"c.yaml:2: limits.max_file_size: invalid size"}},
		{"syntax error", "smtp:\n  listen: a\n   hostname: b\n", []string{"c.yaml: line 3:"}},
		{"every error at once", "log:\n  level: loud\npolicy:\n  exe: pass\nsmtp:\n  listen: nowhere\nquarantine:\n  key_file: q.key\n",
			[]string{"c.yaml:2: log.level", "c.yaml:4: policy.exe", "c.yaml:6: smtp.listen", "c.yaml:8: quarantine.key_file"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string][]byte{"c.yaml": []byte(tc.yaml), "short.key": make([]byte, 16), "in.txt": []byte("hello\n")})
			runs := [][]string{{"config", "check", "c.yaml"}}
			if tc.name == "every error at once" || tc.name == "pass for executables" {
				runs = append(runs,
					[]string{"serve", "--config", "c.yaml"},
					[]string{"sanitize-file", "in.txt", "-o", "out.txt", "--config", "c.yaml"},
					[]string{"sanitize-mail", "in.txt", "-o", "out.eml", "--config", "c.yaml"},
					[]string{"quarantine", "list", "--config", "c.yaml"})
			}
			for _, args := range runs {
				r := sekisho(t, dir, nil, args...)
				if r.code != exitUsage {
					t.Fatalf("sekisho %s: exit %d, want %d (configuration error)\n%s%s", strings.Join(args, " "), r.code, exitUsage, r.stdout, r.stderr)
				}
				rest := r.stderr
				for _, w := range tc.want {
					i := strings.Index(rest, w)
					if i < 0 {
						t.Fatalf("sekisho %s: stderr\n%s\nwant it to contain, in order, %q", strings.Join(args, " "), r.stderr, w)
					}
					rest = rest[i+len(w):]
				}
				if strings.Contains(r.stdout, "ok") {
					t.Errorf("sekisho %s printed ok on a bad configuration", strings.Join(args, " "))
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "sekisho-data")); err == nil {
				t.Error("a command created data on a configuration it refused")
			}
		})
	}
}

// TestConfigCheckAcceptsWhatServeRuns: a good file says ok, and relative paths in it are
// taken from its directory, not from where the command runs.
func TestConfigCheckAcceptsWhatServeRuns(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{
		"etc/sekisho.yaml": []byte("data_dir: ../state\nquarantine:\n  key_file: q.key\n"),
		"etc/q.key":        []byte(strings.Repeat("0f", 32) + "\n"),
	})
	if r := sekisho(t, dir, nil, "config", "check", "etc/sekisho.yaml"); r.code != 0 || r.stdout != "ok\n" {
		t.Fatalf("config check: %d %q %q", r.code, r.stdout, r.stderr)
	}
	// From another directory the key file is still found next to the configuration.
	if r := sekisho(t, filepath.Join(dir, "etc"), nil, "config", "check", "sekisho.yaml"); r.code != 0 {
		t.Fatalf("config check from etc/: %d %s", r.code, r.stderr)
	}
	if r := sekisho(t, dir, nil, "config", "check"); r.code != 0 || !strings.Contains(r.stdout, "built-in defaults") {
		t.Fatalf("config check with no file: %d %q", r.code, r.stdout)
	}
}
