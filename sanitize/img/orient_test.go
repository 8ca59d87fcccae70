package img

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// exifBlock is a big-endian TIFF structure holding only IFD0 {Orientation=o}.
func exifBlock(o uint16) []byte {
	be := binary.BigEndian
	b := []byte("MM\x00*")
	b = be.AppendUint32(b, 8)
	b = be.AppendUint16(b, 1)
	b = be.AppendUint16(b, 0x0112)
	b = be.AppendUint16(b, 3)
	b = be.AppendUint32(b, 1)
	b = be.AppendUint16(b, o)
	b = be.AppendUint16(b, 0)
	return be.AppendUint32(b, 0)
}

// withPNGChunk inserts a chunk after IHDR of a PNG.
func withPNGChunk(p []byte, typ string, data []byte) []byte {
	var c bytes.Buffer
	binary.Write(&c, binary.BigEndian, uint32(len(data)))
	c.WriteString(typ)
	c.Write(data)
	binary.Write(&c, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	const ihdrEnd = 8 + 25
	return append(append(append([]byte{}, p[:ihdrEnd]...), c.Bytes()...), p[ihdrEnd:]...)
}

// TestOrientationTable writes a 3x2 PNG whose pixels are the letters
//
//	a b c
//	d e f
//
// with an eXIf chunk for each orientation, and compares the output, pixel by pixel, with
// the upright image drawn by hand from the EXIF specification's pictures.
func TestOrientationTable(t *testing.T) {
	letters := "abcdef"
	pal := map[byte]color.NRGBA{}
	src := image.NewNRGBA(image.Rect(0, 0, 3, 2))
	for i := range letters {
		c := color.NRGBA{uint8(40 * i), uint8(255 - 40*i), uint8(20 * i), 255}
		pal[letters[i]] = c
		src.SetNRGBA(i%3, i/3, c)
	}
	var base bytes.Buffer
	if err := png.Encode(&base, src); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		o    uint16
		want string // rows separated by '/'
	}{
		{1, "abc/def"},
		{2, "cba/fed"},
		{3, "fed/cba"},
		{4, "def/abc"},
		{5, "ad/be/cf"},
		{6, "da/eb/fc"},
		{7, "fc/eb/da"},
		{8, "cf/be/ad"},
		{9, "abc/def"}, // out of range: ignored
	}
	s := New(Options{})
	for _, tc := range tests {
		t.Run(orientNames[min(tc.o, 8)]+"/"+string(rune('0'+tc.o)), func(t *testing.T) {
			in := withPNGChunk(base.Bytes(), "eXIf", exifBlock(tc.o))
			out, res, err := run(t, s, "o.png", in, sanitize.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != sanitize.Sanitized {
				t.Errorf("verdict = %s, want sanitized (exif removed)", res.Verdict)
			}
			m, err := png.Decode(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			rows := strings.Split(tc.want, "/")
			if b := m.Bounds(); b.Dx() != len(rows[0]) || b.Dy() != len(rows) {
				t.Fatalf("orientation %d: output %dx%d, want %dx%d", tc.o, b.Dx(), b.Dy(), len(rows[0]), len(rows))
			}
			for y, row := range rows {
				for x := range row {
					got := color.NRGBAModel.Convert(m.At(x, y)).(color.NRGBA)
					if got != pal[row[x]] {
						t.Errorf("orientation %d: pixel (%d,%d) = %v, want %c %v", tc.o, x, y, got, row[x], pal[row[x]])
					}
				}
			}
		})
	}
}

// TestJPEGOrientation checks the APP1 path on a JPEG whose left half is red and right half
// blue: rotated 90° clockwise (6) red must end on top, counter-clockwise (8) at the bottom.
func TestJPEGOrientation(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 64, 32))
	for y := 0; y < 32; y++ {
		for x := 0; x < 64; x++ {
			c := color.RGBA{255, 0, 0, 255}
			if x >= 32 {
				c = color.RGBA{0, 0, 255, 255}
			}
			src.SetRGBA(x, y, c)
		}
	}
	var base bytes.Buffer
	if err := jpeg.Encode(&base, src, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		o      uint16
		redTop bool
	}{{6, true}, {8, false}}
	s := New(Options{})
	for _, tc := range tests {
		block := append([]byte("Exif\x00\x00"), exifBlock(tc.o)...)
		seg := append([]byte{0xff, 0xe1, byte((len(block) + 2) >> 8), byte(len(block) + 2)}, block...)
		in := append(append([]byte{0xff, 0xd8}, seg...), base.Bytes()[2:]...)
		out, res, err := run(t, s, "o.jpg", in, sanitize.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		m, err := jpeg.Decode(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if b := m.Bounds(); b.Dx() != 32 || b.Dy() != 64 {
			t.Fatalf("orientation %d: output %dx%d, want 32x64", tc.o, b.Dx(), b.Dy())
		}
		r, _, _, _ := m.At(16, 16).RGBA()
		if gotRedTop := r > 0x8000; gotRedTop != tc.redTop {
			t.Errorf("orientation %d: red on top = %v, want %v (actions %v)", tc.o, gotRedTop, tc.redTop, res.Actions)
		}
	}
}

func TestCorpusOrientation(t *testing.T) {
	tests := []struct {
		file          string
		width, height int
	}{
		{"photo-exif-gps-orient6.jpg", 240, 320}, // 320x240 input, orientation 6
		{"photo-exif.webp", 160, 240},            // 240x160 input, orientation 8
		{"text-trailing.png", 64, 96},            // 96x64 input, orientation 8 in eXIf
	}
	s := New(Options{})
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(corpusDir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			out, _, err := run(t, s, tc.file, data, sanitize.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			d, err := decodeOutput(out)
			if err != nil {
				t.Fatal(err)
			}
			if d.Width != tc.width || d.Height != tc.height {
				t.Errorf("Sanitize(%s) output %dx%d, want %dx%d", tc.file, d.Width, d.Height, tc.width, tc.height)
			}
		})
	}
}

// TestParseExifFailSafe: broken EXIF never yields an orientation.
func TestParseExifFailSafe(t *testing.T) {
	good := exifBlock(6)
	tests := []struct {
		name  string
		block []byte
		want  int
	}{
		{"valid", good, 6},
		{"with Exif prefix", append([]byte("Exif\x00\x00"), good...), 6},
		{"empty", nil, 0},
		{"bad byte order", append([]byte("XX"), good[2:]...), 0},
		{"IFD offset past end", append(append([]byte{}, good[:4]...), 0, 0, 0xff, 0xff), 0},
		{"truncated IFD", good[:12], 0},
		{"orientation 0", exifBlock(0), 0},
		{"orientation 9", exifBlock(9), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := parseExif(tc.block).orientation; got != tc.want {
				t.Errorf("parseExif(%s).orientation = %d, want %d", tc.name, got, tc.want)
			}
		})
	}
}
