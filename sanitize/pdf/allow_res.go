package pdf

// Allow-lists of pages and what their content draws with (ISO 32000-2 7.7.3, 7.8, 8, 9).

// pageKeys: presentation (/Dur, /Trans), thumbnails, beads, /AA, piece info, metadata,
// structure and separation data are not kept. Inheritable keys are resolved from the
// page tree into each page, since the tree is rebuilt flat.
var pageKeys = schema{
	"Type":          scalar(kName, "object type /Page (7.7.3.3)"),
	"Parent":        rebuilt("the one rebuilt page tree node (7.7.3.3)"),
	"MediaBox":      scalar(kRect, "page size, inherited values resolved (7.7.3.3)"),
	"CropBox":       scalar(kRect, "visible area, inherited values resolved (7.7.3.3)"),
	"BleedBox":      scalar(kRect, "print production box (14.11.2)"),
	"TrimBox":       scalar(kRect, "print production box (14.11.2)"),
	"ArtBox":        scalar(kRect, "print production box (14.11.2)"),
	"Rotate":        scalar(kInt, "rotation, inherited values resolved (7.7.3.3)"),
	"Resources":     obj("Resources", "what the content draws with, inherited values resolved (7.8.3)"),
	"Contents":      rebuilt("the content streams, tokenised and re-serialised into one stream (7.8.2)"),
	"Annots":        arr("Annot", "annotations of kept types (12.5)"),
	"UserUnit":      scalar(kNum, "unit size (14.11.2)"),
	"Group":         obj("Group", "transparency group (11.6.6)"),
	"Tabs":          scalar(kName, "tab order of annotations (12.5)"),
	"StructParents": scalar(kInt, "key of the page's marked content in the parent tree (14.7.5.4)"),
}

var resourcesKeys = schema{
	"Font":       mapOf("Font", "fonts (9)"),
	"XObject":    mapOf("XObject", "images and form XObjects; PostScript XObjects dropped (8.8)"),
	"ExtGState":  mapOf("ExtGState", "graphics state parameters (8.4.5)"),
	"ColorSpace": mapOf("ColorSpace", "named colour spaces (8.6)"),
	"Pattern":    mapOf("Pattern", "tiling and shading patterns (8.7)"),
	"Shading":    mapOf("Shading", "smooth shadings (8.7.4.3)"),
	"Properties": mapOf("Properties", "marked-content properties: layers only (14.6.2)"),
	"ProcSet":    scalar(kNames, "obsolete procedure sets, harmless (14.2)"),
}

var groupKeys = schema{
	"Type": scalar(kName, "object type /Group (8.10.3)"),
	"S":    scalar(kName, "group subtype /Transparency (11.6.6)"),
	"CS":   obj("ColorSpace", "blending colour space (11.6.6)"),
	"I":    scalar(kBool, "isolated (11.6.6)"),
	"K":    scalar(kBool, "knockout (11.6.6)"),
}

// formKeys: /Ref (reference XObjects load another file), /OPI, /PieceInfo, /Metadata and
// structure keys are not kept; the content is re-serialised.
var formKeys = schema{
	"Type":          scalar(kName, "object type /XObject (8.10.2)"),
	"Subtype":       scalar(kName, "/Form (8.10.2)"),
	"FormType":      scalar(kInt, "always 1 (8.10.2)"),
	"BBox":          scalar(kRect, "clip box (8.10.2)"),
	"Matrix":        scalar(kNums, "form space to user space (8.10.2)"),
	"Resources":     obj("Resources", "what the form draws with (8.10.2)"),
	"Group":         obj("Group", "transparency group (8.10.3)"),
	"OC":            obj("OC", "layer (8.11.3.3)"),
	"StructParent":  scalar(kInt, "key of the form in the parent tree (14.7.5.4)"),
	"StructParents": scalar(kInt, "key of the form's marked content in the parent tree (14.7.5.4)"),
}

// imageKeys: the samples are decoded and re-encoded (see image.go); /Alternates, /OPI,
// /Metadata and /SMaskInData (JPX only) are not kept.
var imageKeys = schema{
	"Type":             scalar(kName, "object type /XObject (8.9.5)"),
	"Subtype":          scalar(kName, "/Image (8.9.5)"),
	"Width":            scalar(kInt, "samples per row, checked against limits.max_pixels (8.9.5)"),
	"Height":           scalar(kInt, "rows, checked against limits.max_pixels (8.9.5)"),
	"ColorSpace":       obj("ColorSpace", "sample colour space (8.9.5)"),
	"BitsPerComponent": scalar(kInt, "1, 2, 4, 8 or 16 (8.9.5)"),
	"Intent":           scalar(kName, "rendering intent (8.6.5.8)"),
	"ImageMask":        scalar(kBool, "stencil mask (8.9.6.2)"),
	"Mask":             obj("Mask", "stencil image or colour key ranges (8.9.6)"),
	"Decode":           scalar(kNums, "sample mapping (8.9.5.2)"),
	"Interpolate":      scalar(kBool, "smoothing (8.9.5.3)"),
	"SMask":            obj("Image", "soft mask image, re-encoded too (11.6.5.3)"),
	"Matte":            scalar(kNums, "pre-blended matte of a soft mask (11.6.5.3)"),
	"OC":               obj("OC", "layer (8.11.3.3)"),
	"StructParent":     scalar(kInt, "key of the image in the parent tree (14.7.5.4)"),
}

