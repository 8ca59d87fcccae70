// Package zipgap finds the bytes of a zip that no central-directory entry claims.
//
// Readers disagree on what a zip holds: most read the central directory at the end,
// streaming readers walk the local headers from the start. A local header the directory
// leaves out (or a second archive's entries before the directory that is read) is a file
// for the second kind and nothing for the first. The families rebuild archives from the
// directory, so such bytes are dropped; under the positive model a drop is reported, and
// this package says what was dropped.
package zipgap

import (
	"encoding/binary"
	"fmt"
	"io"
)

const (
	sigLocal      = 0x04034b50
	sigDescriptor = 0x08074b50
	localLen      = 30
)

// Span is the stretch of the file one listed entry takes: its local header at Start to
// the end of its data at End. Descriptor is set when the entry announces a data
// descriptor after its data (general purpose flag bit 3).
type Span struct {
	Start, End int64
	Name       string
	Descriptor bool
}

// Unlisted describes the gaps between spans (sorted by Start, not overlapping) and up to
// the central directory at cdStart, one line each, naming the entry a local header in a
// gap announces. A data descriptor after an entry that announces one is not a gap.
func Unlisted(r io.ReaderAt, spans []Span, cdStart int64) []string {
	var out []string
	at, after := int64(0), ""
	for i := 0; i <= len(spans); i++ {
		next := cdStart
		if i < len(spans) {
			next = spans[i].Start
		}
		gap := next - at
		if i > 0 && spans[i-1].Descriptor {
			d := descriptorLen(r, at, gap)
			at, gap = at+d, gap-d
		}
		if gap > 0 {
			where := "before the first entry"
			if after != "" {
				where = fmt.Sprintf("after %q", after)
			}
			if name, ok := localName(r, at); ok {
				out = append(out, fmt.Sprintf("entry %q %s is not in the central directory (%d bytes)", name, where, gap))
			} else {
				out = append(out, fmt.Sprintf("%d bytes %s belong to no entry", gap, where))
			}
		}
		if i < len(spans) {
			at, after = spans[i].End, spans[i].Name
		}
	}
	return out
}

// localName reads the name of the local header at off, if one starts there.
func localName(r io.ReaderAt, off int64) (string, bool) {
	var h [localLen]byte
	if _, err := r.ReadAt(h[:], off); err != nil || binary.LittleEndian.Uint32(h[:]) != sigLocal {
		return "", false
	}
	n := make([]byte, min(binary.LittleEndian.Uint16(h[26:]), 255))
	if _, err := r.ReadAt(n, off+localLen); err != nil {
		return "", true
	}
	return string(n), true
}

// descriptorLen is the length of the data descriptor at off, within a gap of n bytes:
// 12 or 20 bytes (zip64 sizes), 4 more with its optional signature. The zip64 form is
// taken when the gap is exactly that long or a local header follows it.
func descriptorLen(r io.ReaderAt, off, n int64) int64 {
	sig := int64(0)
	if sigAt(r, off, sigDescriptor) {
		sig = 4
	}
	short, long := sig+12, sig+20
	switch {
	case n == long || n > long && sigAt(r, off+long, sigLocal) && !sigAt(r, off+short, sigLocal):
		return long
	case n >= short:
		return short
	}
	return 0
}

func sigAt(r io.ReaderAt, off int64, sig uint32) bool {
	var b [4]byte
	if _, err := r.ReadAt(b[:], off); err != nil {
		return false
	}
	return binary.LittleEndian.Uint32(b[:]) == sig
}

// DirectoryStart finds the end record the way archive/zip does (the last signature in
// the final 64 KiB whose comment fits in the file) and returns the central directory's
// offset, the archive comment's length and the bytes after the comment. ok is false when
// there is no record or the offset is a zip64 placeholder.
func DirectoryStart(r io.ReaderAt, size int64) (cdStart int64, comment int, trailing int64, ok bool) {
	const endLen, maxComment = 22, 65535
	n := min(size, endLen+maxComment)
	buf := make([]byte, n)
	if _, err := r.ReadAt(buf, size-n); err != nil && err != io.EOF {
		return 0, 0, 0, false
	}
	for i := len(buf) - endLen; i >= 0; i-- {
		if binary.LittleEndian.Uint32(buf[i:]) != 0x06054b50 {
			continue
		}
		c := int(binary.LittleEndian.Uint16(buf[i+20:]))
		if i+endLen+c > len(buf) {
			continue
		}
		off := binary.LittleEndian.Uint32(buf[i+16:])
		if off == 0xffffffff {
			return 0, 0, 0, false
		}
		return int64(off), c, int64(len(buf) - (i + endLen + c)), true
	}
	return 0, 0, 0, false
}
