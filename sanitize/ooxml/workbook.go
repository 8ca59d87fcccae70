package ooxml

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// sheetMap remaps sheet indices after sheets (macro sheets, dialog sheets) were removed
// from a workbook: defined names carry localSheetId and views carry activeTab, both
// positions in <sheets>, and a stale one makes Excel repair the file.
type sheetMap struct {
	newIndex []int // old position -> new position, -1 when removed
}

// sheetScan collects the r:id of every <sheet> in document order.
type sheetScan struct{ ids []string }

func (s *sheetScan) push(t *tok) error {
	st, ok := t.start()
	if !ok || !nsX.has(t.name.Space) || t.name.Local != "sheet" {
		return nil
	}
	id := ""
	for i, a := range t.attrs {
		if nsR.has(a.Space) && a.Local == "id" {
			id = st.Attr[i].Value
		}
	}
	s.ids = append(s.ids, id)
	return nil
}

func (s *sheetScan) finish() error { return nil }

// prepareWorkbook builds the sheet map when the workbook lost sheets, drops the calculation
// chain (it lists cells of removed sheets; Excel rebuilds it) and refuses a workbook left
// with no sheet at all.
func (j *job) prepareWorkbook() error {
	if j.fam != famExcel {
		return nil
	}
	rp := j.relsOf[j.main.key]
	if rp == nil {
		return nil
	}
	dead := map[string]bool{}
	var calc *part
	for _, r := range rp.rels {
		t := j.byKey[strings.ToLower(r.target)]
		if r.drop || (t != nil && t.gone) {
			dead[r.ID] = true
		}
		if relKind(r.Type) == "calcChain" && t != nil {
			calc = t
		}
	}
	if len(dead) == 0 {
		return nil
	}
	data, err := readPart(j.main.f, j.b, 0)
	if err != nil {
		return err
	}
	var sc sheetScan
	if err := readXML(j.ctx, bytes.NewReader(data), &sc); err != nil {
		return fmt.Errorf("%s: %w", j.main.name, err)
	}
	m := &sheetMap{newIndex: make([]int, len(sc.ids))}
	n, removed := 0, 0
	for i, id := range sc.ids {
		if dead[id] {
			m.newIndex[i] = -1
			removed++
			continue
		}
		m.newIndex[i] = n
		n++
	}
	if removed == 0 {
		return nil
	}
	if n == 0 {
		return fmt.Errorf("%w: no worksheet left after removing macro and dialog sheets", sanitize.ErrUnsupported)
	}
	j.sheetMap = m
	if calc != nil && !calc.gone {
		j.remove(calc, sanitize.ActRemovedPart, "calculation chain of removed sheets (Excel rebuilds it)")
	}
	return nil
}
