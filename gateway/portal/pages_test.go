package portal_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	_ "image/jpeg"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"

	"github.com/sekisho/sekisho/gateway/portal"
	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// TestPageImagesMatchPoppler: the page images the preview takes out of the rasterizer's
// PDF are what poppler's pdfimages finds there: the same JPEG bytes for photographic
// pages, the same pixels for 4-bit gray and RGB pages (written as PNG here). pdfcpu's
// own extraction, used before, panics on the 4-bit RGB pages.
func TestPageImagesMatchPoppler(t *testing.T) {
	bin := testtool.Need(t, "pdfimages")
	pv := previewer(t)
	types := map[string]int{}
	for _, f := range []string{"pdf/text-1p.pdf", "pdf/img2pdf-images.pdf", "pdf/chromium-ja.pdf"} {
		t.Run(f, func(t *testing.T) {
			var out bytes.Buffer
			res, err := pv.Render.Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(read(t, f)), Name: "a.pdf"}, &out, nil)
			if err != nil || !res.Verdict.HasOutput() {
				t.Fatalf("render: %v %v", res.Verdict, err)
			}
			got, err := portal.PDFPages(out.Bytes(), 50)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			in := filepath.Join(dir, "in.pdf")
			if err := os.WriteFile(in, out.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			if b, err := exec.Command(bin, "-all", in, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
				t.Fatalf("pdfimages: %v %s", err, b)
			}
			want, _ := filepath.Glob(filepath.Join(dir, "p-*"))
			sort.Strings(want)
			if len(got) != len(want) || len(got) == 0 {
				t.Fatalf("%d pages, pdfimages finds %d", len(got), len(want))
			}
			for i, pg := range got {
				ref, err := os.ReadFile(want[i])
				if err != nil {
					t.Fatal(err)
				}
				types[pg.Type]++
				if pg.Type == "image/jpeg" {
					if !bytes.Equal(pg.Data, ref) {
						t.Errorf("page %d: JPEG differs from pdfimages' %s", i+1, filepath.Base(want[i]))
					}
					continue
				}
				a, _, err := image.Decode(bytes.NewReader(pg.Data))
				if err != nil {
					t.Fatal(err)
				}
				b, _, err := image.Decode(bytes.NewReader(ref))
				if err != nil {
					t.Fatalf("%s: %v", want[i], err)
				}
				if _, ok := a.(*image.Paletted); !ok {
					types["rgb"]++
				}
				if a.Bounds() != b.Bounds() || a.Bounds().Dx() != pg.Width {
					t.Fatalf("page %d: %v, pdfimages %v", i+1, a.Bounds(), b.Bounds())
				}
				if n := differ(a, b); n > 0 {
					t.Errorf("page %d (%s, %s): %d pixels differ", i+1, pg.Type, filepath.Base(want[i]), n)
				}
			}
		})
	}
	if types["image/jpeg"] == 0 || types["image/png"] == 0 || types["rgb"] == 0 {
		t.Errorf("the samples did not cover JPEG, gray and RGB pages: %v", types)
	}
}

func differ(a, b image.Image) int {
	n := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			p, q := color.NRGBAModel.Convert(a.At(x, y)).(color.NRGBA), color.NRGBAModel.Convert(b.At(x, y)).(color.NRGBA)
			if p != q {
				n++
			}
		}
	}
	return n
}
