package ole

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode/utf16"
)

// Special sector numbers (MS-CFB 2.1).
const (
	maxRegSect = 0xFFFFFFFA
	difSect    = 0xFFFFFFFC
	fatSect    = 0xFFFFFFFD
	endOfChain = 0xFFFFFFFE
	freeSect   = 0xFFFFFFFF
	noStream   = 0xFFFFFFFF
)

// Directory object types (MS-CFB 2.6.1).
const (
	objUnallocated = 0
	objStorage     = 1
	objStream      = 2
	objRoot        = 5
)

const (
	headerSize     = 512
	dirEntrySize   = 128
	miniCutoff     = 4096
	miniSectorSize = 64
	// maxDirEntries bounds the directory: real documents have tens of entries, a few
	// thousand at most (an Outlook message with many recipients and attachments).
	maxDirEntries = 1 << 16
)

var signature = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// errCFB is wrapped by every structural error so callers can tell a damaged compound file
// from an I/O failure.
var errCFB = errors.New("compound file")

func malformed(format string, a ...any) error {
	return fmt.Errorf("%w: %s", errCFB, fmt.Sprintf(format, a...))
}

// dirEntry is one 128-byte directory entry, decoded but not trusted: sibling and child
// indexes are checked when the tree is walked, start and size when a stream is read.
type dirEntry struct {
	name        string // decoded from UTF-16LE
	typ         byte
	left, right uint32
	child       uint32
	start       uint32
	size        uint64
}

// cfb is a parsed compound file: header fields, the FAT and miniFAT as read from the file,
// and the directory. Nothing here has been followed yet except the chains that hold the
// FAT, miniFAT and directory themselves.
type cfb struct {
	r          io.ReaderAt
	size       int64
	shift      uint
	ss         int64  // sector size
	nsect      uint32 // sectors physically present after the header
	fat        []uint32
	minifat    []uint32
	dir        []dirEntry
	miniChain  []uint32 // regular sectors holding the mini stream (root entry's chain)
	metaSecs   []uint32 // sectors of the directory and miniFAT chains
	miniStream int64    // mini stream size claimed by the root entry
}

// parseCFB reads the header, the FAT (through the DIFAT), the directory and the miniFAT.
// Every sector number is checked against the file size and every chain against loops and
// length, so a hostile file cannot make it read more than the file holds.
func parseCFB(r io.ReaderAt, size int64) (*cfb, error) {
	if size < headerSize {
		return nil, malformed("file of %d bytes is shorter than the 512-byte header", size)
	}
	var h [headerSize]byte
	if _, err := r.ReadAt(h[:], 0); err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	le := binary.LittleEndian
	if string(h[:8]) != string(signature) {
		return nil, malformed("bad signature")
	}
	if le.Uint16(h[28:]) != 0xFFFE {
		return nil, malformed("bad byte order mark %#04x", le.Uint16(h[28:]))
	}
	major, shift, miniShift := le.Uint16(h[26:]), le.Uint16(h[30:]), le.Uint16(h[32:])
	switch {
	case major == 3 && shift == 9, major == 4 && shift == 12:
	default:
		return nil, malformed("version %d with sector shift %d (want 3/9 or 4/12)", major, shift)
	}
	if miniShift != 6 {
		return nil, malformed("mini sector shift %d, want 6", miniShift)
	}
	if c := le.Uint32(h[56:]); c != miniCutoff {
		return nil, malformed("mini stream cutoff %d, want 4096", c)
	}
	c := &cfb{r: r, size: size, shift: uint(shift), ss: 1 << shift}
	// Sector s starts at (s+1)<<shift: version 4 pads the header to a whole sector. A
	// truncated last sector is tolerated (some producers do not pad); it reads as zeros.
	n := (size - 1) / c.ss
	if n <= 0 || n > maxRegSect {
		return nil, malformed("no sectors after the header")
	}
	c.nsect = uint32(n)

	numFAT := le.Uint32(h[44:])
	if numFAT == 0 || numFAT > c.nsect {
		return nil, malformed("header claims %d FAT sectors in a file of %d sectors", numFAT, c.nsect)
	}
	fatSectors, err := c.difat(h[:], numFAT)
	if err != nil {
		return nil, err
	}
	if err := c.readFAT(fatSectors); err != nil {
		return nil, err
	}
	if err := c.readDirectory(le.Uint32(h[48:])); err != nil {
		return nil, err
	}
	if err := c.readMiniFAT(le.Uint32(h[60:]), le.Uint32(h[64:])); err != nil {
		return nil, err
	}
	return c, nil
}

