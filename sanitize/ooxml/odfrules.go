package ooxml

import (
	"encoding/xml"
	"net/url"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/formula"
	"github.com/sekisho/sekisho/sanitize/wordfield"
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

// scriptSchemes run code when followed.
var scriptSchemes = map[string]bool{
	"macro": true, "vnd.sun.star.script": true, "vnd.sun.star.basic": true, "javascript": true,
	"vbscript": true, "vnd.sun.star.uno": true, "service": true, ".uno": true, "slot": true,
}

// odfRules are the element rules for one OpenDocument XML stream: the positive model of
// odftables.go (namespaces, formulas, links) plus the metadata rules.
type odfRules struct {
	j    *odfJob
	p    *part
	seen map[string]bool

	elemNS, attrNS nsMemo

	inUnit  bool  // inside a held unit (odfUnits, a settings item)
	unitErr error // a refused formula inside the held unit
	meta    *metaRules
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

// knownODFNS reports whether elements of namespace space may stay.
func knownODFNS(space string) bool {
	_, ok := odfNamespaces[space]
	return ok
}

// knownAttrNS reports whether an attribute of namespace space may stay.
func knownAttrNS(space string) bool {
	if space == "" || space == nsXML || space == nsXMLNS {
		return true
	}
	_, ok := odfNamespaces[space]
	return ok
}

func (r *odfRules) start(t *tok, parent xml.Name) op {
	if !r.elemNS.check(t.name.Space, knownODFNS) {
		r.report(sanitize.ActRemovedPart, "elements of unknown namespace "+clip(t.name.Space))
		return opDrop
	}
	if d, ok := odfDropIdx.get(t.name); ok {
		r.report(d.kind, d.detail)
		return opDrop
	}
	if r.meta != nil {
		if o, ok := r.meta.start(t, parent); ok {
			return o
		}
	}
	if parent.Space == nsOffice && parent.Local == "scripts" {
		// office:scripts is unwrapped so that its scripts are each reported; anything
		// else inside it has no business there.
		r.report(sanitize.ActRemovedMacros, "script container content "+t.name.Local)
		return opDrop
	}
	result := opKeep
	if d, ok := odfUnwrapIdx.get(t.name); ok {
		if d.kind != "" {
			r.report(d.kind, d.detail)
		}
		result = opUnwrap
	}
	for i := 0; i < len(t.attrs); i++ {
		a := t.attrs[i]
		v := t.rawAttr[i].Value
		drop := false
		switch {
		case !r.attrNS.check(a.Space, knownAttrNS):
			r.report(sanitize.ActRemovedPart, "attributes of unknown namespace "+clip(a.Space))
			drop = true
		case a.Space == nsXLink && a.Local == "href":
			continue // judged with the element below
		default:
			o, remove := r.attrRule(t, a, v)
			if o == opDrop {
				return opDrop
			}
			if o == opUnwrap {
				result = opUnwrap
			}
			drop = remove
		}
		if drop {
			t.removeAttr(i)
			i--
		}
	}
	if _, ok := odfUnitsIdx.get(t.name); ok && !r.inUnit {
		r.inUnit, r.unitErr = true, nil
		return opHold
	}
	if o, ok := r.settingsItem(t); ok {
		return o
	}
	for i, a := range t.attrs {
		if a.Space == nsXLink && a.Local == "href" {
			if o := r.href(t, i, t.rawAttr[i].Value); o != opKeep {
				return o
			}
			break
		}
	}
	return result
}

// attrRule judges one attribute: formulas and conditions, cell addresses, URIs, form
// control services, Word field codes. It returns opDrop to drop the element, opUnwrap to
// keep only its text, and whether the attribute itself goes.
func (r *odfRules) attrRule(t *tok, a xml.Name, v string) (op, bool) {
	if fa, ok := odfFormulaAttrsIdx.get(a); ok {
		err := r.checkFormula(t, v, fa.dialect)
		if err == nil {
			return opKeep, false
		}
		if r.inUnit {
			if r.unitErr == nil {
				r.unitErr = err
			}
			return opKeep, false
		}
		fail := fa.fail
		if o, ok := odfElementFail[t.name]; ok && a.Local == "condition" && a.Space == nsText {
			fail = o
		}
		r.reportFormula(fa.what, err)
		return fail, true
	}
	if addressAttr(a) {
		if err := formula.CheckAddress(v); err != nil {
			r.reportFormula(t.name.Local+" address", err)
			return opDrop, true
		}
		return opKeep, false
	}
	if what, ok := odfFetchAttrsIdx.get(a); ok {
		if v != "" && !r.internalRef(v) {
			r.report(sanitize.ActRemovedExternalLink, what+" "+clip(v))
			return opKeep, true
		}
		return opKeep, false
	}
	if d, ok := odfAttrDropIdx.get(a); ok {
		if v != "" {
			r.report(d.kind, d.detail+" "+clip(v))
			return opKeep, true
		}
		return opKeep, false
	}
	if what, ok := odfURIAttrsIdx.get(a); ok {
		if v != "" && !(r.j.s.keepLinks && safeLinkScheme(v)) {
			r.report(sanitize.ActRemovedExternalLink, what+" "+clip(v))
			return opKeep, true
		}
		return opKeep, false
	}
	if a.Space == nsForm && a.Local == "control-implementation" && !strings.HasPrefix(v, odfControlPrefix) {
		r.report(sanitize.ActRemovedActiveX, "form control implemented by "+clip(v))
		return opDrop, true
	}
	if t.name.Space == nsField && t.name.Local == "param" && a.Space == nsField && a.Local == "value" {
		if name, _ := t.attr(nsField, "name"); strings.HasSuffix(name, "field.code") {
			if err := wordfield.Check(v); err != nil {
				d := fieldRemoval(err, "field code "+clip(strings.Join(strings.Fields(v), " ")))
				r.report(d.kind, d.detail)
				return opDrop, true
			}
		}
	}
	return opKeep, false
}

// addressAttr reports attributes whose value is a cell or range address.
func addressAttr(a xml.Name) bool {
	switch a.Space {
	case nsTable, nsChartODF, nsCalcExt, nsStyle, nsForm, nsDraw:
	default:
		return false
	}
	return strings.HasSuffix(a.Local, "-address") || strings.HasSuffix(a.Local, "-addresses") ||
		a.Local == "linked-cell" || a.Local == "source-cell-range" || a.Local == "print-ranges"
}

// checkFormula judges a formula or condition attribute. Its grammar comes from its
// namespace prefix, resolved in the element's scope (of:, oooc:, ooow:, msoxl: or any
// prefix bound to those namespaces); without one, from the attribute's default.
func (r *odfRules) checkFormula(t *tok, v string, def formula.Dialect) error {
	d, body := def, v
	if p, rest, ok := qnamePrefix(v); ok && t.ns != nil {
		if uri, bound := t.ns(p); bound {
			var known bool
			if d, known = odfDialect(uri, def); !known {
				return formula.ErrSyntax
			}
			body = rest
		}
	}
	if d == formula.Excel {
		body = strings.TrimPrefix(body, "=")
	}
	return formula.Check(d, body)
}

// qnamePrefix splits "of:=SUM(...)" into "of" and "=SUM(...)".
func qnamePrefix(v string) (string, string, bool) {
	i := strings.IndexByte(v, ':')
	if i <= 0 {
		return "", "", false
	}
	for k, c := range v[:i] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || k > 0 && (c >= '0' && c <= '9' || c == '-' || c == '.')) {
			return "", "", false
		}
	}
	return v[:i], v[i+1:], true
}

