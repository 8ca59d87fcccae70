package text

import (
	"math"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// The 8-bit detector names the charset of text that is neither UTF-8 nor Japanese, as a
// browser or Office does for an undeclared page or a CSV from another country: Western
// (windows-1252), Central European, Cyrillic (windows-1251, KOI8-R/U, CP866), Greek,
// Turkish, Hebrew, Arabic, Baltic and Thai code pages, and Chinese (GBK, Big5) and Korean
// (EUC-KR) multibyte text.
//
// Single-byte candidates are judged by a naive Bayes model of languages: for every language
// of the Universal Declaration of Human Rights' first article (testdata/text, the "UDHR in
// Unicode" texts), the frequency of each non-ASCII letter among its letters
// (langmodel_gen.go, written by TestLangModel -update). A candidate's score is the best
// log-likelihood any language gives the characters its decoding produces; mojibake
// ("Àðåíäà", "Ýí ÞÑíÉ") is improbable in every language, the right decoding is probable
// in one. Only the bytes 80-FF differ between candidates, so only their histogram is
// needed, and the scan stays a single pass over the content.

// sbCandidate is one single-byte charset and its decoding of the bytes 80-FF.
type sbCandidate struct {
	name string
	high [128]rune // utf8.RuneError where the byte is unassigned or a C1 control
}

// sbOrder is the candidates in order of preference when scores tie (identical decodings,
// such as German text in windows-1252 and windows-1250): the most common code page first.
var sbOrder = []struct {
	name string
	enc  encoding.Encoding
}{
	{"windows-1252", charmap.Windows1252},
	{"windows-1250", charmap.Windows1250},
	{"iso-8859-2", charmap.ISO8859_2},
	{"windows-1251", charmap.Windows1251},
	{"koi8-r", charmap.KOI8R},
	{"koi8-u", charmap.KOI8U},
	{"ibm866", charmap.CodePage866},
	{"windows-1253", charmap.Windows1253},
	{"windows-1254", charmap.Windows1254},
	{"windows-1255", charmap.Windows1255},
	{"windows-1256", charmap.Windows1256},
	{"windows-1257", charmap.Windows1257},
	{"windows-874", charmap.Windows874},
}

var sbCandidates = func() []sbCandidate {
	out := make([]sbCandidate, len(sbOrder))
	for i, c := range sbOrder {
		out[i].name = c.name
		dec := c.enc.NewDecoder()
		for b := 0x80; b <= 0xff; b++ {
			s, err := dec.Bytes([]byte{byte(b)})
			r, _ := utf8.DecodeRune(s)
			if err != nil || r == utf8.RuneError || r == '\uFFFD' || r >= 0x80 && r <= 0x9f || r == 0x1a {
				r = utf8.RuneError
			}
			out[i].high[b-0x80] = r
		}
	}
	return out
}()

// Model constants. A letter a language's text does not use gets a probability backed off
// to its script: the language's share of letters in that script times the letter's
// frequency among all languages' letters of that script. So an unseen "ö" in an English
// text is plausible (German names, loanwords) and an unseen "ц" is not; and a letter no
// language uses is improbable everywhere. An unassigned byte rules a candidate out.
// minAvgLogP is the least average log-probability per non-ASCII character a decoding must
// reach to be taken at all: binary data decodes in every candidate, but into nothing any
// language writes.
const (
	lmBackoff  = 4.0
	minAvgLogP = -9.0
)

// asciiWeight is how much the ASCII letters count: enough that "Caf\xe9" is French and not
// Hebrew, little enough that the tag names of an HTML page or a few Latin words in an
// Arabic or Russian text do not outweigh the letters that tell the code pages apart.
const asciiWeight = 0.25

// symbolLogP is the model's log-probability of a non-letter (punctuation, currency,
// symbols): the same in every language, low enough that a decoding made of symbols loses
// to one made of letters, high enough that "15,50 €" or "© 2009" are not mojibake.
const symbolLogP = -7.0

// Scripts the candidates produce; everything else is scriptOther.
const (
	scriptLatin = iota
	scriptCyrillic
	scriptGreek
	scriptArabic
	scriptHebrew
	scriptThai
	scriptOther
	nScripts
)

func scriptOf(r rune) int {
	switch {
	case r < 0x80 || unicode.Is(unicode.Latin, r):
		return scriptLatin
	case unicode.Is(unicode.Cyrillic, r):
		return scriptCyrillic
	case unicode.Is(unicode.Greek, r):
		return scriptGreek
	case unicode.Is(unicode.Arabic, r):
		return scriptArabic
	case unicode.Is(unicode.Hebrew, r):
		return scriptHebrew
	case unicode.Is(unicode.Thai, r):
		return scriptThai
	}
	return scriptOther
}

// lmodel is the language models with their backoff tables.
type lmodel struct {
	langs  []langModel
	shares [][nScripts]float64 // per language, its share of letters in each script
	global map[rune]float64    // every language's letter counts added up
	script [nScripts]float64   // the same by script
}

func newLModel(langs []langModel) *lmodel {
	m := &lmodel{langs: langs, shares: make([][nScripts]float64, len(langs)), global: map[rune]float64{}}
	for li := range langs {
		lm := &langs[li]
		var tot float64
		i := 0
		for _, r := range lm.runes {
			n := float64(lm.counts[i])
			s := scriptOf(r)
			m.global[r] += n
			m.script[s] += n
			m.shares[li][s] += n
			tot += n
			i++
		}
		for s := range m.shares[li] {
			m.shares[li][s] = (m.shares[li][s] + 0.01) / (tot + 0.01*nScripts)
		}
	}
	return m
}

var defaultLModel = newLModel(langModels)

// logP is log P(r | language li).
func (m *lmodel) logP(li int, r rune) float64 {
	lm := &m.langs[li]
	s := scriptOf(r)
	back := m.shares[li][s] * (m.global[r] + 0.5) / (m.script[s] + 0.5*256)
	return math.Log((float64(lm.count(r)) + lmBackoff*back) / (float64(lm.letters) + lmBackoff))
}

// detectSingleByte returns the best single-byte charset for a byte histogram, or "" when
// no candidate decodes the bytes 80-FF into text of some language. The ASCII letters take
// part: "Caf\xe9" is French with é, not Hebrew with י, because no Hebrew text is written
// in Latin letters.
func detectSingleByte(hist *[256]int64) (string, float64) {
	return defaultLModel.detect(hist)
}

func (m *lmodel) detect(hist *[256]int64) (string, float64) {
	var total int64
	for _, n := range hist[0x80:] {
		total += n
	}
	if total == 0 {
		return "", 0
	}
	best, bestScore, bestHigh := "", math.Inf(-1), 0.0
	for _, c := range sbCandidates {
		s, high, ok := m.score(&c, hist)
		if !ok {
			continue
		}
		if s > bestScore+1e-9 {
			best, bestScore, bestHigh = c.name, s, high
		}
	}
	if best == "" {
		return "", 0
	}
	avg := bestHigh / float64(total)
	if avg < minAvgLogP {
		return "", avg
	}
	return best, avg
}

// score is the best log-likelihood over the languages of the letters of the
// histogram as c decodes it, and the part of it due to the bytes 80-FF; ok is false when
// a byte present is unassigned in c.
func (m *lmodel) score(c *sbCandidate, hist *[256]int64) (score, high float64, ok bool) {
	type rc struct {
		r rune
		n int64
	}
	var letters []rc
	var symbols int64
	for b := 'a'; b <= 'z'; b++ {
		if n := hist[b] + hist[b-'a'+'A']; n > 0 {
			letters = append(letters, rc{b, n})
		}
	}
	for i, n := range hist[0x80:] {
		if n == 0 {
			continue
		}
		r := c.high[i]
		switch {
		case r == utf8.RuneError:
			return 0, 0, false
		case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r):
			letters = append(letters, rc{r, n})
		default:
			symbols += n
		}
	}
	best, bestHigh := math.Inf(-1), 0.0
	for li := range m.langs {
		s, high := 0.0, 0.0
		for _, x := range letters {
			v := float64(x.n) * m.logP(li, x.r)
			if x.r >= 0x80 {
				high += v
			} else {
				v *= asciiWeight
			}
			s += v
		}
		if s > best {
			best, bestHigh = s, high
		}
	}
	sym := float64(symbols) * symbolLogP
	return best + sym, bestHigh + sym, true
}

