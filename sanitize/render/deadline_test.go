package render

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/sanitize"
)

// slowPagePDF has one page that takes PDFium minutes: n full-page rectangles, each
// composited with a blend mode and half opacity. The content stream is a few kilobytes
// compressed, so opening the document and reading its page sizes is quick.
func slowPagePDF(n int) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write([]byte(strings.Repeat("q /G gs 0 0 612 792 re f Q\n", n)))
	w.Close()
	return buildPDF([]string{
		"<</Type /Catalog /Pages 2 0 R>>",
		"<</Type /Pages /Count 1 /Kids [3 0 R]>>",
		"<</Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R" +
			" /Resources <</ExtGState <</G <</BM /Multiply /ca 0.5>>>>>>>>",
		stream(" /Filter /FlateDecode", z.String()),
	})
}

// TestDeadlineStopsPDFiumMidPage: the document's deadline fires while PDFium is inside a
// page (not before it starts, as when the budget is spent in conversion): the instance is
// killed at once, the error says which page and carries the deadline, and the renderer
// goes on rendering the next document on a fresh instance.
func TestDeadlineStopsPDFiumMidPage(t *testing.T) {
	r := renderer(t, Options{DPI: 150, Instances: 1})
	const timeout = 6 * time.Second
	start := time.Now()
	out, res, err := run(t, r, slowPagePDF(2000), "slow.pdf", sanitize.Limits{Timeout: timeout})
	took := time.Since(start)
	if err == nil {
		t.Fatalf("the slow page rendered (%s, %d bytes) within %v; make it slower", res.Verdict, len(out), took)
	}
	if !errors.Is(err, errKilled) || !errors.Is(err, context.DeadlineExceeded) || !strings.HasPrefix(err.Error(), "page 1: ") {
		t.Fatalf("err = %v, want page 1 killed at the deadline (killed before rendering started?)", err)
	}
	// The kill is asynchronous to the guest: allow for a loaded machine, but not for the
	// minutes the page would take.
	if took > timeout+5*time.Second {
		t.Errorf("Sanitize returned %v after the start, the deadline was %v", took, timeout)
	}

	// The killed instance is gone; the next document gets a new one.
	out, res, err = run(t, r, slowPagePDF(1), "quick.pdf", sanitize.Limits{Timeout: time.Minute})
	if err != nil || res.Verdict != sanitize.Sanitized || !bytes.HasPrefix(out, []byte("%PDF-")) {
		t.Fatalf("after a kill: %v, %s, %d bytes", err, res.Verdict, len(out))
	}
}
