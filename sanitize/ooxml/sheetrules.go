package ooxml

import (
	"encoding/xml"
	"errors"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/formula"
)

// Spreadsheet formulas live in far more places than cells: defined names, conditional
// formats and data validations (classic and in x14 extension lists), sparklines, table
// columns, pivot caches, chart series, form controls and VML client data. Every one of
// them is held until its end and judged by sanitize/formula; one that is not inert goes
// with the smallest element that still leaves a valid document, and a cell keeps its
// cached value.

const (
	nsX14      = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
	nsXM       = "http://schemas.microsoft.com/office/excel/2006/main"
	nsC15      = "http://schemas.microsoft.com/office/drawing/2012/chart"
	nsCX       = "http://schemas.microsoft.com/office/drawing/2014/chartex"
	nsXDR      = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
	nsXDRS     = "http://purl.oclc.org/ooxml/drawingml/spreadsheetDrawing"
	nsChart    = "http://schemas.openxmlformats.org/drawingml/2006/chart"
	nsChartS   = "http://purl.oclc.org/ooxml/drawingml/chart"
	nsXStrict  = "http://purl.oclc.org/ooxml/spreadsheetml/main"
	nsXTrans   = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	formulaCap = 1 << 20
)

// formulaText are the elements whose text is a formula, with what it is for the report.
var formulaText = func() map[xml.Name]string {
	m := map[xml.Name]string{
		{Space: nsXM, Local: "f"}:              "extension-list formula",
		{Space: nsChart, Local: "f"}:           "chart series reference",
		{Space: nsChartS, Local: "f"}:          "chart series reference",
		{Space: nsC15, Local: "f"}:             "chart reference",
		{Space: nsCX, Local: "f"}:              "chart reference",
		{Space: nsVMLX, Local: "FmlaLink"}:     "form control cell link",
		{Space: nsVMLX, Local: "FmlaRange"}:    "form control input range",
		{Space: nsVMLX, Local: "FmlaGroup"}:    "form control group link",
		{Space: nsVMLX, Local: "FmlaTxbx"}:     "form control text link",
		{Space: nsVMLX, Local: "FmlaPict"}:     "linked picture range",
		{Space: nsVMLX, Local: "Formula"}:      "form control formula",
		{Space: nsVMLX, Local: "FmlaTextLink"}: "form control text link",
	}
	for _, ns := range []string{nsXTrans, nsXStrict} {
		m[xml.Name{Space: ns, Local: "f"}] = "cell formula"
		m[xml.Name{Space: ns, Local: "formula"}] = "conditional-format formula"
		m[xml.Name{Space: ns, Local: "formula1"}] = "data-validation formula"
		m[xml.Name{Space: ns, Local: "formula2"}] = "data-validation formula"
		m[xml.Name{Space: ns, Local: "definedName"}] = "defined name"
		m[xml.Name{Space: ns, Local: "calculatedColumnFormula"}] = "table column formula"
		m[xml.Name{Space: ns, Local: "totalsRowFormula"}] = "table totals formula"
	}
	return m
}()

// formulaUnits are the elements that go as a whole when a formula inside them is not
// inert: a rule or validation without its formula is not valid.
var formulaUnits = map[xml.Name]string{
	{Space: nsXTrans, Local: "cfRule"}:          "conditional-format rule",
	{Space: nsXStrict, Local: "cfRule"}:         "conditional-format rule",
	{Space: nsXTrans, Local: "dataValidation"}:  "data validation",
	{Space: nsXStrict, Local: "dataValidation"}: "data validation",
	// x14 rules carry their range in an xm:sqref child: the whole container goes.
	{Space: nsX14, Local: "conditionalFormatting"}: "conditional format (x14 extension)",
	{Space: nsX14, Local: "dataValidation"}:        "data validation (x14 extension)",
	{Space: nsX14, Local: "sparklineGroup"}:        "sparkline group",
}

// formulaAttrs are attributes whose value is a formula or reference: (element, attribute)
// and whether the element goes with a refused value (else only the attribute).
var formulaAttrs = map[xml.Name]map[string]bool{
	{Space: nsXTrans, Local: "cacheField"}:      {"formula": false},
	{Space: nsXStrict, Local: "cacheField"}:     {"formula": false},
	{Space: nsXTrans, Local: "calculatedItem"}:  {"formula": true},
	{Space: nsXStrict, Local: "calculatedItem"}: {"formula": true},
	{Space: nsXTrans, Local: "hyperlink"}:       {"location": false},
	{Space: nsXStrict, Local: "hyperlink"}:      {"location": false},
	{Space: nsX14, Local: "formControlPr"}:      {"fmlaLink": false, "fmlaRange": false, "fmlaGroup": false, "fmlaTxbx": false},
	{Space: nsXDR, Local: "sp"}:                 {"textlink": false},
	{Space: nsXDRS, Local: "sp"}:                {"textlink": false},
	{Space: nsXTrans, Local: "cfvo"}:            {"val": true},
	{Space: nsXStrict, Local: "cfvo"}:           {"val": true},
}

