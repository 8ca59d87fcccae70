package ooxml

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/sekisho/sekisho/internal/freelist"
	"github.com/sekisho/sekisho/sanitize"
)

// scanner is this package's XML tokenizer. encoding/xml's was the largest cost of a
// sanitization (a string per name and attribute value, an interface per token, a byte at a
// time through bufio): this one works on slices of its own buffer, interns names and short
// attribute values, and hands text out as a slice of the buffer when it needs no decoding.
//
// It checks what well-formedness needs at the token level: legal names and characters,
// quoted attributes separated by white space, complete entity and
// character references (only the five predefined entities), terminated comments, CDATA
// sections and processing instructions, a UTF-8 (or absent) encoding declaration, and no
// DOCTYPE or other markup declaration. readXML checks the structure (matching tags, one
// root, declared prefixes, attributes not repeated under any prefix). Line ends are
// normalized as XML requires; attribute values are otherwise kept as written, as
// encoding/xml did, so that outputs did not change.
type scanner struct {
	r       io.Reader
	buf     []byte
	pos     int // first unread byte
	end     int // end of the buffered bytes
	eof     bool
	rerr    error // read error to return once the buffer is drained
	endTag  bool  // a self-closing tag was returned: its end comes next
	endName xml.Name
	// expect is the open element, set by the reader: its end tag is compared with the
	// name's words (or bytes) instead of being read and interned again.
	expect  *scope
	matched bool // the end tag just returned is known to close the open element
	// The words of the last start tag's name (see qsym; wn = 0 when not comparable by
	// words): the reader keeps them with the open element for expect.
	wlo, whi uint64
	wn       int
	attrs    []xml.Attr
	vals     []byte              // decoded attribute values of the current start tag
	refs     []valRef            // per attribute: where its value is
	text     []byte              // decoded text
	names    *[internSize]string // short attribute values
	qnames   *[qnameSize]qsym    // element and attribute names
	last     *qsym               // the entry of the name interned last
	// Start tags read before (xmltags.go): hit is the entry of the start tag just
	// returned (nil when it has none), slotFor where a tag being read may be kept, gen
	// the generation of namespace bindings the reader is in, and gens the last one
	// handed out (newGen).
	tags    *[tagCacheSize]tagEntry
	seen    *[seenSize]uint32
	hit     *tagEntry
	slotFor *tagEntry
	gen     uint64
	gens    uint64
	// Start tags looked up and hits that saved work since the last probe, and start
	// tags left to read without looking (cachedStart).
	tagLook, tagGain, tagIdle int
}

const (
	scanBufSize   = 64 << 10
	maxTokenBytes = 4 << 20 // one tag, comment, CDATA section or PI; text is split instead
	internSize    = 4096    // direct-mapped: a collision replaces, so what is kept stays bounded
	qnameSize     = 1024    // the same for names
	maxInternLen  = 32      // longer attribute values are rarely repeated
)

var errNeedMore = errors.New("need more input")

// scanners are kept with their buffer and intern table (128 KB together).
var scanners = freelist.New[*scanner](freelist.Kept)

func getScanner(r io.Reader) *scanner {
	s, ok := scanners.Get()
	if !ok {
		s = newScanner()
	}
	s.r, s.pos, s.end, s.eof, s.rerr, s.endTag, s.expect = r, 0, 0, false, nil, false, nil
	s.hit, s.slotFor = nil, nil
	s.tagLook, s.tagGain, s.tagIdle = 0, 0, 0
	s.newGen() // another part: other bindings
	return s
}

func newScanner() *scanner {
	return &scanner{buf: make([]byte, scanBufSize), names: new([internSize]string), qnames: new([qnameSize]qsym), tags: new([tagCacheSize]tagEntry), seen: new([seenSize]uint32)}
}

func putScanner(s *scanner) {
	s.r, s.expect = nil, nil
	if len(s.buf) > scanBufSize {
		s.buf = make([]byte, scanBufSize) // a grown buffer served one large tag; let it go
	}
	clear(s.attrs[:cap(s.attrs)]) // drop references to this part's strings
	scanners.Put(s)
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: xml: "+format, append([]any{sanitize.ErrMalformed}, args...)...)
}

