package mail

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// part is one MIME entity: its parsed header and where its (still encoded) body sits in
// the message Blob. Bodies are never copied by the walker.
type part struct {
	id        string // "1", "1.2": position in the tree, for findings
	hdr       header
	ctype     mediaValue
	disp      mediaValue
	cte       string
	name      string   // decoded file name from filename= or name=, "" if none
	names     []string // every other name a reader could give the part (name=, duplicates)
	shown     string   // name before invisible characters were removed, when they were
	start     int64    // body range in the Blob
	end       int64
	children  []*part
	multipart bool
	noHeader  bool // the part had an empty header block (RFC 2046 defaults apply)
	// withheld marks a text part that holds files another reader decodes: not delivered.
	withheld bool
}

func (p *part) size() int64 { return p.end - p.start }

// walker builds the part tree of one message with every structural limit applied.
type walker struct {
	ctx  context.Context
	blob sanitize.Blob
	s    *Sanitizer
	b    *sanitize.Budget
	res  *sanitize.Result
	path string // the message's item path
	alt  knob   // the knobs on which this walk takes the other reader's side
	st   *walkState
	// origin is where in the message the decoded body this walker reads starts; -1 when
	// it reads the message itself.
	origin int64
}

// walkState is shared by a walk and the walkers it starts over decoded bodies.
type walkState struct {
	parts int
	seen  knob // the knobs the message exercised
	odd   func(string)
	leaf  func(w *walker, p *part) // called for every leaf (alternative walks)
	// spools hold decoded multipart bodies of alternative walks.
	spools []*sanitize.Spool
	// topHdr is the message's own header once read, also when what follows fails: the
	// subject of a refused message still goes with its result.
	topHdr *header
}

func newWalker(ctx context.Context, blob sanitize.Blob, s *Sanitizer, b *sanitize.Budget, res *sanitize.Result, path string) *walker {
	return &walker{ctx: ctx, blob: blob, s: s, b: b, res: res, path: path, st: &walkState{}, origin: -1}
}

// other records that the message exercised knob k and reports whether this walk takes
// the other reader's side of it.
func (w *walker) other(k knob) bool {
	w.st.seen |= k
	return w.alt&k != 0
}

func (w *walker) finding(id, format string, args ...any) {
	w.res.Add(sanitize.ActRebuilt, sanitize.JoinPath(w.path, "part["+id+"]"), "repaired: "+fmt.Sprintf(format, args...))
}

// entity reads the entity in [start,end): header, then either a leaf body or the parts of
// a multipart body.
func (w *walker) entity(start, end int64, id string, mdepth int, top, digest bool) (*part, error) {
	if err := w.ctx.Err(); err != nil {
		return nil, err
	}
	w.st.parts++
	if w.st.parts > w.s.o.MaxParts {
		return nil, &sanitize.LimitError{Limit: "mail.max_parts", Max: int64(w.s.o.MaxParts), Got: int64(w.st.parts)}
	}
	if err := w.b.AddEntries(1); err != nil {
		return nil, err
	}
	lr := newLineReader(w.blob, start, end)
	hdr, body, err := w.readHeader(lr, top, id)
	lr.release() // before the parts below open their own
	if err != nil {
		return nil, err
	}
	hdr.finish()
	if top && w.st.topHdr == nil {
		w.st.topHdr = &hdr
	}
	p := &part{id: id, hdr: hdr, start: body, end: end}
	if len(hdr.fields) == 0 && !top {
		p.noHeader = true
	}
	w.contentHeaders(p, digest)
	if !p.multipart && p.ctype.value == "text/plain" && p.disp.value != "attachment" && p.size() > 0 {
		// A text body that names a boundary of its own (an open and a close delimiter):
		// a reader that guesses the structure splits it.
		if cands := w.boundaryCandidates(p); len(cands) > 0 && w.other(knobLooseType) {
			p.multipart = true
			p.ctype = mediaValue{value: "multipart/mixed", params: map[string]string{"boundary": cands[0]}}
		}
	}
	if p.multipart {
		if mdepth+1 > maxMultipartDepth {
			return nil, &sanitize.LimitError{Limit: "limits.max_depth", Max: maxMultipartDepth, Got: int64(mdepth + 1)}
		}
		if err := w.multipart(p, mdepth); err != nil {
			return nil, err
		}
	}
	if !p.multipart && w.st.leaf != nil {
		w.st.leaf(w, p)
	}
	return p, nil
}

