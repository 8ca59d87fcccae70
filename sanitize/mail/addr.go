package mail

import (
	"errors"
	"regexp"
	"strings"
)

var encodedWordRE = regexp.MustCompile(`^=\?[^?\s]{1,64}\?[bBqQ]\?[^?\s]*\?=`)

// addrItem is one element of an address list: a mailbox, or a group of mailboxes.
type addrItem struct {
	name    string // display name, encoded-words not yet decoded
	addr    string // local@domain of a mailbox
	group   bool
	members []addrItem
}

// parseAddressList reads an address list the way RFC 5322 §3.4 defines it, with the
// obsolete syntax of §4.4 that real mail still carries: comments and folding white space
// anywhere, empty list elements, quoted or dotted local parts, a route before an angle
// address, a group without its final ";". A mailbox without a display name takes the
// text of a comment after it, the RFC 822 way of naming a sender ("jdoe@example.com
// (John Doe)"). Encoded-words stay encoded: the structure is read first, so a decoded
// "," or "<" cannot change it.
func parseAddressList(s string) ([]addrItem, error) {
	toks, err := tokenizeAddr(s)
	if err != nil {
		return nil, err
	}
	p := &addrParser{toks: toks}
	var out []addrItem
	for {
		if p.eof() {
			return out, nil
		}
		if p.special(',') {
			p.i++
			continue
		}
		it, err := p.address(true)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
		if !p.eof() && !p.special(',') {
			return nil, errors.New("expected a comma between addresses")
		}
	}
}

type tokKind int

const (
	tokAtom tokKind = iota
	tokQuoted
	tokLiteral
	tokSpecial
)

type addrTok struct {
	kind    tokKind
	text    string // the atom, the unescaped quoted text, the literal with brackets, the special
	comment string // the text of comments that follow the token
}

// tokenizeAddr splits s into atoms, quoted strings, domain literals and specials;
// comments are attached to the token before them.
func tokenizeAddr(s string) ([]addrTok, error) {
	var toks []addrTok
	var lead []string // comments before the first token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
		case c == '(':
			text, n, err := readComment(s[i:])
			if err != nil {
				return nil, err
			}
			i += n
			if len(toks) == 0 {
				lead = append(lead, text)
			} else {
				t := &toks[len(toks)-1]
				t.comment = strings.TrimSpace(t.comment + " " + text)
			}
		case c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' && j+1 < len(s) {
					j++
				}
				b.WriteByte(s[j])
			}
			if j >= len(s) {
				return nil, errors.New("unterminated quoted string")
			}
			toks = append(toks, addrTok{kind: tokQuoted, text: b.String()})
			i = j + 1
		case c == '[':
			j := strings.IndexByte(s[i:], ']')
			if j < 0 {
				return nil, errors.New("unterminated domain literal")
			}
			toks = append(toks, addrTok{kind: tokLiteral, text: s[i : i+j+1]})
			i += j + 1
		case strings.IndexByte("<>:;@,.", c) >= 0:
			toks = append(toks, addrTok{kind: tokSpecial, text: s[i : i+1]})
			i++
		case c == '=' && encodedWordRE.MatchString(s[i:]):
			// An encoded-word is one atom even when its Q text holds a special (RFC 2047
			// §5 forbids it in a phrase; encoders write "=?utf-8?q?Doe,_John?=" anyway).
			n := len(encodedWordRE.FindString(s[i:]))
			toks = append(toks, addrTok{kind: tokAtom, text: s[i : i+n]})
			i += n
		case c < 0x20 || c == 0x7f || c == ')' || c == '\\' || c == ']':
			return nil, errors.New("invalid character in address")
		default:
			j := i
			for j < len(s) && !isAddrDelim(s[j]) {
				j++
			}
			toks = append(toks, addrTok{kind: tokAtom, text: s[i:j]})
			i = j
		}
	}
	if len(lead) > 0 && len(toks) > 0 {
		// A comment before a mailbox names it as well as one after it does.
		toks[0].comment = strings.TrimSpace(strings.Join(lead, " ") + " " + toks[0].comment)
	}
	return toks, nil
}

func isAddrDelim(c byte) bool {
	return c <= ' ' || c == 0x7f || strings.IndexByte("()<>[]:;@\\,.\"", c) >= 0
}

// readComment reads a nested comment at the start of s and returns its text.
func readComment(s string) (string, int, error) {
	depth := 0
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
			continue
		case '(':
			depth++
			if depth == 1 {
				continue
			}
		case ')':
			depth--
			if depth == 0 {
				return strings.TrimSpace(b.String()), i + 1, nil
			}
		}
		b.WriteByte(s[i])
	}
	return "", 0, errors.New("unterminated comment")
}

