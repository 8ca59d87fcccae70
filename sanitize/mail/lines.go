package mail

import (
	"bufio"
	"bytes"
	"io"
	"sync"

	"github.com/sekisho/sekisho/sanitize"
)

// lineReader reads the lines of one byte range of the message Blob and knows the absolute
// offset of each, so the walker can describe parts as ranges instead of copying them.
type lineReader struct {
	br  *bufio.Reader
	off int64 // absolute offset of the next unread byte
	end int64
	buf []byte
}

// lineBufs are the line readers' buffers, reused: a message's walk opens one reader per
// entity header, per multipart split and per boundary guess.
var lineBufs = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 16<<10) }}

// newLineReader reads [start,end) of b; the caller calls release when done with it.
func newLineReader(b sanitize.Blob, start, end int64) *lineReader {
	br := lineBufs.Get().(*bufio.Reader)
	br.Reset(io.NewSectionReader(b, start, end-start))
	return &lineReader{br: br, off: start, end: end}
}

// release gives the buffer back; the reader is not used after it.
func (lr *lineReader) release() {
	if lr.br != nil {
		lr.br.Reset(nil)
		lineBufs.Put(lr.br)
		lr.br = nil
	}
}

// line is one line of input: its first bytes (without the line ending), where it starts,
// and how many bytes it occupies including the ending.
type line struct {
	text      []byte // at most keep bytes; valid until the next call
	start     int64
	n         int64 // bytes including the line ending
	eol       int   // length of the line ending: 0 (EOF), 1 (LF) or 2 (CRLF)
	truncated bool  // text is shorter than the line
}

// next reads one line, keeping at most keep bytes of it. It returns io.EOF only when no
// byte was left.
func (lr *lineReader) next(keep int) (line, error) {
	l := line{start: lr.off}
	lr.buf = lr.buf[:0]
	for {
		chunk, err := lr.br.ReadSlice('\n')
		l.n += int64(len(chunk))
		if room := keep - len(lr.buf); room > 0 {
			lr.buf = append(lr.buf, chunk[:min(room, len(chunk))]...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		lr.off += l.n
		if err != nil && err != io.EOF {
			return l, err
		}
		if l.n == 0 {
			return l, io.EOF
		}
		full := int64(len(lr.buf)) == l.n
		t := lr.buf
		if len(chunk) > 0 && chunk[len(chunk)-1] == '\n' {
			l.eol = 1
			if l.n >= 2 && (full && len(t) >= 2 && t[len(t)-2] == '\r' || !full && len(chunk) >= 2 && chunk[len(chunk)-2] == '\r') {
				l.eol = 2
			}
		}
		if full {
			t = t[:len(t)-l.eol]
		} else {
			l.truncated = true
		}
		l.text = t
		return l, nil
	}
}

// trimEOL strips one trailing LF or CRLF.
func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// copyBufs serve copies into writers that cannot read for themselves (the base64 encoder,
// a hash): io.Copy would allocate 32 KiB for each attachment.
var copyBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

func copyPooled(dst io.Writer, src io.Reader) (int64, error) {
	bp := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(bp)
	return io.CopyBuffer(dst, src, *bp)
}
