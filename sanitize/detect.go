package sanitize

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"io"
	"strings"

	"github.com/gabriel-vasile/mimetype"
)

// Class groups types that one family handles and that the policy can address together.
type Class string

const (
	ClassPDF        Class = "pdf"
	ClassImage      Class = "image"
	ClassSVG        Class = "svg"
	ClassText       Class = "text" // plain text, CSV, TSV, HTML, XML, JSON, calendars
	ClassRTF        Class = "rtf"
	ClassOOXML      Class = "ooxml"
	ClassODF        Class = "odf"
	ClassOLE        Class = "ole" // legacy Office and other compound files
	ClassArchive    Class = "archive"
	ClassMessage    Class = "message"
	ClassExecutable Class = "executable"
	ClassScript     Class = "script"
	ClassMedia      Class = "media" // audio, video, fonts: nothing we can rebuild
	ClassUnknown    Class = "unknown"
)

// Type is what the content says an item is. Name is the policy key for the specific type
// (docm, png, csv); Class is the family's key.
type Type struct {
	Name  string `json:"name"`
	Class Class  `json:"class"`
	MIME  string `json:"mime"`
	Ext   string `json:"ext,omitempty"` // canonical extension with the dot
}

// Unknown is the type of anything Detect cannot positively identify.
var Unknown = Type{Name: "unknown", Class: ClassUnknown, MIME: "application/octet-stream"}

type typeEntry struct {
	name  string
	class Class
	ext   string
}

