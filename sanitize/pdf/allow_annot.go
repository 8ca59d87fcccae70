package pdf

// Allow-lists of annotations and interactive forms (ISO 32000-2 12.5 and 12.7).

var annotKeys = schema{
	"Type":         scalar(kName, "object type /Annot (12.5.2)"),
	"Subtype":      scalar(kName, "annotation type, judged resolved against keptAnnots (12.5.2)"),
	"Rect":         scalar(kRect, "position on the page (12.5.2)"),
	"Contents":     scalar(kText, "text shown or read aloud (12.5.2)"),
	"P":            rebuilt("the page, re-pointed to the rebuilt page (12.5.2)"),
	"NM":           scalar(kText, "annotation name (12.5.2)"),
	"M":            scalar(kText, "modification date (12.5.2)"),
	"F":            scalar(kInt, "hidden, print, no-view flags (12.5.3)"),
	"AP":           obj("Appearance", "appearance streams, rebuilt as form XObjects (12.5.5)"),
	"AS":           scalar(kName, "current appearance state (12.5.5)"),
	"Border":       obj("Border", "border width and dashes (12.5.2)"),
	"C":            scalar(kNums, "colour (12.5.2)"),
	"OC":           obj("OC", "layer the annotation belongs to (8.11.3.3)"),
	"StructParent": scalar(kInt, "key of the annotation in the parent tree (14.7.5.4)"),
}

// markupKeys are common to the markup annotations (12.5.6.2); /RC (rich text XHTML) and
// /ExData (3D and 2D data) are not kept.
var markupKeys = schema{
	"T":            scalar(kText, "author label shown in the pop-up title bar (12.5.6.2)"),
	"Popup":        obj("Annot", "its pop-up annotation, if kept (12.5.6.2)"),
	"CA":           scalar(kNum, "opacity (12.5.6.2)"),
	"CreationDate": scalar(kText, "creation date (12.5.6.2)"),
	"IRT":          obj("Annot", "the annotation this one replies to, if kept (12.5.6.2)"),
	"Subj":         scalar(kText, "subject (12.5.6.2)"),
	"RT":           scalar(kName, "reply type (12.5.6.2)"),
	"IT":           scalar(kName, "intent (12.5.6.2)"),
}

var borderStyleKeys = schema{
	"Type": scalar(kName, "object type /Border (12.5.4)"),
	"W":    scalar(kNum, "width (12.5.4)"),
	"S":    scalar(kName, "solid, dashed, bevelled ... (12.5.4)"),
	"D":    scalar(kNums, "dash array (12.5.4)"),
}

var borderEffectKeys = schema{
	"S": scalar(kName, "cloudy or none (12.5.4)"),
	"I": scalar(kNum, "effect intensity (12.5.4)"),
}