// langModel is one language's counts of letters: ASCII ones case-folded.
type langModel struct {
	name    string
	letters int    // letters in the text, ASCII included
	runes   string // the non-ASCII letters it uses, each once
	counts  []uint16
}

func (m *langModel) count(r rune) int {
	i := 0
	for _, x := range m.runes {
		if x == r {
			return int(m.counts[i])
		}
		i++
	}
	return 0
}

// cjkGuess names Chinese or Korean multibyte text from its byte structure, or "". It is
// only asked once UTF-8 and the Japanese grammars have failed. Big5 uses trail bytes
// 40-7E, which GB2312 and EUC-KR never do; Korean text keeps its lead bytes in the Hangul
// rows B0-C8, while Chinese text in GB2312 uses the first-level hanzi rows B0-D7 evenly.
type cjkGuess struct {
	pend                     bool
	lead                     byte
	pairs, lowTrail, hanRows int64
	hangulRows, errs         int64
}

// A text in a Latin code page also pairs up (an accented letter followed by an ASCII one
// looks like a lead and a Big5 trail); real CJK text pairs high bytes with high bytes
// most of the time, which Latin text almost never does.

func (g *cjkGuess) write(p []byte) {
	for _, c := range p {
		if g.pend {
			g.pend = false
			switch {
			case c >= 0x40 && c <= 0x7e:
				g.lowTrail++
			case c >= 0x80 && c <= 0xfe:
			default:
				g.errs++
				continue
			}
			g.pairs++
			switch {
			case g.lead >= 0xb0 && g.lead <= 0xc8:
				g.hangulRows++
			case g.lead >= 0xc9 && g.lead <= 0xd7:
				g.hanRows++
			}
			continue
		}
		if c >= 0x81 && c <= 0xfe {
			g.pend, g.lead = true, c
		} else if c >= 0x80 {
			g.errs++
		}
	}
}

func (g *cjkGuess) result() string {
	if g.pairs < 8 || g.errs*50 > g.pairs || (g.pairs-g.lowTrail)*10 < g.pairs*5 {
		return ""
	}
	switch {
	case g.lowTrail*5 >= g.pairs:
		return "big5"
	case g.lowTrail == 0 && g.hanRows*10 >= g.pairs:
		return "gbk"
	case g.lowTrail == 0 && g.hangulRows*10 >= g.pairs*8:
		return "euc-kr"
	case g.lowTrail*50 <= g.pairs:
		return "gbk"
	}
	return ""
}
