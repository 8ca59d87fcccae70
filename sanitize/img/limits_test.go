package img

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// TestHugeClaimRefusedWithoutAllocating: a PNG header claiming 100000x100000 pixels (40 GB
// decoded) must be refused by limits.max_pixels from the header alone.
func TestHugeClaimRefusedWithoutAllocating(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(corpusDir, "bad-huge-dimensions.png"))
	if err != nil {
		t.Fatal(err)
	}
	s := New(Options{})
	in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item", Detected: sanitize.Detect(bytes.NewReader(data))}
	call := func() error {
		_, err := s.Sanitize(context.Background(), in, &bytes.Buffer{}, sanitize.NewBudget(sanitize.Limits{}))
		return err
	}
	var le *sanitize.LimitError
	if err := call(); !errors.As(err, &le) || le.Limit != "limits.max_pixels" || le.Got != 100000*100000 {
		t.Fatalf("Sanitize(bad-huge-dimensions.png) = %v, want *LimitError for limits.max_pixels with got 1e10", err)
	}
	if n := testing.AllocsPerRun(20, func() { call() }); n > 16 {
		t.Errorf("refusing the huge claim made %.0f allocations, want at most 16", n)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 10 {
		call()
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / 10; per > 16<<10 {
		t.Errorf("refusing the huge claim allocated %d bytes per call, want under 16 KiB", per)
	}
}

// TestPixelLimitBeforeDecoding runs every format under a budget smaller than the image: each
// must fail with limits.max_pixels having allocated far less than the pixels would take.
func TestPixelLimitBeforeDecoding(t *testing.T) {
	tests := []struct {
		file      string
		maxPixels int64
	}{
		{"bench-2mp.png", 1_000_000},
		{"bench-2mp.jpg", 1_000_000},
		{"photo.webp", 10_000},
		{"image.bmp", 1_000},
		{"image.tiff", 10_000},
		{"static.gif", 10_000},
		// The logical screen (4800 px) fits; the three frames together (10800 px) do not.
		{"animated.gif", 9_600},
	}
	s := New(Options{})
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(corpusDir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, _, err = run(t, s, tc.file, data, sanitize.Limits{MaxPixels: tc.maxPixels})
			runtime.ReadMemStats(&after)
			var le *sanitize.LimitError
			if !errors.As(err, &le) || le.Limit != "limits.max_pixels" {
				t.Fatalf("Sanitize(%s) with max_pixels %d = %v, want *LimitError for limits.max_pixels", tc.file, tc.maxPixels, err)
			}
			// tiff.DecodeConfig reads its whole first IFD; everything else reads a header.
			if got := after.TotalAlloc - before.TotalAlloc; got > 256<<10 {
				t.Errorf("allocated %d bytes before refusing, want under 256 KiB", got)
			}
		})
	}
}

func TestGIFFrameLimit(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(corpusDir, "animated.gif"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		maxFrames int
		want      error
	}{
		{2, sanitize.ErrUnsupported},
		{3, nil},
	}
	for _, tc := range tests {
		_, _, err := run(t, New(Options{MaxFrames: tc.maxFrames}), "a.gif", data, sanitize.Limits{})
		if !errors.Is(err, tc.want) {
			t.Errorf("Sanitize(animated.gif) with MaxFrames %d = %v, want %v", tc.maxFrames, err, tc.want)
		}
	}
}

// TestCanceledDuringWork cancels from inside the write path: the encoder must stop and
// report the context's error, not a malformed-input error.
func TestCanceledDuringWork(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(corpusDir, "bench-2mp.png"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item", Detected: sanitize.Detect(bytes.NewReader(data))}
	w := cancelingWriter{cancel: cancel}
	_, err = New(Options{}).Sanitize(ctx, in, &w, sanitize.NewBudget(sanitize.Limits{}))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Sanitize canceled while writing = %v, want context.Canceled", err)
	}
}

type cancelingWriter struct {
	cancel func()
	n      int
}

func (c *cancelingWriter) Write(p []byte) (int, error) {
	c.n += len(p)
	c.cancel()
	return len(p), nil
}
