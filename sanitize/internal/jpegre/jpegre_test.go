package jpegre

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testPixels = 1 << 26

// testJPEGs returns the JPEG files under testdata/ and the uncompressed DCT streams inside
// the PDFs there.
func testJPEGs(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	root := filepath.Join("..", "..", "..", "testdata")
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ext := strings.ToLower(filepath.Ext(path))
		switch ext {
		case ".jpg", ".jpeg", ".pdf":
		default:
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if ext != ".pdf" {
			out[rel] = data
			return nil
		}
		for i, s := range dctStreams(data) {
			out[fmt.Sprintf("%s#%d", rel, i)] = s
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// dctStreams finds stream bodies that start with SOI, up to their endstream.
func dctStreams(pdf []byte) [][]byte {
	var out [][]byte
	for rest := pdf; ; {
		i := bytes.Index(rest, []byte("stream"))
		if i < 0 {
			return out
		}
		rest = rest[i+len("stream"):]
		body := bytes.TrimLeft(rest, "\r\n")
		if !bytes.HasPrefix(body, []byte{0xff, 0xd8, 0xff}) {
			continue
		}
		if j := bytes.Index(body, []byte("endstream")); j > 0 {
			out = append(out, body[:j])
			rest = body[j:]
		}
	}
}

// samePixels reports whether two decoded JPEGs are identical sample for sample.
func samePixels(a, b image.Image) error {
	if a.Bounds() != b.Bounds() {
		return fmt.Errorf("bounds %v vs %v", a.Bounds(), b.Bounds())
	}
	switch a := a.(type) {
	case *image.Gray:
		if b, ok := b.(*image.Gray); ok && bytes.Equal(a.Pix, b.Pix) {
			return nil
		}
	case *image.YCbCr:
		if b, ok := b.(*image.YCbCr); ok && a.SubsampleRatio == b.SubsampleRatio &&
			bytes.Equal(a.Y, b.Y) && bytes.Equal(a.Cb, b.Cb) && bytes.Equal(a.Cr, b.Cr) {
			return nil
		}
	default:
		return fmt.Errorf("unexpected model %T", a)
	}
	return fmt.Errorf("pixels differ (%T vs %T)", a, b)
}

// markers lists the markers of a JPEG up to its scan and checks that only this
// package's own segments are there.
func checkOwnMarkers(out []byte) error {
	if !bytes.HasPrefix(out, []byte{0xff, 0xd8}) || !bytes.HasSuffix(out, []byte{0xff, 0xd9}) {
		return errors.New("no SOI/EOI")
	}
	for pos := 2; ; {
		if pos+4 > len(out) || out[pos] != 0xff {
			return fmt.Errorf("no marker at %d", pos)
		}
		m := out[pos+1]
		switch m {
		case 0xdb, 0xc0, 0xc1, 0xc4:
		case 0xda:
			// The entropy data must hold no marker but the final EOI.
			for i := pos + 2; i < len(out)-2; i++ {
				if out[i] == 0xff && out[i+1] != 0 && i > pos+2+int(out[pos+2])<<8|int(out[pos+3]) {
					return fmt.Errorf("marker 0x%02x inside the scan", out[i+1])
				}
			}
			return nil
		default:
			return fmt.Errorf("foreign marker 0x%02x", m)
		}
		pos += 2 + (int(out[pos+2])<<8 | int(out[pos+3]))
	}
}

func TestRebuildRealFiles(t *testing.T) {
	files := testJPEGs(t)
	// These must take the fast path: a test that rebuilt nothing would prove nothing.
	must := []string{"img/photo.jpg", "img/gray.jpg", "mail/assets/logo.jpg", "img/bench-2mp.jpg"}
	rebuilt := map[string]bool{}
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			want, derr := jpeg.Decode(bytes.NewReader(data))
			out, info, err := Rebuild(data, testPixels)
			if err != nil {
				if !errors.Is(err, ErrUnsupported) {
					t.Fatalf("error not ErrUnsupported: %v", err)
				}
				t.Logf("falls back: %v", err)
				return
			}
			if derr != nil {
				t.Fatalf("rebuilt a JPEG image/jpeg rejects (%v)", derr)
			}
			rebuilt[name] = true
			if err := checkOwnMarkers(out); err != nil {
				t.Fatal(err)
			}
			got, err := jpeg.Decode(bytes.NewReader(out))
			if err != nil {
				t.Fatalf("output does not decode: %v", err)
			}
			if err := samePixels(want, got); err != nil {
				t.Fatal(err)
			}
			if b := want.Bounds(); info.Width != b.Dx() || info.Height != b.Dy() {
				t.Fatalf("info %+v for %v", info, b)
			}
			t.Logf("%dx%d n=%d: %d -> %d bytes", info.Width, info.Height, info.Components, len(data), len(out))
		})
	}
	for _, m := range must {
		if _, ok := files[m]; !ok {
			t.Errorf("%s missing from testdata", m)
		} else if !rebuilt[m] {
			t.Errorf("%s was not rebuilt", m)
		}
	}
}

