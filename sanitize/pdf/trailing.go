package pdf

import (
	"bytes"
	"fmt"
	"io"

	"github.com/sekisho/sekisho/internal/freelist"
	"github.com/sekisho/sekisho/sanitize"
)

// trailingBytes returns how many bytes follow the last %%EOF marker when any of them is
// not whitespace (a ZIP appended to make a polyglot, a hidden payload), else 0. A file
// without any %%EOF is refused as truncated. It reads
// backwards in chunks, so its cost grows with the appended data, not the document. The
// rewrite drops these bytes whatever this returns; the count is for the report.
func trailingBytes(r io.ReaderAt, size int64) (int64, error) {
	const chunk = 8 << 10
	marker := []byte("%%EOF")
	bp := scanBuffer()
	defer scanBuffers.Put(bp)
	buf := (*bp)[:chunk+len(marker)]
	end := size
	for end > 0 {
		start := max(0, end-chunk)
		// Overlap the previous chunk so a marker split across chunks is found.
		n := int(min(size, end+int64(len(marker))-1) - start)
		if _, err := r.ReadAt(buf[:n], start); err != nil && err != io.EOF {
			return 0, fmt.Errorf("pdf: read: %w", err)
		}
		if i := bytes.LastIndex(buf[:n], marker); i >= 0 {
			after := start + int64(i+len(marker))
			tail := size - after
			// Whitespace-only tails are ordinary (producers end with CRLF or padding).
			if onlySpace(r, after, size, buf) {
				return 0, nil
			}
			return tail, nil
		}
		end = start
	}
	// No marker at all: the file was cut short. pdfcpu would rebuild what it can from
	// the fragments; a partial document is not what the sender meant to deliver.
	return 0, fmt.Errorf("pdf: %w: no %%%%EOF marker (truncated file)", sanitize.ErrMalformed)
}

func onlySpace(r io.ReaderAt, from, to int64, buf []byte) bool {
	for from < to {
		n := int(min(int64(len(buf)), to-from))
		if _, err := r.ReadAt(buf[:n], from); err != nil && err != io.EOF {
			return false
		}
		for _, c := range buf[:n] {
			switch c {
			case ' ', '\t', '\r', '\n', '\f', 0:
			default:
				return false
			}
		}
		from += int64(n)
	}
	return true
}

// scanChunk is how much of the input the raw scans for "trailer" and %%EOF read at once;
// their buffers are kept between documents.
const scanChunk = 64 << 10

var scanBuffers = freelist.New[*[]byte](freelist.Kept)

// scanBuffer returns a kept scan buffer or a new one; hand it back with scanBuffers.Put.
func scanBuffer() *[]byte {
	if bp, ok := scanBuffers.Get(); ok {
		return bp
	}
	b := make([]byte, scanChunk+16)
	return &b
}

// leadingBytes counts the bytes before the "%PDF-" header, which readers skip when the
// header is in the first 1024 bytes (a mail gateway's banner, or a page a browser would
// render if it sniffed the file). The rewrite starts with its own header, so they are
// dropped; the count is for the report. No header in that window: 0.
func leadingBytes(r io.ReaderAt) int64 {
	var head [1024]byte
	n, _ := r.ReadAt(head[:], 0)
	return int64(max(bytes.Index(head[:n], []byte("%PDF-")), 0))
}
