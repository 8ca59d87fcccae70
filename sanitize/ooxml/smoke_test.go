package ooxml

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSmoke(t *testing.T) {
	e, _ := newEngine(true)
	dir := os.Getenv("SMOKE_OUT")
	for _, f := range []string{"ooxml/report.docx", "ooxml/ledger.xlsx", "ooxml/slides.pptx", "odf/report.odt", "odf/ledger.ods", "odf/slides.odp"} {
		out, res := run(t, e, f, readCorpus(t, f))
		t.Logf("%s: %s %s %+v (%d bytes)", f, res.Verdict, res.Reason, res.Actions, len(out))
		if dir != "" {
			os.WriteFile(filepath.Join(dir, filepath.Base(f)), out, 0o644)
		}
	}
}
