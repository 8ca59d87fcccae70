package ooxml

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// odfTypes are the OpenDocument mimetypes we rebuild, with their type names.
var odfTypes = map[string]string{
	"application/vnd.oasis.opendocument.text":                  "odt",
	"application/vnd.oasis.opendocument.text-template":         "odt",
	"application/vnd.oasis.opendocument.spreadsheet":           "ods",
	"application/vnd.oasis.opendocument.spreadsheet-template":  "ods",
	"application/vnd.oasis.opendocument.presentation":          "odp",
	"application/vnd.oasis.opendocument.presentation-template": "odp",
	"application/vnd.oasis.opendocument.graphics":              "odg",
	"application/vnd.oasis.opendocument.graphics-template":     "odg",
}

const nsManifest = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"

type manifestEntry struct {
	Path      string    `xml:"full-path,attr"`
	MediaType string    `xml:"media-type,attr"`
	Version   string    `xml:"version,attr"`
	Enc       *struct{} `xml:"encryption-data"`
}

type manifest struct {
	XMLName xml.Name        `xml:"manifest"`
	Version string          `xml:"version,attr"`
	Entries []manifestEntry `xml:"file-entry"`
}

// odfJob is the state of one OpenDocument package being sanitized.
type odfJob struct {
	s        *Sanitizer
	ctx      context.Context
	in       *sanitize.Item
	b        *sanitize.Budget
	res      sanitize.Result
	mimetype string
	man      manifest
	listed   map[string]*manifestEntry
	parts    []*part
	kept     map[string]bool // kept entry names
	keptDirs map[string]bool // folders holding kept entries
	gone     map[string]bool // removed entry names
	goneDirs map[string]bool // folders holding removed entries
	mediaOut *sanitize.Spool
	reported map[string]bool
	// converted are the metafile pictures now holding a PNG (their names are kept).
	converted map[string]bool
}

func (j *odfJob) path(name string) string { return sanitize.JoinPath(j.in.Path, name) }

func (j *odfJob) remove(p *part, kind sanitize.ActionKind, where, detail string) {
	if p.gone {
		return
	}
	p.gone = true
	if kind == "" || j.reported[where] {
		return
	}
	j.reported[where] = true
	j.res.Add(kind, j.path(where), detail)
}

func (s *Sanitizer) sanitizeODF(ctx context.Context, in *sanitize.Item, z *pkgZip, w io.Writer, b *sanitize.Budget) (sanitize.Result, error) {
	j := &odfJob{s: s, ctx: ctx, in: in, b: b, listed: map[string]*manifestEntry{}, kept: map[string]bool{}, reported: map[string]bool{}}
	mt, err := readPart(z.byKey["mimetype"], b, 256)
	if err != nil {
		return sanitize.Result{}, err
	}
	j.mimetype = string(mt)
	name, ok := odfTypes[j.mimetype]
	if !ok {
		return sanitize.Result{}, fmt.Errorf("%w: OpenDocument type %q", sanitize.ErrUnsupported, clip(j.mimetype))
	}
	j.res.Detected = sanitize.Type{Name: name, Class: sanitize.ClassODF, MIME: j.mimetype, Ext: "." + name}
	mf := z.byKey["meta-inf/manifest.xml"]
	if mf == nil {
		return sanitize.Result{}, fmt.Errorf("%w: OpenDocument package without META-INF/manifest.xml", sanitize.ErrMalformed)
	}
	data, err := readPart(mf, b, maxSmallXML)
	if err != nil {
		return sanitize.Result{}, err
	}
	if err := decodeStrict(data, &j.man); err != nil || j.man.XMLName.Space != nsManifest {
		return sanitize.Result{}, fmt.Errorf("%w: META-INF/manifest.xml: %v", sanitize.ErrMalformed, err)
	}
	for i := range j.man.Entries {
		e := &j.man.Entries[i]
		if e.Enc != nil {
			return sanitize.Result{}, fmt.Errorf("%w: OpenDocument entry %q is encrypted", sanitize.ErrEncrypted, e.Path)
		}
		j.listed[e.Path] = e
	}
	if root := j.listed["/"]; root == nil || root.MediaType != j.mimetype {
		return sanitize.Result{}, fmt.Errorf("%w: manifest root entry does not match mimetype", sanitize.ErrMalformed)
	}
	for _, f := range z.files {
		if f.Name == "mimetype" || f.Name == "META-INF/manifest.xml" {
			continue
		}
		j.parts = append(j.parts, &part{f: f, name: f.Name, key: f.Name})
	}
	j.classify()
	if err := j.processMedia(); err != nil {
		j.closeMedia()
		return sanitize.Result{}, err
	}
	defer j.closeMedia()
	for _, p := range j.parts {
		if !p.gone && p.media == nil && !j.odfXML(p) {
			j.remove(p, sanitize.ActRemovedPart, p.name, "binary part that cannot be verified ("+p.ctype+")")
		}
	}
	j.keptDirs, j.gone, j.goneDirs = map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, p := range j.parts {
		if p.gone {
			j.gone[p.name] = true
			dirsOf(j.goneDirs, p.name)
			continue
		}
		j.kept[p.name] = true
		dirsOf(j.keptDirs, p.name)
	}
	if err := j.write(w); err != nil {
		return sanitize.Result{}, err
	}
	j.res.Verdict = sanitize.Clean
	if len(j.res.Actions) > 0 {
		j.res.Verdict = sanitize.Sanitized
	}
	return j.res, nil
}

