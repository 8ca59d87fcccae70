package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadFileResolvesPaths: a relative path means the same whatever the current
// directory of the process: it is taken from the configuration file's directory.
func TestLoadFileResolvesPaths(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "etc", "sekisho.yaml")
	os.MkdirAll(filepath.Dir(p), 0o755)
	os.WriteFile(p, []byte(`data_dir: state
temp_dir: /var/tmp
smtp:
  tls_cert: tls/cert.pem
  tls_key: ../secret/key.pem
quarantine:
  key_file: q.key
render:
  font_dir: "-"
delivery:
  routes:
    city.lg.jp: dir:out
    "*": smtp://192.0.2.1:25
`), 0o600)
	cfg, err := LoadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	etc := filepath.Join(dir, "etc")
	for _, c := range []struct{ key, got, want string }{
		{"data_dir", cfg.DataDir, filepath.Join(etc, "state")},
		{"temp_dir", cfg.TempDir, "/var/tmp"},
		{"smtp.tls_cert", cfg.SMTP.TLSCert, filepath.Join(etc, "tls", "cert.pem")},
		{"smtp.tls_key", cfg.SMTP.TLSKey, filepath.Join(dir, "secret", "key.pem")},
		{"quarantine.key_file", cfg.Quarantine.KeyFile, filepath.Join(etc, "q.key")},
		{"render.font_dir", cfg.Render.FontDir, "-"},
		{"delivery.routes.city.lg.jp", cfg.Delivery.Routes["city.lg.jp"], "dir:" + filepath.Join(etc, "out")},
		{"delivery.routes.*", cfg.Delivery.Routes["*"], "smtp://192.0.2.1:25"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.key, c.got, c.want)
		}
	}
}

// TestEffectiveRoutesFollowDataDir: with no "*" route, delivery writes under data_dir,
// not under ./sekisho-data of whatever directory serve was started in.
func TestEffectiveRoutesFollowDataDir(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sekisho.yaml")
	os.WriteFile(p, []byte("data_dir: /srv/sekisho\ndelivery:\n  routes:\n    city.lg.jp: smtp://10.0.0.1:25\n"), 0o600)
	cfg, err := LoadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	got := cfg.EffectiveRoutes()
	if got["*"] != "dir:/srv/sekisho/delivered" || got["city.lg.jp"] != "smtp://10.0.0.1:25" || len(got) != 2 {
		t.Errorf("EffectiveRoutes() = %v", got)
	}
	if d := Default().EffectiveRoutes(); d["*"] != "dir:sekisho-data/delivered" {
		t.Errorf("Default().EffectiveRoutes() = %v, want * under ./sekisho-data", d)
	}
	explicit := Default()
	explicit.Delivery.Routes = map[string]string{"*": "smtp://192.0.2.1:25"}
	if got := explicit.EffectiveRoutes(); got["*"] != "smtp://192.0.2.1:25" {
		t.Errorf("an explicit * route was replaced: %v", got)
	}
}

// TestLoadKeepsGoingPastBadKeys: a file with a bad key and a bad value still yields a
// configuration, so Validate can report the rest of the file in the same run.
func TestLoadKeepsGoingPastBadKeys(t *testing.T) {
	cfg, err := Load(strings.NewReader("limits:\n  max_depth: deep\n  max_file_size: 12\nlog:\n  colour: red\n  level: loud\n"))
	if err == nil || cfg == nil {
		t.Fatalf("Load = %v, %v; want a configuration and an error", cfg, err)
	}
	if cfg.Limits.MaxDepth != 8 || cfg.Limits.MaxFileSize != 12 || cfg.Log.Level != "loud" {
		t.Errorf("partial configuration: depth %d (want default 8), file size %d, level %q", cfg.Limits.MaxDepth, cfg.Limits.MaxFileSize, cfg.Log.Level)
	}
	all := err.Error() + "\n" + cfg.Validate().Error()
	for _, want := range []string{"line 2: limits.max_depth: must be a whole number", "line 5: log.colour: unknown key",
		"line 3: limits.max_file_size: must be at least 1KiB", "line 6: log.level: must be one of"} {
		if !strings.Contains(all, want) {
			t.Errorf("errors lack %q:\n%s", want, all)
		}
	}
}
