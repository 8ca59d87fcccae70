package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/sekisho/sekisho/sanitize"
)

// maxBuildDepth bounds the nesting of objects the builder follows (a form XObject in a
// pattern in a form ..., a /Next chain, a field tree). Deeper values are cut and
// reported: no real document comes near it, and Go cannot recover from a stack overflow.
const maxBuildDepth = 256

// builder rebuilds a document from pdfcpu's parse into the output writer. Every object
// is reached from the catalog through a key on the allow-list of its parent's type, so
// the type it is rebuilt as comes from where it sits, never from what it claims; values
// are resolved (indirect references followed) before anything is decided on them.
type builder struct {
	ctx  context.Context
	x    *model.XRefTable
	b    *sanitize.Budget
	path string
	opt  *Sanitizer
	w    *writer
	rep  reporter

	memo     map[memoKey]ref // input object and the type it was built as -> output object; 0 = dropped
	pageRefs map[int]ref     // input page object number -> output page
	pageNo   map[int]int     // input page object number -> page number from 1
	where    string          // the page being built, for reports
	depth    int
	steps    int

	objStmCharged map[int]int64           // object stream -> decoded bytes charged to the budget
	objStmNums    map[int]map[int]int     // object stream -> its prolog's object numbers -> index
	zr            io.ReadCloser           // reused Flate decompressor
	ops           operands                // the operand stack of the content stream being read
	strs          []byte                  // the bytes of its hex strings
	opArgs        []operand               // operands of the content operator being written
	fonts         map[[32]byte]fontResult // font programs rebuilt, by content
	structRootNr  int                     // the input's structure tree root
	structRoot    ref                     // and its rebuilt form
	body          io.ReaderAt             // the input, to read streams whose /Length is wrong
	size          int64

	// Memory reused from one content stream to the next: each is decoded, rewritten and
	// written out before the next is read.
	decoded []byte       // a decoded content stream (contentData)
	joined  []byte       // a page's content streams joined
	out     bytes.Buffer // a rewritten content stream (content)
}

type memoKey struct {
	nr  int
	typ string
}

// errCut ends the building of one value that nests too deep; the value is dropped.
var errCut = errors.New("nesting cut")

func (b *builder) enter() error {
	b.steps++
	if b.steps&0x3ff == 0 {
		if err := b.ctx.Err(); err != nil {
			return err
		}
	}
	if b.depth >= maxBuildDepth {
		return errCut
	}
	b.depth++
	return nil
}

func (b *builder) leave() { b.depth-- }

// resolve follows references until a direct object, returning the number of the last
// object followed (-1 for a direct value). A missing or free object is null (7.3.10).
func (b *builder) resolve(o types.Object) (types.Object, int, error) {
	nr := -1
	for range 16 {
		r, ok := o.(types.IndirectRef)
		if !ok {
			switch o.(type) {
			case types.ObjectStreamDict, types.XRefStreamDict:
				// The input's own object and xref streams are structure, never content.
				return nil, nr, nil
			}
			return o, nr, nil
		}
		nr = r.ObjectNumber.Value()
		if err := b.load(nr); err != nil {
			return nil, nr, err
		}
		v, err := b.x.Dereference(r)
		if err != nil {
			return nil, nr, fmt.Errorf("pdf: %w: object %d: %v", sanitize.ErrMalformed, nr, err)
		}
		o = v
	}
	return nil, nr, nil
}

// load decodes the object stream holding object nr, if any, and charges its decoded size
// against limits.max_total_size: pdfcpu decodes object streams lazily, each bounded only
// by its own limit. The size is read from the capacity of the object's slice into the
// stream's content, which reaches to the end of the content.
func (b *builder) load(nr int) error {
	e, ok := b.x.Table[nr]
	if !ok || e == nil || e.ObjectStream == nil {
		return nil
	}
	stm := *e.ObjectStream
	b.objStmIndex(nr, stm, e)
	l, ok := e.Object.(types.LazyObjectStreamObject)
	if !ok {
		return nil
	}
	data, err := l.GetData()
	if err != nil {
		if errors.Is(err, filter.ErrDecodeLimitExceeded) {
			return decodeLimit(b.b)
		}
		return fmt.Errorf("pdf: %w: object stream %d: %v", sanitize.ErrMalformed, stm, err)
	}
	if size := int64(cap(data)); size > b.objStmCharged[stm] {
		if err := b.b.AddExpanded(size - b.objStmCharged[stm]); err != nil {
			return err
		}
		b.objStmCharged[stm] = size
	}
	return nil
}

