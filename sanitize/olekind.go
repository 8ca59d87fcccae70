package sanitize

import (
	"encoding/binary"
	"strings"
	u16 "unicode/utf16" // the package's tests have a helper named utf16
)

// oleKinds are the root streams that say which application wrote a compound file, in the
// order the ole family's inspector checks them (a Word file holding an embedded workbook
// has a Workbook stream too, but not at the root).
var oleKinds = []struct{ stream, name, mime, ext string }{
	{"worddocument", "doc", "application/msword", ".doc"},
	{"workbook", "xls", "application/vnd.ms-excel", ".xls"},
	{"book", "xls", "application/vnd.ms-excel", ".xls"},
	{"powerpoint document", "ppt", "application/vnd.ms-powerpoint", ".ppt"},
}

// Bounds of the directory walk: detection must stay cheap on hostile input. A directory of
// 4096 entries is far beyond any ordinary document; a file whose directory is larger, or
// whose FAT is beyond the header's 109 DIFAT slots (files over about 7 MB with 512-byte
// sectors), stays "ole" and the ole family's full parser decides.
const (
	oleMaxDirSectors = 1024
	oleMaxEntries    = 4096
)

// refineOLE names a generic compound file (mimetype reports LibreOffice's doc, xls and ppt
// as application/x-ole-storage, since it looks at the root CLSID) by the streams at the
// root of its directory, so the policy can tell doc from xls. The family that receives the
// item parses the file fully and checks the claim again.
func refineOLE(b Blob, t Type) Type {
	hdr := make([]byte, 512)
	if _, err := b.ReadAt(hdr, 0); err != nil {
		return t
	}
	shift := binary.LittleEndian.Uint16(hdr[0x1E:])
	if shift != 9 && shift != 12 {
		return t
	}
	ssz := int64(1) << shift
	perFAT := ssz / 4
	fatEntry := func(s uint32) (uint32, bool) {
		k := int64(s) / perFAT
		if k >= 109 {
			return 0, false
		}
		fs := binary.LittleEndian.Uint32(hdr[0x4C+4*k:])
		if fs >= 0xFFFFFFFA {
			return 0, false
		}
		var v [4]byte
		if _, err := b.ReadAt(v[:], (int64(fs)+1)*ssz+(int64(s)%perFAT)*4); err != nil {
			return 0, false
		}
		return binary.LittleEndian.Uint32(v[:]), true
	}
	var dir []byte
	sec := binary.LittleEndian.Uint32(hdr[0x30:])
	for n := 0; sec < 0xFFFFFFFA && n < oleMaxDirSectors && len(dir)/128 < oleMaxEntries; n++ {
		buf := make([]byte, ssz)
		if _, err := b.ReadAt(buf, (int64(sec)+1)*ssz); err != nil {
			return t
		}
		dir = append(dir, buf...)
		next, ok := fatEntry(sec)
		if !ok {
			return t
		}
		sec = next
	}
	entries := len(dir) / 128
	if entries == 0 {
		return t
	}
	entry := func(i uint32) []byte { return dir[int(i)*128 : int(i)*128+128] }
	// A Windows Installer package (MSI, MSP, MST: root CLSID 000C108x-0000-0000-C000-
	// 000000000046) stays a generic compound file whatever streams it also carries, so a
	// package dressed as a Word file is refused as before, never converted.
	if root := entry(0)[0x50:0x60]; root[2] == 0x0c && root[3] == 0 && root[1] == 0x10 &&
		(root[0] == 0x82 || root[0] == 0x84 || root[0] == 0x86) && root[8] == 0xc0 && root[15] == 0x46 {
		return t
	}
	// The root's children form a red-black tree through the left and right sibling IDs;
	// walk it with an explicit stack and a visit bound (a cyclic tree is malformed).
	seen := map[string]bool{}
	stack := []uint32{binary.LittleEndian.Uint32(entry(0)[0x4C:])}
	for visits := 0; len(stack) > 0 && visits < entries; visits++ {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if id >= uint32(entries) {
			continue
		}
		e := entry(id)
		if e[0x42] == 2 { // a stream
			seen[oleName(e)] = true
		}
		stack = append(stack, binary.LittleEndian.Uint32(e[0x44:]), binary.LittleEndian.Uint32(e[0x48:]))
	}
	if seen["encryptioninfo"] || seen["encryptedpackage"] {
		return t // an encrypted OOXML package: the ole family names it
	}
	for _, k := range oleKinds {
		if seen[k.stream] {
			return Type{Name: k.name, Class: ClassOLE, MIME: k.mime, Ext: k.ext}
		}
	}
	return t
}

// oleName decodes a directory entry's UTF-16 name, lower-cased.
func oleName(e []byte) string {
	n := int(binary.LittleEndian.Uint16(e[0x40:]))
	if n < 2 || n > 64 {
		return ""
	}
	u := make([]uint16, n/2-1)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(e[2*i:])
	}
	return strings.ToLower(string(u16.Decode(u)))
}
