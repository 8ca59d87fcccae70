package img

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// findings is what a structural scan of the container learned before decoding.
type findings struct {
	end         int64           // offset just past the end marker (IEND, EOI, trailer, RIFF end)
	endMarker   string          // its name, for reports
	meta        map[string]bool // metadata kinds present: exif, gps, xmp, icc, text ...
	dropped     []string        // other structure the re-encoder does not reproduce
	canonical   bool            // exactly the structure our encoder writes
	orientation int             // EXIF orientation 1..8, 0 when absent
	frames      int             // GIF image descriptors
	extraFrames int             // APNG frames after the default image
	extraPages  int             // TIFF pages after the first
}

func newFindings() *findings { return &findings{meta: map[string]bool{}, canonical: true} }

// addMeta records a metadata kind; metadata always makes the input non-canonical.
func (f *findings) addMeta(kind string) {
	f.meta[kind] = true
	f.canonical = false
}

// drop records structure that is not metadata but does not survive re-encoding.
func (f *findings) drop(what string) {
	if !slices.Contains(f.dropped, what) {
		f.dropped = append(f.dropped, what)
	}
	f.canonical = false
}

func (f *findings) exif(facts exifFacts) {
	f.addMeta("exif")
	if facts.gps {
		f.addMeta("gps")
	}
	if f.orientation == 0 {
		f.orientation = facts.orientation
	}
}

// metaOrder fixes the order of kinds in reports; kinds not listed follow alphabetically.
var metaOrder = []string{"exif", "gps", "xmp", "icc", "iptc", "photoshop", "mpf", "thumbnail", "comment", "text", "time"}

func (f *findings) metaList() string {
	var out []string
	for _, k := range metaOrder {
		if f.meta[k] {
			out = append(out, k)
		}
	}
	var rest []string
	for k := range f.meta {
		if !slices.Contains(metaOrder, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	return strings.Join(append(out, rest...), ", ")
}

// maxStructures bounds chunks, segments and blocks walked in one file. Real files use a few
// hundred at most (IDAT chunks of 8 KiB each for a 100 MP image stay far below).
const maxStructures = 1 << 20

// counter checks the structure bound and, every 256 structures, the context.
type counter struct {
	ctx       context.Context
	n         int
	of        string
	unbounded bool // only check ctx: the count is bounded by the file size (GIF data sub-blocks)
}

func (c *counter) next() error {
	c.n++
	if c.n > maxStructures && !c.unbounded {
		return fmt.Errorf("%w: more than %d %s", sanitize.ErrMalformed, maxStructures, c.of)
	}
	if c.n%256 == 0 {
		return c.ctx.Err()
	}
	return nil
}

// ctxSection is the input as the decoders see it: bounded to the part the scan understood
// (trailing data is never decoded) and failing once ctx is done, so a long decode stops at
// its next read.
type ctxSection struct {
	ctx context.Context
	*io.SectionReader
}

func (c ctxSection) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.SectionReader.Read(p)
}

func (c ctxSection) ReadAt(p []byte, off int64) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.SectionReader.ReadAt(p, off)
}

// ctxWriter stops the encoder once ctx is done.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
