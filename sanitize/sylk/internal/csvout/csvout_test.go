package csvout

import (
	"bytes"
	"errors"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

func TestNeutralize(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"plain", "plain"},
		{"=1+1", "'=1+1"},
		{"+1+1", "'+1+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tcmd", "'\tcmd"},
		{"\r=1", "'\r=1"},
		{"＝1+1", "'＝1+1"},
		{"-5", "-5"},
		{"+1.5E3", "+1.5E3"},
		{"-inf", "'-inf"},
		{"-0x10", "'-0x10"},
		{"a=b", "a=b"},
	}
	for _, tc := range tests {
		if got, _ := Neutralize(tc.in); got != tc.want {
			t.Errorf("Neutralize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWriter(t *testing.T) {
	var b bytes.Buffer
	w := New(&b)
	w.Write([]string{"a\x00b", "=x", "1"})
	w.Flush()
	if got, want := b.String(), BOM+"ab,'=x,1\r\n"; got != want {
		t.Errorf("Write = %q, want %q", got, want)
	}
	if w.Neutralized != 1 || w.Rows != 1 {
		t.Errorf("Neutralized, Rows = %d, %d, want 1, 1", w.Neutralized, w.Rows)
	}
}

func TestMaxFields(t *testing.T) {
	w := New(&bytes.Buffer{})
	row := make([]string, 1<<14)
	var err error
	for i := 0; i < MaxFields/len(row)+1 && err == nil; i++ {
		err = w.Write(row)
	}
	if !errors.Is(err, sanitize.ErrUnsupported) {
		t.Fatalf("writing %d fields: error = %v, want ErrUnsupported", MaxFields+len(row), err)
	}
}
