package archive

import (
	"bytes"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// FuzzSanitize feeds mutated archives to the walker (input that no longer detects as an
// archive is treated as a zip, so the zip directory parser sees every mutation). It
// asserts properties only: no panic, no more expansion than the budget allows (one read
// of slack), and an output that re-parses with safe names whenever one is produced and
// sanitizes again unchanged.
func FuzzSanitize(f *testing.F) {
	for _, c := range generated(f) {
		f.Add(c.data)
	}
	for _, p := range committed(f) {
		f.Add(readFile(f, p))
	}
	lim := sanitize.Limits{MaxFileSize: 1 << 20, MaxTotalSize: 4 << 20, MaxEntries: 200, MaxDepth: 4, Timeout: 10 * time.Second}
	_, a := testEngine(f, lim)
	zipType := sanitize.Type{Name: "zip", Class: sanitize.ClassArchive, MIME: "application/zip", Ext: ".zip"}
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, 2*lim.Timeout)
		b := sanitize.NewBudget(lim)
		in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item", Name: "fuzz"}
		if in.Detected = sanitize.Detect(in.Body); in.Detected.Class != sanitize.ClassArchive {
			in.Detected = zipType
		}
		var out bytes.Buffer
		res, err := a.Sanitize(t.Context(), in, &out, b)
		if got, max := b.Expanded(), lim.MaxTotalSize+1<<20; got > max {
			t.Fatalf("expanded %d bytes, budget %d", got, lim.MaxTotalSize)
		}
		if err != nil || !res.Verdict.HasOutput() {
			return
		}
		if in.Detected.Name == "epub" {
			// A book comes out as its text.
			if !utf8.Valid(out.Bytes()) {
				t.Fatalf("book output is not plain UTF-8 text: %.200q", out.Bytes())
			}
			return
		}
		if err := reparse(out.Bytes()); err != nil {
			t.Fatalf("output does not re-parse: %v", err)
		}
		for _, act := range res.Actions {
			if act.Path == "" {
				t.Fatalf("action without a path: %+v", act)
			}
		}
		// A fixed point: the rebuilt archive sanitizes again as clean, with no action and
		// the same bytes.
		in2 := &sanitize.Item{Body: bytes.NewReader(out.Bytes()), Path: "item", Name: "fuzz"}
		in2.Detected = sanitize.Detect(in2.Body)
		var out2 bytes.Buffer
		res2, err := a.Sanitize(t.Context(), in2, &out2, sanitize.NewBudget(lim))
		if err != nil {
			t.Fatalf("second pass (%s): %v", in2.Detected.Name, err)
		}
		if res2.Verdict != sanitize.Clean || len(res2.Actions) != 0 {
			t.Fatalf("second pass (%s) = %s %+v, want clean with no actions", in2.Detected.Name, res2.Verdict, res2.Actions)
		}
		if !bytes.Equal(out.Bytes(), out2.Bytes()) {
			t.Fatalf("second pass changed the output (%d bytes, then %d)", out.Len(), out2.Len())
		}
	})
}
