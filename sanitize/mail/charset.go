package mail

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/japanese"
)

// geta (〓) marks a character that could not be decoded or mapped: it is counted and
// reported, never silently dropped.
const geta = '〓'

// charsetAliases maps labels seen in Japanese mail that the IANA and WHATWG indexes miss
// to the decoder that reads them. The Microsoft variants are supersets that the x/text
// tables (WHATWG indexes, which include the NEC and IBM extensions) already decode.
var charsetAliases = map[string]string{
	"cp932":          "shift_jis",
	"x-ms-cp932":     "shift_jis",
	"sjis-open":      "shift_jis",
	"sjis-win":       "shift_jis",
	"iso-2022-jp-ms": "iso-2022-jp",
	"iso-2022-jp-1":  "iso-2022-jp",
	"iso-2022-jp-2":  "iso-2022-jp",
	"iso-2022-jp-3":  "iso-2022-jp",
	"cp50220":        "iso-2022-jp",
	"cp50221":        "iso-2022-jp",
	"euc-jp-ms":      "euc-jp",
	"eucjp-win":      "euc-jp",
	"cp51932":        "euc-jp",
	"utf8":           "utf-8",
	"ascii":          "us-ascii",
}

// normCharset lower-cases a label, drops an RFC 2231 language suffix and resolves
// aliases.
func normCharset(label string) string {
	l := strings.ToLower(strings.Trim(strings.TrimSpace(label), `"`))
	if i := strings.IndexByte(l, '*'); i >= 0 {
		l = l[:i]
	}
	if a, ok := charsetAliases[l]; ok {
		return a
	}
	return l
}

// lookupEncoding returns the decoder for label, or an error for an unknown charset.
func lookupEncoding(label string) (encoding.Encoding, error) {
	l := normCharset(label)
	switch l {
	case "utf-8", "us-ascii", "":
		return nil, nil
	case "shift_jis":
		return japanese.ShiftJIS, nil
	case "euc-jp":
		return japanese.EUCJP, nil
	case "iso-2022-jp":
		return japanese.ISO2022JP, nil
	}
	if e, err := ianaindex.MIME.Encoding(l); err == nil && e != nil {
		return e, nil
	}
	if e, err := htmlindex.Get(l); err == nil && e != nil {
		return e, nil
	}
	// go-message's table has a few more quirks; use it as the last resort.
	if _, err := charset.Reader(l, strings.NewReader("")); err == nil {
		return readerEncoding(l), nil
	}
	return nil, fmt.Errorf("unknown charset %q", label)
}

// readerEncoding adapts go-message's charset.Reader for the rare labels only it knows.
type readerEncoding string

func (r readerEncoding) NewDecoder() *encoding.Decoder {
	return nil
}

func (r readerEncoding) NewEncoder() *encoding.Encoder { return nil }

// decodeBytes converts b from label to UTF-8. Bytes that do not decode become 〓 and are
// counted in bad.
func decodeBytes(label string, b []byte) (s string, bad int, err error) {
	enc, err := lookupEncoding(label)
	if err != nil {
		return "", 0, err
	}
	var out []byte
	switch e := enc.(type) {
	case nil:
		out = b
	case readerEncoding:
		r, err := charset.Reader(string(e), bytes.NewReader(b))
		if err != nil {
			return "", 0, err
		}
		out, err = io.ReadAll(io.LimitReader(r, int64(len(b))*4+16))
		if err != nil {
			return "", 0, err
		}
	default:
		out, err = e.NewDecoder().Bytes(b)
		if err != nil {
			return "", 0, err
		}
	}
	return markInvalid(out)
}

// markInvalid replaces invalid UTF-8 and U+FFFD (what the x/text decoders emit for bytes
// they cannot map) with 〓 and counts them.
func markInvalid(b []byte) (string, int, error) {
	if utf8.Valid(b) && !bytes.ContainsRune(b, utf8.RuneError) {
		return string(b), 0, nil
	}
	var sb strings.Builder
	bad := 0
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError {
			sb.WriteRune(geta)
			bad++
		} else {
			sb.WriteRune(r)
		}
		b = b[n:]
	}
	return sb.String(), bad, nil
}

// detect8bit names the reading of raw 8-bit header bytes: UTF-8 when valid (RFC 6532),
// else the one Japanese legacy charset that decodes them without error. When both decode,
// the reading with more kana and fewer half-width kana wins (half-width kana are what the
// wrong one of the two usually produces), Shift_JIS on a tie: it names text in a header,
// never structure. None is reported with 〓 marks by the caller.
func detect8bit(b []byte) (label string, clean bool, err error) {
	if utf8.Valid(b) {
		return "utf-8", true, nil
	}
	_, badSJ, _ := decodeBytes("shift_jis", b)
	_, badEUC, _ := decodeBytes("euc-jp", b)
	switch {
	case badSJ == 0 && badEUC == 0:
		sj, _, _ := decodeBytes("shift_jis", b)
		eu, _, _ := decodeBytes("euc-jp", b)
		if kanaScore(eu) > kanaScore(sj) {
			return "euc-jp", true, nil
		}
		return "shift_jis", true, nil
	case badSJ == 0:
		return "shift_jis", true, nil
	case badEUC == 0:
		return "euc-jp", true, nil
	case badEUC < badSJ:
		return "euc-jp", false, nil
	}
	return "shift_jis", false, nil
}

// kanaScore rates how Japanese a decoded string looks: full-width kana count for it,
// half-width kana against it.
func kanaScore(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r >= 0x3041 && r <= 0x30ff:
			n++
		case r >= 0xff61 && r <= 0xff9f:
			n--
		}
	}
	return n
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
