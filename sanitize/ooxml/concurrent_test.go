package ooxml

import (
	"bytes"
	"context"
	"sync"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// TestConcurrentSanitize runs one Sanitizer on several documents from several goroutines
// at once: the scanners, compressors, decompressors, readers' and writers' state and the
// element cache are shared through free lists and pools, and an object handed to two
// documents, or returned while still in use, would mix their bytes. Every output must be
// the one the document gets alone (under -race, the detector also watches the hand-overs).
func TestConcurrentSanitize(t *testing.T) {
	files := []string{"ooxml/report.docx", "ooxml/memo.docx", "ooxml/ja-ledger.xlsx", "ooxml/finding-docx-hyperlink-l-switch.docx",
		"odf/memo.odt", "odf/ja-ledger.ods", "ooxml/bad-truncated.docx"}
	_, s := newEngine(true)
	run := func(data []byte) (string, error) {
		var out bytes.Buffer
		in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}
		_, err := s.Sanitize(context.Background(), in, &out, sanitize.NewBudget(sanitize.Limits{}))
		return out.String(), err
	}
	inputs := make([][]byte, len(files))
	want := make([]string, len(files))
	wantErr := make([]bool, len(files))
	for i, f := range files {
		inputs[i] = readCorpus(t, f)
		out, err := run(inputs[i])
		want[i], wantErr[i] = out, err != nil
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for k := range len(files) {
				i := (g + k) % len(files)
				out, err := run(inputs[i])
				if (err != nil) != wantErr[i] || err == nil && out != want[i] {
					t.Errorf("%s in goroutine %d: output differs from the document's alone (err %v)", files[i], g, err)
					return
				}
			}
		})
	}
	wg.Wait()
}
