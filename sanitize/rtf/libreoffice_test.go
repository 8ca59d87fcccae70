package rtf

import (
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
)

// TestLibreOfficeOpensOutput is the independent check: LibreOffice must open every
// sanitized document, and the text around each removed object or field must survive,
// while the removed payloads must not appear. Metafile pictures drawn into PNGs must be
// in LibreOffice's PDF as the pictures of the sizes drawn (the metafiles themselves would
// be vector drawings there, not images).
func TestLibreOfficeOpensOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("starts LibreOffice")
	}
	soffice := testtool.Need(t, "soffice")
	pdftotext := testtool.Need(t, "pdftotext")
	pdfimages := testtool.Need(t, "pdfimages")
	tests := map[string]struct {
		want, not []string
		images    []float64 // the width/height ratio of each picture in the PDF
	}{
		"lo-plain.rtf":                   {want: []string{"Sekisho legacy sample document", "日本語のテキストも含まれます"}},
		"lo-fields.rtf":                  {want: []string{"Fields sample 住民票", "the city site", "Page 1 of the report"}},
		"gen-object-package.rtf":         {want: []string{"Invoice attached:", "see above."}},
		"gen-object-equation.rtf":        {want: []string{"Equation:", "a+b"}},
		"gen-object-autlink.rtf":         {want: []string{"Linked:"}},
		"gen-dde-field.rtf":              {want: []string{"Quarterly figures:", "1,234", "done."}, not: []string{"calc", "cmd.exe"}},
		"gen-dde-split.rtf":              {want: []string{"Split:", "Result", "done."}, not: []string{"calc"}},
		"gen-dde-unicode.rtf":            {want: []string{"Unicode:", "safe", "done."}, not: []string{"calc"}},
		"gen-dde-nested-quote.rtf":       {want: []string{"Nested:", "shown", "done."}, not: []string{"calc"}},
		"gen-includepicture.rtf":         {want: []string{"Remote:", "done."}},
		"gen-hyperlink.rtf":              {want: []string{"Link:", "www.example.jp", "and page 1"}},
		"gen-template.rtf":               {want: []string{"Template injection."}},
		"gen-linked-picture.rtf":         {want: []string{"Logo:", "end."}},
		"gen-escaped-text.rtf":           {want: []string{`Words that are text: \object \objdata {\objupdate} DDEAUTO.`}},
		"gen-unicode.rtf":                {want: []string{"請求書"}},
		"gen-uc-skip-hyperlink.rtf":      {want: []string{"msdt", "hcp", "across", "into", "kept"}},
		"gen-shape-links.rtf":            {want: []string{"Fill:", "end."}},
		"gen-hyperlink-space-words.rtf":  {want: []string{"tab", "emspace"}},
		"gen-field-two-instructions.rtf": {want: []string{"two"}},
		"gen-shape-orphan-property.rtf":  {want: []string{"Logo:", "end."}},
		"gen-trailing-data.rtf":          {want: []string{"Body."}, not: []string{"payload"}},
		"lo-metafile-pictures.rtf": {want: []string{"Clip art:", "end.", "Chart:", "done."},
			images: []float64{299.0 / 238, 374.0 / 281}}, // the PNGs drawn
	}
	dir := t.TempDir()
	var outs []string
	for name := range tests {
		data, err := os.ReadFile(filepath.Join(corpusDir, name))
		if err != nil {
			t.Fatal(err)
		}
		out, _, err := run(t, data, Options{})
		if err != nil {
			t.Fatalf("Sanitize(%s): %v", name, err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, out, 0o644); err != nil {
			t.Fatal(err)
		}
		outs = append(outs, p)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	args := append([]string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"), "--headless",
		"--convert-to", "pdf", "--outdir", filepath.Join(dir, "pdf")}, outs...)
	if out, err := exec.CommandContext(ctx, soffice, args...).CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	// The links LibreOffice reads from the outputs, whatever escapes spelled them.
	args = append([]string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"), "--headless",
		"--convert-to", "html", "--outdir", filepath.Join(dir, "html")}, outs...)
	if out, err := exec.CommandContext(ctx, soffice, args...).CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			html, err := os.ReadFile(filepath.Join(dir, "html", strings.TrimSuffix(name, ".rtf")+".html"))
			if err != nil {
				t.Fatalf("LibreOffice did not convert the sanitized %s to HTML: %v", name, err)
			}
			for _, m := range loLink.FindAllSubmatch(html, -1) {
				if u := string(m[2]); !webLink.MatchString(u) {
					t.Errorf("HTML of sanitized %s links to %q", name, u)
				}
			}
			pdf := filepath.Join(dir, "pdf", strings.TrimSuffix(name, ".rtf")+".pdf")
			txt, err := exec.CommandContext(ctx, pdftotext, "-layout", pdf, "-").Output()
			if err != nil {
				t.Fatalf("LibreOffice did not convert the sanitized %s: %v", name, err)
			}
			text := strings.Join(strings.Fields(string(txt)), " ")
			for _, w := range tc.want {
				if !strings.Contains(text, strings.Join(strings.Fields(w), " ")) {
					t.Errorf("PDF of sanitized %s lacks %q; text: %q", name, w, text)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(text, n) {
					t.Errorf("PDF of sanitized %s shows %q", name, n)
				}
			}
			if tc.images == nil {
				return
			}
			list, err := exec.CommandContext(ctx, pdfimages, "-list", pdf).Output()
			if err != nil {
				t.Fatalf("pdfimages %s: %v", name, err)
			}
			// Two header lines, then one line per image: page, num, type, width, height, ...
			// LibreOffice scales pictures down to 300 dpi: their shapes are compared.
			var got []float64
			for _, l := range strings.Split(strings.TrimSpace(string(list)), "\n")[2:] {
				f := strings.Fields(l)
				if len(f) < 5 || f[2] != "image" {
					continue
				}
				w, _ := strconv.ParseFloat(f[3], 64)
				h, _ := strconv.ParseFloat(f[4], 64)
				if h > 0 {
					got = append(got, w/h)
				}
			}
			if !slices.EqualFunc(got, tc.images, func(a, b float64) bool { return math.Abs(a/b-1) < 0.02 }) {
				t.Errorf("pictures in the PDF of sanitized %s have the shapes %.3f, want %.3f\n%s", name, got, tc.images, list)
			}
		})
	}
}

// loLink finds the addresses in LibreOffice's HTML export: links and images.
var loLink = regexp.MustCompile(`(?i)\b(href|src)="([^"]*)"`)

// webLink is what a kept address may be: a web or mail link, a bookmark, or a picture
// LibreOffice wrote next to the HTML file.
var webLink = regexp.MustCompile(`(?i)^(https?://|mailto:|#|[a-z0-9_.-]+\.(png|jpg|gif)$)`)
