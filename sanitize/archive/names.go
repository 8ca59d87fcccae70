package archive

import (
	"fmt"
	"hash/crc32"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/unicode/norm"
)

// Name limits: a component longer than most file systems accept, or a path longer than
// any extractor handles, is refused rather than truncated (truncation can create a
// different, unexpected name on the recipient's disk).
const (
	maxNameLen      = 1024
	maxComponentLen = 255
)

// decodeName turns the stored bytes of an entry name into text. Names written with the
// UTF-8 flag (zip general-purpose bit 11) must be valid UTF-8. Without the flag, valid
// UTF-8 is taken as UTF-8 (macOS Archive Utility writes it that way), and anything else
// is decoded as CP932, the encoding Japanese Windows uses for zip names, so the names a
// municipality receives stay readable. note says what was done, for the report.
func decodeName(raw string, utf8Flag bool) (name, note, problem string) {
	if utf8.ValidString(raw) {
		return raw, "", ""
	}
	if utf8Flag {
		return "", "", "name flagged UTF-8 is not valid UTF-8"
	}
	s, err := japanese.ShiftJIS.NewDecoder().String(raw)
	if err != nil || !utf8.ValidString(s) {
		return "", "", "name is neither UTF-8 nor CP932"
	}
	note = "entry name decoded from CP932"
	if strings.ContainsRune(s, utf8.RuneError) {
		note += " (undecodable bytes replaced)"
	}
	return s, note, ""
}

// unicodePathName returns the UTF-8 name of an Info-ZIP Unicode Path extra field (0x7075)
// when it is well-formed and still describes raw (its CRC-32 matches), else "". 7-Zip and
// Info-ZIP write it next to a legacy-encoded name.
func unicodePathName(extra []byte, raw string) string {
	for len(extra) >= 4 {
		tag := uint16(extra[0]) | uint16(extra[1])<<8
		size := int(uint16(extra[2]) | uint16(extra[3])<<8)
		extra = extra[4:]
		if size > len(extra) {
			return ""
		}
		field := extra[:size]
		extra = extra[size:]
		if tag != 0x7075 || len(field) < 5 || field[0] != 1 {
			continue
		}
		sum := uint32(field[1]) | uint32(field[2])<<8 | uint32(field[3])<<16 | uint32(field[4])<<24
		name := string(field[5:])
		if sum != crc32.ChecksumIEEE([]byte(raw)) || !utf8.ValidString(name) || name == "" {
			return ""
		}
		return name
	}
	return ""
}

// cleanName checks a decoded entry name and returns it in canonical form ("a/b/c", a
// trailing slash only for directories), or a problem that makes the entry unsafe to
// deliver. It refuses rather than repairs anything an extractor could resolve outside
// the extraction directory or onto a device: absolute paths, "..", drive letters and
// other colons (NTFS streams), backslashes (a separator on Windows), control and
// invisible format characters (RLO spoofing), Windows device names, and components that
// Windows silently trims (trailing dots and spaces). filepath.IsLocal is the final gate.
// The other characters Windows cannot put in a name (< > " | ? *) become "_", as 7-Zip
// and Explorer write them when extracting: kept, they let names spell markup or PDF
// dictionaries where sniffers and readers look (a tar's first bytes are its first name;
// a zip's first name sits 30 bytes in, inside the 1 KiB where Acrobat seeks "%PDF-").
func cleanName(name string) (clean string, problem string) {
	if name == "" {
		return "", "empty name"
	}
	if len(name) > maxNameLen {
		return "", "name too long"
	}
	for _, r := range name {
		switch {
		case r == 0:
			return "", "NUL character in name"
		case r == utf8.RuneError:
			// Replacement characters from a CP932 decode are readable enough; but a
			// raw U+FFFD cannot be told apart, and both are harmless on disk.
		case unicode.IsControl(r):
			return "", "control character in name"
		case unicode.Is(unicode.Cf, r):
			return "", "invisible format character in name"
		case r == '\\':
			return "", "backslash in name"
		case r == ':':
			return "", "drive letter or colon in name"
		}
	}
	if strings.HasPrefix(name, "/") {
		return "", "absolute path"
	}
	dir := strings.HasSuffix(name, "/")
	var parts []string
	for _, c := range strings.Split(strings.TrimSuffix(name, "/"), "/") {
		switch c {
		case "", ".":
			continue // "a//b" and "a/./b" mean "a/b"
		case "..":
			return "", "path traversal (..)"
		}
		if len(c) > maxComponentLen {
			return "", "name component too long"
		}
		if strings.HasSuffix(c, ".") || strings.HasSuffix(c, " ") {
			return "", "name component ends with a dot or space"
		}
		if d := deviceName(c); d != "" {
			return "", "reserved device name " + d
		}
		parts = append(parts, c)
	}
	if len(parts) == 0 {
		return "", "empty name"
	}
	clean = windowsReserved.Replace(strings.Join(parts, "/"))
	if !filepath.IsLocal(clean) {
		return "", "name is not a local path"
	}
	if dir {
		clean += "/"
	}
	return clean, ""
}

