package img

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/sanitizetest"
)

var update = flag.Bool("update", false, "rewrite golden files")

const corpusDir = "../../testdata/img"

// corpus lists the image files of the shared corpus (not its scripts or README).
func corpus(t testing.TB) []string {
	t.Helper()
	var files []string
	for _, ext := range []string{"png", "apng", "jpg", "gif", "webp", "bmp", "tiff"} {
		m, err := filepath.Glob(filepath.Join(corpusDir, "*."+ext))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatalf("no image files in %s", corpusDir)
	}
	return files
}

// run sanitizes data as the engine would: detected by content, under a fresh budget.
func run(t testing.TB, s *Sanitizer, name string, data []byte, lim sanitize.Limits) ([]byte, sanitize.Result, error) {
	t.Helper()
	in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item", Name: name}
	in.Detected = sanitize.Detect(in.Body)
	var out bytes.Buffer
	res, err := s.Sanitize(context.Background(), in, &out, sanitize.NewBudget(lim))
	return out.Bytes(), res, err
}

// decoded is an output as the standard library reads it, chosen by magic bytes rather than
// through image's registry.
type decoded struct {
	Format string `json:"format"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Frames int    `json:"frames,omitempty"`
	img    image.Image
}

func decodeOutput(out []byte) (decoded, error) {
	r := bytes.NewReader(out)
	switch {
	case bytes.HasPrefix(out, []byte("\x89PNG\r\n\x1a\n")):
		m, err := png.Decode(r)
		if err != nil {
			return decoded{}, err
		}
		return decoded{Format: "png", Width: m.Bounds().Dx(), Height: m.Bounds().Dy(), img: m}, nil
	case bytes.HasPrefix(out, []byte{0xff, 0xd8}):
		m, err := jpeg.Decode(r)
		if err != nil {
			return decoded{}, err
		}
		return decoded{Format: "jpeg", Width: m.Bounds().Dx(), Height: m.Bounds().Dy(), img: m}, nil
	case bytes.HasPrefix(out, []byte("GIF8")):
		g, err := gif.DecodeAll(r)
		if err != nil {
			return decoded{}, err
		}
		return decoded{Format: "gif", Width: g.Config.Width, Height: g.Config.Height, Frames: len(g.Image), img: g.Image[0]}, nil
	}
	return decoded{}, errors.New("output is not png, jpeg or gif")
}

func TestConformance(t *testing.T) {
	var files []string
	for _, f := range corpus(t) {
		// The 2 MP benchmark inputs cost seconds per pass under -race; the golden and
		// independent tests still run them once.
		if !strings.HasPrefix(filepath.Base(f), "bench-") {
			files = append(files, f)
		}
	}
	sanitizetest.Run(t, New(Options{}), files, sanitizetest.Options{
		Reparse: func(out []byte) error { _, err := decodeOutput(out); return err },
	})
}

// report is the golden form of one run: the result plus what the standard library sees in
// the output. Output bytes are not golden: they change with the encoders' versions.
type report struct {
	Verdict sanitize.Verdict  `json:"verdict,omitempty"`
	Actions []sanitize.Action `json:"actions"`
	OutType string            `json:"output_type,omitempty"`
	OutName string            `json:"output_name,omitempty"`
	Output  *decoded          `json:"output,omitempty"`
	Error   string            `json:"error,omitempty"`
}

func TestGoldenReports(t *testing.T) {
	s := New(Options{})
	for _, file := range corpus(t) {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			out, res, err := run(t, s, name, data, sanitize.Limits{})
			rep := report{Verdict: res.Verdict, Actions: res.Actions, OutType: res.OutType, OutName: res.OutName}
			if err != nil {
				rep.Error = err.Error()
			} else {
				d, derr := decodeOutput(out)
				if derr != nil {
					t.Fatalf("output does not decode: %v", derr)
				}
				rep.Output = &d
			}
			got, err := json.MarshalIndent(rep, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", name+".report.golden.json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("report for %s:\n%s\nwant:\n%s", name, got, want)
			}
		})
	}
}

func TestOptions(t *testing.T) {
	tests := []struct {
		o         Options
		quality   int
		level     png.CompressionLevel
		maxFrames int
	}{
		{Options{}, 92, png.BestSpeed, 500},
		{Options{JPEGQuality: 75, PNGCompression: "best", MaxFrames: 10}, 75, png.BestCompression, 10},
		{Options{JPEGQuality: 101, PNGCompression: "default"}, 92, png.DefaultCompression, 500},
		{Options{JPEGQuality: -1, PNGCompression: "bogus"}, 92, png.BestSpeed, 500},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%+v", tc.o), func(t *testing.T) {
			s := New(tc.o)
			if s.quality != tc.quality || s.level != tc.level || s.maxFrames != tc.maxFrames {
				t.Errorf("New(%+v) = quality %d level %d frames %d, want %d %d %d", tc.o, s.quality, s.level, s.maxFrames, tc.quality, tc.level, tc.maxFrames)
			}
		})
	}
}

// TestRefusals pins the error class of each input that must not produce output.
func TestRefusals(t *testing.T) {
	tests := []struct {
		file string
		want error
	}{
		{"bad-animated.webp", sanitize.ErrUnsupported},
		{"bad-rle.bmp", sanitize.ErrUnsupported},
		{"bad-huge-dimensions.png", sanitize.ErrLimit},
		{"bad-truncated.png", sanitize.ErrMalformed},
		{"bad-truncated.jpg", sanitize.ErrMalformed},
		{"bad-truncated.gif", sanitize.ErrMalformed},
		{"bad-truncated.webp", sanitize.ErrMalformed},
		{"bad-truncated.bmp", sanitize.ErrMalformed},
		{"bad-truncated.tiff", sanitize.ErrMalformed},
	}
	s := New(Options{})
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(corpusDir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = run(t, s, tc.file, data, sanitize.Limits{})
			if !errors.Is(err, tc.want) {
				t.Errorf("Sanitize(%s) error = %v, want %v", tc.file, err, tc.want)
			}
		})
	}
	t.Run("not an image", func(t *testing.T) {
		in := &sanitize.Item{Body: strings.NewReader("hello"), Path: "item", Detected: sanitize.Type{Name: "text"}}
		_, err := s.Sanitize(context.Background(), in, &bytes.Buffer{}, sanitize.NewBudget(sanitize.Limits{}))
		if !errors.Is(err, sanitize.ErrUnsupported) {
			t.Errorf("Sanitize(text) error = %v, want %v", err, sanitize.ErrUnsupported)
		}
	})
}
