package sanitize

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// PolicyAction is what the policy does with one detected type.
type PolicyAction string

const (
	Pass       PolicyAction = "pass"       // copy unchanged; only for types inert as they are
	Sanitize   PolicyAction = "sanitize"   // structural CDR by the type's family
	Render     PolicyAction = "render"     // rasterize (stricter; needs a renderer)
	Convert    PolicyAction = "convert"    // rebuild a legacy format as its modern one, then sanitize that
	Strip      PolicyAction = "strip"      // remove, tell the recipient
	Quarantine PolicyAction = "quarantine" // remove, keep the original for review
	Block      PolicyAction = "block"      // refuse outright
)

// PolicyActions lists the valid actions, for configuration errors.
var PolicyActions = []PolicyAction{Pass, Sanitize, Convert, Render, Strip, Quarantine, Block}

// ParsePolicyAction validates a configured action.
func ParsePolicyAction(s string) (PolicyAction, error) {
	for _, a := range PolicyActions {
		if string(a) == s {
			return a, nil
		}
	}
	return "", fmt.Errorf("unknown action %q (allowed: pass, sanitize, convert, render, strip, quarantine, block)", s)
}

// Policy maps a type name (docm), else its class (ooxml), to an action. Types without an
// entry for either are quarantined: the fail-closed default.
type Policy map[string]PolicyAction

// DefaultPolicy is the safe table: structural CDR where a family exists, quarantine for what
// cannot be made safe, block for executables and scripts.
func DefaultPolicy() Policy {
	return Policy{
		string(ClassPDF):   Sanitize,
		string(ClassImage): Sanitize,
		string(ClassSVG):   Quarantine,
		string(ClassText):  Sanitize,
		string(ClassRTF):   Sanitize,
		string(ClassOOXML): Sanitize,
		"xlsb":             Quarantine,
		"opc":              Quarantine,
		string(ClassODF):   Sanitize,
		string(ClassOLE):   Sanitize, // the ole family inspects, then refuses with a precise reason
		// Legacy Office documents go out editable: LibreOffice rebuilds them as OOXML in a
		// sandbox and the OOXML family sanitizes that. Without a converter the engine falls
		// back to the ole family's reason and says what to install.
		"doc":                Convert,
		"xls":                Convert,
		"ppt":                Convert,
		string(ClassArchive): Sanitize,
		"7z":                 Quarantine,
		"rar":                Quarantine,
		"cab":                Quarantine,
		"xar":                Quarantine,
		"ar":                 Quarantine,
		"cpio":               Quarantine,
		"lzip":               Quarantine,
		"zlib":               Quarantine,
		// HEIC photos and AVIF images are decoded by libheif in the render sandbox and
		// delivered as a JPEG; without heif-convert they are held with a reason asking for one.
		"heic":                  Convert,
		"avif":                  Convert,
		string(ClassMessage):    Sanitize,
		string(ClassExecutable): Block,
		string(ClassScript):     Block,
		string(ClassMedia):      Quarantine,
		string(ClassUnknown):    Quarantine,
		// Zero bytes carry nothing: an empty attachment is delivered as an empty file with
		// its name (policy {empty: quarantine} holds them instead).
		"empty": Pass,
	}
}

// Lookup returns the action for t.
func (p Policy) Lookup(t Type) PolicyAction {
	if a, ok := p[t.Name]; ok {
		return a
	}
	if a, ok := p[string(t.Class)]; ok {
		return a
	}
	return Quarantine
}

// With returns a copy of p with overrides applied.
func (p Policy) With(overrides map[string]PolicyAction) Policy {
	out := make(Policy, len(p)+len(overrides))
	for k, v := range p {
		out[k] = v
	}
	for k, v := range overrides {
		out[k] = v
	}
	return out
}