const odfChart = "application/vnd.oasis.opendocument.chart"

// objectDir returns the embedded-object folder a path belongs to ("Object 1/"), or "".
// Charts are not objects in this sense: they are kept (see chartDir).
func (j *odfJob) objectDir(name string) string {
	i := strings.IndexByte(name, '/')
	if i < 0 || j.chartDir(name) {
		return ""
	}
	dir := name[:i+1]
	if e := j.listed[dir]; e != nil && strings.HasPrefix(e.MediaType, "application/vnd.oasis.opendocument.") {
		return dir
	}
	if strings.HasPrefix(dir, "Object ") {
		return dir
	}
	return ""
}

// chartDir reports a path directly inside an embedded chart ("Object 1/content.xml"). A
// chart is only XML (its data table and styles, no code): its streams go through the same
// rules as the document's, so spreadsheets and reports keep their charts.
func (j *odfJob) chartDir(name string) bool {
	dir, file, ok := strings.Cut(name, "/")
	if !ok || strings.Contains(file, "/") {
		return false
	}
	e := j.listed[dir+"/"]
	return e != nil && e.MediaType == odfChart
}

func (j *odfJob) classify() {
	for _, p := range j.parts {
		top, _, nested := strings.Cut(p.name, "/")
		if !nested {
			top = ""
		}
		if e := j.listed[p.name]; e != nil {
			p.ctype = e.MediaType
		}
		switch {
		case top == "Basic" || top == "Scripts" || top == "Dialogs":
			j.remove(p, sanitize.ActRemovedMacros, top+"/", "macro library folder "+top+"/")
		case top == "Configurations2":
			j.remove(p, sanitize.ActRemovedPart, top+"/", "user interface configuration (menus and toolbars can bind macros)")
		case top == "META-INF":
			j.remove(p, sanitize.ActRemovedPart, p.name, "package metadata (signatures are invalidated by the rewrite)")
		case j.objectDir(p.name) != "":
			d := j.objectDir(p.name)
			j.remove(p, sanitize.ActRemovedOLE, d, "embedded object "+d)
		case top == "ObjectReplacements":
			j.remove(p, "", "", "") // previews of the removed objects
		case strings.Contains(strings.ToLower(p.ctype), "oleobject") || (!nested && strings.HasPrefix(p.name, "Object ")):
			j.remove(p, sanitize.ActRemovedOLE, p.name, "embedded OLE object")
		case j.listed[p.name] == nil:
			j.remove(p, sanitize.ActRemovedPart, p.name, "not listed in META-INF/manifest.xml")
		}
	}
}

