package ooxml

import (
	"encoding/xml"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/formula"
)

// The OpenDocument allow-lists, as data. Every entry carries the reason it is there;
// TestODFAllowListCovered fails when an entry has no test case in odf_allow_test.go.

const (
	nsFO        = odfNS + "xsl-fo-compatible:1.0"
	nsStyle     = odfNS + "style:1.0"
	nsNumber    = odfNS + "datastyle:1.0"
	nsSVG       = odfNS + "svg-compatible:1.0"
	nsChartODF  = odfNS + "chart:1.0"
	nsDR3D      = odfNS + "dr3d:1.0"
	nsAnim      = odfNS + "animation:1.0"
	nsSMIL      = odfNS + "smil-compatible:1.0"
	nsConfig    = odfNS + "config:1.0"
	nsOF        = odfNS + "of:1.2"
	nsDC        = "http://purl.org/dc/elements/1.1/"
	nsMathML    = "http://www.w3.org/1998/Math/MathML"
	nsXHTML     = "http://www.w3.org/1999/xhtml"
	nsGRDDL     = "http://www.w3.org/2003/g/data-view#"
	nsDOM       = "http://www.w3.org/2001/xml-events"
	nsOOo       = "http://openoffice.org/2004/office"
	nsOOoW      = "http://openoffice.org/2004/writer"
	nsOOoC      = "http://openoffice.org/2004/calc"
	nsOOoTable  = "http://openoffice.org/2009/table"
	nsOOoDraw   = "http://openoffice.org/2010/draw"
	nsOOoOffice = "http://openoffice.org/2009/office"
	nsOOoChart  = "http://openoffice.org/2010/chart"
	nsCSS3T     = "http://www.w3.org/TR/css3-text/"
	nsField     = "urn:openoffice:names:experimental:ooo-ms-interop:xmlns:field:1.0"
	nsFormX     = "urn:openoffice:names:experimental:ooxml-odf-interop:xmlns:form:1.0"
	nsLOExt     = "urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0"
	nsCalcExt   = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
	nsMSOXL     = "http://schemas.microsoft.com/office/excel/formula"
	nsRDF       = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	nsPkgRDF    = "http://docs.oasis-open.org/ns/office/1.2/meta/pkg#"
)

// odfNamespaces are the namespaces whose elements and attributes an OpenDocument part may
// keep. Elements and attributes of any other namespace (XForms, reports, databases, a
// producer's private extension) are dropped and reported: nothing in them is known to be
// inert. Elements with an active meaning inside these namespaces are handled by the
// tables below.
var odfNamespaces = map[string]string{
	nsOffice:    "document structure",
	nsStyle:     "formatting",
	nsText:      "text; fields are judged below",
	nsTable:     "tables; formulas and addresses are judged below",
	nsDraw:      "drawings; links and objects are judged below",
	nsFO:        "formatting properties",
	nsXLink:     "link attributes, every href judged",
	nsDC:        "Dublin Core metadata, rebuilt by the metadata rules",
	nsMeta:      "document metadata, rebuilt by the metadata rules",
	nsNumber:    "number and date formats",
	nsPresent:   "presentations; click actions are judged below",
	nsSVG:       "vector graphics properties",
	nsChartODF:  "charts; cell addresses are judged below",
	nsDR3D:      "3D scene properties",
	nsMathML:    "formula markup",
	nsForm:      "form controls; submission targets and services are judged below",
	nsScript:    "script markup; every element of it is dropped below",
	nsConfig:    "view and print settings (settings.xml), judged below",
	nsSMIL:      "animation timing",
	nsAnim:      "animation effects",
	nsXHTML:     "RDFa annotations (about, property, content)",
	nsGRDDL:     "GRDDL declarations; the transformation attribute is dropped below",
	nsOOo:       "OpenOffice extension attributes",
	nsOOoW:      "OpenOffice Writer extension attributes",
	nsOOoC:      "OpenOffice Calc extension attributes",
	nsOOoTable:  "OpenOffice table extension attributes",
	nsOOoDraw:   "OpenOffice drawing extension attributes",
	nsOOoOffice: "OpenOffice paragraph and character extension attributes",
	nsCSS3T:     "text layout properties",
	nsField:     "field marks; their Word field codes are judged below",
	nsFormX:     "form control interop attributes",
	nsLOExt:     "LibreOffice extension elements and attributes",
	nsCalcExt:   "LibreOffice Calc extensions; conditions are judged below",
	nsOOoChart:  "OpenOffice chart extension attributes",
	nsRDF:       "package metadata manifest (manifest.rdf)",
	nsPkgRDF:    "package metadata manifest (manifest.rdf)",
}

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
	{Space: nsTable, Local: "source-service"}:        {sanitize.ActRemovedExternalLink, "data pilot source service (a UNO service with its source, user and password)"},
	{Space: nsText, Local: "database-display"}:       {sanitize.ActRemovedExternalLink, "database field"},
	{Space: nsText, Local: "database-next"}:          {sanitize.ActRemovedExternalLink, "database field"},
	{Space: nsText, Local: "database-row-select"}:    {sanitize.ActRemovedExternalLink, "database field"},
	{Space: nsText, Local: "database-row-number"}:    {sanitize.ActRemovedExternalLink, "database field"},
	{Space: nsText, Local: "database-name"}:          {sanitize.ActRemovedExternalLink, "database field"},
	{Space: nsOffice, Local: "binary-data"}:          {sanitize.ActRemovedOLE, "inline binary object"},
}

