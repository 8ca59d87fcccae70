// Package sylk converts SYLK spreadsheets (.slk, "ID;" at the start) to CSV.
//
// Excel opens SYLK files and evaluates their formulas, including DDE calls such as
// =cmd|' /C calc'!A0 and Excel 4.0 macros behind an Auto_Open name, and mail filters tend
// to treat them as text. They are never passed: the cell values (the K fields, which are
// the values the producer computed) are written as UTF-8 CSV, every formula (E field) is
// dropped, defined and external names (NN, NE records) are dropped, and values that start
// like a formula get a leading apostrophe. The result is text/csv named .csv.
package sylk

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/sylk/internal/csvout"
)

// Bounds. Excel's grid is 1,048,576 rows by 16,384 columns; a SYLK line is short.
const (
	maxRows    = 1 << 20
	maxCols    = 1 << 14
	maxCells   = 1 << 20
	maxLine    = 64 << 10
	maxRecords = 4 << 20
)

// Options configure New. There are none yet; the struct keeps the constructor stable.
type Options struct{}

// Sanitizer converts SYLK to CSV.
type Sanitizer struct{}

var _ sanitize.Sanitizer = (*Sanitizer)(nil)

// New returns the SYLK converter.
func New(o Options) *Sanitizer { return &Sanitizer{} }

type cellKey struct{ y, x int }

type sheet struct {
	cells    map[cellKey]string
	formulas int
	dde      []string
	autoOpen []string
	external int
	records  int
}

// Sanitize reads the SYLK records and writes the values as CSV.
func (s *Sanitizer) Sanitize(ctx context.Context, in *sanitize.Item, w io.Writer, b *sanitize.Budget) (sanitize.Result, error) {
	res := sanitize.Result{Detected: in.Detected}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	sh, err := parse(ctx, in.Reader())
	if err != nil {
		return res, err
	}
	cw := csvout.New(sanitize.LimitWriter(w, b.Limits().MaxFileSize, "limits.max_file_size"))
	rows, err := sh.write(ctx, cw)
	if err != nil {
		return res, err
	}
	res.OutType = "text/csv"
	res.OutName = sanitize.ReplaceExt(in.Name, ".csv")
	res.Add(sanitize.ActConvertedToText, in.Path, fmt.Sprintf("SYLK converted to CSV (%d rows, %d cells)", rows, len(sh.cells)))
	if sh.formulas > 0 {
		res.Add(sanitize.ActNeutralizedFormula, in.Path, fmt.Sprintf("%d formulas dropped, their computed values kept", sh.formulas))
	}
	if len(sh.dde) > 0 {
		res.Add(sanitize.ActRemovedDDE, in.Path, fmt.Sprintf("%d DDE formulas (first: %s)", len(sh.dde), quote(sh.dde[0])))
	}
	if len(sh.autoOpen) > 0 {
		res.Add(sanitize.ActRemovedMacros, in.Path, fmt.Sprintf("auto-run names %s", strings.Join(sh.autoOpen, ", ")))
	}
	if sh.external > 0 {
		res.Add(sanitize.ActRemovedExternalLink, in.Path, fmt.Sprintf("%d external references (NE records)", sh.external))
	}
	if cw.Neutralized > 0 {
		res.Add(sanitize.ActNeutralizedFormula, in.Path, fmt.Sprintf("%d cells starting like a formula prefixed with '", cw.Neutralized))
	}
	return res, nil
}

func malformed(format string, a ...any) error {
	return fmt.Errorf("%w: sylk: %s", sanitize.ErrMalformed, fmt.Sprintf(format, a...))
}

