package portal

import (
	"archive/zip"
	"bytes"
	"context"
	"image"
	_ "image/jpeg" // page images from the rasterizer
	_ "image/png"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/mail"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/sekisho/sekisho/sanitize"
)

// Preview is what an operator may see of a held item: text and page images made by the
// engine from the original, never the original's bytes.
type Preview struct {
	Text      string      // extracted, sanitized text (bounded); shown escaped
	Truncated bool        // Text was cut at the limit
	Pages     []PageImage // page images from the rasterizer, or the re-encoded image
	Entries   []Entry     // an archive's listing (names are attacker text)
	Note      string      // message key: why there is nothing (or not everything) to show
	Detected  sanitize.Type
}

// PageImage is one rendered page: image bytes the rasterizer or image family encoded.
type PageImage struct {
	Type          string // image/jpeg or image/png
	Data          []byte
	Width, Height int
}

// Entry is one archive member as its directory lists it.
type Entry struct {
	Name      string
	Size      int64
	Encrypted bool
}

// Previewer builds previews with the engines. Render may be nil (no page images).
type Previewer struct {
	Files   sanitize.Sanitizer // the configured engine: text and images
	Message sanitize.Sanitizer // whole messages
	Render  sanitize.Sanitizer // an engine whose policy renders documents to image-only PDFs
	// MaxText bounds the text shown (default 256 KiB); MaxPages the page images (default 20).
	MaxText  int
	MaxPages int
}

// Build previews the original body of an item named name.
func (p *Previewer) Build(ctx context.Context, name, declared string, whole bool, body []byte) (*Preview, error) {
	if p.MaxText <= 0 {
		p.MaxText = 256 << 10
	}
	if p.MaxPages <= 0 {
		p.MaxPages = 20
	}
	blob := bytes.NewReader(body)
	t := sanitize.Detect(blob)
	pv := &Preview{Detected: t}
	switch {
	case whole || t.Class == sanitize.ClassMessage:
		return pv, p.message(ctx, pv, name, body)
	case t.Class == sanitize.ClassText:
		out, err := p.run(ctx, p.Files, name, declared, body)
		if err != nil || out == nil {
			pv.Note = "preview.none"
			return pv, err
		}
		pv.setText(out, p.MaxText)
	case t.Class == sanitize.ClassImage:
		out, err := p.run(ctx, p.Files, name, declared, body)
		if err != nil || out == nil {
			pv.Note = "preview.none"
			return pv, err
		}
		if pg, ok := pageImage(out); ok {
			pv.Pages = append(pv.Pages, pg)
		}
	case t.Class == sanitize.ClassArchive && t.Name == "zip":
		pv.Entries, pv.Note = zipListing(body)
	case t.Class == sanitize.ClassPDF || t.Class == sanitize.ClassOOXML || t.Class == sanitize.ClassODF ||
		t.Class == sanitize.ClassRTF || t.Class == sanitize.ClassOLE:
		if p.Render == nil {
			pv.Note = "preview.no_renderer"
			return pv, nil
		}
		total := 0
		if t.Class == sanitize.ClassPDF {
			body, total = firstPages(body, p.MaxPages)
		}
		out, err := p.run(ctx, p.Render, name, declared, body)
		if err != nil || out == nil {
			pv.Note = "preview.render_failed"
			return pv, err
		}
		var rendered int
		pv.Pages, rendered, err = pdfPages(out, p.MaxPages)
		if err != nil {
			pv.Note = "preview.render_failed"
			return pv, err
		}
		if max(total, rendered) > len(pv.Pages) {
			pv.Note = "preview.more_pages"
		}
	default:
		pv.Note = "preview.none"
	}
	return pv, nil
}

// run sanitizes body with s; nil output means the engine refused it (no error: that is
// an answer, not a failure).
func (p *Previewer) run(ctx context.Context, s sanitize.Sanitizer, name, declared string, body []byte) ([]byte, error) {
	var out bytes.Buffer
	res, err := s.Sanitize(ctx, &sanitize.Item{Body: bytes.NewReader(body), Name: name, DeclaredType: declared}, &out, nil)
	if err != nil {
		return nil, err
	}
	if !res.Verdict.HasOutput() {
		return nil, nil
	}
	return out.Bytes(), nil
}

func (pv *Preview) setText(b []byte, max int) {
	if len(b) > max {
		b, pv.Truncated = b[:max], true
		for len(b) > 0 && !utf8.Valid(b[len(b)-3:]) {
			b = b[:len(b)-1]
		}
	}
	pv.Text = strings.ToValidUTF8(string(b), "\uFFFD")
}

// message previews a whole held message: the mail family rebuilds it (bodies to text,
// attachments through the engine) and the text parts of that rebuilt message are shown.
func (p *Previewer) message(ctx context.Context, pv *Preview, name string, body []byte) error {
	out, err := p.run(ctx, p.Message, name, "message/rfc822", body)
	if err != nil || out == nil {
		pv.Note = "preview.none"
		return err
	}
	mr, err := mail.CreateReader(bytes.NewReader(out))
	if err != nil {
		pv.Note = "preview.none"
		return nil
	}
	var sb strings.Builder
	for sb.Len() < p.MaxText {
		part, err := mr.NextPart()
		if err != nil {
			break
		}
		switch h := part.Header.(type) {
		case *mail.InlineHeader:
			b, _ := io.ReadAll(io.LimitReader(part.Body, int64(p.MaxText-sb.Len())))
			sb.Write(b)
			sb.WriteString("\n")
		case *mail.AttachmentHeader:
			fn, _ := h.Filename()
			pv.Entries = append(pv.Entries, Entry{Name: fn})
		}
	}
	pv.setText([]byte(sb.String()), p.MaxText)
	return nil
}

// pdfConf reads the rasterizer's own output: relaxed, offline, never the per-user
// configuration directory.
func pdfConf() *model.Configuration {
	return &model.Configuration{
		Version:                   model.VersionStr,
		Reader15:                  true,
		ValidationMode:            model.ValidationRelaxed,
		UnsupportedResourcePolicy: model.UnsupportedResourceSkip,
		Offline:                   true,
		Timeout:                   5,
		Cmd:                       model.EXTRACTIMAGES,
		Limits:                    model.DefaultResourceLimits(),
	}
}

// pageImage checks that b is an image the browser may be sent (PNG or JPEG that decodes
// as such) and describes it.
func pageImage(b []byte) (PageImage, bool) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || (format != "jpeg" && format != "png") {
		return PageImage{}, false
	}
	return PageImage{Type: "image/" + format, Data: b, Width: cfg.Width, Height: cfg.Height}, true
}

// zipListing lists a zip's central directory without extracting anything.
func zipListing(body []byte) ([]Entry, string) {
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return nil, "preview.none"
	}
	var out []Entry
	enc := false
	for i, f := range zr.File {
		if i == 1000 {
			break
		}
		e := f.Flags&1 != 0
		enc = enc || e
		out = append(out, Entry{Name: f.Name, Size: int64(min(f.UncompressedSize64, 1<<62)), Encrypted: e})
	}
	if enc {
		return out, "preview.encrypted"
	}
	return out, ""
}
