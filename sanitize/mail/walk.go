package mail

import (
	"bytes"
	"context"
	"fmt"
	"io"
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
	name      string // decoded file name from filename= or name=, "" if none
	start     int64  // body range in the Blob
	end       int64
	children  []*part
	multipart bool
	noHeader  bool // the part had an empty header block (RFC 2046 defaults apply)
}

func (p *part) size() int64 { return p.end - p.start }

// walker builds the part tree of one message with every structural limit applied.
type walker struct {
	ctx   context.Context
	blob  sanitize.Blob
	s     *Sanitizer
	b     *sanitize.Budget
	res   *sanitize.Result
	path  string // the message's item path
	parts int
}

func (w *walker) finding(id, format string, args ...any) {
	w.res.Add(sanitize.ActRebuilt, sanitize.JoinPath(w.path, "part["+id+"]"), "repaired: "+fmt.Sprintf(format, args...))
}

// entity reads the entity in [start,end): header, then either a leaf body or the parts of
// a multipart body.
func (w *walker) entity(start, end int64, id string, mdepth int, ancestors []string, top, digest bool) (*part, error) {
	if err := w.ctx.Err(); err != nil {
		return nil, err
	}
	w.parts++
	if w.parts > w.s.o.MaxParts {
		return nil, &sanitize.LimitError{Limit: "mail.max_parts", Max: int64(w.s.o.MaxParts), Got: int64(w.parts)}
	}
	if err := w.b.AddEntries(1); err != nil {
		return nil, err
	}
	lr := newLineReader(w.blob, start, end)
	hdr, ended, err := readHeader(lr, w.s.o.MaxHeaderBytes, top, w.path, w.res)
	if err != nil {
		return nil, err
	}
	hdr.finish()
	p := &part{id: id, hdr: hdr, start: lr.off, end: end}
	if !ended {
		p.start = end // header only: the body is empty
	}
	if len(hdr.fields) == 0 && !top {
		p.noHeader = true
	}
	if err := w.contentHeaders(p, digest); err != nil {
		return nil, err
	}
	if !p.multipart {
		return p, nil
	}
	if mdepth+1 > maxMultipartDepth {
		return nil, &sanitize.LimitError{Limit: "limits.max_depth", Max: maxMultipartDepth, Got: int64(mdepth + 1)}
	}
	boundary := p.ctype.params["boundary"]
	if boundary == "" {
		boundary, err = w.recoverBoundary(p)
		if err != nil {
			return nil, err
		}
	}
	for _, a := range ancestors {
		if strings.HasPrefix(a, boundary) || strings.HasPrefix(boundary, a) {
			return nil, ambiguous("boundary %q of part %s and enclosing boundary %q prefix one another", clip([]byte(boundary)), id, clip([]byte(a)))
		}
	}
	ranges, err := w.split(p, boundary)
	if err != nil {
		return nil, err
	}
	anc := append(ancestors[:len(ancestors):len(ancestors)], boundary)
	for i, r := range ranges {
		c, err := w.entity(r[0], r[1], fmt.Sprintf("%s.%d", id, i+1), mdepth+1, anc, false, p.ctype.value == "multipart/digest")
		if err != nil {
			return nil, err
		}
		p.children = append(p.children, c)
	}
	return p, nil
}

