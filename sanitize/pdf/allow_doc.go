package pdf

// Allow-lists of the document structure (ISO 32000-2 section numbers in the reasons).
// A key that is not listed for its object type is dropped and reported; a value is kept
// only in the form its kind describes. allow_test.go fails when an entry has no test case.

var catalogKeys = schema{
	"Type":              scalar(kName, "object type /Catalog (7.7.2)"),
	"Pages":             rebuilt("the page tree, rebuilt flat from the pages found (7.7.3)"),
	"PageLabels":        obj("NumberTree.PageLabel", "page numbering shown by viewers (12.4.2)"),
	"Names":             obj("Names", "named destinations only; script, file and media trees dropped (7.7.4)"),
	"Dests":             mapOf("Dest", "named destinations, PDF 1.1 form (12.3.2.4)"),
	"ViewerPreferences": obj("ViewerPreferences", "window and print settings (12.2)"),
	"PageLayout":        scalar(kName, "single or two-page display (7.7.2)"),
	"PageMode":          scalar(kName, "which panel opens (7.7.2)"),
	"Outlines":          obj("Outlines", "bookmarks, with local navigation only (12.3.3)"),
	"AcroForm":          obj("AcroForm", "form fields and their values, no scripts (12.7)"),
	"Lang":              scalar(kText, "document language, kept as metadata that is not personal (14.9.2)"),
	"OCProperties":      obj("OCProperties", "layers: without them hidden content would show (8.11.4)"),
	"Version":           scalar(kName, "PDF version override (7.7.2)"),
	"Metadata":          obj("Metadata", "XMP rebuilt from its own allow-list (14.3.2)"),
	"MarkInfo":          obj("MarkInfo", "says the document is tagged (14.7.1)"),
	"StructTreeRoot":    obj("StructTreeRoot", "logical structure for screen readers and reflow (14.7.2)"),
}

var viewerPreferencesKeys = schema{
	"Type":                  scalar(kName, "object type /ViewerPreferences, written by Chromium (12.2)"),
	"HideToolbar":           scalar(kBool, "viewer chrome (12.2)"),
	"HideMenubar":           scalar(kBool, "viewer chrome (12.2)"),
	"HideWindowUI":          scalar(kBool, "viewer chrome (12.2)"),
	"FitWindow":             scalar(kBool, "window size (12.2)"),
	"CenterWindow":          scalar(kBool, "window position (12.2)"),
	"DisplayDocTitle":       scalar(kBool, "title bar text source (12.2)"),
	"NonFullScreenPageMode": scalar(kName, "panel after full screen (12.2)"),
	"Direction":             scalar(kName, "reading order, R2L for vertical Japanese (12.2)"),
	"ViewArea":              scalar(kName, "page box shown (12.2)"),
	"ViewClip":              scalar(kName, "page box clipped (12.2)"),
	"PrintArea":             scalar(kName, "page box printed (12.2)"),
	"PrintClip":             scalar(kName, "page box clipped in print (12.2)"),
	"PrintScaling":          scalar(kName, "print dialog default (12.2)"),
	"Duplex":                scalar(kName, "print dialog default (12.2)"),
	"PickTrayByPDFSize":     scalar(kBool, "print dialog default (12.2)"),
	"PrintPageRange":        scalar(kNums, "print dialog default (12.2)"),
	"NumCopies":             scalar(kInt, "print dialog default (12.2)"),
}

var namesKeys = schema{
	"Dests": obj("NameTree.Dest", "named destinations, rebuilt as one flat name tree (12.3.2.4)"),
}

var pageLabelKeys = schema{
	"Type": scalar(kName, "object type /PageLabel (12.4.2)"),
	"S":    scalar(kName, "numbering style (12.4.2)"),
	"P":    scalar(kText, "label prefix (12.4.2)"),
	"St":   scalar(kInt, "first number (12.4.2)"),
}

var outlinesKeys = schema{
	"Type":  scalar(kName, "object type /Outlines (12.3.3)"),
	"First": rebuilt("first item, rebuilt from the items kept (12.3.3)"),
	"Last":  rebuilt("last item, rebuilt from the items kept (12.3.3)"),
	"Count": rebuilt("open items, recounted (12.3.3)"),
}

var outlineItemKeys = schema{
	"Title":  scalar(kText, "bookmark text (12.3.3)"),
	"Parent": rebuilt("rebuilt from the walk (12.3.3)"),
	"Prev":   rebuilt("rebuilt from the items kept (12.3.3)"),
	"Next":   rebuilt("rebuilt from the items kept (12.3.3)"),
	"First":  rebuilt("rebuilt from the items kept (12.3.3)"),
	"Last":   rebuilt("rebuilt from the items kept (12.3.3)"),
	"Count":  rebuilt("recounted; the sign (open or closed) is kept (12.3.3)"),
	"Dest":   obj("Dest", "local destination (12.3.2)"),
	"A":      obj("Action", "local navigation or web link, see the action lists (12.6)"),
	"C":      scalar(kNums, "text colour (12.3.3)"),
	"F":      scalar(kInt, "italic or bold (12.3.3)"),
}

