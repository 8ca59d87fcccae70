// Package cfbwrite builds small OLE2 compound files (MS-CFB) for tests and the corpus: a
// real producer does not exist on a Linux test machine for files with VBA projects,
// ObjectPool storages or EncryptionInfo streams, so the tests write them. The layout is
// the plain one Office uses: FAT sectors, directory, miniFAT, mini stream, large streams.
// Sibling trees are balanced binary trees of black nodes, which MS-CFB permits.
package cfbwrite

import (
	"encoding/binary"
	"sort"
	"strings"
	"unicode/utf16"
)

// Entry is one stream, named by its path from the root ("Macros/VBA/dir"). Storages are
// created for every path prefix. A path ending in "/" creates an empty storage.
type Entry struct {
	Path string
	Data []byte
}

// Options choose the version, 3 (512-byte sectors, the default) or 4 (4096-byte sectors),
// and add Orphans: empty stream entries present in the directory but linked from no
// storage, the shape that hides a stream from tree-walking readers.
type Options struct {
	Version int
	Orphans []string
}

type dnode struct {
	name     string
	storage  bool
	data     []byte
	children []*dnode
	index    int
	start    uint32
	left     uint32
	right    uint32
	child    uint32
}

const (
	endOfChain = 0xFFFFFFFE
	freeSect   = 0xFFFFFFFF
	fatSect    = 0xFFFFFFFD
	noStream   = 0xFFFFFFFF
)

// Build returns the bytes of a compound file holding entries.
func Build(entries []Entry, o Options) []byte {
	shift := uint(9)
	if o.Version == 4 {
		shift = 12
	}
	ss := 1 << shift
	root := &dnode{name: "Root Entry", storage: true}
	for _, e := range entries {
		parts := strings.Split(strings.TrimSuffix(e.Path, "/"), "/")
		cur := root
		for i, p := range parts {
			var next *dnode
			for _, c := range cur.children {
				if c.name == p {
					next = c
				}
			}
			if next == nil {
				next = &dnode{name: p, storage: i < len(parts)-1 || strings.HasSuffix(e.Path, "/")}
				cur.children = append(cur.children, next)
			}
			cur = next
		}
		if !cur.storage {
			cur.data = e.Data
		}
	}
	// Number entries breadth-first and link each storage's children as a balanced tree.
	var all []*dnode
	queue := []*dnode{root}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		n.index = len(all)
		all = append(all, n)
		sort.Slice(n.children, func(i, j int) bool { return less(n.children[i].name, n.children[j].name) })
		queue = append(queue, n.children...)
	}
	for _, name := range o.Orphans {
		all = append(all, &dnode{name: name, index: len(all)})
	}
	for _, n := range all {
		n.left, n.right, n.child = noStream, noStream, noStream
	}
	for _, n := range all {
		if n.storage {
			n.child = balance(n.children)
		}
	}
	// Mini stream: streams under 4096 bytes, in 64-byte sectors.
	var minifat []uint32
	var miniData []byte
	for _, n := range all {
		if n.storage || len(n.data) >= 4096 || len(n.data) == 0 {
			continue
		}
		n.start = uint32(len(miniData) / 64)
		k := (len(n.data) + 63) / 64
		for i := 0; i < k; i++ {
			next := uint32(len(minifat) + 1)
			if i == k-1 {
				next = endOfChain
			}
			minifat = append(minifat, next)
		}
		miniData = append(miniData, pad(n.data, 64)...)
	}
	root.data = miniData
	// Sector layout after the FAT: directory, miniFAT, mini stream, large streams.
	var body [][]byte // sectors' contents in order, starting after the FAT
	var chains [][2]int
	addChain := func(data []byte) uint32 {
		if len(data) == 0 {
			return endOfChain
		}
		start := len(body)
		d := pad(data, ss)
		for i := 0; i < len(d); i += ss {
			body = append(body, d[i:i+ss])
		}
		chains = append(chains, [2]int{start, len(body)})
		return uint32(start)
	}
	dirBytes := make([]byte, len(all)*128)
	dirStart := addChain(dirBytes) // contents filled below; the slice is shared
	mf := make([]byte, 4*len(minifat))
	for i, v := range minifat {
		binary.LittleEndian.PutUint32(mf[4*i:], v)
	}
	miniFATStart := addChain(mf)
	root.start = addChain(miniData)
	for _, n := range all {
		if !n.storage && len(n.data) >= 4096 {
			n.start = addChain(n.data)
		}
		if !n.storage && len(n.data) == 0 {
			n.start = endOfChain
		}
	}
	// FAT sectors go first; their count depends on the total.
	per := ss / 4
	nfat := 1
	for (nfat+len(body)+per-1)/per > nfat {
		nfat++
	}
	fat := make([]uint32, nfat*per)
	for i := range fat {
		fat[i] = freeSect
	}
	for i := 0; i < nfat; i++ {
		fat[i] = fatSect
	}
	for _, c := range chains {
		for s := c[0]; s < c[1]; s++ {
			fat[nfat+s] = uint32(nfat + s + 1)
		}
		fat[nfat+c[1]-1] = endOfChain
	}
	shiftStart := func(s uint32) uint32 {
		if s == endOfChain {
			return s
		}
		return s + uint32(nfat)
	}
	for _, n := range all {
		switch {
		case n.storage && n != root:
			n.start = 0
		case n == root || len(n.data) >= 4096:
			n.start = shiftStart(n.start) // regular sectors sit after the FAT
		}
		putDirEntry(dirBytes[n.index*128:], n)
	}
	// Rewrite the directory sectors from dirBytes (pad copied the slice).
	d := pad(dirBytes, ss)
	for i := 0; i*ss < len(d); i++ {
		body[int(dirStart)+i] = d[i*ss : (i+1)*ss]
	}
	le := binary.LittleEndian
	out := make([]byte, ss) // header, padded to a sector for version 4
	copy(out, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	le.PutUint16(out[24:], 0x3E)
	le.PutUint16(out[26:], uint16(map[uint]int{9: 3, 12: 4}[shift]))
	le.PutUint16(out[28:], 0xFFFE)
	le.PutUint16(out[30:], uint16(shift))
	le.PutUint16(out[32:], 6)
	if shift == 12 {
		le.PutUint32(out[40:], uint32((len(dirBytes)+ss-1)/ss))
	}
	le.PutUint32(out[44:], uint32(nfat))
	le.PutUint32(out[48:], shiftStart(dirStart))
	le.PutUint32(out[56:], 4096)
	le.PutUint32(out[60:], shiftStart(miniFATStart))
	le.PutUint32(out[64:], uint32((len(mf)+ss-1)/ss))
	le.PutUint32(out[68:], endOfChain)
	for i := 0; i < 109; i++ {
		v := uint32(freeSect)
		if i < nfat {
			v = uint32(i)
		}
		le.PutUint32(out[76+4*i:], v)
	}
	for i := 0; i < nfat; i++ {
		s := make([]byte, ss)
		for j := 0; j < per; j++ {
			le.PutUint32(s[4*j:], fat[i*per+j])
		}
		out = append(out, s...)
	}
	for _, s := range body {
		out = append(out, s...)
	}
	return out
}

