package ooxml

import "strings"

// The OOXML allow-list of namespaces, as data: an element or attribute of any other
// namespace is dropped and reported, and a part whose root is of any other namespace is
// removed. What is active inside these namespaces is handled by the rules of rules.go,
// sheetrules.go, fields.go and metadata.go, each with its own table.
// TestOOXMLAllowListCovered fails when an entry has no case in ooxml_allow_test.go.

const (
	msOffice = "http://schemas.microsoft.com/office/"
	oxDML    = "http://schemas.openxmlformats.org/drawingml/2006/"
	oxPurl   = "http://purl.oclc.org/ooxml/"
)

var ooxmlNamespaces = map[string]string{
	// ECMA-376, transitional and strict.
	nsW[0]: "WordprocessingML", nsW[1]: "WordprocessingML (strict)",
	nsX[0]: "SpreadsheetML", nsX[1]: "SpreadsheetML (strict)",
	nsP[0]: "PresentationML", nsP[1]: "PresentationML (strict)",
	nsA[0]: "DrawingML", nsA[1]: "DrawingML (strict)",
	nsR[0]: "relationship references, each resolved through the .rels", nsR[1]: "relationship references (strict)",
	oxDML + "picture": "DrawingML pictures", oxPurl + "drawingml/picture": "DrawingML pictures (strict)",
	oxDML + "wordprocessingDrawing": "drawing anchors in Word", oxPurl + "drawingml/wordprocessingDrawing": "drawing anchors in Word (strict)",
	nsXDR: "drawing anchors in Excel", nsXDRS: "drawing anchors in Excel (strict)",
	nsChart: "charts; series references judged as formulas", nsChartS: "charts (strict)",
	oxDML + "chartDrawing": "shapes on charts", oxPurl + "drawingml/chartDrawing": "shapes on charts (strict)",
	oxDML + "diagram": "SmartArt", oxPurl + "drawingml/diagram": "SmartArt (strict)",
	oxDML + "lockedCanvas": "locked drawing canvas", oxPurl + "drawingml/lockedCanvas": "locked drawing canvas (strict)",
	"http://schemas.openxmlformats.org/officeDocument/2006/math": "equations", oxPurl + "officeDocument/math": "equations (strict)",
	"http://schemas.openxmlformats.org/officeDocument/2006/bibliography":   "bibliography sources",
	"http://schemas.openxmlformats.org/officeDocument/2006/customXml":      "properties of a data store item: its id and schema names (never fetched)",
	oxPurl + "officeDocument/customXml":                                    "properties of a data store item (strict)",
	"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes": "typed values of document properties",
	oxPurl + "officeDocument/docPropsVTypes":                               "typed values of document properties (strict)",
	nsExtProps:                                                             "extended properties, rebuilt by the metadata rules", nsExtPropsS: "extended properties (strict)",
	nsCoreProps: "core properties, rebuilt by the metadata rules",
	nsDC:        "Dublin Core properties", nsDCTerms: "Dublin Core dates",
	"http://purl.org/dc/dcmitype/":              "Dublin Core types",
	"http://www.w3.org/2001/XMLSchema-instance": "type annotations of dates",
	nsMC: "markup compatibility (alternate content, ignorable prefixes)",
	// VML, the legacy drawing language Office still writes for shapes and form controls.
	"urn:schemas-microsoft-com:vml":         "VML shapes; fetched pictures and links judged",
	nsO:                                     "VML Office extensions; fetched pictures and links judged",
	"urn:schemas-microsoft-com:office:word": "VML Word extensions",
	nsVMLX:                                  "VML Excel client data; formulas judged, macros removed",
	"urn:schemas-microsoft-com:office:powerpoint": "VML PowerPoint extensions",
	// Office 2010 and later extensions (declared ignorable by the files that use them).
	msOffice + "word/2010/wordml":                "Word 2010 text effects and paragraph ids",
	msOffice + "word/2012/wordml":                "Word 2013 extensions (people are metadata)",
	msOffice + "word/2015/wordml/symex":          "Word symbol extensions",
	msOffice + "word/2016/wordml/cid":            "Word comment ids",
	msOffice + "word/2018/wordml":                "Word 2019 extensions",
	msOffice + "word/2018/wordml/cex":            "Word comment extensions",
	msOffice + "word/2020/wordml/sdtdatahash":    "Word content-control hashes",
	msOffice + "word/2023/wordml/word16du":       "Word date extensions",
	msOffice + "word/2010/wordprocessingDrawing": "Word 2010 drawing anchors",
	msOffice + "word/2010/wordprocessingCanvas":  "Word drawing canvas",
	msOffice + "word/2010/wordprocessingGroup":   "Word shape groups",
	msOffice + "word/2010/wordprocessingInk":     "Word ink",
	msOffice + "word/2010/wordprocessingShape":   "Word shapes",
	msOffice + "drawing/2010/main":               "DrawingML 2010 extensions",
	msOffice + "drawing/2012/main":               "DrawingML 2013 extensions",
	msOffice + "drawing/2014/main":               "DrawingML 2016 object ids",
	msOffice + "drawing/2016/11/main":            "DrawingML 2016 extensions",
	msOffice + "drawing/2016/SVG/main":           "SVG picture references (the picture goes through the image family)",
	msOffice + "drawing/2017/decorative":         "decorative-picture flag",
	msOffice + "drawing/2018/hyperlinkcolor":     "hyperlink colour flag",
	msOffice + "drawing/2010/picture":            "picture extensions",
	msOffice + "drawing/2010/diagram":            "SmartArt extensions",
	msOffice + "drawing/2008/diagram":            "SmartArt drawings",
	msOffice + "drawing/2007/8/2/chart":          "chart 2010 extensions",
	nsC15:                                        "chart 2013 extensions; references judged as formulas",
	msOffice + "drawing/2014/chart":              "chart 2016 extensions",
	msOffice + "drawing/2015/06/chart":           "chart 2016 extensions",
	msOffice + "drawing/2017/03/chart":           "chart 2017 extensions",
	nsCX:                                         "chart extension parts (waterfall, treemap); references judged",
	msOffice + "drawing/2010/chartDrawing":       "chart shape extensions",
	msOffice + "thememl/2012/main":               "theme 2013 extensions",
	nsX14:                                        "Excel 2010 extensions; formulas judged",
	msOffice + "spreadsheetml/2009/9/ac":         "Excel 2010 row and column hints",
	msOffice + "spreadsheetml/2010/11/main":      "Excel 2013 extensions",
	msOffice + "spreadsheetml/2010/11/ac":        "Excel 2013 hints",
	msOffice + "spreadsheetml/2014/11/main":      "Excel 2016 extensions",
	msOffice + "spreadsheetml/2015/02/main":      "Excel 2016 extensions",
	msOffice + "spreadsheetml/2014/revision":     "Excel revision ids",
	msOffice + "spreadsheetml/2015/revision2":    "Excel revision ids",
	msOffice + "spreadsheetml/2016/revision3":    "Excel revision ids",
	msOffice + "spreadsheetml/2016/revision6":    "Excel revision ids",
	msOffice + "spreadsheetml/2016/revision10":   "Excel revision ids",
	msOffice + "spreadsheetml/2017/dynamicarray": "Excel dynamic-array flags",
	msOffice + "spreadsheetml/2018/calcfeatures": "Excel calculation features",
	nsXLThreaded:                         "Excel threaded comments (authors are metadata)",
	nsXM:                                 "Excel extension formulas, judged",
	msOffice + "powerpoint/2010/main":    "PowerPoint 2010 extensions",
	msOffice + "powerpoint/2012/main":    "PowerPoint 2013 extensions",
	msOffice + "powerpoint/2015/09/main": "PowerPoint 2016 extensions",
	nsPPT2018:                            "PowerPoint modern comments (authors are metadata)",
	"http://schemas.libreoffice.org/":    "LibreOffice calculation settings",
}

