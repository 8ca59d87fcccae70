package ooxml

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"path"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/img/metafile"
)

// mediaOut locates one sanitized image inside the job's media spool.
type mediaOut struct {
	off, n int64
	// metafile is "WMF" or "EMF" when the picture was such a metafile, now a PNG; rendered
	// tells what of it was not drawn.
	metafile string
	rendered *metafile.Result
}

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
	item := &sanitize.Item{
		Body:         src.Blob(),
		Path:         sanitize.JoinPath(parent.Path, name),
		Name:         path.Base(name),
		DeclaredType: ctype,
	}
	kind := metafileKind(ctype, head[:n])
	var rendered *metafile.Result
	if kind != "" {
		lim := b.Limits()
		data, res, err := metafile.ToPNG(ctx, src, src.Size(), metafile.Limits{MaxBytes: int(min(lim.MaxFileSize, 64<<20)), MaxPixels: lim.MaxPixels})
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil, "", ctx.Err()
			}
			return nil, nil, kind + " picture (vector metafile of GDI drawing records) is left out: " + err.Error() + metafileAdvice, nil
		}
		rendered = res
		item.Body = bytes.NewReader(data)
		item.Name = strings.TrimSuffix(item.Name, path.Ext(item.Name)) + ".png"
		item.DeclaredType, ctype = "image/png", "image/png"
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
	return &mediaOut{off: start, n: out.Size() - start, metafile: kind, rendered: rendered}, &res, "", nil
}

// A WMF or EMF picture is a list of GDI drawing calls a renderer executes (with escapes,
// comments carrying EMF+ or EPS, embedded bitmaps). It is never copied: sanitize/img/metafile
// draws the records it knows into a PNG, which replaces the part. A picture with a record
// that would change the drawing and is not drawn, or one of text that would come out
// empty or as boxes only, is left out.
const metafileAdvice = "; send it as PNG or use the render policy"

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
	return metafile.Kind(head)
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
		if mo.metafile != "" {
			j.pictureToPNG(p)
		}
	}
	return nil
}

// pictureToPNG renames a metafile part that now holds a PNG (image1.wmf becomes
// image1.png), points its relationships at the new name, declares its type and reports
// the conversion with what was not drawn.
func (j *job) pictureToPNG(p *part) {
	old := p.name
	base := strings.TrimSuffix(old, path.Ext(old))
	name := base + ".png"
	for i := 2; !strings.EqualFold(name, old) && j.byKey[strings.ToLower(name)] != nil; i++ {
		name = fmt.Sprintf("%s-%d.png", base, i)
	}
	delete(j.byKey, p.key)
	p.name, p.key, p.ctype = name, strings.ToLower(name), "image/png"
	j.byKey[p.key] = p
	j.ct.overrides = append(j.ct.overrides, ctEntry{name, "image/png"})
	j.ct.byPart[p.key] = "image/png"
	for _, rp := range j.relsOf {
		for _, r := range rp.rels {
			if r.external || !strings.EqualFold(r.target, old) {
				continue
			}
			r.target = name
			ob, nb := path.Base(old), path.Base(name)
			if len(r.Target) >= len(ob) && strings.EqualFold(r.Target[len(r.Target)-len(ob):], ob) {
				r.Target = r.Target[:len(r.Target)-len(ob)] + nb
			} else {
				r.Target = partNameToURI(name)
			}
		}
	}
	j.res.Add(sanitize.ActRasterized, j.path(name), metafileNote(p.media, old))
}

// metafileNote says what became of a metafile picture.
func metafileNote(mo *mediaOut, old string) string {
	return fmt.Sprintf("%s picture %s %s", mo.metafile, path.Base(old), mo.rendered.Summary())
}

func (j *job) closeMedia() {
	if j.mediaOut != nil {
		j.mediaOut.Remove()
	}
}
