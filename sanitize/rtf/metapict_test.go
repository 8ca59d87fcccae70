package rtf

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

func readMetafile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../testdata/metafile", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pictData finds the one picture's words and hex data in an output.
var pictData = regexp.MustCompile(`\{\\pict((?:\\[a-z]+-?[0-9]*)*)\s+([0-9a-f\r\n]+)\}`)

// TestMetafilePictures: WMF and EMF pictures are drawn into PNGs written back as
// \pngblip, with the display size kept or computed; pictures the renderer refuses go with
// its reason.
func TestMetafilePictures(t *testing.T) {
	wmf := readMetafile(t, "clipart-computer.wmf")[22:] // as Word writes it: no placeable header
	emf := readMetafile(t, "chart-3d.emf")
	// A WMF whose one drawing record is a flood fill, which the renderer does not draw.
	flood := "010009000003" + "1a000000" + "0000" + "07000000" + "0000" +
		"050000000c0210001000" + "07000000" + "1904" + "00000000" + "0000" + "0000" + "030000000000"
	tests := []struct {
		name, pict string
		want       sanitize.ActionKind
		words      string // the picture's words in the output
		detail     string
		side       int // the PNG's longer side: 150 dpi of the size shown, at least 64
	}{
		{"wmf with its size", `{\pict\picscalex60\wmetafile8\picw319\pich254\picwgoal4785\pichgoal3810 ` + hexLines(wmf) + `}`,
			sanitize.ActRasterized, `\picscalex60\pngblip\picw319\pich254\picwgoal4785\pichgoal3810`, `WMF picture (\wmetafile) drawn as PNG`, 396},
		{"wmf sized from picw and pich", `{\pict\wmetafile8\picw1000\pich800\bin` + fmt.Sprint(len(wmf)) + ` ` + string(wmf) + `}`,
			sanitize.ActRasterized, `\pngblip\picwgoal566\pichgoal453\picw1000\pich800`, "drawn as PNG", 64},
		{"emf sized from its frame", `{\pict\picw510\pich383\picwgoal7654\emfblip ` + hexLines(emf) + `}`,
			sanitize.ActRasterized, `\picw510\pich383\picwgoal7654\pngblip\pichgoal5740`, `EMF picture (\emfblip) drawn as PNG`, 797},
		{"upper case word", `{\pict\EMFBLIP ` + hexLines(emf) + `}`,
			sanitize.ActRasterized, `\pngblip\picwgoal7653\pichgoal5740`, "its text (13 records)", 797},
		{"emf marked wmf", `{\pict\wmetafile8\picw10\pich10 ` + hexLines(emf) + `}`,
			sanitize.ActRemovedPart, "", `picture marked \wmetafile that is not a WMF metafile`, 0},
		{"a record the renderer does not draw", `{\pict\wmetafile8\picw10\pich10 ` + flood + `}`,
			sanitize.ActRemovedPart, "", `WMF picture (\wmetafile, vector metafile of GDI drawing records) left out: `, 0},
		{"truncated", `{\pict\emfblip ` + hexLines(emf[:30]) + `}`,
			sanitize.ActRemovedPart, "", "not a EMF metafile", 0},
		{"two types", `{\pict\emfblip\wmetafile8 ` + hexLines(emf) + `}`,
			sanitize.ActRemovedPart, "", "picture data that is not hex", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, res, err := run(t, []byte(docStart+"Picture: "+tc.pict+" end."+docEnd), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Actions) != 1 || res.Actions[0].Kind != tc.want || !strings.Contains(res.Actions[0].Detail, tc.detail) {
				t.Fatalf("actions %+v, want one %s with %q", res.Actions, tc.want, tc.detail)
			}
			if err := reparse(out); err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(out, []byte("Picture: ")) || !bytes.Contains(out, []byte(" end.")) {
				t.Errorf("text around the picture lost:\n%s", out)
			}
			m := pictData.FindSubmatch(out)
			if tc.want != sanitize.ActRasterized {
				if m != nil || bytes.Contains(out, []byte(`\pict`)) {
					t.Errorf("picture kept:\n%.400s", out)
				}
				return
			}
			if m == nil {
				t.Fatalf("no picture in the output:\n%.600s", out)
			}
			if string(m[1]) != tc.words {
				t.Errorf("picture words %s, want %s", m[1], tc.words)
			}
			data, err := hex.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(m[2])))
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("picture data is not a PNG: %v", err)
			}
			if sz := fmt.Sprintf("(%dx%d)", img.Bounds().Dx(), img.Bounds().Dy()); !strings.Contains(res.Actions[0].Detail, sz) {
				t.Errorf("PNG of %s, report says %q", sz, res.Actions[0].Detail)
			}
			if side := max(img.Bounds().Dx(), img.Bounds().Dy()); side != tc.side {
				t.Errorf("PNG's longer side %d, want %d", side, tc.side)
			}
			// The output is a fixed point: the PNG is re-encoded to the same bytes.
			out2, res2, err := run(t, out, Options{})
			if err != nil || len(res2.Actions) != 0 || !bytes.Equal(out, out2) {
				t.Errorf("second pass: err %v, actions %+v, same bytes %v", err, res2.Actions, bytes.Equal(out, out2))
			}
		})
	}
}