// knownOOXMLNS reports whether elements of namespace space may stay in a part of content
// type ct. VML parts put their root (<xml>) and text box markup (<div>) in no namespace.
func knownOOXMLNS(space, ct string) bool {
	if space == "" {
		return strings.EqualFold(ct, "application/vnd.openxmlformats-officedocument.vmlDrawing")
	}
	_, ok := ooxmlNamespaces[space]
	return ok
}

// slideActions are the PowerPoint hyperlink actions (a:hlinkClick and a:hlinkHover
// action="ppaction://...", [MS-PPTX] and ECMA-376 Part 1 §21.1.2.3.5) that may stay: moves
// within the presentation. A link to another file or presentation carries its target in
// an r:id, judged as a relationship (external targets go). Any other action — a macro, a
// program, an OLE verb, one this list does not know — goes with the link element.
// TestSlideActionsCovered fails when an entry has no case.
var slideActions = map[string]string{
	"":                         "no action: an ordinary hyperlink through its r:id",
	"ppaction://noaction":      "explicitly none",
	"ppaction://hlinkshowjump": "jump to the next, previous, first or last slide, or end the show",
	"ppaction://hlinksldjump":  "jump to a slide of this presentation (its r:id names the slide part)",
	"ppaction://customshow":    "start a custom show of this presentation",
	"ppaction://hlinkpres":     "open another presentation, through an r:id (external targets go)",
	"ppaction://hlinkfile":     "open a file, through an r:id (external targets go)",
	"ppaction://media":         "play the shape's own media",
}

// slideActionAllowed reports whether an action is on the list; its query (?jump=nextslide,
// ?id=0&return=true) only picks a slide or show.
func slideActionAllowed(act string) bool {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(act)), "?")
	_, ok := slideActions[base]
	return ok
}
