package transfer

import (
	"mime"
	"net/url"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxNameBytes bounds a stored file name (most file systems allow 255 bytes).
const maxNameBytes = 200

// RawName bounds a declared name for the engine, which judges it (double extensions,
// invisible characters, executable extensions): valid UTF-8, at most 1 KiB.
func RawName(name string) string {
	if len(name) > 1024 {
		name = name[:1024]
	}
	return strings.ToValidUTF8(name, "\uFFFD")
}

// reservedName reports whether stem (lower case, before the first dot) is a device name
// that Windows opens instead of a file, whatever the extension.
func reservedName(stem string) bool {
	switch stem {
	case "con", "prn", "aux", "nul", "conin$", "conout$":
		return true
	}
	if len(stem) > 3 && (stem[:3] == "com" || stem[:3] == "lpt") {
		return strings.Contains("123456789¹²³", stem[3:]) && utf8.RuneCountInString(stem[3:]) == 1
	}
	return false
}

// SafeName makes a declared file name safe to store, show and hand to a browser or a
// file system: the last path element only; NFC; no control, format (RLO, zero-width) or
// separator characters; no characters Windows refuses; no leading or trailing dots and
// spaces; not a Windows device name; at most 200 bytes with the extension kept. An empty
// result is "file".
func SafeName(name string) string {
	name = strings.ToValidUTF8(name, "_")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = norm.NFC.String(name)
	var b strings.Builder
	for _, r := range name {
		switch {
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
			continue
		case unicode.Is(unicode.Cf, r), unicode.Is(unicode.Zl, r), unicode.Is(unicode.Zp, r):
			continue
		case strings.ContainsRune(`<>:"|?*`, r):
			b.WriteByte('_')
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	name = strings.Trim(b.String(), " .")
	for strings.Contains(name, "  ") {
		name = strings.ReplaceAll(name, "  ", " ")
	}
	if name == "" {
		return "file"
	}
	stem := strings.ToLower(name)
	if i := strings.IndexByte(stem, '.'); i >= 0 {
		stem = stem[:i]
	}
	if reservedName(strings.TrimRight(stem, " ")) {
		name = "_" + name
	}
	if len(name) > maxNameBytes {
		ext := path.Ext(name)
		if len(ext) > 20 || !utf8.ValidString(ext) {
			ext = ""
		}
		stemPart := name[:len(name)-len(ext)]
		cut := maxNameBytes - len(ext)
		for cut > 0 && !utf8.RuneStart(stemPart[cut]) {
			cut--
		}
		name = strings.TrimRight(stemPart[:cut], " .") + ext
	}
	return name
}

// ContentDisposition is an attachment header for name: an ASCII fallback and the exact
// name in RFC 5987 / RFC 6266 form (filename*=UTF-8”...).
func ContentDisposition(name string) string {
	name = SafeName(name)
	ascii := make([]rune, 0, len(name))
	for _, r := range name {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' {
			r = '_'
		}
		ascii = append(ascii, r)
	}
	return `attachment; filename="` + string(ascii) + `"; filename*=UTF-8''` + url.PathEscape(name)
}

// contentType is the type a download is served as: the output's type when the engine set
// one, else by extension, else octet-stream. Text types get charset=utf-8 (the engine's
// text outputs are UTF-8); active types are never served as such.
func contentType(outType, name string) string {
	t := outType
	if t == "" {
		t = mime.TypeByExtension(path.Ext(name))
	}
	mt, _, err := mime.ParseMediaType(t)
	if err != nil || mt == "" {
		return "application/octet-stream"
	}
	switch {
	case mt == "text/html", mt == "image/svg+xml", strings.Contains(mt, "javascript"), strings.HasSuffix(mt, "+xml"),
		mt == "text/xml", mt == "application/xml", mt == "application/xhtml+xml":
		return "application/octet-stream"
	case strings.HasPrefix(mt, "text/"):
		return mt + "; charset=utf-8"
	}
	return mt
}
