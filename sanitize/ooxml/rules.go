package ooxml

import (
	"encoding/xml"
	"errors"
	"strconv"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/wordfield"
)

// Namespaces, transitional and strict.
var (
	nsR = nsPair{"http://schemas.openxmlformats.org/officeDocument/2006/relationships", "http://purl.oclc.org/ooxml/officeDocument/relationships"}
	nsW = nsPair{"http://schemas.openxmlformats.org/wordprocessingml/2006/main", "http://purl.oclc.org/ooxml/wordprocessingml/main"}
	nsX = nsPair{"http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main"}
	nsA = nsPair{"http://schemas.openxmlformats.org/drawingml/2006/main", "http://purl.oclc.org/ooxml/drawingml/main"}
	nsP = nsPair{"http://schemas.openxmlformats.org/presentationml/2006/main", "http://purl.oclc.org/ooxml/presentationml/main"}
)

// nsPair is a namespace's transitional and strict URIs. Comparing two strings is cheaper
// than a map lookup, and rules ask for every element and attribute.
type nsPair [2]string

func (p nsPair) has(uri string) bool { return uri == p[0] || uri == p[1] }

const (
	nsO      = "urn:schemas-microsoft-com:office:office"
	nsVMLX   = "urn:schemas-microsoft-com:office:excel"
	nsMC     = "http://schemas.openxmlformats.org/markup-compatibility/2006"
	maxShown = 80
)

// ooxmlRules are the element rules for one OOXML part.
type ooxmlRules struct {
	j      *job
	p      *part
	dead   map[string]bool // relationship ids removed from this part's .rels
	sheets *sheetMap       // workbook part only, when sheets were removed
	seen   map[string]bool // reported (kind, detail) pairs, to report each finding once

	meta                 *metaRules
	elemNS, attrNS       nsMemo
	elemNames, attrNames namesMemo       // schemanames.go
	elems                *elemCache      // the job's, shared by its parts (schemanames.go)
	inUnit               bool            // inside a held formula unit (see formulaStart)
	unitErr              error           // a refused formula attribute inside the held unit
	sharedKept           map[string]bool // shared-formula indices (si) whose master was kept
}

