package rtf

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/wordfield"
)

// decideField says whether a closed field is kept, and if not which action to report.
// The instruction is judged by the allow-list of sanitize/wordfield (type, arguments,
// HYPERLINK targets). DDE is also looked for anywhere in the instruction, letters only,
// so that a DDE field spelt with \uN escapes or punctuation between its letters is
// reported as what it is; code built from nested fields is refused as a whole, since
// only Word's own evaluation knows what it spells.
func decideField(fs *fieldState) (keep bool, kind sanitize.ActionKind, detail string) {
	orig := strings.TrimSpace(fs.instr.String())
	letters := strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' {
			return unicode.ToUpper(r)
		}
		return -1
	}, orig)
	switch {
	case strings.Contains(letters, "DDE"):
		return false, sanitize.ActRemovedDDE, fmt.Sprintf("DDE field %s", short(orig))
	case fs.nested:
		return false, sanitize.ActRemovedPart, fmt.Sprintf("field code built from nested fields (%s)", short(orig))
	case fs.instrs > 1:
		// LibreOffice reads the last instruction: {\*\fldinst PAGE }{\*\fldinst HYPERLINK ...}
		// is a link to it, and PAGE to a judge of the joined text.
		return false, sanitize.ActRemovedUnknown, fmt.Sprintf("field with %d instructions, read differently by readers (%s)", fs.instrs, short(orig))
	case fs.instr.ambiguous:
		return false, sanitize.ActRemovedUnknown, fmt.Sprintf("field code whose \\uN skips cross a group, read differently by readers (%s)", short(orig))
	}
	err := wordfield.Check(orig)
	switch {
	case err == nil:
		return true, "", ""
	case errors.Is(err, wordfield.ErrExternal), errors.Is(err, wordfield.ErrLink):
		kind = sanitize.ActRemovedExternalLink
	case errors.Is(err, wordfield.ErrMacro):
		kind = sanitize.ActRemovedMacros
	default:
		kind = sanitize.ActRemovedPart
	}
	return false, kind, fmt.Sprintf("field %s (its result kept): %v", short(orig), err)
}

// short quotes at most 80 bytes of a field instruction for a report.
func short(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return fmt.Sprintf("%q", s)
}