type addrParser struct {
	toks []addrTok
	i    int
}

func (p *addrParser) eof() bool { return p.i >= len(p.toks) }

func (p *addrParser) special(c byte) bool {
	return p.i < len(p.toks) && p.toks[p.i].kind == tokSpecial && p.toks[p.i].text[0] == c
}

func (p *addrParser) isWord() bool {
	return p.i < len(p.toks) && (p.toks[p.i].kind == tokAtom || p.toks[p.i].kind == tokQuoted)
}

// address reads a mailbox or, when allowed, a group.
func (p *addrParser) address(groupOK bool) (addrItem, error) {
	start := p.i
	name := p.phrase()
	switch {
	case p.special(':') && groupOK && name != "":
		p.i++
		g := addrItem{name: name, group: true}
		for !p.eof() && !p.special(';') {
			if p.special(',') {
				p.i++
				continue
			}
			m, err := p.address(false)
			if err != nil {
				return addrItem{}, err
			}
			g.members = append(g.members, m)
			if !p.eof() && !p.special(',') && !p.special(';') {
				return addrItem{}, errors.New("expected a comma in a group")
			}
		}
		if p.special(';') {
			p.i++
		}
		return g, nil
	case p.special('<'):
		p.i++
		if p.special('@') {
			// obs-route: "@a,@b:" before the address; it routes, it does not name.
			for !p.eof() && !p.special(':') {
				p.i++
			}
			if p.eof() {
				return addrItem{}, errors.New("unterminated route")
			}
			p.i++
		}
		addr, err := p.addrSpec()
		if err != nil {
			return addrItem{}, err
		}
		if !p.special('>') {
			return addrItem{}, errors.New("expected >")
		}
		p.i++
		return addrItem{name: name, addr: addr}, nil
	}
	// addr-spec: the words read as a phrase were its local part.
	p.i = start
	addr, err := p.addrSpec()
	if err != nil {
		return addrItem{}, err
	}
	return addrItem{name: p.toks[p.i-1].comment, addr: addr}, nil
}

// phrase reads a display name: words, and the "." of obs-phrase after the first.
func (p *addrParser) phrase() string {
	var b strings.Builder
	n := 0
	for p.isWord() || n > 0 && p.special('.') {
		switch {
		case p.special('.'):
			b.WriteByte('.')
		case n > 0:
			b.WriteByte(' ')
			fallthrough
		default:
			b.WriteString(p.toks[p.i].text)
		}
		n++
		p.i++
	}
	return b.String()
}

// addrSpec reads local-part "@" domain, with the dotted and quoted forms and CFWS of
// obs-local-part and obs-domain.
func (p *addrParser) addrSpec() (string, error) {
	var b strings.Builder
	for {
		if !p.isWord() {
			return "", errors.New("expected a local part")
		}
		t := p.toks[p.i]
		if t.kind == tokQuoted {
			b.WriteString(quoteLocal(t.text))
		} else {
			b.WriteString(t.text)
		}
		p.i++
		if !p.special('.') {
			break
		}
		b.WriteByte('.')
		p.i++
	}
	if !p.special('@') {
		return "", errors.New("expected @")
	}
	p.i++
	b.WriteByte('@')
	if p.i < len(p.toks) && p.toks[p.i].kind == tokLiteral {
		b.WriteString(p.toks[p.i].text)
		p.i++
		return b.String(), nil
	}
	for {
		if p.i >= len(p.toks) || p.toks[p.i].kind != tokAtom {
			return "", errors.New("expected a domain")
		}
		b.WriteString(p.toks[p.i].text)
		p.i++
		if !p.special('.') {
			return b.String(), nil
		}
		b.WriteByte('.')
		p.i++
	}
}

// quoteLocal writes a quoted local part back as a quoted-string, or bare when it is a
// dot-atom already.
func quoteLocal(s string) string {
	if s != "" && isDotAtom(s) {
		return s
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func isDotAtom(s string) bool {
	if strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '.' && isAddrDelim(s[i]) {
			return false
		}
	}
	return true
}

// quotePhrase writes an ASCII display name as atoms when it is made of them, else as a
// quoted-string.
func quotePhrase(s string) string {
	ok := s != "" && !strings.HasPrefix(s, " ") && !strings.HasSuffix(s, " ") && !strings.Contains(s, "  ")
	for i := 0; ok && i < len(s); i++ {
		ok = s[i] == ' ' || !isAddrDelim(s[i])
	}
	if ok {
		return s
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