// TestLookupsMatchSlowPath: the combined lookups are only a faster way to read and write
// the same symbols, so every file gives the same bytes, or the same refusal, without them.
func TestLookupsMatchSlowPath(t *testing.T) {
	// Both kinds of lookup must be exercised: the shared ones of the standard tables and
	// those built for a file's own tables.
	var std, own int
	for name, data := range testJPEGs(t) {
		out, _, err := Rebuild(data, testPixels)
		// The slow path also writes every scan again, which Rebuild copies when it can.
		slow, _, serr := rebuild(&parser{data: data, maxPixels: testPixels, noLookup: true, noCopy: true})
		if fmt.Sprint(err) != fmt.Sprint(serr) || !bytes.Equal(out, slow) {
			t.Errorf("%s: lookups give %d bytes (%v), the slow path %d (%v)", name, len(out), err, len(slow), serr)
		}
		if p := (&parser{data: data, maxPixels: testPixels}); err == nil && p.parse() == nil {
			if p.ac[p.comps[0].ta].std > 0 {
				std++
			} else {
				own++
			}
		}
	}
	t.Logf("standard tables %d, own %d", std, own)
	if std == 0 || own == 0 {
		t.Fatalf("rebuilt %d files with the standard tables and %d with their own", std, own)
	}
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// scanStart returns the offset of the entropy data in a JPEG.
func scanStart(t *testing.T, data []byte) int {
	t.Helper()
	for pos := 2; pos+4 <= len(data); {
		n := int(data[pos+2])<<8 | int(data[pos+3])
		if data[pos+1] == 0xda {
			return pos + 2 + n
		}
		pos += 2 + n
	}
	t.Fatal("no SOS")
	return 0
}

func withSegments(t *testing.T, data []byte, segs ...[]byte) []byte {
	t.Helper()
	out := append([]byte{}, data[:2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, data[2:]...)
}

func segment(m byte, payload string) []byte {
	n := len(payload) + 2
	return append([]byte{0xff, m, byte(n >> 8), byte(n)}, payload...)
}

func TestRebuildHostile(t *testing.T) {
	logo := readTestdata(t, "mail/assets/logo.jpg")
	sos := scanStart(t, logo)
	badCodes := append([]byte{}, logo...)
	for i := sos; i+1 < sos+64; i += 2 {
		badCodes[i], badCodes[i+1] = 0xff, 0x00 // all-ones: no code in any table
	}
	huge := append([]byte{}, logo...)
	for pos := 2; ; {
		n := int(huge[pos+2])<<8 | int(huge[pos+3])
		if huge[pos+1] == 0xc0 {
			huge[pos+5], huge[pos+6], huge[pos+7], huge[pos+8] = 0xff, 0xff, 0xff, 0xff
			break
		}
		pos += 2 + n
	}
	rst := append([]byte{}, logo[:sos]...)
	rst = append(rst, 0xff, 0xd0)
	rst = append(rst, logo[sos:]...)

	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"truncated", logo[:len(logo)/2]},
		{"truncated before EOI", logo[:len(logo)-2]},
		{"no SOI", logo[2:]},
		{"bad Huffman codes", badCodes},
		{"payload after EOI", append(append([]byte{}, logo...), "PK\x03\x04 not an image"...)},
		{"second image after EOI", append(append([]byte{}, logo...), logo...)},
		{"huge dimensions", huge},
		{"stray restart marker", rst},
		{"progressive", readTestdata(t, "img/photo-progressive.jpg")},
		{"cmyk", readTestdata(t, "img/cmyk.jpg")},
		{"zip polyglot", readTestdata(t, "img/polyglot-zip.jpg")},
		{"gifar", readTestdata(t, "adversarial/ok-image-gifar-jpeg+jar.jpg")},
		{"empty", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := Rebuild(tc.data, testPixels)
			if !errors.Is(err, ErrUnsupported) || out != nil {
				t.Fatalf("got %d bytes, %v; want ErrUnsupported", len(out), err)
			}
		})
	}
}

