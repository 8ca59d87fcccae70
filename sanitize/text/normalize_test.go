package text

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/sekisho/sekisho/internal/testtool"
	"golang.org/x/text/transform"
)

// TestCleanRun compares the word-at-a-time scan with the rule it implements, one
// character at a time, on random mixes of what it must take (printable ASCII, tab, LF,
// U+3000..U+9FFF) and what it must stop at (controls, CR, DEL, other or broken UTF-8).
func TestCleanRun(t *testing.T) {
	pieces := [][]byte{
		[]byte("a"), []byte("0123456789"), []byte(" "), []byte("\t"), []byte("\n"), []byte("~"),
		[]byte("　"), []byte("令和"), []byte("\u9fff"), []byte("業務委託契約について"), []byte(" 45、"), // clean: the first eleven
		[]byte("\r"), {0}, {0x1f}, {0x7f}, {0x80}, {0xc2, 0x80}, []byte("é"), []byte("\u2028"),
		[]byte("\ua000"), {0xe3}, {0xe3, 0x81}, {0xe9, 0xbf, 0x41},
		{0xe3, 0xc0, 0x80}, {0xef, 0xbb, 0xbf}, []byte("😀"),
		[]byte("：０ｱﾟ"), []byte("\uff00"), []byte("\uff5f"), []byte("\uff60"), []byte("\uffa0"), {0xef, 0xbc}, {0xef, 0xbc, 0x41},
	}
	// The rule: a printable ASCII byte, tab or LF, or a whole U+3000..U+9FFF,
	// U+FF01..U+FF5E or U+FF61..U+FF9F.
	want := func(p []byte) (int, int64) {
		i, n := 0, int64(0)
		for i < len(p) {
			c := p[i]
			switch {
			case c >= 0x20 && c < 0x7f || c == '\t' || c == '\n':
				i++
			case i+2 < len(p):
				r, size := utf8.DecodeRune(p[i:])
				if size != 3 || (r < 0x3000 || r > 0x9fff) && (r < 0xff01 || r > 0xff5e) && (r < 0xff61 || r > 0xff9f) {
					return i, n
				}
				i += 3
			default:
				return i, n
			}
			n++
		}
		return i, n
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b bytes.Buffer
		for range rng.IntN(40) {
			if rng.IntN(3) > 0 {
				b.Write(pieces[rng.IntN(11)]) // mostly clean runs, so a stop comes late
			} else {
				b.Write(pieces[rng.IntN(len(pieces))])
			}
		}
		p := b.Bytes()
		limit := len(p)
		if rng.IntN(4) == 0 {
			limit = rng.IntN(len(p) + 1)
		}
		wi, wn := want(p[:limit])
		if gi, gn := cleanRun(p, limit); gi != wi || gn != wn {
			t.Fatalf("cleanRun(%q, %d) = %d, %d; want %d, %d", p, limit, gi, gn, wi, wn)
		}
	}
}

