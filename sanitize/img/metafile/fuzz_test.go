package metafile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// FuzzRender feeds mutated metafiles (the real ones in testdata and the record-test
// pictures) to the renderer. Properties: no panic; an error is one of the kinds the
// callers turn into a reason (unsupported, malformed, a limit, the deadline); a picture
// stays within the pixel limits.
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
	})
}