// mimeTable maps mimetype's canonical MIME strings to our types. Anything absent is
// Unknown and quarantined by default: the table is an allowlist of understanding.
var mimeTable = map[string]typeEntry{
	"application/pdf": {"pdf", ClassPDF, ".pdf"},

	"image/png":  {"png", ClassImage, ".png"},
	"image/apng": {"png", ClassImage, ".png"},
	"image/jpeg": {"jpeg", ClassImage, ".jpg"},
	"image/gif":  {"gif", ClassImage, ".gif"},
	"image/webp": {"webp", ClassImage, ".webp"},
	"image/bmp":  {"bmp", ClassImage, ".bmp"},
	"image/tiff": {"tiff", ClassImage, ".tiff"},
	// HEIC/HEIF (iPhone photos) and AVIF (the same container around AV1): no Go
	// decoder; converted by libheif in the render sandbox, or held with a reason that says
	// what to ask for.
	"image/avif":          {"avif", ClassImage, ".avif"},
	"image/heic":          {"heic", ClassImage, ".heic"},
	"image/heic-sequence": {"heic", ClassImage, ".heic"},
	"image/heif":          {"heic", ClassImage, ".heif"},
	"image/heif-sequence": {"heic", ClassImage, ".heif"},

	"image/svg+xml": {"svg", ClassSVG, ".svg"},

	"text/plain":                {"text", ClassText, ".txt"},
	"text/csv":                  {"csv", ClassText, ".csv"},
	"text/tab-separated-values": {"tsv", ClassText, ".tsv"},
	"text/html":                 {"html", ClassText, ".html"},
	"application/xhtml+xml":     {"html", ClassText, ".html"},
	"text/xml":                  {"xml", ClassText, ".xml"},
	"application/json":          {"json", ClassText, ".json"},
	"application/x-ndjson":      {"json", ClassText, ".json"},
	"text/calendar":             {"calendar", ClassText, ".ics"},
	"text/vcard":                {"vcard", ClassText, ".vcf"},
	"application/x-subrip":      {"text", ClassText, ".srt"},
	"text/vtt":                  {"text", ClassText, ".vtt"},
	"text/rtf":                  {"rtf", ClassRTF, ".rtf"},

	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   {"docx", ClassOOXML, ".docx"},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         {"xlsx", ClassOOXML, ".xlsx"},
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": {"pptx", ClassOOXML, ".pptx"},

	"application/vnd.oasis.opendocument.text":                  {"odt", ClassODF, ".odt"},
	"application/vnd.oasis.opendocument.text-template":         {"odt", ClassODF, ".ott"},
	"application/vnd.oasis.opendocument.spreadsheet":           {"ods", ClassODF, ".ods"},
	"application/vnd.oasis.opendocument.spreadsheet-template":  {"ods", ClassODF, ".ots"},
	"application/vnd.oasis.opendocument.presentation":          {"odp", ClassODF, ".odp"},
	"application/vnd.oasis.opendocument.presentation-template": {"odp", ClassODF, ".otp"},
	"application/vnd.oasis.opendocument.graphics":              {"odg", ClassODF, ".odg"},

	"application/x-ole-storage":     {"ole", ClassOLE, ""},
	"application/msword":            {"doc", ClassOLE, ".doc"},
	"application/vnd.ms-excel":      {"xls", ClassOLE, ".xls"},
	"application/vnd.ms-powerpoint": {"ppt", ClassOLE, ".ppt"},
	"application/vnd.ms-outlook":    {"msg", ClassOLE, ".msg"},
	"application/vnd.ms-publisher":  {"pub", ClassOLE, ".pub"},

	"application/zip":                   {"zip", ClassArchive, ".zip"},
	"application/gzip":                  {"gzip", ClassArchive, ".gz"},
	"application/x-tar":                 {"tar", ClassArchive, ".tar"},
	"application/x-7z-compressed":       {"7z", ClassArchive, ".7z"},
	"application/vnd.rar":               {"rar", ClassArchive, ".rar"},
	"application/x-bzip2":               {"bzip2", ClassArchive, ".bz2"},
	"application/x-xz":                  {"xz", ClassArchive, ".xz"},
	"application/zstd":                  {"zstd", ClassArchive, ".zst"},
	"application/lzip":                  {"lzip", ClassArchive, ".lz"},
	"application/vnd.ms-cab-compressed": {"cab", ClassArchive, ".cab"},
	"application/x-installshield":       {"cab", ClassArchive, ".cab"},
	"application/x-cpio":                {"cpio", ClassArchive, ".cpio"},
	"application/x-xar":                 {"xar", ClassArchive, ".xar"},
	"application/x-archive":             {"ar", ClassArchive, ".a"},
	"application/zlib":                  {"zlib", ClassArchive, ""},
	"application/epub+zip":              {"epub", ClassArchive, ".epub"},

	"message/rfc822": {"eml", ClassMessage, ".eml"},

	"application/vnd.microsoft.portable-executable": {"exe", ClassExecutable, ".exe"},
	"application/x-elf":                             {"elf", ClassExecutable, ""},
	"application/x-object":                          {"elf", ClassExecutable, ".o"},
	"application/x-executable":                      {"elf", ClassExecutable, ""},
	"application/x-sharedlib":                       {"elf", ClassExecutable, ".so"},
	"application/x-coredump":                        {"elf", ClassExecutable, ""},
	"application/x-mach-binary":                     {"macho", ClassExecutable, ""},
	"application/x-ms-installer":                    {"msi", ClassExecutable, ".msi"},
	"application/x-java-applet":                     {"class", ClassExecutable, ".class"},
	"application/java-archive":                      {"jar", ClassExecutable, ".jar"},
	"application/vnd.android.package-archive":       {"apk", ClassExecutable, ".apk"},
	"application/x-chrome-extension":                {"crx", ClassExecutable, ".crx"},
	"application/wasm":                              {"wasm", ClassExecutable, ".wasm"},
	"application/x-shockwave-flash":                 {"swf", ClassExecutable, ".swf"},
	"application/x-ms-shortcut":                     {"lnk", ClassExecutable, ".lnk"},
	"application/vnd.debian.binary-package":         {"deb", ClassExecutable, ".deb"},
	"application/x-rpm":                             {"rpm", ClassExecutable, ".rpm"},
	"application/vnd.ms-htmlhelp":                   {"chm", ClassExecutable, ".chm"},
	"application/x-bytecode.python":                 {"pyc", ClassExecutable, ".pyc"},
	"application/onenote":                           {"one", ClassExecutable, ".one"},
	"application/x-msaccess":                        {"mdb", ClassExecutable, ".mdb"},

	"text/x-shellscript":     {"script", ClassScript, ".sh"},
	"text/javascript":        {"script", ClassScript, ".js"},
	"text/x-php":             {"script", ClassScript, ".php"},
	"text/x-python":          {"script", ClassScript, ".py"},
	"text/x-perl":            {"script", ClassScript, ".pl"},
	"text/x-ruby":            {"script", ClassScript, ".rb"},
	"text/x-lua":             {"script", ClassScript, ".lua"},
	"text/x-tcl":             {"script", ClassScript, ".tcl"},
	"application/postscript": {"postscript", ClassScript, ".ps"},
}