// multipart splits a multipart body into its parts. A body in which the boundary never
// occurs is read as text (what Python's email shows), after the body's own boundary when
// the parameter is missing and the body names exactly one.
func (w *walker) multipart(p *part, mdepth int) error {
	sub := w
	if p.cte == "base64" || p.cte == "quoted-printable" {
		// RFC 2045 §6.4 forbids it; Python ignores the encoding, other readers decode the
		// body first and find other parts in it.
		if w.other(knobEncodedMultipart) {
			var err error
			if sub, err = w.decodedWalker(p); err != nil {
				return err
			}
		} else {
			w.finding(p.id, "%s body with transfer encoding %s read without decoding", p.ctype.value, p.cte)
		}
	}
	boundary := p.ctype.params["boundary"]
	have := boundary != ""
	var cands []string
	if !have {
		if cands = sub.boundaryCandidates(p); len(cands) == 1 {
			w.finding(p.id, "missing boundary parameter recovered from the body")
			boundary, have = cands[0], true
		}
	}
	var ranges [][2]int64
	var err error
	if have {
		if ranges, err = sub.split(p, boundary); err != nil {
			return err
		}
	}
	if ranges == nil {
		if cands == nil {
			cands = sub.boundaryCandidates(p)
		}
		if len(cands) > 0 && (cands[0] != boundary || !have) && w.other(knobLostBoundary) {
			if ranges, err = sub.split(p, cands[0]); err != nil {
				return err
			}
		}
	}
	if ranges == nil {
		w.finding(p.id, "%s without a boundary line read as text", p.ctype.value)
		p.multipart = false
		p.ctype = mediaValue{value: "text/plain", params: map[string]string{"charset": p.ctype.params["charset"]}}
		return nil
	}
	for i, r := range ranges {
		c, err := sub.entity(r[0], r[1], fmt.Sprintf("%s.%d", p.id, i+1), mdepth+1, false, p.ctype.value == "multipart/digest")
		if err != nil {
			return err
		}
		p.children = append(p.children, c)
	}
	return nil
}

// decodedWalker decodes the body of p into a spool and returns a walker over it, with p's
// range moved there. Only alternative walks use it.
func (w *walker) decodedWalker(p *part) (*walker, error) {
	sp, err := w.spoolPart(p, &textNotes{})
	if err != nil {
		return nil, err
	}
	w.st.spools = append(w.st.spools, sp)
	sub := *w
	sub.blob = sp
	if sub.origin < 0 {
		sub.origin = p.start
	}
	p.start, p.end = 0, sp.Size()
	return &sub, nil
}

