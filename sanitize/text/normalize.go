package text

import (
	"bytes"
	"encoding/binary"
	"io"
	"math/bits"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/transform"
)

// normalizer is the last stage of every decode: it validates UTF-8, replaces what did not
// decode with 〓, removes control characters and a leading BOM, and turns CRLF and CR into
// LF. It runs after the charset decoder, so U+FFFD here means "the decoder could not map
// this" and is counted as unmappable.
type normalizer struct {
	st      *DecodeStats
	started bool   // a character has been seen: a U+FEFF after this is content, not a BOM
	invalid *int64 // when set, counts byte sequences that are not UTF-8 (the charset check of a large input)
}

var getaUTF8 = []byte(string(Geta))

func (n *normalizer) Reset() { n.started = false }

func (n *normalizer) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	st := n.st
	for nSrc < len(src) {
		if k, runes := cleanRun(src[nSrc:], len(dst)-nDst); k > 0 {
			copy(dst[nDst:], src[nSrc:nSrc+k])
			nDst += k
			nSrc += k
			st.Runes += runes
			n.started = true
			if nSrc == len(src) {
				break
			}
		}
		c := src[nSrc]
		if c < utf8.RuneSelf {
			// ASCII fast path: printable, tab and LF are copied as they are.
			if c >= 0x20 && c != 0x7f || c == '\t' || c == '\n' {
				if nDst >= len(dst) {
					return nDst, nSrc, transform.ErrShortDst
				}
				dst[nDst] = c
				nDst++
				nSrc++
				st.Runes++
				n.started = true
				continue
			}
			if c == '\r' {
				if nSrc+1 >= len(src) && !atEOF {
					return nDst, nSrc, transform.ErrShortSrc
				}
				if nDst >= len(dst) {
					return nDst, nSrc, transform.ErrShortDst
				}
				dst[nDst] = '\n'
				nDst++
				nSrc++
				if nSrc < len(src) && src[nSrc] == '\n' {
					nSrc++
				}
				st.NewlinesNormalized = true
				st.Runes++
				n.started = true
				continue
			}
			st.ControlRemoved++
			nSrc++
			n.started = true
			continue
		}
		if c >= 0xe3 && c <= 0xe9 && nSrc+2 < len(src) && src[nSrc+1]&0xc0 == 0x80 && src[nSrc+2]&0xc0 == 0x80 {
			// Fast path for U+3000..U+9FFF (kana, CJK punctuation, kanji), the bulk of
			// Japanese text: always valid, assigned, and not a control or BOM.
			if nDst+3 > len(dst) {
				return nDst, nSrc, transform.ErrShortDst
			}
			dst[nDst], dst[nDst+1], dst[nDst+2] = c, src[nSrc+1], src[nSrc+2]
			nDst += 3
			nSrc += 3
			st.Runes++
			n.started = true
			continue
		}
		r, size := utf8.DecodeRune(src[nSrc:])
		// Counted only once the character is consumed: a full dst returns before that,
		// and the same bytes come again in the next call.
		invalid, unmappable := false, false
		if r == utf8.RuneError && size <= 1 {
			if !atEOF && !utf8.FullRune(src[nSrc:]) {
				return nDst, nSrc, transform.ErrShortSrc
			}
			r, size = Geta, 1 // one mark per undecodable byte
			invalid, unmappable = true, true
		} else if r == utf8.RuneError {
			r, unmappable = Geta, true
		}
		switch {
		case r >= 0x80 && r <= 0x9f:
			st.ControlRemoved++
			nSrc += size
			n.started = true
			continue
		case r == 0xfeff && !n.started:
			st.BOM = true
			nSrc += size
			n.started = true
			continue
		}
		w := utf8.RuneLen(r)
		if nDst+w > len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		if (r < 0x3000 || r > 0x9fff) && r != Geta && !unicode.IsGraphic(r) && !unicode.In(r, unicode.Cf, unicode.Co) {
			// Unassigned code points and noncharacters are kept but counted: random bytes
			// after a UTF-16 BOM decode to many of them.
			st.Unassigned++
		}
		if unmappable {
			st.Unmappable++
		}
		if invalid && n.invalid != nil {
			*n.invalid++
		}
		if r == Geta {
			copy(dst[nDst:], getaUTF8)
		} else {
			copy(dst[nDst:], src[nSrc:nSrc+size])
		}
		nDst += w
		nSrc += size
		st.Runes++
		n.started = true
	}
	return nDst, nSrc, nil
}