// fill reads more input. It returns false when nothing more can be read; s.rerr then says
// why (nil at the end of input).
func (s *scanner) fill() (bool, error) {
	if s.eof {
		return false, nil
	}
	if s.pos > 0 {
		s.end = copy(s.buf, s.buf[s.pos:s.end])
		s.pos = 0
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= maxTokenBytes {
			return false, malformed("markup longer than %d bytes", maxTokenBytes)
		}
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for s.end < len(s.buf) {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.rerr = err
			}
			break
		}
		if n == 0 {
			continue
		}
		if s.end-s.pos >= 4<<10 {
			break // enough to make progress; the next token asks for more if it needs it
		}
	}
	return true, nil
}

// next reads the next token into t: its kind, and the raw name and attributes, the text or
// the target, whichever the kind has; other fields are left as they were (assigning a
// whole tok cost a bulk write barrier per token while the collector runs). It returns
// io.EOF at the end of the input.
func (s *scanner) next(t *tok) error {
	s.matched = false
	if s.endTag {
		s.endTag, s.matched = false, true
		t.kind, t.raw, t.src = kEnd, s.endName, nil
		return nil
	}
	for {
		err := s.token(t)
		if err == nil {
			return nil
		}
		if err == errSkip {
			continue
		}
		if err != errNeedMore {
			return err
		}
		more, ferr := s.fill()
		if ferr != nil {
			return ferr
		}
		if !more {
			if s.rerr != nil {
				return s.rerr
			}
			if s.pos == s.end {
				return io.EOF
			}
			// Whatever is left is incomplete markup: let token say what.
			if err := s.token(t); err != nil && err != errSkip {
				if err == errNeedMore {
					return malformed("unexpected end of part")
				}
				return err
			}
			return nil
		}
	}
}

var errSkip = errors.New("skipped")

// token parses one token from the buffered bytes, or returns errNeedMore.
func (s *scanner) token(t *tok) error {
	b := s.buf[s.pos:s.end]
	if len(b) == 0 {
		return errNeedMore
	}
	if b[0] != '<' {
		return s.chars(t, b)
	}
	if len(b) < 2 {
		return errNeedMore
	}
	switch b[1] {
	case '/':
		return s.endElement(t, b)
	case '?':
		return s.procInst(t, b)
	case '!':
		return s.bang(t, b)
	}
	if s.tagIdle > 0 {
		s.tagIdle--
		s.slotFor = nil
	} else if s.cachedStart(t, b) {
		return nil
	}
	return s.startElement(t, b)
}

// chars returns the text up to the next '<'. Text longer than half the buffer is returned
// in pieces, cut where no reference, line end or UTF-8 sequence is split.
func (s *scanner) chars(t *tok, b []byte) error {
	n := bytes.IndexByte(b, '<')
	if n < 0 {
		if !s.eof && len(b) < len(s.buf)/2 {
			return errNeedMore
		}
		n = len(b)
		if !s.eof {
			// Cut before a partial reference, then a partial UTF-8 sequence, then a
			// carriage return whose line feed may come next.
			if a := bytes.LastIndexByte(b, '&'); a >= 0 && bytes.IndexByte(b[a:], ';') < 0 {
				n = a
			}
			if n > 0 {
				if st := lastRuneStart(b[:n]); b[st] >= 0x80 && !utf8.FullRune(b[st:n]) {
					n = st
				}
			}
			if n > 0 && b[n-1] == '\r' {
				n--
			}
			if n == 0 {
				return malformed("unterminated reference in text")
			}
		}
	}
	txt, copied, err := s.decode(s.text[:0], b[:n])
	if err != nil {
		return err
	}
	if copied {
		s.text = txt[:0]
	}
	s.pos += n
	t.kind, t.text, t.plain = kText, txt, !copied
	return nil
}

