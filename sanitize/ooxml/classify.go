package ooxml

import (
	"strings"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/mailto"
)

// verdict for a part or relationship that must go: the action kind and why.
type removal struct {
	kind   sanitize.ActionKind
	detail string
}

// dangerousTypes are content types whose parts are removed whatever refers to them.
var dangerousTypes = map[string]removal{
	"application/vnd.ms-office.vbaproject":                                         {sanitize.ActRemovedMacros, "VBA project"},
	"application/vnd.ms-office.vbaprojectsignature":                                {sanitize.ActRemovedMacros, "VBA project signature"},
	"application/vnd.ms-office.vbaprojectsignatureagile":                           {sanitize.ActRemovedMacros, "VBA project signature"},
	"application/vnd.ms-office.vbaprojectsignaturev3":                              {sanitize.ActRemovedMacros, "VBA project signature"},
	"application/vnd.ms-word.vbadata+xml":                                          {sanitize.ActRemovedMacros, "VBA data"},
	"application/vnd.ms-word.keymapcustomizations+xml":                             {sanitize.ActRemovedMacros, "key bindings to macros"},
	"application/vnd.ms-word.attachedtoolbars":                                     {sanitize.ActRemovedMacros, "toolbars bound to macros"},
	"application/vnd.ms-excel.attachedtoolbars":                                    {sanitize.ActRemovedMacros, "toolbars bound to macros"},
	"application/vnd.ms-excel.macrosheet+xml":                                      {sanitize.ActRemovedMacros, "Excel 4.0 (XLM) macro sheet"},
	"application/vnd.ms-excel.intlmacrosheet+xml":                                  {sanitize.ActRemovedMacros, "Excel 4.0 (XLM) international macro sheet"},
	"application/vnd.ms-excel.macrosheet":                                          {sanitize.ActRemovedMacros, "Excel 4.0 (XLM) macro sheet"},
	"application/vnd.ms-excel.intlmacrosheet":                                      {sanitize.ActRemovedMacros, "Excel 4.0 (XLM) international macro sheet"},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.dialogsheet+xml":  {sanitize.ActRemovedMacros, "Excel 5 dialog sheet"},
	"application/vnd.ms-office.activex+xml":                                        {sanitize.ActRemovedActiveX, "ActiveX control"},
	"application/vnd.ms-office.activex":                                            {sanitize.ActRemovedActiveX, "ActiveX control binary"},
	"application/vnd.openxmlformats-officedocument.oleobject":                      {sanitize.ActRemovedOLE, "embedded OLE object"},
	"application/vnd.ms-office.oleobject":                                          {sanitize.ActRemovedOLE, "embedded OLE object"},
	"application/vnd.openxmlformats-officedocument.package":                        {sanitize.ActRemovedOLE, "embedded package"},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.externallink+xml": {sanitize.ActRemovedExternalLink, "external workbook link"},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.connections+xml":  {sanitize.ActRemovedExternalLink, "external data connections"},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.querytable+xml":   {sanitize.ActRemovedExternalLink, "external data query table"},
	"application/vnd.ms-office.webextension+xml":                                   {sanitize.ActRemovedExternalLink, "Office add-in (web extension)"},
	"application/vnd.ms-office.webextensiontaskpanes+xml":                          {sanitize.ActRemovedExternalLink, "Office add-in task pane"},
	"application/vnd.openxmlformats-package.digital-signature-origin":              {sanitize.ActRemovedPart, "digital signature (invalidated by the rewrite)"},
	"application/vnd.openxmlformats-package.digital-signature-xmlsignature+xml":    {sanitize.ActRemovedPart, "digital signature (invalidated by the rewrite)"},
	"application/vnd.openxmlformats-package.digital-signature-certificate":         {sanitize.ActRemovedPart, "digital signature certificate"},
}

// dangerousRels are relationship types (matched on the last path segment, so transitional
// and strict URIs both match) whose targets are removed with the relationship.
var dangerousRels = map[string]removal{
	"vbaProject":            {sanitize.ActRemovedMacros, "VBA project"},
	"wordVbaData":           {sanitize.ActRemovedMacros, "VBA data"},
	"vbaProjectSignature":   {sanitize.ActRemovedMacros, "VBA project signature"},
	"keyMapCustomizations":  {sanitize.ActRemovedMacros, "key bindings to macros"},
	"attachedToolbars":      {sanitize.ActRemovedMacros, "toolbars bound to macros"},
	"xlMacrosheet":          {sanitize.ActRemovedMacros, "Excel 4.0 (XLM) macro sheet"},
	"xlIntlMacrosheet":      {sanitize.ActRemovedMacros, "Excel 4.0 (XLM) international macro sheet"},
	"dialogsheet":           {sanitize.ActRemovedMacros, "Excel 5 dialog sheet"},
	"control":               {sanitize.ActRemovedActiveX, "ActiveX control"},
	"activeXControlBinary":  {sanitize.ActRemovedActiveX, "ActiveX control binary"},
	"oleObject":             {sanitize.ActRemovedOLE, "embedded OLE object"},
	"package":               {sanitize.ActRemovedOLE, "embedded package"},
	"attachedTemplate":      {sanitize.ActRemovedExternalLink, "attached template"},
	"externalLink":          {sanitize.ActRemovedExternalLink, "external workbook link"},
	"externalLinkPath":      {sanitize.ActRemovedExternalLink, "external workbook path"},
	"connections":           {sanitize.ActRemovedExternalLink, "external data connections"},
	"queryTable":            {sanitize.ActRemovedExternalLink, "external data query table"},
	"webextension":          {sanitize.ActRemovedExternalLink, "Office add-in (web extension)"},
	"webextensiontaskpanes": {sanitize.ActRemovedExternalLink, "Office add-in task pane"},
	"extensibility":         {sanitize.ActRemovedPart, "customUI ribbon (callbacks into macros)"},
	"origin":                {sanitize.ActRemovedPart, "digital signature (invalidated by the rewrite)"},
	"signature":             {sanitize.ActRemovedPart, "digital signature (invalidated by the rewrite)"},
	"certificate":           {sanitize.ActRemovedPart, "digital signature certificate"},
	"mailMergeSource":       {sanitize.ActRemovedExternalLink, "mail merge data source"},
	"mailMergeHeaderSource": {sanitize.ActRemovedExternalLink, "mail merge header source"},
	"recipientData":         {sanitize.ActRemovedExternalLink, "mail merge recipient data"},
	"subDocument":           {sanitize.ActRemovedExternalLink, "master document sub-document"},
	"frame":                 {sanitize.ActRemovedExternalLink, "frameset frame"},
	"aFChunk":               {sanitize.ActRemovedPart, "alternative-format import chunk (HTML/RTF/MHT)"},
}

