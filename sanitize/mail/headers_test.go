package mail

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

func testJob() (*job, *sanitize.Result) {
	var res sanitize.Result
	s := New(Options{})
	w := newWalker(context.Background(), bytes.NewReader(nil), s, sanitize.NewBudget(sanitize.Limits{}), &res, "item")
	return &job{w: w, s: s, ctx: context.Background(), res: &res, outCharset: "utf-8"}, &res
}

// TestAddressHeader: address lists are read with RFC 5322's obsolete syntax and comments,
// and what does not parse keeps its text as the name of an empty group. Writing the
// output again changes nothing and reports nothing (the fixed point).
func TestAddressHeader(t *testing.T) {
	tests := []struct {
		name, in, want string
		repaired       bool // an action reports the value was rewritten as text or cleaned
	}{
		{"plain", "jdoe@example.com", "<jdoe@example.com>", false},
		{"name-addr", `"John Doe" <jdoe@example.com>`, "John Doe <jdoe@example.com>", false},
		{"no address", "me", "me:;", true},
		{"address inside the name", "Big Bug bb@bug.com", `"Big Bug bb@bug.com":;`, true},
		{"two addresses without a comma", "a@b.example c@d.example", `"a@b.example c@d.example":;`, true},
		{"RFC 2822 A.5 comments", `Pete(A wonderful \) chap) <pete(his account)@silly.test(his host)>`, "Pete <pete@silly.test>", false},
		{"RFC 822 comment names the sender", "jdoe@example.com (John Doe)", "John Doe <jdoe@example.com>", false},
		{"RFC 2822 A.5 group", "A Group(Some people)\r\n     :Chris Jones <c@(Chris's host.)public.example>,\r\n joe@example.org,\r\n  John <jdoe@one.test> (my dear friend); (the end of the group)",
			"A Group:Chris Jones <c@public.example>, <joe@example.org>, John <jdoe@one.test>;", false},
		{"empty group", "undisclosed-recipients:;", "undisclosed-recipients:;", false},
		{"empty group with comments", "(Empty list)(start)Undisclosed recipients  :(nobody(that I know))  ;", "Undisclosed recipients:;", false},
		{"obsolete route", "<@route.example,@other.example:jdoe@example.com>", "<jdoe@example.com>", false},
		{"quoted local part", `"john doe"@example.com`, `<"john doe"@example.com>`, false},
		{"obsolete dotted local part and domain", "john . doe @ example . com", "<john.doe@example.com>", false},
		{"empty list elements", "a@example.com,, ,b@example.com", "<a@example.com>, <b@example.com>", false},
		{"encoded name with a comma stays one address", "=?utf-8?q?Doe,_John?= <jdoe@example.com>", `"Doe, John" <jdoe@example.com>`, false},
		{"encoded Japanese name", "=?ISO-2022-JP?B?GyRCOjRGIxsoQg==?= <sato@example.lg.jp>", "=?utf-8?b?5L2Q6Jek?= <sato@example.lg.jp>", false},
		{"right-to-left override removed", "=?utf-8?b?5L2Q4oCu6Jek?= <sato@example.lg.jp>", "=?utf-8?b?5L2Q6Jek?= <sato@example.lg.jp>", true},
		{"raw Shift_JIS name", "\x8d\xb2\x93\xa1 <sato@example.lg.jp>", "=?utf-8?b?5L2Q6Jek?= <sato@example.lg.jp>", true},
		{"non-ASCII mailbox kept as text", "Jöhn <jdöe@mächine.example>", "=?utf-8?b?SsO2aG4gPGpkw7ZlQG3DpGNoaW5lLmV4YW1wbGU+?=:;", true},
		{"unterminated quote", `"John <jdoe@example.com>`, `"\"John <jdoe@example.com>":;`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			j, res := testJob()
			got := j.addressHeader([]byte(tc.in), "item/header/from")
			if got != tc.want {
				t.Fatalf("addressHeader(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if (len(res.Actions) > 0) != tc.repaired {
				t.Errorf("addressHeader(%q) actions = %+v, want actions %v", tc.in, res.Actions, tc.repaired)
			}
			j2, res2 := testJob()
			if again := j2.addressHeader([]byte(got), "item/header/from"); again != got || len(res2.Actions) > 0 {
				t.Errorf("second pass over %q = %q with %+v, want the same and no actions", got, again, res2.Actions)
			}
		})
	}
}

// TestDuplicateHeaders: differing copies of a header keep the first, except To and Cc,
// whose lists are joined; identical copies are one.
func TestDuplicateHeaders(t *testing.T) {
	msg := "From: a@example.com\r\nFrom: b@example.com\r\nTo: x@example.lg.jp\r\nTo: y@example.lg.jp\r\nTo:\r\n" +
		"Subject: first\r\nSubject: second\r\nDate: Mon, 16 Nov 2026 09:12:00 +0900\r\nDate: Mon, 16 Nov 2026 09:12:00 +0900\r\n\r\nbody\r\n"
	_, s := testEngine(t, Options{})
	out, res, err := run(t, s, []byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	p, err := parseIndependent(out)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"From": "<a@example.com>", "To": "<x@example.lg.jp>, <y@example.lg.jp>", "Subject": "first"} {
		if got := p.header[k]; len(got) != 1 || got[0] != want {
			t.Errorf("%s = %q, want one %q", k, got, want)
		}
	}
	var details []string
	for _, a := range res.Actions {
		details = append(details, a.Detail)
	}
	all := strings.Join(details, "\n")
	for _, want := range []string{"2 different From headers: the first is kept", "3 To headers joined", "2 different Subject headers: the first is kept", "duplicate identical Date header"} {
		if !strings.Contains(all, want) {
			t.Errorf("actions lack %q:\n%s", want, all)
		}
	}
}
