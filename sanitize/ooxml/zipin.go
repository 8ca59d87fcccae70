package ooxml

import (
	"archive/zip"
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/klauspost/compress/flate"

	"github.com/sekisho/sekisho/internal/freelist"
	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/internal/zipgap"
)

// pkgZip is a validated view of the container: every entry is a file with a unique
// (case-insensitive) name, stored or deflated, unencrypted, and its bytes do not overlap
// any other entry's.
type pkgZip struct {
	files []*zip.File          // in directory order, directories removed
	byKey map[string]*zip.File // lower-cased name
	// dropped reports the container's bytes the rebuild leaves out: entries only a local
	// header names, bytes between entries, the archive comment, data after the end.
	dropped []sanitize.Action
}

// openZip opens in.Body as a zip and validates it. Every entry is charged to the budget.
func openZip(in *sanitize.Item, b *sanitize.Budget) (*pkgZip, error) {
	size := in.Body.Size()
	zr, err := zip.NewReader(in.Body, size)
	if err != nil {
		if errors.Is(err, zip.ErrInsecurePath) {
			return nil, fmt.Errorf("%w: zip: insecure entry name", sanitize.ErrMalformed)
		}
		return nil, fmt.Errorf("%w: zip: %w", sanitize.ErrMalformed, err)
	}
	zr.RegisterDecompressor(zip.Deflate, newInflater)
	if err := b.AddEntries(len(zr.File)); err != nil {
		return nil, err
	}
	p := &pkgZip{byKey: make(map[string]*zip.File, len(zr.File))}
	type span struct {
		start, end int64
		name       string
		desc       bool
	}
	spans := make([]span, 0, len(zr.File))
	for _, f := range zr.File {
		if f.Flags&0x1 != 0 {
			return nil, fmt.Errorf("%w: zip entry %q is encrypted", sanitize.ErrEncrypted, f.Name)
		}
		if f.Method != zip.Store && f.Method != zip.Deflate {
			return nil, fmt.Errorf("%w: zip entry %q uses compression method %d", sanitize.ErrUnsupported, f.Name, f.Method)
		}
		if !utf8.ValidString(f.Name) || f.Name == "" || strings.HasPrefix(f.Name, "/") ||
			strings.Contains(f.Name, `\`) || strings.Contains(f.Name, "\x00") {
			return nil, fmt.Errorf("%w: zip entry name %q is not a valid part name", sanitize.ErrMalformed, f.Name)
		}
		for _, seg := range strings.Split(strings.TrimSuffix(f.Name, "/"), "/") {
			if seg == "" || seg == "." || seg == ".." {
				return nil, fmt.Errorf("%w: zip entry name %q is not a valid part name", sanitize.ErrMalformed, f.Name)
			}
		}
		if err := b.CheckRatio(int64(f.CompressedSize64), int64(f.UncompressedSize64)); err != nil {
			return nil, err
		}
		off, err := f.DataOffset()
		if err != nil {
			return nil, fmt.Errorf("%w: zip entry %q: %w", sanitize.ErrMalformed, f.Name, err)
		}
		hdr, err := localHeaderOffset(in.Body, f, off)
		if err != nil {
			return nil, err
		}
		end := off + int64(f.CompressedSize64)
		if f.CompressedSize64 > uint64(size) || end > size {
			return nil, fmt.Errorf("%w: zip entry %q extends past the end of the file", sanitize.ErrMalformed, f.Name)
		}
		spans = append(spans, span{start: hdr, end: end, name: f.Name, desc: f.Flags&0x8 != 0})
		if strings.HasSuffix(f.Name, "/") {
			if f.UncompressedSize64 != 0 {
				return nil, fmt.Errorf("%w: zip directory entry %q has content", sanitize.ErrMalformed, f.Name)
			}
			continue // directories are not parts
		}
		key := strings.ToLower(f.Name)
		if _, dup := p.byKey[key]; dup {
			// OPC part names are case-insensitive: two entries that differ only in case are
			// two answers to one question, and consumers would pick different ones.
			return nil, fmt.Errorf("%w: duplicate part name %q", sanitize.ErrMalformed, f.Name)
		}
		p.byKey[key] = f
		p.files = append(p.files, f)
	}
	// archive/zip does not reject entries whose bytes overlap (golang/go#33026): the
	// "zip bomb" trick that makes many entries inflate the same compressed data.
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	for i := 1; i < len(spans); i++ {
		if spans[i].start < spans[i-1].end {
			return nil, fmt.Errorf("%w: zip entries %q and %q overlap", sanitize.ErrMalformed, spans[i-1].name, spans[i].name)
		}
	}
	if cd, comment, trailing, ok := zipgap.DirectoryStart(in.Body, size); ok {
		gs := make([]zipgap.Span, len(spans))
		for i, sp := range spans {
			gs[i] = zipgap.Span{Start: sp.start, End: sp.end, Name: sp.name, Descriptor: sp.desc}
		}
		for _, u := range zipgap.Unlisted(in.Body, gs, cd) {
			p.dropped = append(p.dropped, sanitize.Action{Kind: sanitize.ActRemovedPart, Path: in.Path, Detail: u + ": removed"})
		}
		if comment > 0 {
			p.dropped = append(p.dropped, sanitize.Action{Kind: sanitize.ActRemovedMetadata, Path: in.Path, Detail: fmt.Sprintf("archive comment (%d bytes)", comment)})
		}
		if trailing > 0 {
			p.dropped = append(p.dropped, sanitize.Action{Kind: sanitize.ActRemovedTrailingData, Path: in.Path, Detail: fmt.Sprintf("%d bytes after the archive", trailing)})
		}
	}
	return p, nil
}

// newInflater inflates with klauspost/compress, about twice as fast as compress/flate,
// reusing decompressors (each holds a 32 KiB window and its tables) and their input
// buffers across entries: given a reader without ReadByte, klauspost would allocate a
// bufio.Reader per entry.
func newInflater(r io.Reader) io.ReadCloser {
	if p, ok := inflateFree.Get(); ok {
		p.br.Reset(r)
		if err := p.fr.(flate.Resetter).Reset(p.br, nil); err == nil {
			return p
		}
	}
	p := &pooledInflater{br: bufio.NewReaderSize(r, 8<<10)}
	p.fr = flate.NewReader(p.br)
	return p
}

var inflateFree = freelist.New[*pooledInflater](freelist.Kept)

type pooledInflater struct {
	br     *bufio.Reader
	fr     io.ReadCloser
	closed bool
}

// Close returns the decompressor to the pool; archive/zip does not read after Close.
func (p *pooledInflater) Close() error {
	if p.closed {
		return nil
	}
	p.closed = true
	err := p.fr.Close()
	p.br.Reset(nil)
	inflateFree.Put(&pooledInflater{br: p.br, fr: p.fr})
	return err
}

func (p *pooledInflater) Read(b []byte) (int, error) {
	if p.closed {
		return 0, errors.New("read after close")
	}
	return p.fr.Read(b)
}

// localHeaderOffset recovers where f's local header starts from the data offset: the local
// header is 30 bytes plus its name and extra field, which DataOffset already read.
func localHeaderOffset(r io.ReaderAt, f *zip.File, dataOff int64) (int64, error) {
	// The local header's name length is the same as the central one's for a sane file;
	// read the real lengths back from the header to be exact.
	for _, guess := range []int64{dataOff - 30 - int64(len(f.Name)) - int64(len(f.Extra)), dataOff - 30 - int64(len(f.Name))} {
		if guess < 0 {
			continue
		}
		var h [30]byte
		if _, err := r.ReadAt(h[:], guess); err != nil {
			continue
		}
		if binary.LittleEndian.Uint32(h[:4]) != 0x04034b50 {
			continue
		}
		n := int64(binary.LittleEndian.Uint16(h[26:28]))
		m := int64(binary.LittleEndian.Uint16(h[28:30]))
		if guess+30+n+m == dataOff {
			return guess, nil
		}
	}
	// Scan back a bounded window for the signature (local extra fields may differ).
	const window = 64 << 10
	lo := max(dataOff-window, 0)
	buf := make([]byte, dataOff-lo)
	if _, err := r.ReadAt(buf, lo); err != nil && err != io.EOF {
		return 0, fmt.Errorf("%w: zip entry %q: %w", sanitize.ErrMalformed, f.Name, err)
	}
	for i := len(buf) - 30; i >= 0; i-- {
		if binary.LittleEndian.Uint32(buf[i:]) != 0x04034b50 {
			continue
		}
		n := int64(binary.LittleEndian.Uint16(buf[i+26:]))
		m := int64(binary.LittleEndian.Uint16(buf[i+28:]))
		if lo+int64(i)+30+n+m == dataOff {
			return lo + int64(i), nil
		}
	}
	return 0, fmt.Errorf("%w: zip entry %q has no local header", sanitize.ErrMalformed, f.Name)
}

// open returns a reader over f's decompressed bytes that charges the budget and stops at
// max bytes; archive/zip checks the CRC and the declared size at EOF.
func openPart(f *zip.File, b *sanitize.Budget, max int64) (io.ReadCloser, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: zip entry %q: %w", sanitize.ErrMalformed, f.Name, err)
	}
	return &partReader{r: b.Expand(rc, max), c: rc, name: f.Name, comp: int64(f.CompressedSize64), b: b}, nil
}

type partReader struct {
	r    io.Reader
	c    io.Closer
	name string
	comp int64
	n    int64
	b    *sanitize.Budget
}

func (p *partReader) Read(buf []byte) (int, error) {
	n, err := p.r.Read(buf)
	p.n += int64(n)
	if cerr := p.b.CheckRatio(p.comp, p.n); cerr != nil {
		return n, cerr
	}
	if err != nil && err != io.EOF {
		var le *sanitize.LimitError
		if errors.As(err, &le) {
			return n, err
		}
		return n, fmt.Errorf("%w: zip entry %q: %w", sanitize.ErrMalformed, p.name, err)
	}
	return n, err
}

func (p *partReader) Close() error { return p.c.Close() }

// readPart reads a whole (small) part into memory, at most max bytes.
func readPart(f *zip.File, b *sanitize.Budget, max int64) ([]byte, error) {
	if max <= 0 {
		max = b.Limits().MaxFileSize
	}
	if f.UncompressedSize64 > uint64(max) {
		return nil, &sanitize.LimitError{Limit: "limits.max_file_size", Max: max, Got: int64(f.UncompressedSize64)}
	}
	rc, err := openPart(f, b, max)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	// archive/zip holds the part to its declared size (more is an error, less too, at the
	// end): read exactly that into one allocation, where io.ReadAll grew a slice from 512
	// bytes, then read the end, where the CRC is checked.
	data := make([]byte, f.UncompressedSize64)
	if _, err := io.ReadFull(rc, data); err != nil {
		if err == io.ErrUnexpectedEOF || err == io.EOF {
			err = fmt.Errorf("%w: zip entry %q is shorter than declared", sanitize.ErrMalformed, f.Name)
		}
		return nil, err
	}
	var one [1]byte
	switch _, err := io.ReadFull(rc, one[:]); err {
	case io.EOF:
		return data, nil
	case nil:
		return nil, fmt.Errorf("%w: zip entry %q is longer than declared", sanitize.ErrMalformed, f.Name)
	default:
		return nil, err
	}
}
