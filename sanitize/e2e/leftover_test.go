package e2e

import (
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// TestTextBodyMailto: mail programs turn a mailto: in a plain-text body into a link, so a
// body's own text can ask the reader's client to attach a file (CVE-2020-11879 class, see
// package mailto) just as an HTML link can. The delivered body keeps the address and the
// fields a person sees in the draft, loses the rest, and says so; judgeTextBody reads the
// links as a linkifier does.
func TestTextBodyMailto(t *testing.T) {
	e := newEngine(t, sanitize.Limits{})
	head := "From: a@example.invalid\r\nTo: b@example.invalid\r\nSubject: s\r\nMIME-Version: 1.0\r\n"
	for _, c := range []struct {
		name, ctype, body string
		keep              string // what the delivered body must still say
		removed           bool   // an action removed-link is expected
	}{
		{"attach", "text/plain; charset=utf-8", "Reply to mailto:desk@example.org?subject=Form&attach=/etc/passwd please.\r\n", "mailto:desk@example.org?subject=Form please", true},
		{"attach-upper", "text/plain", "MAILTO:desk@example.org?ATTACH=%5C%5Chost%5Cshare%5Cx\r\n", "MAILTO:desk@example.org", true},
		{"attach-encoded-name", "text/plain", "mailto:desk@example.org?%61ttach=~/.ssh/id_rsa\r\n", "mailto:desk@example.org", true},
		{"attach-after-semicolon", "text/plain", "mailto:desk@example.org?body=x;attach=/etc/passwd\r\n", "mailto:desk@example.org?body=x", true},
		{"attach-behind-encoded-question-mark", "text/plain", "mailto:desk@example.org%3Fattach=/etc/passwd\r\n", "mailto:desk@example.org", true},
		{"attach-after-quote", "text/plain", "mailto:desk@example.org?subject=it's&attach=/etc/passwd\r\n", "mailto:desk@example.org?subject=it's", true},
		{"japanese-around", "text/plain; charset=utf-8", "問合せは mailto:desk@example.org?x-attach=C:/a.txt　まで\r\n", "mailto:desk@example.org", true},
		{"two-links", "text/plain", "mailto:a@example.org?attach=a mailto:b@example.org?attachment=b\r\n", "mailto:a@example.org mailto:b@example.org", true},
		{"safe-fields-kept", "text/plain", "mailto:desk@example.org?subject=Q%26A&cc=b@example.org\r\n", "mailto:desk@example.org?subject=Q%26A&cc=b@example.org", false},
		{"html-body", "text/html", `<p>Write to mailto:desk@example.org?attach=/etc/passwd now</p>`, "mailto:desk@example.org now", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			msg := []byte(head + "Content-Type: " + c.ctype + "\r\n\r\n" + c.body)
			out, res := run(t, e, "m.eml", "", msg)
			t.Logf("%s %s", res.Verdict, summarize(res))
			if !res.Verdict.HasOutput() {
				t.Fatalf("verdict %s (%s), want delivered", res.Verdict, res.Reason)
			}
			if err := reparse(outResult(res, "m.eml"), out); err != nil {
				t.Error(err)
			}
			if text := plainText(t, out); !strings.Contains(text, c.keep) {
				t.Errorf("delivered body = %q, want it to keep %q", text, c.keep)
			}
			got := false
			for _, a := range res.Actions {
				got = got || a.Kind == sanitize.ActRemovedLink && strings.Contains(a.Detail, "mailto:")
			}
			if got != c.removed {
				t.Errorf("removed-link mailto action = %v, want %v", got, c.removed)
			}
		})
	}
}

// plainText is the decoded text of a message's text/plain parts that are not attachments.
func plainText(t *testing.T, msg []byte) string {
	t.Helper()
	var b strings.Builder
	for _, p := range leafParts(t, msg) {
		if v := p.header["Content-Disposition"]; p.mt == "text/plain" && (len(v) == 0 || !strings.HasPrefix(v[0], "attachment")) {
			b.Write(p.body)
		}
	}
	return b.String()
}
