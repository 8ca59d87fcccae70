package pdf

// opSpec is a content stream operator's operand list, one letter per operand:
//
//	n number    i integer   N name     s string
//	D array of numbers (dash)           T array of strings and numbers (TJ)
//	c 1 to 32 numbers                   C 1 to 32 numbers, or numbers then a pattern name
//	P a name or a property dictionary (marked content)
//
// An operation whose operands do not match is dropped and counted. BI (inline images) is
// parsed by content.go.
type opSpec struct {
	args string
	why  string
}

// contentOps are the operators kept in content streams (ISO 32000-2 Annex A). BX/EX
// compatibility sections, PS (PostScript pass-through) and unknown operators are dropped.
var contentOps = map[string]opSpec{
	"w":   {"n", "line width (8.4.4)"},
	"J":   {"i", "line cap (8.4.4)"},
	"j":   {"i", "line join (8.4.4)"},
	"M":   {"n", "miter limit (8.4.4)"},
	"d":   {"Dn", "dash pattern (8.4.4)"},
	"ri":  {"N", "rendering intent (8.4.4)"},
	"i":   {"n", "flatness (8.4.4)"},
	"gs":  {"N", "graphics state from resources (8.4.4)"},
	"q":   {"", "save graphics state (8.4.4)"},
	"Q":   {"", "restore graphics state (8.4.4)"},
	"cm":  {"nnnnnn", "transformation matrix (8.4.4)"},
	"m":   {"nn", "move to (8.5.2)"},
	"l":   {"nn", "line to (8.5.2)"},
	"c":   {"nnnnnn", "Bézier curve (8.5.2)"},
	"v":   {"nnnn", "Bézier curve (8.5.2)"},
	"y":   {"nnnn", "Bézier curve (8.5.2)"},
	"h":   {"", "close path (8.5.2)"},
	"re":  {"nnnn", "rectangle (8.5.2)"},
	"S":   {"", "stroke (8.5.3)"},
	"s":   {"", "close and stroke (8.5.3)"},
	"f":   {"", "fill (8.5.3)"},
	"F":   {"", "fill, obsolete spelling (8.5.3)"},
	"f*":  {"", "even-odd fill (8.5.3)"},
	"B":   {"", "fill and stroke (8.5.3)"},
	"B*":  {"", "even-odd fill and stroke (8.5.3)"},
	"b":   {"", "close, fill and stroke (8.5.3)"},
	"b*":  {"", "close, even-odd fill and stroke (8.5.3)"},
	"n":   {"", "end path (8.5.3)"},
	"W":   {"", "clip (8.5.4)"},
	"W*":  {"", "even-odd clip (8.5.4)"},
	"BT":  {"", "begin text (9.4)"},
	"ET":  {"", "end text (9.4)"},
	"Tc":  {"n", "character spacing (9.3)"},
	"Tw":  {"n", "word spacing (9.3)"},
	"Tz":  {"n", "horizontal scaling (9.3)"},
	"TL":  {"n", "leading (9.3)"},
	"Tf":  {"Nn", "font from resources and size (9.3)"},
	"Tr":  {"i", "text rendering mode (9.3)"},
	"Ts":  {"n", "text rise (9.3)"},
	"Td":  {"nn", "move text position (9.4.2)"},
	"TD":  {"nn", "move text position and set leading (9.4.2)"},
	"Tm":  {"nnnnnn", "text matrix (9.4.2)"},
	"T*":  {"", "next line (9.4.2)"},
	"Tj":  {"s", "show text (9.4.3)"},
	"TJ":  {"T", "show text with positioning (9.4.3)"},
	"'":   {"s", "next line and show text (9.4.3)"},
	"\"":  {"nns", "spacing, next line and show text (9.4.3)"},
	"d0":  {"nn", "Type 3 glyph width (9.6.4)"},
	"d1":  {"nnnnnn", "Type 3 glyph width and bounds (9.6.4)"},
	"CS":  {"N", "stroke colour space (8.6.8)"},
	"cs":  {"N", "fill colour space (8.6.8)"},
	"SC":  {"c", "stroke colour (8.6.8)"},
	"SCN": {"C", "stroke colour or pattern (8.6.8)"},
	"sc":  {"c", "fill colour (8.6.8)"},
	"scn": {"C", "fill colour or pattern (8.6.8)"},
	"G":   {"n", "stroke grey (8.6.8)"},
	"g":   {"n", "fill grey (8.6.8)"},
	"RG":  {"nnn", "stroke RGB (8.6.8)"},
	"rg":  {"nnn", "fill RGB (8.6.8)"},
	"K":   {"nnnn", "stroke CMYK (8.6.8)"},
	"k":   {"nnnn", "fill CMYK (8.6.8)"},
	"sh":  {"N", "paint shading from resources (8.7.4.2)"},
	"Do":  {"N", "paint XObject from resources (8.8)"},
	"MP":  {"N", "marked-content point (14.6)"},
	"DP":  {"NP", "marked-content point with properties (14.6)"},
	"BMC": {"N", "begin marked content (14.6)"},
	"BDC": {"NP", "begin marked content with properties (14.6)"},
	"EMC": {"", "end marked content (14.6)"},
}