// Markers and payloads hidden in APPn and COM segments are read past, never carried.
func TestRebuildDropsSegments(t *testing.T) {
	logo := readTestdata(t, "mail/assets/logo.jpg")
	const secret = "<script>alert(1)</script>SEKISHO-HIDDEN"
	data := withSegments(t, logo,
		segment(0xfe, "\xff\xd9\xff\xda\x00\x08"+secret),
		segment(0xe1, "Exif\x00\x00"+secret),
		segment(0xe2, "ICC_PROFILE\x00"+secret),
		segment(0xed, "Photoshop 3.0\x00\xff\xc0\x00\x11"+secret),
		segment(0xe0, "JFXX\x00\x10\xff\xd8\xff\xdb"+secret),
	)
	out, _, err := Rebuild(data, testPixels)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("SEKISHO-HIDDEN")) {
		t.Fatal("a hidden payload reached the output")
	}
	if err := checkOwnMarkers(out); err != nil {
		t.Fatal(err)
	}
	want, _ := jpeg.Decode(bytes.NewReader(logo))
	got, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := samePixels(want, got); err != nil {
		t.Fatal(err)
	}
}

// A frame over the pixel limit is refused from its header.
func TestRebuildPixelLimit(t *testing.T) {
	logo := readTestdata(t, "mail/assets/logo.jpg")
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(logo))
	if err != nil {
		t.Fatal(err)
	}
	px := int64(cfg.Width) * int64(cfg.Height)
	if _, _, err := Rebuild(logo, px); err != nil {
		t.Fatalf("at the limit: %v", err)
	}
	if _, _, err := Rebuild(logo, px-1); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("over the limit: %v", err)
	}
}