// windowsReserved replaces the characters Windows refuses in file names and that do not
// already refuse an entry (":" and "\\" do).
var windowsReserved = strings.NewReplacer("<", "_", ">", "_", `"`, "_", "|", "_", "?", "_", "*", "_")

// windowsDevices are the names Windows maps to devices in every directory, with any
// extension ("CON.txt" is the console). The superscript digits are devices too.
var windowsDevices = map[string]bool{
	"CON": true, "PRN": true, "AUX": true, "NUL": true, "CONIN$": true, "CONOUT$": true, "CLOCK$": true,
	"COM0": true, "COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true, "COM6": true,
	"COM7": true, "COM8": true, "COM9": true, "COM¹": true, "COM²": true, "COM³": true,
	"LPT0": true, "LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true, "LPT6": true,
	"LPT7": true, "LPT8": true, "LPT9": true, "LPT¹": true, "LPT²": true, "LPT³": true,
}

// deviceName returns the device a path component names on Windows, or "".
func deviceName(c string) string {
	stem := c
	if i := strings.IndexByte(stem, '.'); i >= 0 {
		stem = stem[:i]
	}
	stem = strings.ToUpper(strings.TrimRight(stem, " "))
	if windowsDevices[stem] {
		return stem
	}
	return ""
}

// nameKey is the identity of a name on the recipient's disk: Windows and macOS compare
// case-insensitively, and macOS stores NFD where Windows keeps NFC.
func nameKey(name string) string {
	return strings.ToLower(norm.NFC.String(strings.TrimSuffix(name, "/")))
}

// nameSet tracks which names the rebuilt archive already holds, so that a later entry can
// neither duplicate an earlier one nor turn a file into a directory (or back).
type nameSet struct {
	files    map[string]string // key -> name as written
	dirs     map[string]bool   // keys of explicit and implied directories
	explicit map[string]string // directories that had their own entry
}

func newNameSet() *nameSet {
	return &nameSet{files: map[string]string{}, dirs: map[string]bool{}, explicit: map[string]string{}}
}

// conflict reports why name cannot be added, or "".
func (s *nameSet) conflict(name string, dir bool) string {
	k := nameKey(name)
	if prev, ok := s.files[k]; ok {
		return "duplicate of " + prev
	}
	if !dir && s.dirs[k] {
		return "a directory has the same name"
	}
	if prev, ok := s.explicit[k]; ok && dir {
		return "duplicate of " + prev
	}
	for p := path.Dir(k); p != "." && p != "/"; p = path.Dir(p) {
		if prev, ok := s.files[p]; ok {
			return "its directory is the file " + prev
		}
	}
	return ""
}

// add records name (after conflict returned "").
func (s *nameSet) add(name string, dir bool) {
	k := nameKey(name)
	if dir {
		s.dirs[k] = true
		s.explicit[k] = name
	} else {
		s.files[k] = strings.TrimSuffix(name, "/")
	}
	for p := path.Dir(k); p != "." && p != "/"; p = path.Dir(p) {
		s.dirs[p] = true
	}
}

// free returns name, or the first "stem (n).ext" variant not yet taken, for an output
// whose name changed (a.docm -> a.docx) onto an existing entry.
func (s *nameSet) free(name string) string {
	if s.conflict(name, false) == "" {
		return name
	}
	ext := path.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for i := 2; i < 1000; i++ {
		c := stem + " (" + strconv.Itoa(i) + ")" + ext
		if s.conflict(c, false) == "" {
			return c
		}
	}
	return ""
}

// displayName makes an untrusted name safe to put in a report, a log line or a mail
// header: control and format characters become \u escapes, invalid bytes \x escapes.
func displayName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}
