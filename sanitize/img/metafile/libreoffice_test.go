package metafile

import (
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
)

// TestAgainstLibreOffice draws the real pictures in testdata and compares each with
// LibreOffice's rendering of the same file (soffice --convert-to png puts it on a page):
// the ink maps of both, cropped to what is drawn, must correlate at least as much as the
// table says. It checks that the records are drawn in the right places, not pixel
// equality; text is drawn in other fonts than LibreOffice's, so pictures of text have
// lower floors.
func TestAgainstLibreOffice(t *testing.T) {
	if raceEnabled {
		t.Skip("LibreOffice does the work here, out of the race detector's sight: runs without -race")
	}
	soffice := testtool.Need(t, "soffice")
	floors := map[string]float64{
		"clipart-computer.wmf":     0.95,
		"clipart-people.wmf":       0.95,
		"ole-icon-bitmap.emf":      0.95,
		"curves.emf":               0.95,
		"graph.emf":                0.9,
		"thumbnail-invitation.wmf": 0.9,
		"chart-bars.wmf":           0.85, // a title in a bold face the Go fonts draw wider
		"chart-3d.emf":             0.8,
		"pie-3d.emf":               0.9,
		// Equation Editor pictures: serif Times and Symbol glyphs against the sans Go
		// fonts, and ∀ has no glyph there (a box).
		"equation-radical.wmf":   0.55,
		"equation-text-only.wmf": 0.35,
		"equation-matrix.wmf":    0.55, // parentheses of Symbol pieces, drawn as lines
		// Japanese chart labels in IPA Gothic and IPA Mincho, which LibreOffice has too
		// (drawn as boxes, jp-chart.emf comes out at 0.89).
		"jp-chart.emf": 0.95,
		"jp-bars.wmf":  0.95,
	}
	if g, m := SystemFonts(); !g || !m {
		needCJKFonts(t) // fails under CI
		delete(floors, "jp-chart.emf")
		delete(floors, "jp-bars.wmf")
	}
	dir := t.TempDir()
	args := []string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"), "--headless", "--norestore",
		"--convert-to", "png", "--outdir", dir}
	for name := range floors {
		args = append(args, filepath.Join(corpusDir, name))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, soffice, args...).CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	for name, floor := range floors {
		data, err := os.ReadFile(filepath.Join(corpusDir, name))
		if err != nil {
			t.Fatal(err)
		}
		res, err := Render(context.Background(), data, Limits{})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		f, err := os.Open(filepath.Join(dir, strings.TrimSuffix(name, filepath.Ext(name))+".png"))
		if err != nil {
			t.Errorf("%s: LibreOffice made no PNG: %v", name, err)
			continue
		}
		lo, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		sim := similarity(inkMap(res.Image, 32), inkMap(lo, 32))
		t.Logf("%s: similarity %.2f (floor %.2f), %d records, %d text", name, sim, floor, res.Records, res.Text)
		if sim < floor {
			t.Errorf("%s: similarity to LibreOffice's rendering %.2f, want >= %.2f", name, sim, floor)
		}
	}
}

// TestRealPictures: every real picture in testdata renders, draws something, and draws
// its text with glyphs (boxes only for characters no font here has).
func TestRealPictures(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.[we]mf"))
	if len(files) < 10 {
		t.Fatalf("%d pictures in testdata", len(files))
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(file)
		png, res, err := ToPNG(context.Background(), strings.NewReader(string(data)), int64(len(data)), Limits{})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(png) == 0 || blank(res) {
			t.Errorf("%s: nothing drawn", name)
		}
		if res.Text > 0 && res.Glyphs < res.Boxes {
			t.Errorf("%s: %d glyphs, %d boxes", name, res.Glyphs, res.Boxes)
		}
		if g, _ := SystemFonts(); g && strings.HasPrefix(name, "jp-") && (res.Fallback == 0 || res.Boxes > 0) {
			t.Errorf("%s: %d characters from the system CJK font, %d boxes", name, res.Fallback, res.Boxes)
		}
	}
}
