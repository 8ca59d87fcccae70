package text

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/sekisho/sekisho/sanitize"
)

// CSVStats counts what NeutralizeCSV did.
type CSVStats struct {
	Records     int
	Neutralized int // cells prefixed with an apostrophe
}

// NeutralizeCSV parses UTF-8 CSV (comma ',' or '\t' for TSV) strictly and rewrites it with
// LF newlines, prefixing every cell a spreadsheet could evaluate as a formula with an
// apostrophe (see formulaLike), and, in comma-separated files, every ';'-separated
// segment that would become such a cell where ';' is the list separator. Records may have different lengths. Ambiguous quoting
// fails with sanitize.ErrMalformed: a spreadsheet and this parser could then disagree on
// where a cell starts, and a formula could hide in the difference.
func NeutralizeCSV(w io.Writer, r io.Reader, comma rune) (CSVStats, error) {
	var st CSVStats
	cr := csv.NewReader(r)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cw := csv.NewWriter(w)
	cw.Comma = comma
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return st, fmt.Errorf("%w: csv: %v", sanitize.ErrMalformed, pe)
			}
			return st, err
		}
		if len(rec) == 1 && rec[0] == "" {
			// A lone "" is an empty row; encoding/csv would write it as a blank line, which
			// readers skip, so drop it now and keep a second pass identical.
			continue
		}
		st.Records++
		for i, f := range rec {
			n := 0
			if formulaLike(f) {
				f = "'" + f
				n++
			}
			if comma == ',' && strings.IndexByte(f, ';') >= 0 {
				var m int
				f, m = neutralizeSemicolons(f)
				n += m
			}
			if n > 0 {
				rec[i] = f
				st.Neutralized++
			}
		}
		if err := cw.Write(rec); err != nil {
			return st, err
		}
	}
	cw.Flush()
	return st, cw.Error()
}

// neutralizeSemicolons guards against the same file opened where the list separator is
// ';' (many European Excel locales), which splits "a;=cmd|..." into a second cell that
// is a formula: an apostrophe goes after every ';' that starts such a segment.
func neutralizeSemicolons(f string) (string, int) {
	parts := strings.Split(f, ";")
	n := 0
	for i := 1; i < len(parts); i++ {
		if formulaLike(parts[i]) {
			parts[i] = "'" + parts[i]
			n++
		}
	}
	if n == 0 {
		return f, 0
	}
	return strings.Join(parts, ";"), n
}

// formulaLike reports whether a spreadsheet could read the cell as a formula or a DDE
// call (OWASP "CSV Injection"): its first character, after any leading spaces and double
// quotes, is = + - @ tab CR or LF, or one of their full-width (＝＋－＠) or small-form
// (﹦﹢﹣﹫) variants, or the minus sign U+2212. A plain number ("-1", "+3.5", "-2e3")
// evaluates to itself and is left alone; anything after the number ("-1+cmd|...") is not a
// plain number.
func formulaLike(s string) bool {
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r != ' ' && r != '"' && r != '\u3000' && r != '\u00a0' && r != '＂' {
			break
		}
		i += n
	}
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	switch r {
	case '=', '@', '\t', '\r', '\n', '＝', '＠', '﹦', '﹫', '＋', '－', '﹢', '﹣', '−':
		return true
	case '+', '-':
		return !(i == 0 && plainNumber(s))
	}
	return false
}

// plainNumber matches [+-]digits[.digits][e[+-]digits].
func plainNumber(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() int {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - j
	}
	if digits() == 0 {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}