// An Adobe marker with transform 0 after the frame header still makes image/jpeg read the
// components as RGB: not rebuilt (the output would say YCbCr).
func TestRebuildLateAdobeRGB(t *testing.T) {
	m := image.NewRGBA(image.Rect(0, 0, 40, 24))
	for i := range m.Pix {
		m.Pix[i] = uint8(i * 7)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Rebuild(buf.Bytes(), testPixels); err != nil {
		t.Fatalf("plain file: %v", err)
	}
	rgb := adobeAfterSOF(t, buf.Bytes())
	if _, err := jpeg.Decode(bytes.NewReader(rgb)); err != nil {
		t.Fatal(err)
	}
	if out, _, err := Rebuild(rgb, testPixels); !errors.Is(err, ErrUnsupported) || out != nil {
		t.Fatalf("got %d bytes, %v; want ErrUnsupported", len(out), err)
	}
}

// adobeAfterSOF inserts an APP14 Adobe segment with transform 0 (RGB) after the frame
// header of a JFIF-less three-component JPEG.
func adobeAfterSOF(t *testing.T, data []byte) []byte {
	t.Helper()
	for pos := 2; pos+4 <= len(data); {
		n := int(data[pos+2])<<8 | int(data[pos+3])
		if data[pos+1] == 0xc0 {
			if data[pos+9] != 3 {
				t.Fatal("not three components")
			}
			out := append([]byte{}, data[:pos+2+n]...)
			out = append(out, segment(0xee, "Adobe\x00\x64\x00\x00\x00\x00\x00")...)
			return append(out, data[pos+2+n:]...)
		}
		if data[pos+1] == 0xe0 {
			t.Fatal("has JFIF")
		}
		pos += 2 + n
	}
	t.Fatal("no SOF0")
	return nil
}

// TestCopiedScan: a scan written with the standard tables and no restart intervals is
// copied, and the copy is what writing it again gives, whatever its padding: the one
// bits the writer puts are copied, zero bits make it write the scan again.
func TestCopiedScan(t *testing.T) {
	padded := 0
	for _, size := range [][2]int{{64, 48}, {33, 17}, {40, 40}, {57, 23}, {16, 16}} {
		m := image.NewYCbCr(image.Rect(0, 0, size[0], size[1]), image.YCbCrSubsampleRatio420)
		for i := range m.Y {
			m.Y[i] = byte(i * 7 % 251)
		}
		for i := range m.Cb {
			m.Cb[i], m.Cr[i] = byte(i*3%253), byte(i*5%241)
		}
		var b bytes.Buffer
		if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 80}); err != nil {
			t.Fatal(err)
		}
		data := b.Bytes()
		p := &parser{data: data, maxPixels: testPixels}
		out, _, err := rebuild(p)
		if err != nil {
			t.Fatal(err)
		}
		if p.noCopy {
			t.Fatalf("%v: image/jpeg's scan (standard tables, one bits) was written again, not copied", size)
		}
		written, _, err := rebuild(&parser{data: data, maxPixels: testPixels, noCopy: true})
		if err != nil || !bytes.Equal(out, written) {
			t.Fatalf("%v: copied scan differs from the written one (%v)", size, err)
		}
		// Zero the low k bits of the last entropy byte: within the padding the rebuild
		// must still equal the written one (and the original's); beyond it, whatever
		// happens must happen alike on both paths.
		last := len(data) - 3
		if data[last] == 0 && data[last-1] == 0xff {
			continue // a stuffed byte: leave it
		}
		for k := 1; k <= 7; k++ {
			mod := bytes.Clone(data)
			mod[last] &^= 1<<k - 1
			if mod[last] == data[last] {
				continue
			}
			got, _, gerr := Rebuild(mod, testPixels)
			want, _, werr := rebuild(&parser{data: mod, maxPixels: testPixels, noCopy: true})
			if fmt.Sprint(gerr) != fmt.Sprint(werr) || !bytes.Equal(got, want) {
				t.Fatalf("%v, %d zero bits: copy path %v, written %v", size, k, gerr, werr)
			}
			if gerr == nil && bytes.Equal(got, out) {
				padded++
			}
		}
	}
	if padded == 0 {
		t.Fatal("no image had zero padding rewritten to the original's output: the zero-padding path was not exercised")
	}
}

// TestRestartScanNotCopied: a scan with the standard tables but restart intervals is
// written again (the output has no intervals, so its DC differences and markers differ).
func TestRestartScanNotCopied(t *testing.T) {
	// A 16x8 grey image of two blocks, DC only, one block per interval.
	out := []byte{0xff, 0xd8, 0xff, 0xdb, 0, 67, 0}
	for range 64 {
		out = append(out, 1)
	}
	out = append(out, 0xff, 0xc0, 0, 11, 8, 0, 8, 0, 16, 1, 1, 0x11, 0)
	for i, st := range stdTables[:2] {
		out = append(out, 0xff, 0xc4, 0, byte(2+1+16+len(st.vals)), byte(i<<4))
		out = append(out, st.counts[:]...)
		out = append(out, st.vals...)
	}
	out = append(out, 0xff, 0xdd, 0, 4, 0, 1, 0xff, 0xda, 0, 8, 1, 1, 0, 0, 63, 0)
	for i, dc := range []int32{40, -25} {
		w := &bitWriter{}
		w.value(encTables[0], dc) // each interval starts from a zero prediction
		w.put(uint64(encTables[1].code[0]), uint(encTables[1].size[0]))
		w.finish()
		out = append(out, w.buf...)
		if i == 0 {
			out = append(out, 0xff, 0xd0)
		}
	}
	out = append(out, 0xff, 0xd9)
	p := &parser{data: out, maxPixels: testPixels}
	got, _, err := rebuild(p)
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := rebuild(&parser{data: out, maxPixels: testPixels, noCopy: true})
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("restart scan: rebuild %d bytes, written %d (%v)", len(got), len(want), err)
	}
	if bytes.Contains(got, []byte{0xff, 0xd0}) {
		t.Fatal("output holds a restart marker")
	}
	a, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	b, err := jpeg.Decode(bytes.NewReader(got))
	if err != nil {
		t.Fatal(err)
	}
	if err := samePixels(a, b); err != nil {
		t.Fatal(err)
	}
}
