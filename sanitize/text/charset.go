package text

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
	"golang.org/x/text/transform"

	"github.com/sekisho/sekisho/sanitize"
)

// DecodeStats describes what ToUTF8 did to one input.
type DecodeStats struct {
	Charset            string // canonical name of the source charset: "utf-8", "shift_jis", ...
	Unmappable         int    // bytes or characters replaced by 〓 (U+3013)
	ControlRemoved     int    // control characters removed (C0 except tab/LF, DEL, C1)
	NewlinesNormalized bool   // a CRLF or lone CR was turned into LF
	BOM                bool   // a leading byte order mark was removed
	Unassigned         int    // code points not assigned in Unicode: kept, counted as a sign of binary data
	Runes              int64  // characters written
}

// Geta is the replacement mark for anything that could not be decoded: the convention of
// Japanese typesetting for a missing glyph, visible and unambiguous in output.
const Geta = '〓'

// sampleLen is how much of the head ToUTF8 inspects when asked to detect the charset.
const sampleLen = 64 << 10

// ToUTF8 decodes text in the named charset ("" detects it from the first 64 KiB: BOM,
// UTF-8 validity, ISO-2022-JP escapes, Shift_JIS/CP932 against EUC-JP; an undecidable
// input fails with sanitize.ErrUnsupported) and writes normalized UTF-8 to w: no BOM, LF
// newlines, no control characters but tab and LF. Bytes or characters that cannot be
// mapped become 〓 (U+3013) and are counted, never silently dropped. The label "us-ascii"
// is checked, not trusted: 8-bit content under it is detected as if no label was given.
func ToUTF8(w io.Writer, r io.Reader, charset string) (DecodeStats, error) {
	// The buffers live only for this call, so they are pooled: a mail relay converts a
	// few short bodies per message, and 96 KiB of fresh buffers each time was a large
	// share of its allocation.
	br := readers.Get().(*bufio.Reader)
	br.Reset(r)
	bw := writers.Get().(*bufio.Writer)
	bw.Reset(w)
	defer func() {
		br.Reset(nil)
		readers.Put(br)
		bw.Reset(nil)
		writers.Put(bw)
	}()
	dr, st, err := newUTF8Reader(br, charset)
	if err != nil {
		return DecodeStats{}, err
	}
	if _, err := io.Copy(bw, dr); err != nil {
		return *st, err
	}
	return *st, bw.Flush()
}

var (
	readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, sampleLen) }}
	writers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 32<<10) }}
)

// NewUTF8Reader is ToUTF8 as a reader, for chaining into HTMLToText or a CSV parser
// without an intermediate buffer. The charset is resolved (and detected when empty) before
// it returns; *DecodeStats fills in as the reader is consumed and is final at EOF.
func NewUTF8Reader(r io.Reader, charset string) (io.Reader, *DecodeStats, error) {
	return newUTF8Reader(bufio.NewReaderSize(r, sampleLen), charset)
}

// newUTF8Reader is NewUTF8Reader over br, which must hold at least sampleLen bytes.
func newUTF8Reader(br *bufio.Reader, charset string) (io.Reader, *DecodeStats, error) {
	cs, err := resolveCharset(br, charset)
	if err != nil {
		return nil, nil, err
	}
	st := new(DecodeStats)
	dr, err := newDecodeReader(br, cs, st)
	if err != nil {
		return nil, nil, err
	}
	return dr, st, nil
}

// resolveCharset turns a caller's label into the charset to decode with, detecting it from
// the head of br when the label is empty or is a plain-ASCII label over 8-bit content.
func resolveCharset(br *bufio.Reader, label string) (string, error) {
	label = strings.ToLower(strings.TrimSpace(label))
	if label != "" && !isASCIILabel(label) {
		return label, nil
	}
	sample, err := br.Peek(sampleLen)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return "", err
	}
	if label != "" && !hasHighBit(sample) {
		return "us-ascii", nil
	}
	var d detector
	d.Write(sample)
	cs := d.Result()
	if cs == "" && !d.ebcdic() {
		cs = d.legacy()
	}
	if cs == "" {
		return "", undetermined(&d)
	}
	return cs, nil
}

// undetermined is the error for text no candidate decodes.
func undetermined(d *detector) error {
	if d.ebcdic() {
		return fmt.Errorf("%w: EBCDIC text (mainframe character set) is not supported", sanitize.ErrUnsupported)
	}
	return fmt.Errorf("%w: cannot determine the character set (no candidate decodes it)", sanitize.ErrUnsupported)
}

