package wordfield

// The allow-list of field types, as data: each type with the reason it is inert, and the
// switches that take an argument (argSwitches) or none (flagSwitches), as letters. Only
// HYPERLINK's switches are checked; for the other types they only tell the parser which
// words are arguments. TestTypesCovered fails when a type has no case in
// testdata/fields.txt.

type fieldType struct {
	reason       string
	argSwitches  string
	flagSwitches string
}

var types = map[string]fieldType{
	// Numbering of pages, sections and lists.
	"PAGE":         {reason: "page number"},
	"NUMPAGES":     {reason: "page count"},
	"SECTION":      {reason: "section number"},
	"SECTIONPAGES": {reason: "page count of the section"},
	"LISTNUM":      {reason: "list number", argSwitches: "ls"},
	"AUTONUM":      {reason: "paragraph number", argSwitches: "s"},
	"AUTONUMLGL":   {reason: "legal paragraph number", flagSwitches: "e", argSwitches: "s"},
	"AUTONUMOUT":   {reason: "outline paragraph number"},
	"BIDIOUTLINE":  {reason: "right-to-left outline number"},
	"SEQ":          {reason: "sequence number (figures, tables)", argSwitches: "rs", flagSwitches: "chn"},
	// Dates and times from the clock or the document's own properties.
	"DATE":       {reason: "current date", flagSwitches: "hls"},
	"TIME":       {reason: "current time"},
	"CREATEDATE": {reason: "creation date property", flagSwitches: "hls"},
	"SAVEDATE":   {reason: "save date property", flagSwitches: "hls"},
	"PRINTDATE":  {reason: "print date property", flagSwitches: "hls"},
	"EDITTIME":   {reason: "editing time property"},
	// The document's own properties and variables.
	"AUTHOR":       {reason: "document property"},
	"LASTSAVEDBY":  {reason: "document property"},
	"TITLE":        {reason: "document property"},
	"SUBJECT":      {reason: "document property"},
	"KEYWORDS":     {reason: "document property"},
	"COMMENTS":     {reason: "document property"},
	"TEMPLATE":     {reason: "name of the template property (nothing is loaded)", flagSwitches: "p"},
	"FILENAME":     {reason: "the document's own file name", flagSwitches: "p"},
	"FILESIZE":     {reason: "the document's own size", flagSwitches: "km"},
	"NUMWORDS":     {reason: "document statistic"},
	"NUMCHARS":     {reason: "document statistic"},
	"REVNUM":       {reason: "document property"},
	"DOCPROPERTY":  {reason: "document property"},
	"DOCVARIABLE":  {reason: "document variable"},
	"INFO":         {reason: "document property"},
	"USERNAME":     {reason: "user information shown as text"},
	"USERINITIALS": {reason: "user information shown as text"},
	"USERADDRESS":  {reason: "user information shown as text"},
	// References to places inside the document.
	"REF":        {reason: "text of a bookmark", flagSwitches: "dfhnprtw", argSwitches: "d"},
	"PAGEREF":    {reason: "page of a bookmark", flagSwitches: "hp"},
	"NOTEREF":    {reason: "number of a footnote", flagSwitches: "fhp"},
	"STYLEREF":   {reason: "text of a styled paragraph", flagSwitches: "lnprtw"},
	"SET":        {reason: "assigns text to a bookmark"},
	"GOTOBUTTON": {reason: "jumps to a bookmark or page of the document"},
	// Tables of contents, indexes, bibliographies.
	"TOC":          {reason: "table of contents", argSwitches: "abcdfilopst", flagSwitches: "hnuwxz"},
	"TC":           {reason: "table of contents entry", argSwitches: "fl", flagSwitches: "n"},
	"TOA":          {reason: "table of authorities", argSwitches: "cdegls", flagSwitches: "bfhp"},
	"TA":           {reason: "table of authorities entry", argSwitches: "cls", flagSwitches: "bi"},
	"INDEX":        {reason: "index", argSwitches: "bcdefghklprsyz"},
	"XE":           {reason: "index entry", argSwitches: "frt", flagSwitches: "biy"},
	"BIBLIOGRAPHY": {reason: "bibliography from the document's sources", argSwitches: "lfm"},
	"CITATION":     {reason: "citation of the document's sources", argSwitches: "lfpsvm", flagSwitches: "nty"},
	// Layout, symbols and equations.
	"SYMBOL":  {reason: "a character of a font", argSwitches: "fs", flagSwitches: "ahju"},
	"EQ":      {reason: "equation layout"},
	"ADVANCE": {reason: "text position", argSwitches: "dlruxy"},
	"SHAPE":   {reason: "drawing canvas wrapper"},
	// Form fields (their macros are w:entryMacro/w:exitMacro, removed separately).
	"FORMTEXT":     {reason: "text form field"},
	"FORMCHECKBOX": {reason: "check box form field"},
	"FORMDROPDOWN": {reason: "drop-down form field"},
	// Calculation on the document's own values.
	"=":       {reason: "arithmetic on numbers and bookmarks"},
	"IF":      {reason: "chooses between texts"},
	"COMPARE": {reason: "compares two values"},
	// Mail-merge fields: placeholders; the data source is a separate part, removed.
	"MERGEFIELD":     {reason: "mail-merge placeholder", argSwitches: "bf", flagSwitches: "mv"},
	"MERGEREC":       {reason: "mail-merge record number"},
	"MERGESEQ":       {reason: "mail-merge sequence number"},
	"NEXT":           {reason: "mail-merge record step"},
	"NEXTIF":         {reason: "mail-merge record step"},
	"SKIPIF":         {reason: "mail-merge record step"},
	"ADDRESSBLOCK":   {reason: "mail-merge address placeholder", argSwitches: "cdefl"},
	"GREETINGLINE":   {reason: "mail-merge greeting placeholder", argSwitches: "efl"},
	"BARCODE":        {reason: "postal bar code drawn from text", argSwitches: "bu", flagSwitches: "f"},
	"DISPLAYBARCODE": {reason: "bar code drawn from text", argSwitches: "bcdfhpqrst", flagSwitches: "tx"},
	"MERGEBARCODE":   {reason: "bar code drawn from a merge field", argSwitches: "bcdfhpqrst", flagSwitches: "tx"},
	// Links: kept only for web and mail targets and bookmarks (checkHyperlink).
	"HYPERLINK": {reason: "link to an http, https or mailto address or a bookmark", argSwitches: "lot", flagSwitches: "mnh"},
}

