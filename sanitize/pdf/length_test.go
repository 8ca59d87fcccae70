package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// TestStreamLengthAsViewersRead checks that a content stream is read as poppler reads
// it when its /Length does not end at "endstream": pdfcpu trusted the short /Length of a
// real file and its page came out empty with a Clean verdict. pdftotext, not the
// sanitizer, judges the output.
func TestStreamLengthAsViewersRead(t *testing.T) {
	pdftotext := testtool.Need(t, "pdftotext")
	const content = "BT /F1 24 Tf 72 700 Td (Hostile sample page) Tj ET"
	withLength := func(n int, eol string) []byte {
		p := basePDF("", "")
		p.objs[3] = fmt.Sprintf("<< /Length %d >>\nstream\n%s%sendstream", n, content, eol)
		data, _ := p.bytes("")
		return data
	}
	real, err := os.ReadFile(filepath.Join(corpusDir, "real", "pdfjs-issue6108.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		data     []byte
		want     string
		repaired bool
	}{
		{"exact", withLength(len(content), "\n"), "Hostile sample page", false},
		{"exact-crlf", withLength(len(content), "\r\n"), "Hostile sample page", false},
		{"short", withLength(9, "\n"), "Hostile sample page", true},
		{"short-crlf", withLength(9, "\r\n"), "Hostile sample page", true},
		{"past-endstream", withLength(len(content)+30, "\n"), "Hostile sample page", true},
		{"zero", withLength(0, "\n"), "Hostile sample page", false},
		{"pdfjs-issue6108", real, "ASCIIHexDecode filter, small Length", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, res, err := run(t, New(Options{}), tc.data)
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(t.TempDir(), "out.pdf")
			if err := os.WriteFile(file, out, 0o644); err != nil {
				t.Fatal(err)
			}
			if got := text(t, pdftotext, file); !strings.Contains(got, tc.want) {
				t.Errorf("pdftotext of the output: %q, want it to hold %q", got, tc.want)
			}
			repaired := false
			for _, a := range res.Actions {
				if a.Kind == sanitize.ActRebuilt && strings.Contains(a.Detail, "/Length") {
					repaired = true
				}
			}
			if repaired != tc.repaired {
				t.Errorf("length repair reported %v, want %v: %+v", repaired, tc.repaired, res.Actions)
			}
			if tc.repaired && res.Verdict != sanitize.Sanitized {
				t.Errorf("verdict %s, want sanitized", res.Verdict)
			}
		})
	}
}

// TestStreamLengthScanBounded checks that reading to "endstream" is charged to
// limits.max_total_size: 300 content streams whose /Length is wrong and with no
// "endstream" in the rest of the file (1 MiB of padding) would each scan to the end.
func TestStreamLengthScanBounded(t *testing.T) {
	p := basePDF("", "")
	var refs []string
	for range 300 {
		refs = append(refs, fmt.Sprintf("%d 0 R", p.add("<< /Length 1 >>\nstream\nq Q")))
	}
	p.objs[2] = strings.Replace(p.objs[2], "/Contents 4 0 R", "/Contents ["+strings.Join(refs, " ")+"]", 1)
	p.add("(" + strings.Repeat("x", 1<<20) + ")")
	data, _ := p.bytes("")
	in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item", Detected: sanitize.Detect(bytes.NewReader(data))}
	b := sanitize.NewBudget(sanitize.Limits{MaxTotalSize: 64 << 20})
	_, err := New(Options{}).Sanitize(context.Background(), in, io.Discard, b)
	var le *sanitize.LimitError
	if !errors.As(err, &le) || le.Limit != "limits.max_total_size" {
		t.Fatalf("err %v, want limits.max_total_size exceeded", err)
	}
}