// parse reads records up to the E record. The current row and column persist between
// records, as in Multiplan and Excel: a C record without Y stays on the row before.
func parse(ctx context.Context, r io.Reader) (*sheet, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	sh := &sheet{cells: map[cellKey]string{}}
	x, y := 1, 1
	for n := 0; ; n++ {
		line, err := readLine(br)
		if err == io.EOF {
			return nil, malformed("no E record (truncated file)")
		}
		if err != nil {
			return nil, err
		}
		if n == 0 {
			if !strings.HasPrefix(line, "ID;") {
				return nil, malformed("does not start with an ID record")
			}
			continue
		}
		if n&0xFFF == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if n > maxRecords {
			return nil, malformed("more than %d records", maxRecords)
		}
		fields := split(line)
		switch fields[0] {
		case "E":
			return sh, nil
		case "C", "F":
			var val, expr string
			hasVal, hasExpr := false, false
			for _, f := range fields[1:] {
				if f == "" {
					continue
				}
				switch f[0] {
				case 'X', 'Y':
					v, err := strconv.Atoi(f[1:])
					lim := maxCols
					if f[0] == 'Y' {
						lim = maxRows
					}
					if err != nil || v < 1 || v > lim {
						return nil, malformed("bad position %q", f)
					}
					if f[0] == 'X' {
						x = v
					} else {
						y = v
					}
				case 'K':
					val, hasVal = f[1:], true
				case 'E':
					expr, hasExpr = f[1:], true
				}
			}
			if fields[0] == "F" {
				continue
			}
			if hasExpr {
				sh.formulas++
				if isDDE(expr) && len(sh.dde) < 16 {
					sh.dde = append(sh.dde, expr)
				}
			}
			if !hasVal {
				continue
			}
			if _, ok := sh.cells[cellKey{y, x}]; !ok && len(sh.cells) >= maxCells {
				return nil, malformed("more than %d cells", maxCells)
			}
			sh.cells[cellKey{y, x}] = value(val)
		case "NN":
			for _, f := range fields[1:] {
				if len(f) > 1 && f[0] == 'N' && isAutoName(f[1:]) {
					sh.autoOpen = append(sh.autoOpen, quote(f[1:]))
				}
			}
		case "NE":
			sh.external++
		}
	}
}

// readLine returns one record without its line break, refusing lines over maxLine.
func readLine(br *bufio.Reader) (string, error) {
	var b []byte
	for {
		chunk, err := br.ReadSlice('\n')
		b = append(b, chunk...)
		if len(b) > maxLine {
			return "", malformed("record longer than %d bytes", maxLine)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && len(b) > 0 {
			break
		}
		if err != nil {
			return "", err
		}
		break
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// split cuts a record at semicolons; ";;" is a literal semicolon inside a field.
func split(line string) []string {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(line); i++ {
		if line[i] == ';' {
			if i+1 < len(line) && line[i+1] == ';' {
				cur.WriteByte(';')
				i++
				continue
			}
			out = append(out, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteByte(line[i])
	}
	return append(out, cur.String())
}

// value turns a K field into cell text: a quoted string loses its quotes; numbers,
// booleans and error codes stay as written. Text that is not UTF-8 is read as Shift_JIS
// (Japanese Excel's SYLK) and, failing that, as Windows-1252.
func value(k string) string {
	if len(k) >= 2 && k[0] == '"' && k[len(k)-1] == '"' {
		k = k[1 : len(k)-1]
	} else if strings.HasPrefix(k, `"`) {
		k = k[1:]
	}
	if utf8.ValidString(k) {
		return k
	}
	if s, err := japanese.ShiftJIS.NewDecoder().String(k); err == nil && !strings.ContainsRune(s, utf8.RuneError) {
		return s
	}
	s, _ := charmap.Windows1252.NewDecoder().String(k)
	return s
}

// isDDE reports a formula that calls another application: Excel's DDE syntax is
// app|topic!item, and the pipe has no other meaning in a formula outside a string.
func isDDE(expr string) bool { return strings.Contains(expr, "|") }

func isAutoName(n string) bool {
	n = strings.ToLower(strings.TrimSpace(n))
	return strings.HasPrefix(n, "auto_") || strings.HasPrefix(n, "_xlnm.auto_") || strings.HasPrefix(n, "auto.")
}

func quote(s string) string {
	if len(s) > 60 {
		s = s[:60] + "..."
	}
	return strconv.Quote(s)
}

// write emits the grid row by row; rows between used rows come out empty, each row as
// wide as its last used column.
func (sh *sheet) write(ctx context.Context, cw *csvout.Writer) (int, error) {
	keys := make([]cellKey, 0, len(sh.cells))
	for k := range sh.cells {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].y != keys[j].y {
			return keys[i].y < keys[j].y
		}
		return keys[i].x < keys[j].x
	})
	rowNum := 1
	var row []string
	for i := 0; i < len(keys); {
		y := keys[i].y
		for ; rowNum < y; rowNum++ {
			if err := cw.Write([]string{""}); err != nil {
				return 0, err
			}
		}
		row = row[:0]
		for ; i < len(keys) && keys[i].y == y; i++ {
			for len(row) < keys[i].x-1 {
				row = append(row, "")
			}
			row = append(row, sh.cells[keys[i]])
		}
		if err := cw.Write(row); err != nil {
			return 0, err
		}
		rowNum++
		if rowNum&0xFFF == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
	}
	if err := cw.Flush(); err != nil {
		var le *sanitize.LimitError
		if errors.As(err, &le) {
			return 0, err
		}
		return 0, fmt.Errorf("write csv: %w", err)
	}
	return cw.Rows, nil
}
