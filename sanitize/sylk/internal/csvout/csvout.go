// Package csvout writes spreadsheet values as CSV that a spreadsheet cannot run: every
// cell that starts like a formula gets a leading apostrophe, the OWASP "CSV injection"
// defence. It is shared by the SYLK and Office 2003 XML converters.
package csvout

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sekisho/sekisho/sanitize"
)

// BOM starts every output: Japanese Excel reads a CSV without it as Shift_JIS.
const BOM = "\uFEFF"

// MaxFields bounds the fields one output may hold, empty ones included: a sheet that
// places one cell at column 16,384 on every row would otherwise turn a few bytes of input
// into megabytes of commas.
const MaxFields = 8 << 20

// Writer writes rows; Neutralized counts the cells that were prefixed.
type Writer struct {
	cw          *csv.Writer
	started     bool
	w           io.Writer
	fields      int
	Neutralized int
	Rows        int
}

// New returns a Writer on w. Rows end with CRLF, as Excel writes them.
func New(w io.Writer) *Writer {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &Writer{cw: cw, w: w}
}

// formulaStart lists the characters that make Excel, LibreOffice or Google Sheets read a
// cell as a formula or a DDE call, with the full-width forms a Japanese IME produces.
const formulaStart = "=+-@\t\r\n＝＋－＠"

// Neutralize returns s safe to put in a cell, and whether it changed. A value that is a
// plain number ("-5", "+1.5E3") is left alone: it cannot be a formula and prefixing it
// would turn figures into text.
func Neutralize(s string) (string, bool) {
	r, _ := utf8.DecodeRuneInString(s)
	if s == "" || !strings.ContainsRune(formulaStart, r) {
		return s, false
	}
	if IsNumber(s) {
		return s, false
	}
	return "'" + s, true
}

// IsNumber reports whether s is a plain decimal number.
func IsNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && !strings.ContainsAny(s, "xXpP_") && !strings.EqualFold(strings.TrimLeft(s, "+-"), "inf") && !strings.EqualFold(strings.TrimLeft(s, "+-"), "infinity") && !strings.EqualFold(s, "nan")
}

// Write writes one row, neutralizing each cell and dropping control characters other
// than tab and line breaks (which CSV quotes).
func (w *Writer) Write(row []string) error {
	if !w.started {
		w.started = true
		if _, err := io.WriteString(w.w, BOM); err != nil {
			return err
		}
	}
	w.fields += max(len(row), 1)
	if w.fields > MaxFields {
		return fmt.Errorf("%w: csv: more than %d cells including empty ones (a sparse sheet)", sanitize.ErrUnsupported, MaxFields)
	}
	out := make([]string, len(row))
	for i, c := range row {
		c = strings.Map(func(r rune) rune {
			if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f || r == utf8.RuneError {
				return -1
			}
			return r
		}, c)
		var changed bool
		out[i], changed = Neutralize(c)
		if changed {
			w.Neutralized++
		}
	}
	w.Rows++
	w.cw.Write(out)
	return w.cw.Error()
}

// Flush writes buffered rows; an empty table still gets its BOM, so the output is never
// zero bytes.
func (w *Writer) Flush() error {
	if !w.started {
		w.started = true
		if _, err := io.WriteString(w.w, BOM); err != nil {
			return err
		}
	}
	w.cw.Flush()
	return w.cw.Error()
}