func (s *scanner) endElement(t *tok, b []byte) error {
	// The end tag nearly always names the open element, written as it was opened and
	// closed at once: compare the name's words (or bytes) instead of hashing and
	// interning the name again.
	if x := s.expect; x != nil {
		n := x.wn
		if n > 0 && 2+16 <= len(b) {
			if lo, hi := nameWords(b[2:], n); lo == x.wlo && hi == x.whi && 2+n < len(b) && b[2+n] == '>' {
				s.pos += n + 3
				// "</" prefix ":" local ">" as the serializer writes it: it copies these bytes.
				t.kind, t.raw, t.src, s.matched = kEnd, x.raw, b[:n+3:n+3], true
				return nil
			}
			goto general
		}
		i, r := 2, x.raw
		if r.Space != "" {
			if !hasAt(b, i, r.Space) || i+len(r.Space) >= len(b) || b[i+len(r.Space)] != ':' {
				goto general
			}
			i += len(r.Space) + 1
		}
		if hasAt(b, i, r.Local) && i+len(r.Local) < len(b) && b[i+len(r.Local)] == '>' {
			n := i + len(r.Local) + 1
			s.pos += n
			t.kind, t.raw, t.src, s.matched = kEnd, r, b[:n:n], true
			return nil
		}
	}
general:
	gt := bytes.IndexByte(b, '>')
	if gt < 0 {
		return errNeedMore
	}
	name, i, err := s.qname(b[:gt+1], 2)
	if err != nil {
		return err
	}
	i = skipSpace(b[:gt], i)
	if i != gt {
		return malformed("invalid characters in end element </%s>", b[2:gt])
	}
	s.pos += gt + 1
	t.kind, t.raw, t.src = kEnd, name, nil
	return nil
}

// hasAt reports whether b holds s at i.
func hasAt(b []byte, i int, s string) bool {
	return i+len(s) <= len(b) && string(b[i:i+len(s)]) == s
}

func (s *scanner) startElement(t *tok, b []byte) error {
	s.hit = nil // storeStart sets it
	name, i, err := s.qname(b, 1)
	if err != nil {
		return err
	}
	if e := s.last; e.n > 0 {
		s.wlo, s.whi, s.wn = e.lo, e.hi, e.n
	} else {
		s.wn = 0
	}
	s.attrs, s.vals, s.refs = s.attrs[:0], s.vals[:0], s.refs[:0]
	// canon: so far the tag is written byte for byte as appendStart writes it back (one
	// space before each attribute, no space around '=', double quotes, a value holding
	// nothing that is decoded or escaped), so the serializer may copy it.
	canon := true
	for {
		sp := skipSpace(b, i)
		if sp >= len(b) {
			return errNeedMore
		}
		switch b[sp] {
		case '>':
			s.pos += sp + 1
			s.finishAttrs()
			t.kind, t.raw, t.rawAttr, t.src = kStart, name, s.attrs, nil
			if canon && sp == i {
				t.src = b[:sp:sp]
				if s.slotFor != nil {
					s.storeStart(b, sp+1, sp, name, false)
				}
			}
			return nil
		case '/':
			if sp+1 >= len(b) {
				return errNeedMore
			}
			if b[sp+1] != '>' {
				return malformed("expected /> in element <%s>", qnameRaw(name))
			}
			s.pos += sp + 2
			s.finishAttrs()
			t.kind, t.raw, t.rawAttr, t.src = kStart, name, s.attrs, nil
			if canon && sp == i {
				t.src = b[:sp:sp]
				if s.slotFor != nil {
					s.storeStart(b, sp+2, sp, name, true)
				}
			}
			s.endTag, s.endName = true, name
			return nil
		}
		if sp == i {
			return malformed("expected white space before an attribute in <%s>", qnameRaw(name))
		}
		if sp != i+1 || b[i] != ' ' {
			canon = false
		}
		an, j, err := s.qname(b, sp)
		if err != nil {
			return err
		}
		if j < len(b) && b[j] != '=' || j+1 < len(b) && b[j+1] != '"' {
			canon = false
		}
		j = skipSpace(b, j)
		if j >= len(b) {
			return errNeedMore
		}
		if b[j] != '=' {
			return malformed("attribute %s without a value", qnameRaw(an))
		}
		j = skipSpace(b, j+1)
		if j >= len(b) {
			return errNeedMore
		}
		q := b[j]
		if q != '"' && q != '\'' {
			return malformed("unquoted value of attribute %s", qnameRaw(an))
		}
		e := bytes.IndexByte(b[j+1:], q)
		if e < 0 {
			return errNeedMore
		}
		raw := b[j+1 : j+1+e]
		look := true
		if canon {
			// One pass over the value answers both questions: is it written as the
			// serializer would write it, and has it anything to decode.
			var acc uint8
			for _, c := range raw {
				acc |= valTab[c]
			}
			canon, look = acc&valEsc == 0, acc&valLook != 0
		}
		if err := s.addValue(raw, look); err != nil {
			return err
		}
		if n := len(s.attrs); n < cap(s.attrs) {
			s.attrs = s.attrs[:n+1]
			s.attrs[n].Name = an // Value is set by finishAttrs
		} else {
			s.attrs = append(s.attrs, xml.Attr{Name: an})
		}
		i = j + 1 + e + 1
	}
}

