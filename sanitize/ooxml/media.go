package ooxml

import (
	"context"
	"fmt"
	"io"
	"mime"
	"path"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// mediaOut locates one sanitized image inside the job's media spool.
type mediaOut struct{ off, n int64 }

// sanitizeMedia runs one image through the inner sanitizer and appends the result to out.
// It returns nil and a reason when the image must be removed. The decompressed input is
// spooled (memory or temp file) and charged to the budget; the inner call gets b.Nest().
func sanitizeMedia(ctx context.Context, inner sanitize.Sanitizer, parent *sanitize.Item, name, ctype string,
	r io.Reader, b *sanitize.Budget, out *sanitize.Spool) (*mediaOut, *sanitize.Result, string, error) {
	if inner == nil {
		return nil, nil, "no image sanitizer configured", nil
	}
	nb, err := b.Nest()
	if err != nil {
		return nil, nil, "", err
	}
	src, err := sanitize.SpoolReader(r, sanitize.SpoolOptions{Max: b.Limits().MaxFileSize})
	if err != nil {
		return nil, nil, "", err
	}
	defer src.Remove()
	var head [44]byte
	n, _ := src.ReadAt(head[:], 0)
	if kind := metafileKind(ctype, head[:n]); kind != "" {
		return nil, nil, kind + metafileReason, nil
	}
	item := &sanitize.Item{
		Body:         src.Blob(),
		Path:         sanitize.JoinPath(parent.Path, name),
		Name:         path.Base(name),
		DeclaredType: ctype,
	}
	item.Detected = sanitize.Detect(item.Body)
	start := out.Size()
	res, err := inner.Sanitize(ctx, item, out, nb)
	if err != nil {
		return nil, nil, "", err
	}
	if !res.Verdict.HasOutput() && res.Verdict != "" {
		return nil, &res, "refused by the image sanitizer: " + res.Reason, nil
	}
	if res.Detected.Class != "" && res.Detected.Class != sanitize.ClassImage {
		return nil, &res, fmt.Sprintf("content is %s, not an image", res.Detected.Name), nil
	}
	if res.OutType != "" && !sameMediaType(res.OutType, ctype) {
		// The package declares the part's type; an image converted to another format
		// would no longer match it.
		return nil, &res, "image format changed by the image sanitizer", nil
	}
	return &mediaOut{off: start, n: out.Size() - start}, &res, "", nil
}

// metafileReason says why a WMF or EMF picture is left out. A metafile is a list of GDI
// drawing calls (with escapes, embedded bitmaps and objects) that no family here rebuilds.
// Only LibreOffice rasterizes them on this system (ImageMagick has no WMF delegate), and
// one soffice start is seconds of wall time per document, against the family's budget of
// milliseconds; a document with many pictures (clip art, equations) would take minutes.
const metafileReason = " picture (vector metafile of GDI drawing records) is not rebuilt by the gateway and is left out; send it as PNG or use the render policy"

// metafileKind names a WMF or EMF picture from its declared type or its first bytes:
// the placeable WMF key, a WMF header (type 1 or 2, header size 9 words, version
// 0x100/0x300), or an EMF header record (type 1, " EMF" at byte 40).
func metafileKind(ctype string, head []byte) string {
	switch strings.ToLower(ctype) {
	case "image/x-wmf", "image/wmf", "application/x-msmetafile", "image/x-win-metafile":
		return "WMF"
	case "image/x-emf", "image/emf":
		return "EMF"
	}
	switch {
	case len(head) >= 4 && string(head[:4]) == "\xd7\xcd\xc6\x9a":
		return "WMF"
	case len(head) >= 6 && (head[0] == 1 || head[0] == 2) && head[1] == 0 && head[2] == 9 && head[3] == 0 && head[4] == 0 && (head[5] == 1 || head[5] == 3):
		return "WMF"
	case len(head) >= 44 && head[0] == 1 && head[1] == 0 && head[2] == 0 && head[3] == 0 && string(head[40:44]) == " EMF":
		return "EMF"
	}
	return ""
}

func sameMediaType(a, b string) bool {
	ma, _, errA := mime.ParseMediaType(a)
	mb, _, errB := mime.ParseMediaType(b)
	if errA != nil || errB != nil {
		return false
	}
	norm := func(s string) string {
		if s == "image/jpg" || s == "image/pjpeg" {
			return "image/jpeg"
		}
		return s
	}
	return norm(ma) == norm(mb)
}

// nestedActions keeps what a nested sanitizer removed. Re-encoding and rebuilding are how
// it works, not findings: reporting them would make every document with a picture
// "sanitized" on every pass, and a clean output must sanitize again to clean.
func nestedActions(res *sanitize.Result) []sanitize.Action {
	var out []sanitize.Action
	for _, a := range res.Actions {
		switch a.Kind {
		case sanitize.ActReencoded, sanitize.ActRebuilt, sanitize.ActTypeMismatch,
			sanitize.ActQuarantined, sanitize.ActBlocked, sanitize.ActStripped: // reported as removed-part
			continue
		}
		out = append(out, a)
	}
	return out
}

// processMedia sanitizes every kept image part now, before any XML is written, so that an
// image the inner sanitizer refuses can be removed along with the references to it.
func (j *job) processMedia() error {
	for _, p := range j.parts {
		if p.gone || p.rels != nil || !strings.HasPrefix(strings.ToLower(p.ctype), "image/") {
			continue
		}
		if err := j.ctx.Err(); err != nil {
			return err
		}
		if j.mediaOut == nil && j.s.inner != nil {
			j.mediaOut = sanitize.NewSpool(sanitize.SpoolOptions{Max: j.b.Limits().MaxTotalSize})
		}
		var rc io.ReadCloser
		if j.s.inner != nil {
			var err error
			if rc, err = openPart(p.f, j.b, 0); err != nil {
				return err
			}
		}
		mo, res, why, err := sanitizeMedia(j.ctx, j.s.inner, j.in, p.name, p.ctype, rc, j.b, j.mediaOut)
		if rc != nil {
			rc.Close()
		}
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		if res != nil {
			j.res.Actions = append(j.res.Actions, nestedActions(res)...)
		}
		if mo == nil {
			j.remove(p, sanitize.ActRemovedPart, "image removed: "+why)
			continue
		}
		p.media = mo
	}
	return nil
}

func (j *job) writeMedia(w io.Writer, p *part) error {
	_, err := io.Copy(w, io.NewSectionReader(j.mediaOut, p.media.off, p.media.n))
	return err
}

func (j *job) closeMedia() {
	if j.mediaOut != nil {
		j.mediaOut.Remove()
	}
}