// resolveDict resolves o to a dictionary; a stream gives its dictionary.
func (b *builder) resolveDict(o types.Object) (types.Dict, int, error) {
	v, nr, err := b.resolve(o)
	if err != nil {
		return nil, nr, err
	}
	switch v := v.(type) {
	case types.Dict:
		return v, nr, nil
	case types.StreamDict:
		return v.Dict, nr, nil
	}
	return nil, nr, nil
}

// nameOf returns the resolved name at key, or "".
func (b *builder) nameOf(d types.Dict, key string) string {
	v, _, err := b.resolve(d[key])
	if err != nil {
		return ""
	}
	if n, ok := v.(types.Name); ok {
		return string(n)
	}
	return ""
}

// Scalars, resolved and checked.

func (b *builder) num(o types.Object) (float64, bool) {
	v, _, err := b.resolve(o)
	if err != nil {
		return 0, false
	}
	switch v := v.(type) {
	case types.Integer:
		return float64(v), true
	case types.Float:
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return 0, false
		}
		return float64(v), true
	}
	return 0, false
}

// numValue keeps integers integral in the output.
func (b *builder) numValue(o types.Object) (any, bool) {
	v, _, err := b.resolve(o)
	if err != nil {
		return nil, false
	}
	switch v := v.(type) {
	case types.Integer:
		return int64(v), true
	case types.Float:
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, false
		}
		return float64(v), true
	}
	return nil, false
}

func (b *builder) integer(o types.Object) (int64, bool) {
	v, _, err := b.resolve(o)
	if err != nil {
		return 0, false
	}
	switch v := v.(type) {
	case types.Integer:
		return int64(v), true
	case types.Float:
		if f := float64(v); f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return int64(f), true
		}
	}
	return 0, false
}

func (b *builder) text(o types.Object) ([]byte, bool) {
	v, _, err := b.resolve(o)
	if err != nil {
		return nil, false
	}
	switch v := v.(type) {
	case types.StringLiteral:
		s, err := types.Unescape(string(v))
		return s, err == nil
	case types.HexLiteral:
		h := string(v)
		if len(h)%2 == 1 {
			h += "0"
		}
		s, err := types.HexLiteral(h).Bytes()
		return s, err == nil
	}
	return nil, false
}

func (b *builder) nameValue(o types.Object) (string, bool) {
	v, _, err := b.resolve(o)
	if err != nil {
		return "", false
	}
	n, ok := v.(types.Name)
	return string(n), ok
}

func (b *builder) array(o types.Object) (types.Array, bool) {
	v, _, err := b.resolve(o)
	if err != nil {
		return nil, false
	}
	a, ok := v.(types.Array)
	return a, ok
}

func (b *builder) nums(o types.Object, n int) (array, bool) {
	a, ok := b.array(o)
	if !ok || n > 0 && len(a) != n {
		return nil, false
	}
	out := make(array, 0, len(a))
	for _, e := range a {
		v, ok := b.numValue(e)
		if !ok {
			return nil, false
		}
		out = append(out, v)
	}
	return out, true
}

// scalar rebuilds a value of a scalar kind.
func (b *builder) scalar(o types.Object, k kind) (any, bool) {
	switch k {
	case kName:
		n, ok := b.nameValue(o)
		return name(n), ok
	case kInt:
		i, ok := b.integer(o)
		return i, ok
	case kNum:
		return b.numValue(o)
	case kBool:
		v, _, err := b.resolve(o)
		if bv, ok := v.(types.Boolean); ok && err == nil {
			return bool(bv), true
		}
	case kText:
		s, ok := b.text(o)
		return str(s), ok
	case kNums:
		if n, ok := b.numValue(o); ok { // /Gamma of CalGray is a single number
			return n, true
		}
		return b.nums(o, 0)
	case kRect:
		return b.nums(o, 4)
	case kNames:
		if n, ok := b.nameValue(o); ok {
			return name(n), true
		}
		a, ok := b.array(o)
		if !ok {
			return nil, false
		}
		out := array{}
		for _, e := range a {
			n, ok := b.nameValue(e)
			if !ok {
				return nil, false
			}
			out = append(out, name(n))
		}
		return out, true
	case kBools:
		a, ok := b.array(o)
		if !ok {
			return nil, false
		}
		out := array{}
		for _, e := range a {
			v, _, _ := b.resolve(e)
			bv, ok := v.(types.Boolean)
			if !ok {
				return nil, false
			}
			out = append(out, bool(bv))
		}
		return out, true
	case kNumRows:
		a, ok := b.array(o)
		if !ok {
			return nil, false
		}
		out := array{}
		for _, e := range a {
			row, ok := b.nums(e, 0)
			if !ok {
				return nil, false
			}
			out = append(out, row)
		}
		return out, true
	}
	return nil, false
}

