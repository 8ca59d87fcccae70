package ooxml

import "encoding/xml"

// The rules ask every table about every element and attribute of a part, and most of
// them are on no table. Hashing a namespace URI for each question was a third of the
// rewrite's time; these indexes answer from the local name first, which is short, and
// remember the last namespace answer, since a part is written in a handful of them.

// byLocal indexes a table keyed by xml.Name under the local part.
type byLocal[V any] map[string][]spaced[V]

type spaced[V any] struct {
	space string
	v     V
}

func indexByLocal[V any](m map[xml.Name]V) byLocal[V] {
	b := byLocal[V]{}
	for n, v := range m {
		b[n.Local] = append(b[n.Local], spaced[V]{n.Space, v})
	}
	return b
}

func (b byLocal[V]) get(n xml.Name) (V, bool) {
	for _, e := range b[n.Local] {
		if e.space == n.Space {
			return e.v, true
		}
	}
	var zero V
	return zero, false
}

// nsMemo remembers whether the last namespace asked about was known.
type nsMemo struct {
	last  string
	known bool
	set   bool
}

func (m *nsMemo) check(space string, f func(string) bool) bool {
	if m.set && space == m.last {
		return m.known
	}
	m.last, m.known, m.set = space, f(space), true
	return m.known
}

// sheetEntry is everything the spreadsheet tables say about one element, so that an
// element costs one lookup whatever it is.
type sheetEntry struct {
	drop  *removal
	attrs map[string]bool
	unit  string
	text  string
}

// sheetIdx is asked once per element name: the answer is kept in the schema cache
// (elemEntry.sheet).
var sheetIdx = func() byLocal[*sheetEntry] {
	all := map[xml.Name]*sheetEntry{}
	get := func(n xml.Name) *sheetEntry {
		if all[n] == nil {
			all[n] = &sheetEntry{}
		}
		return all[n]
	}
	for n, d := range sheetDrop {
		get(n).drop = &d
	}
	for n, a := range formulaAttrs {
		get(n).attrs = a
	}
	for n, u := range formulaUnits {
		get(n).unit = u
	}
	for n, w := range formulaText {
		get(n).text = w
	}
	return indexByLocal(all)
}()

var (
	formulaTextIdx     = indexByLocal(formulaText)
	odfDropIdx         = indexByLocal(odfDrop)
	odfUnwrapIdx       = indexByLocal(odfUnwrap)
	odfUnitsIdx        = indexByLocal(odfUnits)
	odfFormulaAttrsIdx = indexByLocal(odfFormulaAttrs)
	odfURIAttrsIdx     = indexByLocal(odfURIAttrs)
	odfFetchAttrsIdx   = indexByLocal(odfFetchAttrs)
	odfAttrDropIdx     = indexByLocal(odfAttrDrop)
	metaKeepIdx        = indexByLocal(metaKeep)
	metaKeepAlsoIdx    = indexByLocal(metaKeepAlso)
	authorElemAttrsIdx = indexByLocal(authorElemAttrs)
)
