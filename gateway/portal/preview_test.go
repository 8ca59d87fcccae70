package portal_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/gateway/portal"
	"github.com/sekisho/sekisho/internal/assemble"
	"github.com/sekisho/sekisho/internal/testtool"
)

func previewer(t testing.TB) *portal.Previewer {
	t.Helper()
	cfg := config.Default()
	// PDFium's compiled form is cached under data_dir/cache: shared by the tests of this
	// package, it saves ~10 s per engine.
	cfg.DataDir = filepath.Join(os.TempDir(), "sekisho-portal-test")
	files, err := assemble.NewSanitizers(cfg, assemble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { files.Close() })
	render, err := assemble.NewSanitizers(assemble.PreviewConfig(cfg), assemble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { render.Close() })
	return &portal.Previewer{Files: files.Files, Message: files.Message, Render: render.Files, MaxPages: 2}
}

func read(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../testdata", p))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPreview(t *testing.T) {
	pv := previewer(t)
	ctx := context.Background()
	for _, tc := range []struct {
		file      string
		whole     bool
		pages     int // at least
		text      string
		entries   int
		note      string
		needsTool string
	}{
		{file: "sample/invoice.csv", text: "'"},
		{file: "pdf/ja-multipage.pdf", pages: 2, note: "preview.more_pages"},
		{file: "pdf/text-100p.pdf", pages: 2, note: "preview.more_pages"}, // cut to 2 pages before rendering
		{file: "pdf/text-1p.pdf", pages: 1},
		{file: "pdf/bad-encrypted-userpw.pdf", note: "preview.render_failed"},
		{file: "mail/office-attachments.eml", whole: true, text: "請求書を添付します", entries: 3},
		{file: "ole/lo-plain.doc", pages: 1, needsTool: "soffice"},
		{file: "ole/gen-vba.xls", pages: 1, needsTool: "soffice"},
		{file: "../gateway/portal/ppap/testdata/aes256.zip", entries: 3, note: "preview.encrypted"},
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			if tc.needsTool != "" {
				testtool.Need(t, tc.needsTool)
			}
			p, err := pv.Build(ctx, filepath.Base(tc.file), "", tc.whole, read(t, tc.file))
			if err != nil && tc.note != "preview.render_failed" {
				t.Fatal(err)
			}
			if len(p.Pages) < tc.pages || (tc.pages == 0 && len(p.Pages) > 0) {
				t.Errorf("pages %d, want >= %d", len(p.Pages), tc.pages)
			}
			for _, pg := range p.Pages {
				if (pg.Type != "image/jpeg" && pg.Type != "image/png") || pg.Width < 100 {
					t.Errorf("page %s %dx%d", pg.Type, pg.Width, pg.Height)
				}
			}
			if !strings.Contains(p.Text, tc.text) {
				t.Errorf("text %q lacks %q", trunc(p.Text), tc.text)
			}
			if len(p.Entries) < tc.entries {
				t.Errorf("entries %v", p.Entries)
			}
			if p.Note != tc.note {
				t.Errorf("note %q, want %q", p.Note, tc.note)
			}
		})
	}
}

func trunc(s string) string {
	if len(s) > 200 {
		return s[:200]
	}
	return s
}