// contentHeaders parses Content-Type, -Transfer-Encoding and -Disposition and the file
// name, refusing what parsers would read differently.
func (w *walker) contentHeaders(p *part, digest bool) error {
	ct, err := p.hdr.singleton("Content-Type", w.partPath(p), w.res)
	if err != nil {
		return err
	}
	if ct == nil {
		p.ctype = mediaValue{value: "text/plain", params: map[string]string{}}
		if digest {
			p.ctype.value = "message/rfc822"
		}
	} else {
		mv, notes, err := parseMedia(ct)
		if err != nil {
			return err
		}
		w.notes(p, "Content-Type", notes)
		if strings.Count(mv.value, "/") != 1 || strings.ContainsAny(mv.value, " \t\"") {
			w.finding(p.id, "invalid Content-Type %q read as application/octet-stream", clip([]byte(mv.value)))
			mv.value = "application/octet-stream"
		}
		p.ctype = mv
	}
	p.multipart = strings.HasPrefix(p.ctype.value, "multipart/")
	cte, err := p.hdr.singleton("Content-Transfer-Encoding", w.partPath(p), w.res)
	if err != nil {
		return err
	}
	p.cte = strings.ToLower(stripComment(string(cte)))
	if p.multipart || strings.HasPrefix(p.ctype.value, "message/rfc822") {
		switch p.cte {
		case "", "7bit", "8bit", "binary":
		default:
			// RFC 2045 §6.4 forbids it; some readers decode it anyway, others do not.
			return ambiguous("%s part %s with transfer encoding %s", p.ctype.value, p.id, p.cte)
		}
	}
	cd, err := p.hdr.singleton("Content-Disposition", w.partPath(p), w.res)
	if err != nil {
		return err
	}
	if cd != nil {
		mv, notes, err := parseMedia(cd)
		if err != nil {
			return err
		}
		w.notes(p, "Content-Disposition", notes)
		p.disp = mv
	}
	fn, nm := p.disp.params["filename"], p.ctype.params["name"]
	switch {
	case fn != "" && nm != "" && !sameName(fn, nm):
		return ambiguous("part %s is named %q by filename= and %q by name=", p.id, fn, nm)
	case fn != "":
		p.name = fn
	default:
		p.name = nm
	}
	return nil
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

// split finds the body parts of a multipart entity. The CRLF before a delimiter belongs to
// the delimiter (RFC 2046 §5.1.1). A line that starts with the delimiter and continues
// with anything but whitespace (or "--" for the close) is read as a delimiter by some
// parsers and as content by others: an ambiguity.
func (w *walker) split(p *part, boundary string) ([][2]int64, error) {
	delim := []byte("--" + boundary)
	lr := newLineReader(w.blob, p.start, p.end)
	var (
		ranges  [][2]int64
		cur     int64 = -1
		prevEOL int
		closed  bool
		epilog  bool
	)
	for {
		l, err := lr.next(len(delim) + 256)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if closed {
			if bytes.HasPrefix(l.text, delim) {
				return nil, ambiguous("boundary line after the closing boundary of part %s", p.id)
			}
			if len(bytes.TrimSpace(l.text)) > 0 {
				epilog = true
			}
			continue
		}
		if !bytes.HasPrefix(l.text, delim) {
			prevEOL = l.eol
			continue
		}
		rest := l.text[len(delim):]
		isClose := false
		if bytes.HasPrefix(rest, []byte("--")) {
			isClose = true
			rest = rest[2:]
		}
		if l.truncated || len(bytes.Trim(rest, " \t")) > 0 {
			return nil, ambiguous("line %q starts with the boundary %q of part %s but continues (a boundary that prefixes another line is read differently by different parsers)", clip(l.text), clip([]byte(boundary)), p.id)
		}
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
	case len(ranges) == 0 && !closed:
		return nil, ambiguous("multipart part %s has no boundary line", p.id)
	case !closed:
		w.finding(p.id, "closing boundary missing (message may be truncated)")
	case epilog:
		w.finding(p.id, "text after the closing boundary dropped")
	}
	if len(ranges) > w.s.o.MaxParts {
		return nil, &sanitize.LimitError{Limit: "mail.max_parts", Max: int64(w.s.o.MaxParts), Got: int64(len(ranges))}
	}
	return ranges, nil
}

// recoverBoundary repairs a multipart without a boundary parameter when the body names
// exactly one: a "--X" line whose "--X--" close also appears.
func (w *walker) recoverBoundary(p *part) (string, error) {
	lr := newLineReader(w.blob, p.start, p.end)
	opens := map[string]bool{}
	closes := map[string]bool{}
	var first string
	for {
		l, err := lr.next(80)
		if err != nil {
			break
		}
		t := bytes.TrimRight(l.text, " \t")
		if l.truncated || !bytes.HasPrefix(t, []byte("--")) || len(t) < 3 {
			continue
		}
		tok := string(t[2:])
		if strings.HasSuffix(tok, "--") && len(tok) > 2 {
			closes[strings.TrimSuffix(tok, "--")] = true
			continue
		}
		if !validBoundary(tok) {
			continue
		}
		if first == "" {
			first = tok
		}
		opens[tok] = true
	}
	var cands []string
	for o := range opens {
		if closes[o] {
			cands = append(cands, o)
		}
	}
	if len(cands) != 1 || cands[0] != first {
		return "", ambiguous("multipart part %s has no boundary parameter and the body does not name exactly one", p.id)
	}
	w.finding(p.id, "missing boundary parameter recovered from the body")
	return first, nil
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
