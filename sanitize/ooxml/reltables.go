package ooxml

import "strings"

// The OOXML allow-list of relationship types, as data: one entry per relationship type URI
// (ECMA-376 transitional, strict, and the Microsoft extensions), saying which part types
// may carry it and which content types its target may have. An internal relationship not
// on the list, carried by another part type or pointing at a part of another type is
// dropped and reported; its target goes when nothing else reaches it. Relationship types
// whose targets are active (macros, controls, OLE objects, connections, signatures) are
// in dangerousRels (classify.go) so that their removal is reported by what they are.
// External relationships are decided in applyRels: hyperlinks may stay, nothing else.
// TestRelTypesCovered fails when an entry has no case in reltables_test.go.
//
// Sources: ECMA-376 Part 1 §15 (part types and their relationships) and the part
// catalogue of the Open XML SDK (MIT licence), data/parts/*.json, for the Microsoft
// extension parts.

const (
	relT   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/" // transitional
	relS   = "http://purl.oclc.org/ooxml/officeDocument/relationships/"             // strict
	relPkg = "http://schemas.openxmlformats.org/package/2006/relationships/"        // OPC, both
	relMS  = "http://schemas.microsoft.com/office/"

	ctOX  = "application/vnd.openxmlformats-officedocument."
	ctWML = ctOX + "wordprocessingml."
	ctSML = ctOX + "spreadsheetml."
	ctPML = ctOX + "presentationml."
	ctDML = ctOX + "drawingml."
	ctMSO = "application/vnd.ms-office."

	// ctImage stands for every image/* type: the image family decides on the bytes.
	ctImage = "image/*"
)

// relRule is one allowed relationship type: the part types that may carry it ("" is the
// package itself) and the content types its target may have (none: only places inside
// the source, "#bookmark", or external targets, which applyRels decides).
type relRule struct {
	from   []string
	to     []string
	reason string
}

// Part types, grouped by who carries what.
var (
	srcPackage = []string{""}
	wordMains  = []string{
		ctWML + "document.main+xml", "application/vnd.ms-word.document.macroenabled.main+xml",
		ctWML + "template.main+xml", "application/vnd.ms-word.template.macroenabledtemplate.main+xml",
		ctWML + "document.glossary+xml",
	}
	bookMains = []string{
		ctSML + "sheet.main+xml", "application/vnd.ms-excel.sheet.macroenabled.main+xml",
		ctSML + "template.main+xml", "application/vnd.ms-excel.template.macroenabled.main+xml",
	}
	presMains = []string{
		ctPML + "presentation.main+xml", "application/vnd.ms-powerpoint.presentation.macroenabled.main+xml",
		ctPML + "slideshow.main+xml", "application/vnd.ms-powerpoint.slideshow.macroenabled.main+xml",
		ctPML + "template.main+xml", "application/vnd.ms-powerpoint.template.macroenabled.main+xml",
	}
	allMains = concat(wordMains[:4], bookMains, presMains)
	// Word parts that hold body text, and so drawings, charts and pictures.
	wordStories = concat(wordMains, []string{
		ctWML + "header+xml", ctWML + "footer+xml", ctWML + "footnotes+xml", ctWML + "endnotes+xml",
		ctWML + "comments+xml", ctWML + "commentsextended+xml", ctWML + "commentsids+xml",
	})
	sheets     = []string{ctSML + "worksheet+xml", ctSML + "chartsheet+xml"}
	slideParts = []string{
		ctPML + "slide+xml", ctPML + "slidelayout+xml", ctPML + "slidemaster+xml",
		ctPML + "notesslide+xml", ctPML + "notesmaster+xml", ctPML + "handoutmaster+xml",
	}
	xlDrawings = []string{ctOX + "drawing+xml"}
	// Parts that place drawings, charts and SmartArt.
	drawingHosts = concat(wordStories, slideParts, xlDrawings)
	charts       = []string{ctDML + "chart+xml", ctMSO + "chartex+xml"}
	diagramParts = []string{ctDML + "diagramdata+xml", ctDML + "diagramlayout+xml", ctMSO + "drawingml.diagramdrawing+xml"}
	themes       = []string{ctOX + "theme+xml", ctOX + "themeoverride+xml"}
	vmlDrawings  = []string{ctOX + "vmldrawing"}
	// Parts that may show a picture.
	imageHosts = concat(drawingHosts, sheets, charts, []string{ctDML + "chartshapes+xml"}, diagramParts, themes,
		vmlDrawings, []string{ctWML + "numbering+xml", ctWML + "settings+xml"})
	customXMLTypes = []string{"application/xml", "text/xml", ctOX + "customxmlproperties+xml"}
)

