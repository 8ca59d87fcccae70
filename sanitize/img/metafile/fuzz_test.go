package metafile

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/img"
)

// FuzzRender feeds mutated metafiles (the real ones in testdata and the record-test
// pictures) to the renderer. Properties: no panic; an error is one of the kinds the
// callers turn into a reason (unsupported, malformed, a limit, the deadline); a picture
// stays within the pixel limits, and its PNG is a fixed point of the image family.
func FuzzRender(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.[we]mf"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(wmfSetup().rec(0x0538, 2, 4, 4, 10, 10, 90, 10, 90, 90, 10, 90, 30, 30, 70, 30, 70, 70, 30, 70).rec(0x0418, 90, 90, 10, 10).bytes())
	f.Add(emfSetup().rec(59).rec(27, 10, 90).rec(88, 0, 0, 0, 0, 3, int16(10), int16(10), int16(90), int16(10), int16(90), int16(90)).rec(60).rec(63, 0, 0, 0, 0).bytes())
	lim := Limits{MaxPixels: 1 << 18, MaxSide: 1024, MaxRecords: 100_000}
	f.Fuzz(func(t *testing.T, data []byte) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		res, err := Render(ctx, data, lim)
		if err != nil {
			var le *sanitize.LimitError
			if !errors.Is(err, sanitize.ErrUnsupported) && !errors.Is(err, sanitize.ErrMalformed) && !errors.As(err, &le) && !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("error of no known kind: %v", err)
			}
			return
		}
		b := res.Image.Bounds()
		if b.Dx() > lim.MaxSide || b.Dy() > lim.MaxSide || int64(b.Dx())*int64(b.Dy()) > lim.MaxPixels {
			t.Fatalf("picture %v beyond the limits", b)
		}
		// The documents carry the picture as a PNG that the image family encodes: that
		// PNG must be a fixed point of the family (taken back clean and unchanged).
		var enc bytes.Buffer
		if err := png.Encode(&enc, res.Image); err != nil {
			t.Fatal(err)
		}
		out1, _ := imageFamily(t, enc.Bytes())
		out2, res2 := imageFamily(t, out1)
		if res2.Verdict != sanitize.Clean || len(res2.Actions) != 0 || !bytes.Equal(out1, out2) {
			t.Fatalf("image family's second pass over the picture = %s %+v, %d bytes then %d", res2.Verdict, res2.Actions, len(out1), len(out2))
		}
	})
}

// imageFamily runs data through the image family as the document families do.
func imageFamily(t *testing.T, data []byte) ([]byte, sanitize.Result) {
	t.Helper()
	in := &sanitize.Item{Body: bytes.NewReader(data), Path: "picture"}
	in.Detected = sanitize.Detect(in.Body)
	var out bytes.Buffer
	res, err := img.New(img.Options{}).Sanitize(context.Background(), in, &out, sanitize.NewBudget(sanitize.Limits{MaxPixels: 1 << 20}))
	if err != nil {
		t.Fatalf("image family refused the rendered picture: %v", err)
	}
	return out.Bytes(), res
}