func (r *ooxmlRules) report(kind sanitize.ActionKind, detail string) {
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

// rawLabel is a name as written (prefix:local), for reports.
func rawLabel(n xml.Name) string {
	if n.Space == "" {
		return clip(n.Local)
	}
	return clip(n.Space + ":" + n.Local)
}

// keptAsRead reports a tag that start would keep as read without a look: the same bytes,
// under the same bindings, were judged in this part already and were plain, nothing
// removed, no metadata rule asked (see the end of start). Nothing they were judged on
// has changed since. The writer asks before calling start.
func keptAsRead(t *tok) bool {
	e := t.tag
	return e != nil && e.kept == e.gen
}

func (r *ooxmlRules) start(t *tok, parent xml.Name) op {
	if keptAsRead(t) {
		return opKeep
	}
	n := t.name
	if !r.elemNS.check(n.Space, r.knownElemNS) {
		r.report(sanitize.ActRemovedPart, "elements of unknown namespace "+clip(n.Space))
		return opDrop
	}
	ce := r.elems.get(n, &r.elemNames)
	if ce.own != nil && ce.set == nil {
		r.report(sanitize.ActRemovedUnknown, "element "+clip(n.Local)+" is not in the schema of "+ooxmlNamespaces[n.Space])
		return opDrop
	}
	own, set := ce.own, ce.set
	for i := 0; i < len(t.attrs); i++ {
		a := t.attrs[i]
		if ce.kept(a) {
			continue
		}
		switch {
		case a.Space == nsXML || a.Space == nsXMLNS || a.Space == "" && a.Local == "xmlns":
			continue
		case a.Space != "" && !r.attrNS.check(a.Space, knownAttrOOXMLNS):
			r.report(sanitize.ActRemovedPart, "attributes of unknown namespace "+clip(a.Space))
		case a.Space == nsMC:
			if mcAttrs[a.Local] {
				continue
			}
			r.report(sanitize.ActRemovedUnknown, "attribute "+clip(a.Local)+" is not in the schema of "+ooxmlNamespaces[a.Space])
		case own != nil:
			// The catalogue lists the element's own attributes; one that the namespace of
			// the attribute does not describe at all (LibreOffice's) is judged by its
			// namespace alone.
			if set.has(a) || a.Space != "" && r.attrNames.get(a.Space) == nil {
				ce.keep(a)
				continue
			}
			r.report(sanitize.ActRemovedUnknown, "attribute "+rawLabel(t.rawAttr[i].Name)+" of "+rawLabel(t.raw)+" is not in its schema ("+ooxmlNamespaces[n.Space]+")")
		case a.Space == "":
			continue
		default:
			if q := r.attrNames.get(a.Space); q == nil || q.qattrs[a.Local] {
				continue
			}
			r.report(sanitize.ActRemovedUnknown, "attribute "+clip(a.Local)+" is not in the schema of "+ooxmlNamespaces[a.Space])
		}
		t.removeAttr(i)
		i--
	}
	// References to removed relationships: the element goes with its target (an OLE object
	// keeps its preview picture, a control its shape). A hyperlink keeps its text.
	for i := 0; i < len(t.attrs) && len(r.dead) > 0; i++ {
		a := t.attrs[i]
		isRef := nsR.has(a.Space) || (a.Space == nsO && a.Local == "relid")
		if !isRef || !r.dead[t.rawAttr[i].Value] {
			continue
		}
		if nsW.has(n.Space) && n.Local == "hyperlink" {
			t.removeAttr(i)
			i--
			continue
		}
		return opDrop
	}
	// The metadata rules concern a content part's element only through its name
	// (ce.meta) or an attribute (metaAttrFirst): most elements are passed by here.
	metaAsked := false
	if m := r.meta; m != nil && (m.kind != "" || m.strip && (ce.meta || metaAttrs(t))) {
		metaAsked = true
		if o, ok := m.start(t, parent); ok {
			return o
		}
	}
	// Macro assignments on shapes and form controls (Excel: macro="", fmlaMacro="").
	for i := 0; i < len(t.attrs); i++ {
		a := t.attrs[i]
		if a.Space == "" && (a.Local == "macro" || a.Local == "fmlaMacro") && t.rawAttr[i].Value != "" {
			r.report(sanitize.ActRemovedMacros, "macro assignment "+clip(t.rawAttr[i].Value))
			t.removeAttr(i)
			i--
		}
	}
	if ce.plain {
		// Kept as read (t.src: no attribute removed or changed) by rules that depend on
		// the tag and this part alone: the tag's next reading in this part is kept too.
		if e := t.tag; e != nil && t.src != nil && !metaAsked {
			e.kept = e.gen
		}
		return opKeep
	}
	// VML shapes and images can point at a file outside the package by attribute alone
	// (<v:imagedata src="file://\\host\x" o:href="\\host\x">), without a relationship:
	// Word fetches them, which leaks NTLM credentials to the host. A picture or fill that
	// is fetched goes; a shape that is only a link keeps its shape and text.
	if strings.HasPrefix(n.Space, "urn:schemas-microsoft-com:") {
		for i := 0; i < len(t.attrs); i++ {
			a := t.attrs[i]
			if a.Space == nsO && a.Local == "gfxdata" {
				// A whole zipped package (content types, relationships, DrawingML) that
				// Word 2007 unpacks into the shape: its parts and relationships are out of
				// the package's sight, like w:fldData. The VML shape stays as drawn.
				r.report(sanitize.ActRemovedUnknown, "zipped DrawingML copy of a shape (o:gfxdata), not parsed")
				t.removeAttr(i)
				i--
				continue
			}
			if a.Local != "src" && a.Local != "href" && a.Local != "althref" || !externalTarget(t.rawAttr[i].Value) {
				continue
			}
			r.report(sanitize.ActRemovedExternalLink, "VML "+n.Local+" "+a.Local+" "+clip(t.rawAttr[i].Value))
			if n.Local == "imagedata" || n.Local == "fill" || a.Local == "src" {
				return opDrop
			}
			t.removeAttr(i)
			i--
		}
	}
	if n.Space == nsVMLX && n.Local == "FmlaMacro" {
		r.report(sanitize.ActRemovedMacros, "macro assignment on a form control")
		return opDrop
	}
	if !nsX.has(n.Space) {
		if o, ok := r.formulaStart(t, ce.sheet); ok {
			return o
		}
	}
	switch {
	case n.Space == nsMC && (n.Local == "AlternateContent" || n.Local == "Choice" || n.Local == "Fallback"):
		return opPruneEmpty
	case nsW.has(n.Space):
		return r.word(t, n)
	case nsX.has(n.Space):
		return r.excel(t, n, ce.sheet)
	case nsA.has(n.Space) || nsP.has(n.Space):
		if act, ok := t.attr("", "action"); ok && !slideActionAllowed(act) {
			la := strings.ToLower(act)
			switch {
			case strings.HasPrefix(la, "ppaction://macro"):
				r.report(sanitize.ActRemovedMacros, "action runs macro "+clip(act))
			case strings.HasPrefix(la, "ppaction://program"):
				r.report(sanitize.ActRemovedExternalLink, "action runs a program")
			case strings.HasPrefix(la, "ppaction://ole"):
				r.report(sanitize.ActRemovedOLE, "action activates an OLE object")
			default:
				r.report(sanitize.ActRemovedUnknown, "action not on the allow-list "+clip(act))
			}
			return opDrop
		}
		if nsP.has(n.Space) && n.Local == "controls" {
			return opPruneEmpty
		}
	}
	return opKeep
}

// plainElem reports an element that nothing in ooxmlRules.start after the attribute
// checks (the schema, removed relationships, metadata, macro assignments) looks at: not
// VML, not markup compatibility, not SpreadsheetML, DrawingML or PresentationML (their
// rules look at every element), no formula-bearing element of the sheet tables, and none
// of the WordprocessingML elements word decides on. It must follow those rules: an element
// it calls plain skips them. TestPlainElemFollowsRules checks it against them.
func plainElem(n xml.Name) bool {
	switch {
	case strings.HasPrefix(n.Space, "urn:schemas-microsoft-com:"), n.Space == nsMC,
		nsX.has(n.Space), nsA.has(n.Space), nsP.has(n.Space):
		return false
	case nsW.has(n.Space):
		if _, ok := wordRuled[n.Local]; ok {
			return false
		}
	}
	e, _ := sheetIdx.get(n)
	return e == nil
}

// wordRuled are the WordprocessingML elements word decides on.
var wordRuled = map[string]struct{}{"fldSimple": {}, "entryMacro": {}, "exitMacro": {}, "mailMerge": {}, "fldData": {}}

func (r *ooxmlRules) word(t *tok, n xml.Name) op {
	switch n.Local {
	case "fldSimple":
		instr := wattr(t, "instr")
		if d, ok := r.fieldVerdict(instr, false); ok {
			r.report(d.kind, d.detail)
			return opUnwrap // the cached result stays as plain text
		}
	case "entryMacro", "exitMacro":
		r.report(sanitize.ActRemovedMacros, "form field macro "+clip(wattr(t, "val")))
		return opDrop
	case "mailMerge":
		r.report(sanitize.ActRemovedExternalLink, "mail merge data source and query")
		return opDrop
	case "fldData":
		// Opaque binary that Word hands to the field's own parser (legacy form fields,
		// some linked fields): nothing here can judge it, and the field works without it.
		r.report(sanitize.ActRemovedUnknown, "binary field data (w:fldData), not parsed")
		return opDrop
	}
	return opKeep
}

func (r *ooxmlRules) excel(t *tok, n xml.Name, sheet *sheetEntry) op {
	switch n.Local {
	case "definedName":
		name, _ := t.attr("", "name")
		if autoRunName(name) {
			r.report(sanitize.ActRemovedMacros, "auto-run defined name "+clip(name))
			return opDrop
		}
		for _, a := range []string{"function", "vbProcedure", "xlm"} {
			if v, _ := t.attr("", a); v == "1" || v == "true" {
				r.report(sanitize.ActRemovedMacros, "macro defined name "+clip(name))
				return opDrop
			}
		}
		if r.sheets != nil && !r.remapAttr(t, "localSheetId", false) {
			return opDrop
		}
	case "workbookView":
		if r.sheets != nil {
			r.remapAttr(t, "activeTab", true)
			r.remapAttr(t, "firstSheet", true)
		}
	case "externalReferences", "controls", "oleObjects", "conditionalFormatting", "dataValidations":
		return opPruneEmpty
	}
	if o, ok := r.formulaStart(t, sheet); ok {
		return o
	}
	return opKeep
}

// held decides on a held element (a formula, or an element whose children hold
// formulas) once its end is read.
func (r *ooxmlRules) held(h *heldElem) bool {
	if metaHeld(h.name) && r.meta != nil {
		return r.meta.held(h)
	}
	return r.heldFormula(h)
}

// externalTarget reports a reference outside the package: a URI with a scheme, a UNC or
// protocol-relative path, or an absolute file path.
func externalTarget(v string) bool {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return false
	case strings.HasPrefix(v, `\\`), strings.HasPrefix(v, "//"), strings.HasPrefix(v, "/"):
		return true
	case len(v) > 1 && v[1] == ':':
		return true // a drive letter
	}
	return uriScheme(v) != ""
}

