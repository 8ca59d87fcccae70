package main

import (
	"flag"
	"slices"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

func TestParseArgs(t *testing.T) {
	tests := []struct {
		args    []string
		wantPos []string
		wantO   string
	}{
		{[]string{"in.pdf", "-o", "out.pdf"}, []string{"in.pdf"}, "out.pdf"},
		{[]string{"-o", "out.pdf", "in.pdf"}, []string{"in.pdf"}, "out.pdf"},
		{[]string{"-", "-o", "-"}, []string{"-"}, "-"},
		{[]string{"-o", "x", "--", "-weird-name"}, []string{"-weird-name"}, "x"},
		{[]string{"a", "b", "--o=x"}, []string{"a", "b"}, "x"},
	}
	for _, tc := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		o := fs.String("o", "", "")
		pos, err := parseArgs(fs, tc.args)
		if err != nil || !slices.Equal(pos, tc.wantPos) || *o != tc.wantO {
			t.Errorf("parseArgs(%q) = %q, -o %q, %v; want %q, -o %q", tc.args, pos, *o, err, tc.wantPos, tc.wantO)
		}
	}
}

func TestCountKinds(t *testing.T) {
	got := countKinds([]sanitize.Action{{Kind: "re-encoded"}, {Kind: "removed-javascript"}, {Kind: "removed-javascript"}})
	if want := "re-encoded, removed-javascript x2"; got != want {
		t.Errorf("countKinds() = %q, want %q", got, want)
	}
}
