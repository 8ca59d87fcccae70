package ooxml

import (
	"archive/zip"
	"hash/crc32"
	"io"
	"mime"

	"github.com/klauspost/compress/flate"

	"github.com/sekisho/sekisho/internal/freelist"
	"github.com/sekisho/sekisho/sanitize"
)

// zipOut writes a new container: fresh local headers, no extra fields, no comments, a fixed
// timestamp (so that the same input gives the same bytes), UTF-8 names.
type zipOut struct {
	zw  *zip.Writer
	buf []byte // media copies: io.Copy allocated 32 KB per call, two calls per picture
}

// dosEpoch is the MS-DOS date written on every entry (1980-01-01, the earliest a zip can
// express), so that outputs do not leak the gateway's clock and are reproducible. Setting
// FileHeader.Modified instead would add an extended-timestamp extra field.
const dosEpoch = 1<<5 | 1

func stamp(h *zip.FileHeader) {
	h.ModifiedDate = dosEpoch //nolint:staticcheck // see dosEpoch
	h.ModifiedTime = 0        //nolint:staticcheck // see dosEpoch
}

func newZipOut(w io.Writer, max int64) *zipOut {
	zw := zip.NewWriter(sanitize.LimitWriter(w, max, "limits.max_file_size"))
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		if fw, ok := flateFree.Get(); ok {
			fw.Reset(w)
			return &pooledFlate{fw}, nil
		}
		fw, err := flate.NewWriter(w, deflateLevel)
		return &pooledFlate{fw}, err
	})
	return &zipOut{zw: zw}
}

// deflateLevel trades a little size for speed: deflate was a third of a sanitization's CPU
// at compress/flate's level 5. klauspost/compress (already in the module graph through
// fasthttp) at level 2 is several times faster, and office documents, mostly
// markup, still compress well (see the out/in metric of BenchmarkSanitize).
const deflateLevel = flate.BestSpeed

// flateFree reuses compressors across entries and packages: a flate.Writer allocates
// about 500 KB, and a package has dozens of small parts.
var flateFree = freelist.New[*flate.Writer](freelist.Kept)

type pooledFlate struct{ *flate.Writer }

func (p *pooledFlate) Close() error {
	err := p.Writer.Close()
	flateFree.Put(p.Writer)
	p.Writer = nil
	return err
}

// create starts a deflated entry.
func (z *zipOut) create(name string) (io.Writer, error) {
	h := &zip.FileHeader{Name: name, Method: zip.Deflate}
	stamp(h)
	return z.zw.CreateHeader(h)
}

// stored writes a whole entry uncompressed and without a data descriptor: ODF requires
// that of its first entry, mimetype.
func (z *zipOut) stored(name string, data []byte) error {
	h := &zip.FileHeader{
		Name:               name,
		Method:             zip.Store,
		CRC32:              crc32.ChecksumIEEE(data),
		CompressedSize64:   uint64(len(data)),
		UncompressedSize64: uint64(len(data)),
	}
	stamp(h)
	w, err := z.zw.CreateRaw(h)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// media writes an image part from the media spool. A JPEG, PNG or GIF is compressed
// already: deflate would spend CPU to save nothing, so it is stored. Its CRC is computed
// first, so that the entry has no data descriptor (a stored entry with one cannot be
// skipped by a reader that trusts local headers).
func (z *zipOut) media(name, ctype string, r io.ReaderAt, off, n int64) error {
	if int64(len(z.buf)) < min(n, 32<<10) {
		z.buf = make([]byte, min(n, 32<<10))
	}
	if !precompressed(ctype) {
		w, err := z.create(name)
		if err != nil {
			return err
		}
		_, err = io.CopyBuffer(w, io.NewSectionReader(r, off, n), z.buf)
		return err
	}
	sum := crc32.NewIEEE()
	if _, err := io.CopyBuffer(sum, io.NewSectionReader(r, off, n), z.buf); err != nil {
		return err
	}
	h := &zip.FileHeader{
		Name:               name,
		Method:             zip.Store,
		CRC32:              sum.Sum32(),
		CompressedSize64:   uint64(n),
		UncompressedSize64: uint64(n),
	}
	stamp(h)
	w, err := z.zw.CreateRaw(h)
	if err != nil {
		return err
	}
	_, err = io.CopyBuffer(w, io.NewSectionReader(r, off, n), z.buf)
	return err
}

// precompressed reports the image types whose data is compressed already.
func precompressed(ctype string) bool {
	mt, _, err := mime.ParseMediaType(ctype)
	if err != nil {
		return false
	}
	switch mt {
	case "image/jpeg", "image/jpg", "image/pjpeg", "image/png", "image/gif":
		return true
	}
	return false
}

func (z *zipOut) close() error { return z.zw.Close() }