// addValue decodes an attribute value: interned when short and seen before, else
// appended to s.vals, which finishAttrs turns into one string for the whole tag. With
// look false the caller found nothing in raw that decode would look at.
func (s *scanner) addValue(raw []byte, look bool) error {
	mark := len(s.vals)
	v, copied := raw, false
	if look {
		var err error
		if v, copied, err = s.decode(s.vals, raw); err != nil {
			return err
		}
	}
	if copied {
		s.vals = v
		v = v[mark:]
	}
	var slot *string
	if len(v) <= maxInternLen {
		slot = s.slot(v)
		if *slot == string(v) {
			s.vals = s.vals[:mark]
			s.refs = append(s.refs, valRef{str: *slot, end: -1})
			return nil
		}
	}
	if !copied {
		s.vals = append(s.vals, v...)
	}
	s.refs = append(s.refs, valRef{end: len(s.vals), slot: slot})
	return nil
}

// valRef is where an attribute's value is: interned (end < 0), or in s.vals up to end.
type valRef struct {
	str  string
	end  int
	slot *string // the intern slot to fill once the value is a string
}

// finishAttrs sets the attribute values: one allocation for all that were not interned.
func (s *scanner) finishAttrs() {
	var all string
	if len(s.vals) > 0 {
		all = string(s.vals)
	}
	start := 0
	for i, r := range s.refs {
		if r.end < 0 {
			s.attrs[i].Value = r.str
			continue
		}
		v := all[start:r.end]
		start = r.end
		s.attrs[i].Value = v
		if r.slot != nil {
			*r.slot = v
		}
	}
}

// qname reads a name at b[i:]: a local name, or prefix:local. It returns errNeedMore when
// the name runs to the end of b.
func (s *scanner) qname(b []byte, i int) (xml.Name, int, error) {
	// Nearly every name is ASCII letters, digits, '_', '-' and '.' with one colon or
	// none: such a name is found with one table test per byte. Anything else (a name
	// running to the end of b, a second colon, a non-ASCII or misplaced character) is
	// read again below, which finds it or says what is wrong with it.
	if i < len(b) && nameTab[b[i]]&nameFirst != 0 {
		j := i + 1
		for j < len(b) && nameTab[b[j]]&nameMore != 0 {
			j++
		}
		colon := -1
		if j+1 < len(b) && b[j] == ':' && nameTab[b[j+1]]&nameFirst != 0 {
			colon = j
			j += 2
			for j < len(b) && nameTab[b[j]]&nameMore != 0 {
				j++
			}
		}
		if j < len(b) && nameTab[b[j]]&nameStop != 0 {
			return s.internName(b, i, j, colon), j, nil
		}
	}
	start, colon, nonASCII := i, -1, false
	for i < len(b) {
		c := b[i]
		if c >= 0x80 {
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				if !utf8.FullRune(b[i:]) {
					return xml.Name{}, 0, errNeedMore
				}
				return xml.Name{}, 0, malformed("invalid UTF-8 in a name")
			}
			if !nameRune(r, i == start || i == colon+1) {
				return xml.Name{}, 0, malformed("invalid name %q", b[start:i+size])
			}
			nonASCII = true
			i += size
			continue
		}
		switch nameByte[c] {
		case 0:
			goto end
		case 2:
			if i == start || i == colon+1 {
				return xml.Name{}, 0, malformed("invalid name %q", b[start:i+1])
			}
		}
		if c == ':' {
			if colon >= 0 || i == start {
				return xml.Name{}, 0, malformed("invalid name %q", b[start:i+1])
			}
			colon = i
		}
		i++
	}
	return xml.Name{}, 0, errNeedMore
