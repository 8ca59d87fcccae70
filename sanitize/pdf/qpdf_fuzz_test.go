package pdf

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

// streamData matches the data of each stream in a qpdf --qdf file, where every stream is
// written as "stream", a newline, its bytes, a newline and "endstream".
var streamData = regexp.MustCompile(`(?s)\bstream\r?\n.*?\nendstream\b`)

// qpdfFinds is the fuzz target's second reader of an output: qpdf, which shares no code
// with pdfcpu (the sanitizer's reader and writer), must read it without errors (warnings,
// exit 3, are allowed: a mutated input's stream data may be damaged), and its expansion
// must hold none of the risky names outside stream data. Content streams are left out
// because operands there are resource names (a font may be called /JS), not actions. It
// returns what is wrong, or "".
func qpdfFinds(t *testing.T, out []byte) string {
	t.Helper()
	qpdf, err := testtool.Lookup("qpdf")
	if err != nil {
		t.Fatal(err)
	}
	if qpdf == "" {
		return ""
	}
	dir := t.TempDir()
	in, expanded := filepath.Join(dir, "out.pdf"), filepath.Join(dir, "qdf.pdf")
	if err := os.WriteFile(in, out, 0o600); err != nil {
		t.Fatal(err)
	}
	msg, err := exec.Command(qpdf, "--qdf", "--object-streams=disable", "--decode-level=generalized", in, expanded).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 3 {
		err = nil
	}
	if err != nil {
		return "qpdf cannot read the output: " + err.Error() + "\n" + string(msg)
	}
	data, err := os.ReadFile(expanded)
	if err != nil {
		t.Fatal(err)
	}
	data = streamData.ReplaceAll(data, []byte("stream\nendstream"))
	for _, tok := range nameToken.FindAll(data, -1) {
		name := decodeHex(string(tok[1:]))
		if slices.Contains(riskyNames, name) || strings.HasPrefix(name, "RichMedia") {
			return "qpdf reads " + string(tok) + " in the output"
		}
	}
	if bytes.Contains(bytes.ToLower(data), []byte("javascript:")) {
		return "qpdf reads a javascript: URI in the output"
	}
	return ""
}

// TestQPDFFinds keeps the fuzz target's qpdf check able to fail: an action hidden behind
// escaped names is found, a resource named like an action inside a content stream is not,
// and bytes qpdf cannot read as a PDF are reported.
func TestQPDFFinds(t *testing.T) {
	testtool.Need(t, "qpdf")
	clean := basePDF("", "")
	clean.objs[3] = stream("", []byte("q /JS gs Q BT /F1 24 Tf (/AA) Tj ET"), true)
	tests := []struct {
		name string
		pdf  *pdfFile
		want string
	}{
		{"clean", clean, ""},
		{"escaped-js", basePDF("/O#70enAction << /S /J#61vaScript /J#53 (app.alert(1)) >>", ""), "/OpenAction"},
		{"uri", basePDF("", "/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (JavaScript:alert(1)) >> >>]"), "javascript: URI"},
		{"garbage", nil, "qpdf cannot read"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte("not a pdf at all")
			if tc.pdf != nil {
				data, _ = tc.pdf.bytes("")
			}
			got := qpdfFinds(t, data)
			if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
				t.Errorf("qpdfFinds = %q, want %q", got, tc.want)
			}
		})
	}
}
