package ole

import (
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Info is what Inspect found in a compound file. Evidence lists name the streams, storages
// or records behind each flag, so a quarantine reason can say exactly what was seen.
type Info struct {
	// Kind is what the root storage says the file is: doc, xls, ppt, msg, pub, vsd,
	// ooxml (an encrypted OOXML package), equation (a bare Equation Editor object) or ole.
	Kind string `json:"kind"`
	// Streams lists every stream by path ("Macros/VBA/dir"), in directory order. Entries
	// that the storage tree does not reach are listed as "(unlinked)/name": a reader that
	// scans the directory linearly would still see them.
	Streams  []string `json:"streams"`
	Storages []string `json:"storages"`

	HasVBA        bool `json:"has_vba"`         // _VBA_PROJECT, _VBA_PROJECT_CUR, Macros or VBA storages, Excel 5 module sheets
	HasOLEObjects bool `json:"has_ole_objects"` // ObjectPool, \x01Ole10Native, Excel MBD storages, Equation Native
	HasXLM        bool `json:"has_xlm"`         // Excel 4.0 macro sheets or an Auto_Open defined name
	HasAttachment bool `json:"has_attachment"`  // Outlook message attachments (__attach_version1.0_ storages)
	Encrypted     bool `json:"encrypted"`

	VBAEvidence        []string `json:"vba_evidence,omitempty"`
	OLEEvidence        []string `json:"ole_evidence,omitempty"`
	XLMEvidence        []string `json:"xlm_evidence,omitempty"`
	EncryptionEvidence []string `json:"encryption_evidence,omitempty"`
}

const unlinked = "(unlinked)"

// Inspect parses the compound file in r (size bytes) and reports what it holds. It reads
// only the directory and a few bounded stream prefixes (the Word FIB, the Excel workbook
// globals), never whole streams. Errors wrap a description of the damage.
func Inspect(r io.ReaderAt, size int64) (Info, error) {
	c, err := parseCFB(r, size)
	if err != nil {
		return Info{}, err
	}
	nodes, err := c.walk()
	if err != nil {
		return Info{}, err
	}
	if err := c.checkStreams(); err != nil {
		return Info{}, err
	}
	paths := make([]string, len(c.dir))
	for _, n := range nodes {
		paths[n.idx] = n.path
	}
	var info Info
	for i, e := range c.dir {
		if i == 0 || (e.typ != objStream && e.typ != objStorage) {
			continue
		}
		p := paths[i]
		if p == "" {
			p = unlinked + "/" + e.name
		}
		p = quoteName(p)
		if e.typ == objStream {
			info.Streams = append(info.Streams, p)
		} else {
			info.Storages = append(info.Storages, p)
		}
		info.classify(e, p)
	}
	info.Kind = kindOf(c, paths)
	if err := info.inspectStreams(c, paths); err != nil {
		return Info{}, err
	}
	return info, nil
}

// classify sets the flags that an entry's name alone decides. Names compare without case,
// as MS-CFB does, and orphaned entries count: Office may not read them, but a hostile file
// gains nothing by hiding a macro project from us.
func (info *Info) classify(e dirEntry, p string) {
	name := strings.ToUpper(e.name)
	storage := e.typ == objStorage
	switch {
	case name == "_VBA_PROJECT_CUR", name == "_VBA_PROJECT", name == "VBA" && storage,
		name == "MACROS" && storage:
		info.HasVBA = true
		info.VBAEvidence = appendUnique(info.VBAEvidence, p)
	case name == "OBJECTPOOL", name == "\x01OLE10NATIVE", name == "EQUATION NATIVE",
		storage && isMBD(name):
		info.HasOLEObjects = true
		info.OLEEvidence = appendUnique(info.OLEEvidence, p)
	case name == "ENCRYPTIONINFO", name == "ENCRYPTEDPACKAGE", name == "ENCRYPTEDSUMMARY",
		name == "\x06DATASPACES":
		// EncryptionInfo/EncryptedPackage: an encrypted OOXML (MS-OFFCRYPTO 2.3.4);
		// EncryptedSummary: PowerPoint RC4 CryptoAPI; \x06DataSpaces: IRM-protected content.
		info.Encrypted = true
		info.EncryptionEvidence = appendUnique(info.EncryptionEvidence, p)
	case storage && strings.HasPrefix(name, "__ATTACH_VERSION1.0_"):
		info.HasAttachment = true
	}
}

// isMBD matches Excel's embedded-object storages, "MBD" and eight hex digits.
func isMBD(name string) bool {
	if len(name) != 11 || !strings.HasPrefix(name, "MBD") {
		return false
	}
	for _, r := range name[3:] {
		if !strings.ContainsRune("0123456789ABCDEF", r) {
			return false
		}
	}
	return true
}

func appendUnique(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// kindOf names the document from the streams at the root.
func kindOf(c *cfb, paths []string) string {
	has := func(name string) bool {
		for i, e := range c.dir {
			if i > 0 && strings.EqualFold(paths[i], name) && e.typ != objUnallocated {
				return true
			}
		}
		return false
	}
	hasPrefix := func(prefix string) bool {
		for i := range c.dir {
			if i > 0 && !strings.Contains(paths[i], "/") && strings.HasPrefix(strings.ToLower(paths[i]), prefix) {
				return true
			}
		}
		return false
	}
	switch {
	case has("EncryptionInfo") || has("EncryptedPackage"):
		return "ooxml"
	case has("WordDocument"):
		return "doc"
	case has("Workbook") || has("Book"):
		return "xls"
	case has("PowerPoint Document"):
		return "ppt"
	case has("__properties_version1.0") || hasPrefix("__substg1.0_"):
		return "msg"
	case has("Quill"):
		return "pub"
	case has("VisioDocument"):
		return "vsd"
	case has("Equation Native"):
		return "equation"
	}
	return "ole"
}

// inspectStreams reads the few stream prefixes that carry encryption and macro-sheet flags.
func (info *Info) inspectStreams(c *cfb, paths []string) error {
	for i, e := range c.dir {
		if e.typ != objStream || strings.Contains(paths[i], "/") || paths[i] == "" {
			continue
		}
		switch {
		case strings.EqualFold(e.name, "WordDocument"):
			st, err := c.open(e)
			if err != nil {
				return err
			}
			if err := info.checkFIB(st); err != nil {
				return err
			}
		case strings.EqualFold(e.name, "Current User"):
			st, err := c.open(e)
			if err != nil {
				return err
			}
			info.checkCurrentUser(st)
		case strings.EqualFold(e.name, "Workbook"), strings.EqualFold(e.name, "Book"):
			st, err := c.open(e)
			if err != nil {
				return err
			}
			if err := info.scanBIFF(st, quoteName(paths[i])); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkFIB reads the Word File Information Block base (MS-DOC 2.5.2): wIdent 0xA5EC, then
// the flags word at offset 0x0A with fEncrypted (0x0100) and fObfuscated (0x8000).
func (info *Info) checkFIB(st *stream) error {
	var fib [12]byte
	if _, err := st.ReadAt(fib[:], 0); err != nil {
		return malformed("WordDocument stream too short for a FIB (%d bytes)", st.size)
	}
	if id := binary.LittleEndian.Uint16(fib[0:]); id != 0xA5EC && id != 0xA5DC {
		return malformed("WordDocument FIB has wIdent %#04x", id)
	}
	flags := binary.LittleEndian.Uint16(fib[10:])
	if flags&0x0100 != 0 {
		info.Encrypted = true
		ev := "Word FIB fEncrypted"
		if flags&0x8000 != 0 {
			ev = "Word FIB fEncrypted with XOR obfuscation"
		}
		info.EncryptionEvidence = appendUnique(info.EncryptionEvidence, ev)
	}
	return nil
}

// checkCurrentUser reads PowerPoint's CurrentUserAtom (MS-PPT 2.3.2): after the 8-byte
// record header and the 4-byte size, headerToken is 0xF3D1C4DF when the document is
// encrypted (0xE391C05F when not).
func (info *Info) checkCurrentUser(st *stream) {
	var b [16]byte
	if _, err := st.ReadAt(b[:], 0); err != nil {
		return
	}
	if binary.LittleEndian.Uint32(b[12:]) == 0xF3D1C4DF {
		info.Encrypted = true
		info.EncryptionEvidence = appendUnique(info.EncryptionEvidence, "PowerPoint CurrentUserAtom encrypted token")
	}
}

// BIFF record types (MS-XLS 2.3).
const (
	recEOF        = 0x000A
	recFilePass   = 0x002F
	recName       = 0x0018
	recBoundSheet = 0x0085
	recBOF        = 0x0809
	// maxGlobalsRecords bounds the scan of the workbook globals substream; real globals
	// hold a few hundred records (fonts, formats, styles, names, sheets).
	maxGlobalsRecords = 1 << 16
)

// scanBIFF walks the records of the workbook globals substream (up to its EOF record)
// looking for FILEPASS (encryption), BOUNDSHEET entries of macro or module sheets, and the
// built-in Auto_Open name. Records are read header by header; their bodies only for the
// three records of interest, each at most 8 KiB (the BIFF8 record limit).
func (info *Info) scanBIFF(st *stream, name string) error {
	var hdr [4]byte
	off := int64(0)
	for n := 0; n < maxGlobalsRecords; n++ {
		if off+4 > st.size {
			return nil // a workbook without EOF: LibreOffice and Excel stop here too
		}
		if _, err := st.ReadAt(hdr[:], off); err != nil {
			return err
		}
		typ, ln := binary.LittleEndian.Uint16(hdr[0:]), int64(binary.LittleEndian.Uint16(hdr[2:]))
		if n == 0 && typ != recBOF && typ != 0x0209 && typ != 0x0409 {
			return malformed("%s stream does not start with a BOF record (%#04x)", name, typ)
		}
		body := off + 4
		off = body + ln
		switch typ {
		case recEOF:
			return nil
		case recFilePass:
			info.Encrypted = true
			info.EncryptionEvidence = appendUnique(info.EncryptionEvidence, "Excel FILEPASS record")
			return nil // everything after FILEPASS is encrypted
		case recBoundSheet:
			var b [6]byte
			if ln < 6 {
				continue
			}
			if _, err := st.ReadAt(b[:], body); err != nil {
				return err
			}
			switch b[5] {
			case 1:
				info.HasXLM = true
				info.XLMEvidence = appendUnique(info.XLMEvidence, "Excel 4.0 macro sheet")
			case 6:
				info.HasVBA = true
				info.VBAEvidence = appendUnique(info.VBAEvidence, "Excel 5 VBA module sheet")
			}
		case recName:
			var b [16]byte
			if ln < int64(len(b)) {
				continue
			}
			if _, err := st.ReadAt(b[:], body); err != nil {
				return err
			}
			// fBuiltin (0x0020) with a one-character name: 0x01 is Auto_Open, 0x02
			// Auto_Close (MS-XLS 2.5.114). The name starts after the 14-byte header and
			// its one-byte encoding flag.
			if grbit := binary.LittleEndian.Uint16(b[0:]); grbit&0x0020 != 0 && b[3] == 1 && (b[15] == 1 || b[15] == 2) {
				info.HasXLM = true
				info.XLMEvidence = appendUnique(info.XLMEvidence, fmt.Sprintf("built-in %s name", map[byte]string{1: "Auto_Open", 2: "Auto_Close"}[b[15]]))
			}
		}
	}
	return malformed("%s globals substream has more than %d records", name, maxGlobalsRecords)
}
