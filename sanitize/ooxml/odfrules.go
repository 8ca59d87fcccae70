package ooxml

import (
	"encoding/xml"
	"net/url"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

const (
	odfNS     = "urn:oasis:names:tc:opendocument:xmlns:"
	nsXLink   = "http://www.w3.org/1999/xlink"
	nsOffice  = odfNS + "office:1.0"
	nsScript  = odfNS + "script:1.0"
	nsText    = odfNS + "text:1.0"
	nsDraw    = odfNS + "drawing:1.0"
	nsTable   = odfNS + "table:1.0"
	nsPresent = odfNS + "presentation:1.0"
	nsForm    = odfNS + "form:1.0"
	nsMeta    = odfNS + "meta:1.0"
)

// odfDrop are elements removed with their subtree wherever they appear.
var odfDrop = map[xml.Name]removal{
	{Space: nsOffice, Local: "event-listeners"}:      {sanitize.ActRemovedMacros, "event listeners"},
	{Space: nsScript, Local: "event-listener"}:       {sanitize.ActRemovedMacros, "event listener"},
	{Space: nsPresent, Local: "event-listener"}:      {sanitize.ActRemovedMacros, "presentation click action"},
	{Space: nsOffice, Local: "script"}:               {sanitize.ActRemovedMacros, "document script"},
	{Space: nsText, Local: "script"}:                 {sanitize.ActRemovedMacros, "embedded script"},
	{Space: nsDraw, Local: "applet"}:                 {sanitize.ActRemovedOLE, "Java applet"},
	{Space: nsDraw, Local: "plugin"}:                 {sanitize.ActRemovedOLE, "plugin object"},
	{Space: nsDraw, Local: "floating-frame"}:         {sanitize.ActRemovedExternalLink, "floating frame"},
	{Space: nsOffice, Local: "dde-source"}:           {sanitize.ActRemovedDDE, "DDE source"},
	{Space: nsText, Local: "dde-connection-decls"}:   {sanitize.ActRemovedDDE, "DDE connections"},
	{Space: nsText, Local: "dde-connection-decl"}:    {sanitize.ActRemovedDDE, "DDE connection"},
	{Space: nsTable, Local: "dde-links"}:             {sanitize.ActRemovedDDE, "DDE links"},
	{Space: nsTable, Local: "dde-link"}:              {sanitize.ActRemovedDDE, "DDE link"},
	{Space: nsText, Local: "section-source"}:         {sanitize.ActRemovedExternalLink, "linked section"},
	{Space: nsTable, Local: "table-source"}:          {sanitize.ActRemovedExternalLink, "linked table"},
	{Space: nsTable, Local: "cell-range-source"}:     {sanitize.ActRemovedExternalLink, "linked cell range"},
	{Space: nsMeta, Local: "auto-reload"}:            {sanitize.ActRemovedExternalLink, "automatic reload"},
	{Space: nsMeta, Local: "template"}:               {sanitize.ActRemovedExternalLink, "attached template"},
	{Space: nsTable, Local: "database-source-sql"}:   {sanitize.ActRemovedExternalLink, "database query"},
	{Space: nsTable, Local: "database-source-table"}: {sanitize.ActRemovedExternalLink, "database table"},
	{Space: nsTable, Local: "database-source-query"}: {sanitize.ActRemovedExternalLink, "database query"},
	{Space: nsText, Local: "database-display"}:       {sanitize.ActRemovedExternalLink, "database field"},
	{Space: nsOffice, Local: "binary-data"}:          {sanitize.ActRemovedOLE, "inline binary object"},
}

// odfLinks are the elements that are hyperlinks: they lose the link, not the text.
var odfLinks = map[xml.Name]bool{
	{Space: nsText, Local: "a"}: true,
	{Space: nsDraw, Local: "a"}: true,
}

// scriptSchemes run code when followed.
var scriptSchemes = map[string]bool{
	"macro": true, "vnd.sun.star.script": true, "vnd.sun.star.basic": true, "javascript": true,
	"vbscript": true, "vnd.sun.star.uno": true, "service": true, ".uno": true, "slot": true,
}

type odfRules struct {
	j    *odfJob
	p    *part
	seen map[string]bool
}

func (r *odfRules) report(kind sanitize.ActionKind, detail string) {
	k := string(kind) + "\x00" + detail
	if r.seen[k] {
		return
	}
	if r.seen == nil {
		r.seen = map[string]bool{}
	}
	r.seen[k] = true
	r.j.res.Add(kind, r.j.path(r.p.name), detail)
}

func (r *odfRules) held(xml.Name, []byte) bool { return true }

func (r *odfRules) start(t *tok, parent xml.Name) op {
	if d, ok := odfDrop[t.name]; ok {
		r.report(d.kind, d.detail)
		return opDrop
	}
	if t.name.Space == nsText && t.name.Local == "dde-connection" {
		r.report(sanitize.ActRemovedDDE, "DDE field")
		return opUnwrap // the field's current text stays
	}
	// Spreadsheet formulas that open DDE channels or fetch from the network lose the
	// formula; the cell keeps its cached value.
	for i := 0; i < len(t.attrs); i++ {
		if t.attrs[i].Local != "formula" {
			continue
		}
		s, _ := t.start()
		f := []byte(s.Attr[i].Value)
		if ddeFormula(f) {
			r.report(sanitize.ActRemovedDDE, "DDE formula "+clip(s.Attr[i].Value))
		} else if fn := remoteFormula(f); fn != "" {
			r.report(sanitize.ActRemovedExternalLink, fn+" formula "+clip(s.Attr[i].Value))
		} else {
			continue
		}
		t.removeAttr(i)
		i--
	}
	for i, a := range t.attrs {
		if a.Space != nsXLink || a.Local != "href" {
			continue
		}
		s, _ := t.start()
		return r.href(t, i, s.Attr[i].Value)
	}
	return opKeep
}

// href decides on an element by where its xlink:href points.
func (r *odfRules) href(t *tok, i int, v string) op {
	link := odfLinks[t.name]
	lose := func(kind sanitize.ActionKind, detail string) op {
		if kind != "" {
			r.report(kind, detail)
		}
		if t.name.Space == nsForm {
			t.removeAttr(i) // a form keeps its controls, loses its submission target
			return opKeep
		}
		if link {
			return opUnwrap
		}
		return opDrop
	}
	v = strings.TrimSpace(v)
	if v == "" || v == "." || v == "./" || strings.HasPrefix(v, "#") {
		return opKeep // the document itself (a chart's chart:chart points at ".")
	}
	scheme := uriScheme(v)
	switch {
	case scheme != "" && scheme != "file" && scriptSchemes[scheme]:
		return lose(sanitize.ActRemovedMacros, "link runs "+clip(v))
	case scheme == "" && !strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "../") && !strings.HasPrefix(v, `\`):
		if r.removedRef(v) {
			return lose("", "") // reported with the removed part
		}
		if r.internalRef(v) {
			return opKeep
		}
	}
	if link && scheme != "" && r.j.s.keepLinks && safeLinkScheme(v) {
		return opKeep
	}
	what := "hyperlink "
	if !link {
		what = "linked " + t.name.Local + " "
	}
	return lose(sanitize.ActRemovedExternalLink, what+clip(v))
}

// uriScheme returns the lower-cased scheme of an IRI, "" when it has none. A single letter
// followed by a colon is a Windows drive, reported as "file".
func uriScheme(v string) string {
	i := strings.IndexByte(v, ':')
	if i <= 0 {
		return ""
	}
	s := strings.ToLower(v[:i])
	for k, c := range s {
		if !(c >= 'a' && c <= 'z' || k > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) && !(k == 0 && c == '.') {
			return ""
		}
	}
	if len(s) == 1 {
		return "file"
	}
	return s
}

// pkgPath normalizes an internal reference ("./Object 1", "Pictures/a%20b.png").
func pkgPath(v string) string {
	v = strings.TrimPrefix(v, "./")
	if u, err := url.PathUnescape(v); err == nil {
		v = u
	}
	return v
}

// removedRef reports a reference to a part (or folder) that was removed.
func (r *odfRules) removedRef(v string) bool {
	v = strings.TrimSuffix(pkgPath(v), "/")
	return v != "" && (r.j.gone[v] || r.j.goneDirs[v])
}

// internalRef reports a reference to a kept part (or a folder holding one).
func (r *odfRules) internalRef(v string) bool {
	v = strings.TrimSuffix(pkgPath(v), "/")
	return v != "" && (r.j.kept[v] || r.j.keptDirs[v])
}

// dirsOf adds every folder of name to set ("a/b/c.png" adds "a" and "a/b").
func dirsOf(set map[string]bool, name string) {
	for i := 0; i < len(name); i++ {
		if name[i] == '/' {
			set[name[:i]] = true
		}
	}
}
