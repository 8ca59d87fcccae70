package smtp

import (
	"bufio"
	"bytes"
)

// sekisho patch: dotWriter is net/textproto's DotWriter (dot-stuffing, bare LF written
// as CRLF, the end-of-data line on Close) with the octets inside a line copied as runs
// instead of one WriteByte each: the relay sends every sanitized message through it.
type dotWriter struct {
	w     *bufio.Writer
	state int
}

const (
	wstateBegin     = iota // initial state; must be zero
	wstateBeginLine        // beginning of line
	wstateCR               // wrote \r (possibly at end of line)
	wstateData             // writing data in middle of line
)

func (d *dotWriter) Write(b []byte) (n int, err error) {
	bw := d.w
	for n < len(b) {
		if d.state == wstateData {
			rest := b[n:]
			k := bytes.IndexByte(rest, '\n')
			if k < 0 {
				k = len(rest)
			}
			if cr := bytes.IndexByte(rest[:k], '\r'); cr >= 0 {
				k = cr
			}
			if k > 0 {
				m, err := bw.Write(rest[:k])
				n += m
				if err != nil {
					return n, err
				}
				continue
			}
		}
		c := b[n]
		switch d.state {
		case wstateBegin, wstateBeginLine:
			d.state = wstateData
			if c == '.' {
				// escape leading dot
				bw.WriteByte('.')
			}
			fallthrough

		case wstateData:
			if c == '\r' {
				d.state = wstateCR
			}
			if c == '\n' {
				bw.WriteByte('\r')
				d.state = wstateBeginLine
			}

		case wstateCR:
			d.state = wstateData
			if c == '\n' {
				d.state = wstateBeginLine
			}
		}
		if err = bw.WriteByte(c); err != nil {
			break
		}
		n++
	}
	return
}

func (d *dotWriter) Close() error {
	bw := d.w
	switch d.state {
	default:
		bw.WriteByte('\r')
		fallthrough
	case wstateCR:
		bw.WriteByte('\n')
		fallthrough
	case wstateBeginLine:
		bw.Write([]byte(".\r\n"))
	}
	return bw.Flush()
}