// extGStateKeys: halftones (/HT) are not kept: device rendering detail with threshold
// streams of their own.
var extGStateKeys = schema{
	"Type":           scalar(kName, "object type /ExtGState (8.4.5)"),
	"LW":             scalar(kNum, "line width (8.4.5)"),
	"LC":             scalar(kInt, "line cap (8.4.5)"),
	"LJ":             scalar(kInt, "line join (8.4.5)"),
	"ML":             scalar(kNum, "miter limit (8.4.5)"),
	"D":              obj("DashPattern", "dash pattern (8.4.5)"),
	"RI":             scalar(kName, "rendering intent (8.4.5)"),
	"OP":             scalar(kBool, "overprint (8.4.5)"),
	"op":             scalar(kBool, "overprint for fills (8.4.5)"),
	"OPM":            scalar(kInt, "overprint mode (8.4.5)"),
	"Font":           obj("GSFont", "font and size (8.4.5)"),
	"BG":             obj("Function", "black generation (10.3.4)"),
	"BG2":            obj("Function", "black generation or Default (10.3.4)"),
	"UCR":            obj("Function", "undercolour removal (10.3.4)"),
	"UCR2":           obj("Function", "undercolour removal or Default (10.3.4)"),
	"TR":             obj("Transfer", "transfer function (10.4)"),
	"TR2":            obj("Transfer", "transfer function or Default (10.4)"),
	"FL":             scalar(kNum, "flatness (10.7.2)"),
	"SM":             scalar(kNum, "smoothness (10.7.3)"),
	"SA":             scalar(kBool, "stroke adjustment (10.7.5)"),
	"BM":             scalar(kNames, "blend mode (11.6.3)"),
	"SMask":          obj("SoftMask", "soft mask or /None (11.6.5.2)"),
	"CA":             scalar(kNum, "stroke opacity (11.6.4.4)"),
	"ca":             scalar(kNum, "fill opacity (11.6.4.4)"),
	"AIS":            scalar(kBool, "alpha is shape (11.6.4.3)"),
	"TK":             scalar(kBool, "text knockout (9.3.8)"),
	"UseBlackPtComp": scalar(kName, "black point compensation (8.6.5.9)"),
	"HTO":            scalar(kNums, "halftone origin (10.6.5)"),
}

var softMaskKeys = schema{
	"Type": scalar(kName, "object type /Mask (11.6.5.2)"),
	"S":    scalar(kName, "Alpha or Luminosity (11.6.5.2)"),
	"G":    obj("Form", "the transparency group that gives the mask (11.6.5.2)"),
	"BC":   scalar(kNums, "backdrop colour (11.6.5.2)"),
	"TR":   obj("Transfer", "transfer function (11.6.5.2)"),
}

var tilingPatternKeys = schema{
	"Type":        scalar(kName, "object type /Pattern (8.7.3.1)"),
	"PatternType": scalar(kInt, "1, tiling (8.7.3.1)"),
	"PaintType":   scalar(kInt, "coloured or uncoloured (8.7.3.1)"),
	"TilingType":  scalar(kInt, "spacing (8.7.3.1)"),
	"BBox":        scalar(kRect, "cell (8.7.3.1)"),
	"XStep":       scalar(kNum, "horizontal spacing (8.7.3.1)"),
	"YStep":       scalar(kNum, "vertical spacing (8.7.3.1)"),
	"Resources":   obj("Resources", "what the cell draws with (8.7.3.1)"),
	"Matrix":      scalar(kNums, "pattern space (8.7.3.1)"),
}

var shadingPatternKeys = schema{
	"Type":        scalar(kName, "object type /Pattern (8.7.4.2)"),
	"PatternType": scalar(kInt, "2, shading (8.7.4.2)"),
	"Shading":     obj("Shading", "the shading (8.7.4.2)"),
	"Matrix":      scalar(kNums, "pattern space (8.7.4.2)"),
	"ExtGState":   obj("ExtGState", "graphics state (8.7.4.2)"),
}

