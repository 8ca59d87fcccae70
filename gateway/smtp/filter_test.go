package smtp

import (
	"bytes"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

func TestDataFilter(t *testing.T) {
	tests := []struct {
		in        string
		bare, nul bool
		norm      string
	}{
		{"a\r\nb\r\n", false, false, "a\r\nb\r\n"},
		{"a\nb\r\n", true, false, "a\r\nb\r\n"},
		{"a\rb\r\n", true, false, "a\r\nb\r\n"},
		{"a\r\n.\nx", true, false, "a\r\n.\r\nx"},
		{"end\r", true, false, "end\r\n"},
		{"nul\x00\r\n", false, true, "nul\x00\r\n"},
	}
	for _, tc := range tests {
		for _, normalize := range []bool{false, true} {
			// Feed byte by byte as well as at once: line endings split across writes.
			for _, chunk := range []int{1, 1 << 20} {
				var out bytes.Buffer
				f := &dataFilter{w: &out, normalize: normalize}
				in := []byte(tc.in)
				for len(in) > 0 {
					n := min(chunk, len(in))
					f.Write(in[:n])
					in = in[n:]
				}
				f.finish()
				if f.bare != tc.bare || f.nul != tc.nul {
					t.Errorf("filter(%q, normalize=%v, chunk=%d): bare=%v nul=%v, want %v %v", tc.in, normalize, chunk, f.bare, f.nul, tc.bare, tc.nul)
				}
				want := tc.in
				if normalize {
					want = tc.norm
				}
				if out.String() != want {
					t.Errorf("filter(%q, normalize=%v, chunk=%d) wrote %q, want %q", tc.in, normalize, chunk, out.String(), want)
				}
			}
		}
	}
}

func FuzzDataFilter(f *testing.F) {
	f.Add([]byte("a\r\n.\nMAIL FROM:<x>\r\n"), 3)
	f.Add([]byte("\r\r\n\n\x00"), 1)
	f.Fuzz(func(t *testing.T, data []byte, chunk int) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		if chunk <= 0 {
			chunk = 1
		}
		var out bytes.Buffer
		d := &dataFilter{w: &out, normalize: true}
		in := data
		for len(in) > 0 {
			n := min(chunk, len(in))
			d.Write(in[:n])
			in = in[n:]
		}
		d.finish()
		o := out.Bytes()
		for i, b := range o {
			if b == '\n' && (i == 0 || o[i-1] != '\r') || b == '\r' && (i+1 == len(o) || o[i+1] != '\n') {
				t.Fatalf("normalized output has a bare line ending at %d: %q", i, o)
			}
		}
	})
}
