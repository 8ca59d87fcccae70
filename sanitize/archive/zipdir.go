package archive

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/internal/zipgap"
)

// Zip record signatures and fixed sizes (APPNOTE.TXT 4.3).
const (
	sigLocal       = 0x04034b50
	sigCentral     = 0x02014b50
	sigEnd         = 0x06054b50
	sigEnd64       = 0x06064b50
	sigEnd64Loc    = 0x07064b50
	localLen       = 30
	centralLen     = 46
	endLen         = 22
	end64Len       = 56
	end64LocLen    = 20
	extraZip64     = 0x0001
	extraAES       = 0x9901
	methodAES      = 99
	flagEncrypted  = 0x0001
	flagDescriptor = 0x0008 // sizes and CRC in a data descriptor after the data
	flagStrongEnc  = 0x0040
	flagUTF8       = 0x0800
	flagMaskedDir  = 0x2000 // central directory encryption
	maxCommentScan = 65 * 1024
)

// zipEnd is the end of central directory record, zip64 values folded in.
type zipEnd struct {
	records  uint64
	cdStart  int64
	cdSize   int64
	comment  string
	trailing int64 // bytes after the record and its comment
	prefix   int64 // bytes before the archive: its offsets count from there
	// unlisted describes the stretches of the archive's data no central-directory entry
	// claims: a local header the directory leaves out is a file that readers walking the
	// local headers unpack and ours does not (set by checkLocal).
	unlisted []string
}

// sigAt reports whether the four bytes at off are sig.
func sigAt(r io.ReaderAt, off int64, sig uint32) bool {
	var b [4]byte
	if _, err := r.ReadAt(b[:], off); err != nil {
		return false
	}
	return binary.LittleEndian.Uint32(b[:]) == sig
}

// cdEntry is one central directory header, as far as our checks need it.
type cdEntry struct {
	name   string
	flags  uint16
	method uint16
	csize  uint64
	usize  uint64
	offset uint64 // of the local header
	aes    bool   // AES extra field 0x9901
}

// errMalformedf builds an error that wraps sanitize.ErrMalformed, "malformed zip: ...".
func errMalformedf(format string, args ...any) error {
	return fmt.Errorf("%w zip: %s", sanitize.ErrMalformed, fmt.Sprintf(format, args...))
}

// readZipEnd finds and checks the end of central directory record with our own bounded
// parser, before archive/zip allocates one File per claimed entry. It searches where
// archive/zip does (the last 1 KiB, then the last 65 KiB), so both read the same record,
// and it is stricter: the central directory must end exactly where its end record
// begins, or the whole archive must be shifted by a prefix (see zipEnd.prefix), which the
// caller then cuts off. A directory pointing elsewhere is a damaged file.
func readZipEnd(r io.ReaderAt, size int64) (*zipEnd, error) {
	var buf []byte
	pos := int64(-1)
	for i, n := range []int64{1024, maxCommentScan} {
		n = min(n, size)
		buf = make([]byte, n)
		if _, err := r.ReadAt(buf, size-n); err != nil && err != io.EOF {
			return nil, err
		}
		if p := findEnd(buf); p >= 0 {
			buf = buf[p:]
			pos = size - n + int64(p)
			break
		}
		if i == 1 || n == size {
			return nil, errMalformedf("no end of central directory (truncated or not a zip)")
		}
	}
	le := binary.LittleEndian
	disk, cdDisk := le.Uint16(buf[4:]), le.Uint16(buf[6:])
	e := &zipEnd{records: uint64(le.Uint16(buf[10:]))}
	cdSize, cdOff := uint64(le.Uint32(buf[12:])), uint64(le.Uint32(buf[16:]))
	clen := int64(le.Uint16(buf[20:]))
	e.comment = string(buf[endLen : endLen+clen])
	e.trailing = size - (pos + endLen + clen)
	endPos := pos

	if e.records == 0xffff || cdSize == 0xffffffff || cdOff == 0xffffffff || cdSize == 0xffff {
		p, err := readZip64Locator(r, pos)
		if err != nil {
			return nil, err
		}
		if p >= 0 {
			if p > pos-end64Len {
				return nil, errMalformedf("zip64 end record outside the file")
			}
			b := make([]byte, end64Len)
			if _, err := r.ReadAt(b, p); err != nil {
				return nil, errMalformedf("zip64 end record unreadable")
			}
			if le.Uint32(b) != sigEnd64 {
				return nil, errMalformedf("bad zip64 end record signature")
			}
			disk, cdDisk = uint16(min(le.Uint32(b[16:]), 0xffff)), uint16(min(le.Uint32(b[20:]), 0xffff))
			e.records = le.Uint64(b[32:])
			cdSize, cdOff = le.Uint64(b[40:]), le.Uint64(b[48:])
			endPos = p
		}
	}
	if disk != 0 || cdDisk != 0 {
		return nil, fmt.Errorf("%w archive: multi-volume zip", sanitize.ErrUnsupported)
	}
	if cdOff >= uint64(size) || cdSize > uint64(size) {
		return nil, errMalformedf("central directory outside the file (offset %d, size %d, file %d)", cdOff, cdSize, size)
	}
	if gap := endPos - (int64(cdOff) + int64(cdSize)); gap != 0 {
		// Bytes in front of the archive (a header a tool put there, or a stub) shift
		// every offset by the same amount; zip readers find the directory from the end
		// record and read such a file. Accepted when the directory's signature is where
		// the shift puts it, and not for zip64, whose records carry offsets of their own.
		if gap < 0 || endPos != pos || !sigAt(r, int64(cdOff)+gap, sigCentral) {
			return nil, errMalformedf("central directory at %d+%d does not end at its end record (%d): a damaged file", cdOff, cdSize, endPos)
		}
		e.prefix = gap
	}
	e.cdStart, e.cdSize = int64(cdOff), int64(cdSize)
	return e, nil
}

