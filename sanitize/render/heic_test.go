package render

import (
	"bytes"
	"context"
	"errors"
	"image"
	_ "image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/img"
)

// photoConverter returns a converter whose inner engine has the image family, with
// program standing in for heif-convert when not "".
func photoConverter(t *testing.T, program string) *PhotoConverter {
	t.Helper()
	if program == "" {
		testtool.Need(t, "heif-convert")
	}
	e := sanitize.NewEngine(sanitize.EngineOptions{TempDir: t.TempDir()})
	e.Register(string(sanitize.ClassImage), img.New(img.Options{}))
	p, err := NewPhotoConverter(PhotoOptions{Inner: e, Program: program, Timeout: 20 * time.Second, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func convertPhoto(t *testing.T, p *PhotoConverter, data []byte, lim sanitize.Limits) ([]byte, sanitize.Result, error) {
	t.Helper()
	in := &sanitize.Item{Body: bytes.NewReader(data), Path: "IMG_0001.HEIC", Name: "IMG_0001.HEIC"}
	in.Detected = sanitize.Detect(in.Body)
	if in.Detected.Name != "heic" && in.Detected.Name != "avif" {
		t.Fatalf("detected %+v, want heic or avif", in.Detected)
	}
	var out bytes.Buffer
	res, err := p.Sanitize(context.Background(), in, &out, sanitize.NewBudget(lim))
	return out.Bytes(), res, err
}

// TestPhotoConverter: real HEIC photos (an iPhone-format page scan, and a photo with GPS
// and orientation metadata written by libheif's encoder) come out as JPEGs of the same
// size that the image family rebuilt, without the metadata.
func TestPhotoConverter(t *testing.T) {
	p := photoConverter(t, "")
	tests := []struct {
		file string
		w, h int
	}{
		{corpusFile("held", "uns-da-1p.heic"), 595, 842},
		{corpusFile("render", "heif-enc-exif-gps.heic"), 320, 240},
		{corpusFile("render", "heif-enc.avif"), 320, 240},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			out, res, err := convertPhoto(t, p, readFile(t, tt.file), sanitize.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != sanitize.Sanitized || res.OutName != "IMG_0001.jpg" || res.OutType != "image/jpeg" {
				t.Fatalf("verdict %s, name %q, type %q", res.Verdict, res.OutName, res.OutType)
			}
			cfg, format, err := image.DecodeConfig(bytes.NewReader(out))
			if err != nil || format != "jpeg" || cfg.Width != tt.w || cfg.Height != tt.h {
				t.Fatalf("output %s %dx%d (%v), want jpeg %dx%d", format, cfg.Width, cfg.Height, err, tt.w, tt.h)
			}
			for _, m := range [][]byte{[]byte("Exif\x00"), []byte("http://ns.adobe.com/xap"), []byte("ICC_PROFILE")} {
				if bytes.Contains(out, m) {
					t.Errorf("output carries %q", m)
				}
			}
			if len(res.Actions) == 0 || res.Actions[0].Kind != sanitize.ActConverted || !strings.Contains(res.Actions[0].Detail, "→ jpeg by libheif") {
				t.Errorf("actions %+v, want converted first", res.Actions)
			}
		})
	}
}

// TestPhotoConverterRefuses: what the converter holds, and that it holds it before or
// without delivering anything.
func TestPhotoConverterRefuses(t *testing.T) {
	testtool.Need(t, "prlimit")
	photo := readFile(t, corpusFile("render", "heif-enc-exif-gps.heic"))
	stub := func(body string) string {
		f := filepath.Join(t.TempDir(), "heif-convert")
		if err := os.WriteFile(f, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
			t.Fatal(err)
		}
		return f
	}
	tests := []struct {
		name    string
		program string
		data    []byte
		lim     sanitize.Limits
		want    error
	}{
		{"over limits.max_pixels", "", photo, sanitize.Limits{MaxPixels: 320*240 - 1}, sanitize.ErrLimit},
		{"truncated", "", photo[:len(photo)/2], sanitize.Limits{}, sanitize.ErrMalformed},
		{"decoder crashes", stub("kill -SEGV $$\n"), photo, sanitize.Limits{}, sanitize.ErrMalformed},
		{"decoder hangs", stub("sleep 300\n"), photo, sanitize.Limits{}, sanitize.ErrTimeout},
		{"decoder writes something else", stub(`for a; do o="$a"; done; printf 'GIF89a' > "$o"` + "\n"), photo, sanitize.Limits{}, sanitize.ErrMalformed},
		{"decoder writes too much", stub(`for a; do o="$a"; done; head -c 5000000 /dev/zero > "$o"` + "\n"), photo, sanitize.Limits{MaxFileSize: 1 << 20}, sanitize.ErrLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.program == "" {
				testtool.Need(t, "heif-convert")
			}
			p := photoConverter(t, tt.program)
			if tt.program != "" {
				p.unshare = "" // a stub needs no namespace
				p.timeout = time.Second
			}
			out, _, err := convertPhoto(t, p, tt.data, tt.lim)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if len(out) != 0 {
				t.Errorf("wrote %d bytes on failure", len(out))
			}
			if left, _ := os.ReadDir(p.tmp); len(left) != 0 {
				t.Errorf("left %d entries in the work folder", len(left))
			}
		})
	}
}

// FuzzHEIFSize: the box walk that reads a photo's declared size never panics and never
// reads past the file.
func FuzzHEIFSize(f *testing.F) {
	f.Add(readFile(f, corpusFile("render", "heif-enc-exif-gps.heic")))
	f.Add([]byte("\x00\x00\x00\x01meta\x00\x00\x00\x00\x00\x00\x00\x20"))
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		w, h, err := heifSize(bytes.NewReader(data), int64(len(data)))
		if err == nil && (w < 0 || h < 0) {
			t.Fatalf("negative size %dx%d", w, h)
		}
	})
}
