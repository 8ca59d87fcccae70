package pdf

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"github.com/sekisho/sekisho/sanitize"
)

// objStmIndex makes object nr, compressed in object stream stm, the object the stream's
// own prolog numbers nr, when the cross-reference index says otherwise. pdfcpu reads
// compressed objects by the xref index alone; qpdf, MuPDF and pdf.js read them by the
// prolog's numbers. Cairo 1.18.0 writes a 2-byte index field, which wraps after 65,535
// objects in one stream: a Firefox print of a long page (pdf.js bug1978317.pdf) then had
// its page tree point at an annotation, and was refused as having no pages. Either
// reading is rebuilt from the allow-lists; this one is what the file's readers show.
func (b *builder) objStmIndex(nr, stm int, e *model.XRefTableEntry) {
	se, ok := b.x.Table[stm]
	if !ok || se == nil || e.ObjectStreamInd == nil {
		return
	}
	osd, ok := se.Object.(types.ObjectStreamDict)
	if !ok {
		return
	}
	idx, ok := b.objStmNums[stm]
	if !ok {
		idx = prologIndex(osd, config(b.b).Limits.MaxDecodeBytes)
		if b.objStmNums == nil {
			b.objStmNums = map[int]map[int]int{}
		}
		b.objStmNums[stm] = idx
	}
	j, ok := idx[nr]
	if !ok || j == *e.ObjectStreamInd || j >= len(osd.ObjArray) {
		return
	}
	l, ok := osd.ObjArray[j].(types.LazyObjectStreamObject)
	if !ok {
		return
	}
	e.Object, e.ObjectStreamInd = l, &j
	b.report(sanitize.ActRebuilt, fmt.Sprintf("object stream %d: objects whose cross-reference index disagrees with the stream's own numbering, read by the numbering as other readers do", stm))
}

// prologIndex maps the object numbers an object stream's prolog lists to their index in
// the stream; nil when the prolog does not read as pairs of integers, or a number is
// listed twice (then no reading is better than the xref's).
func prologIndex(osd types.ObjectStreamDict, limit int64) map[int]int {
	prolog, err := osd.StreamDict.DecodeLengthWithLimit(int64(osd.FirstObjOffset), limit)
	if err != nil {
		return nil
	}
	f := bytes.Fields(bytes.ReplaceAll(prolog, []byte{0}, []byte{' '}))
	if len(f)%2 != 0 {
		return nil
	}
	m := make(map[int]int, len(f)/2)
	for i := 0; i < len(f); i += 2 {
		n, err := strconv.Atoi(string(f[i]))
		if _, dup := m[n]; err != nil || dup {
			return nil
		}
		m[n] = i / 2
	}
	return m
}
