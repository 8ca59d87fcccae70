package pdf

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"path/filepath"
	"testing"
)

// dctStreams returns the stream bodies of a PDF that start with SOI (up to endstream).
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

func withCOM(jpg []byte, payload string) []byte {
	n := len(payload) + 2
	out := append([]byte{}, jpg[:2]...)
	out = append(out, 0xff, 0xfe, byte(n>>8), byte(n))
	out = append(out, payload...)
	out = append(out, 0xff, 0xe1, byte(n>>8), byte(n))
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}

func imagePDF(jpg []byte, w, h int) []byte {
	p := basePDF("", "")
	p.objs[2] = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R " +
		"/Resources << /XObject << /Im1 6 0 R >> >> >>"
	p.objs[3] = stream("", []byte(fmt.Sprintf("q %d 0 0 %d 72 300 cm /Im1 Do Q", w, h)), false)
	p.add(stream(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /BitsPerComponent 8 /ColorSpace /DeviceRGB /Filter /DCTDecode", w, h), jpg, false))
	data, _ := p.bytes("")
	return data
}

func sameImage(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	switch a := a.(type) {
	case *image.YCbCr:
		b, ok := b.(*image.YCbCr)
		return ok && a.SubsampleRatio == b.SubsampleRatio && bytes.Equal(a.Y, b.Y) && bytes.Equal(a.Cb, b.Cb) && bytes.Equal(a.Cr, b.Cr)
	case *image.Gray:
		b, ok := b.(*image.Gray)
		return ok && bytes.Equal(a.Pix, b.Pix)
	}
	return false
}

// A baseline photo in an XObject comes out with the same pixels and none of its metadata;
// JPEGs the rebuild does not take (progressive, data after EOI) are decoded and encoded
// again, and lose their payloads too.
func TestJPEGImages(t *testing.T) {
	const payload = "SEKISHO-HIDDEN-PAYLOAD <script>alert(1)</script>"
	photo := readFile(t, filepath.Join(corpusDir, "src", "images", "photo.jpg"))
	progressive := readFile(t, filepath.Join("..", "..", "testdata", "img", "photo-progressive.jpg"))
	for _, tc := range []struct {
		name     string
		jpg      []byte
		lossless bool
	}{
		{"baseline", withCOM(photo, payload), true},
		{"baseline, payload after EOI", append(append([]byte{}, photo...), payload...), false},
		{"progressive", withCOM(progressive, payload), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, err := jpeg.Decode(bytes.NewReader(tc.jpg))
			if err != nil {
				t.Fatal(err)
			}
			b := in.Bounds()
			out, _, err := run(t, New(Options{}), imagePDF(tc.jpg, b.Dx(), b.Dy()))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(out, []byte("SEKISHO-HIDDEN")) {
				t.Fatal("payload carried into the output")
			}
			streams := dctStreams(out)
			if len(streams) != 1 {
				t.Fatalf("%d DCT streams in the output", len(streams))
			}
			got, err := jpeg.Decode(bytes.NewReader(streams[0]))
			if err != nil {
				t.Fatal(err)
			}
			if same := sameImage(in, got); same != tc.lossless {
				t.Fatalf("identical pixels: %v, want %v", same, tc.lossless)
			}
			for i := 2; i+4 < len(streams[0]) && streams[0][i+1] != 0xda; i += 2 + int(streams[0][i+2])<<8 | int(streams[0][i+3]) {
				if m := streams[0][i+1]; m >= 0xe0 && m <= 0xef || m == 0xfe {
					t.Fatalf("marker 0x%02x in the output", m)
				}
			}
		})
	}
}
