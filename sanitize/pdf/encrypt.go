package pdf

import (
	"bytes"
	"fmt"
	"io"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/sekisho/sekisho/sanitize"
)

// checkDirectEncrypt refuses files whose trailer holds /Encrypt as a direct dictionary.
// pdfcpu honours only an indirect reference and would read such a file as unencrypted,
// while viewers decrypt it; either way its content was hidden from inspection. Xref stream
// dictionaries are in the object table; classic trailers are found by scanning for the
// "trailer" keyword and parsed with pdfcpu's parser, so #xx spellings are decoded.
func checkDirectEncrypt(x *model.XRefTable, r io.ReaderAt, size int64) error {
	for _, e := range x.Table {
		if e == nil || e.Free {
			continue
		}
		if xs, ok := e.Object.(types.XRefStreamDict); ok {
			if _, found := xs.Dict.Find("Encrypt"); found {
				return fmt.Errorf("pdf: %w: xref stream has an /Encrypt entry", sanitize.ErrEncrypted)
			}
		}
	}
	kw := []byte("trailer")
	bp := scanBuffer()
	defer scanBuffers.Put(bp)
	buf := (*bp)[:scanChunk+len(kw)]
	const chunk = scanChunk
	for start := int64(0); start < size; start += chunk {
		n := int(min(size-start, int64(len(buf))))
		if _, err := r.ReadAt(buf[:n], start); err != nil && err != io.EOF {
			return fmt.Errorf("pdf: read: %w", err)
		}
		b := buf[:n]
		for off := 0; ; {
			i := bytes.Index(b[off:], kw)
			// A hit starting in the overlap is found again by the next chunk.
			if i < 0 || off+i >= chunk {
				break
			}
			if trailerEncrypted(r, size, start+int64(off+i+len(kw))) {
				return fmt.Errorf("pdf: %w: trailer has an /Encrypt entry", sanitize.ErrEncrypted)
			}
			off += i + len(kw)
		}
	}
	return nil
}

// trailerEncrypted parses the dictionary after a trailer keyword at pos.
func trailerEncrypted(r io.ReaderAt, size, pos int64) bool {
	n := min(size-pos, 64<<10)
	if n <= 0 {
		return false
	}
	b := make([]byte, n)
	if _, err := r.ReadAt(b, pos); err != nil && err != io.EOF {
		return false
	}
	s := string(bytes.TrimLeft(b, " \t\r\n\f\x00"))
	o, err := model.ParseObject(&s)
	if err != nil {
		return false
	}
	d, ok := o.(types.Dict)
	if !ok {
		return false
	}
	_, found := d.Find("Encrypt")
	return found
}