var relTypes = map[string]relRule{
	// The package.
	relT + "officeDocument":             {srcPackage, allMains, "the main document part; its type must be one of mainTypes"},
	relS + "officeDocument":             {srcPackage, allMains, "the main document part (strict)"},
	relPkg + "metadata/core-properties": {srcPackage, []string{"application/vnd.openxmlformats-package.core-properties+xml"}, "core properties, rebuilt by the metadata rules"},
	// LibreOffice Calc writes the core-properties type under this URI (lower-case "d").
	"http://schemas.openxmlformats.org/officedocument/2006/relationships/metadata/core-properties": {srcPackage, []string{"application/vnd.openxmlformats-package.core-properties+xml"}, "core properties as LibreOffice Calc names the relationship"},
	relT + "extended-properties":                 {srcPackage, []string{ctOX + "extended-properties+xml"}, "application properties, rebuilt by the metadata rules"},
	relS + "extendedProperties":                  {srcPackage, []string{ctOX + "extended-properties+xml"}, "application properties (strict)"},
	relT + "custom-properties":                   {srcPackage, []string{ctOX + "custom-properties+xml"}, "custom properties, rebuilt by the metadata rules"},
	relS + "customProperties":                    {srcPackage, []string{ctOX + "custom-properties+xml"}, "custom properties (strict)"},
	relPkg + "metadata/thumbnail":                {concat(srcPackage, wordMains, bookMains), []string{ctImage}, "preview picture, through the image family"},
	relS + "metadata/thumbnail":                  {concat(srcPackage, wordMains, bookMains), []string{ctImage}, "preview picture (strict, as Office writes it)"},
	relT + "theme":                               {concat(allMains, slideParts), []string{ctOX + "theme+xml"}, "colours and fonts of the document"},
	relS + "theme":                               {concat(allMains, slideParts), []string{ctOX + "theme+xml"}, "colours and fonts (strict)"},
	relT + "themeOverride":                       {concat(charts, slideParts), []string{ctOX + "themeoverride+xml"}, "colours and fonts of one slide or chart"},
	relS + "themeOverride":                       {concat(charts, slideParts), []string{ctOX + "themeoverride+xml"}, "theme override (strict)"},
	relT + "customXml":                           {concat(allMains, slideParts, xlDrawings), customXMLTypes, "data store item; kept only when its root namespace is known (bibliography), else removed as metadata or unknown"},
	relS + "customXml":                           {concat(allMains, slideParts, xlDrawings), customXMLTypes, "data store item (strict)"},
	relT + "customXmlProps":                      {customXMLTypes, []string{ctOX + "customxmlproperties+xml"}, "schema references of a data store item"},
	relS + "customXmlProps":                      {customXMLTypes, []string{ctOX + "customxmlproperties+xml"}, "data store item properties (strict)"},
	relT + "image":                               {imageHosts, []string{ctImage}, "picture, decoded and encoded again by the image family"},
	relS + "image":                               {imageHosts, []string{ctImage}, "picture (strict)"},
	relMS + "2007/relationships/hdphoto":         {drawingHosts, []string{ctImage}, "HD Photo copy of a picture, through the image family"},
	relT + "hyperlink":                           {concat(drawingHosts, sheets, charts, []string{ctDML + "chartshapes+xml"}, diagramParts, vmlDrawings), nil, "link; an external target is kept only for http, https and mailto"},
	relS + "hyperlink":                           {concat(drawingHosts, sheets, charts, []string{ctDML + "chartshapes+xml"}, diagramParts, vmlDrawings), nil, "link (strict)"},
	relT + "chart":                               {drawingHosts, []string{ctDML + "chart+xml"}, "chart with cached values; series references judged as formulas"},
	relS + "chart":                               {drawingHosts, []string{ctDML + "chart+xml"}, "chart (strict)"},
	relMS + "2014/relationships/chartEx":         {drawingHosts, []string{ctMSO + "chartex+xml"}, "Office 2016 chart (waterfall, treemap); references judged"},
	relT + "chartUserShapes":                     {charts, []string{ctDML + "chartshapes+xml"}, "shapes drawn over a chart"},
	relS + "chartUserShapes":                     {charts, []string{ctDML + "chartshapes+xml"}, "shapes over a chart (strict)"},
	relMS + "2011/relationships/chartStyle":      {charts, []string{ctMSO + "chartstyle+xml"}, "chart style"},
	relMS + "2011/relationships/chartColorStyle": {charts, []string{ctMSO + "chartcolorstyle+xml"}, "chart colours"},
	relT + "diagramData":                         {drawingHosts, []string{ctDML + "diagramdata+xml"}, "SmartArt text"},
	relS + "diagramData":                         {drawingHosts, []string{ctDML + "diagramdata+xml"}, "SmartArt text (strict)"},
	relT + "diagramLayout":                       {drawingHosts, []string{ctDML + "diagramlayout+xml"}, "SmartArt layout"},
	relS + "diagramLayout":                       {drawingHosts, []string{ctDML + "diagramlayout+xml"}, "SmartArt layout (strict)"},
	relT + "diagramQuickStyle":                   {drawingHosts, []string{ctDML + "diagramstyle+xml"}, "SmartArt style"},
	relS + "diagramQuickStyle":                   {drawingHosts, []string{ctDML + "diagramstyle+xml"}, "SmartArt style (strict)"},
	relT + "diagramColors":                       {drawingHosts, []string{ctDML + "diagramcolors+xml"}, "SmartArt colours"},
	relS + "diagramColors":                       {drawingHosts, []string{ctDML + "diagramcolors+xml"}, "SmartArt colours (strict)"},
	relMS + "2007/relationships/diagramDrawing":  {drawingHosts, []string{ctMSO + "drawingml.diagramdrawing+xml"}, "SmartArt drawn as shapes"},

	// WordprocessingML.
	relT + "styles": {concat(wordMains, bookMains), []string{ctWML + "styles+xml", ctSML + "styles+xml"}, "paragraph, character, table and cell styles"},
	relS + "styles": {concat(wordMains, bookMains), []string{ctWML + "styles+xml", ctSML + "styles+xml"}, "styles (strict)"},
	relMS + "2007/relationships/stylesWithEffects": {wordMains, []string{"application/vnd.ms-word.styleswitheffects+xml"}, "Word 2010 copy of the styles"},
	relT + "numbering":   {wordMains, []string{ctWML + "numbering+xml"}, "list numbering"},
	relS + "numbering":   {wordMains, []string{ctWML + "numbering+xml"}, "list numbering (strict)"},
	relT + "settings":    {wordMains, []string{ctWML + "settings+xml"}, "document settings; templates, mail merge and variables removed by the rules"},
	relS + "settings":    {wordMains, []string{ctWML + "settings+xml"}, "document settings (strict)"},
	relT + "webSettings": {wordMains, []string{ctWML + "websettings+xml"}, "web page settings (frames are removed)"},
	relS + "webSettings": {wordMains, []string{ctWML + "websettings+xml"}, "web page settings (strict)"},
	relT + "fontTable":   {wordMains, []string{ctWML + "fonttable+xml"}, "font names and substitutes (embedded fonts are removed)"},
	relS + "fontTable":   {wordMains, []string{ctWML + "fonttable+xml"}, "font table (strict)"},
	relT + "header":      {wordMains, []string{ctWML + "header+xml"}, "page header"},
	relS + "header":      {wordMains, []string{ctWML + "header+xml"}, "page header (strict)"},
	relT + "footer":      {wordMains, []string{ctWML + "footer+xml"}, "page footer"},
	relS + "footer":      {wordMains, []string{ctWML + "footer+xml"}, "page footer (strict)"},
	relT + "footnotes":   {wordMains, []string{ctWML + "footnotes+xml"}, "footnotes"},
	relS + "footnotes":   {wordMains, []string{ctWML + "footnotes+xml"}, "footnotes (strict)"},
	relT + "endnotes":    {wordMains, []string{ctWML + "endnotes+xml"}, "endnotes"},
	relS + "endnotes":    {wordMains, []string{ctWML + "endnotes+xml"}, "endnotes (strict)"},
	relT + "comments": {concat(wordMains, sheets, []string{ctPML + "slide+xml"}),
		[]string{ctWML + "comments+xml", ctSML + "comments+xml", ctPML + "comments+xml"}, "comments (authors are metadata)"},
	relS + "comments": {concat(wordMains, sheets, []string{ctPML + "slide+xml"}),
		[]string{ctWML + "comments+xml", ctSML + "comments+xml", ctPML + "comments+xml"}, "comments (strict)"},
	relMS + "2011/relationships/commentsExtended":      {wordMains, []string{ctWML + "commentsextended+xml"}, "comment replies and resolved flags"},
	relMS + "2016/09/relationships/commentsIds":        {wordMains, []string{ctWML + "commentsids+xml"}, "durable comment ids"},
	relMS + "2018/08/relationships/commentsExtensible": {wordMains, []string{ctWML + "commentsextensible+xml"}, "comment dates"},
	relMS + "2011/relationships/people":                {wordMains, []string{ctWML + "people+xml"}, "comment and revision authors; removed by the metadata rules"},
	relT + "glossaryDocument":                          {wordMains[:4], []string{ctWML + "document.glossary+xml"}, "building blocks (AutoText), a second document body under the same rules"},
	relS + "glossaryDocument":                          {wordMains[:4], []string{ctWML + "document.glossary+xml"}, "building blocks (strict)"},

	// SpreadsheetML.
	relT + "worksheet":                              {bookMains, []string{ctSML + "worksheet+xml"}, "worksheet; every formula judged"},
	relS + "worksheet":                              {bookMains, []string{ctSML + "worksheet+xml"}, "worksheet (strict)"},
	relT + "chartsheet":                             {bookMains, []string{ctSML + "chartsheet+xml"}, "sheet holding one chart"},
	relS + "chartsheet":                             {bookMains, []string{ctSML + "chartsheet+xml"}, "chart sheet (strict)"},
	relT + "sharedStrings":                          {bookMains, []string{ctSML + "sharedstrings+xml"}, "cell text"},
	relS + "sharedStrings":                          {bookMains, []string{ctSML + "sharedstrings+xml"}, "cell text (strict)"},
	relT + "calcChain":                              {bookMains, []string{ctSML + "calcchain+xml"}, "calculation order (dropped when sheets are removed)"},
	relS + "calcChain":                              {bookMains, []string{ctSML + "calcchain+xml"}, "calculation order (strict)"},
	relT + "sheetMetadata":                          {bookMains, []string{ctSML + "sheetmetadata+xml"}, "cell metadata (dynamic-array flags)"},
	relS + "sheetMetadata":                          {bookMains, []string{ctSML + "sheetmetadata+xml"}, "cell metadata (strict)"},
	relT + "volatileDependencies":                   {bookMains, []string{ctSML + "volatiledependencies+xml"}, "cached values of volatile functions (RTD formulas themselves are refused)"},
	relS + "volatileDependencies":                   {bookMains, []string{ctSML + "volatiledependencies+xml"}, "volatile dependencies (strict)"},
	relT + "pivotCacheDefinition":                   {concat(bookMains, []string{ctSML + "pivottable+xml"}), []string{ctSML + "pivotcachedefinition+xml"}, "pivot cache; calculated fields judged as formulas, sources inside the workbook only"},
	relS + "pivotCacheDefinition":                   {concat(bookMains, []string{ctSML + "pivottable+xml"}), []string{ctSML + "pivotcachedefinition+xml"}, "pivot cache (strict)"},
	relT + "pivotCacheRecords":                      {[]string{ctSML + "pivotcachedefinition+xml"}, []string{ctSML + "pivotcacherecords+xml"}, "cached pivot values"},
	relS + "pivotCacheRecords":                      {[]string{ctSML + "pivotcachedefinition+xml"}, []string{ctSML + "pivotcacherecords+xml"}, "cached pivot values (strict)"},
	relT + "pivotTable":                             {[]string{ctSML + "worksheet+xml"}, []string{ctSML + "pivottable+xml"}, "pivot table layout"},
	relS + "pivotTable":                             {[]string{ctSML + "worksheet+xml"}, []string{ctSML + "pivottable+xml"}, "pivot table (strict)"},
	relT + "table":                                  {[]string{ctSML + "worksheet+xml"}, []string{ctSML + "table+xml"}, "table (list object); column formulas judged"},
	relS + "table":                                  {[]string{ctSML + "worksheet+xml"}, []string{ctSML + "table+xml"}, "table (strict)"},
	relT + "drawing":                                {sheets, xlDrawings, "shapes, pictures and charts placed on a sheet"},
	relS + "drawing":                                {sheets, xlDrawings, "drawing (strict)"},
	relT + "vmlDrawing":                             {concat(sheets, slideParts), vmlDrawings, "legacy shapes: comment boxes and form controls; macros and fetched pictures removed"},
	relS + "vmlDrawing":                             {concat(sheets, slideParts), vmlDrawings, "legacy shapes (strict)"},
	relT + "ctrlProp":                               {[]string{ctSML + "worksheet+xml"}, []string{"application/vnd.ms-excel.controlproperties+xml"}, "form control properties; macros removed, cell links judged"},
	relS + "ctrlProp":                               {[]string{ctSML + "worksheet+xml"}, []string{"application/vnd.ms-excel.controlproperties+xml"}, "form control properties (strict)"},
	relMS + "2007/relationships/slicer":             {[]string{ctSML + "worksheet+xml"}, []string{"application/vnd.ms-excel.slicer+xml"}, "slicer buttons over a table or pivot table"},
	relMS + "2007/relationships/slicerCache":        {bookMains, []string{"application/vnd.ms-excel.slicercache+xml"}, "slicer state (OLAP sources go with the connections)"},
	relMS + "2011/relationships/timeline":           {[]string{ctSML + "worksheet+xml"}, []string{"application/vnd.ms-excel.timeline+xml"}, "date timeline over a pivot table"},
	relMS + "2011/relationships/timelineCache":      {bookMains, []string{"application/vnd.ms-excel.timelinecache+xml"}, "timeline state"},
	relMS + "2017/10/relationships/threadedComment": {[]string{ctSML + "worksheet+xml"}, []string{"application/vnd.ms-excel.threadedcomments+xml"}, "threaded comments (authors are metadata)"},
	relMS + "2017/10/relationships/person":          {bookMains, []string{"application/vnd.ms-excel.person+xml"}, "authors of threaded comments; removed by the metadata rules"},

	// PresentationML.
	relT + "slide":                           {concat(presMains, slideParts, []string{ctPML + "viewprops+xml"}), []string{ctPML + "slide+xml"}, "slide, or a jump to one"},
	relS + "slide":                           {concat(presMains, slideParts, []string{ctPML + "viewprops+xml"}), []string{ctPML + "slide+xml"}, "slide (strict)"},
	relT + "slideLayout":                     {[]string{ctPML + "slide+xml", ctPML + "slidemaster+xml"}, []string{ctPML + "slidelayout+xml"}, "slide layout"},
	relS + "slideLayout":                     {[]string{ctPML + "slide+xml", ctPML + "slidemaster+xml"}, []string{ctPML + "slidelayout+xml"}, "slide layout (strict)"},
	relT + "slideMaster":                     {concat(presMains, []string{ctPML + "slidelayout+xml"}), []string{ctPML + "slidemaster+xml"}, "slide master"},
	relS + "slideMaster":                     {concat(presMains, []string{ctPML + "slidelayout+xml"}), []string{ctPML + "slidemaster+xml"}, "slide master (strict)"},
	relT + "notesSlide":                      {[]string{ctPML + "slide+xml"}, []string{ctPML + "notesslide+xml"}, "speaker notes"},
	relS + "notesSlide":                      {[]string{ctPML + "slide+xml"}, []string{ctPML + "notesslide+xml"}, "speaker notes (strict)"},
	relT + "notesMaster":                     {concat(presMains, []string{ctPML + "notesslide+xml"}), []string{ctPML + "notesmaster+xml"}, "notes master"},
	relS + "notesMaster":                     {concat(presMains, []string{ctPML + "notesslide+xml"}), []string{ctPML + "notesmaster+xml"}, "notes master (strict)"},
	relT + "handoutMaster":                   {presMains, []string{ctPML + "handoutmaster+xml"}, "handout master"},
	relS + "handoutMaster":                   {presMains, []string{ctPML + "handoutmaster+xml"}, "handout master (strict)"},
	relT + "presProps":                       {presMains, []string{ctPML + "presprops+xml"}, "slide show settings"},
	relS + "presProps":                       {presMains, []string{ctPML + "presprops+xml"}, "slide show settings (strict)"},
	relT + "viewProps":                       {presMains, []string{ctPML + "viewprops+xml"}, "editor view settings"},
	relS + "viewProps":                       {presMains, []string{ctPML + "viewprops+xml"}, "editor view settings (strict)"},
	relT + "tableStyles":                     {presMains, []string{ctPML + "tablestyles+xml"}, "table styles"},
	relS + "tableStyles":                     {presMains, []string{ctPML + "tablestyles+xml"}, "table styles (strict)"},
	relT + "commentAuthors":                  {presMains, []string{ctPML + "commentauthors+xml"}, "comment authors; removed by the metadata rules"},
	relS + "commentAuthors":                  {presMains, []string{ctPML + "commentauthors+xml"}, "comment authors (strict)"},
	relT + "tags":                            {concat(presMains, slideParts), []string{ctPML + "tags+xml"}, "name and value strings add-ins attach to slides"},
	relS + "tags":                            {concat(presMains, slideParts), []string{ctPML + "tags+xml"}, "tags (strict)"},
	relMS + "2018/10/relationships/comments": {concat(presMains, []string{ctPML + "slide+xml"}), []string{"application/vnd.ms-powerpoint.comments+xml"}, "modern comments (authors are metadata)"},
	relMS + "2018/10/relationships/authors":  {presMains, []string{"application/vnd.ms-powerpoint.authors+xml"}, "authors of modern comments; removed by the metadata rules"},
}

// relAllowed reports whether a relationship of type typ from a part of content type from
// to a part of content type to is on the list. to is "" for a target that is not a part
// (a place inside the source).
func relAllowed(typ, from, to string) bool {
	r, ok := relTypes[typ]
	if !ok || !hasCT(r.from, from) {
		return false
	}
	if to == "" {
		return true
	}
	if strings.HasPrefix(strings.ToLower(to), "image/") && hasCT(r.to, ctImage) {
		return true
	}
	return hasCT(r.to, to)
}

func hasCT(list []string, ct string) bool {
	for _, c := range list {
		if strings.EqualFold(c, ct) {
			return true
		}
	}
	return false
}

func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}
