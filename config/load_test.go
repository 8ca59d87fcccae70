package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestLoadEmptyIsDefault(t *testing.T) {
	for _, in := range []string{"", "\n", "# only a comment\n", "---\n"} {
		cfg, err := Load(strings.NewReader(in))
		if err != nil {
			t.Fatalf("Load(%q) error = %v", in, err)
		}
		if got, want := *cfg, *Default(); !reflect.DeepEqual(stripSource(got), stripSource(want)) {
			t.Errorf("Load(%q) = %+v, want defaults %+v", in, got, want)
		}
	}
}

func stripSource(c Config) Config {
	c.file, c.lines = "", nil
	return c
}

func TestLoadOverridesKeepOtherDefaults(t *testing.T) {
	in := `
data_dir: /var/lib/sekisho
limits:
  max_file_size: 25MiB
  timeout: 30s
policy:
  docm: quarantine
mail:
  extra_headers: [List-Id]
  output_charset: iso-2022-jp
text:
  defang_links: true
`
	cfg, err := Load(strings.NewReader(in))
	if err != nil {
		t.Fatalf("Load() error = %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"data_dir", cfg.DataDir, "/var/lib/sekisho"},
		{"limits.max_file_size", cfg.Limits.MaxFileSize, Size(25 << 20)},
		{"limits.timeout", cfg.Limits.Timeout.Std(), 30 * time.Second},
		{"limits.max_total_size (default kept)", cfg.Limits.MaxTotalSize, Size(512 << 20)},
		{"limits.max_depth (default kept)", cfg.Limits.MaxDepth, 8},
		{"policy.docm", cfg.Policy["docm"], "quarantine"},
		{"mail.extra_headers", cfg.Mail.ExtraHeaders, []string{"List-Id"}},
		{"mail.output_charset", cfg.Mail.OutputCharset, "iso-2022-jp"},
		{"mail.notice_position (default kept)", cfg.Mail.NoticePosition, "top"},
		{"text.defang_links", cfg.Text.DefangLinks, true},
		{"image.jpeg_quality (default kept)", cfg.Image.JPEGQuality, 92},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("Validate() = %v, want nil", err)
	}
}

func TestLoadErrorsNameKeyAndLine(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // substrings of the error, in order of appearance
	}{
		{
			name: "unknown top-level key",
			in:   "data_dir: x\nsmtpp: {}\n",
			want: []string{`config: line 2: smtpp: unknown key`},
		},
		{
			name: "unknown nested key with suggestion",
			in:   "limits:\n  max_file_size: 1MiB\n  max_filesize: 2MiB\n",
			want: []string{`config: line 3: limits.max_filesize: unknown key (did you mean "max_file_size"?)`},
		},
		{
			name: "dash instead of underscore",
			in:   "mail:\n  output-charset: utf-8\n",
			want: []string{`config: line 2: mail.output-charset: unknown key (did you mean "output_charset"?)`},
		},
		{
			name: "bad size",
			in:   "limits:\n  max_file_size: 12 parsecs\n",
			want: []string{`config: line 2: limits.max_file_size: invalid size: unknown unit "parsecs"`, `got "12 parsecs"`},
		},
		{
			name: "bare number duration",
			in:   "limits:\n  timeout: 30\n",
			want: []string{`config: line 2: limits.timeout: invalid duration: want a number with a unit`, `got "30"`},
		},
		{
			name: "string for int",
			in:   "limits:\n  max_depth: deep\n",
			want: []string{`config: line 2: limits.max_depth: must be a whole number, got "deep"`},
		},
		{
			name: "string for bool",
			in:   "text:\n  defang_links: sometimes\n",
			want: []string{`config: line 2: text.defang_links: must be true or false, got "sometimes"`},
		},
		{
			name: "scalar for section",
			in:   "log: debug\n",
			want: []string{`config: line 1: log: must be a mapping of keys`},
		},
		{
			name: "list for scalar",
			in:   "log:\n  level: [debug]\n",
			want: []string{`config: line 2: log.level: must be a single value, not a list`},
		},
		{
			name: "scalar for list",
			in:   "mail:\n  extra_headers: List-Id\n",
			want: []string{`config: line 2: mail.extra_headers: must be a list`},
		},
		{
			name: "every problem at once",
			in:   "bogus: 1\nlimits:\n  max_pages: many\n  nope: 2\n",
			want: []string{`line 1: bogus: unknown key`, `line 3: limits.max_pages: must be a whole number`, `line 4: limits.nope: unknown key`},
		},
		{
			name: "merge keys refused",
			in:   "base: &b {level: info}\nlog:\n  <<: *b\n",
			want: []string{`line 1: base: unknown key`, `line 3: log.<<: YAML merge keys are not supported`},
		},
		{
			name: "two documents",
			in:   "log: {level: info}\n---\nlog: {level: debug}\n",
			want: []string{`config: <input>: more than one YAML document`},
		},
		{
			name: "syntax error",
			in:   "log:\n  level: info\n   format: json\n",
			want: []string{`config: <input>: line 3:`},
		},
		{
			name: "duplicate key",
			in:   "log:\n  level: info\n  level: debug\n",
			want: []string{`config: <input>:`, `"level" already defined`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Load(strings.NewReader(tc.in))
			if err == nil {
				t.Fatalf("Load(%q) = %+v, want error", tc.in, cfg)
			}
			msg := err.Error()
			rest := msg
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("Load(%q) error =\n%s\nwant it to contain (in order) %q", tc.in, msg, w)
				}
				rest = rest[i+len(w):]
			}
		})
	}
}

func TestLoadFileNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sekisho.yaml")
	if err := os.WriteFile(p, []byte("log:\n  colour: red\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadFile(p)
	want := p + `:2: log.colour: unknown key`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("LoadFile() error = %v, want it to contain %q", err, want)
	}
	var ke *KeyError
	if !errors.As(err, &ke) || ke.Key != "log.colour" || ke.Line != 2 || ke.File != p {
		t.Errorf("errors.As(*KeyError) = %+v, want key log.colour line 2 file %s", ke, p)
	}

	if _, err := LoadFile(filepath.Join(dir, "missing.yaml")); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadFile(missing) error = %v, want os.ErrNotExist", err)
	}
}

func TestLoadRefusesHugeInput(t *testing.T) {
	big := strings.Repeat("# padding\n", maxFileSize/10+1)
	if _, err := Load(strings.NewReader(big)); err == nil || !strings.Contains(err.Error(), "larger than 1MiB") {
		t.Errorf("Load(>1MiB) error = %v, want larger than 1MiB", err)
	}
}

func TestValidateLinesFromFile(t *testing.T) {
	cfg, err := Load(strings.NewReader("log:\n  level: loud\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := cfg.Validate()
	want := `config: line 2: log.level: must be one of debug, info, warn, error, got "loud"`
	if got == nil || got.Error() != want {
		t.Errorf("Validate() = %v, want %s", got, want)
	}
}
