package mail

import (
	"bufio"
	"encoding/base64"
	"errors"
	"fmt"
	"io"

	"github.com/sekisho/sekisho/sanitize"
)

// errUnknownCTE marks a transfer encoding we cannot decode: the part is opaque and is
// quarantined (the whole message when it is the top-level body).
var errUnknownCTE = errors.New("unknown Content-Transfer-Encoding")

// decoder returns the decoded body of p. notes collects repairs (missing base64 padding,
// stray "=" in quoted-printable); a base64 body that two decoders would read differently
// fails with an ambiguity.
func (w *walker) decoder(p *part, notes *textNotes) (io.Reader, error) {
	raw := io.NewSectionReader(w.blob, p.start, p.size())
	switch p.cte {
	case "", "7bit", "8bit", "binary":
		return raw, nil
	case "base64":
		return &b64Reader{r: bufio.NewReaderSize(raw, 32<<10), id: p.id, notes: notes}, nil
	case "quoted-printable":
		return &qpReader{r: bufio.NewReaderSize(raw, 32<<10), notes: notes}, nil
	}
	return nil, fmt.Errorf("%w %q", errUnknownCTE, clip([]byte(p.cte)))
}

// b64Reader decodes base64 strictly: line breaks and spaces are skipped, anything else
// outside the alphabet, or data after the padding, is an ambiguity (lenient decoders skip
// it, strict ones stop: the two see different files). A missing final padding has one
// reading and is repaired.
type b64Reader struct {
	r     *bufio.Reader
	id    string
	notes *textNotes
	raw   []byte // input chunk
	clean []byte // alphabet characters waiting to be decoded, always fewer than 4 after fill
	buf   []byte // decoded output
	out   []byte // unread part of buf
	pad   int    // "=" seen
	done  bool
	err   error
}

func (d *b64Reader) Read(p []byte) (int, error) {
	for len(d.out) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		if d.done {
			return 0, io.EOF
		}
		d.fill()
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	return n, nil
}

// fill reads one chunk, checks every byte and decodes the complete quantums.
func (d *b64Reader) fill() {
	if d.raw == nil {
		d.raw = make([]byte, 16<<10)
		d.clean = make([]byte, 0, 16<<10+4)
		d.buf = make([]byte, (16<<10+4)/4*3)
	}
	n, err := d.r.Read(d.raw)
	for _, c := range d.raw[:n] {
		switch {
		case c == '\r' || c == '\n' || c == ' ' || c == '\t':
		case c == '=':
			if len(d.clean)%4 < 2 {
				d.err = ambiguous("base64 padding in the wrong place in part %s", d.id)
				return
			}
			d.pad++
			d.clean = append(d.clean, c)
		case isB64(c):
			if d.pad > 0 {
				d.err = ambiguous("base64 data after the padding in part %s", d.id)
				return
			}
			d.clean = append(d.clean, c)
		default:
			d.err = ambiguous("base64 in part %s contains %q", d.id, c)
			return
		}
	}
	whole := len(d.clean) / 4 * 4
	m, derr := base64.StdEncoding.Decode(d.buf, d.clean[:whole])
	if derr != nil {
		d.err = ambiguous("bad base64 in part %s", d.id)
		return
	}
	d.out = d.buf[:m]
	d.clean = append(d.clean[:0], d.clean[whole:]...)
	switch {
	case err == io.EOF:
		d.finish()
	case err != nil:
		d.err = err
	}
}

// finish decodes the last, unpadded quantum.
func (d *b64Reader) finish() {
	d.done = true
	switch len(d.clean) {
	case 0:
	case 1:
		d.err = ambiguous("truncated base64 in part %s", d.id)
	default:
		if d.pad > 0 {
			d.err = ambiguous("truncated base64 padding in part %s", d.id)
			return
		}
		var tail [3]byte
		n, err := base64.RawStdEncoding.Decode(tail[:], d.clean)
		if err != nil {
			d.err = ambiguous("bad base64 in part %s", d.id)
			return
		}
		d.out = append(d.out, tail[:n]...)
		d.notes.add("missing base64 padding in part %s", d.id)
	}
}

func isB64(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/'
}

// qpReader decodes quoted-printable leniently where readers agree: a "=" not followed by
// two hex digits or a line break is kept literally (and reported), trailing whitespace on
// a line is transport padding and dropped (RFC 2045 §6.7 rule 3).
type qpReader struct {
	r     *bufio.Reader
	notes *textNotes
	ws    []byte
	out   []byte
	stray int
	done  bool
	err   error
}

func (q *qpReader) Read(p []byte) (int, error) {
	for len(q.out) == 0 {
		if q.err != nil {
			return 0, q.err
		}
		if q.done {
			if q.stray > 0 {
				q.notes.add("%d stray \"=\" in quoted-printable kept literally", q.stray)
				q.stray = 0
			}
			return 0, io.EOF
		}
		q.fill()
	}
	n := copy(p, q.out)
	q.out = q.out[n:]
	return n, nil
}

func (q *qpReader) fill() {
	out := q.out[:0]
	for len(out) < 4096 {
		c, err := q.r.ReadByte()
		if err == io.EOF {
			q.done = true
			break
		}
		if err != nil {
			q.err = err
			break
		}
		switch c {
		case ' ', '\t':
			q.ws = append(q.ws, c)
			continue
		case '\r':
			if nx, _ := q.r.Peek(1); len(nx) == 1 && nx[0] == '\n' {
				q.ws = q.ws[:0]
				continue
			}
		case '\n':
			q.ws = q.ws[:0]
			out = append(out, '\n')
			continue
		case '=':
			out = append(out, q.ws...)
			q.ws = q.ws[:0]
			nx, _ := q.r.Peek(2)
			if len(nx) == 2 {
				if h, ok := unhex2(nx[0], nx[1]); ok {
					q.r.Discard(2)
					out = append(out, h)
					continue
				}
			}
			if q.softBreak() {
				continue
			}
			q.stray++
			out = append(out, '=')
			continue
		}
		out = append(out, q.ws...)
		q.ws = q.ws[:0]
		out = append(out, c)
	}
	q.out = out
}

// softBreak consumes "=" [whitespace] line-ending; it reports whether one was there.
func (q *qpReader) softBreak() bool {
	for i := 1; i <= 64; i++ {
		nx, _ := q.r.Peek(i)
		if len(nx) < i {
			// "=" at the very end of the body: a soft break before EOF.
			if i > 1 || len(nx) == 0 {
				q.r.Discard(len(nx))
				return true
			}
			return false
		}
		switch nx[i-1] {
		case ' ', '\t':
			continue
		case '\n':
			q.r.Discard(i)
			return true
		case '\r':
			if nx2, _ := q.r.Peek(i + 1); len(nx2) == i+1 && nx2[i] == '\n' {
				q.r.Discard(i + 1)
				return true
			}
		}
		return false
	}
	return false
}

// spoolPart decodes p into a new spool charged against the Budget.
func (w *walker) spoolPart(p *part, notes *textNotes) (*sanitize.Spool, error) {
	dec, err := w.decoder(p, notes)
	if err != nil {
		return nil, err
	}
	sp := sanitize.NewSpool(sanitize.SpoolOptions{Dir: w.s.o.TempDir, Threshold: spoolThreshold, Max: w.b.Limits().MaxFileSize})
	if _, err := sp.ReadFrom(w.b.Expand(&ctxReader{ctx: w.ctx, r: dec}, 0)); err != nil {
		sp.Remove()
		return nil, err
	}
	return sp, nil
}
