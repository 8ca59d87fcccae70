package text

import (
	"encoding/binary"
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
		if r == utf8.RuneError && size <= 1 {
			if !atEOF && !utf8.FullRune(src[nSrc:]) {
				return nDst, nSrc, transform.ErrShortSrc
			}
			r, size = Geta, 1 // one mark per undecodable byte
			st.Unmappable++
			if n.invalid != nil {
				*n.invalid++
			}
		} else if r == utf8.RuneError {
			r = Geta
			st.Unmappable++
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
		if (r < 0x3000 || r > 0x9fff) && r != Geta && !unicode.IsGraphic(r) && !unicode.In(r, unicode.Cf, unicode.Co) {
			// Unassigned code points and noncharacters are kept but counted: random bytes
			// after a UTF-16 BOM decode to many of them.
			st.Unassigned++
		}
		w := utf8.RuneLen(r)
		if nDst+w > len(dst) {
			return nDst, nSrc, transform.ErrShortDst
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
// normalizer copies unchanged (printable ASCII, tab, LF and U+3000..U+9FFF, as the fast
// paths below) and the characters in it, so that most of a large UTF-8 text is checked
// a word at a time and copied in one piece.
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
		default:
			return i, runes
		}
		runes++
	}
	return i, runes
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