// refusal is why a known type is not on the allow-list, for the report.
type refusal struct {
	class  error
	reason string
}

// refused names the reason for types known to act. Types that are neither allowed nor
// listed here are refused as unknown (ErrType); this table only makes the report precise.
var refused = map[string]refusal{
	"DDE":            {ErrDDE, "exchanges data with another program"},
	"DDEAUTO":        {ErrDDE, "starts another program when the document opens"},
	"INCLUDETEXT":    {ErrExternal, "reads another file"},
	"INCLUDEPICTURE": {ErrExternal, "reads a picture from a path or URL"},
	"INCLUDE":        {ErrExternal, "reads another file"},
	"IMPORT":         {ErrExternal, "reads a picture from a path or URL"},
	"LINK":           {ErrExternal, "links to another file through OLE"},
	"EMBED":          {ErrExternal, "holds an embedded OLE object"},
	"DATABASE":       {ErrExternal, "queries a database"},
	"RD":             {ErrExternal, "reads another file into the index"},
	"AUTOTEXT":       {ErrExternal, "inserts text from a template"},
	"AUTOTEXTLIST":   {ErrExternal, "inserts text from a template"},
	"GLOSSARY":       {ErrExternal, "inserts text from a template"},
	"MACROBUTTON":    {ErrMacro, "runs a macro when clicked"},
	"PRINT":          {ErrExternal, "sends codes to the printer"},
	"ADDIN":          {ErrExternal, "holds data for an add-in"},
	"PRIVATE":        {ErrExternal, "holds data for a converter"},
	"ASK":            {ErrType, "prompts the reader when updated"},
	"FILLIN":         {ErrType, "prompts the reader when updated"},
	"QUOTE":          {ErrType, "builds text that can spell another field"},
	"CONTROL":        {ErrExternal, "an ActiveX control"},
}
