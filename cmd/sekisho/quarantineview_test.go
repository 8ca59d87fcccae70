package main

import (
	"testing"
	"unicode/utf8"

	"github.com/sekisho/sekisho/internal/testtool"
)

func TestDisplayHelpers(t *testing.T) {
	tests := []struct {
		in        string
		width     int    // displayWidth(in)
		safe      string // termSafe(in)
		clip8     string // clipWidth(in, 8)
		clip8Cols int
	}{
		{"a.zip", 5, "a.zip", "a.zip", 5},
		{"請求書.pdf", 10, "請求書.pdf", "請求書.…", 8},
		{"請求書類.pdf", 12, "請求書類.pdf", "請求書…", 7}, // a wide rune never straddles the edge
		{"ＡＢＣ", 6, "ＡＢＣ", "ＡＢＣ", 6},
		{"ｶﾀｶﾅ", 4, "ｶﾀｶﾅ", "ｶﾀｶﾅ", 4}, // half-width katakana take one column
		{"e\u0301t\u0301e\u0301", 3, "e\u0301t\u0301e\u0301", "e\u0301t\u0301e\u0301", 3},
		{"\x1b[2Jx", 5, `\x1b[2Jx`, "\x1b[2Jx", 5},
		{"cod\u202egpj.exe", 11, `cod\u202egpj.exe`, "cod\u202egpj…", 8},
		{"a\u2028b", 3, `a\u2028b`, "a\u2028b", 3},
		{"bad\xffutf8", 8, "bad\ufffdutf8", "bad\xffutf8", 8},
	}
	for _, tc := range tests {
		t.Run(tc.safe, func(t *testing.T) {
			if got := displayWidth(tc.in); got != tc.width {
				t.Errorf("displayWidth(%q) = %d, want %d", tc.in, got, tc.width)
			}
			if got := termSafe(tc.in); got != tc.safe {
				t.Errorf("termSafe(%q) = %q, want %q", tc.in, got, tc.safe)
			}
			got := clipWidth(tc.in, 8)
			if got != tc.clip8 || displayWidth(got) != tc.clip8Cols {
				t.Errorf("clipWidth(%q, 8) = %q (%d columns), want %q (%d)", tc.in, got, displayWidth(got), tc.clip8, tc.clip8Cols)
			}
		})
	}
}

// FuzzDisplayHelpers: for any text an attacker can put in a subject or file name, the
// terminal form has no control or format characters and the clipped form fits its width.
func FuzzDisplayHelpers(f *testing.F) {
	for _, s := range []string{"請求書.pdf", "\x1b]0;title\x07", "a\u202eb", "\xff\xfe", ""} {
		f.Add(s, 10)
	}
	f.Fuzz(func(t *testing.T, s string, w int) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		if w < 1 || w > 200 {
			return
		}
		safe := termSafe(s)
		for _, r := range safe {
			if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r == '\u202e' || r == '\u2028' {
				t.Fatalf("termSafe(%q) = %q keeps %U", s, safe, r)
			}
		}
		if !utf8.ValidString(safe) {
			t.Fatalf("termSafe(%q) = %q is not UTF-8", s, safe)
		}
		if c := clipWidth(safe, w); displayWidth(c) > w {
			t.Fatalf("clipWidth(%q, %d) = %q is %d columns wide", safe, w, c, displayWidth(c))
		}
	})
}
