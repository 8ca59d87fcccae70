package pdf

import (
	"encoding/binary"
	"errors"
	"slices"
)

// An embedded TrueType font's cmap table maps character codes to glyphs; simple TrueType
// fonts in PDF are read through it, by the (1,0) Mac Roman or (3,0) symbol subtables as
// often as by Unicode ones. sfnt checks only the subtable it would use, so the table is
// not copied: every subtable of format 0, 4, 6 or 12 is read into its mappings here and
// written again (format 0 for Mac Roman, 4 or 12 for the rest); other formats (2, 8, 10,
// 13, 14) and mappings to glyphs the font does not have are dropped. A table that maps
// nothing is left out.

const maxCmapCodes = 1 << 17

type cmapSub struct {
	platform, encoding uint16
	codes              map[uint32]uint16
}

var errCmap = errors.New("bad cmap table")

func rebuildCmap(t []byte, numGlyphs int) ([]byte, error) {
	if len(t) < 4 {
		return nil, errCmap
	}
	n := int(binary.BigEndian.Uint16(t[2:]))
	if len(t) < 4+8*n {
		return nil, errCmap
	}
	var subs []cmapSub
	total := 0
	for i := range n {
		rec := t[4+8*i:]
		pid, eid, off := binary.BigEndian.Uint16(rec), binary.BigEndian.Uint16(rec[2:]), binary.BigEndian.Uint32(rec[4:])
		if uint64(off)+4 > uint64(len(t)) {
			return nil, errCmap
		}
		codes, ok, err := readCmapSub(t[off:], numGlyphs)
		if err != nil {
			return nil, err
		}
		if !ok || len(codes) == 0 {
			continue
		}
		if total += len(codes); total > maxCmapCodes {
			return nil, errors.New("cmap maps too many codes")
		}
		subs = append(subs, cmapSub{pid, eid, codes})
	}
	if len(subs) == 0 {
		return nil, nil // nothing mapped: the table is left out
	}
	slices.SortFunc(subs, func(a, b cmapSub) int {
		return int(a.platform)<<16 + int(a.encoding) - (int(b.platform)<<16 + int(b.encoding))
	})
	out := make([]byte, 4+8*len(subs))
	binary.BigEndian.PutUint16(out[2:], uint16(len(subs)))
	for i, s := range subs {
		binary.BigEndian.PutUint16(out[4+8*i:], s.platform)
		binary.BigEndian.PutUint16(out[6+8*i:], s.encoding)
		binary.BigEndian.PutUint32(out[8+8*i:], uint32(len(out)))
		out = append(out, writeCmapSub(s)...)
	}
	return out, nil
}

// readCmapSub reads one subtable's mappings; ok is false for formats not kept.
func readCmapSub(b []byte, numGlyphs int) (map[uint32]uint16, bool, error) {
	u16 := func(i int) uint16 { return binary.BigEndian.Uint16(b[i:]) }
	m := map[uint32]uint16{}
	add := func(c uint32, g int) {
		if g > 0 && g < numGlyphs && len(m) < maxCmapCodes {
			m[c] = uint16(g)
		}
	}
	switch u16(0) {
	case 0:
		if len(b) < 6+256 {
			return nil, false, errCmap
		}
		for c := range 256 {
			add(uint32(c), int(b[6+c]))
		}
	case 4:
		if len(b) < 14 {
			return nil, false, errCmap
		}
		length := min(int(u16(2)), len(b))
		seg := int(u16(6)) / 2
		if 16+8*seg > length {
			return nil, false, errCmap
		}
		ends, starts, deltas, ranges := 14, 16+2*seg, 16+4*seg, 16+6*seg
		for s := range seg {
			end, start := u16(ends+2*s), u16(starts+2*s)
			delta, ro := u16(deltas+2*s), int(u16(ranges+2*s))
			if start > end {
				return nil, false, errCmap
			}
			for c := int(start); c <= int(end) && c != 0xFFFF; c++ {
				if ro == 0 {
					add(uint32(c), int(uint16(c)+delta))
					continue
				}
				at := ranges + 2*s + ro + 2*(c-int(start))
				if at+2 > length {
					break
				}
				if g := u16(at); g != 0 {
					add(uint32(c), int(g+delta))
				}
			}
		}
	case 6:
		if len(b) < 10 {
			return nil, false, errCmap
		}
		first, count := int(u16(6)), int(u16(8))
		if 10+2*count > len(b) {
			return nil, false, errCmap
		}
		for i := range count {
			add(uint32(first+i), int(u16(10+2*i)))
		}
	case 12:
		if len(b) < 16 {
			return nil, false, errCmap
		}
		groups := binary.BigEndian.Uint32(b[12:])
		if uint64(16)+12*uint64(groups) > uint64(len(b)) {
			return nil, false, errCmap
		}
		for i := range int(groups) {
			g := b[16+12*i:]
			start, end, gid := binary.BigEndian.Uint32(g), binary.BigEndian.Uint32(g[4:]), binary.BigEndian.Uint32(g[8:])
			if start > end || end > 0x10FFFF || end-start >= maxCmapCodes {
				return nil, false, errCmap
			}
			for c := start; c <= end; c++ {
				add(c, int(gid+(c-start)))
			}
		}
	default:
		return nil, false, nil
	}
	return m, true, nil
}