// keptAnnots are the annotation types that survive, each with its own keys on top of
// annotKeys. 3D, RichMedia, Screen, Movie, Sound, FileAttachment, Redact, Projection,
// PrinterMark, TrapNet, Watermark and unknown types are dropped.
var keptAnnots = map[string]schema{
	"Text": merge(markupKeys, schema{
		"Open":       scalar(kBool, "pop-up open (12.5.6.4)"),
		"Name":       scalar(kName, "icon (12.5.6.4)"),
		"State":      scalar(kText, "review state (12.5.6.3)"),
		"StateModel": scalar(kText, "review state model (12.5.6.3)"),
	}),
	"Link": {
		"A":          obj("Action", "GoTo, URI (web) or Named navigation only (12.5.6.5)"),
		"Dest":       obj("Dest", "local destination (12.5.6.5)"),
		"H":          scalar(kName, "highlight on click (12.5.6.5)"),
		"QuadPoints": scalar(kNums, "link areas (12.5.6.5)"),
		"BS":         obj("BS", "border style (12.5.6.5)"),
	},
	"FreeText": merge(markupKeys, schema{
		"DA": obj("DA", "default appearance, re-serialised as content operators (12.5.6.6)"),
		"Q":  scalar(kInt, "alignment (12.5.6.6)"),
		"CL": scalar(kNums, "callout line (12.5.6.6)"),
		"BE": obj("BE", "border effect (12.5.6.6)"),
		"RD": scalar(kNums, "inner rectangle (12.5.6.6)"),
		"BS": obj("BS", "border style (12.5.6.6)"),
		"LE": scalar(kNames, "line ending (12.5.6.6)"),
	}),
	"Line": merge(markupKeys, schema{
		"L":   scalar(kNums, "end points (12.5.6.7)"),
		"BS":  obj("BS", "border style (12.5.6.7)"),
		"LE":  scalar(kNames, "line endings (12.5.6.7)"),
		"IC":  scalar(kNums, "interior colour (12.5.6.7)"),
		"LL":  scalar(kNum, "leader line length (12.5.6.7)"),
		"LLE": scalar(kNum, "leader line extension (12.5.6.7)"),
		"LLO": scalar(kNum, "leader line offset (12.5.6.7)"),
		"Cap": scalar(kBool, "caption shown (12.5.6.7)"),
		"CP":  scalar(kName, "caption position (12.5.6.7)"),
		"CO":  scalar(kNums, "caption offset (12.5.6.7)"),
	}),
	"Square": merge(markupKeys, schema{
		"BS": obj("BS", "border style (12.5.6.8)"),
		"IC": scalar(kNums, "interior colour (12.5.6.8)"),
		"BE": obj("BE", "border effect (12.5.6.8)"),
		"RD": scalar(kNums, "inner rectangle (12.5.6.8)"),
	}),
	"Circle": merge(markupKeys, schema{
		"BS": obj("BS", "border style (12.5.6.8)"),
		"IC": scalar(kNums, "interior colour (12.5.6.8)"),
		"BE": obj("BE", "border effect (12.5.6.8)"),
		"RD": scalar(kNums, "inner rectangle (12.5.6.8)"),
	}),
	"Polygon": merge(markupKeys, schema{
		"Vertices": scalar(kNums, "corner points (12.5.6.9)"),
		"BS":       obj("BS", "border style (12.5.6.9)"),
		"IC":       scalar(kNums, "interior colour (12.5.6.9)"),
		"BE":       obj("BE", "border effect (12.5.6.9)"),
		"Path":     scalar(kNumRows, "curve path, PDF 2.0 (12.5.6.9)"),
	}),
	"PolyLine": merge(markupKeys, schema{
		"Vertices": scalar(kNums, "points (12.5.6.9)"),
		"LE":       scalar(kNames, "line endings (12.5.6.9)"),
		"BS":       obj("BS", "border style (12.5.6.9)"),
		"IC":       scalar(kNums, "interior colour of endings (12.5.6.9)"),
		"Path":     scalar(kNumRows, "curve path, PDF 2.0 (12.5.6.9)"),
	}),
	"Highlight": merge(markupKeys, schema{"QuadPoints": scalar(kNums, "marked text areas (12.5.6.10)")}),
	"Underline": merge(markupKeys, schema{"QuadPoints": scalar(kNums, "marked text areas (12.5.6.10)")}),
	"Squiggly":  merge(markupKeys, schema{"QuadPoints": scalar(kNums, "marked text areas (12.5.6.10)")}),
	"StrikeOut": merge(markupKeys, schema{"QuadPoints": scalar(kNums, "marked text areas (12.5.6.10)")}),
	"Caret": merge(markupKeys, schema{
		"RD": scalar(kNums, "inner rectangle (12.5.6.11)"),
		"Sy": scalar(kName, "symbol (12.5.6.11)"),
	}),
	"Stamp": merge(markupKeys, schema{"Name": scalar(kName, "stamp icon (12.5.6.12)")}),
	"Ink": merge(markupKeys, schema{
		"InkList": scalar(kNumRows, "strokes (12.5.6.13)"),
		"BS":      obj("BS", "border style (12.5.6.13)"),
	}),
	"Popup": {
		"Parent": obj("Annot", "the markup annotation it belongs to, if kept (12.5.6.14)"),
		"Open":   scalar(kBool, "open on display (12.5.6.14)"),
	},
	"Widget": merge(terminalFieldKeys, schema{
		"H":      scalar(kName, "highlight on click (12.5.6.19)"),
		"MK":     obj("MK", "appearance characteristics (12.5.6.19)"),
		"BS":     obj("BS", "border style (12.5.6.19)"),
		"Parent": obj("Field", "the field it shows (12.7.4)"),
	}),
}

