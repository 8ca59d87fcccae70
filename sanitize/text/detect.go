package text

import (
	"bytes"
	"unicode/utf8"
)

// DetectCharset guesses the charset of a sample: "utf-8", "shift_jis", "euc-jp",
// "iso-2022-jp", "utf-16le", "utf-16be", "us-ascii", or "" when unsure. A multibyte
// character cut off at the end of the sample is ignored.
func DetectCharset(sample []byte) string {
	var d detector
	d.Write(sample)
	return d.Result()
}

// detector scores a stream for the charsets DetectCharset knows. It is fed in chunks, so
// the Sanitizer can scan a whole input without holding it; state carries across Write
// calls (a multibyte character split between two chunks is seen whole).
type detector struct {
	n        int64
	head     [4]byte
	headLen  int
	high     bool // a byte >= 0x80
	esc      bool // an ISO-2022-JP designation escape
	escTail  []byte
	nulEven  int64
	nulOdd   int64
	utf8Bad  bool
	utf8Tail []byte // incomplete UTF-8 sequence carried to the next chunk

	sjis, euc grammar

	hist     [256]int64 // byte counts, for the 8-bit model
	cjk      cjkGuess
	sp, ebSp int64 // ASCII spaces and EBCDIC spaces (0x40)
}

// grammar counts how well the bytes parse in one legacy Japanese charset.
type grammar struct {
	pend    [2]byte // lead bytes waiting for their trail
	npend   int
	errs    int64 // byte sequences the charset does not allow
	multi   int64 // well-formed multibyte characters
	strong  int64 // kana, CJK punctuation, kanji with an 8-bit trail: what Japanese text is made of
	halfKan int64 // half-width katakana: legal, rare in real text, common in mis-decoded text
}

func (d *detector) Write(p []byte) (int, error) {
	for i := 0; i < len(p) && d.headLen < len(d.head); i++ {
		d.head[d.headLen] = p[i]
		d.headLen++
	}
	for i, c := range p {
		if c == 0 {
			if (d.n+int64(i))%2 == 0 {
				d.nulEven++
			} else {
				d.nulOdd++
			}
		}
		d.hist[c]++
		switch {
		case c >= 0x80:
			d.high = true
		case c == ' ':
			d.sp++
		case c == 0x40:
			d.ebSp++
		}
	}
	if !d.esc {
		// An escape sequence may straddle two writes: look at the previous write's tail too.
		if bytes.IndexByte(p, 0x1b) >= 0 || bytes.IndexByte(d.escTail, 0x1b) >= 0 {
			d.esc = hasISO2022Escape(append(d.escTail[:len(d.escTail):len(d.escTail)], p...))
		}
		d.escTail = append(d.escTail, p[max(0, len(p)-3):]...)
		d.escTail = d.escTail[max(0, len(d.escTail)-3):]
	}
	d.n += int64(len(p))
	if d.high || hasHighBit(p) {
		d.high = true
		d.scanUTF8(p)
		d.sjis.shiftJIS(p)
		d.euc.eucJP(p)
		d.cjk.write(p)
	}
	return len(p), nil
}