// difat collects the numFAT FAT sector numbers: 109 in the header, the rest in a chain of
// DIFAT sectors, each ending with the number of the next.
func (c *cfb) difat(h []byte, numFAT uint32) ([]uint32, error) {
	le := binary.LittleEndian
	out := make([]uint32, 0, numFAT)
	for i := 0; i < 109 && uint32(len(out)) < numFAT; i++ {
		out = append(out, le.Uint32(h[76+4*i:]))
	}
	next, count := le.Uint32(h[68:]), le.Uint32(h[72:])
	if count > c.nsect {
		return nil, malformed("header claims %d DIFAT sectors in a file of %d sectors", count, c.nsect)
	}
	perSector := int(c.ss/4) - 1
	seen := newBitset(c.nsect)
	buf := make([]byte, c.ss)
	for uint32(len(out)) < numFAT {
		if next == endOfChain || next == freeSect {
			return nil, malformed("DIFAT ends after %d of %d FAT sectors", len(out), numFAT)
		}
		if next >= c.nsect {
			return nil, malformed("DIFAT sector %d beyond the file (%d sectors)", next, c.nsect)
		}
		if seen.testAndSet(next) {
			return nil, malformed("DIFAT chain loops at sector %d", next)
		}
		if err := c.readSector(next, buf); err != nil {
			return nil, err
		}
		for i := 0; i < perSector && uint32(len(out)) < numFAT; i++ {
			out = append(out, le.Uint32(buf[4*i:]))
		}
		next = le.Uint32(buf[4*perSector:])
	}
	return out, nil
}

// readFAT loads the FAT, keeping only the entries for sectors that exist.
func (c *cfb) readFAT(sectors []uint32) error {
	le := binary.LittleEndian
	per := int(c.ss / 4)
	c.fat = make([]uint32, 0, min(uint64(len(sectors))*uint64(per), uint64(c.nsect)))
	seen := newBitset(c.nsect)
	buf := make([]byte, c.ss)
	for _, s := range sectors {
		if s >= c.nsect {
			return malformed("FAT sector %d beyond the file (%d sectors)", s, c.nsect)
		}
		if seen.testAndSet(s) {
			return malformed("FAT sector %d listed twice", s)
		}
		if err := c.readSector(s, buf); err != nil {
			return err
		}
		for i := 0; i < per && uint32(len(c.fat)) < c.nsect; i++ {
			c.fat = append(c.fat, le.Uint32(buf[4*i:]))
		}
	}
	return nil
}

// chain follows the FAT from start. It fails on a sector outside the file, a loop, a
// special value where a link is expected, or more than limit sectors.
func (c *cfb) chain(start uint32, limit uint32, what string) ([]uint32, error) {
	return followChain(c.fat, c.nsect, start, limit, what, nil)
}

// followChain walks table from start. seen marks visited sectors; passing one shared set
// to several walks detects chains that share sectors as well as loops, in one allocation.
// A nil seen allocates a fresh set.
func followChain(table []uint32, n uint32, start uint32, limit uint32, what string, seen bitset) ([]uint32, error) {
	if start == endOfChain {
		return nil, nil
	}
	var out []uint32
	if seen == nil {
		seen = newBitset(n)
	}
	for s := start; s != endOfChain; {
		if s >= n || s >= uint32(len(table)) {
			if s > maxRegSect {
				return nil, malformed("%s chain has special value %#x after %d sectors", what, s, len(out))
			}
			return nil, malformed("%s chain points to sector %d beyond the file (%d sectors)", what, s, n)
		}
		if seen.testAndSet(s) {
			return nil, malformed("%s chain loops or crosses another chain at sector %d", what, s)
		}
		if uint32(len(out)) >= limit {
			return nil, malformed("%s chain longer than %d sectors", what, limit)
		}
		out = append(out, s)
		s = table[s]
	}
	return out, nil
}