// cleanRun returns the length of the longest prefix of p, at most max bytes, that the
// normalizer copies unchanged (printable ASCII, tab, LF, U+3000..U+9FFF and the full-width
// forms of isFullwidth, as the fast paths below) and the characters in it, so that most of
// a large UTF-8 text is checked a word at a time and copied in one piece.
func cleanRun(p []byte, max int) (int, int64) {
	if len(p) > max {
		p = p[:max]
	}
	const hi, ones = 0x8080808080808080, 0x0101010101010101
	// Two characters of U+3000..U+9FFF in six bytes: leads E3..E9, continuations 10xxxxxx.
	const cjkMask, cjkWant = 0x0000c0c000c0c000, 0x0000808000808000
	i := 0
	var runes int64
	for i < len(p) {
		if i+8 <= len(p) {
			w := binary.LittleEndian.Uint64(p[i:])
			if w&hi == 0 {
				if cleanASCII8(w) {
					i += 8
					runes += 8
					continue
				}
			} else if w&cjkMask == cjkWant && byte(w)-0xe3 <= 0xe9-0xe3 && byte(w>>24)-0xe3 <= 0xe9-0xe3 {
				// Kanji and kana come in runs: two more in the next six bytes?
				if i+14 <= len(p) {
					if v := binary.LittleEndian.Uint64(p[i+6:]); v&cjkMask == cjkWant && byte(v)-0xe3 <= 0xe9-0xe3 && byte(v>>24)-0xe3 <= 0xe9-0xe3 {
						i += 12
						runes += 4
						continue
					}
				}
				i += 6
				runes += 2
				continue
			} else if k := bits.TrailingZeros64(w&hi) >> 3; k > 0 {
				// The ASCII bytes before the first that is not, padded with spaces to a
				// word (Japanese text puts digits and spaces between its kanji).
				keep := uint64(1)<<(8*k) - 1
				if cleanASCII8(w&keep | 0x20*ones&^keep) {
					i += k
					runes += int64(k)
					continue
				}
			}
		}
		switch c := p[i]; {
		case cleanASCII[c]:
			i++
		case c-0xe3 <= 0xe9-0xe3 && i+2 < len(p) && p[i+1]&0xc0 == 0x80 && p[i+2]&0xc0 == 0x80:
			i += 3
		case c == 0xef && i+2 < len(p) && isFullwidth(p[i+1], p[i+2]):
			i += 3
		default:
			return i, runes
		}
		runes++
	}
	return i, runes
}

// isFullwidth reports whether EF b1 b2 is one of U+FF01..U+FF5E (full-width ASCII: ！，
// ：０－９ and the rest, common in Japanese text) or U+FF61..U+FF9F (half-width katakana),
// all assigned graphic characters the normalizer copies unchanged.
func isFullwidth(b1, b2 byte) bool {
	if b1&0xc0 != 0x80 || b2&0xc0 != 0x80 {
		return false
	}
	r := 0xf000 | rune(b1&0x3f)<<6 | rune(b2&0x3f)
	return uint32(r-0xff01) <= 0xff5e-0xff01 || uint32(r-0xff61) <= 0xff9f-0xff61
}

// cleanASCII8 reports whether the eight bytes of w, none with its top bit, are printable:
// none below 0x20 and none 0x7f (the classic "has less than" and "has zero" word tests,
// exact when no byte has its top bit).
func cleanASCII8(w uint64) bool {
	const hi, ones = 0x8080808080808080, 0x0101010101010101
	del := w ^ 0x7f*ones
	return (w-0x20*ones)&^w&hi == 0 && (del-ones)&^del&hi == 0
}

// cleanASCII marks the bytes the normalizer copies as they are: printable ASCII, tab, LF.
var cleanASCII = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = true
	}
	t['\t'], t['\n'] = true, true
	return t
}()

// cleanReader is the normalizer over UTF-8 input (no decoder before it) without copying
// what it need not change: each read lands in the caller's buffer and is judged there by
// cleanRun, and when all of it is clean (most of a large text) it is handed on as it is,
// where transform.Reader would copy it twice, 4 KiB at a time. A character cut by the end
// of a read waits for the next one. From the first byte the normalizer must change, the
// rest of the input goes through transform.Reader, which does exactly what it did before.
type cleanReader struct {
	r       io.Reader
	n       *normalizer
	pending [2]byte // the begun character at the end of the last read
	npend   int
	err     error     // the input's error, once it returned one
	slow    io.Reader // the normalizer's own reader, once a byte needs it
}

// minFastRead is the smallest read the fast path takes: below it (a caller with a tiny
// buffer) the normalizer's reader is simpler and as fast.
const minFastRead = 64

func newCleanReader(r io.Reader, n *normalizer) io.Reader { return &cleanReader{r: r, n: n} }

func (u *cleanReader) Read(p []byte) (int, error) {
	if u.slow == nil && len(p) < minFastRead {
		u.toSlow(nil)
	}
	if u.slow != nil {
		return u.slow.Read(p)
	}
	k := copy(p, u.pending[:u.npend])
	u.npend = 0
	var err error
	if u.err == nil {
		var m int
		m, err = u.r.Read(p[k:])
		k += m
		if err != nil {
			u.err = err
		}
	} else {
		err = u.err
	}
	c, runes := cleanRun(p[:k], k)
	if c > 0 {
		u.n.st.Runes += runes
		u.n.started = true
	}
	if c < k && err == nil && k-c <= len(u.pending) && begun(p[c:k]) {
		u.npend = copy(u.pending[:], p[c:k])
		k = c
	}
	if c < k {
		// p[c:k] needs the normalizer, and so does everything after it.
		u.toSlow(p[c:k])
		if c == 0 {
			return u.slow.Read(p)
		}
		return c, nil
	}
	return k, err // (0, nil) when only a begun character came
}

// toSlow hands the input from here (held, then the rest) to the normalizer's reader.
func (u *cleanReader) toSlow(held []byte) {
	var rest io.Reader = u.r
	if u.err != nil {
		rest = errReader{u.err}
	}
	parts := []io.Reader{bytes.NewReader(append(u.pending[:u.npend:u.npend], held...)), rest}
	u.npend = 0
	started := u.n.started
	u.slow = transform.NewReader(io.MultiReader(parts...), u.n) // resets the normalizer
	u.n.started = started
}

// begun reports whether p is the start of a character cleanRun takes whole (a lead
// E3..E9 and at most one continuation byte after it).
func begun(p []byte) bool {
	return len(p) > 0 && p[0]-0xe3 <= 0xe9-0xe3 && (len(p) == 1 || p[1]&0xc0 == 0x80)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
