package delivery

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/quarantine"
)

func TestReleasedMessageKeepsOnlyOurHeaders(t *testing.T) {
	r := release{hostname: "gw.test", rec: quarantine.Record{ID: "Q20261201-ABCDEF012345"},
		h: quarantine.Handoff{Actor: "op1"}, when: time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)}
	const marker = "X-Sekisho-Released: Q20261201-ABCDEF012345; by operator op1; Tue, 01 Dec 2026 09:30:00 +0000\r\n"
	tests := []struct {
		name, in, want string
	}{
		{"forged status dropped",
			"From: a@example.com\r\nX-Sekisho-Status: clean\r\nSubject: hi\r\n\r\nbody\r\n",
			"From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n"},
		{"folded and lower-case fields dropped with their continuations",
			"x-sekisho-actions: none\r\n\tsecond line\r\nX-SEKISHO-RELEASED: fake\r\nReceived: from x\r\n\tby y\r\n\r\nbody\r\n",
			"Received: from x\r\n\tby y\r\n\r\nbody\r\n"},
		{"body untouched, also lines that look like our fields",
			"Subject: s\r\n\r\nX-Sekisho-Status: clean\r\n\r\nmore\r\n",
			"Subject: s\r\n\r\nX-Sekisho-Status: clean\r\n\r\nmore\r\n"},
		{"similar names kept", "X-Sekisho: a\r\nX-Sekishoo-Foo: b\r\n\r\n", "X-Sekisho: a\r\nX-Sekishoo-Foo: b\r\n\r\n"},
		{"bare LF line endings", "X-Sekisho-Status: x\nSubject: s\n\nbody\n", "Subject: s\n\nbody\n"},
		{"header only, no final newline", "Subject: s\r\nX-Sekisho-Status: x", "Subject: s\r\n"},
		{"empty original", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := r.writeMessage(&out, strings.NewReader(tc.in)); err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != marker+tc.want {
				t.Errorf("writeMessage(%q) =\n%q\nwant\n%q", tc.in, got, marker+tc.want)
			}
		})
	}
	t.Run("long header line", func(t *testing.T) {
		long := "Subject: " + strings.Repeat("x", 3*maxHeaderLine) + "\r\nX-Sekisho-Status: y\r\n\r\nbody\r\n"
		var out bytes.Buffer
		if err := r.writeMessage(&out, strings.NewReader(long)); err != nil {
			t.Fatal(err)
		}
		if got := out.String(); !strings.HasSuffix(got, "\r\n\r\nbody\r\n") || strings.Contains(got, "X-Sekisho-Status") || len(got) != len(marker)+len(long)-len("X-Sekisho-Status: y\r\n") {
			t.Errorf("long line: %d bytes, status kept %v", len(got), strings.Contains(got, "X-Sekisho-Status"))
		}
	})
}

func FuzzReleasedMessage(f *testing.F) {
	f.Add("From: a\r\nX-Sekisho-Status: x\r\n\tcont\r\n\r\nbody")
	f.Add("\n\n")
	f.Add("x-sekisho-a: b\n x")
	r := release{rec: quarantine.Record{ID: "Q1"}, h: quarantine.Handoff{Actor: "op"}}
	f.Fuzz(func(t *testing.T, in string) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		var out bytes.Buffer
		if err := r.writeMessage(&out, strings.NewReader(in)); err != nil {
			t.Fatal(err)
		}
		got := out.String()
		hdr, _, _ := strings.Cut(strings.ReplaceAll(got, "\r\n", "\n"), "\n\n")
		lines := strings.Split(hdr, "\n")
		for _, l := range lines[1:] {
			if len(l) >= 10 && strings.EqualFold(l[:10], "x-sekisho-") {
				t.Fatalf("an X-Sekisho-* field of the original survived in %q", got)
			}
		}
		if len(got) > len(in)+200 {
			t.Fatalf("output grew from %d to %d bytes", len(in), len(got))
		}
	})
}