// Actions: the only types kept are navigation within the document and web links.
var actionKeys = schema{
	"Type": scalar(kName, "object type /Action (12.6.2)"),
	"S":    scalar(kName, "action type, judged resolved against the action lists (12.6.4)"),
	"Next": arr("Action", "chained actions, each judged the same way, cycles cut (12.6.2)"),
}

var actionGoToKeys = schema{
	"D": obj("Dest", "a destination in this document (12.6.4.2)"),
}

var actionURIKeys = schema{
	"URI":   scalar(kText, "http, https or mailto only (12.6.4.8)"),
	"IsMap": scalar(kBool, "append click position (12.6.4.8)"),
}

var actionNamedKeys = schema{
	"N": scalar(kName, "NextPage, PrevPage, FirstPage or LastPage only (12.6.4.12)"),
}

// keptActions are the action types that survive; anything else is dropped and reported.
var keptActions = map[string]schema{
	"GoTo":  actionGoToKeys,
	"URI":   actionURIKeys,
	"Named": actionNamedKeys,
}

// navigation are the Named actions every viewer implements as page moves (12.6.4.12);
// the others run viewer menu commands (Print, SaveAs, ...).
var navigation = map[string]bool{"NextPage": true, "PrevPage": true, "FirstPage": true, "LastPage": true}

// webSchemes are the URI schemes a kept URI action may use; javascript:, file:, smb:,
// ms-msdt: and anything else a viewer might hand to the operating system are dropped.
var webSchemes = map[string]bool{"http": true, "https": true, "mailto": true}

// destination view types (12.3.2.2) and how many numbers (or nulls) follow each.
var destViews = map[string]int{
	"XYZ": 3, "Fit": 0, "FitH": 1, "FitV": 1, "FitR": 4, "FitB": 0, "FitBH": 1, "FitBV": 1,
}

var destDictKeys = schema{
	"D": obj("Dest", "the destination array of a named destination (12.3.2.4)"),
}

var ocPropertiesKeys = schema{
	"OCGs":    arr("OCG", "every layer (8.11.4.2)"),
	"D":       obj("OCConfig", "default layer visibility (8.11.4.2)"),
	"Configs": arr("OCConfig", "alternate visibility settings (8.11.4.2)"),
}

var ocgKeys = schema{
	"Type":   scalar(kName, "object type /OCG (8.11.2.1)"),
	"Name":   scalar(kText, "layer name shown in the panel (8.11.2.1)"),
	"Intent": scalar(kNames, "View or Design (8.11.2.1)"),
}

var ocmdKeys = schema{
	"Type": scalar(kName, "object type /OCMD (8.11.2.2)"),
	"OCGs": arr("OCG", "layers the membership depends on (8.11.2.2)"),
	"P":    scalar(kName, "visibility policy AllOn, AnyOn, ... (8.11.2.2)"),
	"VE":   obj("VE", "visibility expression of layers (8.11.2.2)"),
}

var ocConfigKeys = schema{
	"Name":      scalar(kText, "configuration name (8.11.4.3)"),
	"Creator":   scalar(kText, "application that made the configuration (8.11.4.3)"),
	"BaseState": scalar(kName, "ON, OFF or Unchanged (8.11.4.3)"),
	"ON":        arr("OCG", "layers shown (8.11.4.3)"),
	"OFF":       arr("OCG", "layers hidden (8.11.4.3)"),
	"Intent":    scalar(kNames, "View or Design (8.11.4.3)"),
	"Order":     obj("OCOrder", "panel tree of layers and labels (8.11.4.3)"),
	"ListMode":  scalar(kName, "which layers the panel lists (8.11.4.3)"),
	"RBGroups":  obj("OCGroups", "radio-button groups of layers (8.11.4.3)"),
	"Locked":    arr("OCG", "layers the user cannot toggle (8.11.4.3)"),
}

// infoKeys are the document information entries kept when pdf.metadata is keep; with
// strip (the default) only infoStripKeys stay.
var infoKeys = schema{
	"Title":        scalar(kText, "document title (14.3.3)"),
	"Subject":      scalar(kText, "document subject (14.3.3)"),
	"Author":       scalar(kText, "kept only with metadata: keep (14.3.3)"),
	"Keywords":     scalar(kText, "kept only with metadata: keep (14.3.3)"),
	"Creator":      scalar(kText, "kept only with metadata: keep (14.3.3)"),
	"Producer":     scalar(kText, "kept only with metadata: keep (14.3.3)"),
	"CreationDate": scalar(kText, "kept only with metadata: keep (14.3.3)"),
	"ModDate":      scalar(kText, "kept only with metadata: keep (14.3.3)"),
	"Trapped":      scalar(kName, "kept only with metadata: keep (14.3.3)"),
}

var infoStripKeys = map[string]bool{"Title": true, "Subject": true}
