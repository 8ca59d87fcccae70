package pdf

import (
	"bytes"
	"fmt"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/sekisho/sekisho/sanitize"
)

// annotSchemas are the full allow-lists of the kept annotation types.
var annotSchemas = func() map[string]schema {
	m := map[string]schema{}
	for st, s := range keptAnnots {
		m[st] = merge(annotKeys, s)
	}
	return m
}()

// annot rebuilds an annotation whose resolved subtype is kept, or drops and reports it.
// A widget is also its form field: it is built once, whichever way it is reached first.
func (b *builder) annot(v types.Object, nr int) (any, bool, error) {
	d, ok := v.(types.Dict)
	if !ok {
		return b.drop(nr, "Annot")
	}
	st := b.nameOf(d, "Subtype")
	s, kept := annotSchemas[st]
	if !kept {
		if st == "" {
			st = "untyped"
		}
		b.report(annotKind(st), st+" annotation")
		return b.drop(nr, "Annot")
	}
	return b.place(nr, "Annot", false, func() (any, error) {
		out, err := b.fields(d, s, "Annot/"+st)
		if err != nil {
			return nil, err
		}
		out["Type"] = name("Annot")
		out["Subtype"] = name(st)
		if out["Rect"] == nil {
			out["Rect"] = array{int64(0), int64(0), int64(0), int64(0)}
		}
		if r, ok := d["P"].(types.IndirectRef); ok {
			if p, ok := b.pageRefs[r.ObjectNumber.Value()]; ok {
				out["P"] = p
			}
		}
		return out, nil
	})
}

// formField rebuilds a non-terminal or terminal field; a field that is also a widget is
// built as the annotation.
func (b *builder) formField(v types.Object, nr int) (any, bool, error) {
	d, ok := v.(types.Dict)
	if !ok {
		return b.drop(nr, "Field")
	}
	if b.nameOf(d, "Subtype") == "Widget" {
		if r, ok := b.memo[memoKey{nr, "Annot"}]; ok && nr >= 0 {
			return r, r != 0, nil
		}
		return b.annot(d, nr)
	}
	return b.place(nr, "Field", false, func() (any, error) {
		return b.fields(d, fieldKeys, "Field")
	})
}

// fieldValue rebuilds a field value (text, a name for buttons, a list of texts for
// choices) or /Opt (texts, or pairs of export value and text).
func (b *builder) fieldValue(v types.Object, typ string) (any, bool, error) {
	if s, ok := b.text(v); ok {
		return str(s), true, nil
	}
	if n, ok := v.(types.Name); ok && typ == "FieldValue" {
		return name(n), true, nil
	}
	a, ok := v.(types.Array)
	if !ok {
		return nil, false, nil
	}
	out := array{}
	for _, e := range a {
		if s, ok := b.text(e); ok {
			out = append(out, str(s))
			continue
		}
		pair, ok := b.array(e)
		if typ != "Opt" || !ok || len(pair) != 2 {
			return nil, false, nil
		}
		x, ok1 := b.text(pair[0])
		y, ok2 := b.text(pair[1])
		if !ok1 || !ok2 {
			return nil, false, nil
		}
		out = append(out, array{str(x), str(y)})
	}
	return out, true, nil
}

// defaultAppearance re-serialises a /DA string, which is a content stream fragment
// ("/Helv 0 Tf 0 g") that viewers run when they draw a field.
func (b *builder) defaultAppearance(v types.Object) (any, bool, error) {
	s, ok := b.text(v)
	if !ok {
		return nil, false, nil
	}
	out, err := b.content(s, "default appearance")
	if err != nil {
		return nil, false, err
	}
	return str(bytes.Clone(out)), true, nil
}

// smallArray rebuilds the fixed-shape arrays: borders, dash patterns, the font entry of a
// graphics state, encoding differences and CID widths.
func (b *builder) smallArray(v types.Object, typ string) (any, bool, error) {
	a, ok := v.(types.Array)
	if !ok {
		return nil, false, nil
	}
	switch typ {
	case "Border": // [h v width] or [h v width [dash]] (12.5.2)
		if len(a) != 3 && len(a) != 4 {
			return nil, false, nil
		}
		out, ok := b.nums(a[:3], 3)
		if !ok {
			return nil, false, nil
		}
		if len(a) == 4 {
			dash, ok := b.nums(a[3], 0)
			if !ok {
				return nil, false, nil
			}
			out = append(out, dash)
		}
		return out, true, nil
	case "DashPattern": // [[dash] phase] (8.4.3.6)
		if len(a) != 2 {
			return nil, false, nil
		}
		dash, ok1 := b.nums(a[0], 0)
		phase, ok2 := b.numValue(a[1])
		if !ok1 || !ok2 {
			return nil, false, nil
		}
		return array{dash, phase}, true, nil
	case "GSFont": // [font size] (8.4.5)
		if len(a) != 2 {
			return nil, false, nil
		}
		f, ok, err := b.typed(a[0], "Font")
		if err != nil || !ok {
			return nil, false, err
		}
		size, ok := b.numValue(a[1])
		if !ok {
			return nil, false, nil
		}
		return array{f, size}, true, nil
	case "Differences": // code name name ... code name ... (9.6.5.1)
		out := make(array, 0, len(a))
		for _, e := range a {
			if i, ok := b.integer(e); ok && i >= 0 && i <= 255 {
				out = append(out, i)
			} else if n, ok := b.nameValue(e); ok && len(out) > 0 {
				out = append(out, name(n))
			} else {
				return nil, false, nil
			}
		}
		return out, true, nil
	case "CIDWidths": // c [w ...] or c_first c_last w ... (9.7.4.3)
		out := make(array, 0, len(a))
		for _, e := range a {
			if n, ok := b.numValue(e); ok {
				out = append(out, n)
			} else if ws, ok := b.nums(e, 0); ok {
				out = append(out, ws)
			} else {
				return nil, false, nil
			}
		}
		return out, true, nil
	}
	return nil, false, nil
}

