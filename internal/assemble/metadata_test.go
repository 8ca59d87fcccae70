package assemble

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/sanitize"
)

// TestMetadataByDirection: metadata.inbound and metadata.outbound reach the families, and
// Options.Direction picks between them. A LibreOffice docx and RTF carry an author and
// dates: strip removes them (one removed-metadata action each), keep leaves them clean.
func TestMetadataByDirection(t *testing.T) {
	tests := []struct {
		name      string
		inbound   string
		outbound  string
		direction string
		want      bool // removed-metadata expected
	}{
		{"inbound default strips", "strip", "strip", "", true},
		{"inbound keep", "keep", "strip", config.Inbound, false},
		{"outbound strict, inbound keeps", "keep", "strip", config.Outbound, true},
		{"outbound keep", "strip", "keep", config.Outbound, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.TempDir = t.TempDir()
			cfg.Metadata = config.Metadata{Inbound: tc.inbound, Outbound: tc.outbound}
			s, err := NewSanitizers(cfg, Options{Direction: tc.direction})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			for _, f := range []string{"ooxml/report.docx", "odf/report.odt", "rtf/lo-plain.rtf", "pdf/gs-outline.pdf"} {
				data, err := os.ReadFile(filepath.Join("..", "..", "testdata", f))
				if err != nil {
					t.Fatal(err)
				}
				var out bytes.Buffer
				res, err := s.Files.Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(data), Path: "item", Name: filepath.Base(f)}, &out, nil)
				if err != nil || !res.Verdict.HasOutput() {
					t.Fatalf("Sanitize(%s) = %s %q, %v", f, res.Verdict, res.Reason, err)
				}
				got := false
				for _, a := range res.Actions {
					// The image family drops PNG text chunks in every mode: that is how it
					// re-encodes, not this setting.
					got = got || a.Kind == sanitize.ActRemovedMetadata && filepath.Ext(a.Path) != ".png"
				}
				if got != tc.want {
					t.Errorf("Sanitize(%s) actions = %+v, want removed-metadata %v", f, res.Actions, tc.want)
				}
			}
		})
	}
}