// validIn reports whether sample decodes in label without a replacement character or a C1
// control: a declaration is believed only when the bytes agree with it. The last
// character of the sample may be cut off and is not held against it.
func validIn(label string, sample []byte) bool {
	enc, name, err := lookupCharset(label)
	if err != nil {
		return false
	}
	if enc == nil {
		if name == "us-ascii" {
			return !hasHighBit(sample)
		}
		for len(sample) > 0 {
			r, n := utf8.DecodeRune(sample)
			if r == utf8.RuneError && n <= 1 {
				return !utf8.FullRune(sample)
			}
			sample = sample[n:]
		}
		return true
	}
	out, err := enc.NewDecoder().Bytes(sample)
	if err != nil {
		return false
	}
	s := string(out)
	if i := strings.LastIndex(s, "\uFFFD"); i >= 0 && i >= len(s)-len("\uFFFD") && len(sample) >= sampleLen-4 {
		s = s[:i]
	}
	for _, r := range s {
		if r == '\uFFFD' || r >= 0x80 && r <= 0x9f {
			return false
		}
	}
	return true
}

func isASCIILabel(l string) bool {
	switch l {
	case "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "us", "cp367", "ibm367", "csascii":
		return true
	}
	return false
}

func hasHighBit(p []byte) bool {
	for _, c := range p {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

// lookupCharset maps a label to a decoder and its canonical name. A nil encoding means the
// input is UTF-8 (or ASCII) and only needs validating.
func lookupCharset(label string) (encoding.Encoding, string, error) {
	label = strings.ToLower(strings.TrimSpace(label))
	switch label {
	case "utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8":
		return nil, "utf-8", nil
	case "":
		return nil, "", fmt.Errorf("%w: no character set", sanitize.ErrUnsupported)
	case "utf-16le":
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "utf-16le", nil
	case "utf-16be":
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "utf-16be", nil
	case "utf-32le":
		return utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), "utf-32le", nil
	case "utf-32be":
		return utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), "utf-32be", nil
	case "utf-32", "ucs-4":
		return utf32.UTF32(utf32.BigEndian, utf32.UseBOM), "utf-32", nil
	case "utf-16", "ucs-2", "iso-10646-ucs-2":
		// RFC 2781 §4.3: without a BOM, UTF-16 is big-endian.
		return unicode.UTF16(unicode.BigEndian, unicode.UseBOM), "utf-16", nil
	case "cp932", "windows-932", "ibm-943", "ibm943", "x-ms-cp932", "shift-jis", "shift_jisx0213", "sjis-open", "sjis-win":
		return japanese.ShiftJIS, "shift_jis", nil
	case "eucjp-ms", "eucjp-win", "euc-jp-ms", "cp51932", "ujis":
		return japanese.EUCJP, "euc-jp", nil
	case "iso-2022-jp-1", "iso-2022-jp-ms", "cp50220", "cp50221", "cp50222":
		return japanese.ISO2022JP, "iso-2022-jp", nil
	}
	if isASCIILabel(label) {
		return nil, "us-ascii", nil
	}
	enc, err := htmlindex.Get(label)
	if err != nil {
		enc, err = ianaindex.MIME.Encoding(label)
		if err != nil || enc == nil {
			return nil, "", fmt.Errorf("%w: character set %q", sanitize.ErrUnsupported, label)
		}
	}
	if enc == encoding.Replacement {
		// WHATWG maps ISO-2022-KR/CN and friends to "replacement", which would turn the
		// whole text into one U+FFFD.
		return nil, "", fmt.Errorf("%w: character set %q", sanitize.ErrUnsupported, label)
	}
	name, err := htmlindex.Name(enc)
	if err != nil {
		name = label
	}
	if name == "utf-8" {
		return nil, "utf-8", nil
	}
	return enc, name, nil
}

// newDecodeReader returns a reader of normalized UTF-8 decoded from r in charset cs; st is
// filled as the reader is consumed and is final after EOF.
func newDecodeReader(r io.Reader, cs string, st *DecodeStats) (io.Reader, error) {
	return newCheckedDecodeReader(r, cs, st, nil, false)
}

// newCheckedDecodeReader is newDecodeReader counting, in *invalid when set, the input's
// byte sequences that are not UTF-8 (for UTF-8 input, which has no decoder before the
// normalizer). Bulk is for a large input read in large blocks: UTF-8 that needs no change
// is then judged in place and not copied (cleanReader); a mail part keeps the
// transformer, whose buffers are pooled-size and allocated once.
func newCheckedDecodeReader(r io.Reader, cs string, st *DecodeStats, invalid *int64, bulk bool) (io.Reader, error) {
	enc, name, err := lookupCharset(cs)
	if err != nil {
		return nil, err
	}
	if cs == "us-ascii" {
		name = "us-ascii"
	}
	st.Charset = name
	n := &normalizer{st: st}
	if enc == nil {
		n.invalid = invalid
		if bulk {
			return newCleanReader(r, n), nil
		}
		return transform.NewReader(r, n), nil
	}
	return transform.NewReader(r, transform.Chain(enc.NewDecoder(), n)), nil
}
