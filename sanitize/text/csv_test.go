package text

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

func TestFormulaLike(t *testing.T) {
	tests := []struct {
		cell string
		want bool
	}{
		{"=1+1", true},
		{"=HYPERLINK(\"http://evil.example\",\"x\")", true},
		{"=cmd|' /C calc'!A0", true},
		{"@SUM(A1)", true},
		{"+1+cmd|' /C calc'!A0", true},
		{"-1+cmd|' /C calc'!A0", true},
		{"-2+3", true},
		{"+81-3-1234-5678", true},
		{"\t=1", true},
		{"\r=1", true},
		{"\n=1", true},
		{"  =1", true},
		{"\u3000=1", true},
		{"\"=1", true},
		{" \"@x", true},
		{"＝１＋１", true},
		{"＋1", true},
		{"－1", true},
		{"＠x", true},
		{"﹦1", true},
		{"−1", true},
		{"-", true},
		{"-1", false},
		{"+1", false},
		{"-1.5", false},
		{"+3.25", false},
		{"1e-3", false},
		{"-2E+10", false},
		{"'=1+1", false},
		{"'@x", false},
		{"a=1", false},
		{"", false},
		{"   ", false},
		{"03-1234-5678", false},
		{"普通のテキスト", false},
		{"1.", false},
	}
	for _, tc := range tests {
		if got := formulaLike(tc.cell); got != tc.want {
			t.Errorf("formulaLike(%q) = %v, want %v", tc.cell, got, tc.want)
		}
	}
}

func TestNeutralizeCSV(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		comma   rune
		want    string
		wantN   int
		wantErr error
	}{
		{"clean", "a,b\n1,2\n", ',', "a,b\n1,2\n", 0, nil},
		{"formulas", "=1,@x,-1,+2\n", ',', "'=1,'@x,-1,+2\n", 2, nil},
		{"quoted formula", "\"=HYPERLINK(\"\"http://e\"\")\",x\n", ',', "\"'=HYPERLINK(\"\"http://e\"\")\",x\n", 1, nil},
		{"already neutralized is not prefixed twice", "'=1,'@x\n", ',', "'=1,'@x\n", 0, nil},
		{"multi-line cell", "\"a\nb\",c\n", ',', "\"a\nb\",c\n", 0, nil},
		{"ragged records", "a\n1,2,3\n", ',', "a\n1,2,3\n", 0, nil},
		{"no final newline", "a,b", ',', "a,b\n", 0, nil},
		{"tsv", "a\t=1\n", '\t', "a\t'=1\n", 1, nil},
		{"semicolon locale", "a;=cmd|' /C calc'!A0,x;-1;y\n", ',', "a;'=cmd|' /C calc'!A0,x;-1;y\n", 1, nil},
		{"semicolon and formula in one cell", "=1;@x\n", ',', "'=1;'@x\n", 1, nil},
		{"semicolon in tsv is plain", "a;=1\n", '\t', "a;=1\n", 0, nil},
		{"bare quote is refused", "a,b\"c\n", ',', "", 0, sanitize.ErrMalformed},
		{"unterminated quote is refused", "\"abc\n", ',', "", 0, sanitize.ErrMalformed},
		{"text after closing quote is refused", "\"a\"b,c\n", ',', "", 0, sanitize.ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			st, err := NeutralizeCSV(&out, strings.NewReader(tc.in), tc.comma)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("NeutralizeCSV(%q) error = %v, want %v", tc.in, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("NeutralizeCSV(%q) error: %v", tc.in, err)
			}
			if got := out.String(); got != tc.want {
				t.Errorf("NeutralizeCSV(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if st.Neutralized != tc.wantN {
				t.Errorf("NeutralizeCSV(%q) neutralized %d, want %d", tc.in, st.Neutralized, tc.wantN)
			}
			// Idempotence: a second pass changes nothing.
			var again bytes.Buffer
			st2, err := NeutralizeCSV(&again, strings.NewReader(out.String()), tc.comma)
			if err != nil || st2.Neutralized != 0 || again.String() != out.String() {
				t.Errorf("second pass over %q = %q, %d neutralized, %v; want unchanged", out.String(), again.String(), st2.Neutralized, err)
			}
		})
	}
}