// balance links sorted siblings as a balanced tree and returns the root's index.
func balance(sib []*dnode) uint32 {
	if len(sib) == 0 {
		return noStream
	}
	m := len(sib) / 2
	sib[m].left = balance(sib[:m])
	sib[m].right = balance(sib[m+1:])
	return uint32(sib[m].index)
}

// less is the MS-CFB directory order: shorter names first, then by upper-cased code units.
func less(a, b string) bool {
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	if len(ua) != len(ub) {
		return len(ua) < len(ub)
	}
	return strings.ToUpper(a) < strings.ToUpper(b)
}

func putDirEntry(b []byte, n *dnode) {
	le := binary.LittleEndian
	u := utf16.Encode([]rune(n.name))
	for i, c := range u {
		le.PutUint16(b[2*i:], c)
	}
	le.PutUint16(b[64:], uint16(2*len(u)+2))
	switch {
	case n.index == 0:
		b[66] = 5
	case n.storage:
		b[66] = 1
	default:
		b[66] = 2
	}
	b[67] = 1 // black
	le.PutUint32(b[68:], n.left)
	le.PutUint32(b[72:], n.right)
	le.PutUint32(b[76:], n.child)
	le.PutUint32(b[116:], n.start)
	le.PutUint64(b[120:], uint64(len(n.data)))
	if n.storage && n.index != 0 {
		le.PutUint64(b[120:], 0)
	}
}

func pad(b []byte, unit int) []byte {
	out := make([]byte, (len(b)+unit-1)/unit*unit)
	copy(out, b)
	return out
}