// shadingKeys cover the seven shading types; mesh data of types 4 to 7 is read and
// packed again (mesh.go).
var shadingKeys = schema{
	"ShadingType":       scalar(kInt, "1 to 7 (8.7.4.5)"),
	"ColorSpace":        obj("ColorSpace", "colour space (8.7.4.5)"),
	"Background":        scalar(kNums, "background colour (8.7.4.5)"),
	"BBox":              scalar(kRect, "bounds (8.7.4.5)"),
	"AntiAlias":         scalar(kBool, "smoothing (8.7.4.5)"),
	"Domain":            scalar(kNums, "parameter domain (8.7.4.5)"),
	"Matrix":            scalar(kNums, "shading space, type 1 (8.7.4.5.2)"),
	"Function":          arr("Function", "colour function or one per component (8.7.4.5)"),
	"Coords":            scalar(kNums, "axis or circles, types 2 and 3 (8.7.4.5.3)"),
	"Extend":            scalar(kBools, "extend past the ends (8.7.4.5.3)"),
	"BitsPerCoordinate": scalar(kInt, "mesh coordinates, types 4 to 7 (8.7.4.5.5)"),
	"BitsPerComponent":  scalar(kInt, "mesh colours, types 4 to 7 (8.7.4.5.5)"),
	"BitsPerFlag":       scalar(kInt, "mesh edge flags, types 4, 6, 7 (8.7.4.5.5)"),
	"Decode":            scalar(kNums, "mesh value ranges, types 4 to 7 (8.7.4.5.5)"),
	"VerticesPerRow":    scalar(kInt, "lattice width, type 5 (8.7.4.5.6)"),
}

// functionKeys cover the four function types; type 4 programs are tokenised and only the
// calculator operators kept (7.10.5).
var functionKeys = schema{
	"FunctionType":  scalar(kInt, "0, 2, 3 or 4 (7.10.1)"),
	"Domain":        scalar(kNums, "input range (7.10.1)"),
	"Range":         scalar(kNums, "output range (7.10.1)"),
	"Size":          scalar(kNums, "samples per input, type 0 (7.10.2)"),
	"BitsPerSample": scalar(kInt, "type 0 (7.10.2)"),
	"Order":         scalar(kInt, "interpolation order, type 0 (7.10.2)"),
	"Encode":        scalar(kNums, "input mapping, types 0 and 3 (7.10.2)"),
	"Decode":        scalar(kNums, "output mapping, type 0 (7.10.2)"),
	"C0":            scalar(kNums, "type 2 (7.10.3)"),
	"C1":            scalar(kNums, "type 2 (7.10.3)"),
	"N":             scalar(kNum, "exponent, type 2 (7.10.3)"),
	"Functions":     arr("Function", "stitched functions, type 3 (7.10.4)"),
	"Bounds":        scalar(kNums, "stitching bounds, type 3 (7.10.4)"),
}

var calKeys = schema{
	"WhitePoint": scalar(kNums, "CIE white point (8.6.5.2)"),
	"BlackPoint": scalar(kNums, "CIE black point (8.6.5.2)"),
	"Gamma":      field{kind: kNums, why: "gamma, a number or three (8.6.5.2)"},
	"Matrix":     scalar(kNums, "CalRGB matrix (8.6.5.3)"),
	"Range":      scalar(kNums, "Lab a* b* range (8.6.5.4)"),
}

// Fonts (9.6 to 9.8). Font programs are checked or dropped (font.go); CMaps and
// encodings are parsed and written again.
var simpleFontKeys = schema{
	"Type":           scalar(kName, "object type /Font (9.6.2)"),
	"Subtype":        scalar(kName, "Type1, MMType1, TrueType or Type3 (9.6.2)"),
	"BaseFont":       scalar(kName, "font name (9.6.2)"),
	"Name":           scalar(kName, "resource name, PDF 1.0 (9.6.2)"),
	"FirstChar":      scalar(kInt, "first code in Widths (9.6.2)"),
	"LastChar":       scalar(kInt, "last code in Widths (9.6.2)"),
	"Widths":         scalar(kNums, "glyph widths (9.6.2)"),
	"FontDescriptor": obj("FontDescriptor", "metrics and the font program (9.8)"),
	"Encoding":       obj("Encoding", "code to glyph name mapping (9.6.5)"),
	"ToUnicode":      obj("ToUnicode", "text extraction CMap, parsed and rewritten (9.10.3)"),
}

var type3FontKeys = merge(simpleFontKeys, schema{
	"FontBBox":   scalar(kRect, "glyph bounds (9.6.4)"),
	"FontMatrix": scalar(kNums, "glyph space (9.6.4)"),
	"CharProcs":  mapOf("CharProc", "glyph procedures, re-serialised as content (9.6.4)"),
	"Resources":  obj("Resources", "what the glyphs draw with (9.6.4)"),
})

