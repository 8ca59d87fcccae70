package img

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// The checks in this file are independent of the sanitizer's own scanners: the outputs are
// read by exiftool and by minimal walkers written here, which accept only the structure the
// standard encoders write and require the end marker to be the last byte.

// pngChunks lists the chunk types of a PNG and fails unless IEND ends the file.
func pngChunks(out []byte) ([]string, error) {
	var types []string
	off := 8
	for {
		if off+12 > len(out) {
			return types, fmt.Errorf("png ends inside a chunk at %d", off)
		}
		n := int(binary.BigEndian.Uint32(out[off:]))
		typ := string(out[off+4 : off+8])
		types = append(types, typ)
		off += 12 + n
		if typ == "IEND" {
			if off != len(out) {
				return types, fmt.Errorf("%d bytes after IEND", len(out)-off)
			}
			return types, nil
		}
	}
}

// jpegMarkers lists the markers of a JPEG and fails unless EOI ends the file.
func jpegMarkers(out []byte) ([]byte, error) {
	if len(out) < 4 || out[0] != 0xff || out[1] != 0xd8 {
		return nil, fmt.Errorf("no SOI")
	}
	ms := []byte{0xd8}
	i := 2
	for i+2 <= len(out) {
		if out[i] != 0xff {
			return ms, fmt.Errorf("no marker at %d", i)
		}
		m := out[i+1]
		ms = append(ms, m)
		if m == 0xd9 {
			break
		}
		if i+4 > len(out) {
			return ms, fmt.Errorf("truncated segment at %d", i)
		}
		i += 2 + (int(out[i+2])<<8 | int(out[i+3]))
		if m == 0xda { // entropy-coded data up to the next marker that is not RSTn or stuffing
			for i+1 < len(out) && (out[i] != 0xff || out[i+1] == 0 || out[i+1] >= 0xd0 && out[i+1] <= 0xd7) {
				i++
			}
		}
	}
	if !bytes.HasSuffix(out, []byte{0xff, 0xd9}) || ms[len(ms)-1] != 0xd9 || i+2 != len(out) {
		return ms, fmt.Errorf("EOI is not the last marker and the last bytes")
	}
	return ms, nil
}

// gifBlocks lists the extension labels of a GIF and fails unless the trailer ends the file.
func gifBlocks(out []byte) ([]byte, error) {
	if len(out) < 13 {
		return nil, fmt.Errorf("short gif")
	}
	i := 13
	if out[10]&0x80 != 0 {
		i += 3 << (out[10]&7 + 1)
	}
	var labels []byte
	subBlocks := func() {
		for i < len(out) && out[i] != 0 {
			i += 1 + int(out[i])
		}
		i++
	}
	for i < len(out) {
		switch out[i] {
		case 0x3b:
			if i+1 != len(out) {
				return labels, fmt.Errorf("%d bytes after the trailer", len(out)-i-1)
			}
			return labels, nil
		case 0x21:
			labels = append(labels, out[i+1])
			i += 2
			subBlocks()
		case 0x2c:
			flags := out[i+9]
			i += 10
			if flags&0x80 != 0 {
				i += 3 << (flags&7 + 1)
			}
			i++ // LZW code size
			subBlocks()
		default:
			return labels, fmt.Errorf("unknown block 0x%02x", out[i])
		}
	}
	return labels, fmt.Errorf("no trailer")
}

// exiftoolGroups are the only groups exiftool may report for an output: file-system facts,
// the image header and values computed from it. EXIF, GPS, XMP, ICC_Profile, IPTC, JFIF,
// Photoshop, MPF and the like must all be absent.
var exiftoolGroups = map[string]bool{"ExifTool": true, "File": true, "Composite": true, "PNG": true, "GIF": true}

// pngHeaderTags are the PNG-group tags exiftool derives from IHDR, PLTE and tRNS.
var pngHeaderTags = map[string]bool{"ImageWidth": true, "ImageHeight": true, "BitDepth": true, "ColorType": true,
	"Compression": true, "Filter": true, "Interlace": true, "Palette": true, "Transparency": true}

