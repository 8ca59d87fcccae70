package sanitize

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHeldReasons: an iPhone photo (by default) and an e-book (under {epub: quarantine})
// are held with a reason that names the format in Japanese and English and says what to ask the sender
// for, not "policy quarantines unknown type (image/heic)".
func TestHeldReasons(t *testing.T) {
	tests := []struct {
		file, typ string
		want      []string
	}{
		{"uns-da-1p.heic", "heic", []string{"HEIC/HEIF 画像", "JPEG", "HEIC/HEIF image held", "install heif-convert"}},
		{"uns-eng-spa-mult.epub", "epub", []string{"電子書籍 (EPUB)", "PDF", "EPUB e-book held by policy"}},
	}
	e := NewEngine(EngineOptions{Policy: DefaultPolicy().With(map[string]PolicyAction{"epub": Quarantine})})
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("..", "testdata", "held", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			res, err := e.Sanitize(context.Background(), &Item{Body: bytes.NewReader(data), Name: tt.file, Path: tt.file}, &out, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Detected.Name != tt.typ || res.Verdict != Quarantined || out.Len() != 0 {
				t.Fatalf("%s: detected %s, verdict %s, %d bytes; want %s, quarantined, nothing", tt.file, res.Detected.Name, res.Verdict, out.Len(), tt.typ)
			}
			for _, w := range tt.want {
				if !strings.Contains(res.Reason, w) {
					t.Errorf("reason %q lacks %q", res.Reason, w)
				}
			}
		})
	}
}