func relKind(typ string) string {
	if i := strings.LastIndexByte(typ, '/'); i >= 0 {
		return typ[i+1:]
	}
	return typ
}

// hyperlinkRel reports whether a relationship is a plain hyperlink.
func hyperlinkRel(typ string) bool { return relKind(typ) == "hyperlink" }

// safeLinkScheme reports whether an external hyperlink target is one a person may follow:
// web and mail links (a mail link asking for no more than recipients, subject and body:
// see package mailto). file:, UNC paths, ms-msdt: (Follina), search-ms: and other
// protocol handlers are removed even as hyperlinks.
func safeLinkScheme(target string) bool {
	t := strings.ToLower(strings.TrimSpace(target))
	for _, p := range []string{"http://", "https://", "mailto:"} {
		if strings.HasPrefix(t, p) {
			return mailto.Safe(t)
		}
	}
	return false
}

// dropped external relationship: kind and detail by relationship type.
func externalRemoval(r *rel) removal {
	k := relKind(r.Type)
	target := shorten(r.Target)
	switch k {
	case "oleObject", "package":
		return removal{sanitize.ActRemovedOLE, "linked OLE object " + target}
	case "attachedTemplate":
		return removal{sanitize.ActRemovedExternalLink, "remote template " + target}
	case "image":
		return removal{sanitize.ActRemovedExternalLink, "linked image " + target}
	case "hyperlink":
		return removal{sanitize.ActRemovedExternalLink, "hyperlink " + target}
	case "externalLinkPath", "externalLink":
		return removal{sanitize.ActRemovedExternalLink, "external workbook " + target}
	}
	return removal{sanitize.ActRemovedExternalLink, k + " " + target}
}

func shorten(s string) string {
	const max = 160
	if len(s) > max {
		s = s[:max] + "..."
	}
	return s
}

// xmlType reports whether a content type is XML that the rewriter can parse. VML drawings
// are XML without the +xml suffix.
func xmlType(ct string) bool {
	ct = strings.ToLower(ct)
	if strings.HasPrefix(ct, "image/") {
		return false // SVG goes to the image family, never through the XML rewriter
	}
	return strings.HasSuffix(ct, "+xml") || ct == "application/xml" || ct == "text/xml" ||
		ct == "application/vnd.openxmlformats-officedocument.vmldrawing"
}

// mainTypes maps main-part content types to our type names; the macro-enabled ones carry
// the name of their macro-free twin.
var mainTypes = map[string]struct{ name, clean, cleanCT string }{
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml":   {"docx", "docx", ""},
	"application/vnd.ms-word.document.macroenabled.main+xml":                             {"docm", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"},
	"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml":   {"dotx", "dotx", ""},
	"application/vnd.ms-word.template.macroenabledtemplate.main+xml":                     {"dotm", "dotx", "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml":         {"xlsx", "xlsx", ""},
	"application/vnd.ms-excel.sheet.macroenabled.main+xml":                               {"xlsm", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml":      {"xltx", "xltx", ""},
	"application/vnd.ms-excel.template.macroenabled.main+xml":                            {"xltm", "xltx", "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml"},
	"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": {"pptx", "pptx", ""},
	"application/vnd.ms-powerpoint.presentation.macroenabled.main+xml":                   {"pptm", "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"},
	"application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml":    {"ppsx", "ppsx", ""},
	"application/vnd.ms-powerpoint.slideshow.macroenabled.main+xml":                      {"ppsm", "ppsx", "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml"},
	"application/vnd.openxmlformats-officedocument.presentationml.template.main+xml":     {"potx", "potx", ""},
	"application/vnd.ms-powerpoint.template.macroenabled.main+xml":                       {"potm", "potx", "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"},
}

// family of the package, from the main type name.
type family int

const (
	famWord family = iota
	famExcel
	famPowerPoint
)

func familyOf(name string) family {
	switch name[0] {
	case 'd':
		return famWord
	case 'x':
		return famExcel
	}
	return famPowerPoint
}