// sniffLen is how much of the head Detect reads. mimetype's own read limit is 3 KiB, and
// it is a process-wide setting we leave alone; OOXML and ODF are refined from the zip
// directory instead of from a longer head.
const sniffLen = 3072

// Detect identifies an item by its content alone. It never fails: what it cannot identify
// is Unknown.
func Detect(b Blob) Type {
	n := b.Size()
	if n == 0 {
		return Type{Name: "empty", Class: ClassUnknown, MIME: "application/x-empty"}
	}
	head := make([]byte, min(n, sniffLen))
	if _, err := b.ReadAt(head, 0); err != nil && err != io.EOF {
		return Unknown
	}
	if ichitaroByContent(head) {
		return ichitaroType
	}
	m := mimetype.Detect(head)
	mt := m.String()
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = strings.TrimSpace(mt[:i])
	}
	if mt == "application/octet-stream" && bytes.HasPrefix(head, []byte(`{\rtf`)) {
		// mimetype files RTF under text, and a NUL (some producers pad RTF with one) or a
		// \binN payload in the head makes it binary; Word and LibreOffice still open it as
		// RTF, and the RTF family reads both.
		mt = "text/rtf"
	}
	e, ok := mimeTable[mt]
	if !ok {
		// A subtype of XML, JSON or text we do not list (RSS, KML, GPX...) is still text.
		for p := m.Parent(); p != nil; p = p.Parent() {
			s := p.String()
			if i := strings.IndexByte(s, ';'); i >= 0 {
				s = s[:i]
			}
			if s == "text/xml" || s == "application/json" {
				return Type{Name: mimeTable[s].name, Class: ClassText, MIME: mt, Ext: mimeTable[s].ext}
			}
		}
		if strings.HasPrefix(mt, "audio/") || strings.HasPrefix(mt, "video/") || strings.HasPrefix(mt, "font/") {
			return Type{Name: "media", Class: ClassMedia, MIME: mt, Ext: m.Extension()}
		}
		if t, ok := detectUTF16(b, head); ok {
			return t
		}
		if zipAfterPrefix(b) {
			// A zip behind a prefix of unknown bytes (a header some tool put in front,
			// which zip readers skip using the end-of-central-directory record): an
			// archive, rebuilt without the prefix. An executable prefix (a
			// self-extractor) was already named by mimetype and stays an executable.
			return refineZip(b, Type{Name: "zip", Class: ClassArchive, MIME: "application/zip", Ext: ".zip"})
		}
		return Type{Name: Unknown.Name, Class: ClassUnknown, MIME: mt, Ext: m.Extension()}
	}
	t := Type{Name: e.name, Class: e.class, MIME: mt, Ext: e.ext}
	if t.Name == "zip" || t.Class == ClassOOXML || t.Class == ClassODF || t.Name == "jar" {
		// Re-derive every zip-based type from the central directory: mimetype only sees the
		// first 3 KiB, reports docm as docx and misses an OOXML whose first entry is large.
		t = refineZip(b, t)
	}
	if t.Name == "ole" {
		t = refineOLE(b, t)
	}
	if lo, ok := utf16BOM(head); ok && t.Name == "text" {
		// mimetype names UTF-16 behind a byte order mark text/plain, whatever it holds: it is
		// named by its decoded start, as without the mark (a page is HTML, not text that
		// comes out as the page in UTF-8).
		if u, ok := classifyUTF16(b, head, utf16Decode(head[2:], lo)); ok {
			return u
		}
	}
	if t.Class == ClassText && looksLikeMSOXML(head) {
		// Word and Excel open Office 2003 XML and run its DDE fields: never plain text.
		t = Type{Name: "msoxml", Class: ClassOOXML, MIME: "application/xml", Ext: ".xml"}
	}
	if t.Class == ClassText && bytes.HasPrefix(head, []byte("ID;")) {
		t = Type{Name: "sylk", Class: ClassOOXML, MIME: "application/x-sylk", Ext: ".slk"}
	}
	if t.Class == ClassText || t.Class == ClassUnknown {
		t = sniffRunnable(b, head, t)
	}
	return t
}

