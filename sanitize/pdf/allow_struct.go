package pdf

// Allow-lists of the logical structure (tagged PDF, ISO 32000-2 14.7 and 14.8): what
// screen readers and reflow read. Kept so that an accessible document stays accessible.

var markInfoKeys = schema{
	"Type":     scalar(kName, "object type /MarkInfo, written by Chromium (14.7.1)"),
	"Marked":   scalar(kBool, "the document is tagged (14.7.1)"),
	"Suspects": scalar(kBool, "tags may be unreliable (14.7.1)"),
}

var structTreeRootKeys = schema{
	"Type":              scalar(kName, "object type /StructTreeRoot (14.7.2)"),
	"K":                 arr("StructElem", "top-level structure elements (14.7.2)"),
	"ParentTree":        obj("NumberTree.StructParent", "from marked content to its elements, rebuilt flat (14.7.5.4)"),
	"ParentTreeNextKey": scalar(kInt, "next free parent tree key (14.7.2)"),
	"RoleMap":           obj("RoleMap", "custom tags to standard ones (14.7.2)"),
	"ClassMap":          mapOf("Attributes", "attribute classes (14.7.2)"),
	"IDTree":            obj("NameTree.StructElem", "element identifiers, rebuilt flat (14.7.2)"),
}

// structElemKeys: /Ref (references to other elements), /AF (associated files), /NS
// (namespaces) and /PhoneticAlphabet and /Phoneme are not kept.
var structElemKeys = schema{
	"Type":       scalar(kName, "object type /StructElem (14.7.2)"),
	"S":          scalar(kName, "structure type: P, H1, Table, Figure, ... (14.7.2)"),
	"P":          rebuilt("the parent, re-pointed to the rebuilt element or root (14.7.2)"),
	"ID":         scalar(kText, "element identifier (14.7.2)"),
	"Pg":         obj("Page", "the page the content is on (14.7.2)"),
	"K":          arr("StructKid", "children: elements, marked-content ids and references (14.7.2)"),
	"A":          arr("Attributes", "attributes: layout, list, table (14.8.5)"),
	"C":          scalar(kNames, "attribute classes (14.7.2)"),
	"R":          scalar(kInt, "revision number (14.7.2)"),
	"T":          scalar(kText, "title (14.7.2)"),
	"Lang":       scalar(kText, "language (14.9.2)"),
	"Alt":        scalar(kText, "alternate description, read instead of a figure (14.9.3)"),
	"E":          scalar(kText, "expansion of an abbreviation (14.9.5)"),
	"ActualText": scalar(kText, "replacement text (14.9.4)"),
}

var mcrKeys = schema{
	"Type": scalar(kName, "object type /MCR (14.7.5.2)"),
	"Pg":   obj("Page", "the page of the marked content (14.7.5.2)"),
	"Stm":  obj("Form", "the form XObject holding the marked content (14.7.5.2)"),
	"MCID": scalar(kInt, "marked-content identifier (14.7.5.2)"),
}

var objrKeys = schema{
	"Type": scalar(kName, "object type /OBJR (14.7.5.3)"),
	"Pg":   obj("Page", "the page of the object (14.7.5.3)"),
	"Obj":  obj("StructObj", "the annotation or XObject the element stands for (14.7.5.3)"),
}