// normalizeBoth runs data through the fast reader, fed and read in the given chunk sizes,
// and through transform.Reader whole; both outputs and statistics must be the same.
func normalizeBoth(t *testing.T, data []byte, in, out []int) {
	t.Helper()
	var wantSt, gotSt DecodeStats
	var wantInv, gotInv int64
	want, err := io.ReadAll(transform.NewReader(bytes.NewReader(data), &normalizer{st: &wantSt, invalid: &wantInv}))
	if err != nil {
		t.Fatal(err)
	}
	r := newCleanReader(&chunkReader{data: data, sizes: in}, &normalizer{st: &gotSt, invalid: &gotInv})
	var got []byte
	buf := make([]byte, 1<<16)
	for i, empty := 0, 0; ; i++ {
		size := len(buf)
		if len(out) > 0 {
			size = out[i%len(out)]
		}
		n, err := r.Read(buf[:size])
		got = append(got, buf[:n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			if empty++; empty > 3 {
				t.Fatalf("%d reads without data", empty)
			}
		} else {
			empty = 0
		}
	}
	if !bytes.Equal(got, want) || gotSt != wantSt || gotInv != wantInv {
		t.Fatalf("input %q, reads %v/%v:\n got %q %+v %d\nwant %q %+v %d", data, in, out, got, gotSt, gotInv, want, wantSt, wantInv)
	}
}

// chunkReader returns data in the given sizes, in turn.
type chunkReader struct {
	data  []byte
	sizes []int
	i     int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := len(p)
	if len(c.sizes) > 0 {
		n = min(n, c.sizes[c.i%len(c.sizes)])
		c.i++
	}
	n = copy(p, c.data[:min(n, len(c.data))])
	c.data = c.data[n:]
	return n, nil
}

// TestFullwidthIsCopied checks that every character isFullwidth takes is one the
// normalizer's per-character path copies unchanged and does not count: assigned,
// graphic, not a BOM.
func TestFullwidthIsCopied(t *testing.T) {
	taken := 0
	for r := rune(0xf000); r <= 0xffff; r++ {
		b := []byte(string(r))
		if len(b) != 3 || !isFullwidth(b[1], b[2]) {
			continue
		}
		taken++
		if !unicode.IsGraphic(r) || r == 0xfeff || r == Geta {
			t.Errorf("U+%04X is taken as clean", r)
		}
		var st DecodeStats
		var out bytes.Buffer
		if _, err := io.Copy(&out, transform.NewReader(bytes.NewReader(b), &normalizer{st: &st})); err != nil || !bytes.Equal(out.Bytes(), b) || st != (DecodeStats{Runes: 1}) {
			t.Errorf("U+%04X: normalized to %q %+v %v", r, out.Bytes(), st, err)
		}
	}
	if taken != 0xff5e-0xff01+1+0xff9f-0xff61+1 {
		t.Errorf("%d characters taken", taken)
	}
}

// TestCleanReader holds the copy-free reader to transform.Reader with the normalizer on
// random mixes of clean runs and what the normalizer changes (CR, controls, a BOM,
// broken and cut UTF-8), fed and read in random sizes that cut characters.
func TestCleanReader(t *testing.T) {
	pieces := [][]byte{
		[]byte("a"), []byte("0123456789 "), []byte("\n"), []byte("令和8年度の業務委託契約について、"), []byte("東京都"),
		[]byte("\r\n"), []byte("\r"), {0}, {0x7f}, {0xef, 0xbb, 0xbf}, []byte("é"), []byte("😀"),
		{0xe3}, {0xe3, 0x81}, {0xff}, {0xc2, 0x85},
	}
	rng := rand.New(rand.NewPCG(5, 6))
	sizes := func() []int {
		s := make([]int, 1+rng.IntN(4))
		for i := range s {
			s[i] = 1 + rng.IntN(200)
		}
		return s
	}
	for range 3000 {
		var b bytes.Buffer
		clean := rng.IntN(2) == 0 // half of the inputs are all clean
		for range rng.IntN(60) {
			if clean || rng.IntN(6) > 0 {
				b.Write(pieces[rng.IntN(5)])
			} else {
				b.Write(pieces[rng.IntN(len(pieces))])
			}
		}
		normalizeBoth(t, b.Bytes(), sizes(), sizes())
		normalizeBoth(t, b.Bytes(), nil, nil)
	}
}

// FuzzCleanReader: the copy-free reader gives what transform.Reader with the normalizer
// gives, whatever the bytes and however they are fed and read.
func FuzzCleanReader(f *testing.F) {
	f.Add([]byte("令和8年度\r\nabc\xe3\x81"), uint8(3), uint8(70))
	f.Add([]byte("\xef\xbb\xbfabc"), uint8(1), uint8(64))
	f.Fuzz(func(t *testing.T, data []byte, in, out uint8) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		normalizeBoth(t, data, []int{1 + int(in)}, []int{1 + int(out)})
	})
}
