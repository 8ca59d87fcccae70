package jpegre

import "sync"

// huffTable decodes one Huffman table as in T.81 F.2.2.3, with a lookup of the first
// eight bits for the short codes that carry most symbols.
type huffTable struct {
	maxcode [17]int32 // largest code of each length, -1 if none
	valptr  [17]int32
	mincode [17]int32
	vals    []byte
	// fast[bits] is length<<8 | value for codes of at most 8 bits, 0 otherwise.
	fast [256]uint16
	// std is 1 + the index in stdTables of a table equal to this one (of its class), 0
	// for any other: most encoders write the standard tables, whose lookups are built once.
	std int
}

// stdIndex is 1 + the index of the standard table of class tc (0 DC, 1 AC) equal to
// counts and vals, or 0.
func stdIndex(tc byte, counts [16]int, vals []byte) int {
	for i := int(tc); i < len(stdTables); i += 2 {
		st := stdTables[i]
		same := string(st.vals) == string(vals)
		for l := range counts {
			same = same && counts[l] == int(st.counts[l])
		}
		if same {
			return i + 1
		}
	}
	return 0
}

func newHuffTable(counts [16]int, vals []byte) (*huffTable, error) {
	t := &huffTable{vals: append([]byte(nil), vals...)}
	code, k := int32(0), int32(0)
	for l := 1; l <= 16; l++ {
		n := int32(counts[l-1])
		t.valptr[l], t.mincode[l] = k, code
		if n == 0 {
			t.maxcode[l] = -1
		} else {
			if code+n > 1<<l {
				return nil, unsupported("Huffman code lengths overflow")
			}
			for i := range n {
				if l <= 8 {
					c := code + i
					shift := 8 - l
					for j := int32(0); j < 1<<shift; j++ {
						t.fast[c<<shift|j] = uint16(l)<<8 | uint16(vals[k+i])
					}
				}
			}
			t.maxcode[l] = code + n - 1
		}
		code = (code + n) << 1
		k += n
	}
	return t, nil
}

// lookBits is how many bits of the scan the combined lookups read at once.
const lookBits = 10

// acLookup maps the next lookBits bits of the scan to a whole AC symbol whose code and
// value bits both fit in them, already written with the output's code for the symbol:
// most symbols then cost one table read to decode, check and encode. An entry is
// out | outLen<<32 | inLen<<40 | rs<<48. A code that fits without its value bits, or
// whose symbol no baseline scan may hold, gets rs<<48 | codeLen<<40 | 1<<56: the symbol
// only, checked and finished by the slow path. 0 leaves the bits to the slow path.
type acLookup [1 << lookBits]uint64

func newACLookup(in *huffTable, out *encTable) *acLookup {
	t := new(acLookup)
	for l := int32(1); l <= lookBits; l++ {
		if in.maxcode[l] < 0 {
			continue
		}
		for c := in.mincode[l]; c <= in.maxcode[l]; c++ {
			rs := in.vals[in.valptr[l]+c-in.mincode[l]]
			size := int32(rs & 15)
			if size == 0 && rs != 0 && rs != 0xf0 || size > maxAC || out.size[rs] == 0 || l+size > lookBits {
				e := uint64(rs)<<48 | uint64(l)<<40 | 1<<56
				free := lookBits - l
				for j := range int32(1) << free {
					t[c<<free|j] = e
				}
				continue
			}
			free := lookBits - l - size
			for v := range int32(1) << size {
				e := (uint64(out.code[rs])<<size | uint64(v)) | uint64(int32(out.size[rs])+size)<<32 |
					uint64(l+size)<<40 | uint64(rs)<<48
				base := (c<<size | v) << free
				for j := range int32(1) << free {
					t[base|j] = e
				}
			}
		}
	}
	return t
}

// dcLookup does the same for DC differences: an entry is the difference as an int16 in
// the low bits, inLen<<16, and 1<<24 to mark it set.
type dcLookup [1 << lookBits]uint32

