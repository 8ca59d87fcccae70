package mailto

import (
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

var safeTests = []struct {
	link string
	want bool
}{
	{"https://example.org/?attach=x", true}, // not a mailto: link
	{"mailto:a@example.org", true},
	{"mailto:a@example.org?subject=Hello&body=See%20you", true},
	{"mailto:a@example.org?bcc=b@example.org", true},
	{"MAILTO:a@example.org?Subject=x;CC=b@example.org", true},
	{"mailto:?to=a@example.org&in-reply-to=%3Cm@example.org%3E", true},
	{"mailto:a@example.org?", true},
	{"mailto:a@example.org?attach=file:///etc/passwd", false},
	{"mailto:a@example.org?subject=x&ATTACHMENT=%5C%5Chost%5Cshare%5Cx", false},
	{"mailto:a@example.org?subject=x;attach=~/.ssh/id_rsa", false},
	{"mailto:a@example.org?%61ttach=/etc/passwd", false},
	{"mailto:a@example.org?x-attach=/etc/passwd", false},
	{"mailto:a@example.org?from=boss@example.org", false},
	{"mailto:a@example.org?%zz=1", false},
	{" mailto:a@example.org?attach=/etc/passwd", false},
	{"mailto:a@example.org%3Fattach=/etc/passwd", false},
	{"mailto:a@example.org%3fsubject=x%26attach=/etc/passwd", false},
	{"mailto:a@example.org%3Fsubject=x", true},
	{"mailto:a@example.org?subject=Q%26A", true},
}

func TestSafe(t *testing.T) {
	for _, tt := range safeTests {
		if got := Safe(tt.link); got != tt.want {
			t.Errorf("Safe(%q) = %v, want %v", tt.link, got, tt.want)
		}
	}
}

// TestEveryFieldTested fails when a field is added to the list without a case above.
func TestEveryFieldTested(t *testing.T) {
	for f := range fields {
		found := false
		for _, tt := range safeTests {
			if tt.want && strings.Contains(strings.ToLower(tt.link), f+"=") {
				found = true
			}
		}
		if !found {
			t.Errorf("field %q has no accepted case in safeTests", f)
		}
	}
}

func FuzzSafe(f *testing.F) {
	f.Add("mailto:a@example.org?subject=x&attach=y")
	f.Add("mailto:?body=%41")
	f.Fuzz(func(t *testing.T, link string) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		if s, _ := Strip(link); !Safe(s) {
			t.Errorf("Strip(%q) = %q, which Safe refuses", link, s)
		}
		if Safe(link) && Safe("mailto:a@example.org?"+link) && len(link) > 0 {
			// An accepted query stays accepted with a field that is allowed added.
			if !Safe("mailto:a@example.org?" + link + "&subject=x") {
				t.Errorf("adding subject= refused %q", link)
			}
		}
	})
}

func TestStrip(t *testing.T) {
	for _, tt := range []struct{ link, want string }{
		{"mailto:a@example.org?subject=Hi&body=x", "mailto:a@example.org?subject=Hi&body=x"},
		{"mailto:a@example.org?attach=/etc/passwd", "mailto:a@example.org"},
		{"mailto:a@example.org?subject=Hi&attach=/etc/passwd;cc=b@example.org", "mailto:a@example.org?subject=Hi&cc=b@example.org"},
		{"MAILTO:a@example.org?%61ttach=x&Body=y", "MAILTO:a@example.org?Body=y"},
		{"mailto:a@example.org%3Fattach=/etc/passwd", "mailto:a@example.org"},
		{"mailto:a@example.org?%zz=1&subject=s", "mailto:a@example.org?subject=s"},
	} {
		got, changed := Strip(tt.link)
		if got != tt.want || changed != (tt.link != tt.want) {
			t.Errorf("Strip(%q) = %q, %v; want %q", tt.link, got, changed, tt.want)
		}
		if !Safe(got) {
			t.Errorf("Strip(%q) = %q, which Safe refuses", tt.link, got)
		}
	}
}