// contentHeaders parses Content-Type, -Transfer-Encoding and -Disposition and the file
// name. Where readers would take different values, the walk takes one and records the
// knob; the other names a reader could give the part are kept for the name checks.
func (w *walker) contentHeaders(p *part, digest bool) {
	id := p.id
	ct := w.singleton(&p.hdr, "Content-Type", id)
	lastWins := w.alt&knobDuplicate != 0
	if ct == nil {
		p.ctype = mediaValue{value: "text/plain", params: map[string]string{}}
		if digest {
			p.ctype.value = "message/rfc822"
		}
	} else {
		mv, notes, err := parseMedia(ct, lastWins)
		if err != nil {
			w.finding(id, "Content-Type %q unreadable (%v): read as text/plain", clip(ct), err)
			mv = mediaValue{value: "text/plain", params: map[string]string{}}
		}
		w.notes(p, "Content-Type", notes)
		if mv.split {
			w.st.seen |= knobDuplicate
		}
		if strings.Count(mv.value, "/") != 1 || strings.ContainsAny(mv.value, " \t\"\\=?:,") {
			w.finding(id, "invalid Content-Type %q read as application/octet-stream", clip([]byte(mv.value)))
			mv.value = "application/octet-stream"
		}
		p.ctype = mv
		if !strings.HasPrefix(mv.value, "multipart/") && looseMultipart(ct) && w.other(knobLooseType) {
			p.ctype = mediaValue{value: "multipart/mixed", params: map[string]string{"boundary": looseBoundary(ct)}}
		}
	}
	p.multipart = strings.HasPrefix(p.ctype.value, "multipart/")
	p.cte = strings.ToLower(strings.TrimSpace(removeComments(strings.TrimRight(string(w.singleton(&p.hdr, "Content-Transfer-Encoding", id)), "; \t"))))
	if c, ok := cteAliases[p.cte]; ok {
		w.finding(id, "transfer encoding %q read as %s", p.cte, c)
		p.cte = c
	}
	if cd := w.singleton(&p.hdr, "Content-Disposition", id); cd != nil {
		mv, notes, err := parseMedia(cd, lastWins)
		if err != nil {
			w.finding(id, "Content-Disposition %q unreadable (%v): ignored", clip(cd), err)
		} else {
			w.notes(p, "Content-Disposition", notes)
			if mv.split {
				w.st.seen |= knobDuplicate
			}
			p.disp = mv
		}
	}
	// RFC 2183: the file is named by filename=; name= is the older spelling that some
	// clients prefer. Every other spelling is kept, so that a block on any of them holds.
	fn, nm := p.disp.params["filename"], p.ctype.params["name"]
	switch {
	case fn != "":
		p.name, p.shown = fn, p.disp.shown["filename"]
	default:
		p.name, p.shown = nm, p.ctype.shown["name"]
	}
	for _, n := range append(append([]string{fn, nm}, p.disp.others["filename"]...), p.ctype.others["name"]...) {
		if n != "" && !sameName(n, p.name) && !containsName(p.names, n) {
			p.names = append(p.names, n)
		}
	}
	if len(p.names) > 0 {
		w.finding(id, "part is also named %q: %q is used and both names are checked", p.names, p.name)
	}
}

// looseMultipart reports a Content-Type value that a repairing reader would take for a
// multipart one: it names multipart or a boundary.
func looseMultipart(ct []byte) bool {
	l := bytes.ToLower(ct)
	return bytes.Contains(l, []byte("multi")) || bytes.Contains(l, []byte("boundary"))
}

var looseBoundaryRE = regexp.MustCompile(`(?i)boundary\s*\*?\s*=\s*["']?\s*([^"';,\s]+)`)

// looseBoundary finds a boundary= value the way a forgiving reader would.
func looseBoundary(ct []byte) string {
	if m := looseBoundaryRE.FindSubmatch(ct); m != nil {
		return string(m[1])
	}
	return ""
}

// cteAliases are misspellings of the identity encodings that mailers write; every reader
// that shows such a part shows its bytes as they stand.
var cteAliases = map[string]string{
	"7-bit": "7bit", "7bits": "7bit", "8-bit": "8bit", "8bits": "8bit", "plain": "7bit",
	"none": "7bit", "text": "7bit", "ascii": "7bit", "us-ascii": "7bit", "binary8": "binary",
}

func containsName(list []string, n string) bool {
	for _, x := range list {
		if sameName(x, n) {
			return true
		}
	}
	return false
}