func newDCLookup(in *huffTable) *dcLookup {
	t := new(dcLookup)
	for l := int32(1); l <= lookBits; l++ {
		if in.maxcode[l] < 0 {
			continue
		}
		for c := in.mincode[l]; c <= in.maxcode[l]; c++ {
			s := int32(in.vals[in.valptr[l]+c-in.mincode[l]])
			if s > 11 || l+s > lookBits {
				continue
			}
			free := lookBits - l - s
			for v := range int32(1) << s {
				d := int32(0)
				if s > 0 {
					d = extend(v, uint(s))
				}
				e := uint32(uint16(int16(d))) | uint32(l+s)<<16 | 1<<24
				base := (c<<s | v) << free
				for j := range int32(1) << free {
					t[base|j] = e
				}
			}
		}
	}
	return t
}

// stdLookups holds the lookups of the standard tables: dc by table index (0, 2), ac by
// the index of the table read (1, 3) and of the table written (1, 3).
type stdLookups struct {
	dc [4]*dcLookup
	ac [4][4]*acLookup
}

var standardLookups = sync.OnceValue(func() *stdLookups {
	s := &stdLookups{}
	var in [4]*huffTable
	for i, st := range stdTables {
		var counts [16]int
		for l, c := range st.counts {
			counts[l] = int(c)
		}
		in[i], _ = newHuffTable(counts, st.vals)
	}
	for _, i := range []int{0, 2} {
		s.dc[i] = newDCLookup(in[i])
	}
	for _, i := range []int{1, 3} {
		for _, j := range []int{1, 3} {
			s.ac[i][j] = newACLookup(in[i], encTables[j])
		}
	}
	return s
})

// lookups returns the lookups for reading with dc and ac and writing with encTables[out]
// (1 or 3): shared ones for the standard tables, new ones otherwise.
func lookups(dc, ac *huffTable, out int) (*dcLookup, *acLookup) {
	std := standardLookups()
	fdc, fac := (*dcLookup)(nil), (*acLookup)(nil)
	if dc.std > 0 {
		fdc = std.dc[dc.std-1]
	}
	if ac.std > 0 {
		fac = std.ac[ac.std-1][out]
	}
	if fdc == nil {
		fdc = newDCLookup(dc)
	}
	if fac == nil {
		fac = newACLookup(ac, encTables[out])
	}
	return fdc, fac
}

// encTable holds a code and its length per symbol.
type encTable struct {
	code [256]uint16
	size [256]uint8
}

func newEncTable(counts [16]byte, vals []byte) *encTable {
	t := &encTable{}
	code, k := uint16(0), 0
	for l := 1; l <= 16; l++ {
		for range counts[l-1] {
			t.code[vals[k]], t.size[vals[k]] = code, uint8(l)
			code++
			k++
		}
		code <<= 1
	}
	return t
}

// The tables of T.81 K.3: they hold every symbol a baseline scan can use (DC sizes 0-11,
// AC run/size 0-15/1-10, EOB, ZRL), so any validated coefficient set can be written.
type stdTable struct {
	counts [16]byte
	vals   []byte
}

var stdTables = [4]stdTable{
	{ // luminance DC
		[16]byte{0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0},
		[]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
	},
	{ // luminance AC
		[16]byte{0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 125},
		[]byte{
			0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
			0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0,
			0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
			0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
			0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
			0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
			0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
			0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5,
			0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
			0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
			0xf9, 0xfa,
		},
	},
	{ // chrominance DC
		[16]byte{0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0},
		[]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
	},
	{ // chrominance AC
		[16]byte{0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 119},
		[]byte{
			0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71,
			0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0,
			0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26,
			0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
			0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
			0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
			0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5,
			0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3,
			0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
			0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
			0xf9, 0xfa,
		},
	},
}

var encTables = func() (t [4]*encTable) {
	for i, s := range stdTables {
		t[i] = newEncTable(s.counts, s.vals)
	}
	return t
}()
