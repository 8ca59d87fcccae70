package pdf

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/sekisho/sekisho/sanitize"
)

// removedKeys are dictionary entries deleted wherever they occur. Their names are
// specific enough not to collide with benign uses (ISO 32000-1 and -2).
var removedKeys = map[string]sanitize.ActionKind{
	"JS":                     sanitize.ActRemovedJavaScript,   // action script, 12.6.4.16
	"JavaScript":             sanitize.ActRemovedJavaScript,   // document-level name tree, 7.7.4
	"AA":                     sanitize.ActRemovedAction,       // additional (trigger) actions, 12.6.3
	"OpenAction":             sanitize.ActRemovedAction,       // run on open, 7.7.2
	"EmbeddedFiles":          sanitize.ActRemovedEmbeddedFile, // name tree, 7.7.4
	"EF":                     sanitize.ActRemovedEmbeddedFile, // file specification payload, 7.11.4
	"RF":                     sanitize.ActRemovedEmbeddedFile, // related files of a payload
	"Collection":             sanitize.ActRemovedEmbeddedFile, // portfolio, 12.3.5
	"XFA":                    sanitize.ActRemovedForm,         // XML forms (scriptable), 12.7.8
	"RichMediaContent":       sanitize.ActRemovedRichMedia,    // Flash/video payloads (Adobe ext. 3)
	"AlternatePresentations": sanitize.ActRemovedRichMedia,    // slideshows, may script, 13.5
	"Renditions":             sanitize.ActRemovedRichMedia,    // media name tree, 13.2.3
}

// annotSubtypes are the annotation subtypes; those mapped to a kind are removed whole:
// they play media, run embedded players or carry files.
var annotSubtypes = map[string]bool{
	"Text": true, "Link": true, "FreeText": true, "Line": true, "Square": true, "Circle": true,
	"Polygon": true, "PolyLine": true, "Highlight": true, "Underline": true, "Squiggly": true,
	"StrikeOut": true, "Stamp": true, "Caret": true, "Ink": true, "Popup": true,
	"FileAttachment": true, "Sound": true, "Movie": true, "Widget": true, "Screen": true,
	"PrinterMark": true, "TrapNet": true, "Watermark": true, "3D": true, "Redact": true,
	"RichMedia": true, "Projection": true,
}

var removedAnnots = map[string]sanitize.ActionKind{
	"FileAttachment": sanitize.ActRemovedEmbeddedFile,
	"RichMedia":      sanitize.ActRemovedRichMedia,
	"Screen":         sanitize.ActRemovedRichMedia,
	"3D":             sanitize.ActRemovedRichMedia,
	"Movie":          sanitize.ActRemovedRichMedia,
	"Sound":          sanitize.ActRemovedRichMedia,
}

// actionTypes are the /S values of action dictionaries (12.6.4, ISO 32000-2 adds GoToDp,
// Adobe extension level 3 adds RichMediaExecute). A dictionary whose /S is one of these
// is treated as an action wherever it sits.
var actionTypes = map[string]bool{
	"GoTo": true, "GoToR": true, "GoToE": true, "GoToDp": true, "Launch": true, "Thread": true,
	"URI": true, "Sound": true, "Movie": true, "Hide": true, "Named": true, "SubmitForm": true,
	"ResetForm": true, "ImportData": true, "JavaScript": true, "SetOCGState": true,
	"Rendition": true, "Trans": true, "GoTo3DView": true, "RichMediaExecute": true,
}

// navigation are the Named actions viewers must support (12.6.4.11); others run
// viewer menu commands and are removed.
var navigation = map[string]bool{"NextPage": true, "PrevPage": true, "FirstPage": true, "LastPage": true}

// webSchemes are the URI schemes a kept URI action may use; javascript:, file:, smb: and
// anything else a viewer might hand to the operating system are removed.
var webSchemes = map[string]bool{"http": true, "https": true, "mailto": true}

// forbidden reports whether d must be unlinked from its parent (found under key in the
// object described by where), and records the removal.
func (c *cleaner) forbidden(d types.Dict, where, key string) bool {
	t, st := typeName(d), nameOf(d, "Subtype")
	if t == "EmbeddedFile" {
		c.report(sanitize.ActRemovedEmbeddedFile, fmt.Sprintf("embedded file stream in /%s of %s", key, where))
		return true
	}
	if kind, ok := removedAnnots[st]; ok && (t == "" || t == "Annot") {
		c.report(kind, fmt.Sprintf("%s annotation in /%s of %s", st, key, where))
		return true
	}
	s := nameOf(d, "S")
	if t != "Action" && !actionTypes[s] {
		return false
	}
	kind, why := c.judgeAction(d, s)
	if kind == "" {
		return false
	}
	if s == "" {
		s = "(untyped)"
	}
	c.report(kind, fmt.Sprintf("%s action%s in /%s of %s", s, why, key, where))
	return true
}

// judgeAction returns the kind of removal for an action, or "" to keep it. Only
// navigation within the document and, by option, web links survive.
func (c *cleaner) judgeAction(d types.Dict, s string) (sanitize.ActionKind, string) {
	switch s {
	case "GoTo":
		return "", ""
	case "Named":
		if navigation[nameOf(d, "N")] {
			return "", ""
		}
		return sanitize.ActRemovedAction, " " + nameOf(d, "N")
	case "Thread":
		if _, remote := d.Find("F"); !remote {
			return "", ""
		}
		return sanitize.ActRemovedAction, " (remote)"
	case "URI":
		return c.judgeURI(d)
	case "JavaScript":
		return sanitize.ActRemovedJavaScript, ""
	case "Rendition", "Sound", "Movie", "RichMediaExecute":
		return sanitize.ActRemovedRichMedia, ""
	}
	return sanitize.ActRemovedAction, ""
}

func (c *cleaner) judgeURI(d types.Dict) (sanitize.ActionKind, string) {
	o, _ := d.Find("URI")
	uri, err := c.x.DereferenceStringOrHexLiteral(o, model.V10, nil)
	if err != nil {
		return sanitize.ActRemovedLink, " (unreadable URI)"
	}
	shown := " " + quoteURI(uri)
	if !c.keepURI {
		return sanitize.ActRemovedLink, shown
	}
	if !webSchemes[scheme(uri)] {
		return sanitize.ActRemovedLink, shown + " (not http, https or mailto)"
	}
	return "", ""
}

// scheme returns the lower-cased scheme of uri, or "" when it has none or hides one
// behind control characters or spaces (which viewers and browsers strip).
func scheme(uri string) string {
	i := strings.IndexByte(uri, ':')
	if i <= 0 {
		return ""
	}
	s := uri[:i]
	for j := 0; j < len(s); j++ {
		ch := s[j]
		ok := ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' ||
			j > 0 && (ch >= '0' && ch <= '9' || ch == '+' || ch == '-' || ch == '.')
		if !ok {
			return ""
		}
	}
	return strings.ToLower(s)
}

// quoteURI shortens a URI for a report and makes it printable.
func quoteURI(u string) string {
	const max = 120
	if len(u) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(u[cut]) {
			cut--
		}
		u = u[:cut] + "…"
	}
	return fmt.Sprintf("%q", u)
}