// attributeKeys are the standard structure attributes (14.8.5), one list for every owner
// (/O): values are numbers, names, strings or arrays of them.
var attributeKeys = schema{
	"O":                        scalar(kName, "attribute owner: Layout, List, PrintField, Table (14.8.5)"),
	"Placement":                scalar(kName, "Layout (14.8.5.4.2)"),
	"WritingMode":              scalar(kName, "Layout: vertical Japanese is TbRl (14.8.5.4.2)"),
	"BackgroundColor":          scalar(kNums, "Layout (14.8.5.4.2)"),
	"BorderColor":              field{kind: kObj, typ: "AttrValue", why: "Layout (14.8.5.4.2)"},
	"BorderStyle":              field{kind: kObj, typ: "AttrValue", why: "Layout (14.8.5.4.2)"},
	"BorderThickness":          field{kind: kObj, typ: "AttrValue", why: "Layout (14.8.5.4.2)"},
	"Padding":                  field{kind: kObj, typ: "AttrValue", why: "Layout (14.8.5.4.2)"},
	"Color":                    scalar(kNums, "Layout (14.8.5.4.2)"),
	"SpaceBefore":              scalar(kNum, "Layout (14.8.5.4.3)"),
	"SpaceAfter":               scalar(kNum, "Layout (14.8.5.4.3)"),
	"StartIndent":              scalar(kNum, "Layout (14.8.5.4.3)"),
	"EndIndent":                scalar(kNum, "Layout (14.8.5.4.3)"),
	"TextIndent":               scalar(kNum, "Layout (14.8.5.4.3)"),
	"TextAlign":                scalar(kName, "Layout (14.8.5.4.3)"),
	"BBox":                     scalar(kRect, "Layout (14.8.5.4.3)"),
	"Width":                    field{kind: kObj, typ: "AttrValue", why: "Layout, a number or /Auto (14.8.5.4.3)"},
	"Height":                   field{kind: kObj, typ: "AttrValue", why: "Layout, a number or /Auto (14.8.5.4.3)"},
	"BlockAlign":               scalar(kName, "Layout (14.8.5.4.3)"),
	"InlineAlign":              scalar(kName, "Layout (14.8.5.4.3)"),
	"TBorderStyle":             field{kind: kObj, typ: "AttrValue", why: "Layout (14.8.5.4.3)"},
	"TPadding":                 field{kind: kObj, typ: "AttrValue", why: "Layout (14.8.5.4.3)"},
	"BaselineShift":            scalar(kNum, "Layout (14.8.5.4.4)"),
	"LineHeight":               field{kind: kObj, typ: "AttrValue", why: "Layout (14.8.5.4.4)"},
	"TextDecorationColor":      scalar(kNums, "Layout (14.8.5.4.4)"),
	"TextDecorationThickness":  scalar(kNum, "Layout (14.8.5.4.4)"),
	"TextDecorationType":       scalar(kName, "Layout (14.8.5.4.4)"),
	"RubyAlign":                scalar(kName, "Layout: furigana (14.8.5.4.4)"),
	"RubyPosition":             scalar(kName, "Layout: furigana (14.8.5.4.4)"),
	"GlyphOrientationVertical": field{kind: kObj, typ: "AttrValue", why: "Layout: vertical text (14.8.5.4.4)"},
	"ColumnCount":              scalar(kInt, "Layout (14.8.5.4.5)"),
	"ColumnGap":                field{kind: kObj, typ: "AttrValue", why: "Layout (14.8.5.4.5)"},
	"ColumnWidths":             field{kind: kObj, typ: "AttrValue", why: "Layout (14.8.5.4.5)"},
	"ListNumbering":            scalar(kName, "List (14.8.5.5)"),
	"ContinuedList":            scalar(kBool, "List (14.8.5.5)"),
	"ContinuedFrom":            scalar(kText, "List (14.8.5.5)"),
	"Role":                     scalar(kName, "PrintField (14.8.5.6)"),
	"checked":                  scalar(kName, "PrintField (14.8.5.6)"),
	"Checked":                  scalar(kName, "PrintField, common spelling (14.8.5.6)"),
	"Desc":                     scalar(kText, "PrintField (14.8.5.6)"),
	"RowSpan":                  scalar(kInt, "Table (14.8.5.7)"),
	"ColSpan":                  scalar(kInt, "Table (14.8.5.7)"),
	"Headers":                  field{kind: kObj, typ: "AttrValue", why: "Table: header cell identifiers (14.8.5.7)"},
	"Scope":                    scalar(kName, "Table (14.8.5.7)"),
	"Summary":                  scalar(kText, "Table (14.8.5.7)"),
	"Short":                    scalar(kText, "Table (14.8.5.7)"),
}