func TestOutputsIndependently(t *testing.T) {
	exiftool := testtool.Need(t, "exiftool")
	dir := t.TempDir()
	s := New(Options{})
	var outs []string
	for _, file := range corpus(t) {
		name := filepath.Base(file)
		if strings.HasPrefix(name, "bad-") {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		out, _, err := run(t, s, name, data, sanitize.Limits{})
		if err != nil {
			t.Fatalf("Sanitize(%s): %v", name, err)
		}
		t.Run(name+"/structure", func(t *testing.T) {
			d, err := decodeOutput(out)
			if err != nil {
				t.Fatalf("standard library cannot decode the output: %v", err)
			}
			switch d.Format {
			case "png":
				types, err := pngChunks(out)
				if err != nil {
					t.Fatal(err)
				}
				for _, typ := range types {
					if !strings.Contains(" IHDR PLTE tRNS IDAT IEND ", " "+typ+" ") {
						t.Errorf("output chunk %q, want only IHDR PLTE tRNS IDAT IEND", typ)
					}
				}
			case "jpeg":
				ms, err := jpegMarkers(out)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range ms {
					if m >= 0xe0 && m <= 0xef || m == 0xfe {
						t.Errorf("output marker 0x%02x (APPn or COM), want none", m)
					}
				}
			case "gif":
				labels, err := gifBlocks(out)
				if err != nil {
					t.Fatal(err)
				}
				for _, l := range labels {
					if l != 0xf9 && l != 0xff {
						t.Errorf("output extension 0x%02x, want only graphic control and the loop extension", l)
					}
				}
				if c := bytes.Count(out, []byte("NETSCAPE2.0")); c > 1 || bytes.Contains(out, []byte("XMP Data")) {
					t.Errorf("unexpected application extensions in the output")
				}
			}
		})
		p := filepath.Join(dir, name+".out")
		if err := os.WriteFile(p, out, 0o644); err != nil {
			t.Fatal(err)
		}
		outs = append(outs, p)
	}

	// One exiftool run over every output (it costs ~0.3 s to start).
	raw, err := exec.Command(exiftool, append([]string{"-j", "-G", "-a", "-u"}, outs...)...).Output()
	if err != nil {
		t.Fatalf("exiftool: %v", err)
	}
	var tags []map[string]any
	if err := json.Unmarshal(raw, &tags); err != nil {
		t.Fatal(err)
	}
	if len(tags) != len(outs) {
		t.Fatalf("exiftool reported %d files, want %d", len(tags), len(outs))
	}
	for _, m := range tags {
		name := strings.TrimSuffix(filepath.Base(fmt.Sprint(m["SourceFile"])), ".out")
		t.Run(name+"/exiftool", func(t *testing.T) {
			for k, v := range m {
				if k == "SourceFile" {
					continue
				}
				group, tag, _ := strings.Cut(k, ":")
				switch {
				case !exiftoolGroups[group]:
					t.Errorf("exiftool found %s = %v in the output", k, v)
				case group == "ExifTool" && tag != "ExifToolVersion": // e.g. "Trailer data after PNG IEND chunk"
					t.Errorf("exiftool: %s = %v", k, v)
				case group == "File" && (tag == "Comment" || tag == "ExifByteOrder"):
					t.Errorf("exiftool found %s = %v in the output", k, v)
				case group == "Composite" && strings.HasPrefix(tag, "GPS"):
					t.Errorf("exiftool found %s = %v in the output", k, v)
				case group == "PNG" && !pngHeaderTags[tag]:
					t.Errorf("exiftool found %s = %v in the output", k, v)
				}
			}
		})
	}
}

// TestInputsHaveWhatIsRemoved guards the corpus: the hostile samples must really carry what
// the tests claim is removed, as seen by exiftool and the walkers above.
func TestInputsHaveWhatIsRemoved(t *testing.T) {
	exiftool := testtool.Need(t, "exiftool")
	tests := []struct {
		file string
		tags []string
	}{
		{"photo-exif-gps-orient6.jpg", []string{"EXIF:Orientation", "EXIF:GPSLatitude", "XMP:Creator", "ICC_Profile:ProfileDescription", "File:Comment"}},
		{"text-trailing.png", []string{"PNG:Comment", "PNG:Author", "XMP:Creator", "EXIF:Orientation", "EXIF:GPSLatitudeRef", "ExifTool:Warning"}},
		{"photo-exif.webp", []string{"EXIF:Orientation", "EXIF:GPSLatitude", "XMP:Creator"}},
		{"image.tiff", []string{"EXIF:GPSLatitude", "XMP:Creator", "EXIF:Artist"}},
		{"animated.gif", []string{"File:Comment"}},
	}
	var paths []string
	for _, tc := range tests {
		paths = append(paths, filepath.Join(corpusDir, tc.file))
	}
	raw, err := exec.Command(exiftool, append([]string{"-j", "-G", "-a"}, paths...)...).Output()
	if err != nil {
		t.Fatalf("exiftool: %v", err)
	}
	var got []map[string]any
	if err := json.Unmarshal(raw, &got); err != nil || len(got) != len(tests) {
		t.Fatalf("exiftool output: %v, %d files", err, len(got))
	}
	for i, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			for _, tag := range tc.tags {
				if _, ok := got[i][tag]; !ok {
					t.Errorf("input %s has no %s, want it (regenerate with make.sh)", tc.file, tag)
				}
			}
		})
	}
	t.Run("polyglot-zip.jpg", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(corpusDir, "polyglot-zip.jpg"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := jpegMarkers(data); err == nil {
			t.Errorf("polyglot-zip.jpg ends at EOI, want a ZIP after it")
		}
		if !bytes.Contains(data, []byte("PK\x05\x06")) {
			t.Errorf("polyglot-zip.jpg has no ZIP end-of-central-directory record")
		}
	})
}