// fields rebuilds the keys of d that s allows, each by its kind, and reports every other
// key. kLink keys are left to the caller. label names the object type in reports.
func (b *builder) fields(d types.Dict, s schema, label string) (dict, error) {
	out := dict{}
	for _, k := range sortedKeys(d) {
		f, ok := s[k]
		if !ok {
			if streamKeys[k] {
				continue // stream structure: rewritten by the writer from the data
			}
			b.dropKey(label, k, d[k])
			continue
		}
		if f.kind == kLink {
			continue
		}
		v, keep, err := b.value(d[k], f)
		if err != nil {
			return nil, err
		}
		if !keep {
			if v, _, _ := b.resolve(d[k]); v != nil && f.kind < kObj {
				b.report(sanitize.ActRemovedUnknown, fmt.Sprintf("/%s on %s (malformed value)", k, label))
			}
			continue
		}
		out[k] = v
	}
	return out, nil
}

// streamKeys describe a stream's encoding; the writer sets them for the data it writes.
var streamKeys = map[string]bool{"Length": true, "Filter": true, "DecodeParms": true, "DL": true}

func sortedKeys(d types.Dict) []string {
	ks := make([]string, 0, len(d))
	for k := range d {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// value rebuilds one allowed value.
func (b *builder) value(o types.Object, f field) (any, bool, error) {
	switch f.kind {
	case kObj:
		return b.typed(o, f.typ)
	case kArr:
		v, _, err := b.resolve(o)
		if err != nil {
			return nil, false, err
		}
		a, isArr := v.(types.Array)
		if !isArr {
			// A single value where an array is allowed (/Next, /Function) is read as one.
			return b.typed(o, f.typ)
		}
		out := array{}
		for _, e := range a {
			ev, keep, err := b.typed(e, f.typ)
			if err != nil {
				return nil, false, err
			}
			if keep {
				out = append(out, ev)
			}
		}
		return out, true, nil
	case kMap:
		d, _, err := b.resolveDict(o)
		if err != nil || d == nil {
			return nil, false, err
		}
		out := dict{}
		for _, k := range sortedKeys(d) {
			ev, keep, err := b.typed(d[k], f.typ)
			if err != nil {
				return nil, false, err
			}
			if keep {
				out[k] = ev
			}
		}
		return out, true, nil
	case kLink:
		return nil, false, nil
	}
	v, ok := b.scalar(o, f.kind)
	return v, ok, nil
}

// typed rebuilds o as an object of type typ. It returns keep=false when o is dropped
// (already reported) or is not a valid value of the type.
func (b *builder) typed(o types.Object, typ string) (any, bool, error) {
	if err := b.enter(); err != nil {
		if errors.Is(err, errCut) {
			b.report(sanitize.ActRemovedUnknown, fmt.Sprintf("%s nested deeper than %d levels", typ, maxBuildDepth))
			return nil, false, nil
		}
		return nil, false, err
	}
	defer b.leave()
	v, nr, err := b.resolve(o)
	if err != nil || v == nil {
		return nil, false, err
	}
	if nr >= 0 {
		if r, ok := b.memo[memoKey{nr, typ}]; ok {
			return r, r != 0, nil
		}
	}
	return b.build(v, nr, typ)
}

// drop records that input object nr is not kept as typ, so later references to it are
// dropped without a second report.
func (b *builder) drop(nr int, typ string) (any, bool, error) {
	if nr >= 0 {
		b.memo[memoKey{nr, typ}] = 0
	}
	return nil, false, nil
}

// place returns the output form of an object: a reference when the input object was
// indirect (shared objects stay shared, and a cycle ends at the reference) or when it is
// a stream, else the value itself. build returns nil to drop the object.
func (b *builder) place(nr int, typ string, isStream bool, build func() (any, error)) (any, bool, error) {
	if nr < 0 && !isStream {
		v, err := build()
		if err != nil || v == nil {
			return nil, false, err
		}
		return v, true, nil
	}
	r := b.w.alloc()
	if nr >= 0 {
		b.memo[memoKey{nr, typ}] = r
	}
	v, err := build()
	if err != nil {
		return nil, false, err
	}
	if v == nil {
		if nr >= 0 {
			b.memo[memoKey{nr, typ}] = 0
		}
		// A dropped object that something may already reference (a cycle through an
		// object allocated since) is written as null. One with nothing allocated since
		// gives its number back: a null object left in its slot would be gone from the
		// output fed back, which would then be numbered differently.
		if !b.w.unalloc(r) {
			b.w.put(r, nil)
		}
		return nil, false, nil
	}
	b.w.put(r, v)
	return r, true, nil
}

// schemaTypes are the object types rebuilt by their allow-list alone.
var schemaTypes = map[string]schema{
	"ViewerPreferences": viewerPreferencesKeys,
	"Names":             namesKeys,
	"PageLabel":         pageLabelKeys,
	"OCProperties":      ocPropertiesKeys,
	"OCConfig":          ocConfigKeys,
	"Resources":         resourcesKeys,
	"Group":             groupKeys,
	"ExtGState":         extGStateKeys,
	"CIDSystemInfo":     cidSystemInfoKeys,
	"FontStyle":         fontStyleKeys,
	"BS":                borderStyleKeys,
	"BE":                borderEffectKeys,
	"MK":                mkKeys,
	"IconFit":           iconFitKeys,
	"AcroForm":          acroFormKeys,
	"MarkInfo":          markInfoKeys,
}

// build dispatches on the object type. Every case rebuilds from the type's allow-list.
func (b *builder) build(v types.Object, nr int, typ string) (any, bool, error) {
	if s, ok := schemaTypes[typ]; ok {
		d, isDict := v.(types.Dict)
		if !isDict {
			return b.drop(nr, typ)
		}
		return b.place(nr, typ, false, func() (any, error) {
			out, err := b.fields(d, s, typ)
			if err != nil {
				return nil, err
			}
			if typ == "ExtGState" {
				out["Type"] = name("ExtGState")
			}
			return out, nil
		})
	}
	switch typ {
	case "Page":
		if p, ok := b.pageRefs[nr]; ok && nr >= 0 {
			return p, true, nil
		}
		return nil, false, nil
	case "Dest":
		return b.dest(v, nr)
	case "Action":
		return b.action(v, nr)
	case "Annot":
		return b.annot(v, nr)
	case "Appearance":
		return b.appearance(v)
	case "Field":
		return b.formField(v, nr)
	case "Outlines":
		return b.outlines(v)
	case "NameTree.Dest":
		return b.nameTreeDests(v)
	case "NumberTree.PageLabel":
		return b.pageLabels(v)
	case "OCG", "OCMD", "OC", "Properties":
		return b.optionalContent(v, nr, typ)
	case "OCOrder", "OCGroups", "VE":
		return b.ocNested(v, typ, 0)
	case "FieldValue", "Opt":
		return b.fieldValue(v, typ)
	case "DA":
		return b.defaultAppearance(v)
	case "Border", "DashPattern", "GSFont", "Differences", "CIDWidths":
		return b.smallArray(v, typ)
	case "XObject", "Form", "Image", "Mask":
		return b.xobject(v, nr, typ)
	case "ColorSpace":
		return b.colorSpace(v, 0)
	case "Function", "Transfer":
		return b.function(v, nr, typ)
	case "Pattern":
		return b.pattern(v, nr)
	case "Shading":
		return b.shading(v, nr)
	case "SoftMask":
		return b.softMask(v, nr)
	case "Font", "CIDFont", "FontDescriptor", "Encoding", "CharProc":
		return b.font(v, nr, typ)
	case "FontFile", "FontFile2", "FontFile3":
		return b.fontProgram(v, nr, typ)
	case "ToUnicode", "CMapEncoding":
		return b.cmap(v, nr, typ)
	case "CIDToGIDMap":
		return b.cidToGIDMap(v, nr)
	case "Metadata":
		return b.xmp(v, nr)
	case "StructTreeRoot":
		return b.structTreeRoot(v, nr)
	case "StructElem":
		return b.structElem(v, nr)
	case "StructKid":
		return b.structKid(v, nr)
	case "StructObj":
		return b.structObj(v, nr)
	case "Attributes":
		return b.attributes(v, nr)
	case "AttrValue":
		return b.attrValue(v, 0)
	case "RoleMap":
		return b.roleMap(v)
	case "NumberTree.StructParent":
		return b.parentTree(v)
	case "NameTree.StructElem":
		return b.idTree(v)
	}
	return nil, false, fmt.Errorf("pdf: internal: no builder for %s", typ)
}
