package ole

import (
	"fmt"
	"io"
	"strings"
)

// node is a directory entry placed in the storage tree: its index and its path from the
// root ("Macros/VBA/dir"). Entries no walk reaches keep an empty path.
type node struct {
	idx  uint32
	path string
}

// walk visits the red-black trees of every storage, starting at the root's child, and
// returns the entries it reaches with their paths. The tree is not trusted: each index is
// checked, every entry may be reached once only (a second visit is a cycle or a shared
// subtree, both malformed), and the walk uses an explicit stack so depth costs no Go stack.
func (c *cfb) walk() ([]node, error) {
	n := uint32(len(c.dir))
	seen := newBitset(n)
	seen.testAndSet(0)
	type item struct {
		idx    uint32
		parent string
	}
	var out []node
	stack := []item{}
	if c.dir[0].child != noStream {
		stack = append(stack, item{idx: c.dir[0].child})
	}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if it.idx >= n {
			return nil, malformed("directory link to entry %d of %d", it.idx, n)
		}
		if seen.testAndSet(it.idx) {
			return nil, malformed("directory entry %d reached twice (cycle)", it.idx)
		}
		e := c.dir[it.idx]
		switch e.typ {
		case objStorage, objStream:
		default:
			return nil, malformed("directory link to entry %d of type %d", it.idx, e.typ)
		}
		p := e.name
		if it.parent != "" {
			p = it.parent + "/" + e.name
		}
		out = append(out, node{idx: it.idx, path: p})
		for _, sib := range []uint32{e.left, e.right} {
			if sib != noStream {
				stack = append(stack, item{idx: sib, parent: it.parent})
			}
		}
		if e.child != noStream {
			if e.typ != objStorage {
				return nil, malformed("stream entry %d has a child", it.idx)
			}
			stack = append(stack, item{idx: e.child, parent: p})
		}
	}
	return out, nil
}

// stream is a readable view of one stream entry, its chain resolved and checked.
type stream struct {
	c    *cfb
	size int64
	mini bool
	secs []uint32 // regular or mini sector numbers, in order
}

// open resolves the chain of stream entry e. The chain must hold the claimed size, and it
// may not be longer than the file; a mini stream must lie inside the root's mini stream.
func (c *cfb) open(e dirEntry) (*stream, error) {
	if e.typ != objStream {
		return nil, fmt.Errorf("%w: entry %q is not a stream", errCFB, e.name)
	}
	if e.size > uint64(c.size) {
		return nil, malformed("stream %q claims %d bytes in a file of %d", e.name, e.size, c.size)
	}
	st := &stream{c: c, size: int64(e.size)}
	if st.size == 0 {
		return st, nil
	}
	var err error
	if e.size < miniCutoff {
		st.mini = true
		need := uint32((st.size + miniSectorSize - 1) / miniSectorSize)
		st.secs, err = followChain(c.minifat, uint32(len(c.minifat)), e.start, need, "mini stream "+quoteName(e.name), nil)
	} else {
		need := uint32((st.size + c.ss - 1) / c.ss)
		st.secs, err = c.chain(e.start, need, "stream "+quoteName(e.name))
	}
	if err != nil {
		return nil, err
	}
	unit := c.ss
	if st.mini {
		unit = miniSectorSize
	}
	if int64(len(st.secs))*unit < st.size {
		return nil, malformed("stream %s chain holds %d bytes, entry claims %d", quoteName(e.name), int64(len(st.secs))*unit, st.size)
	}
	return st, nil
}

// ReadAt reads from the stream; it implements io.ReaderAt within the claimed size.
func (s *stream) ReadAt(p []byte, off int64) (int, error) {
	if off >= s.size {
		return 0, io.EOF
	}
	want := len(p)
	if int64(want) > s.size-off {
		p = p[:s.size-off]
	}
	n := 0
	for n < len(p) {
		pos := off + int64(n)
		var fileOff, left int64
		if s.mini {
			ms := int64(s.secs[pos/miniSectorSize])
			inMini := ms*miniSectorSize + pos%miniSectorSize
			if inMini >= s.c.miniStream {
				return n, malformed("mini sector %d beyond the mini stream", ms)
			}
			reg := s.c.miniChain[inMini/s.c.ss]
			fileOff = (int64(reg)+1)<<s.c.shift + inMini%s.c.ss
			left = min(miniSectorSize-pos%miniSectorSize, s.c.ss-inMini%s.c.ss)
		} else {
			reg := int64(s.secs[pos/s.c.ss])
			fileOff = (reg+1)<<s.c.shift + pos%s.c.ss
			left = s.c.ss - pos%s.c.ss
		}
		chunk := p[n:min(len(p), n+int(left))]
		m, err := s.c.r.ReadAt(chunk, fileOff)
		if m < len(chunk) {
			// The last sector of a truncated file reads as zeros, as in readSector.
			if err != nil && err != io.EOF {
				return n + m, err
			}
			clear(chunk[m:])
		}
		n += len(chunk)
	}
	if n < want {
		return n, io.EOF
	}
	return n, nil
}

// quoteName renders a directory name for messages and reports: control characters such as
// the \x01 of "\x01Ole10Native" are shown as Go escapes, never raw.
func quoteName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r == 0xFFFD || (r >= 0x80 && r < 0xA0):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// checkStreams resolves the chain of every stream entry, reachable or not, with one shared
// set per table: a sector claimed by two streams, a loop, a chain shorter than its stream's
// size or longer than it needs are all malformed. The cost is one pass over the sectors.
func (c *cfb) checkStreams() error {
	regular, mini := newBitset(c.nsect), newBitset(uint32(len(c.minifat)))
	// The directory, miniFAT and mini stream chains own their sectors too: a stream that
	// runs through them would let one byte mean two things.
	for _, s := range append(append([]uint32{}, c.metaSecs...), c.miniChain...) {
		if regular.testAndSet(s) {
			return malformed("sector %d belongs to two of the directory, miniFAT and mini stream chains", s)
		}
	}
	for _, e := range c.dir {
		if e.typ != objStream || e.size == 0 {
			continue
		}
		if e.size > uint64(c.size) {
			return malformed("stream %s claims %d bytes in a file of %d", quoteName(e.name), e.size, c.size)
		}
		var secs []uint32
		var err error
		var have int64
		if e.size < miniCutoff {
			need := uint32((e.size + miniSectorSize - 1) / miniSectorSize)
			secs, err = followChain(c.minifat, uint32(len(c.minifat)), e.start, need, "mini stream "+quoteName(e.name), mini)
			have = int64(len(secs)) * miniSectorSize
		} else {
			need := uint32((int64(e.size) + c.ss - 1) / c.ss)
			secs, err = followChain(c.fat, c.nsect, e.start, need, "stream "+quoteName(e.name), regular)
			have = int64(len(secs)) * c.ss
		}
		if err != nil {
			return err
		}
		if have < int64(e.size) {
			return malformed("stream %s chain holds %d bytes, entry claims %d", quoteName(e.name), have, e.size)
		}
	}
	return nil
}
