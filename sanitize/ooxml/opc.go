package ooxml

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// maxSmallXML bounds parts parsed into memory: [Content_Types].xml, .rels, the ODF manifest.
const maxSmallXML = 16 << 20

const (
	nsContentTypes = "http://schemas.openxmlformats.org/package/2006/content-types"
	nsRels         = "http://schemas.openxmlformats.org/package/2006/relationships"
	ctRels         = "application/vnd.openxmlformats-package.relationships+xml"
)

// contentTypes is a parsed [Content_Types].xml.
type contentTypes struct {
	defaults  []ctEntry         // in document order
	overrides []ctEntry         // in document order
	byExt     map[string]string // lower-cased extension -> type
	byPart    map[string]string // lower-cased part name without the leading slash -> type
}

type ctEntry struct{ key, ctype string } // key: Extension, or PartName as written

func parseContentTypes(data []byte) (*contentTypes, error) {
	var doc struct {
		XMLName  xml.Name `xml:"Types"`
		Defaults []struct {
			Ext   string `xml:"Extension,attr"`
			CType string `xml:"ContentType,attr"`
		} `xml:"Default"`
		Overrides []struct {
			Part  string `xml:"PartName,attr"`
			CType string `xml:"ContentType,attr"`
		} `xml:"Override"`
	}
	err := decodeOPC(data, &doc, "Types", func(e *opcElem) {
		switch e.local {
		case "Default":
			doc.Defaults = append(doc.Defaults, struct {
				Ext   string `xml:"Extension,attr"`
				CType string `xml:"ContentType,attr"`
			}{e.attr("Extension"), e.attr("ContentType")})
		case "Override":
			doc.Overrides = append(doc.Overrides, struct {
				Part  string `xml:"PartName,attr"`
				CType string `xml:"ContentType,attr"`
			}{e.attr("PartName"), e.attr("ContentType")})
		}
	}, &doc.XMLName)
	if err != nil {
		return nil, fmt.Errorf("%w: [Content_Types].xml: %w", sanitize.ErrMalformed, err)
	}
	if doc.XMLName.Space != nsContentTypes {
		return nil, fmt.Errorf("%w: [Content_Types].xml: wrong namespace %q", sanitize.ErrMalformed, doc.XMLName.Space)
	}
	ct := &contentTypes{byExt: map[string]string{}, byPart: map[string]string{}}
	for _, d := range doc.Defaults {
		k := strings.ToLower(d.Ext)
		if k == "" || d.CType == "" {
			return nil, fmt.Errorf("%w: [Content_Types].xml: empty Default", sanitize.ErrMalformed)
		}
		if _, dup := ct.byExt[k]; dup {
			return nil, fmt.Errorf("%w: [Content_Types].xml: duplicate Default for %q", sanitize.ErrMalformed, d.Ext)
		}
		ct.byExt[k] = d.CType
		ct.defaults = append(ct.defaults, ctEntry{d.Ext, d.CType})
	}
	for _, o := range doc.Overrides {
		name, err := partNameFromURI(o.Part)
		if err != nil || o.CType == "" {
			return nil, fmt.Errorf("%w: [Content_Types].xml: bad Override %q", sanitize.ErrMalformed, o.Part)
		}
		k := strings.ToLower(name)
		if _, dup := ct.byPart[k]; dup {
			return nil, fmt.Errorf("%w: [Content_Types].xml: duplicate Override for %q", sanitize.ErrMalformed, o.Part)
		}
		ct.byPart[k] = o.CType
		ct.overrides = append(ct.overrides, ctEntry{name, o.CType})
	}
	return ct, nil
}

// of returns the content type of a part name (no leading slash), or "".
func (ct *contentTypes) of(name string) string {
	if t, ok := ct.byPart[strings.ToLower(name)]; ok {
		return t
	}
	ext := path.Ext(name)
	if ext == "" {
		return ""
	}
	return ct.byExt[strings.ToLower(ext[1:])]
}

