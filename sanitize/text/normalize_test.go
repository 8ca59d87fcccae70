package text

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"unicode/utf8"
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
	}
	// The rule: a printable ASCII byte, tab or LF, or a whole U+3000..U+9FFF.
	want := func(p []byte) (int, int64) {
		i, n := 0, int64(0)
		for i < len(p) {
			c := p[i]
			switch {
			case c >= 0x20 && c < 0x7f || c == '\t' || c == '\n':
				i++
			case i+2 < len(p):
				r, size := utf8.DecodeRune(p[i:])
				if size != 3 || r < 0x3000 || r > 0x9fff {
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
