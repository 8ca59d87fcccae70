package testtool

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var fuzzCall = regexp.MustCompile(`\.Fuzz\(func\(`)

// TestEveryFuzzTargetHasADeadline: each function given to f.Fuzz in the repository starts
// with Deadline. Without it a hang while fuzzing passes silently (see Deadline), so a new
// target without one would make .ci/fuzz.sh blind to hangs in its code.
func TestEveryFuzzTargetHasADeadline(t *testing.T) {
	root := filepath.Join("..", "..")
	targets := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); n == "testdata" || n == ".git" || (strings.HasPrefix(n, ".") && p != root) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		line, pending := 0, 0
		for sc.Scan() {
			line++
			text := strings.TrimSpace(sc.Text())
			if pending != 0 && text != "" {
				if !strings.Contains(text, "Deadline(") {
					t.Errorf("%s:%d: the function given to f.Fuzz does not start with testtool.Deadline", p, pending)
				}
				pending = 0
			}
			if fuzzCall.MatchString(text) && !strings.HasPrefix(text, "//") {
				targets++
				pending = line
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if targets < 20 {
		t.Fatalf("found %d fuzz targets, want at least 20: is the walk looking at the repository?", targets)
	}
}
