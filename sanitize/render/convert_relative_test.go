package render

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// TestConvertRelativeFolders converts with the temp and profile folders given relative to
// the working directory, as the default data_dir (./sekisho-data) gives them. LibreOffice
// takes its profile as a file: URL: a relative path became file://sekisho-data/..., whose
// first segment is a host name, and soffice waited until the timeout killed it (found by
// FuzzEngine, whose worker died at its input deadline with the conversion still hanging).
func TestConvertRelativeFolders(t *testing.T) {
	testtool.Need(t, "soffice")
	doc := readFile(t, corpusFile("ole", "lo-plain.doc"))
	t.Chdir(t.TempDir())
	e, c := convertEngine(t, ConvertOptions{TempDir: ".", ProfileDir: filepath.Join("sekisho-data", "cache", "libreoffice-profile"), Timeout: 45 * time.Second}, sanitize.Limits{})
	if !filepath.IsAbs(c.lo.tmp) || !filepath.IsAbs(c.lo.profileDir) {
		t.Errorf("converter folders %q, %q are not absolute", c.lo.tmp, c.lo.profileDir)
	}
	start := time.Now()
	_, res := engineRun(t, e, doc, "lo-plain.doc")
	if res.Verdict != sanitize.Sanitized || !hasAction(res, sanitize.ActConverted) {
		t.Fatalf("verdict = %s (%s) after %v, want sanitized by conversion", res.Verdict, res.Reason, time.Since(start).Round(time.Second))
	}
}