var ocSchemas = map[string]schema{"OCG": ocgKeys, "OCMD": ocmdKeys}

// optionalContent rebuilds a layer (OCG) or layer membership (OCMD); marked-content
// properties and /OC entries may only be these. Each is built once, by its own type.
func (b *builder) optionalContent(v types.Object, nr int, typ string) (any, bool, error) {
	d, ok := v.(types.Dict)
	if !ok {
		return b.drop(nr, typ)
	}
	t := b.nameOf(d, "Type")
	s, known := ocSchemas[t]
	if !known || typ == "OCG" && t != "OCG" || typ == "OCMD" && t != "OCMD" {
		if typ == "Properties" {
			b.report(sanitize.ActRemovedUnknown, "marked-content property list that is not a layer")
		}
		return b.drop(nr, typ)
	}
	if typ != t && nr >= 0 {
		if r, ok := b.memo[memoKey{nr, t}]; ok {
			return r, r != 0, nil
		}
	}
	return b.place(nr, t, false, func() (any, error) {
		out, err := b.fields(d, s, t)
		if err != nil {
			return nil, err
		}
		out["Type"] = name(t)
		if t == "OCG" && out["Name"] == nil {
			out["Name"] = str("")
		}
		return out, nil
	})
}

// ocNested rebuilds the nested arrays of optional content: the panel order (layers,
// labels, sub-arrays), radio-button groups and visibility expressions.
func (b *builder) ocNested(v types.Object, typ string, depth int) (any, bool, error) {
	if depth > 16 {
		b.report(sanitize.ActRemovedUnknown, fmt.Sprintf("%s nested deeper than 16 levels", typ))
		return nil, false, nil
	}
	a, ok := v.(types.Array)
	if !ok {
		return nil, false, nil
	}
	out := array{}
	for i, e := range a {
		ev, _, err := b.resolve(e)
		if err != nil {
			return nil, false, err
		}
		switch ev := ev.(type) {
		case types.Array:
			if typ == "OCGroups" && depth > 0 {
				continue
			}
			sub, ok, err := b.ocNested(ev, typ, depth+1)
			if err != nil {
				return nil, false, err
			}
			if ok {
				out = append(out, sub)
			}
		case types.Name:
			if typ == "VE" && i == 0 && (ev == "And" || ev == "Or" || ev == "Not") {
				out = append(out, name(ev))
			}
		case types.StringLiteral, types.HexLiteral:
			if typ == "OCOrder" && i == 0 {
				s, _ := b.text(ev)
				out = append(out, str(s))
			}
		case types.Dict:
			g, ok, err := b.typed(e, "OCG")
			if err != nil {
				return nil, false, err
			}
			if ok {
				out = append(out, g)
			}
		}
	}
	return out, true, nil
}

// appearance rebuilds an appearance dictionary (12.5.5): /N, /R and /D, each a form
// XObject or a dictionary of them by appearance state.
func (b *builder) appearance(v types.Object) (any, bool, error) {
	d, ok := v.(types.Dict)
	if !ok {
		return nil, false, nil
	}
	out := dict{}
	for _, k := range sortedKeys(d) {
		f, ok := appearanceKeys[k]
		if !ok {
			b.dropKey("Appearance", k, d[k])
			continue
		}
		sv, _, err := b.resolve(d[k])
		if err != nil {
			return nil, false, err
		}
		if states, isDict := sv.(types.Dict); isDict {
			m := dict{}
			for _, st := range sortedKeys(states) {
				fv, ok, err := b.typed(states[st], f.typ)
				if err != nil {
					return nil, false, err
				}
				if ok {
					m[st] = fv
				}
			}
			out[k] = m
			continue
		}
		fv, ok, err := b.typed(d[k], f.typ)
		if err != nil {
			return nil, false, err
		}
		if ok {
			out[k] = fv
		}
	}
	return out, len(out) > 0, nil
}