// zipAfterPrefix reports whether b ends with a zip end-of-central-directory record whose
// central directory starts with its signature where the record says (counted back from
// the record, so a prefix of any length is allowed).
func zipAfterPrefix(b Blob) bool {
	n := b.Size()
	tail := make([]byte, min(n, 22+65535))
	if _, err := b.ReadAt(tail, n-int64(len(tail))); err != nil && err != io.EOF {
		return false
	}
	i := bytes.LastIndex(tail, []byte("PK\x05\x06"))
	if i < 0 || len(tail)-i < 22 {
		return false
	}
	cdSize := int64(binary.LittleEndian.Uint32(tail[i+12:]))
	eocd := n - int64(len(tail)) + int64(i)
	start := eocd - cdSize
	if cdSize == 0 || start < 0 {
		return false
	}
	sig := make([]byte, 4)
	if _, err := b.ReadAt(sig, start); err != nil {
		return false
	}
	return string(sig) == "PK\x01\x02"
}

func looksLikeMSOXML(head []byte) bool {
	return bytes.Contains(head, []byte("<?mso-application")) || wordMLRoot(head)
}

// wordMLRoot reports whether the first element of head is Word 2003 XML's root,
// {http://schemas.microsoft.com/office/word/2003/wordml}wordDocument, which Word opens as a
// document with or without the mso-application instruction.
func wordMLRoot(head []byte) bool {
	if !bytes.Contains(head, []byte("wordDocument")) {
		return false
	}
	d := xml.NewDecoder(bytes.NewReader(head))
	d.Strict = false
	for range 64 {
		t, err := d.Token()
		if err != nil {
			return false
		}
		if se, ok := t.(xml.StartElement); ok {
			return se.Name.Space == "http://schemas.microsoft.com/office/word/2003/wordml" && se.Name.Local == "wordDocument"
		}
	}
	return false
}

// ooxmlMain maps the content type of an OOXML package's main part to our type.
var ooxmlMain = map[string]typeEntry{
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml":   {"docx", ClassOOXML, ".docx"},
	"application/vnd.ms-word.document.macroEnabled.main+xml":                             {"docm", ClassOOXML, ".docm"},
	"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml":   {"dotx", ClassOOXML, ".dotx"},
	"application/vnd.ms-word.template.macroEnabledTemplate.main+xml":                     {"dotm", ClassOOXML, ".dotm"},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml":         {"xlsx", ClassOOXML, ".xlsx"},
	"application/vnd.ms-excel.sheet.macroEnabled.main+xml":                               {"xlsm", ClassOOXML, ".xlsm"},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml":      {"xltx", ClassOOXML, ".xltx"},
	"application/vnd.ms-excel.template.macroEnabled.main+xml":                            {"xltm", ClassOOXML, ".xltm"},
	"application/vnd.ms-excel.sheet.binary.macroEnabled.main":                            {"xlsb", ClassOOXML, ".xlsb"},
	"application/vnd.ms-excel.addin.macroEnabled.main+xml":                               {"xlam", ClassOOXML, ".xlam"},
	"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": {"pptx", ClassOOXML, ".pptx"},
	"application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml":                   {"pptm", ClassOOXML, ".pptm"},
	"application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml":    {"ppsx", ClassOOXML, ".ppsx"},
	"application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml":                      {"ppsm", ClassOOXML, ".ppsm"},
	"application/vnd.openxmlformats-officedocument.presentationml.template.main+xml":     {"potx", ClassOOXML, ".potx"},
	"application/vnd.ms-powerpoint.template.macroEnabled.main+xml":                       {"potm", ClassOOXML, ".potm"},
	"application/vnd.ms-powerpoint.addin.macroEnabled.main+xml":                          {"ppam", ClassOOXML, ".ppam"},
}

