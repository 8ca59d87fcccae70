package mail

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/sekisho/sekisho/sanitize"
)

// errUnknownCTE marks a transfer encoding we cannot decode: the part is opaque and is
// quarantined (the whole message when it is the top-level body).
var errUnknownCTE = errors.New("unknown Content-Transfer-Encoding")

// decoder returns the decoded body of p. notes collects repairs (missing base64 padding,
// stray "=" in quoted-printable); base64 that two decoders would read differently is
// decoded as RFC 2045 says and reported to the walker (the original is then held).
func (w *walker) decoder(p *part, notes *textNotes) (io.Reader, error) {
	raw := io.NewSectionReader(w.blob, p.start, p.size())
	switch p.cte {
	case "", "7bit", "8bit", "binary":
		return raw, nil
	case "x-uuencode", "uuencode", "x-uue":
		return w.uuPart(p)
	case "base64":
		bufs := getDecodeBufs(raw)
		return &b64Reader{r: bufs.br, bufs: bufs, id: p.id, notes: notes, odd: w.st.odd}, nil
	case "quoted-printable":
		bufs := getDecodeBufs(raw)
		return &qpReader{r: bufs.br, bufs: bufs, out: bufs.out[:0], notes: notes}, nil
	}
	return nil, fmt.Errorf("%w %q", errUnknownCTE, clip([]byte(p.cte)))
}

// decodeBufs are the buffers of one base64 or quoted-printable reader, reused by the next
// one: allocating them for every part of every message was a large share of a relay's
// garbage (about a fifth of the bytes allocated for a 50 KiB mail with two attachments).
// A reader returns them once it has returned its last byte and an error; one dropped
// before that leaves them to the garbage collector.
type decodeBufs struct {
	br                   *bufio.Reader
	raw, clean, out, tmp []byte
}

var decodePool = sync.Pool{New: func() any { return &decodeBufs{br: bufio.NewReaderSize(nil, 32<<10)} }}

// maxPooledDecode keeps a buffer that one odd part grew large out of the pool.
const maxPooledDecode = 64 << 10

func getDecodeBufs(r io.Reader) *decodeBufs {
	b := decodePool.Get().(*decodeBufs)
	b.br.Reset(r)
	return b
}

func (b *decodeBufs) put() {
	b.br.Reset(nil)
	for _, s := range []*[]byte{&b.raw, &b.clean, &b.out, &b.tmp} {
		if cap(*s) > maxPooledDecode {
			*s = nil
		}
		*s = (*s)[:0]
	}
	decodePool.Put(b)
}

