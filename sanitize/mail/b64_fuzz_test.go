package mail

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"io"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

// FuzzBase64Reader checks the b64Reader's run-at-a-time path against the rules applied
// one byte at a time (refFill, the reader as it was before the fast path): same bytes,
// same notes and odd reports, same error, for any input and any chunking of it.
func FuzzBase64Reader(f *testing.F) {
	for _, s := range []string{"5pel5pys\r\n6Kqe\r\n", "YWI=YWI=", "QQ=Qg=", "Y===WI=", "YW!I=", "YWJjZ", "YW=I=",
		"QUJD QUJD\tQUJD\r\nQUI", "QUJD=QUJD"} {
		f.Add([]byte(s), uint8(3))
	}
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		size := 16 + int(chunk) // bufio's minimum; the chunking moves run boundaries
		run := func(fill func(*b64Reader)) ([]byte, int, int, error) {
			var notes textNotes
			d := &b64Reader{r: bufio.NewReaderSize(&oneByOne{data: data, n: size}, size), id: "1", notes: &notes, odd: func(string) {}}
			var out []byte
			var err error
			for err == nil {
				for len(d.out) == 0 && d.err == nil && !d.done {
					fill(d)
				}
				if d.err != nil {
					err = d.err
					break
				}
				if len(d.out) == 0 {
					break
				}
				out = append(out, d.out...)
				d.out = d.out[:0]
			}
			return out, len(notes), d.oddN, err
		}
		got, gn, godd, gerr := run((*b64Reader).fill)
		want, wn, wodd, werr := run(refFill)
		if !bytes.Equal(got, want) || gn != wn || (godd > 0) != (wodd > 0) || (gerr == nil) != (werr == nil) {
			t.Fatalf("b64Reader(%q) = %q notes %d odd %d err %v; one byte at a time %q notes %d odd %d err %v",
				data, got, gn, godd, gerr, want, wn, wodd, werr)
		}
	})
}

// oneByOne returns at most n bytes per Read, so that the reader's chunks vary.
type oneByOne struct {
	data []byte
	n    int
}

func (r *oneByOne) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	k := copy(p[:min(len(p), r.n)], r.data)
	r.data = r.data[k:]
	return k, nil
}

// refFill is b64Reader.fill judging every byte on its own.
func refFill(d *b64Reader) {
	if d.raw == nil {
		d.raw = make([]byte, 16<<10)
		d.clean = make([]byte, 0, 16<<10+4)
	}
	n, err := d.r.Read(d.raw)
	d.out = d.outBuf[:0]
	for _, c := range d.raw[:n] {
		switch {
		case c == '\r' || c == '\n' || c == ' ' || c == '\t':
		case isB64(c):
			if d.pad > 0 {
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

// lineWrapper breaks base64 output into 76-character CRLF lines, a write at a time: the
// writer the mail family used before WriteBase64, kept to hold it to.
type lineWrapper struct {
	w   io.Writer
	col int
}

func (l *lineWrapper) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		if l.col == 76 {
			if _, err := io.WriteString(l.w, "\r\n"); err != nil {
				return n, err
			}
			l.col = 0
		}
		k := min(len(p), 76-l.col)
		m, err := l.w.Write(p[:k])
		n += m
		l.col += m
		if err != nil {
			return n, err
		}
		p = p[k:]
	}
	return n, nil
}

// FuzzWriteBase64 holds WriteBase64 to base64.NewEncoder through lineWrapper followed by a
// CRLF, for any data read in any chunks: the same octets on the wire.
func FuzzWriteBase64(f *testing.F) {
	for _, n := range []int{1, 56, 57, 58, 114, b64Line*512 - 1, b64Line * 512, b64Line*512 + 1, 3*b64Line*512 + 7} {
		f.Add(bytes.Repeat([]byte{byte(n)}, n), uint16(n%1000))
	}
	f.Fuzz(func(t *testing.T, data []byte, chunk uint16) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		if len(data) == 0 {
			return // callers handle an empty part themselves
		}
		var want bytes.Buffer
		enc := base64.NewEncoder(base64.StdEncoding, &lineWrapper{w: &want})
		enc.Write(data)
		enc.Close()
		want.WriteString("\r\n")
		var got bytes.Buffer
		n, err := WriteBase64(&got, &oneByOne{data: data, n: 1 + int(chunk)})
		if err != nil || n != int64(len(data)) {
			t.Fatalf("WriteBase64: %d, %v; want %d, nil", n, err, len(data))
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("WriteBase64(%d octets, chunk %d) differs from the line wrapper", len(data), chunk)
		}
	})
}
