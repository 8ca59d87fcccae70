package pdf

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// TestThroughEngine wires the family as main does and checks the verdicts and reasons an
// operator sees for the main outcomes.
func TestThroughEngine(t *testing.T) {
	e := sanitize.NewEngine(sanitize.EngineOptions{TempDir: t.TempDir()})
	e.Register(string(sanitize.ClassPDF), New(Options{}))
	tests := []struct {
		file       string
		want       sanitize.Verdict
		wantReason string
	}{
		{"gs-outline.pdf", sanitize.Sanitized, ""}, // producer metadata stripped
		{"hostile-js-objstm.pdf", sanitize.Sanitized, ""},
		{"bad-encrypted-empty-userpw.pdf", sanitize.Quarantined, "encrypted"},
		{"bad-truncated.pdf", sanitize.Quarantined, "malformed"},
		{"bad-garbage.pdf", sanitize.Quarantined, "malformed"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			data := readFile(t, filepath.Join(corpusDir, tc.file))
			in := &sanitize.Item{Body: bytes.NewReader(data), Path: "attachment[1]", Name: tc.file}
			var out bytes.Buffer
			res, err := e.Sanitize(context.Background(), in, &out, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != tc.want {
				t.Fatalf("engine verdict for %s = %s (%s), want %s", tc.file, res.Verdict, res.Reason, tc.want)
			}
			if !strings.Contains(res.Reason, tc.wantReason) {
				t.Errorf("engine reason for %s = %q, want it to mention %q", tc.file, res.Reason, tc.wantReason)
			}
			if got := out.Len() > 0; got != tc.want.HasOutput() {
				t.Errorf("engine wrote %d bytes for verdict %s", out.Len(), res.Verdict)
			}
		})
	}
}
