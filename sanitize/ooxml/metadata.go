package ooxml

import (
	"encoding/xml"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// Document metadata on the positive model: the property parts are rebuilt from an
// allow-list of properties (metaKeep), and with Options.Metadata "strip" (the default)
// the names, dates and identifiers of the people who wrote and reviewed a document go
// too: authors, last editors, company, manager, template paths, custom properties,
// revision identifiers and comment authors. "keep" keeps the properties (the parts are
// still rewritten, and links and binary settings still go).

const (
	nsCoreProps   = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
	nsExtProps    = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
	nsExtPropsS   = "http://purl.oclc.org/ooxml/officeDocument/extendedProperties"
	nsDCTerms     = "http://purl.org/dc/terms/"
	nsXLThreaded  = "http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"
	nsPPT2018     = "http://schemas.microsoft.com/office/powerpoint/2018/8/main"
	ctCoreProps   = "application/vnd.openxmlformats-package.core-properties+xml"
	ctExtProps    = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
	ctCustomProps = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
)

// metaKeep are the document properties kept in every mode, with why: what the document
// is about and how long it is, nothing about who made it.
var metaKeep = map[xml.Name]string{
	{Space: nsDC, Local: "title"}:                      "title of the document",
	{Space: nsDC, Local: "subject"}:                    "subject of the document",
	{Space: nsDC, Local: "language"}:                   "language of the text",
	{Space: nsMeta, Local: "document-statistic"}:       "page, word and character counts",
	{Space: nsExtProps, Local: "Pages"}:                "page count",
	{Space: nsExtProps, Local: "Words"}:                "word count",
	{Space: nsExtProps, Local: "Characters"}:           "character count",
	{Space: nsExtProps, Local: "CharactersWithSpaces"}: "character count",
	{Space: nsExtProps, Local: "Lines"}:                "line count",
	{Space: nsExtProps, Local: "Paragraphs"}:           "paragraph count",
	{Space: nsExtProps, Local: "Slides"}:               "slide count",
	{Space: nsExtProps, Local: "Notes"}:                "notes count",
	{Space: nsExtProps, Local: "HiddenSlides"}:         "hidden slide count",
	{Space: nsExtProps, Local: "MMClips"}:              "media clip count",
	{Space: nsExtProps, Local: "DocSecurity"}:          "read-only recommendation flags",
	{Space: nsExtProps, Local: "ScaleCrop"}:            "thumbnail display flag",
	{Space: nsExtProps, Local: "LinksUpToDate"}:        "link state flag",
	{Space: nsExtProps, Local: "SharedDoc"}:            "sharing flag",
	{Space: nsExtProps, Local: "HyperlinksChanged"}:    "link state flag",
}

// metaKeepAlso are properties kept only with Metadata "keep": they name people,
// organisations, dates and tools. Links (HyperlinkBase, templates) are never kept.
var metaKeepAlso = map[xml.Name]string{
	{Space: nsDC, Local: "creator"}:                  "author",
	{Space: nsDC, Local: "description"}:              "comments",
	{Space: nsDC, Local: "date"}:                     "modification date",
	{Space: nsDC, Local: "identifier"}:               "identifier",
	{Space: nsCoreProps, Local: "lastModifiedBy"}:    "last editor",
	{Space: nsCoreProps, Local: "revision"}:          "revision number",
	{Space: nsCoreProps, Local: "lastPrinted"}:       "print date",
	{Space: nsCoreProps, Local: "keywords"}:          "keywords",
	{Space: nsCoreProps, Local: "category"}:          "category",
	{Space: nsCoreProps, Local: "contentStatus"}:     "status",
	{Space: nsCoreProps, Local: "version"}:           "version",
	{Space: nsDCTerms, Local: "created"}:             "creation date",
	{Space: nsDCTerms, Local: "modified"}:            "modification date",
	{Space: nsExtProps, Local: "Application"}:        "producing application",
	{Space: nsExtProps, Local: "AppVersion"}:         "producing application version",
	{Space: nsExtProps, Local: "Company"}:            "company",
	{Space: nsExtProps, Local: "Manager"}:            "manager",
	{Space: nsExtProps, Local: "TotalTime"}:          "editing time",
	{Space: nsExtProps, Local: "PresentationFormat"}: "slide format",
	{Space: nsExtProps, Local: "HeadingPairs"}:       "part titles",
	{Space: nsExtProps, Local: "TitlesOfParts"}:      "part titles",
	{Space: nsMeta, Local: "initial-creator"}:        "author",
	{Space: nsMeta, Local: "creation-date"}:          "creation date",
	{Space: nsMeta, Local: "editing-cycles"}:         "revision number",
	{Space: nsMeta, Local: "editing-duration"}:       "editing time",
	{Space: nsMeta, Local: "generator"}:              "producing application",
	{Space: nsMeta, Local: "keyword"}:                "keywords",
	{Space: nsMeta, Local: "print-date"}:             "print date",
	{Space: nsMeta, Local: "printed-by"}:             "printed by",
	{Space: nsMeta, Local: "user-defined"}:           "custom property",
	{Space: nsMeta, Local: "hyperlink-behaviour"}:    "link target frame",
	{Space: nsExtProps, Local: "DigSig"}:             "signature data",
	{Space: nsCoreProps, Local: "contentType"}:       "content type",
	{Space: nsExtProps, Local: "Template"}:           "template name",
	{Space: nsMeta, Local: "creator-initials"}:       "author initials",
}

// authorAttrs are the attributes that name a person on comments, tracked changes and
// comment authors; with Metadata "strip" their values become empty (the attributes are
// required, so they stay).
var authorAttrs = map[xml.Name]bool{
	{Space: nsW[0], Local: "author"}:   true,
	{Space: nsW[1], Local: "author"}:   true,
	{Space: nsW[0], Local: "initials"}: true,
	{Space: nsW[1], Local: "initials"}: true,
}

// authorElemAttrs are person attributes of specific elements (unprefixed attributes).
var authorElemAttrs = map[xml.Name][]string{
	{Space: nsP[0], Local: "cmAuthor"}:     {"name", "initials"},
	{Space: nsP[1], Local: "cmAuthor"}:     {"name", "initials"},
	{Space: nsPPT2018, Local: "author"}:    {"name", "initials", "userId", "providerId"},
	{Space: nsXLThreaded, Local: "person"}: {"displayName", "userId", "providerId"},
}

// metaRules apply the metadata model to one part. kind says which property part it is
// ("core", "app", "odf"), or "" for content parts, where only person attributes and
// revision identifiers are concerned.
type metaRules struct {
	strip  bool
	kind   string
	report func(kind sanitize.ActionKind, detail string)
	gone   []string // what was removed, in order, once each
}

// dropped notes a removal; flush reports them as one action for the part, so that a
// report lists what went without one line per property or per comment.
func (m *metaRules) dropped(what string) {
	for _, g := range m.gone {
		if g == what {
			return
		}
	}
	m.gone = append(m.gone, what)
}

func (m *metaRules) flush() {
	if m == nil || len(m.gone) == 0 {
		return
	}
	m.report(sanitize.ActRemovedMetadata, strings.Join(m.gone, ", "))
	m.gone = nil
}

// start applies the rules to one element; it reports false when they have nothing to
// say about it.
func (m *metaRules) start(t *tok, parent xml.Name) (op, bool) {
	if m.kind != "" { // "core", "app" or "odf"
		return m.property(t, parent)
	}
	if !m.strip {
		return opKeep, false
	}
	n := t.name
	switch n.Local {
	case "creator":
		if n.Space == nsDC {
			// Comment and change authors in ODF content (office:annotation,
			// office:change-info): required by change-info, so emptied rather than
			// dropped.
			return opHold, true
		}
	case "date":
		if n.Space == nsDC && parent.Space == nsOffice && parent.Local == "annotation" {
			m.dropped("comment date")
			return opDrop, true
		}
	case "creator-initials":
		if n.Space == nsMeta {
			m.dropped("comment author initials")
			return opDrop, true
		}
	case "rsids":
		if nsW.has(n.Space) {
			m.dropped("revision identifiers (w:rsids)")
			return opDrop, true
		}
	case "docVars":
		if nsW.has(n.Space) {
			m.dropped("document variables")
			return opDrop, true
		}
	case "author":
		if nsX.has(n.Space) {
			return opHold, true // comment authors: the list is indexed, so each stays, empty
		}
	}
	for i := 0; i < len(t.attrs); i++ {
		a := t.attrs[i]
		if a.Local == "" || !metaAttrFirst[a.Local[0]] {
			continue // most attributes: not a person, revision id or date
		}
		switch {
		case a.Local == "author" || a.Local == "initials":
			if authorAttrs[a] && t.rawAttr[i].Value != "" {
				m.dropped("comment or change author")
				t.setAttr(i, "")
			}
		case strings.HasPrefix(a.Local, "rsid") && nsW.has(a.Space):
			m.dropped("revision identifiers (w:rsid)")
			t.removeAttr(i)
			i--
		case a.Local == "date" && nsW.has(a.Space) && (strings.Contains(n.Local, "Change") || n.Local == "ins" || n.Local == "del" || n.Local == "comment" || n.Local == "moveFrom" || n.Local == "moveTo"):
			m.dropped("comment or change date")
			t.removeAttr(i)
			i--
		}
	}
	switch n.Local {
	case "cmAuthor", "author", "person":
		locals, _ := authorElemAttrsIdx.get(n)
		for _, local := range locals {
			for i, a := range t.attrs {
				if a.Space == "" && a.Local == local && t.rawAttr[i].Value != "" {
					m.dropped("comment author")
					t.setAttr(i, "")
				}
			}
		}
	}
	return opKeep, false
}

// metaElem reports the element names start's switches on n.Local look at in a content
// part; keep it in step with them.
func metaElem(local string) bool {
	switch local {
	case "creator", "date", "creator-initials", "rsids", "docVars", "author", "cmAuthor", "person":
		return true
	}
	return false
}

// metaAttrs reports whether t has an attribute start looks at in a content part.
func metaAttrs(t *tok) bool {
	for _, a := range t.attrs {
		if metaAttr(a.Local) {
			return true
		}
	}
	return false
}

// metaAttr is a quick test for the attribute names start looks at (author, initials,
// rsid*, date): four bytes or more, starting with one of theirs. The length test passes a
// spreadsheet cell's r (its reference) and a relationship's id by, which the first byte
// alone sent to start on every cell.
func metaAttr(local string) bool {
	return len(local) >= 4 && metaAttrFirst[local[0]]
}

var metaAttrFirst = [256]bool{'a': true, 'i': true, 'r': true, 'd': true}

// metaHeld reports whether a held element is one of the person elements start holds.
func metaHeld(n xml.Name) bool {
	return n.Space == nsDC && n.Local == "creator" || nsX.has(n.Space) && n.Local == "author"
}

// held empties a held person element that names someone.
func (m *metaRules) held(h *heldElem) bool {
	for _, tx := range h.texts {
		if strings.TrimSpace(string(tx.text)) != "" {
			m.dropped("comment or change author")
			h.empty = true
			break
		}
	}
	return true
}

// propertyParents are the elements whose children are document properties.
var propertyParents = map[xml.Name]bool{
	{Space: nsCoreProps, Local: "coreProperties"}: true,
	{Space: nsExtProps, Local: "Properties"}:      true,
	{Space: nsExtPropsS, Local: "Properties"}:     true,
	{Space: nsOffice, Local: "meta"}:              true,
}

// property keeps the children of a property part's root (or of office:meta) that are on
// the allow-list, and with "keep" the personal ones too. Deeper elements belong to the
// property they are in.
func (m *metaRules) property(t *tok, parent xml.Name) (op, bool) {
	if parent.Local != "coreProperties" && parent.Local != "Properties" && parent.Local != "meta" || !propertyParents[parent] {
		return opKeep, false
	}
	n := t.name
	if _, ok := metaKeepIdx.get(n); ok {
		return opKeep, true
	}
	if why, ok := metaKeepAlsoIdx.get(n); ok {
		if !m.strip {
			return opKeep, true
		}
		m.dropped(n.Local + " (" + why + ")")
		return opDrop, true
	}
	m.dropped(n.Local)
	return opDrop, true
}

// metaPart decides on whole parts that are metadata: custom properties, the list of
// comment authors with their accounts, custom XML data (SharePoint properties, bound
// data). They go with "strip".
func (j *job) metaPart(p *part, lct string) (removal, bool) {
	if !j.s.stripMeta {
		return removal{}, false
	}
	switch {
	case lct == ctCustomProps:
		return removal{sanitize.ActRemovedMetadata, "custom document properties"}, true
	case lct == "application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml":
		return removal{sanitize.ActRemovedMetadata, "comment authors and their accounts"}, true
	case strings.HasPrefix(p.key, "customxml/"):
		return removal{sanitize.ActRemovedMetadata, "custom XML data (document properties, bound data)"}, true
	}
	return removal{}, false
}
