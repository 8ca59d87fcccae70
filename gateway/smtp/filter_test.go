package smtp

import (
	"bytes"
	"fmt"
	"io"
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

// octetFilter is the filter judged octet by octet: what dataFilter must do, however it
// finds the line endings.
type octetFilter struct {
	prevCR, bare, nul bool
	out               []byte
}

func (d *octetFilter) write(p []byte) {
	for _, b := range p {
		if b == 0 {
			d.nul = true
		}
		if d.prevCR {
			d.prevCR = false
			d.out = append(d.out, '\r', '\n')
			if b == '\n' {
				continue
			}
			d.bare = true
		}
		switch b {
		case '\r':
			d.prevCR = true
		case '\n':
			d.bare = true
			d.out = append(d.out, '\r', '\n')
		default:
			d.out = append(d.out, b)
		}
	}
}

func (d *octetFilter) finish() {
	if d.prevCR {
		d.bare = true
		d.out = append(d.out, '\r', '\n')
	}
}

// FuzzDataFilterOctets holds dataFilter to the octet-by-octet filter for any data cut
// into writes anywhere: the same verdicts, the same bytes kept or normalized.
func FuzzDataFilterOctets(f *testing.F) {
	f.Add([]byte("a\r\n.\nMAIL FROM:<x>\r\n"), uint8(3), uint8(5))
	f.Add([]byte("\r\r\n\n\x00"), uint8(1), uint8(1))
	f.Add([]byte("line\r\nline\r\nend\r"), uint8(7), uint8(2))
	f.Add([]byte("\n\r\nx\r"), uint8(0), uint8(9))
	f.Fuzz(func(t *testing.T, data []byte, c1, c2 uint8) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		var ref octetFilter
		ref.write(data)
		ref.finish()
		for _, normalize := range []bool{false, true} {
			var out bytes.Buffer
			d := &dataFilter{w: &out, normalize: normalize}
			// Writes of alternating sizes c1+1, c2+1 (empty writes between them too).
			in, n := data, []int{int(c1) + 1, 0, int(c2) + 1}
			for k := 0; len(in) > 0; k++ {
				m := min(n[k%3], len(in))
				if _, err := d.Write(in[:m]); err != nil {
					t.Fatal(err)
				}
				in = in[m:]
			}
			if err := d.finish(); err != nil {
				t.Fatal(err)
			}
			if d.bare != ref.bare || d.nul != ref.nul {
				t.Fatalf("normalize=%v %q: bare=%v nul=%v, octet by octet %v %v", normalize, data, d.bare, d.nul, ref.bare, ref.nul)
			}
			want := data
			if normalize {
				want = ref.out
			}
			if !bytes.Equal(out.Bytes(), want) {
				t.Fatalf("normalize=%v %q: wrote %q, want %q", normalize, data, out.Bytes(), want)
			}
		}
	})
}

func BenchmarkDataFilter(b *testing.B) {
	// A base64 attachment's lines as go-smtp's reader hands them over: 32 KiB runs.
	line := []byte("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx\r\n")
	p := bytes.Repeat(line, 32<<10/len(line))
	for _, normalize := range []bool{false, true} {
		b.Run(fmt.Sprintf("normalize=%v", normalize), func(b *testing.B) {
			d := &dataFilter{w: io.Discard, normalize: normalize}
			b.SetBytes(int64(len(p)))
			for b.Loop() {
				d.Write(p)
			}
		})
	}
}