// findEnd returns the offset of the last end record whose comment fits in b, or -1.
func findEnd(b []byte) int {
	for i := len(b) - endLen; i >= 0; i-- {
		if binary.LittleEndian.Uint32(b[i:]) == sigEnd {
			n := int(binary.LittleEndian.Uint16(b[i+endLen-2:]))
			if i+endLen+n > len(b) {
				return -1
			}
			return i
		}
	}
	return -1
}

// readZip64Locator returns the zip64 end record's offset, or -1 when there is none.
func readZip64Locator(r io.ReaderAt, endPos int64) (int64, error) {
	at := endPos - end64LocLen
	if at < 0 {
		return -1, nil
	}
	b := make([]byte, end64LocLen)
	if _, err := r.ReadAt(b, at); err != nil {
		return -1, errMalformedf("zip64 locator unreadable")
	}
	le := binary.LittleEndian
	if le.Uint32(b) != sigEnd64Loc || le.Uint32(b[4:]) != 0 || le.Uint32(b[16:]) != 1 {
		return -1, nil
	}
	p := le.Uint64(b[8:])
	if p > uint64(endPos) {
		return -1, errMalformedf("zip64 end record outside the file")
	}
	return int64(p), nil
}

// readCentral parses exactly e.records central directory headers, which must fill the
// directory exactly. The caller has charged e.records against limits.max_entries, so
// this allocates at most one small cdEntry per permitted entry.
func readCentral(r io.ReaderAt, e *zipEnd) ([]cdEntry, error) {
	if e.records > uint64(e.cdSize)/centralLen {
		return nil, errMalformedf("central directory of %d bytes cannot hold %d entries", e.cdSize, e.records)
	}
	br := bufio.NewReader(io.NewSectionReader(r, e.cdStart, e.cdSize))
	out := make([]cdEntry, 0, e.records)
	le := binary.LittleEndian
	var h [centralLen]byte
	var read int64
	for i := uint64(0); i < e.records; i++ {
		if _, err := io.ReadFull(br, h[:]); err != nil {
			return nil, errMalformedf("central directory truncated at entry %d", i)
		}
		if le.Uint32(h[:]) != sigCentral {
			return nil, errMalformedf("bad central directory header at entry %d", i)
		}
		c := cdEntry{
			flags:  le.Uint16(h[8:]),
			method: le.Uint16(h[10:]),
			csize:  uint64(le.Uint32(h[20:])),
			usize:  uint64(le.Uint32(h[24:])),
			offset: uint64(le.Uint32(h[42:])),
		}
		n, m, k := int(le.Uint16(h[28:])), int(le.Uint16(h[30:])), int(le.Uint16(h[32:]))
		v := make([]byte, n+m)
		if _, err := io.ReadFull(br, v); err != nil {
			return nil, errMalformedf("central directory truncated at entry %d", i)
		}
		if _, err := br.Discard(k); err != nil {
			return nil, errMalformedf("central directory truncated at entry %d", i)
		}
		read += int64(centralLen + n + m + k)
		c.name = string(v[:n])
		if err := c.parseExtra(v[n:]); err != nil {
			return nil, errMalformedf("entry %q: %v", displayName(c.name), err)
		}
		out = append(out, c)
	}
	if read != e.cdSize {
		return nil, errMalformedf("central directory is %d bytes but its %d entries take %d", e.cdSize, e.records, read)
	}
	return out, nil
}