// write serializes the content types for the kept parts only: overrides of removed parts and
// defaults no kept part uses are left out, so the declared types match the package.
func (ct *contentTypes) write(w io.Writer, kept []string, retype map[string]string) error {
	usedExt := map[string]bool{}
	keptSet := map[string]bool{}
	for _, n := range kept {
		keptSet[strings.ToLower(n)] = true
		if _, ok := ct.byPart[strings.ToLower(n)]; ok {
			continue
		}
		if ext := path.Ext(n); ext != "" {
			usedExt[strings.ToLower(ext[1:])] = true
		}
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	b.WriteString(`<Types xmlns="` + nsContentTypes + `">`)
	for _, d := range ct.defaults {
		k := strings.ToLower(d.key)
		if !usedExt[k] && k != "rels" && k != "xml" {
			continue
		}
		b.WriteString(`<Default Extension="`)
		escapeAttr(&b, d.key)
		b.WriteString(`" ContentType="`)
		escapeAttr(&b, d.ctype)
		b.WriteString(`"/>`)
	}
	for _, o := range ct.overrides {
		k := strings.ToLower(o.key)
		if !keptSet[k] {
			continue
		}
		t := o.ctype
		if nt, ok := retype[k]; ok {
			t = nt
		}
		b.WriteString(`<Override PartName="`)
		escapeAttr(&b, partNameToURI(o.key))
		b.WriteString(`" ContentType="`)
		escapeAttr(&b, t)
		b.WriteString(`"/>`)
	}
	b.WriteString(`</Types>`)
	_, err := w.Write(b.Bytes())
	return err
}

// rel is one relationship.
type rel struct {
	ID, Type, Target, Mode string
	external               bool   // TargetMode="External", or an internal target that is really a URI
	target                 string // resolved part name (internal only), no leading slash
	drop                   bool
	unlisted               bool // dropped for not being on the allow-list (reltables.go)
}

// relsPart is a parsed .rels part.
type relsPart struct {
	name   string // the .rels part name
	source string // the part it describes; "" for the package (_rels/.rels)
	rels   []*rel
}

func parseRels(name string, data []byte) (*relsPart, error) {
	var doc struct {
		XMLName xml.Name `xml:"Relationships"`
		Rels    []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
			Mode   string `xml:"TargetMode,attr"`
		} `xml:"Relationship"`
	}
	err := decodeOPC(data, &doc, "Relationships", func(e *opcElem) {
		if e.local == "Relationship" {
			doc.Rels = append(doc.Rels, struct {
				ID     string `xml:"Id,attr"`
				Type   string `xml:"Type,attr"`
				Target string `xml:"Target,attr"`
				Mode   string `xml:"TargetMode,attr"`
			}{e.attr("Id"), e.attr("Type"), e.attr("Target"), e.attr("TargetMode")})
		}
	}, &doc.XMLName)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", sanitize.ErrMalformed, name, err)
	}
	if doc.XMLName.Space != nsRels {
		return nil, fmt.Errorf("%w: %s: wrong namespace %q", sanitize.ErrMalformed, name, doc.XMLName.Space)
	}
	src, ok := relsSource(name)
	if !ok {
		return nil, fmt.Errorf("%w: %s: relationships part outside a _rels folder", sanitize.ErrMalformed, name)
	}
	rp := &relsPart{name: name, source: src}
	ids := map[string]bool{}
	for _, r := range doc.Rels {
		if r.ID == "" || r.Type == "" || ids[r.ID] {
			return nil, fmt.Errorf("%w: %s: missing or duplicate relationship Id %q", sanitize.ErrMalformed, name, r.ID)
		}
		ids[r.ID] = true
		x := &rel{ID: r.ID, Type: r.Type, Target: r.Target, Mode: r.Mode}
		switch r.Mode {
		case "External":
			x.external = true
		case "", "Internal":
			if strings.HasPrefix(r.Target, "#") {
				break // a place inside the source part (a bookmark, a slide anchor)
			}
			if t, ok := resolveTarget(src, r.Target); ok {
				x.target = t
			} else {
				// An "internal" target that is an absolute URI (mhtml:, http:, \\host) is an
				// external reference in disguise.
				x.external = true
			}
		default:
			return nil, fmt.Errorf("%w: %s: unknown TargetMode %q", sanitize.ErrMalformed, name, r.Mode)
		}
		rp.rels = append(rp.rels, x)
	}
	return rp, nil
}

// write serializes the kept relationships.
func (rp *relsPart) write(w io.Writer) error {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	b.WriteString(`<Relationships xmlns="` + nsRels + `">`)
	for _, r := range rp.rels {
		if r.drop {
			continue
		}
		b.WriteString(`<Relationship Id="`)
		escapeAttr(&b, r.ID)
		b.WriteString(`" Type="`)
		escapeAttr(&b, r.Type)
		b.WriteString(`" Target="`)
		escapeAttr(&b, r.Target)
		if r.external {
			b.WriteString(`" TargetMode="External`)
		}
		b.WriteString(`"/>`)
	}
	b.WriteString(`</Relationships>`)
	_, err := w.Write(b.Bytes())
	return err
}

// relsSource maps "word/_rels/document.xml.rels" to "word/document.xml" and "_rels/.rels"
// to "" (the package).
func relsSource(name string) (string, bool) {
	dir, file := path.Split(name)
	if !strings.HasSuffix(file, ".rels") || path.Base(strings.TrimSuffix(dir, "/")) != "_rels" {
		return "", false
	}
	parent := strings.TrimSuffix(strings.TrimSuffix(dir, "/"), "_rels")
	src := parent + strings.TrimSuffix(file, ".rels")
	if src == "" && file == ".rels" {
		return "", true
	}
	if strings.HasSuffix(src, "/") || src == "" {
		return "", false
	}
	return src, true
}

// relsName is the .rels part of a source part.
func relsName(source string) string {
	dir, file := path.Split(source)
	return dir + "_rels/" + file + ".rels"
}

