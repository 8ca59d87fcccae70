package metafile

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"runtime"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// amplifier is a small picture whose records multiply work: each record makes many more
// points (glyph outlines, Bézier steps, stroke quadrilaterals, ellipse segments) than its
// bytes hold, decodes a bitmap many times its size, or costs more per pixel or object
// than the budget counted (clip exclusions, a full object table).
type amplifier struct {
	name string
	data []byte
}

func amplifiers() []amplifier {
	face := make([]byte, 64)
	copy(face, []byte{'A', 0, 'r', 0, 'i', 0, 'a', 0, 'l', 0})
	// 60,000 '@' at one place, 200 units high: a 360 KB record of about 20 million points.
	text := &emfFile{w: 100, h: 60}
	text.rec(82, 1, -200, 0, 0, 0, 400, []byte{0, 0, 0, 0, 0, 0, 0, 0}, face)
	text.rec(37, 1).rec(18, 1).rec(22, 24)
	const chars = 60000
	s := bytes.Repeat([]byte{'@', 0}, chars)
	text.rec(84, 0, 0, 0, 0, 1, float32(1), float32(1), 10, 30, chars, 76, 0, 0, 0, 0, 0, 76+2*chars, s, make([]byte, 4*chars))

	// points16 is n 16-bit points zigzagging across the picture.
	points16 := func(n int) []byte {
		var b []byte
		for i := range n {
			b = binary.LittleEndian.AppendUint16(b, uint16(i%100))
			b = binary.LittleEndian.AppendUint16(b, uint16(i%2*60))
		}
		return b
	}
	// EMR_POLYBEZIERTO16 of 300,000 segments: 16 points each.
	bez := &emfFile{w: 100, h: 60}
	bez.rec(59).rec(88, 0, 0, 0, 0, 900000, points16(900000)).rec(60).rec(62, 0, 0, 0, 0)
	// EMR_POLYLINE16 of 1,000,000 points with a 9-unit pen: eight stroke points each.
	pen := &emfFile{w: 100, h: 60}
	pen.rec(38, 1, 0, 9, 0, colorRefU(0, 0, 255)).rec(37, 1).rec(87, 0, 0, 0, 0, 1000000, points16(1000000))
	// A path of 400,000 ellipses (64 segments each), filled once.
	ell := &emfFile{w: 100, h: 60}
	ell.rec(59)
	for range 400000 {
		ell.rec(42, 0, 0, 90, 50)
	}
	ell.rec(60).rec(62, 0, 0, 0, 0)
	// 300 pattern brushes of a one-bit megapixel bitmap (128 KB each, 4 MB decoded), all
	// kept in the object table.
	brushes := &emfFile{w: 100, h: 60}
	bmi := binary.LittleEndian.AppendUint32(nil, 40)
	bmi = binary.LittleEndian.AppendUint32(bmi, 1024)
	bmi = binary.LittleEndian.AppendUint32(bmi, 1024)
	bmi = binary.LittleEndian.AppendUint16(bmi, 1)
	bmi = binary.LittleEndian.AppendUint16(bmi, 1)
	bmi = append(bmi, make([]byte, 24)...)
	bmi = append(bmi, 0, 0, 0, 0, 255, 255, 255, 0) // colour table: black, white
	bits := bytes.Repeat([]byte{0x55}, 1024*1024/8)
	for i := range 300 {
		brushes.rec(94, i+1, 0, 32, len(bmi), 32+len(bmi), len(bits), bmi, bits)
	}
	// A WMF object table of 65,535 slots, filled, then creations that each look through
	// the full table for a free slot.
	churn := &wmfFile{w: 100, h: 60}
	for range 65535 + 100000 {
		churn.rec(0x02FC, 0, 0, 0, 0)
	}
	table := churn.bytes()
	binary.LittleEndian.PutUint16(table[32:], 65535)
	// 256 excluded rectangles (each pixel drawn is tested against all of them), then
	// full-picture fills.
	excl := &emfFile{w: 2048, h: 2048}
	excl.rec(39, 1, 0, colorRefU(0, 0, 255), 0).rec(37, 1)
	for i := range 256 {
		excl.rec(29, 3000+i, 3000, 3001+i, 3001)
	}
	for range 30 {
		excl.rec(43, 0, 0, 2048, 2048)
	}
	// SaveDC/RestoreDC pairs under 256 exclusions: each save copies them.
	saves := &emfFile{w: 100, h: 60}
	for i := range 256 {
		saves.rec(29, 3000+i, 3000, 3001+i, 3001)
	}
	for range 450000 {
		saves.rec(33).rec(34, -1)
	}
	return []amplifier{
		{"saved states under many excluded rectangles", saves.bytes()},
		{"fills under many excluded rectangles", excl.bytes()},
		{"object table churn", table},
		{"many bitmap pattern brushes", brushes.bytes()},
		{"text of many glyphs", text.bytes()},
		{"long Bézier path", bez.bytes()},
		{"long line with a wide pen", pen.bytes()},
		{"path of many ellipses", ell.bytes()},
	}
}

// TestWorkBounded: records that multiply work are refused at the drawing-work limit
// before their points are all made: the memory they take stays within a bound set by the
// input size, not by what the records would expand to (before the bound, the text record
// above alone took 6 GB and 40 s, past any deadline, since the deadline is seen only
// between records). A budget spent by the last record is refused too.
func TestWorkBounded(t *testing.T) {
	for _, c := range amplifiers() {
		t.Run(c.name, func(t *testing.T) {
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			_, err := Render(context.Background(), c.data, Limits{DPI: 254})
			runtime.ReadMemStats(&m1)
			var le *sanitize.LimitError
			if !errors.As(err, &le) {
				t.Errorf("error %v, want the work limit", err)
			}
			// The limit lets 67 million units of work through: about 4 million points
			// (at 16 each) with their edges, plus what the input itself takes decoded.
			alloc := m1.TotalAlloc - m0.TotalAlloc
			if bound := uint64(400<<20 + 8*len(c.data)); alloc > bound {
				t.Errorf("%d MB allocated for %d KB of input, want at most %d MB", alloc>>20, len(c.data)>>10, bound>>20)
			}
		})
	}
}