// uuPart decodes a part whose transfer encoding is uuencode (old Eudora and Mac
// mailers): one begin/end block.
func (w *walker) uuPart(p *part) (io.Reader, error) {
	if p.size() > maxBodyText {
		return nil, &sanitize.LimitError{Limit: "limits.max_file_size", Max: maxBodyText, Got: p.size()}
	}
	raw := make([]byte, p.size())
	if _, err := w.blob.ReadAt(raw, p.start); err != nil && err != io.EOF {
		return nil, err
	}
	lines := strings.Split(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n")
	for i, l := range lines {
		if !uuBegin.MatchString(strings.TrimRight(l, " \t")) {
			continue
		}
		end := len(lines)
		for k := i + 1; k < len(lines); k++ {
			if strings.TrimSpace(lines[k]) == "end" {
				end = k
				break
			}
		}
		data, err := uudecode(lines[i+1:end], false)
		if err != nil {
			return nil, fmt.Errorf("%w: uuencode of part %s: %v", sanitize.ErrMalformed, p.id, err)
		}
		return bytes.NewReader(data), nil
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return bytes.NewReader(nil), nil
	}
	return nil, fmt.Errorf("%w %q: no begin line", errUnknownCTE, p.cte)
}

// b64Reader decodes base64 as RFC 2045 §6.8 reads it: characters outside the alphabet
// are ignored, and a padded quantum ends a run of data. Base64 that needed either rule is
// reported through odd, because decoders disagree about it (some stop at the first stray
// character, some take "-" and "_" from the URL alphabet, some stop at "="): the caller
// holds the original. Data after a padded quantum is decoded as a new run (concatenated
// base64), so this reading never shows less than the others. A missing final padding
// has one reading and is repaired.
type b64Reader struct {
	r      *bufio.Reader
	id     string
	notes  *textNotes
	odd    func(reason string) // nil: nobody asks
	bufs   *decodeBufs         // pooled buffers, nil when the reader has none or gave them back
	raw    []byte              // input chunk
	clean  []byte              // alphabet characters (and the padding of the current quantum) not yet decoded
	out    []byte              // decoded, unread (a window of outBuf)
	outBuf []byte              // reused for out
	tmp    []byte              // decoding buffer
	pad    int                 // "=" in the current quantum
	ended  bool                // the last quantum was padded
	oddN   int
	done   bool
	err    error
}

func (d *b64Reader) Read(p []byte) (int, error) {
	for len(d.out) == 0 {
		if d.err != nil {
			d.release()
			return 0, d.err
		}
		if d.done {
			d.release()
			return 0, io.EOF
		}
		d.fill()
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	return n, nil
}

func (d *b64Reader) oddf(format string, args ...any) {
	d.oddN++
	if d.oddN == 1 && d.odd != nil {
		d.odd(fmt.Sprintf("base64 of part %s: ", d.id) + fmt.Sprintf(format, args...))
	}
}

// release gives the pooled buffers back; nothing is read after it.
func (d *b64Reader) release() {
	b := d.bufs
	if b == nil {
		return
	}
	d.bufs, d.r = nil, nil
	b.raw, b.clean, b.out, b.tmp = d.raw, d.clean, d.outBuf, d.tmp
	d.raw, d.clean, d.out, d.outBuf, d.tmp = nil, nil, nil, nil, nil
	b.put()
}

// fill reads one chunk and decodes what it completes.
func (d *b64Reader) fill() {
	if d.raw == nil {
		if b := d.bufs; b != nil && cap(b.raw) >= 16<<10 {
			d.raw, d.clean, d.outBuf, d.tmp = b.raw[:16<<10], b.clean[:0], b.out[:0], b.tmp
		} else {
			d.raw = make([]byte, 16<<10)
			d.clean = make([]byte, 0, 16<<10+4)
		}
	}
	n, err := d.r.Read(d.raw)
	d.out = d.outBuf[:0]
	raw := d.raw[:n]
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if d.pad == 0 && !d.ended && b64Alphabet[c] {
			// The common case, a run of alphabet characters inside a quantum, is copied
			// whole: judging it byte by byte was a visible share of a relay's CPU.
			j := i + 1
			for j < len(raw) && b64Alphabet[raw[j]] {
				j++
			}
			d.clean = append(d.clean, raw[i:j]...)
			i = j - 1
			continue
		}
		switch {
		case c == '\r' || c == '\n' || c == ' ' || c == '\t':
		case isB64(c):
			if d.pad > 0 {
				// "QQ=Qg=": a quantum with part of its padding; it ends there.
				d.oddf("incomplete padding ends a run")
				d.tail()
				d.ended = true
			}
			if d.ended {
				d.oddf("data after the padding read as a new run")
				d.ended = false
			}
			d.clean = append(d.clean, c)
		case c == '=':
			if len(d.clean)%4 < 2 {
				d.oddf("padding in the wrong place ignored")
				continue
			}
			d.clean = append(d.clean, c)
			d.pad++
			if len(d.clean)%4 == 0 {
				d.decode(len(d.clean))
				d.pad = 0
				d.ended = true
			}
		default:
			d.oddf("character %q outside the alphabet ignored", c)
		}
	}
	d.decode((len(d.clean) - d.pad) / 4 * 4)
	switch {
	case err == io.EOF:
		d.finish()
	case err != nil:
		d.err = err
	}
	d.outBuf = d.out[:0]
}

// decode decodes clean[:n] (whole quantums) onto out.
func (d *b64Reader) decode(n int) {
	if n == 0 {
		return
	}
	if cap(d.tmp) < 12<<10 {
		d.tmp = make([]byte, 12<<10)
	}
	d.tmp = d.tmp[:cap(d.tmp)]
	for i := 0; i < n; {
		k := min(n-i, 16<<10)
		m, err := base64.StdEncoding.Decode(d.tmp, d.clean[i:i+k])
		if err != nil {
			d.err = fmt.Errorf("%w: base64 of part %s: %v", sanitize.ErrMalformed, d.id, err)
			return
		}
		d.out = append(d.out, d.tmp[:m]...)
		i += k
	}
	d.clean = append(d.clean[:0], d.clean[n:]...)
}

// finish decodes the last quantum when its padding is missing.
func (d *b64Reader) finish() {
	d.done = true
	if d.pad == 0 && len(d.clean) > 1 {
		d.notes.add("missing base64 padding in part %s", d.id)
	}
	d.tail()
}

// tail decodes the incomplete quantum left in clean (whole quantums are decoded already)
// without its padding: 2 or 3 characters give 1 or 2 bytes, 1 gives nothing.
func (d *b64Reader) tail() {
	d.decode((len(d.clean) - d.pad) / 4 * 4)
	q := d.clean[:len(d.clean)-d.pad]
	d.clean, d.pad = d.clean[:0], 0
	switch len(q) {
	case 0:
	case 1:
		d.notes.add("truncated base64 in part %s: one character dropped", d.id)
	default:
		var t [3]byte
		n, err := base64.RawStdEncoding.Decode(t[:], q)
		if err != nil {
			d.err = fmt.Errorf("%w: base64 of part %s: %v", sanitize.ErrMalformed, d.id, err)
			return
		}
		d.out = append(d.out, t[:n]...)
	}
}

func isB64(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/'
}

// b64Alphabet is isB64 as a table.
var b64Alphabet = func() (t [256]bool) {
	for c := range 256 {
		t[c] = isB64(byte(c))
	}
	return t
}()

// qpReader decodes quoted-printable leniently where readers agree: a "=" not followed by
// two hex digits or a line break is kept literally (and reported), trailing whitespace on
// a line is transport padding and dropped (RFC 2045 §6.7 rule 3).
type qpReader struct {
	r     *bufio.Reader
	bufs  *decodeBufs // pooled buffers, nil when the reader has none or gave them back
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
			q.release()
			return 0, q.err
		}
		if q.done {
			if q.stray > 0 {
				q.notes.add("%d stray \"=\" in quoted-printable kept literally", q.stray)
				q.stray = 0
			}
			q.release()
			return 0, io.EOF
		}
		q.fill()
	}
	n := copy(p, q.out)
	q.out = q.out[n:]
	return n, nil
}

// release gives the pooled buffers back; nothing is read after it.
func (q *qpReader) release() {
	b := q.bufs
	if b == nil {
		return
	}
	q.bufs, q.r = nil, nil
	b.out, q.out = q.out[:0], nil
	b.put()
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