// sheetDrop are spreadsheet elements removed wherever they appear.
var sheetDrop = map[xml.Name]removal{
	{Space: nsXTrans, Local: "webPublishItems"}:    {sanitize.ActRemovedExternalLink, "web publishing targets (written to a path or URL on save)"},
	{Space: nsXStrict, Local: "webPublishItems"}:   {sanitize.ActRemovedExternalLink, "web publishing targets (written to a path or URL on save)"},
	{Space: nsXTrans, Local: "webPublishObjects"}:  {sanitize.ActRemovedExternalLink, "web publishing objects (written to a path or URL on save)"},
	{Space: nsXStrict, Local: "webPublishObjects"}: {sanitize.ActRemovedExternalLink, "web publishing objects (written to a path or URL on save)"},
	{Space: nsXTrans, Local: "calculatedMember"}:   {sanitize.ActNeutralizedFormula, "OLAP calculated member (MDX)"},
	{Space: nsXStrict, Local: "calculatedMember"}:  {sanitize.ActNeutralizedFormula, "OLAP calculated member (MDX)"},
}

// formulaStart decides on an element of a part that may hold formulas: it holds the
// element when its text or its children's text is a formula, and checks its
// formula-valued attributes now. Inside a held unit, a refused attribute condemns the
// whole unit. It reports false when the element is none of these.
func (r *ooxmlRules) formulaStart(t *tok, e *sheetEntry) (op, bool) {
	if e == nil {
		return opKeep, false
	}
	if d := e.drop; d != nil {
		r.report(d.kind, d.detail)
		return opDrop, true
	}
	if attrs := e.attrs; attrs != nil {
		for i := 0; i < len(t.attrs); i++ {
			a := t.attrs[i]
			whole, ok := attrs[a.Local]
			if !ok || a.Space != "" {
				continue
			}
			err := formula.Check(formula.Excel, t.rawAttr[i].Value)
			if err == nil {
				continue
			}
			if r.inUnit {
				if r.unitErr == nil {
					r.unitErr = err
				}
				continue
			}
			r.reportFormula(t.name.Local+" "+a.Local, err)
			if whole {
				return opDrop, true
			}
			t.removeAttr(i)
			i--
		}
	}
	if r.inUnit {
		return opKeep, false
	}
	if e.unit != "" || e.text != "" {
		r.inUnit, r.unitErr = true, nil
		return opHold, true
	}
	return opKeep, false
}

// heldFormula decides on a held unit or formula element at its end.
func (r *ooxmlRules) heldFormula(h *heldElem) bool {
	r.inUnit = false
	what := formulaUnits[h.name]
	if what == "" {
		what = formulaText[h.name]
	}
	if r.unitErr != nil {
		r.reportFormula(what, r.unitErr)
		r.unitErr = nil
		return false
	}
	if isCellFormula(h.name) {
		return r.cellFormula(h)
	}
	for _, tx := range h.texts {
		if _, ok := formulaTextIdx.get(tx.name); !ok {
			continue
		}
		if err := formula.Check(formula.Excel, string(tx.text)); err != nil {
			r.reportFormula(what, err)
			return false
		}
	}
	return true
}

func isCellFormula(n xml.Name) bool {
	return n.Local == "f" && (n.Space == nsXTrans || n.Space == nsXStrict)
}

// cellFormula judges a cell's <f>. A shared formula's master carries the text; the cells
// that share it carry only its index (si), so they go when their master went, or when no
// kept master came before them.
func (r *ooxmlRules) cellFormula(h *heldElem) bool {
	var text []byte
	for _, tx := range h.texts {
		if tx.name == h.name {
			if text == nil {
				text = tx.text // one text part: no copy
			} else {
				text = append(text[:len(text):len(text)], tx.text...)
			}
		}
	}
	typ, _ := h.attr("t")
	si, hasSI := h.attr("si")
	for _, a := range []string{"ref", "r1", "r2"} {
		if v, ok := h.attr(a); ok {
			if err := formula.Check(formula.Excel, v); err != nil {
				r.reportFormula("cell formula", err)
				return false
			}
		}
	}
	if typ == "shared" && hasSI && len(text) == 0 {
		if r.sharedKept[si] {
			return true
		}
		r.reportFormula("cell formula", errSharedGone)
		return false
	}
	if typ == "dataTable" && len(text) == 0 {
		return true // a what-if table: its cells are the r1 and r2 checked above
	}
	if err := formula.Check(formula.Excel, string(text)); err != nil {
		r.reportFormula("cell formula", err)
		if typ == "shared" && hasSI {
			delete(r.sharedKept, si)
		}
		return false
	}
	if typ == "shared" && hasSI {
		if r.sharedKept == nil {
			r.sharedKept = map[string]bool{}
		}
		r.sharedKept[si] = true
	}
	return true
}

var errSharedGone = errors.New("shares a formula that was removed or never defined")

// reportFormula reports a removed formula with the action its class calls for. The
// detail names the place and the reason, not the whole formula: a sheet can hold
// thousands of copies.
func (r *ooxmlRules) reportFormula(what string, err error) {
	d := formulaRemoval(what, err)
	r.report(d.kind, d.detail)
}

// formulaRemoval maps a refused formula to its action kind and detail.
func formulaRemoval(what string, err error) removal {
	kind := sanitize.ActNeutralizedFormula
	switch {
	case errors.Is(err, formula.ErrDDE):
		kind = sanitize.ActRemovedDDE
	case errors.Is(err, formula.ErrRemote), errors.Is(err, formula.ErrExternal), errors.Is(err, formula.ErrLink):
		kind = sanitize.ActRemovedExternalLink
	}
	kept := ""
	if what == "cell formula" {
		kept = ", cached value kept"
	}
	return removal{kind, what + " removed" + kept + ": " + clip(err.Error())}
}