func (c *cfb) readDirectory(start uint32) error {
	if start == endOfChain || start == freeSect {
		return malformed("no directory")
	}
	limit := uint32(min(int64(c.nsect), maxDirEntries*dirEntrySize/c.ss))
	secs, err := c.chain(start, limit, "directory")
	if err != nil {
		return err
	}
	c.metaSecs = append(c.metaSecs, secs...)
	le := binary.LittleEndian
	buf := make([]byte, c.ss)
	for _, s := range secs {
		if err := c.readSector(s, buf); err != nil {
			return err
		}
		for off := 0; off+dirEntrySize <= len(buf); off += dirEntrySize {
			b := buf[off : off+dirEntrySize]
			e := dirEntry{
				typ:   b[66],
				left:  le.Uint32(b[68:]),
				right: le.Uint32(b[72:]),
				child: le.Uint32(b[76:]),
				start: le.Uint32(b[116:]),
				size:  le.Uint64(b[120:]),
			}
			if c.shift == 9 {
				// Version 3 writers may leave garbage in the high half (MS-CFB 2.6.3).
				e.size &= 0xFFFFFFFF
			}
			if e.typ != objUnallocated {
				nl := int(le.Uint16(b[64:]))
				if nl > 64 || nl%2 != 0 {
					return malformed("directory entry %d has name length %d", len(c.dir), nl)
				}
				e.name = decodeName(b[:max(nl-2, 0)])
			}
			c.dir = append(c.dir, e)
		}
	}
	if len(c.dir) == 0 || c.dir[0].typ != objRoot {
		return malformed("first directory entry is not the root storage")
	}
	root := c.dir[0]
	if root.size > 0 {
		if root.size > uint64(c.size) {
			return malformed("mini stream of %d bytes in a file of %d bytes", root.size, c.size)
		}
		need := uint32((int64(root.size) + c.ss - 1) / c.ss)
		c.miniChain, err = c.chain(root.start, need, "mini stream")
		if err != nil {
			return err
		}
		if uint32(len(c.miniChain)) < need {
			return malformed("mini stream chain has %d sectors, root claims %d bytes", len(c.miniChain), root.size)
		}
		c.miniStream = int64(root.size)
	}
	return nil
}

func (c *cfb) readMiniFAT(start, count uint32) error {
	if start == endOfChain || start == freeSect || count == 0 {
		return nil
	}
	if count > c.nsect {
		return malformed("header claims %d miniFAT sectors in a file of %d sectors", count, c.nsect)
	}
	secs, err := c.chain(start, count, "miniFAT")
	if err != nil {
		return err
	}
	c.metaSecs = append(c.metaSecs, secs...)
	le := binary.LittleEndian
	nmini := uint32(c.miniStream / miniSectorSize)
	buf := make([]byte, c.ss)
	for _, s := range secs {
		if err := c.readSector(s, buf); err != nil {
			return err
		}
		for i := 0; i+4 <= len(buf) && uint32(len(c.minifat)) < nmini; i += 4 {
			c.minifat = append(c.minifat, le.Uint32(buf[i:]))
		}
	}
	return nil
}

// readSector reads sector s; bytes past the end of a truncated file read as zeros.
func (c *cfb) readSector(s uint32, buf []byte) error {
	off := (int64(s) + 1) << c.shift
	n, err := c.r.ReadAt(buf[:c.ss], off)
	if err != nil && err != io.EOF {
		return fmt.Errorf("read sector %d: %w", s, err)
	}
	clear(buf[n:c.ss])
	return nil
}

func decodeName(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// bitset marks visited sectors or entries; a []bool would cost 8x the memory for a
// 100 MB file's 200k sectors.
type bitset []uint64

func newBitset(n uint32) bitset { return make(bitset, (uint64(n)+63)/64) }

// testAndSet marks i and reports whether it was already marked.
func (b bitset) testAndSet(i uint32) bool {
	w, m := i/64, uint64(1)<<(i%64)
	was := b[w]&m != 0
	b[w] |= m
	return was
}
