package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// quickStart returns the commands of the README's quick start block.
func quickStart(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "## Quick start")
	if !ok {
		t.Fatal("README.md has no Quick start section")
	}
	_, rest, ok = strings.Cut(rest, "```sh\n")
	block, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("README.md Quick start has no ```sh block")
	}
	return strings.Split(strings.TrimSpace(block), "\n")
}

// TestQuickStart keeps the README true: exactly two commands, the first runs sekisho on a
// bundled sample and succeeds, the second is the test command CI runs.
func TestQuickStart(t *testing.T) {
	cmds := quickStart(t)
	if len(cmds) != 2 {
		t.Fatalf("Quick start has %d commands, want exactly 2: %q", len(cmds), cmds)
	}
	if cmds[1] != "go test -race ./..." {
		t.Errorf("second command = %q, want the test suite command %q", cmds[1], "go test -race ./...")
	}
	const prefix = "go run ./cmd/sekisho "
	if !strings.HasPrefix(cmds[0], prefix) {
		t.Fatalf("first command = %q, want it to start with %q", cmds[0], prefix)
	}
	args := strings.Fields(strings.TrimPrefix(cmds[0], prefix))
	// Run it from the repository root as written, but write into a temp dir.
	out := filepath.Join(t.TempDir(), "out")
	for i := range args {
		if i > 0 && args[i-1] == "-o" {
			args[i] = out
		}
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	r := sekisho(t, root, nil, append(args, "--report", out+".json")...)
	if r.code != exitOK {
		t.Fatalf("quick start %q: exit %d, want 0; stderr: %s", cmds[0], r.code, r.stderr)
	}
	rep := readReport(t, out+".json")
	if rep.Verdict != "sanitized" {
		t.Errorf("quick start verdict = %q, want sanitized (the sample must show sekisho at work)", rep.Verdict)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"株式会社みなと商事", `"'=HYPERLINK(`, `,'@SUM(`, ",-5500,"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("quick start output lacks %q:\n%s", want, b)
		}
	}
	if !utf8.Valid(b) || strings.Contains(string(b), "\r") {
		t.Errorf("quick start output is not UTF-8 with LF newlines")
	}
}
