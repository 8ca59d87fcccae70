package rtf

import (
	"fmt"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// safeFields are field types that compute from the document itself and are kept. Any
// other field is unwrapped: its code is removed and its last result stays as plain content,
// which is what Word shows until the field is updated.
var safeFields = map[string]bool{
	"PAGE": true, "NUMPAGES": true, "SECTIONPAGES": true, "SECTION": true, "HYPERLINK": true,
	"TOC": true, "TOA": true, "TC": true, "XE": true, "INDEX": true, "DATE": true, "TIME": true,
	"CREATEDATE": true, "SAVEDATE": true, "PRINTDATE": true, "EDITTIME": true, "REF": true,
	"PAGEREF": true, "NOTEREF": true, "STYLEREF": true, "SEQ": true, "SYMBOL": true, "EQ": true,
	"FORMTEXT": true, "FORMCHECKBOX": true, "FORMDROPDOWN": true, "AUTHOR": true, "TITLE": true,
	"SUBJECT": true, "KEYWORDS": true, "COMMENTS": true, "FILENAME": true, "NUMWORDS": true,
	"NUMCHARS": true, "LISTNUM": true, "BIDIOUTLINE": true, "MERGEFIELD": true, "ADVANCE": true,
	"DOCPROPERTY": true, "USERNAME": true, "USERINITIALS": true,
}

// linkFields reach outside the document: remote files, pictures and data.
var linkFields = map[string]bool{
	"INCLUDEPICTURE": true, "INCLUDETEXT": true, "INCLUDE": true, "LINK": true, "IMPORT": true,
	"DATABASE": true, "AUTOTEXTLIST": false,
}

// decideField says whether a closed field is kept, and if not which action to report.
// DDE is looked for anywhere in the instruction, not only as its first word: Word accepts
// "DDEAUTO" after quotes and switches, and code built from nested QUOTE fields is refused
// as a whole.
func decideField(fs *fieldState) (keep bool, kind sanitize.ActionKind, detail string) {
	orig := strings.TrimSpace(fs.instr.String())
	instr := strings.ToUpper(orig)
	first := strings.Trim(strings.SplitN(instr, " ", 2)[0], `"\`)
	// Letters only: \uN fallback characters or punctuation between the letters of
	// "DDE" must not hide it.
	letters := strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r
		}
		return -1
	}, instr)
	switch {
	case strings.Contains(letters, "DDE"):
		return false, sanitize.ActRemovedDDE, fmt.Sprintf("DDE field %s", short(orig))
	case fs.nested:
		return false, sanitize.ActRemovedPart, fmt.Sprintf("field code built from nested fields (%s)", short(orig))
	case linkFields[first]:
		return false, sanitize.ActRemovedExternalLink, fmt.Sprintf("%s field %s", first, short(orig))
	case safeFields[first]:
		return true, "", ""
	}
	return false, sanitize.ActRemovedPart, fmt.Sprintf("field %s (its result kept)", short(orig))
}

// short quotes at most 80 bytes of a field instruction for a report.
func short(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return fmt.Sprintf("%q", s)
}