var type0FontKeys = schema{
	"Type":            scalar(kName, "object type /Font (9.7.6)"),
	"Subtype":         scalar(kName, "/Type0 (9.7.6)"),
	"BaseFont":        scalar(kName, "font name (9.7.6)"),
	"Encoding":        obj("CMapEncoding", "predefined CMap name or an embedded CMap, parsed and rewritten (9.7.5)"),
	"DescendantFonts": arr("CIDFont", "the CIDFont (9.7.6)"),
	"ToUnicode":       obj("ToUnicode", "text extraction CMap, parsed and rewritten (9.10.3)"),
}

var cidFontKeys = schema{
	"Type":           scalar(kName, "object type /Font (9.7.4)"),
	"Subtype":        scalar(kName, "CIDFontType0 or CIDFontType2 (9.7.4)"),
	"BaseFont":       scalar(kName, "font name (9.7.4)"),
	"CIDSystemInfo":  obj("CIDSystemInfo", "character collection, e.g. Adobe-Japan1 (9.7.3)"),
	"FontDescriptor": obj("FontDescriptor", "metrics and the font program (9.8)"),
	"DW":             scalar(kNum, "default width (9.7.4.3)"),
	"W":              obj("CIDWidths", "glyph widths (9.7.4.3)"),
	"DW2":            scalar(kNums, "default vertical metrics (9.7.4.3)"),
	"W2":             obj("CIDWidths", "vertical metrics (9.7.4.3)"),
	"CIDToGIDMap":    obj("CIDToGIDMap", "Identity or a table of glyph numbers, re-encoded (9.7.4.2)"),
}

var cidSystemInfoKeys = schema{
	"Registry":   scalar(kText, "e.g. Adobe (9.7.3)"),
	"Ordering":   scalar(kText, "e.g. Japan1 (9.7.3)"),
	"Supplement": scalar(kInt, "collection version (9.7.3)"),
}

// fontDescriptorKeys: /CIDSet and /FD are not kept (optional subsetting and per-class
// metrics); the font programs are handled by font.go.
var fontDescriptorKeys = schema{
	"Type":         scalar(kName, "object type /FontDescriptor (9.8.1)"),
	"FontName":     scalar(kName, "font name (9.8.1)"),
	"FontFamily":   scalar(kText, "family, for substitution (9.8.1)"),
	"FontStretch":  scalar(kName, "width class, for substitution (9.8.1)"),
	"FontWeight":   scalar(kNum, "weight, for substitution (9.8.1)"),
	"Flags":        scalar(kInt, "serif, symbolic, ... for substitution (9.8.2)"),
	"FontBBox":     scalar(kRect, "glyph bounds (9.8.1)"),
	"ItalicAngle":  scalar(kNum, "for substitution (9.8.1)"),
	"Ascent":       scalar(kNum, "metrics (9.8.1)"),
	"Descent":      scalar(kNum, "metrics (9.8.1)"),
	"Leading":      scalar(kNum, "metrics (9.8.1)"),
	"CapHeight":    scalar(kNum, "metrics (9.8.1)"),
	"XHeight":      scalar(kNum, "metrics (9.8.1)"),
	"StemV":        scalar(kNum, "metrics (9.8.1)"),
	"StemH":        scalar(kNum, "metrics (9.8.1)"),
	"AvgWidth":     scalar(kNum, "metrics (9.8.1)"),
	"MaxWidth":     scalar(kNum, "metrics (9.8.1)"),
	"MissingWidth": scalar(kNum, "width of codes outside Widths (9.8.1)"),
	"FontFile":     obj("FontFile", "Type 1 program, parsed here and written again from its outlines (9.9)"),
	"FontFile2":    obj("FontFile2", "TrueType program, kept only if sfnt parses it cleanly (9.9)"),
	"FontFile3":    obj("FontFile3", "CFF or OpenType program, kept only if sfnt parses it cleanly (9.9)"),
	"CharSet":      scalar(kText, "glyph names of a Type 1 subset (9.8.1)"),
	"Style":        obj("FontStyle", "Panose classification, for substitution (9.8.3)"),
	"Lang":         scalar(kName, "language (9.8.1)"),
}

var fontStyleKeys = schema{
	"Panose": scalar(kText, "12-byte classification (9.8.3.2)"),
}

var encodingKeys = schema{
	"Type":         scalar(kName, "object type /Encoding (9.6.5.1)"),
	"BaseEncoding": scalar(kName, "Standard, WinAnsi, MacRoman or MacExpert (9.6.5.1)"),
	"Differences":  obj("Differences", "codes and glyph names (9.6.5.1)"),
}
