package pdf

import (
	"bytes"
	"io"
)

// headerVersionOverlay returns the input with the version of its "%PDF-x.y" header read
// as 1.7, and the version it had, when that version is three bytes of the form digit,
// dot, digit. pdfcpu refuses a header version it does not know (1.8, 1.9, 2.4 written
// by odd producers and by hand); poppler and MuPDF open such files, and the output
// gets its own header anyway.
func headerVersionOverlay(body io.ReaderAt, size int64) (*io.SectionReader, string, bool) {
	var head [1024]byte
	n, _ := body.ReadAt(head[:], 0)
	i := bytes.Index(head[:n], []byte("%PDF-"))
	if i < 0 || i+8 > n {
		return nil, "", false
	}
	v := head[i+5 : i+8]
	if v[0] < '0' || v[0] > '9' || v[1] != '.' || v[2] < '0' || v[2] > '9' {
		return nil, "", false
	}
	o := &overlay{ReaderAt: body, off: int64(i + 5), data: []byte("1.7")}
	return io.NewSectionReader(o, 0, size), string(v), true
}

// overlay reads through to the underlying ReaderAt with data in place of the bytes at off.
type overlay struct {
	io.ReaderAt
	off  int64
	data []byte
}

func (o *overlay) ReadAt(p []byte, off int64) (int, error) {
	n, err := o.ReaderAt.ReadAt(p, off)
	for i := range o.data {
		if j := o.off + int64(i) - off; j >= 0 && j < int64(n) {
			p[j] = o.data[i]
		}
	}
	return n, err
}
