// Package testtool lets tests depend on real external programs (qpdf, pdftotext,
// LibreOffice, Postfix) without hiding their absence: under CI (CI=true) a missing tool
// fails the test, elsewhere it skips with the command that installs it.
package testtool

import (
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