// odfUnwrap are elements whose markup goes while their text stays: the text is what the
// reader sees, the element is what acts.
var odfUnwrap = map[xml.Name]removal{
	{Space: nsText, Local: "execute-macro"}:  {sanitize.ActRemovedMacros, "click-to-run script field (text:execute-macro)"},
	{Space: nsText, Local: "dde-connection"}: {sanitize.ActRemovedDDE, "DDE field"},
	// office:scripts: its scripts and listeners are dropped and reported one by one;
	// LibreOffice writes it empty into every document, which is nothing to report.
	{Space: nsOffice, Local: "scripts"}: {},
}

// odfLinks are the elements that are hyperlinks: they lose the link, not the text.
var odfLinks = map[xml.Name]bool{
	{Space: nsText, Local: "a"}: true,
	{Space: nsDraw, Local: "a"}: true,
}

// odfFormulaAttr describes an attribute whose value is a formula or condition: the
// grammar it defaults to without a namespace prefix, and what goes when it is refused.
type odfFormulaAttr struct {
	dialect formula.Dialect
	fail    op // opDrop (the element), opUnwrap (keep the text), opKeep (the attribute only)
	what    string
}

// odfFormulaAttrs lists every formula- and condition-valued attribute of ODF 1.3 and of
// LibreOffice's calcext extension, keyed by attribute; element-specific entries (keyed
// by element and attribute) win.
var odfFormulaAttrs = map[xml.Name]odfFormulaAttr{
	{Space: nsTable, Local: "formula"}:    {formula.OpenFormula, opKeep, "cell formula"},
	{Space: nsTable, Local: "condition"}:  {formula.Condition, opKeep, "validation condition"},
	{Space: nsTable, Local: "expression"}: {formula.OpenFormula, opDrop, "named expression"},
	{Space: nsStyle, Local: "condition"}:  {formula.Condition, opDrop, "conditional style"},
	{Space: nsCalcExt, Local: "value"}:    {formula.Condition, opDrop, "conditional format"},
	{Space: nsCalcExt, Local: "formula"}:  {formula.OpenFormula, opDrop, "conditional format"},
	{Space: nsText, Local: "formula"}:     {formula.Writer, opKeep, "text field formula"},
	{Space: nsText, Local: "condition"}:   {formula.Writer, opUnwrap, "conditional text"},
}

// odfElementFail overrides the failure action of text:condition by element: a hidden
// paragraph marker has no text to keep, a section keeps its content without the
// condition.
var odfElementFail = map[xml.Name]op{
	{Space: nsText, Local: "hidden-paragraph"}: opDrop,
	{Space: nsText, Local: "section"}:          opKeep,
}

// odfUnits are elements held until their end because a formula anywhere inside them
// makes the whole element invalid when it is removed.
var odfUnits = map[xml.Name]string{
	{Space: nsCalcExt, Local: "conditional-format"}: "conditional format",
}

// odfURIAttrs are URI-valued attributes outside xlink:href: a link a reader can follow or
// a resource a reader fetches. An unsafe value loses the attribute.
var odfURIAttrs = map[xml.Name]string{
	{Space: nsText, Local: "url"}:             "bibliography URL",
	{Space: nsGRDDL, Local: "transformation"}: "GRDDL transformation (an XSLT URL)",
}

// odfFetchAttrs are URI-valued attributes naming a resource the reader loads by itself,
// with no click: only a reference to a part kept in the package stays. An http(s) address
// is as bad as a share here, since the request leaves the network when the document shows.
var odfFetchAttrs = map[xml.Name]string{
	{Space: nsForm, Local: "image-data"}: "form control image outside the package",
}

// odfAttrDrop are attributes removed whenever they hold a value: what they name is
// reached when the document loads, and no value of theirs is known inert.
var odfAttrDrop = map[xml.Name]removal{
	{Space: nsForm, Local: "datasource"}: {sanitize.ActRemovedExternalLink, "form data source (a database the form connects to on load)"},
}

// odfControlPrefix is the only family of UNO services a form control may name
// (form:control-implementation): LibreOffice instantiates whatever service is named.
const odfControlPrefix = "ooo:com.sun.star.form.component."

// odfSettingsDrop are settings.xml items removed when they hold a value (LibreOffice
// writes some of them empty), as are all items of type base64Binary: printer setup is a binary blob parsed by
// the printer driver code, and a data source connects to a database.
var odfSettingsDrop = map[string]removal{
	"PrinterSetup":              {sanitize.ActRemovedPart, "printer setup (binary driver data)"},
	"PrinterName":               {sanitize.ActRemovedMetadata, "printer name"},
	"CurrentDatabaseDataSource": {sanitize.ActRemovedExternalLink, "mail-merge data source"},
	"CurrentDatabaseCommand":    {sanitize.ActRemovedExternalLink, "mail-merge data source"},
}

// odfSettingsBinary are binary settings kept: data compared, never parsed.
var odfSettingsBinary = map[string]string{
	"RedlineProtectionKey": "hash of the change-tracking password, compared, never parsed",
}
