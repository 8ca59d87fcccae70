package rtf

import (
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// The allow-list of ignorable destinations ({\*\name ...}), as data: a reader that does
// not know one skips it, so one this family does not know is dropped, never copied.
// Destinations that are objects, templates and mail-merge sources are removed by
// group.go; fields are judged by sanitize/wordfield. TestDestinationsCovered fails when
// an entry has no case in testdata/destinations.txt.
var destinations = map[string]string{
	"fldinst":            "field instruction, judged by the field allow-list",
	"bkmkstart":          "bookmark start",
	"bkmkend":            "bookmark end",
	"shppict":            "Word 97 picture of a shape",
	"shpinst":            "shape instance",
	"picprop":            "picture properties",
	"blipuid":            "picture identifier",
	"bliptag":            "picture identifier",
	"cs":                 "character style",
	"ts":                 "table style",
	"pgdsctbl":           "page descriptions (LibreOffice)",
	"pgdsc":              "page description (LibreOffice)",
	"pgdscno":            "page description in use (LibreOffice)",
	"ftnsep":             "footnote separator",
	"ftnsepc":            "footnote continuation separator",
	"ftncn":              "footnote continuation notice",
	"aftnsep":            "endnote separator",
	"aftnsepc":           "endnote continuation separator",
	"aftncn":             "endnote continuation notice",
	"listtable":          "list definitions",
	"listoverridetable":  "list overrides",
	"listpicture":        "picture bullets",
	"pn":                 "Word 6 paragraph numbering",
	"pntxta":             "Word 6 numbering text after",
	"pntxtb":             "Word 6 numbering text before",
	"pnseclvl":           "Word 6 section numbering level",
	"xmlnstbl":           "XML namespace table",
	"xmlopen":            "custom XML tag",
	"xmlclose":           "custom XML tag",
	"xmlattrname":        "custom XML attribute",
	"xmlattrvalue":       "custom XML attribute",
	"colorschememapping": "theme colour mapping (XML text)",
	"latentstyles":       "latent style settings",
	"lsdlockedexcept":    "latent style exceptions",
	"defchp":             "default character properties",
	"defpap":             "default paragraph properties",
	"panose":             "font classification",
	"falt":               "alternative font name",
	"fname":              "font name",
	"annotation":         "comment text",
	"atnref":             "comment reference",
	"atndate":            "comment date",
	"atnparent":          "comment parent",
	"atrfstart":          "comment range start",
	"atrfend":            "comment range end",
	"atnid":              "comment author initials (dropped with strip)",
	"atnauthor":          "comment author (dropped with strip)",
	"docvar":             "document variable",
	"password":           "protection password hash",
	"passwordhash":       "protection password hash",
	"protusertbl":        "protection exceptions",
	"formfield":          "form field",
	"ffname":             "form field name",
	"ffdeftext":          "form field default text",
	"ffformat":           "form field format",
	"ffhelptext":         "form field help text",
	"ffstattext":         "form field status text",
	"ffl":                "form field list entry",
	"oldcprops":          "tracked character formatting",
	"oldpprops":          "tracked paragraph formatting",
	"oldsprops":          "tracked section formatting",
	"oldtprops":          "tracked table formatting",
	"wgrffmtfilter":      "style gallery filter",
	"background":         "page background",
	"keycode":            "shortcut key of a style",
	"nesttableprops":     "nested table properties",
	"nonesttables":       "text for readers without nested tables",
	"ud":                 "Unicode alternative text",
	"fchars":             "line-breaking characters",
	"lchars":             "line-breaking characters",
	"flymaincnt":         "frame content (LibreOffice)",
	"flyanchor":          "frame anchor (LibreOffice)",
	"flycntnt":           "frame content (LibreOffice)",
	"revtbl":             "revision authors (dropped with strip)",
	"rsidtbl":            "revision identifiers (dropped with strip)",
	"generator":          "producing application (dropped with strip)",
	"userprops":          "custom properties (dropped with strip)",
	"mmathPr":            "math properties",
	"moMath":             "math zone",
	"moMathPara":         "math paragraph",
	"moMathParaPr":       "math paragraph properties",
	"shpgrp":             "shape group",
	"shptxt":             "shape text",
	"footnote":           "footnote or endnote text (LibreOffice marks it ignorable)",
	"company":            "company of the document properties (dropped with strip)",
	"manager":            "manager of the document properties (dropped with strip)",
	"expandedcolortbl":   "colour spaces of the colour table (Apple)",
	"pgptbl":             "paragraph group properties (Word)",
}

// destRemoval names the reason for ignorable destinations known to act, for the report.
var destRemoval = map[string]struct {
	kind   sanitize.ActionKind
	detail string
}{
	"ffentrymcr": {sanitize.ActRemovedMacros, "form field entry macro"},
	"ffexitmcr":  {sanitize.ActRemovedMacros, "form field exit macro"},
	"hl":         {sanitize.ActRemovedExternalLink, "Word 97 hyperlink"},
	"hlsrc":      {sanitize.ActRemovedExternalLink, "Word 97 hyperlink target"},
	"hlloc":      {sanitize.ActRemovedExternalLink, "Word 97 hyperlink location"},
	"hlfr":       {sanitize.ActRemovedExternalLink, "Word 97 hyperlink frame"},
	"hlinkbase":  {sanitize.ActRemovedExternalLink, "base address of relative links"},
	"themedata":  {sanitize.ActRemovedPart, "theme package (binary, parsed by Word)"},
	"fontemb":    {sanitize.ActRemovedPart, "embedded font program"},
	"fontfile":   {sanitize.ActRemovedPart, "font file reference"},
	"htmltag":    {sanitize.ActRemovedPart, "encapsulated HTML (Outlook)"},
	"private":    {sanitize.ActRemovedPart, "private application data"},
}

// metaDest are destinations dropped with Metadata "strip": they name people or tools.
var metaDest = map[string]bool{
	"atnid": true, "atnauthor": true, "revtbl": true, "rsidtbl": true, "generator": true, "userprops": true,
	"company": true, "manager": true,
}

// infoKeep are the children of {\info} kept with Metadata "strip".
var infoKeep = map[string]bool{"title": true, "subject": true}

// knownDest reports whether an ignorable destination is on the allow-list.
func knownDest(name string) bool {
	_, ok := destinations[name]
	return ok || strings.HasPrefix(name, "mmath")
}

// shapeLinks are the shape properties ({\sp{\sn name}{\sv value}}) whose value is a file
// name or address that Word loads when the picture's flags say linked (pibFlags,
// fillBlipFlags, lineFillBlipFlags: msoblipflagLinkToFile, msoblipflagURL). Every other
// *BlipName property is treated the same way: the picture itself is in a {\pict} kept
// (re-encoded) beside it.
var shapeLinks = map[string]string{
	"pibname":          "linked picture",
	"pibprintname":     "linked print picture",
	"fillblipname":     "linked fill picture",
	"linefillblipname": "linked line fill picture",
}

// linkedShapeProp returns why a shape property is a link to drop, or "".
func linkedShapeProp(name string) string {
	n := strings.ToLower(name)
	if why := shapeLinks[n]; why != "" {
		return why
	}
	if strings.HasSuffix(n, "blipname") {
		return "linked picture"
	}
	return ""
}

// plainName reports whether a shape property name is a plain identifier, as every
// producer writes it.
func plainName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
