package text

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// TestLeadingAngleNotMarkupAgain: HTML whose text starts with markup it only escaped is
// delivered as text that neither a browser's sniff nor a second pass reads as a page: the
// first "<" is written "＜", said in the action, and the output is then a fixed point.
func TestLeadingAngleNotMarkupAgain(t *testing.T) {
	e := sanitize.NewEngine(sanitize.EngineOptions{})
	e.Register(string(sanitize.ClassText), New(Options{}))
	pass := func(name string, data []byte) ([]byte, sanitize.Result) {
		t.Helper()
		var out bytes.Buffer
		res, err := e.Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(data), Path: "a", Name: name}, &out, nil)
		if err != nil || !res.Verdict.HasOutput() {
			t.Fatalf("Sanitize(%q) = %s, %v", data, res.Verdict, err)
		}
		return out.Bytes(), res
	}
	for _, tc := range []struct{ in, wantStart string }{
		{"<p>&lt;html&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>", "＜html><script>"},
		{"<html><body>\n\n<p>&lt;b&gt;bold&lt;/b&gt;</p></body></html>", "＜b>bold"},
		{"<p>plain words &lt;b&gt;</p>", "plain words <b>"},
	} {
		out, res := pass("a.html", []byte(tc.in))
		got := strings.TrimLeft(string(out), " \t\r\n\f")
		if !strings.HasPrefix(got, tc.wantStart) {
			t.Errorf("%q → %q, want it to start %q", tc.in, out, tc.wantStart)
		}
		noted := strings.Contains(summary(res), "written \"＜\"")
		if noted != strings.HasPrefix(tc.wantStart, "＜") {
			t.Errorf("%q: action %q", tc.in, summary(res))
		}
		out2, res2 := pass("a.txt", out)
		if !bytes.Equal(out, out2) || res2.Verdict != sanitize.Clean {
			t.Errorf("%q: second pass %s %q → %q", tc.in, res2.Verdict, out, out2)
		}
	}
}

func summary(r sanitize.Result) string {
	var b strings.Builder
	for _, a := range r.Actions {
		b.WriteString(a.Detail + "; ")
	}
	return b.String()
}