// ooxmlMIME is the package MIME type for each OOXML type name.
var ooxmlMIME = map[string]string{
	"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"docm": "application/vnd.ms-word.document.macroEnabled.12",
	"dotx": "application/vnd.openxmlformats-officedocument.wordprocessingml.template",
	"dotm": "application/vnd.ms-word.template.macroEnabled.12",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
	"xltx": "application/vnd.openxmlformats-officedocument.spreadsheetml.template",
	"xltm": "application/vnd.ms-excel.template.macroEnabled.12",
	"xlsb": "application/vnd.ms-excel.sheet.binary.macroEnabled.12",
	"xlam": "application/vnd.ms-excel.addin.macroEnabled.12",
	"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	"pptm": "application/vnd.ms-powerpoint.presentation.macroEnabled.12",
	"ppsx": "application/vnd.openxmlformats-officedocument.presentationml.slideshow",
	"ppsm": "application/vnd.ms-powerpoint.slideshow.macroEnabled.12",
	"potx": "application/vnd.openxmlformats-officedocument.presentationml.template",
	"potm": "application/vnd.ms-powerpoint.template.macroEnabled.12",
	"ppam": "application/vnd.ms-powerpoint.addin.macroEnabled.12",
}

// OOXMLMIME returns the package MIME type of an OOXML type name (docx, xlsm, ...).
func OOXMLMIME(name string) string { return ooxmlMIME[name] }

// maxDetectEntries bounds the central-directory scan during detection; the archive family
// enforces limits.max_entries itself.
const maxDetectEntries = 100000

func refineZip(b Blob, t Type) Type {
	zr, err := zip.NewReader(b, b.Size())
	if err != nil {
		// A zip we cannot open is still a zip; the archive family reports why.
		return Type{Name: "zip", Class: ClassArchive, MIME: "application/zip", Ext: ".zip"}
	}
	if len(zr.File) > maxDetectEntries {
		return Type{Name: "zip", Class: ClassArchive, MIME: "application/zip", Ext: ".zip"}
	}
	var ct, mimetypeEntry *zip.File
	jar := false
	for _, f := range zr.File {
		switch {
		case f.Name == "[Content_Types].xml":
			ct = f
		case f.Name == "mimetype":
			mimetypeEntry = f
		case f.Name == "META-INF/MANIFEST.MF", strings.HasSuffix(f.Name, ".class"):
			jar = true
		}
	}
	switch {
	case ct != nil:
		if main := ooxmlMainType(ct); main != "" {
			if e, ok := ooxmlMain[main]; ok {
				return Type{Name: e.name, Class: e.class, MIME: ooxmlMIME[e.name], Ext: e.ext}
			}
		}
		// An OPC package with a main part we do not know (vsdx, xps, ...) is not something
		// the OOXML family can vouch for.
		return Type{Name: "opc", Class: ClassOOXML, MIME: "application/vnd.openxmlformats-package", Ext: ""}
	case mimetypeEntry != nil && t.Class == ClassODF:
		return t
	case mimetypeEntry != nil:
		if mt := readSmall(mimetypeEntry, 256); strings.HasPrefix(mt, "application/vnd.oasis.opendocument.") {
			if e, ok := mimeTable[mt]; ok {
				return Type{Name: e.name, Class: e.class, MIME: mt, Ext: e.ext}
			}
			return Type{Name: "odf", Class: ClassODF, MIME: mt}
		} else if mt == "application/epub+zip" {
			// An e-book whose mimetype entry is not where mimetype looks for it (an extra
			// field, compressed): still a book.
			return Type{Name: "epub", Class: ClassArchive, MIME: mt, Ext: ".epub"}
		}
	case jar:
		return Type{Name: "jar", Class: ClassExecutable, MIME: "application/java-archive", Ext: ".jar"}
	}
	if t.Class == ClassOOXML || t.Class == ClassODF {
		return t
	}
	return Type{Name: "zip", Class: ClassArchive, MIME: "application/zip", Ext: ".zip"}
}

