package pdf

import (
	"encoding/binary"
	"errors"
)

// The fixed-layout sfnt tables are kept for their values; what lies after the fields
// their version defines is read by no conforming parser, so it is cut rather than copied.
// The glyph names of post are read and written again.

// os2Lengths are the lengths of the OS/2 table by version (68 is the original Apple
// length of version 0, still found in old fonts).
var os2Lengths = map[uint16]int{0: 78, 1: 86, 2: 96, 3: 96, 4: 96, 5: 100}

// trimTables cuts hhea, maxp, OS/2 and vhea to their defined lengths, fits vmtx to vhea,
// and rebuilds post. An optional table that is too short is dropped; a required one
// (hhea, maxp) makes the font fail.
func trimTables(t map[string][]byte) error {
	t["hhea"] = t["hhea"][:36] // fitHmtx has checked it is at least that long
	switch maxp := t["maxp"]; {
	case binary.BigEndian.Uint32(maxp) == 0x00005000:
		t["maxp"] = maxp[:6]
	case binary.BigEndian.Uint32(maxp) == 0x00010000 && len(maxp) >= 32:
		t["maxp"] = maxp[:32]
	default:
		return errors.New("bad maxp table")
	}
	if os2 := t["OS/2"]; os2 != nil {
		n := 0
		if len(os2) >= 2 {
			n = os2Lengths[binary.BigEndian.Uint16(os2)]
		}
		switch {
		case n > 0 && len(os2) >= n:
			t["OS/2"] = os2[:n]
		case n == 78 && len(os2) >= 68:
			t["OS/2"] = os2[:68]
		default:
			delete(t, "OS/2")
		}
	}
	numGlyphs := int(binary.BigEndian.Uint16(t["maxp"][4:]))
	if vhea := t["vhea"]; vhea != nil {
		nv := 0
		if len(vhea) >= 36 {
			nv = int(binary.BigEndian.Uint16(vhea[34:]))
		}
		if nv == 0 || nv > numGlyphs || t["vmtx"] == nil {
			delete(t, "vhea")
			delete(t, "vmtx")
		} else {
			t["vhea"] = vhea[:36]
			v := make([]byte, 4*nv+2*(numGlyphs-nv))
			copy(v, t["vmtx"])
			t["vmtx"] = v
		}
	} else {
		delete(t, "vmtx")
	}
	if post := t["post"]; post != nil {
		t["post"] = rebuildPost(post, numGlyphs)
	}
	return nil
}

// rebuildPost writes the post table again: its header fields, and for format 2 the glyph
// names that are PostScript names, only those a glyph uses. Any other format, or names
// that do not parse, give format 3 (no names): a viewer then maps codes through cmap.
func rebuildPost(p []byte, numGlyphs int) []byte {
	if len(p) < 32 {
		return post3()
	}
	head := append([]byte{}, p[:32]...)
	for i := 16; i < 32; i++ {
		head[i] = 0 // memory usage hints for PostScript printers
	}
	format3 := func() []byte {
		binary.BigEndian.PutUint32(head, 0x00030000)
		return head
	}
	switch binary.BigEndian.Uint32(p) {
	case 0x00010000, 0x00030000:
		return head
	case 0x00020000:
	default:
		return format3()
	}
	if len(p) < 34 || int(binary.BigEndian.Uint16(p[32:])) != numGlyphs || len(p) < 34+2*numGlyphs {
		return format3()
	}
	var names [][]byte
	for q := 34 + 2*numGlyphs; q < len(p); {
		n := int(p[q])
		if q+1+n > len(p) {
			break // a last name cut short; only a glyph that uses it fails below
		}
		names = append(names, p[q+1:q+1+n])
		q += 1 + n
	}
	index := make([]byte, 2*numGlyphs)
	var kept [][]byte
	newIndex := map[int]int{}
	for g := range numGlyphs {
		idx := int(binary.BigEndian.Uint16(p[34+2*g:]))
		if idx >= 258 {
			k := idx - 258
			if k >= len(names) || len(names[k]) == 0 || !psName(names[k]) {
				return format3()
			}
			n, ok := newIndex[k]
			if !ok {
				n = 258 + len(kept)
				newIndex[k] = n
				kept = append(kept, names[k])
			}
			idx = n
		}
		binary.BigEndian.PutUint16(index[2*g:], uint16(idx))
	}
	out := binary.BigEndian.AppendUint16(head, uint16(numGlyphs))
	out = append(out, index...)
	for _, n := range kept {
		out = append(append(out, byte(len(n))), n...)
	}
	return out
}
