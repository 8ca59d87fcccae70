// Package testtool keeps tests honest about what they did not do. Tests depend on real
// external programs (qpdf, pdftotext, LibreOffice, Postfix) without hiding their absence:
// under CI (CI=true) a missing tool fails the test, elsewhere it skips with the command
// that installs it. Fuzz targets bound each input with Deadline, so a hang is a find.
package testtool

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// Need returns the path of the named program, or fails (CI) or skips the test.
func Need(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is required under CI; .ci/run must install it", name)
	}
	t.Skipf("%s not installed (run .ci/run or apt-get install it)", name)
	return ""
}

// Lookup is Need for helpers that have no testing.TB at hand (output checkers called from
// fuzz targets and shared conformance hooks): it returns the program's path; when the
// program is missing it returns an error under CI, so the check fails, and "" elsewhere, so
// the caller can leave out the part of the check that needs it.
func Lookup(name string) (string, error) {
	p, err := exec.LookPath(name)
	if err == nil {
		return p, nil
	}
	if os.Getenv("CI") != "" {
		return "", fmt.Errorf("%s is required under CI; .ci/run must install it", name)
	}
	return "", nil
}

// NeedFile returns the first of paths that exists, or fails (CI) or skips the test: for
// data files of a package (fonts) rather than programs; pkg names the package to install.
func NeedFile(t testing.TB, pkg string, paths ...string) string {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is required under CI (none of %v); .ci/run must install it", pkg, paths)
	}
	t.Skipf("%s not installed (run .ci/run or apt-get install it)", pkg)
	return ""
}