// parseExtra reads the zip64 sizes the way archive/zip does (only for fields saturated at
// 0xffffffff, in the APPNOTE order) and notes an AES encryption header.
func (c *cdEntry) parseExtra(extra []byte) error {
	needU, needC, needO := c.usize == 0xffffffff, c.csize == 0xffffffff, c.offset == 0xffffffff
	le := binary.LittleEndian
	for len(extra) >= 4 {
		tag, size := le.Uint16(extra), int(le.Uint16(extra[2:]))
		extra = extra[4:]
		if size > len(extra) {
			return errors.New("extra field overruns its header")
		}
		f := extra[:size]
		extra = extra[size:]
		switch tag {
		case extraAES:
			c.aes = true
		case extraZip64:
			for _, v := range []struct {
				need *bool
				dst  *uint64
			}{{&needU, &c.usize}, {&needC, &c.csize}, {&needO, &c.offset}} {
				if !*v.need {
					continue
				}
				if len(f) < 8 {
					return errors.New("short zip64 extra field")
				}
				*v.dst, f, *v.need = le.Uint64(f), f[8:], false
			}
		}
	}
	if needC || needO {
		return errors.New("zip64 sizes missing")
	}
	return nil
}

// encryption names how an entry is encrypted, or "".
func (c *cdEntry) encryption(localFlags uint16) string {
	switch {
	case c.aes || c.method == methodAES:
		return "AES"
	case c.flags&flagStrongEnc != 0 || c.flags&flagMaskedDir != 0:
		return "strong encryption"
	case c.flags&flagEncrypted != 0 || localFlags&flagEncrypted != 0:
		return "ZipCrypto"
	}
	return ""
}

// span is the byte range one entry occupies: its local header and its compressed data.
type span struct {
	start, end int64
	name       string
	descriptor bool // a data descriptor may follow end
}

// checkLocal reads every local header and rejects entries that leave the archive's data
// area, encryption announced only locally, and overlapping entries. archive/zip reads each
// entry from wherever its central directory header points and does not notice two
// entries sharing bytes (golang/go#33026): that is how the "full overlap" bombs (every
// entry pointing at one highly compressed kernel) and the "quoted overlap" bombs (each
// local header inside the previous entry's data; David Fifield, "A better zip bomb",
// zbsm/zblg) reach ratios of millions. No legitimate writer produces either.
func checkLocal(r io.ReaderAt, e *zipEnd, entries []cdEntry) error {
	spans := make([]span, 0, len(entries))
	le := binary.LittleEndian
	var h [localLen]byte
	for i := range entries {
		c := &entries[i]
		name := displayName(c.name)
		if c.offset > uint64(e.cdStart) || int64(c.offset)+localLen > e.cdStart {
			return errMalformedf("entry %q: local header outside the archive", name)
		}
		off := int64(c.offset)
		if _, err := r.ReadAt(h[:], off); err != nil {
			return errMalformedf("entry %q: local header unreadable", name)
		}
		if le.Uint32(h[:]) != sigLocal {
			return errMalformedf("entry %q: bad local header signature", name)
		}
		if enc := c.encryption(le.Uint16(h[6:])); enc != "" {
			return fmt.Errorf("%w archive (%s, entry %q)", sanitize.ErrEncrypted, enc, name)
		}
		data := off + localLen + int64(le.Uint16(h[26:])) + int64(le.Uint16(h[28:]))
		if c.csize > uint64(e.cdStart) || data+int64(c.csize) > e.cdStart {
			return errMalformedf("entry %q: data runs past the end of the archive", name)
		}
		spans = append(spans, span{start: off, end: data + int64(c.csize), name: name, descriptor: c.flags&flagDescriptor != 0})
	}
	slices.SortFunc(spans, func(a, b span) int {
		if a.start != b.start {
			return int(min(max(a.start-b.start, -1), 1))
		}
		return int(min(max(a.end-b.end, -1), 1))
	})
	for i := 1; i < len(spans); i++ {
		if p, q := spans[i-1], spans[i]; q.start < p.end {
			kind := "quoted-overlap"
			if q.start == p.start {
				kind = "full-overlap"
			}
			return errMalformedf("entries %q and %q overlap (%s zip bomb)", p.name, q.name, kind)
		}
	}
	gs := make([]zipgap.Span, len(spans))
	for i, p := range spans {
		gs[i] = zipgap.Span{Start: p.start, End: p.end, Name: p.name, Descriptor: p.descriptor}
	}
	e.unlisted = zipgap.Unlisted(r, gs, e.cdStart)
	return nil
}

// checkEncryption fails the whole archive when any entry is encrypted in its central
// directory header: a password-protected zip (the "PPAP" habit) cannot be inspected, so
// it is quarantined as a whole until a password flow can open it.
func checkEncryption(entries []cdEntry) error {
	for i := range entries {
		if enc := entries[i].encryption(0); enc != "" {
			return fmt.Errorf("%w archive (%s, entry %q)", sanitize.ErrEncrypted, enc, displayName(entries[i].name))
		}
	}
	return nil
}