// hasISO2022Escape looks for the designations ISO-2022-JP uses (RFC 1468): ESC $ @,
// ESC $ B, ESC ( B, ESC ( J, and JIS X 0212's ESC $ ( D.
func hasISO2022Escape(p []byte) bool {
	for i := bytes.IndexByte(p, 0x1b); i >= 0 && i+2 < len(p); {
		switch {
		case p[i+1] == '$' && (p[i+2] == '@' || p[i+2] == 'B'):
			return true
		case p[i+1] == '(' && (p[i+2] == 'B' || p[i+2] == 'J' || p[i+2] == 'I'):
			return true
		case p[i+1] == '$' && p[i+2] == '(' && i+3 < len(p) && p[i+3] == 'D':
			return true
		}
		j := bytes.IndexByte(p[i+1:], 0x1b)
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

func (d *detector) scanUTF8(p []byte) {
	if d.utf8Bad {
		return
	}
	if len(d.utf8Tail) > 0 {
		need := 4 - len(d.utf8Tail)
		buf := append(append([]byte(nil), d.utf8Tail...), p[:min(need, len(p))]...)
		r, size := utf8.DecodeRune(buf)
		if r == utf8.RuneError && size <= 1 {
			if utf8.FullRune(buf) {
				d.utf8Bad = true
				return
			}
			d.utf8Tail = buf
			return
		}
		p = p[size-len(d.utf8Tail):]
		d.utf8Tail = nil
	}
	for i := 0; i < len(p); {
		if p[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError && size <= 1 {
			if !utf8.FullRune(p[i:]) {
				d.utf8Tail = append([]byte(nil), p[i:]...)
				return
			}
			d.utf8Bad = true
			return
		}
		i += size
	}
}

// shiftJIS follows the CP932 byte grammar: single bytes 00-7F and A1-DF (half-width
// katakana), lead bytes 81-9F and E0-FC with trail bytes 40-7E and 80-FC.
func (g *grammar) shiftJIS(p []byte) {
	for _, c := range p {
		if g.npend == 1 {
			lead := g.pend[0]
			g.npend = 0
			if c >= 0x40 && c <= 0xfc && c != 0x7f {
				g.multi++
				switch {
				case lead == 0x81 && c >= 0x40 && c <= 0x5b, // 、。 and CJK punctuation
					lead == 0x82 && c >= 0x9f, // hiragana
					lead == 0x83 && c <= 0x96, // katakana
					(lead >= 0x88 && lead <= 0x9f || lead >= 0xe0 && lead <= 0xea) && c >= 0x80:
					g.strong++
				}
				continue
			}
			g.errs++
			// fall through: c starts afresh
		}
		switch {
		case c < 0x80:
		case c >= 0xa1 && c <= 0xdf:
			g.halfKan++
		case c >= 0x81 && c <= 0x9f, c >= 0xe0 && c <= 0xfc:
			g.pend[0] = c
			g.npend = 1
		default:
			g.errs++
		}
	}
}

// eucJP follows the EUC-JP byte grammar: ASCII, two bytes A1-FE A1-FE (JIS X 0208),
// 8E + A1-DF (half-width katakana), 8F + two bytes A1-FE (JIS X 0212).
func (g *grammar) eucJP(p []byte) {
	for _, c := range p {
		if g.npend > 0 {
			lead := g.pend[0]
			if c < 0xa1 || c == 0xff || lead == 0x8e && c > 0xdf {
				g.errs++
				g.npend = 0
			} else {
				if lead == 0x8f && g.npend == 1 {
					g.pend[1] = c
					g.npend = 2
					continue
				}
				g.npend = 0
				g.multi++
				switch {
				case lead == 0x8e:
					g.halfKan++
				case lead == 0xa1, lead == 0xa4, lead == 0xa5, lead >= 0xb0 && lead <= 0xf4:
					g.strong++
				}
				continue
			}
		}
		switch {
		case c < 0x80:
		case c == 0x8e, c == 0x8f, c >= 0xa1 && c <= 0xfe:
			g.pend[0] = c
			g.npend = 1
		default:
			g.errs++
		}
	}
}

// legacy names 8-bit text that Result left undecided: a single-byte code page that the
// language model finds clearly probable, else Chinese or Korean multibyte text, else the
// best single-byte code page that still decodes into some language; "" when nothing does.
func (d *detector) legacy() string {
	sb, avg := detectSingleByte(&d.hist)
	if sb != "" && avg >= -5 {
		return sb
	}
	if c := d.cjk.result(); c != "" {
		return c
	}
	return sb
}

// ebcdic reports text whose word separator is EBCDIC's space (0x40, "@" in ASCII) and whose
// letters are in EBCDIC's ranges: mainframe exports, which no candidate decodes.
func (d *detector) ebcdic() bool {
	var letters int64
	for b := 0x81; b <= 0xe9; b++ {
		letters += d.hist[b]
	}
	return d.ebSp > 4*d.sp && d.ebSp*2 > d.n/10 && letters*2 > d.n
}

// Result gives the verdict for everything written so far.
func (d *detector) Result() string {
	h := d.head[:d.headLen]
	switch {
	case bytes.HasPrefix(h, []byte{0xef, 0xbb, 0xbf}):
		return "utf-8"
	case bytes.HasPrefix(h, []byte{0xff, 0xfe, 0, 0}):
		return "utf-32le"
	case bytes.HasPrefix(h, []byte{0, 0, 0xfe, 0xff}):
		return "utf-32be"
	case bytes.HasPrefix(h, []byte{0xff, 0xfe}):
		return "utf-16le"
	case bytes.HasPrefix(h, []byte{0xfe, 0xff}):
		return "utf-16be"
	}
	if d.n >= 4 {
		// UTF-16 without a BOM: NULs on one parity only (the high byte of ASCII).
		pairs := d.n / 2
		switch {
		case d.nulOdd*10 >= pairs*4 && d.nulEven*20 <= pairs:
			return "utf-16le"
		case d.nulEven*10 >= pairs*4 && d.nulOdd*20 <= pairs:
			return "utf-16be"
		}
	}
	if !d.high {
		if d.esc {
			return "iso-2022-jp"
		}
		return "us-ascii"
	}
	if !d.utf8Bad {
		return "utf-8"
	}
	return pickJapanese(d.sjis, d.euc)
}

// pickJapanese decides between Shift_JIS and EUC-JP. EUC-JP bytes usually also parse as
// Shift_JIS (as half-width katakana and kanji), while Shift_JIS kana (lead 82/83) never
// parse as EUC-JP; so a clean parse decides first and character statistics break ties.
// Latin-1 and other 8-bit text fails both grammars almost at once and stays undecided.
func pickJapanese(s, e grammar) string {
	okS := s.errs == 0 && s.strong > 0
	okE := e.errs == 0 && e.strong > 0
	switch {
	case okS && !okE:
		return "shift_jis"
	case okE && !okS:
		return "euc-jp"
	case okS && okE:
		// Both parse: EUC-JP read as Shift_JIS is full of half-width katakana.
		ss := s.strong - s.halfKan
		es := e.strong - e.halfKan
		switch {
		case es > ss:
			return "euc-jp"
		case ss > es:
			return "shift_jis"
		}
		return ""
	}
	// Both have errors (a damaged file, 外字 outside the grammar): accept the clearly better
	// one if its errors are rare.
	tolerable := func(g grammar) bool { return g.strong >= 8 && g.errs*64 <= g.multi }
	switch {
	case tolerable(s) && (!tolerable(e) || s.errs < e.errs):
		return "shift_jis"
	case tolerable(e) && (!tolerable(s) || e.errs < s.errs):
		return "euc-jp"
	}
	return ""
}
