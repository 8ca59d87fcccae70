package config

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

// FuzzLoad feeds arbitrary YAML to Load: it must never panic, and whatever configuration
// it returns (also alongside an error) must survive path resolution, Validate and
// CheckPolicyKeys without panicking.
func FuzzLoad(f *testing.F) {
	f.Add(ExampleFile())
	for _, s := range []string{
		"", "log: debug\n", "limits:\n  max_file_size: 1.5GB\n  timeout: 30s\n",
		"policy:\n  docm: quarantine\n", "mail:\n  extra_headers: [List-Id, 'X:']\n",
		"a: &x [*x]\n", "limits: {max_depth: 99999999999999999999}\n",
		"mail:\n  notice_template_ja: '{{range .}}'\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		cfg, err := Load(bytes.NewReader(data))
		if err != nil && !strings.HasPrefix(err.Error(), "config: ") {
			t.Errorf("Load error %q lacks the config: prefix", err)
		}
		if cfg == nil {
			return
		}
		// A partial configuration (bad keys at their defaults) is validated too, so
		// that a file's problems are all reported in one run.
		cfg.resolvePaths("/base")
		_ = cfg.Validate()
		_ = cfg.CheckPolicyKeys(func(string) bool { return false })
	})
}
