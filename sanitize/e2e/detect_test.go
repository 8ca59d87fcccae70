package e2e

import (
	"strings"
	"testing"
)

// TestDetectionDifferentials: detection reads [Content_Types].xml as tokens to name an
// Office package (docx, docm, ...) while the OOXML family parses it strictly, compares
// part names without regard to case and lower-cases content types. Each variant makes the
// two read one macro-enabled package differently: detection names it docx, zip, opc, or
// the family refuses it. Whatever is delivered must hold no macro project or
// macro-enabled type, judged by reparse (the standard zip reader and markup patterns).
// Found: none delivers anything active; a package whose [Content_Types].xml is not
// spelled that way is taken for a plain zip (its parts delivered as text files in a .zip),
// and a main type spelled in another case is quarantined as an unknown package.
func TestDetectionDifferentials(t *testing.T) {
	base := entriesOf(t, docmBytes(t))
	const docmMain = "application/vnd.ms-word.document.macroEnabled.main+xml"
	const docxMain = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
	variant := func(f func(es []zipEntry) []zipEntry) []byte {
		es := append([]zipEntry(nil), base...)
		return mkzip(t, f(es)...)
	}
	types := func(old, new string) []byte {
		return variant(func(es []zipEntry) []zipEntry {
			es[0].body = strings.Replace(es[0].body, old, new, 1)
			return es
		})
	}
	named := func(name string) []byte {
		return variant(func(es []zipEntry) []zipEntry { es[0].name = name; return es })
	}
	second := func(name string) []byte {
		return variant(func(es []zipEntry) []zipEntry {
			return append(es, zipEntry{name, strings.Replace(es[0].body, docmMain, docxMain, 1)})
		})
	}
	utf16 := variant(func(es []zipEntry) []zipEntry {
		s := strings.Replace(es[0].body, `<?xml version="1.0"?>`, `<?xml version="1.0" encoding="UTF-16"?>`, 1)
		es[0].body = "\xff\xfe" + string(utf16le(s))
		return es
	})
	cases := []advCase{
		{"detect/docm-types-name-upper-case", "a.docx", "", named("[CONTENT_TYPES].XML"), "safe", ""},
		{"detect/docm-types-name-lower-case", "a.docx", "", named("[content_types].xml"), "safe", ""},
		{"detect/docm-main-type-other-case", "a.docx", "", types("macroEnabled", "MacroEnabled"), "safe", ""},
		{"detect/docm-docx-override-first", "a.docx", "", types(`<Override`, `<Override PartName="/word/x.xml" ContentType="`+docxMain+`"/><Override`), "delivered", "a.docx"},
		{"detect/docm-docx-default-first", "a.docx", "", types(`<Override`, `<Default Extension="xml" ContentType="`+docxMain+`"/><Override`), "delivered", "a.docx"},
		{"detect/docm-docx-override-nested", "a.docx", "", types(`<Override`, `<x><Override PartName="/word/document.xml" ContentType="`+docxMain+`"/></x><Override`), "delivered", "a.docx"},
		{"detect/docm-types-bom", "a.docx", "", types(`<?xml`, "\ufeff<?xml"), "delivered", "a.docx"},
		{"detect/docm-types-doctype", "a.docx", "", types(`<Types`, `<!DOCTYPE Types><Types`), "delivered", "a.docx"},
		{"detect/docm-types-comment", "a.docx", "", types(`<Types`, `<!-- docx --><Types`), "delivered", "a.docx"},
		{"detect/docm-types-utf16", "a.docx", "", utf16, "safe", ""},
		{"detect/docm-override-part-upper-case", "a.docx", "", types(`PartName="/word/document.xml"`, `PartName="/WORD/DOCUMENT.XML"`), "delivered", "a.docx"},
		{"detect/docm-second-types-says-docx", "a.docx", "", second("[Content_Types].xml"), refused, ""},
		{"detect/docm-second-types-other-case", "a.docx", "", second("[CONTENT_TYPES].XML"), refused, ""},
	}
	runCases(t, cases)
}
