package mail

import (
	"bytes"
	"mime"
	"mime/multipart"
	"net/mail"
	"slices"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// TestInventedNamesAreNotRefused: a part that becomes an attachment without a file name
// gets a name from its detected type. Truncated messages (a Content-Type cut mid-word, no
// body) make such parts empty; the name made up for them must be one the gateway would
// accept itself, never one that BlockedName refuses (it was attachment.bin).
func TestInventedNamesAreNotRefused(t *testing.T) {
	head := "From: a@example.com\r\nTo: b@example.lg.jp\r\nSubject: cut\r\nMIME-Version: 1.0\r\n"
	cases := map[string]string{
		"top-level type cut":     head + "Content-Type: text/pl",
		"multipart type cut":     head + "Content-Type: multip",
		"type cut to one letter": head + "Content-Type: t\r\n\r\n",
		"last part cut": head + "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n" +
			"Content-Type: text/plain\r\n\r\nhello\r\n--B\r\nContent-Type: text/csv; n",
		"unknown type, no body": head + "Content-Type: application/x-unknown-thing\r\n\r\n",
	}
	_, s := testEngine(t, Options{})
	for name, msg := range cases {
		t.Run(name, func(t *testing.T) {
			out, res, err := run(t, s, []byte(msg))
			if err != nil {
				t.Fatal(err)
			}
			if !res.Verdict.HasOutput() {
				return
			}
			for _, n := range attachmentNames(t, out) {
				if r := sanitize.BlockedName(n, ""); r != "" {
					t.Errorf("delivered attachment %q: %s", n, r)
				}
			}
		})
	}
}

// attachmentNames lists the file names of the parts of a rebuilt message.
func attachmentNames(t *testing.T, msg []byte) []string {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		return nil
	}
	var names []string
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err != nil {
			return names
		}
		if n := p.FileName(); n != "" {
			names = append(names, n)
		}
	}
}

// TestInventedNameFollowsOutput: an unnamed part's made-up name takes the extension of
// what is delivered, not of what came in. An HTML part converted to text was named
// attachment.html, and its text spells the markup the source only escaped: opened from
// the mail it ran in the browser.
func TestInventedNameFollowsOutput(t *testing.T) {
	head := "From: a@example.com\r\nTo: b@example.lg.jp\r\nSubject: s\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nhello\r\n--B\r\n"
	for _, tc := range []struct{ name, part, want string }{
		{"html", "Content-Type: text/html\r\nContent-Disposition: attachment\r\n\r\n<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\r\n", "attachment.txt"},
		{"xml", "Content-Type: application/xml\r\nContent-Disposition: attachment\r\n\r\n<?xml version=\"1.0\"?><a>x</a>\r\n", "attachment.txt"},
		{"csv", "Content-Type: text/csv\r\nContent-Disposition: attachment\r\n\r\na,b\r\n1,2\r\n", "attachment.csv"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, s := testEngine(t, Options{})
			out, res, err := run(t, s, []byte(head+tc.part+"--B--\r\n"))
			if err != nil {
				t.Fatal(err)
			}
			if got := attachmentNames(t, out); !slices.Contains(got, tc.want) {
				t.Errorf("attachments %q, want %q (%s)", got, tc.want, res.Verdict)
			}
		})
	}
}
