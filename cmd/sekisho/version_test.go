package main

import (
	"os/exec"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

func TestBuildInfoFormats(t *testing.T) {
	vcs := func(kv ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}
		for i := 0; i+1 < len(kv); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return bi
	}
	const rev = "854a6829e6057679cee153510cffa384742d3839"
	tests := []struct {
		name, linked string
		info         *debug.BuildInfo
		short, line  string
	}{
		{"no build info", "", nil, "devel", "sekisho devel commit unknown (built without VCS information)"},
		{"devel with commit", "", vcs("vcs.revision", rev, "vcs.time", "2026-12-06T22:37:26Z", "vcs.modified", "false"),
			"devel-854a6829e605", "sekisho devel commit " + rev + " (2026-12-06T22:37:26Z)"},
		{"modified tree", "", vcs("vcs.revision", rev, "vcs.modified", "true"), "devel-854a6829e605+dirty", "sekisho devel commit " + rev + " modified"},
		{"linked version", "v1.2.0", vcs("vcs.revision", rev), "v1.2.0-854a6829e605", "sekisho v1.2.0 commit " + rev},
		{"module version", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.3.0"}}, "v1.3.0", "sekisho v1.3.0 commit unknown"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := parseBuildInfo(tc.linked, tc.info)
			if got := b.short(); got != tc.short {
				t.Errorf("short() = %q, want %q", got, tc.short)
			}
			if got := b.line(); !strings.HasPrefix(got, tc.line) {
				t.Errorf("line() = %q, want it to start with %q", got, tc.line)
			}
		})
	}
}

// TestVersionPrintsTheCommit: `sekisho version` and `sekisho --version` print the commit
// the Go tool recorded in this very binary (or say that it recorded none).
func TestVersionPrintsTheCommit(t *testing.T) {
	out, err := exec.Command("go", "version", "-m", binary).Output()
	if err != nil {
		t.Fatal(err)
	}
	rev := regexp.MustCompile(`vcs\.revision=([0-9a-f]+)`).FindSubmatch(out)
	for _, args := range [][]string{{"version"}, {"--version"}} {
		r := sekisho(t, t.TempDir(), nil, args...)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "sekisho ") {
			t.Fatalf("sekisho %s: %d %q %q", args[0], r.code, r.stdout, r.stderr)
		}
		if rev != nil && !strings.Contains(r.stdout, "commit "+string(rev[1])) {
			t.Errorf("sekisho %s = %q, want the commit %s", args[0], r.stdout, rev[1])
		}
		if rev == nil && !strings.Contains(r.stdout, "commit unknown") {
			t.Errorf("sekisho %s = %q, want it to say the commit is unknown", args[0], r.stdout)
		}
	}
}
