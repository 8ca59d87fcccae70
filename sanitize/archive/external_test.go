package archive

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// TestExternalTools verifies outputs with tools that share no code with us: Info-ZIP's
// unzip tests every member's CRC and lists the names, GNU tar lists tar and tar.gz
// outputs. Every name listed must be one our own name checks accept unchanged, and the
// listing must match what we wrote.
func TestExternalTools(t *testing.T) {
	unzip := testtool.Need(t, "unzip")
	tarTool := testtool.Need(t, "tar")
	_, a := testEngine(t, sanitize.Limits{})
	dir := t.TempDir()
	type input struct {
		name string
		data []byte
	}
	var inputs []input
	for _, c := range generated(t) {
		inputs = append(inputs, input{c.name, c.data})
	}
	for _, p := range committed(t) {
		inputs = append(inputs, input{filepath.Base(p), readFile(t, p)})
	}
	checked := 0
	for _, in := range inputs {
		out, res, err := run(t, a, in.data, in.name, sanitize.Limits{})
		if err != nil || !res.Verdict.HasOutput() {
			continue
		}
		t.Run(in.name, func(t *testing.T) {
			file := filepath.Join(dir, strings.ReplaceAll(in.name, "/", "_")+".out")
			if err := os.WriteFile(file, out, 0o644); err != nil {
				t.Fatal(err)
			}
			var cmd *exec.Cmd
			var want []string
			switch {
			case strings.HasSuffix(in.name, ".zip"):
				unzipTest(t, unzip, dir, in.name, out)
				cmd, want = exec.Command(unzip, "-Z1", file), zipNames(t, out)
			case strings.Contains(in.name, ".tar") || strings.HasSuffix(in.name, ".tgz"):
				cmd, want = exec.Command(tarTool, "-tf", file), tarNames(t, out)
			default:
				return // a single gzip'ed payload: covered by the reparse of the conformance suite
			}
			b, err := cmd.CombinedOutput()
			if err != nil && len(want) > 0 {
				t.Fatalf("%s: %v\n%s", cmd, err, b)
			}
			got := []string{}
			for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
				if line != "" && line != "Empty zipfile." {
					got = append(got, line)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s lists %q, we wrote %q", cmd, got, want)
			}
			for _, name := range got {
				if err := safeName(name); err != nil {
					t.Errorf("%s: %v", in.name, err)
				}
			}
			checked++
		})
	}
	if checked < 10 {
		t.Errorf("only %d outputs checked with external tools", checked)
	}
}

// unzipTest runs unzip -t on a zip output and, recursively, on the zips inside it, which
// were rebuilt by a nested walk.
func unzipTest(t *testing.T, unzip, dir, label string, z []byte) {
	t.Helper()
	names := zipNames(t, z)
	if len(names) == 0 {
		return
	}
	file := filepath.Join(dir, strings.NewReplacer("/", "_", " ", "_").Replace(label)+".test.zip")
	if err := os.WriteFile(file, z, 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(unzip, "-tq", file).CombinedOutput(); err != nil {
		t.Fatalf("unzip -t %s: %v\n%s", label, err, b)
	}
	for _, n := range names {
		if strings.HasSuffix(n, ".zip") {
			unzipTest(t, unzip, dir, label+"/"+n, zipEntry(t, z, n))
		}
	}
}
