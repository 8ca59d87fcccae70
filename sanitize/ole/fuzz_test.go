package ole

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

// FuzzCFB feeds Inspect mutations of the corpus. Properties: no panic, and every path it
// reports is bounded by the directory (at most one per 128-byte entry in the file).
func FuzzCFB(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*"))
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil && len(b) <= 64<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		info, err := Inspect(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		if n := len(info.Streams) + len(info.Storages); n > len(data)/dirEntrySize {
			t.Fatalf("Inspect reported %d entries for %d bytes", n, len(data))
		}
		if Reason(info, "") == nil {
			t.Fatal("Reason returned nil")
		}
	})
}
