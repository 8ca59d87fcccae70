package msoxml

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/sylk/internal/csvout"
)

const (
	maxRows = 1 << 20
	maxCols = 1 << 14
)

// book is the state of a SpreadsheetML walk: only the first worksheet's values are kept.
type book struct {
	cw       *csvout.Writer
	sheets   int
	sheet    string
	formulas int
	dde      []string
	autoRun  []string
	row      []string
	rowNum   int // last row written
	col      int // last cell's column in the current row
	inCell   bool
	cellDep  int // depth of the current Cell element
	data     *strings.Builder
	dataDep  int
}

// convertWorkbook streams the workbook: each Row of the first Worksheet becomes a CSV row
// when it closes; ss:Index gaps become empty rows and cells.
func convertWorkbook(d *decoder, w io.Writer, res *sanitize.Result, path string) error {
	bk := &book{cw: csvout.New(w)}
	for d.depth > 0 {
		t, err := d.token()
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.StartElement:
			if err := bk.start(d, t); err != nil {
				return err
			}
		case xml.EndElement:
			if err := bk.end(d, t); err != nil {
				return err
			}
		case xml.CharData:
			if bk.data != nil && bk.data.Len() < maxCell {
				bk.data.Write(t)
			}
		}
	}
	if err := bk.cw.Flush(); err != nil {
		return err
	}
	if bk.sheets == 0 {
		return fmt.Errorf("%w: SpreadsheetML without a worksheet", sanitize.ErrUnsupported)
	}
	res.Add(sanitize.ActConvertedToText, path, fmt.Sprintf("Excel 2003 XML worksheet %q converted to CSV (%d rows)", bk.sheet, bk.cw.Rows))
	if bk.sheets > 1 {
		res.Add(sanitize.ActRemovedPart, path, fmt.Sprintf("%d further worksheets not converted", bk.sheets-1))
	}
	if bk.formulas > 0 {
		res.Add(sanitize.ActNeutralizedFormula, path, fmt.Sprintf("%d formulas dropped, their computed values kept", bk.formulas))
	}
	if len(bk.dde) > 0 {
		res.Add(sanitize.ActRemovedDDE, path, fmt.Sprintf("%d DDE formulas (first: %s)", len(bk.dde), short(bk.dde[0])))
	}
	if len(bk.autoRun) > 0 {
		res.Add(sanitize.ActRemovedMacros, path, fmt.Sprintf("auto-run names %s", strings.Join(bk.autoRun, ", ")))
	}
	if bk.cw.Neutralized > 0 {
		res.Add(sanitize.ActNeutralizedFormula, path, fmt.Sprintf("%d cells starting like a formula prefixed with '", bk.cw.Neutralized))
	}
	return nil
}

func index(se xml.StartElement, prev, max int) (int, error) {
	v, ok := attr(se, nsSS, "Index")
	if !ok {
		if prev+1 > max {
			return 0, fmt.Errorf("%w: msoxml: more than %d %ss", sanitize.ErrMalformed, max, se.Name.Local)
		}
		return prev + 1, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n <= prev || n > max {
		return 0, fmt.Errorf("%w: msoxml: %s ss:Index %q after %d", sanitize.ErrMalformed, se.Name.Local, v, prev)
	}
	return n, nil
}

func (bk *book) start(d *decoder, se xml.StartElement) error {
	if se.Name.Space == nsSS {
		switch se.Name.Local {
		case "Worksheet":
			bk.sheets++
			if bk.sheets == 1 {
				bk.sheet, _ = attr(se, nsSS, "Name")
			}
		case "NamedRange":
			if n, _ := attr(se, nsSS, "Name"); isAutoName(n) {
				bk.autoRun = append(bk.autoRun, short(n))
			}
		}
	}
	if bk.sheets != 1 || se.Name.Space != nsSS {
		return nil
	}
	switch se.Name.Local {
	case "Row":
		n, err := index(se, bk.rowNum, maxRows)
		if err != nil {
			return err
		}
		for bk.rowNum+1 < n {
			if err := bk.cw.Write([]string{""}); err != nil {
				return err
			}
			bk.rowNum++
		}
		bk.row, bk.col = bk.row[:0], 0
	case "Cell":
		n, err := index(se, bk.col, maxCols)
		if err != nil {
			return err
		}
		for len(bk.row) < n-1 {
			bk.row = append(bk.row, "")
		}
		bk.row = append(bk.row, "")
		bk.col = n
		if m, ok := attr(se, nsSS, "MergeAcross"); ok {
			if k, err := strconv.Atoi(m); err == nil && k > 0 && bk.col+k <= maxCols {
				bk.col += k
			}
		}
		bk.inCell, bk.cellDep = true, d.depth
		if f, ok := attr(se, nsSS, "Formula"); ok {
			bk.formulas++
			if strings.Contains(f, "|") && len(bk.dde) < 16 {
				bk.dde = append(bk.dde, f)
			}
		}
	case "Data":
		if bk.inCell && d.depth == bk.cellDep+1 {
			bk.data, bk.dataDep = &strings.Builder{}, d.depth
		}
	}
	return nil
}

func (bk *book) end(d *decoder, ee xml.EndElement) error {
	if bk.data != nil && d.depth < bk.dataDep {
		bk.row[len(bk.row)-1] = bk.data.String()
		bk.data = nil
	}
	if bk.sheets != 1 || ee.Name.Space != nsSS {
		return nil
	}
	switch ee.Name.Local {
	case "Cell":
		bk.inCell = false
	case "Row":
		if err := bk.cw.Write(bk.row); err != nil {
			return err
		}
		bk.rowNum++
	}
	return nil
}

func isAutoName(n string) bool {
	n = strings.ToLower(strings.TrimSpace(n))
	return strings.HasPrefix(n, "auto_") || strings.HasPrefix(n, "_xlnm.auto_")
}
