package img

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// TestThroughEngine wires the family the way cmd/sekisho does and checks what the engine
// makes of its results: output only on success, the new type and name for converted
// formats, and quarantine with the limit's key for the huge claim.
func TestThroughEngine(t *testing.T) {
	e := sanitize.NewEngine(sanitize.EngineOptions{TempDir: t.TempDir()})
	e.Register(string(sanitize.ClassImage), New(Options{}))
	tests := []struct {
		file, name string
		verdict    sanitize.Verdict
		outType    string
		outName    string
		reason     string
	}{
		{"polyglot-zip.jpg", "holiday.jpg", sanitize.Sanitized, "", "", ""},
		{"photo.webp", "photo.webp", sanitize.Sanitized, "image/png", "photo.png", ""},
		{"bad-huge-dimensions.png", "huge.png", sanitize.Quarantined, "", "", "limit exceeded: limits.max_pixels (max 50000000, got 10000000000)"},
		{"bad-truncated.jpg", "cut.jpg", sanitize.Quarantined, "", "", "malformed: jpeg: truncated"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(corpusDir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			res, err := e.Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(data), Path: "att", Name: tc.name}, &out, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != tc.verdict || res.OutType != tc.outType || res.OutName != tc.outName || res.Reason != tc.reason {
				t.Errorf("engine: %s %q %q %q, want %s %q %q %q", res.Verdict, res.OutType, res.OutName, res.Reason, tc.verdict, tc.outType, tc.outName, tc.reason)
			}
			if res.Verdict.HasOutput() {
				if _, err := decodeOutput(out.Bytes()); err != nil {
					t.Errorf("engine output does not decode: %v", err)
				}
			} else if out.Len() != 0 {
				t.Errorf("engine wrote %d bytes for a %s item, want none", out.Len(), res.Verdict)
			}
		})
	}
}