// writeCmapSub writes mappings as format 0 (Mac Roman, one byte codes), 4 or 12.
func writeCmapSub(s cmapSub) []byte {
	codes := slices.Sorted(dictKeysU32(s.codes))
	if s.platform == 1 && s.encoding == 0 && codes[len(codes)-1] <= 255 {
		b := make([]byte, 6+256)
		binary.BigEndian.PutUint16(b[2:], uint16(len(b)))
		for _, c := range codes {
			b[6+c] = byte(s.codes[c])
		}
		return b
	}
	// Runs of consecutive codes mapping to consecutive glyphs become one segment or group.
	type run struct{ start, end, glyph uint32 }
	var runs []run
	for _, c := range codes {
		g := uint32(s.codes[c])
		if n := len(runs); n > 0 && runs[n-1].end+1 == c && runs[n-1].glyph+(c-runs[n-1].start) == g {
			runs[n-1].end = c
			continue
		}
		runs = append(runs, run{c, c, g})
	}
	if codes[len(codes)-1] > 0xFFFE || 16+8*(len(runs)+1) > 0xFFFF {
		b := make([]byte, 16, 16+12*len(runs))
		binary.BigEndian.PutUint16(b, 12)
		binary.BigEndian.PutUint32(b[4:], uint32(16+12*len(runs)))
		binary.BigEndian.PutUint32(b[12:], uint32(len(runs)))
		for _, r := range runs {
			b = binary.BigEndian.AppendUint32(b, r.start)
			b = binary.BigEndian.AppendUint32(b, r.end)
			b = binary.BigEndian.AppendUint32(b, r.glyph)
		}
		return b
	}
	runs = append(runs, run{0xFFFF, 0xFFFF, 0x10000}) // the required last segment: delta 1, glyph 0
	seg := len(runs)
	sr, es := 2, 0
	for sr*2 <= 2*seg {
		sr *= 2
		es++
	}
	b := make([]byte, 16+8*seg)
	binary.BigEndian.PutUint16(b, 4)
	binary.BigEndian.PutUint16(b[2:], uint16(len(b)))
	binary.BigEndian.PutUint16(b[6:], uint16(2*seg))
	binary.BigEndian.PutUint16(b[8:], uint16(sr))
	binary.BigEndian.PutUint16(b[10:], uint16(es))
	binary.BigEndian.PutUint16(b[12:], uint16(2*seg-sr))
	for i, r := range runs {
		binary.BigEndian.PutUint16(b[14+2*i:], uint16(r.end))
		binary.BigEndian.PutUint16(b[16+2*seg+2*i:], uint16(r.start))
		binary.BigEndian.PutUint16(b[16+4*seg+2*i:], uint16(r.glyph-r.start))
	}
	return b
}

func dictKeysU32(m map[uint32]uint16) func(func(uint32) bool) {
	return func(yield func(uint32) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