// sameName compares two declared names the way a mail client would show them.
func sameName(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

func (w *walker) notes(p *part, key string, notes textNotes) {
	for _, n := range notes {
		w.finding(p.id, "%s: %s", key, n)
	}
}

func (w *walker) partPath(p *part) string {
	return sanitize.JoinPath(w.path, "part["+p.id+"]")
}

// split finds the body parts of a multipart entity (nil when no delimiter line occurs).
// A delimiter line is "--" boundary, "--" for the close, then only white space (RFC 2046
// §5.1.1); the CRLF before it belongs to it. A line that only starts with the delimiter
// is content (a prefix-matching reader splits there: knobPrefixDelim), and so is a
// delimiter after the close delimiter (a reader that does not stop there reads on:
// knobEpilogue).
func (w *walker) split(p *part, boundary string) ([][2]int64, error) {
	delim := []byte("--" + boundary)
	lr := newLineReader(w.blob, p.start, p.end)
	defer lr.release()
	var (
		ranges   [][2]int64
		cur      int64 = -1
		prevEOL  int
		closed   bool
		epilog   bool
		found    bool
		epiStart int64 = -1
	)
	for {
		l, err := lr.next(len(delim) + 256)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		text := l.text
		if i := bytes.LastIndexByte(text, '\r'); i >= 0 && bytes.HasPrefix(text[i+1:], delim) && w.other(knobBareCR) {
			text = text[i+1:]
		}
		if !bytes.HasPrefix(text, delim) {
			if closed && len(bytes.TrimSpace(text)) > 0 {
				epilog = true
				if epiStart < 0 {
					epiStart = l.start
				}
			}
			prevEOL = l.eol
			continue
		}
		rest := text[len(delim):]
		isClose := false
		if bytes.HasPrefix(rest, []byte("--")) {
			isClose = true
			rest = rest[2:]
		}
		if l.truncated || len(bytes.Trim(rest, " \t")) > 0 {
			if !w.other(knobPrefixDelim) {
				if closed {
					epilog = true
				}
				prevEOL = l.eol
				continue
			}
		}
		if closed {
			if epiStart < 0 {
				epiStart = l.start
			}
			if !w.other(knobEpilogue) {
				epilog = true
				continue
			}
			closed = false
		}
		found = true
		if cur >= 0 {
			e := l.start - int64(prevEOL)
			ranges = append(ranges, [2]int64{cur, max(e, cur)})
		}
		if isClose {
			closed = true
			cur = -1
			continue
		}
		cur = l.start + l.n
		prevEOL = 0
	}
	if cur >= 0 {
		ranges = append(ranges, [2]int64{cur, p.end})
	}
	switch {
	case !found:
		return nil, nil
	case !closed:
		w.finding(p.id, "closing boundary missing (message may be truncated)")
	case epilog:
		if w.other(knobEpilogue) {
			// A reader that reads on past the close finds the parts of whatever
			// multipart the text after it names.
			ep := &part{id: p.id, start: epiStart, end: p.end}
			if cands := w.boundaryCandidates(ep); len(cands) > 0 {
				more, err := w.split(ep, cands[0])
				if err != nil {
					return nil, err
				}
				ranges = append(ranges, more...)
			}
		} else {
			w.finding(p.id, "text after the closing boundary dropped")
		}
	}
	if len(ranges) > w.s.o.MaxParts {
		return nil, &sanitize.LimitError{Limit: "mail.max_parts", Max: int64(w.s.o.MaxParts), Got: int64(len(ranges))}
	}
	if ranges == nil {
		ranges = [][2]int64{} // only a close delimiter: no parts
	}
	return ranges, nil
}

// boundaryCandidates lists the boundaries a body names itself, in order: a "--X" line
// whose "--X--" close also appears.
func (w *walker) boundaryCandidates(p *part) []string {
	lr := newLineReader(w.blob, p.start, p.end)
	defer lr.release()
	var opens []string
	seen := map[string]bool{}
	closes := map[string]bool{}
	for {
		l, err := lr.next(80)
		if err != nil {
			break
		}
		t := bytes.TrimRight(l.text, " \t")
		if i := bytes.LastIndexByte(t, '\r'); i >= 0 {
			t = t[i+1:]
		}
		if l.truncated || !bytes.HasPrefix(t, []byte("--")) {
			continue
		}
		tok := string(t[2:])
		if strings.HasSuffix(tok, "--") {
			// "--X--" closes X, and opens "X--" for a reader whose boundary ends in "--".
			closes[strings.TrimRight(strings.TrimSuffix(tok, "--"), " \t")] = true
		}
		if candidateBoundary(tok) && !seen[tok] {
			seen[tok] = true
			opens = append(opens, tok)
		}
	}
	var out []string
	for _, o := range opens {
		if closes[o] {
			out = append(out, o)
		}
	}
	if len(out) > 0 {
		return out
	}
	// A close alone names a boundary too; its openers may then match only by prefix.
	var cl []string
	for c := range closes {
		if candidateBoundary(c) {
			cl = append(cl, c)
		}
	}
	sort.Strings(cl)
	return cl
}

// candidateBoundary accepts what a forgiving reader would take for a boundary: printable
// ASCII without a space at the end, at most 200 bytes; "" is the empty boundary of a bare
// "--" line.
func candidateBoundary(s string) bool {
	if len(s) > 200 || strings.TrimRight(s, " \t") != s {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// validBoundary checks RFC 2046 bchars, 1 to 70 characters.
func validBoundary(s string) bool {
	if len(s) == 0 || len(s) > 70 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("'()+_,-./:=? ", c) >= 0:
		default:
			return false
		}
	}
	return true
}