// resolveTarget resolves a relative or absolute internal target against the source part.
func resolveTarget(source, target string) (string, bool) {
	if target == "" || strings.Contains(target, `\`) || strings.HasPrefix(target, "//") {
		return "", false
	}
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" {
		return "", false
	}
	p := u.Path
	if p == "" {
		return "", false
	}
	full := p
	if !strings.HasPrefix(p, "/") {
		full = "/" + path.Dir(source) + "/" + p
	}
	// path.Clean would quietly clamp "../" above the root; a target that climbs out of
	// the package is not a part name.
	var segs []string
	for _, s := range strings.Split(full, "/") {
		switch s {
		case "", ".":
		case "..":
			if len(segs) == 0 {
				return "", false
			}
			segs = segs[:len(segs)-1]
		default:
			segs = append(segs, s)
		}
	}
	if len(segs) == 0 {
		return "", false
	}
	return strings.Join(segs, "/"), true
}

// partNameFromURI turns an Override PartName ("/word/document.xml") into a zip name.
func partNameFromURI(s string) (string, error) {
	if !strings.HasPrefix(s, "/") {
		return "", fmt.Errorf("part name %q does not start with /", s)
	}
	p, err := url.PathUnescape(s)
	if err != nil {
		return "", err
	}
	return strings.TrimPrefix(p, "/"), nil
}

func partNameToURI(name string) string {
	return (&url.URL{Path: "/" + name}).EscapedPath()
}

// decodeOPC reads an OPC part ([Content_Types].xml, a .rels) with this package's reader:
// the root element, which must have the local name root, and each element directly inside
// it, passed to child with its attributes. It reads them as encoding/xml's Decode into the
// callers' structs did (elements and attributes matched by local name in any namespace,
// the last of a repeated attribute wins, nothing after the root's end is read), without
// its reflection and byte-at-a-time reading: that was a fifth of a small document's own
// work. The reader is stricter on broken XML (undeclared prefixes, repeated attributes,
// text outside the root are refused). A part with a DOCTYPE, which the reader refuses
// outright, still goes through decodeStrict into v.
func decodeOPC(data []byte, v any, root string, child func(*opcElem), rootName *xml.Name) error {
	if bytes.Contains(data, []byte("<!DOCTYPE")) {
		return decodeStrict(data, v)
	}
	st := &opcStage{root: root, child: child}
	err := readXML(context.Background(), bytes.NewReader(data), st)
	if err == errOPCEnd {
		*rootName = st.name
		return nil
	}
	if err == nil {
		err = errors.New("xml: no root element")
	}
	return err
}

// errOPCEnd stops decodeOPC's reader at the root element's end.
var errOPCEnd = errors.New("end of the root element")

// opcElem is an element directly inside an OPC part's root.
type opcElem struct {
	local string
	attrs []xml.Attr // Name.Local only: the namespace does not count
}

// attr returns the value of the last attribute with the local name, or "".
func (e *opcElem) attr(local string) string {
	v := ""
	for _, a := range e.attrs {
		if a.Name.Local == local {
			v = a.Value
		}
	}
	return v
}

type opcStage struct {
	root  string
	child func(*opcElem)
	name  xml.Name // the root's
	depth int
	elem  opcElem
}

func (s *opcStage) push(t *tok) error {
	switch t.kind {
	case kStart:
		switch s.depth {
		case 0:
			if t.name.Local != s.root {
				return fmt.Errorf("xml: root element <%s>, expected <%s>", clip(t.name.Local), s.root)
			}
			s.name = t.name
		case 1:
			s.elem.local, s.elem.attrs = t.name.Local, s.elem.attrs[:0]
			for i, a := range t.rawAttr {
				s.elem.attrs = append(s.elem.attrs, xml.Attr{Name: xml.Name{Local: t.attrs[i].Local}, Value: a.Value})
			}
			s.child(&s.elem)
		}
		s.depth++
	case kEnd:
		if s.depth--; s.depth == 0 {
			return errOPCEnd
		}
	}
	return nil
}

func (s *opcStage) finish() error { return nil }

// decodeStrict decodes a small XML document. A DOCTYPE is refused unless it only names a
// DTD: OpenOffice 2 wrote <!DOCTYPE manifest:manifest PUBLIC "..." "Manifest.dtd"> into
// every manifest, and LibreOffice opens such files. An internal subset (where entities
// are declared) is refused, and encoding/xml neither fetches the DTD nor expands any
// entity but the predefined ones.
func decodeStrict(data []byte, v any) error {
	if i := bytes.Index(data, []byte("<!DOCTYPE")); i >= 0 {
		decl := data[i+len("<!"):]
		end := bytes.IndexByte(decl, '>')
		if end < 0 || bytes.ContainsAny(decl[:end], "[<") || bytes.Contains(data, []byte("<!ENTITY")) ||
			bytes.Count(data, []byte("<!DOCTYPE")) > 1 {
			return fmt.Errorf("DOCTYPE with an internal subset not allowed")
		}
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	return d.Decode(v)
}