// TestPixelsMatchImageMagick compares each output with ImageMagick's own reading of the
// input (EXIF orientation applied by -auto-orient, CMYK converted by its colour management):
// the picture must survive the rebuild, not only the container rules. The tolerance covers
// one JPEG generation and x/image/webp's simpler chroma upsampling.
func TestPixelsMatchImageMagick(t *testing.T) {
	testtool.Need(t, "/usr/bin/convert")
	dir := t.TempDir()
	s := New(Options{})
	for _, file := range corpus(t) {
		name := filepath.Base(file)
		if strings.HasPrefix(name, "bad-") || strings.HasPrefix(name, "bench-") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			out, _, err := run(t, s, name, data, sanitize.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, name+".out")
			if err := os.WriteFile(p, out, 0o644); err != nil {
				t.Fatal(err)
			}
			// ImageMagick ignores the orientation in PNG eXIf and WebP EXIF: rotate by hand
			// (both samples say 8, a quarter turn counter-clockwise).
			orient := []string{"-auto-orient"}
			if name == "text-trailing.png" || name == "photo-exif.webp" {
				orient = []string{"-rotate", "-90"}
			}
			args := append([]string{file + "[0]"}, orient...)
			args = append(args, "-colorspace", "sRGB", "-alpha", "on", p+"[0]", "-alpha", "on",
				"-metric", "RMSE", "-compare", "-format", "%[distortion]", "info:")
			raw, err := exec.Command("/usr/bin/convert", args...).Output()
			if err != nil {
				t.Fatalf("convert: %v", err)
			}
			var d float64
			if _, err := fmt.Sscan(string(raw), &d); err != nil {
				t.Fatalf("convert printed %q", raw)
			}
			if d > 0.05 {
				t.Errorf("normalized RMSE between ImageMagick's reading of the input and the output = %.4f, want at most 0.05", d)
			}
		})
	}
}