// appearanceCharacteristicsKeys are a widget's /MK (12.5.6.19).
var mkKeys = schema{
	"R":  scalar(kInt, "rotation (12.5.6.19)"),
	"BC": scalar(kNums, "border colour (12.5.6.19)"),
	"BG": scalar(kNums, "background colour (12.5.6.19)"),
	"CA": scalar(kText, "caption (12.5.6.19)"),
	"RC": scalar(kText, "rollover caption (12.5.6.19)"),
	"AC": scalar(kText, "pressed caption (12.5.6.19)"),
	"I":  obj("Form", "icon, rebuilt as a form XObject (12.5.6.19)"),
	"RI": obj("Form", "rollover icon (12.5.6.19)"),
	"IX": obj("Form", "pressed icon (12.5.6.19)"),
	"IF": obj("IconFit", "icon placement (12.5.6.19)"),
	"TP": scalar(kInt, "caption position (12.5.6.19)"),
}

var iconFitKeys = schema{
	"SW": scalar(kName, "when to scale (12.7.8.3)"),
	"S":  scalar(kName, "scaling type (12.7.8.3)"),
	"A":  scalar(kNums, "placement (12.7.8.3)"),
	"FB": scalar(kBool, "fit to bounds (12.7.8.3)"),
}

// acroFormKeys: /XFA (scriptable XML forms), /CO (calculation order: scripts) and
// /SigFlags (signatures cannot survive a rewrite) are not kept.
var acroFormKeys = schema{
	"Fields":          arr("Field", "the field tree (12.7.3)"),
	"NeedAppearances": scalar(kBool, "viewer regenerates appearances (12.7.3)"),
	"DR":              obj("Resources", "fonts for field appearances (12.7.3)"),
	"DA":              obj("DA", "default appearance, re-serialised (12.7.3)"),
	"Q":               scalar(kInt, "alignment (12.7.3)"),
}

// fieldKeys: values stay, scripts (/AA) and rich text (/RV, /DS) go; submit and import are
// actions, which widgets lose entirely.
var fieldKeys = schema{
	"FT":     scalar(kName, "field type Btn, Tx, Ch or Sig (12.7.4.1)"),
	"Parent": obj("Field", "the parent field (12.7.4.1)"),
	"Kids":   arr("Field", "child fields and widgets (12.7.4.1)"),
	"T":      scalar(kText, "field name (12.7.4.1)"),
	"TU":     scalar(kText, "tool tip (12.7.4.1)"),
	"TM":     scalar(kText, "export name (12.7.4.1)"),
	"Ff":     scalar(kInt, "field flags (12.7.4.1)"),
	"V":      obj("FieldValue", "the value the sender filled in: text, name or list (12.7.4.1)"),
	"DV":     obj("FieldValue", "default value (12.7.4.1)"),
	"DA":     obj("DA", "default appearance, re-serialised (12.7.4.3)"),
	"Q":      scalar(kInt, "alignment (12.7.4.3)"),
	"MaxLen": scalar(kInt, "maximum length (12.7.5.3)"),
	"Opt":    obj("Opt", "choices or export values (12.7.5.4)"),
	"TI":     scalar(kInt, "top index (12.7.5.4)"),
	"I":      scalar(kNums, "selected indices (12.7.5.4)"),
}

// appearanceKeys are an annotation's appearances (12.5.5); each is a form XObject or a
// dictionary of them by state (On, Off, ...).
var appearanceKeys = schema{
	"N": obj("Form", "normal appearance (12.5.5)"),
	"R": obj("Form", "rollover appearance (12.5.5)"),
	"D": obj("Form", "down appearance (12.5.5)"),
}

// terminalFieldKeys are the field keys a widget merged with its field may carry: a
// widget has no kids.
var terminalFieldKeys = func() schema {
	s := merge(fieldKeys)
	delete(s, "Kids")
	return s
}()