// odfXML reports the XML streams of a document or of a chart inside it (content, styles,
// meta, settings, RDF).
func (j *odfJob) odfXML(p *part) bool {
	if strings.Contains(p.name, "/") && !j.chartDir(p.name) {
		return false
	}
	ct := strings.ToLower(p.ctype)
	return (ct == "text/xml" || ct == "application/rdf+xml" || ct == "application/xml") &&
		(strings.HasSuffix(p.name, ".xml") || strings.HasSuffix(p.name, ".rdf"))
}

func (j *odfJob) processMedia() error {
	for _, p := range j.parts {
		if p.gone || !strings.HasPrefix(strings.ToLower(p.ctype), "image/") {
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
			j.remove(p, sanitize.ActRemovedPart, p.name, "image removed: "+why)
			continue
		}
		p.media = mo
		if mo.metafile != "" {
			// The entry keeps its name: the document refers to it by name, and readers
			// take a picture's format from its bytes; the manifest and the images
			// pointing at it (odfRules.href) declare the new type.
			p.ctype = "image/png"
			if e := j.listed[p.name]; e != nil {
				e.MediaType = "image/png"
			}
			if j.converted == nil {
				j.converted = map[string]bool{}
			}
			j.converted[p.name] = true
			j.res.Add(sanitize.ActRasterized, j.path(p.name), metafileNote(mo, p.name))
		}
	}
	return nil
}

func (j *odfJob) closeMedia() {
	if j.mediaOut != nil {
		j.mediaOut.Remove()
	}
}

func (j *odfJob) write(w io.Writer) error {
	zo := newZipOut(w, j.b.Limits().MaxFileSize)
	// The mimetype entry comes first and stored, so that the type can be read at offset 38.
	if err := zo.stored("mimetype", []byte(j.mimetype)); err != nil {
		return err
	}
	mw, err := zo.create("META-INF/manifest.xml")
	if err != nil {
		return err
	}
	if err := j.writeManifest(mw); err != nil {
		return err
	}
	for _, p := range j.parts {
		if p.gone {
			continue
		}
		if err := j.ctx.Err(); err != nil {
			return err
		}
		if p.media != nil {
			if err := zo.media(p.name, p.ctype, j.mediaOut, p.media.off, p.media.n); err != nil {
				return err
			}
			continue
		}
		pw, err := zo.create(p.name)
		if err != nil {
			return err
		}
		if err := j.rewriteXML(pw, p); err != nil {
			return err
		}
	}
	return zo.close()
}

// writeManifest lists exactly the entries that remain: LibreOffice refuses a package whose
// manifest and content disagree.
func (j *odfJob) writeManifest(w io.Writer) error {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<manifest:manifest xmlns:manifest="` + nsManifest + `"`)
	if j.man.Version != "" {
		b.WriteString(` manifest:version="`)
		escapeAttr(&b, j.man.Version)
		b.WriteString(`"`)
	}
	b.WriteString(">\n")
	for _, e := range j.man.Entries {
		dir, isDir := strings.CutSuffix(e.Path, "/")
		if e.Path != "/" && !j.kept[e.Path] && !(isDir && j.keptDirs[dir]) {
			continue
		}
		b.WriteString(` <manifest:file-entry manifest:full-path="`)
		escapeAttr(&b, e.Path)
		b.WriteString(`"`)
		if e.Version != "" {
			b.WriteString(` manifest:version="`)
			escapeAttr(&b, e.Version)
			b.WriteString(`"`)
		}
		b.WriteString(` manifest:media-type="`)
		escapeAttr(&b, e.MediaType)
		b.WriteString("\"/>\n")
	}
	b.WriteString("</manifest:manifest>")
	_, err := w.Write(b.Bytes())
	return err
}

func (j *odfJob) rewriteXML(w io.Writer, p *part) error {
	rc, err := openPart(p.f, j.b, 0)
	if err != nil {
		return err
	}
	defer rc.Close()
	ru := &odfRules{j: j, p: p}
	ru.meta = &metaRules{strip: j.s.stripMeta, report: ru.report}
	if p.name == "meta.xml" {
		ru.meta.kind = "odf"
	}
	if err := readXML(j.ctx, rc, newWriter(w, ru)); err != nil {
		return fmt.Errorf("%s: %w", p.name, err)
	}
	ru.meta.flush()
	return nil
}
