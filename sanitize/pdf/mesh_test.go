package pdf

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

// packBits packs fields (value, width in bits) MSB first; align pads to a byte after
// each group, as vertices of types 4 and 5 are.
func packBits(groups [][][2]uint64, align bool) []byte {
	w := &bitWriter{}
	for _, g := range groups {
		for _, f := range g {
			w.write(f[0], int(f[1]))
		}
		if align {
			w.align()
		}
	}
	return w.b
}

// vertex4 is a type 4 vertex of a grey mesh: flag, x, y, grey at the given widths.
func vertex4(flag, x, y, c uint64, fw, cw, gw uint64) [][2]uint64 {
	return [][2]uint64{{flag, fw}, {x, cw}, {y, cw}, {c, gw}}
}

func TestMeshRepack(t *testing.T) {
	grey := dict{"ColorSpace": name("DeviceGray"), "Decode": array{int64(0), int64(100), int64(0), int64(100), int64(0), int64(1)}}
	with := func(extra dict) dict {
		d := dict{}
		for k, v := range grey {
			d[k] = v
		}
		for k, v := range extra {
			d[k] = v
		}
		return d
	}
	tri := [][][2]uint64{vertex4(0, 0, 0, 0, 8, 12, 4), vertex4(0, 4095, 0, 15, 8, 12, 4), vertex4(0, 0, 4095, 7, 8, 12, 4)}
	type4 := with(dict{"BitsPerFlag": int64(8), "BitsPerCoordinate": int64(12), "BitsPerComponent": int64(4)})
	coons := func(flag uint64, n int) [][2]uint64 {
		g := [][2]uint64{{flag, 2}}
		for i := range n {
			g = append(g, [2]uint64{uint64(i * 5), 16})
		}
		for i := range 4 - 2*int(min(flag, 1)) {
			g = append(g, [2]uint64{uint64(i), 8})
		}
		return g
	}
	type6 := with(dict{"BitsPerFlag": int64(2), "BitsPerCoordinate": int64(16), "BitsPerComponent": int64(8)})
	tests := []struct {
		name   string
		st     int64
		d      dict
		data   []byte
		want   []byte // nil: the shading is dropped
		reason string
	}{
		{"triangle, an extension and trailing bytes", 4, type4,
			append(packBits(append(tri, vertex4(2, 100, 100, 3, 8, 12, 4)), true), marker...),
			packBits(append(tri, vertex4(2, 100, 100, 3, 8, 12, 4)), true), ""},
		{"unread flags of a triangle's vertices written as 0", 4, type4,
			packBits([][][2]uint64{tri[0], vertex4(7, 4095, 0, 15, 8, 12, 4), vertex4(9, 0, 4095, 7, 8, 12, 4)}, true),
			packBits(tri, true), ""},
		{"a triangle cut short", 4, type4, packBits(tri[:2], true), nil, "no complete mesh"},
		{"first vertex extends nothing", 4, type4, packBits([][][2]uint64{vertex4(1, 0, 0, 0, 8, 12, 4)}, true), nil, "no complete mesh"},
		{"flag 3 ends the mesh", 4, type4,
			packBits(append(tri, vertex4(3, 1, 1, 1, 8, 12, 4), vertex4(1, 2, 2, 2, 8, 12, 4)), true), packBits(tri, true), ""},
		{"lattice: whole rows only", 5, with(dict{"BitsPerCoordinate": int64(8), "BitsPerComponent": int64(8), "VerticesPerRow": int64(2)}),
			[]byte{0, 0, 1, 9, 0, 2, 0, 9, 2, 3, 10, 10, 4, 0xff, 0xee},
			[]byte{0, 0, 1, 9, 0, 2, 0, 9, 2, 3, 10, 10}, ""},
		{"Coons patches, a partial patch and what follows dropped", 6, type6,
			append(packBits([][][2]uint64{append(coons(0, 24), coons(2, 16)...), {{1, 2}}}, false), marker...),
			packBits([][][2]uint64{append(coons(0, 24), coons(2, 16)...)}, false), ""},
		{"Coons mesh that starts with an edge flag", 6, type6, packBits([][][2]uint64{coons(1, 16)}, false), nil, "no complete mesh"},
		{"unknown coordinate width", 4, with(dict{"BitsPerFlag": int64(8), "BitsPerCoordinate": int64(7), "BitsPerComponent": int64(8)}), []byte{0}, nil, "/BitsPerCoordinate"},
		{"decode for the wrong colour space", 4, with(dict{"BitsPerFlag": int64(8), "BitsPerCoordinate": int64(8), "BitsPerComponent": int64(8), "ColorSpace": name("DeviceRGB")}), []byte{0}, nil, "/Decode"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := newMeshLayout(tc.st, tc.d)
			var got []byte
			if err == nil {
				got, err = l.repack(tc.data)
			}
			if tc.want == nil {
				if err == nil || !bytes.Contains([]byte(err.Error()), []byte(tc.reason)) {
					t.Fatalf("repack = % x, %v; want an error naming %q", got, err, tc.reason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.want) {
				t.Fatalf("repack =\n% x\nwant\n% x", got, tc.want)
			}
			again, err := l.repack(got)
			if err != nil || !bytes.Equal(again, got) {
				t.Fatalf("not a fixed point: % x, %v", again, err)
			}
		})
	}
}

// TestMeshShadingThroughPDF paints a Coons patch and a free-form triangle mesh with
// trailing bytes: the bytes are gone, and poppler draws the output as it draws the
// input without them.
func TestMeshShadingThroughPDF(t *testing.T) {
	qpdf := testtool.Need(t, "qpdf")
	pdftoppm := testtool.Need(t, "pdftoppm")
	var coons [][2]uint64
	coons = append(coons, [2]uint64{0, 8})
	for _, p := range [][2]uint64{{10, 10}, {10, 40}, {10, 70}, {10, 100}, {40, 110}, {70, 90}, {100, 100}, {100, 70}, {100, 40}, {100, 10}, {70, 20}, {40, 0}} {
		coons = append(coons, [2]uint64{p[0] * 100, 16}, [2]uint64{p[1] * 100, 16})
	}
	for _, c := range []uint64{0, 255, 60, 200} {
		coons = append(coons, [2]uint64{c, 8})
	}
	patch := packBits([][][2]uint64{coons}, false)
	tri := packBits([][][2]uint64{
		vertex4(0, 120, 10, 0, 8, 8, 8), vertex4(0, 200, 10, 255, 8, 8, 8), vertex4(0, 160, 120, 128, 8, 8, 8),
		vertex4(1, 200, 120, 30, 8, 8, 8),
	}, true)
	build := func(tail []byte) []byte {
		p := basePDF("", "")
		s6 := p.add(stream("/ShadingType 6 /ColorSpace /DeviceGray /BitsPerCoordinate 16 /BitsPerComponent 8 /BitsPerFlag 8 /Decode [0 65535 0 65535 0 1]", append(bytes.Clone(patch), tail...), true))
		s4 := p.add(stream("/ShadingType 4 /ColorSpace /DeviceGray /BitsPerCoordinate 8 /BitsPerComponent 8 /BitsPerFlag 8 /Decode [0 255 0 255 0 1]", append(bytes.Clone(tri), tail...), false))
		p.objs[2] = fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 220 130] /Contents 4 0 R /Resources << /Shading << /A %d 0 R /B %d 0 R >> >> >>", s6, s4)
		p.objs[3] = stream("", []byte("q 0.01 0 0 0.01 0 0 cm /A sh Q /B sh"), false)
		data, _ := p.bytes("")
		return data
	}
	// The input with the marker after each mesh; the clean one is what it should draw
	// (viewers read the marker as more vertices and patches).
	data, clean := build([]byte(marker)), build(nil)
	out, res, err := run(t, New(Options{}), data)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in, outFile, exp := filepath.Join(dir, "in.pdf"), filepath.Join(dir, "out.pdf"), filepath.Join(dir, "expanded.pdf")
	for f, d := range map[string][]byte{in: clean, outFile: out} {
		if err := os.WriteFile(f, d, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if msg, err := exec.Command(qpdf, "--qdf", "--object-streams=disable", "--decode-level=all", outFile, exp).CombinedOutput(); err != nil {
		t.Fatalf("qpdf: %v\n%s", err, msg)
	}
	if bytes.Contains(readFile(t, exp), []byte(marker)) {
		t.Error("bytes after the mesh reach the output")
	}
	if n := bytes.Count(readFile(t, exp), []byte("/ShadingType")); n != 2 {
		t.Fatalf("output has %d shadings, want 2 (%v)", n, res.Actions)
	}
	if msg, err := exec.Command(pdftoppm, "-r", "50", "-gray", "-singlefile", outFile, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, msg)
	}
	dark := 0
	for _, v := range readPGM(t, filepath.Join(dir, "page.pgm")) {
		if v < 200 {
			dark++
		}
	}
	if dark < 500 {
		t.Fatalf("poppler draws %d dark pixels of the shadings, want most of the page", dark)
	}
	if d := pageDiffs(t, pdftoppm, in, outFile, 1); d[0] != 0 {
		t.Errorf("poppler draws the output %.4f RMS away from the input without the marker", d[0])
	}
}