// remapAttr rewrites a sheet index after sheets were removed. It returns false when the
// index pointed at a removed sheet; clamp sets such an index to 0 instead.
func (r *ooxmlRules) remapAttr(t *tok, local string, clamp bool) bool {
	for i, a := range t.attrs {
		if a.Space != "" || a.Local != local {
			continue
		}
		old, err := strconv.Atoi(t.rawAttr[i].Value)
		nv := -1
		if err == nil && old >= 0 && old < len(r.sheets.newIndex) {
			nv = r.sheets.newIndex[old]
		}
		if nv < 0 {
			if !clamp {
				return false
			}
			nv = 0
		}
		t.setAttr(i, strconv.Itoa(nv))
	}
	return true
}

// wattr returns a w:-namespaced attribute, transitional or strict.
func wattr(t *tok, local string) string {
	s, _ := t.start()
	for i, a := range t.attrs {
		if a.Local == local && nsW.has(a.Space) {
			return s.Attr[i].Value
		}
	}
	return ""
}

// autoRunName reports defined names Excel runs on open or close. Excel matches the prefix:
// "Auto_Open2" runs too.
func autoRunName(name string) bool {
	n := strings.ToLower(strings.TrimPrefix(strings.ToLower(name), "_xlnm."))
	for _, p := range []string{"auto_open", "auto_close", "auto_activate", "auto_deactivate"} {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// ddeFormula reports a formula that calls a DDE server (=cmd|' /c calc'!A0): the pipe is
// not an Excel operator, so one outside a string literal is a DDE reference.
func ddeFormula(f []byte) bool {
	inStr := false
	for i := 0; i < len(f); i++ {
		switch f[i] {
		case '"':
			inStr = !inStr
		case '|':
			if !inStr {
				return true
			}
		}
	}
	return false
}

// fieldVerdict decides on a Word field instruction through the allow-list of
// sanitize/wordfield. nested is true when the field type itself is produced by a nested
// field, which hides the real type from any reader but Word's own evaluation.
func (r *ooxmlRules) fieldVerdict(instr string, nested bool) (removal, bool) {
	if nested {
		return removal{sanitize.ActRemovedDDE, "field whose type is computed by a nested field"}, true
	}
	instr = strings.ReplaceAll(instr, "\x00", " ")
	shown := func() string { return "field " + clip(strings.Join(strings.Fields(instr), " ")) }
	f, err := wordfield.Parse(instr)
	if err == nil {
		err = f.Check()
	}
	if err == nil {
		if f.Type != "HYPERLINK" || r.j.s.keepLinks || len(f.Args) == 0 {
			return removal{}, false
		}
		return removal{sanitize.ActRemovedExternalLink, shown() + " (hyperlinks are removed by configuration)"}, true
	}
	return fieldRemoval(err, shown()), true
}

// fieldRemoval maps a refused field to its action kind.
func fieldRemoval(err error, shown string) removal {
	kind := sanitize.ActRemovedPart
	switch {
	case errors.Is(err, wordfield.ErrDDE):
		kind = sanitize.ActRemovedDDE
	case errors.Is(err, wordfield.ErrExternal), errors.Is(err, wordfield.ErrLink):
		kind = sanitize.ActRemovedExternalLink
	case errors.Is(err, wordfield.ErrMacro):
		kind = sanitize.ActRemovedMacros
	}
	return removal{kind, shown + ": " + clip(err.Error())}
}

// clip shortens and de-controls a value shown in a report.
func clip(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len(s) > maxShown {
		cut := maxShown
		for cut > 0 && !isRuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

func (r *ooxmlRules) knownElemNS(space string) bool { return knownOOXMLNS(space, r.p.ctype) }

func knownAttrOOXMLNS(space string) bool { return knownOOXMLNS(space, "") }