// PolicyKeys lists every key a policy may name: classes and type names.
func PolicyKeys() []string {
	seen := map[string]bool{}
	for _, c := range []Class{ClassPDF, ClassImage, ClassSVG, ClassText, ClassRTF, ClassOOXML, ClassODF,
		ClassOLE, ClassArchive, ClassMessage, ClassExecutable, ClassScript, ClassMedia, ClassUnknown} {
		seen[string(c)] = true
	}
	for _, e := range mimeTable {
		seen[e.name] = true
	}
	for _, e := range ooxmlMain {
		seen[e.name] = true
	}
	for _, k := range []string{"opc", "msoxml", "sylk", "odf", "media", "empty", "ichitaro"} {
		seen[k] = true
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// IsPolicyKey reports whether k names a class or type.
func IsPolicyKey(k string) bool {
	for _, x := range PolicyKeys() {
		if x == k {
			return true
		}
	}
	return false
}

// blockedExt are extensions Windows (or a browser) would run, open as a container of
// runnable content, or resolve to another target. A declared name with one of them is
// blocked whatever the bytes look like: the EICAR file is plain ASCII named .com.
var blockedExt = map[string]bool{
	".exe": true, ".com": true, ".scr": true, ".pif": true, ".cpl": true, ".dll": true, ".sys": true,
	".js": true, ".jse": true, ".vbs": true, ".vbe": true, ".wsf": true, ".wsh": true, ".wsc": true,
	".bat": true, ".cmd": true, ".ps1": true, ".psm1": true, ".psd1": true, ".ps1xml": true,
	".hta": true, ".lnk": true, ".url": true, ".msi": true, ".msp": true, ".mst": true, ".msc": true,
	".jar": true, ".jnlp": true, ".iso": true, ".img": true, ".vhd": true, ".vhdx": true,
	".reg": true, ".inf": true, ".scf": true, ".chm": true, ".hlp": true, ".gadget": true,
	".application": true, ".appref-ms": true, ".appx": true, ".msix": true, ".appinstaller": true,
	".library-ms": true, ".search-ms": true, ".settingcontent-ms": true, ".xll": true, ".xlam": true,
	".ppam": true, ".sct": true, ".shb": true, ".shs": true, ".ws": true, ".diagcab": true,
	".sh": true, ".py": true, ".pl": true, ".rb": true, ".php": true, ".apk": true, ".app": true,
	".dmg": true, ".pkg": true, ".deb": true, ".rpm": true, ".elf": true, ".bin": true, ".run": true,
	".desktop": true, ".command": true,
	// OneNote and Access open embedded or stored code; Excel web and data queries fetch and
	// import; the shell runs or opens the target of the rest.
	".one": true, ".onepkg": true, ".mdb": true, ".mde": true, ".accde": true, ".ade": true, ".adp": true,
	".iqy": true, ".oqy": true, ".rqy": true, ".dqy": true, ".udl": true, ".rdp": true, ".ica": true,
	".xla": true, ".wll": true, ".ocx": true, ".vb": true, ".vbscript": true, ".jsx": true, ".htc": true,
	".website": true, ".wiz": true, ".xbap": true, ".vsto": true, ".msh": true, ".msh1": true, ".msh2": true,
	".mshxml": true, ".msh1xml": true, ".msh2xml": true, ".ps2": true, ".ps2xml": true, ".psc1": true,
	".psc2": true, ".cdxml": true, ".pyw": true, ".pyc": true, ".pyo": true, ".pyz": true, ".pyzw": true,
	".ksh": true, ".csh": true, ".bash": true, ".zsh": true, ".class": true,
	".grp": true, ".hpj": true, ".ins": true, ".isp": true, ".its": true, ".job": true, ".mcf": true,
	".prg": true, ".theme": true, ".themepack": true, ".deskthemepack": true,
	".searchconnector-ms": true, ".search-connector-ms": true, ".appcontent-ms": true, ".mof": true, ".wcx": true, ".xnk": true,
	".vhdpmem": true, ".wim": true, ".swm": true, ".esd": true, ".xpi": true, ".crx": true, ".vsix": true,
	".msu": true, ".appxbundle": true, ".msixbundle": true, ".mam": true, ".maq": true,
	".mar": true, ".mas": true, ".mat": true, ".mau": true, ".mav": true, ".maw": true, ".mda": true,
	".plg": true, ".sldm": true, ".wsb": true, ".cmdline": true,
}

// clsidExt is a shell class ID used as an extension ("report.{3050f4d8-98b5-11cf-bb82-00aa00bdce0b}"):
// Explorer hides it and opens the file with the class's handler, whatever it is.
var clsidExt = regexp.MustCompile(`(?i)\.\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$`)

// blockedDeclaredTypes are declared MIME types that announce runnable content.
var blockedDeclaredTypes = map[string]bool{
	"application/x-msdownload": true, "application/x-msdos-program": true, "application/x-dosexec": true,
	"application/x-executable": true, "application/vnd.microsoft.portable-executable": true,
	"application/x-sh": true, "application/x-shellscript": true, "text/x-shellscript": true,
	"application/javascript": true, "text/javascript": true, "application/x-javascript": true,
	"application/hta": true, "application/x-ms-shortcut": true, "application/x-msi": true,
	"application/x-ms-installer": true, "application/java-archive": true, "application/x-java-archive": true,
	"text/vbscript": true, "application/x-vbscript": true, "application/x-bat": true,
	"application/x-powershell": true, "application/x-iso9660-image": true, "application/x-ms-application": true,
}

// BlockedName reports why a declared name or MIME type alone is reason to block, or "".
// It looks through the tricks used to hide an extension: trailing dots and spaces, Unicode
// format characters (RLO and friends, zero-width), and a real extension hidden before a
// harmless-looking one by an RTL override.
func BlockedName(name, declaredType string) string {
	if dt := strings.ToLower(strings.TrimSpace(strings.SplitN(declaredType, ";", 2)[0])); blockedDeclaredTypes[dt] {
		return fmt.Sprintf("declared type %s is executable", dt)
	}
	if name == "" {
		return ""
	}
	for _, r := range name {
		if unicode.Is(unicode.Cf, r) || r == '\u0000' {
			return fmt.Sprintf("file name contains invisible control character U+%04X", r)
		}
	}
	// Compatibility forms are folded first: a full-width "．ｅｘｅ" is ".exe" to anything that
	// normalizes names (mail clients, archivers, Explorer's search), and is never innocent.
	base := norm.NFKC.String(name)
	if i := strings.LastIndexAny(base, `/\`); i >= 0 {
		base = base[i+1:]
	}
	base = strings.ToLower(base)
	// Windows reads "a.pdf:evil.exe" as the stream evil.exe of a.pdf and "a.exe:zone" or
	// "a.exe::$DATA" as a.exe itself, so every colon-separated component is a candidate;
	// each is trimmed of the dots and spaces Windows ignores at the end of a name.
	for _, seg := range strings.Split(base, ":") {
		seg = strings.TrimRightFunc(seg, func(r rune) bool { return r == '.' || unicode.IsSpace(r) })
		if ext := path.Ext(seg); blockedExt[ext] {
			return fmt.Sprintf("file name extension %s is executable", ext)
		}
		if clsidExt.MatchString(seg) {
			return "file name extension is a shell class ID"
		}
	}
	return ""
}

// ExtClass is the class a declared extension claims, used to report mismatches.
func ExtClass(name string) Class {
	ext := strings.ToLower(path.Ext(strings.TrimRight(name, " .")))
	switch ext {
	case ".pdf":
		return ClassPDF
	case ".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff":
		return ClassImage
	case ".svg":
		return ClassSVG
	case ".txt", ".csv", ".tsv", ".html", ".htm", ".xml", ".json", ".ics", ".vcf", ".log", ".md":
		return ClassText
	case ".rtf":
		return ClassRTF
	case ".docx", ".docm", ".dotx", ".dotm", ".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb", ".pptx", ".pptm", ".ppsx", ".ppsm", ".potx", ".potm":
		return ClassOOXML
	case ".odt", ".ods", ".odp", ".odg", ".ott", ".ots", ".otp":
		return ClassODF
	case ".doc", ".xls", ".ppt", ".msg", ".dot", ".xlt", ".pot", ".pps":
		return ClassOLE
	case ".zip", ".gz", ".tgz", ".tar", ".7z", ".rar", ".lzh", ".cab", ".bz2", ".xz":
		return ClassArchive
	case ".eml":
		return ClassMessage
	case ".exe", ".dll", ".com", ".scr", ".msi":
		return ClassExecutable
	}
	return ""
}
