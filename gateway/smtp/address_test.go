package smtp

import (
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

func TestWireAddress(t *testing.T) {
	tests := []struct{ local, domain, want string }{
		{"staff", "city.lg.jp", "staff@city.lg.jp"},
		{"Staff.Name+tag", "City.LG.JP", "Staff.Name+tag@City.LG.JP"},
		{"o'brien", "x.jp", "o'brien@x.jp"},
		{"john doe", "x.jp", `"john doe"@x.jp`},
		{`a"b`, "x.jp", `"a\"b"@x.jp`},
		{`a\b`, "x.jp", `"a\\b"@x.jp`},
		{".dot", "x.jp", `".dot"@x.jp`},
		{"a..b", "x.jp", `"a..b"@x.jp`},
		{"victim@evil.example", "x.jp", `"victim@evil.example"@x.jp`},
		{"山田", "市役所.jp", "山田@市役所.jp"},
		{"", "", ""},
	}
	for _, tc := range tests {
		if got := wireAddress(tc.local, tc.domain); got != tc.want {
			t.Errorf("wireAddress(%q, %q) = %q, want %q", tc.local, tc.domain, got, tc.want)
		}
	}
}

func TestLocalPartChecks(t *testing.T) {
	for _, tc := range []struct {
		local       string
		routes, bad bool
	}{
		{"staff", false, false},
		{"victim@evil.example", true, false},
		{"user%host", true, false},
		{"host!user", true, false},
		{"a\x00b", false, true},
		{"a\rb", false, true},
		{"a\x7fb", false, true},
		{"john doe", false, false},
	} {
		if got := routesInLocalPart(tc.local); got != tc.routes {
			t.Errorf("routesInLocalPart(%q) = %v, want %v", tc.local, got, tc.routes)
		}
		if got := badLocalPart(tc.local); got != tc.bad {
			t.Errorf("badLocalPart(%q) = %v, want %v", tc.local, got, tc.bad)
		}
	}
	if !sameAddress("Staff@City.LG.JP", "Staff@city.lg.jp") || sameAddress("Staff@x.jp", "staff@x.jp") {
		t.Error("sameAddress must fold the domain's case only")
	}
}

// unquote reads a local part the way RFC 5321 does: a dot-string as it is, a quoted-string
// without its quotes and escapes.
func unquote(s string) (string, bool) {
	if !strings.HasPrefix(s, `"`) {
		return s, isDotAtom(s)
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
			if i == len(s) {
				return "", false
			}
			b.WriteByte(s[i])
		case '"':
			return b.String(), i == len(s)-1
		default:
			b.WriteByte(s[i])
		}
	}
	return "", false
}

// FuzzWireAddress: the form written back always reads as the local part it came from, and
// is a single quoted-string or a dot-atom.
func FuzzWireAddress(f *testing.F) {
	for _, s := range []string{"staff", "john doe", `a"b\c`, "a..b", "", ".", "山田"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, local string) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		if local == "" || badLocalPart(local) {
			return
		}
		w := wireAddress(local, "x.jp")
		l, d := splitAddress(w)
		if d != "x.jp" {
			t.Fatalf("wireAddress(%q) = %q: domain %q", local, w, d)
		}
		if got, ok := unquote(l); !ok || got != local {
			t.Fatalf("wireAddress(%q) = %q, which reads as %q (valid %v)", local, w, got, ok)
		}
	})
}
