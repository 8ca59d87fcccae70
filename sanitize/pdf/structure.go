package pdf

import (
	"slices"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// The logical structure (14.7) is rebuilt like everything else: elements from
// structElemKeys, their parents re-pointed to the rebuilt elements, the parent tree and
// the identifier tree rebuilt flat. Elements reach pages, annotations and XObjects only
// through the builders of those types, so a structure element can keep nothing that the
// page itself would not.

// structTreeRoot rebuilds the root; its elements point back to it.
func (b *builder) structTreeRoot(v types.Object, nr int) (any, bool, error) {
	d, ok := v.(types.Dict)
	if !ok {
		return b.drop(nr, "StructTreeRoot")
	}
	r := b.w.alloc()
	if nr >= 0 {
		b.memo[memoKey{nr, "StructTreeRoot"}] = r
	}
	b.structRootNr, b.structRoot = nr, r
	out, err := b.fields(d, structTreeRootKeys, "StructTreeRoot")
	if err != nil {
		return nil, false, err
	}
	out["Type"] = name("StructTreeRoot")
	b.w.put(r, out)
	return r, true, nil
}

// structElem rebuilds an element; one without a structure type is dropped.
func (b *builder) structElem(v types.Object, nr int) (any, bool, error) {
	d, ok := v.(types.Dict)
	if !ok || b.nameOf(d, "S") == "" {
		return b.drop(nr, "StructElem")
	}
	return b.place(nr, "StructElem", false, func() (any, error) {
		out, err := b.fields(d, structElemKeys, "StructElem")
		if err != nil {
			return nil, err
		}
		out["Type"] = name("StructElem")
		if p, ok := d["P"].(types.IndirectRef); ok {
			switch pnr := p.ObjectNumber.Value(); {
			case pnr == b.structRootNr && b.structRoot != 0:
				out["P"] = b.structRoot
			default:
				if pe, ok, err := b.typed(p, "StructElem"); err != nil {
					return nil, err
				} else if ok {
					out["P"] = pe
				}
			}
		}
		if out["P"] == nil && b.structRoot != 0 {
			out["P"] = b.structRoot
		}
		return out, nil
	})
}

// structKid rebuilds one child of an element: a marked-content identifier, a marked-
// content or object reference, or an element.
func (b *builder) structKid(v types.Object, nr int) (any, bool, error) {
	switch v := v.(type) {
	case types.Integer:
		return int64(v), v >= 0, nil
	case types.Dict:
		switch b.nameOf(v, "Type") {
		case "MCR":
			out, err := b.fields(v, mcrKeys, "MCR")
			if err != nil || out["MCID"] == nil {
				return nil, false, err
			}
			out["Type"] = name("MCR")
			return out, true, nil
		case "OBJR":
			out, err := b.fields(v, objrKeys, "OBJR")
			if err != nil || out["Obj"] == nil {
				return nil, false, err
			}
			out["Type"] = name("OBJR")
			return out, true, nil
		}
		if r, ok := b.memo[memoKey{nr, "StructElem"}]; ok && nr >= 0 {
			return r, r != 0, nil
		}
		return b.structElem(v, nr)
	}
	return nil, false, nil
}

// structObj is what an object reference points to: an annotation or an XObject, each
// built by its own type.
func (b *builder) structObj(v types.Object, nr int) (any, bool, error) {
	if _, ok := v.(types.StreamDict); ok {
		if r, ok := b.memo[memoKey{nr, "XObject"}]; ok && nr >= 0 {
			return r, r != 0, nil
		}
		return b.xobject(v, nr, "XObject")
	}
	if r, ok := b.memo[memoKey{nr, "Annot"}]; ok && nr >= 0 {
		return r, r != 0, nil
	}
	return b.annot(v, nr)
}

// attributes rebuilds an attribute object; a revision number between them is kept.
func (b *builder) attributes(v types.Object, nr int) (any, bool, error) {
	switch v := v.(type) {
	case types.Integer:
		return int64(v), true, nil
	case types.Dict:
		return b.place(nr, "Attributes", false, func() (any, error) {
			out, err := b.fields(v, attributeKeys, "Attributes")
			if err != nil || out["O"] == nil {
				return nil, err
			}
			return out, nil
		})
	}
	return nil, false, nil
}

// attrValue is a number, name, string, or an array of them (one level of nesting, for
// per-side values).
func (b *builder) attrValue(v types.Object, depth int) (any, bool, error) {
	switch v := v.(type) {
	case types.Integer, types.Float:
		n, ok := b.numValue(v)
		return n, ok, nil
	case types.Name:
		return name(v), true, nil
	case types.StringLiteral, types.HexLiteral:
		s, ok := b.text(v)
		return str(s), ok, nil
	case types.Array:
		if depth > 0 {
			return nil, false, nil
		}
		out := array{}
		for _, e := range v {
			ev, _, err := b.resolve(e)
			if err != nil {
				return nil, false, err
			}
			x, ok, err := b.attrValue(ev, depth+1)
			if err != nil || !ok {
				return nil, false, err
			}
			out = append(out, x)
		}
		return out, true, nil
	}
	return nil, false, nil
}

// roleMap keeps name-to-name entries.
func (b *builder) roleMap(v types.Object) (any, bool, error) {
	d, ok := v.(types.Dict)
	if !ok {
		return nil, false, nil
	}
	out := dict{}
	for _, k := range sortedKeys(d) {
		if n, ok := b.nameValue(d[k]); ok {
			out[k] = name(n)
		}
	}
	return out, true, nil
}

// parentTree rebuilds the parent tree flat: each key maps to an element or an array of
// elements (null where an identifier has none).
func (b *builder) parentTree(v types.Object) (any, bool, error) {
	es, err := b.treeEntries(v, true)
	if err != nil {
		return nil, false, err
	}
	slices.SortStableFunc(es, func(x, y treeEntry) int { return int(min(max(x.n-y.n, -1), 1)) })
	nums := array{}
	for i, e := range es {
		if i > 0 && e.n == es[i-1].n || e.n < 0 {
			continue
		}
		ev, _, err := b.resolve(e.v)
		if err != nil {
			return nil, false, err
		}
		if a, ok := ev.(types.Array); ok {
			out := make(array, 0, len(a))
			for _, el := range a {
				r, ok, err := b.typed(el, "StructElem")
				if err != nil {
					return nil, false, err
				}
				if !ok {
					r = nil
				}
				out = append(out, r)
			}
			nums = append(nums, e.n, out)
			continue
		}
		if r, ok, err := b.typed(e.v, "StructElem"); err != nil {
			return nil, false, err
		} else if ok {
			nums = append(nums, e.n, r)
		}
	}
	return dict{"Nums": nums}, true, nil
}

// idTree rebuilds the element identifier tree flat.
func (b *builder) idTree(v types.Object) (any, bool, error) {
	return b.flatNameTree(v, "StructElem")
}