end:
	if i == start {
		return xml.Name{}, 0, malformed("expected a name after %q", b[:start])
	}
	if colon == i-1 {
		return xml.Name{}, 0, malformed("invalid name %q", b[start:i])
	}
	if nonASCII && !olderXMLName(b[start:i]) {
		return xml.Name{}, 0, malformed("invalid name %q", b[start:i])
	}
	return s.internName(b, start, i, colon), i, nil
}

// olderXMLName reports whether encoding/xml, which reads names by the XML 1.0 tables
// before the fifth edition, accepts name too. nameRune follows the fifth edition, which
// allows more (a combining mark such as U+0652 first): a name both accept is one every
// reader of the part agrees on. Only names with a non-ASCII character come here, which
// Office never writes, so a decoder per name costs nothing that matters.
func olderXMLName(name []byte) bool {
	d := xml.NewDecoder(io.MultiReader(strings.NewReader("<"), bytes.NewReader(name), strings.NewReader("/>")))
	_, err := d.Token()
	return err == nil
}

// qsym is an interned name as written: prefix and local name are slices of full, so a new
// name costs one allocation. A name of up to 16 bytes is also kept as two words and its
// length (n > 0), so that a known one is recognised by comparing words, not strings.
type qsym struct {
	lo, hi uint64
	n      int
	full   string
	name   xml.Name
}

// internName returns the name b[start:end] (colon < 0, or the index of its colon), from
// the table when it was seen before. A name of up to 16 bytes is read as two words when
// the buffer holds them (nearly every name is that short): the words are the hash and the
// comparison. Longer names take an FNV-style hash of every byte and a string comparison.
// Hashing a byte at a time, the prefix and the local name apart, was most of the cost of
// a name.
func (s *scanner) internName(b []byte, start, end, colon int) xml.Name {
	n := end - start
	var e *qsym
	if n <= 16 && start+16 <= len(b) {
		lo, hi := nameWords(b[start:], n)
		h := (lo ^ uint64(n)) * 0x9E3779B97F4A7C15
		h ^= hi * 0xC2B2AE3D27D4EB4F
		h ^= h >> 32
		e = &s.qnames[(h^h>>16)&(qnameSize-1)]
		s.last = e
		if e.n == n && e.lo == lo && e.hi == hi {
			return e.name
		}
		e.lo, e.hi, e.n = lo, hi, n
	} else {
		h := uint64(fnvBasis)
		for _, c := range b[start:end] {
			h = (h ^ uint64(c)) * fnvPrime
		}
		e = &s.qnames[(h^h>>16)&(qnameSize-1)]
		s.last = e
		if e.full == string(b[start:end]) {
			return e.name
		}
		e.n = 0 // not comparable by words
	}
	e.full = string(b[start:end])
	if colon < 0 {
		e.name = xml.Name{Local: e.full}
	} else {
		e.name = xml.Name{Space: e.full[:colon-start], Local: e.full[colon-start+1:]}
	}
	return e.name
}

// nameWords returns the n bytes (n <= 16) at the start of b, which holds at least 16, as
// two little-endian words, the bytes past n cleared.
func nameWords(b []byte, n int) (lo, hi uint64) {
	m := &wordMasks[n]
	return binary.LittleEndian.Uint64(b) & m[0], binary.LittleEndian.Uint64(b[8:16]) & m[1]
}

// wordMasks[n] keeps the first n bytes of two little-endian words.
var wordMasks = func() (t [17][2]uint64) {
	for n := range t {
		for i := range n {
			t[n][i/8] |= 0xff << (8 * (i % 8))
		}
	}
	return t
}()