func odfDialect(uri string, def formula.Dialect) (formula.Dialect, bool) {
	switch uri {
	case nsOF, nsOOoC:
		if def == formula.Condition {
			return formula.Condition, true
		}
		return formula.OpenFormula, true
	case nsOOoW:
		return formula.Writer, true
	case nsMSOXL:
		return formula.Excel, true
	}
	return 0, false
}

func (r *odfRules) reportFormula(what string, err error) {
	d := formulaRemoval(what, err)
	r.report(d.kind, d.detail)
}

// settingsItem holds the settings.xml items that are dropped when they hold a value, and
// drops binary ones outright.
func (r *odfRules) settingsItem(t *tok) (op, bool) {
	if t.name.Space != nsConfig || t.name.Local != "config-item" || r.inUnit {
		return opKeep, false
	}
	name, _ := t.attr(nsConfig, "name")
	typ, _ := t.attr(nsConfig, "type")
	if _, ok := odfSettingsDrop[name]; ok || typ == "base64Binary" {
		r.inUnit = true
		return opHold, true
	}
	if r.meta != nil && r.meta.strip && (name == "Rsid" || name == "RsidRoot") {
		r.meta.dropped("revision identifiers (settings)")
		return opDrop, true
	}
	return opKeep, false
}

func (r *odfRules) held(h *heldElem) bool {
	if metaHeld(h.name) && r.meta != nil {
		return r.meta.held(h)
	}
	r.inUnit = false
	if h.name.Space == nsConfig {
		return r.heldSetting(h)
	}
	if r.unitErr != nil {
		r.reportFormula(odfUnits[h.name], r.unitErr)
		r.unitErr = nil
		return false
	}
	return true
}

// heldSetting decides on a held settings item once its value is known: an empty one
// stays; a binary one goes unless it is on odfSettingsBinary; a listed one goes.
func (r *odfRules) heldSetting(h *heldElem) bool {
	var name, typ string
	for i, n := range h.names {
		if n.Space == nsConfig && n.Local == "name" {
			name = h.attrs[i].Value
		}
		if n.Space == nsConfig && n.Local == "type" {
			typ = h.attrs[i].Value
		}
	}
	empty := true
	for _, tx := range h.texts {
		if strings.TrimSpace(string(tx.text)) != "" {
			empty = false
		}
	}
	if d, ok := odfSettingsDrop[name]; ok && !empty {
		r.report(d.kind, d.detail)
		return false
	}
	if typ == "base64Binary" && !empty && odfSettingsBinary[name] == "" {
		r.report(sanitize.ActRemovedPart, "binary setting "+clip(name))
		return false
	}
	return true
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
			if r.j.converted[pkgPath(v)] {
				// A metafile picture now a PNG: the image's declared type follows.
				for k, a := range t.attrs {
					if a.Local == "mime-type" && (a.Space == nsDraw || a.Space == nsLOExt) {
						t.setAttr(k, "image/png")
					}
				}
			}
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