// inlineImageKeys are the keys of an inline image dictionary, abbreviated or not
// (8.9.7); the samples are decoded and written again as ASCIIHex.
var inlineImageKeys = map[string]string{
	"W": "Width", "Width": "Width",
	"H": "Height", "Height": "Height",
	"BPC": "BitsPerComponent", "BitsPerComponent": "BitsPerComponent",
	"CS": "ColorSpace", "ColorSpace": "ColorSpace",
	"D": "Decode", "Decode": "Decode",
	"DP": "DecodeParms", "DecodeParms": "DecodeParms",
	"F": "Filter", "Filter": "Filter",
	"IM": "ImageMask", "ImageMask": "ImageMask",
	"I": "Interpolate", "Interpolate": "Interpolate",
	"Intent": "Intent",
	"L":      "Length", "Length": "Length",
}

// calculatorOps are the operators of type 4 (PostScript calculator) functions (7.10.5);
// nothing else of PostScript is kept.
var calculatorOps = map[string]string{
	"abs": "arithmetic", "add": "arithmetic", "atan": "arithmetic", "ceiling": "arithmetic",
	"cos": "arithmetic", "cvi": "arithmetic", "cvr": "arithmetic", "div": "arithmetic",
	"exp": "arithmetic", "floor": "arithmetic", "idiv": "arithmetic", "ln": "arithmetic",
	"log": "arithmetic", "mod": "arithmetic", "mul": "arithmetic", "neg": "arithmetic",
	"round": "arithmetic", "sin": "arithmetic", "sqrt": "arithmetic", "sub": "arithmetic",
	"truncate": "arithmetic",
	"and":      "relational and bitwise", "bitshift": "relational and bitwise", "eq": "relational and bitwise",
	"false": "relational and bitwise", "ge": "relational and bitwise", "gt": "relational and bitwise",
	"le": "relational and bitwise", "lt": "relational and bitwise", "ne": "relational and bitwise",
	"not": "relational and bitwise", "or": "relational and bitwise", "true": "relational and bitwise",
	"xor": "relational and bitwise",
	"if":  "conditional", "ifelse": "conditional",
	"copy": "stack", "dup": "stack", "exch": "stack", "index": "stack", "pop": "stack", "roll": "stack",
}

// markedContentKeys are the entries kept in a property dictionary written inline after
// BDC or DP (14.6.2); values must be numbers or strings. Anything else (private producer
// data) is dropped.
var markedContentKeys = map[string]string{
	"MCID":       "marked-content identifier for tagged structure (14.7.4.4)",
	"ActualText": "replacement text for extraction and screen readers (14.9.4)",
	"Alt":        "alternate description (14.9.3)",
	"E":          "expansion of an abbreviation (14.9.5)",
	"Lang":       "language of the marked text (14.9.2)",
}