// slot returns the intern table's slot for b (short attribute values).
func (s *scanner) slot(b []byte) *string {
	h := uint32(fnvBasis)
	for _, c := range b {
		h = (h ^ uint32(c)) * fnvPrime
	}
	return &s.names[(h^h>>16)&(internSize-1)]
}

const (
	fnvBasis = 2166136261
	fnvPrime = 16777619
)

func qnameRaw(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

func skipSpace(b []byte, i int) int {
	// Every XML space is below '!': one comparison settles the usual case, a name or '='
	// or a quote right there.
	for i < len(b) && b[i] <= ' ' && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

// procInst returns a processing instruction's target; only the XML declaration's content
// is looked at (its encoding must be UTF-8).
func (s *scanner) procInst(t *tok, b []byte) error {
	end := bytes.Index(b[2:], []byte("?>"))
	if end < 0 {
		return errNeedMore
	}
	end += 2
	body := b[2:end]
	// The '?' of "?>" ends the target, so qname never runs out of input here.
	name, i, err := s.qname(b[2:end+1], 0)
	if err == errNeedMore {
		err = malformed("invalid processing instruction target")
	}
	if err != nil {
		return err
	}
	if name.Space != "" || i < len(body) && skipSpace(body, i) == i {
		return malformed("invalid processing instruction")
	}
	if err := checkChars(body[i:]); err != nil {
		return err
	}
	if name.Local == "xml" {
		content := string(body[i:])
		if v := piParam(content, "version"); v != "" && v != "1.0" {
			return malformed("unsupported version %q; only version 1.0 is supported", v)
		}
		if enc := piParam(content, "encoding"); enc != "" && !strings.EqualFold(enc, "utf-8") {
			return malformed("encoding %q declared but not supported", enc)
		}
	}
	s.pos += end + 2
	t.kind, t.target = kProcInst, name.Local
	return nil
}

// piParam returns the value of param in an XML declaration's content, read the way
// encoding/xml reads it (the first param= followed by a quote).
func piParam(s, param string) string {
	param += "="
	for i := 0; i < len(s); {
		k := strings.Index(s[i:], param)
		if k < 0 || i+k+len(param) >= len(s) {
			return ""
		}
		i += k + len(param)
		if q := s[i]; q == '"' || q == '\'' {
			if j := strings.IndexByte(s[i+1:], q); j >= 0 {
				return s[i+1 : i+1+j]
			}
			return ""
		}
	}
	return ""
}

// bang handles "<!": comments are skipped, CDATA sections are text, anything else (a
// DOCTYPE, an entity declaration) is refused.
func (s *scanner) bang(t *tok, b []byte) error {
	switch {
	case bytes.HasPrefix(b, []byte("<!--")):
		end := bytes.Index(b[4:], []byte("--"))
		if end < 0 {
			return errNeedMore
		}
		end += 4
		if end+2 >= len(b) {
			return errNeedMore
		}
		if b[end+2] != '>' {
			return malformed(`invalid sequence "--" not allowed in comments`)
		}
		if err := checkChars(b[4:end]); err != nil {
			return err
		}
		s.pos += end + 3
		return errSkip
	case bytes.HasPrefix(b, []byte("<![CDATA[")):
		end := bytes.Index(b[9:], []byte("]]>"))
		if end < 0 {
			return errNeedMore
		}
		raw := b[9 : 9+end]
		if err := checkChars(raw); err != nil {
			return err
		}
		txt := raw
		if bytes.IndexByte(raw, '\r') >= 0 {
			txt = s.text[:0]
			for i := 0; i < len(raw); i++ {
				if raw[i] == '\r' {
					txt = append(txt, '\n')
					if i+1 < len(raw) && raw[i+1] == '\n' {
						i++
					}
					continue
				}
				txt = append(txt, raw[i])
			}
			s.text = txt[:0]
		}
		s.pos += 9 + end + 3
		t.kind, t.text, t.plain = kText, txt, false
		return nil
	case len(b) < 9 && (bytes.HasPrefix([]byte("<![CDATA["), b) || bytes.HasPrefix([]byte("<!--"), b)):
		return errNeedMore
	}
	return malformed("DOCTYPE or directive in a package part")
}