func readSmall(f *zip.File, max int64) string {
	if f.UncompressedSize64 > uint64(max) {
		return ""
	}
	rc, err := f.Open()
	if err != nil {
		return ""
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, max))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(data))
}

// eicar is the anti-virus test file: a runnable DOS program written in printable ASCII.
// Gateways are tested with it under any name, and it must never pass as text.
const eicar = `X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*`

// scriptWindow is how much of a text item sniffRunnable reads: past mimetype's 3 KiB, so
// that a page of comments does not hide the script after it.
const scriptWindow = 64 << 10

// scriptMarkers are phrases that only a Windows script, HTA or PowerShell command carries
// (matched case-insensitively). A script without its #! line sniffs as plain text; named
// .txt it is inert, but renamed by the recipient, or opened from an archive by a tool that
// trusts content, it runs, and it is never what a gateway should hand over as a document.
var scriptMarkers = [][]byte{
	[]byte("<hta:application"),
	[]byte("wscript.shell"), []byte("wscript.createobject"), []byte("shell.application"),
	[]byte("scripting.filesystemobject"), []byte("new activexobject("), []byte("msxml2.xmlhttp"),
	[]byte("adodb.stream"), []byte("winmgmts:"),
	[]byte("invoke-expression"), []byte("downloadstring("), []byte("downloadfile("), []byte("net.webclient"),
	[]byte("frombase64string("), []byte("invoke-webrequest"), []byte("-encodedcommand"),
	[]byte("set-executionpolicy"), []byte("system.reflection.assembly]::load"),
}

// batchStart are first lines that make a text a batch or PowerShell script.
var batchStart = [][]byte{[]byte("@echo off"), []byte("@echo on"), []byte("@setlocal"), []byte("#requires -")}

// lowerASCII lowers b for finding the ASCII markers above: ASCII letters are lowered, other
// bytes kept. That finds what bytes.ToLower's output finds, because the only characters
// that lower to ASCII are the Kelvin sign and the capital I with a dot (bytes.ToLower is
// used when either occurs); bytes.ToLower decodes every character of a Japanese text
// instead, a visible share of detecting a mail body.
func lowerASCII(b []byte) []byte {
	if bytes.Contains(b, []byte("\u212a")) || bytes.Contains(b, []byte("\u0130")) {
		return bytes.ToLower(b)
	}
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// sniffRunnable reclassifies text that is really a program: the EICAR file as an
// executable, and Windows scripts, HTAs and PowerShell without a #! line as scripts.
func sniffRunnable(b Blob, head []byte, t Type) Type {
	if bytes.HasPrefix(head, []byte(eicar)) {
		return Type{Name: "com", Class: ClassExecutable, MIME: "application/x-dosexec", Ext: ".com"}
	}
	if t.Class != ClassText || t.Name == "csv" || t.Name == "tsv" {
		return t
	}
	win := head
	if b.Size() > int64(len(head)) {
		win = make([]byte, min(b.Size(), scriptWindow))
		n, _ := b.ReadAt(win, 0)
		win = win[:n]
	}
	// The markers are ASCII: in UTF-16 the low bytes suffice.
	win = asciiView(win)
	low := lowerASCII(win)
	first := bytes.TrimLeft(bytes.TrimPrefix(low, []byte("\xef\xbb\xbf")), " \t\r\n")
	for _, m := range batchStart {
		if bytes.HasPrefix(first, m) {
			return Type{Name: "script", Class: ClassScript, MIME: "text/x-script", Ext: ".bat"}
		}
	}
	for _, m := range scriptMarkers {
		if bytes.Contains(low, m) {
			return Type{Name: "script", Class: ClassScript, MIME: "text/x-script"}
		}
	}
	return t
}
