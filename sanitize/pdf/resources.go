package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/zlib"
	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/sekisho/sekisho/internal/freelist"
	"github.com/sekisho/sekisho/sanitize"
)

// filterNames maps the filter names and their inline-image abbreviations (8.9.7).
var filterNames = map[string]string{
	"ASCIIHexDecode": filter.ASCIIHex, "AHx": filter.ASCIIHex,
	"ASCII85Decode": filter.ASCII85, "A85": filter.ASCII85,
	"LZWDecode": filter.LZW, "LZW": filter.LZW,
	"FlateDecode": filter.Flate, "Fl": filter.Flate,
	"RunLengthDecode": filter.RunLength, "RL": filter.RunLength,
	"CCITTFaxDecode": filter.CCITTFax, "CCF": filter.CCITTFax,
	"DCTDecode": filter.DCT, "DCT": filter.DCT,
	"JBIG2Decode": filter.JBIG2,
	"JPXDecode":   filter.JPX,
}

// imageFilters can only be the last filter and produce samples, not bytes.
var imageFilters = map[string]bool{filter.CCITTFax: true, filter.DCT: true, filter.JBIG2: true, filter.JPX: true}

type filterStep struct {
	name  string
	parms types.Dict
}

// filters lists a stream's (or inline image's) filter chain, resolved; unknown filters
// are an error.
func (b *builder) filters(f, parms types.Object) ([]filterStep, error) {
	fv, _, err := b.resolve(f)
	if err != nil {
		return nil, err
	}
	var names []types.Object
	switch fv := fv.(type) {
	case nil:
		return nil, nil
	case types.Name:
		names = []types.Object{fv}
	case types.Array:
		names = fv
	default:
		return nil, errors.New("filter is not a name")
	}
	pv, _, err := b.resolve(parms)
	if err != nil {
		return nil, err
	}
	var steps []filterStep
	for i, n := range names {
		nv, ok := b.nameValue(n)
		full, known := filterNames[nv]
		if !ok || !known {
			return nil, fmt.Errorf("unknown filter %q", nv)
		}
		st := filterStep{name: full}
		switch pv := pv.(type) {
		case types.Dict:
			if i == 0 {
				st.parms = pv
			}
		case types.Array:
			if i < len(pv) {
				st.parms, _, _ = b.resolveDict(pv[i])
			}
		}
		steps = append(steps, st)
	}
	for i, st := range steps {
		if imageFilters[st.name] && i != len(steps)-1 {
			return nil, fmt.Errorf("image filter %s is not the last", st.name)
		}
	}
	return steps, nil
}

// decodeParmKeys are the decode parameters the non-image filters read.
var decodeParmKeys = []string{"Predictor", "Colors", "BitsPerComponent", "Columns", "EarlyChange"}

// remaining is what may still be decoded under limits.max_total_size.
func (b *builder) remaining() int64 {
	return b.b.Limits().MaxTotalSize - b.b.Expanded()
}

// decode runs the non-image filters over raw and charges the decoded bytes.
func (b *builder) decode(raw []byte, steps []filterStep) ([]byte, error) {
	return b.decodeInto(nil, raw, steps)
}

// decodeInto is decode with the last Flate step written into scratch's memory when it
// is large enough (scratch is nil for a fresh slice).
func (b *builder) decodeInto(scratch *[]byte, raw []byte, steps []filterStep) ([]byte, error) {
	data := raw
	for i, st := range steps {
		if imageFilters[st.name] {
			break
		}
		parms := map[string]int{}
		for _, k := range decodeParmKeys {
			if v, ok := b.integer(st.parms[k]); ok {
				parms[k] = int(v)
			}
		}
		left := b.remaining()
		if left <= 0 {
			return nil, b.b.AddExpanded(1)
		}
		if st.name == filter.Flate && parms["Predictor"] <= 1 {
			var dst []byte
			last := i == len(steps)-1 || imageFilters[steps[i+1].name]
			if scratch != nil && last {
				dst = *scratch
			}
			out, err := b.inflate(dst, data, left)
			if err != nil {
				return nil, err
			}
			if scratch != nil && last {
				*scratch = out
			}
			data = out
			continue
		}
		f, err := filter.NewFilter(st.name, parms, left)
		if err != nil {
			return nil, err
		}
		r, err := f.Decode(bytes.NewReader(data))
		if err != nil {
			if errors.Is(err, filter.ErrDecodeLimitExceeded) {
				return nil, b.b.AddExpanded(left + 1)
			}
			return nil, err
		}
		out, err := io.ReadAll(io.LimitReader(r, left+1))
		if err != nil {
			return nil, err
		}
		if err := b.b.AddExpanded(int64(len(out))); err != nil {
			return nil, err
		}
		data = out
	}
	return data, nil
}

// streamData decodes a stream that must carry no image filter (content, CMaps,
// functions). A stream that cannot be decoded is reported and read as empty, as viewers
// do; limits and cancellation are errors.
func (b *builder) streamData(sd types.StreamDict, label string) ([]byte, error) {
	return b.streamDataInto(nil, sd, label)
}

// contentData is streamData for a content stream, CharProc or form: its decoded bytes
// are in memory the builder reuses, read until the next call.
func (b *builder) contentData(sd types.StreamDict, label string) ([]byte, error) {
	return b.streamDataInto(&b.decoded, sd, label)
}

func (b *builder) streamDataInto(scratch *[]byte, sd types.StreamDict, label string) ([]byte, error) {
	raw, steps, ok, err := b.streamInput(sd, label)
	if !ok {
		return nil, err
	}
	data, err := b.decodeInto(scratch, raw, steps)
	if err != nil {
		return nil, b.undecodable(err, label)
	}
	return data, nil
}

// streamInput returns the encoded bytes and the filter chain of a stream that must carry
// no image filter. ok is false when it cannot be decoded (reported; read as empty) or on
// err, a limit or cancellation.
func (b *builder) streamInput(sd types.StreamDict, label string) (raw []byte, steps []filterStep, ok bool, err error) {
	steps, err = b.filters(sd.Dict["Filter"], sd.Dict["DecodeParms"])
	if err == nil && len(steps) > 0 && imageFilters[steps[len(steps)-1].name] {
		err = fmt.Errorf("image filter %s on a %s", steps[len(steps)-1].name, label)
	}
	if err != nil {
		return nil, nil, false, b.undecodable(err, label)
	}
	raw, err = b.streamRaw(sd)
	return raw, steps, err == nil, err
}

// undecodable reports a stream that does not decode, which is then read as empty;
// limits are errors.
func (b *builder) undecodable(err error, label string) error {
	if errors.Is(err, sanitize.ErrLimit) {
		return err
	}
	b.report(sanitize.ActRemovedUnknown, fmt.Sprintf("undecodable %s (%v)", label, err))
	return nil
}

// xobject rebuilds a form or image XObject (each built once, by its own type); a
// PostScript XObject or anything else is dropped. /Mask may also be a colour key array.
func (b *builder) xobject(v types.Object, nr int, typ string) (any, bool, error) {
	if a, ok := v.(types.Array); ok && typ == "Mask" {
		out := array{}
		for _, e := range a {
			i, ok := b.integer(e)
			if !ok {
				return nil, false, nil
			}
			out = append(out, i)
		}
		return out, true, nil
	}
	sd, ok := v.(types.StreamDict)
	if !ok {
		return b.drop(nr, typ)
	}
	st := b.nameOf(sd.Dict, "Subtype")
	var concrete string
	switch {
	case st == "Form" && (typ == "XObject" || typ == "Form"):
		concrete = "Form"
	case st == "Image" && typ != "Form":
		concrete = "Image"
	case (typ == "Image" || typ == "Mask") && st == "":
		concrete = "Image" // soft masks and stencil masks often omit /Subtype
	default:
		b.report(sanitize.ActRemovedUnknown, fmt.Sprintf("%s XObject", cmpOr(st, "untyped")))
		return b.drop(nr, typ)
	}
	if nr >= 0 && concrete != typ {
		if r, ok := b.memo[memoKey{nr, concrete}]; ok {
			return r, r != 0, nil
		}
	}
	if concrete == "Image" {
		return b.image(sd, nr)
	}
	return b.place(nr, "Form", true, func() (any, error) {
		out, err := b.fields(sd.Dict, formKeys, "Form")
		if err != nil {
			return nil, err
		}
		out["Type"], out["Subtype"] = name("XObject"), name("Form")
		if out["BBox"] == nil {
			return nil, nil
		}
		data, err := b.contentData(sd, "form XObject")
		if err != nil {
			return nil, err
		}
		content, err := b.content(data, "form XObject")
		if err != nil {
			return nil, err
		}
		return &outStream{d: out, data: content}, nil
	})
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// ncomp returns the number of components of a rebuilt colour space, 0 if unknown.
func ncomp(cs any) int {
	switch cs := cs.(type) {
	case name:
		switch cs {
		case "DeviceGray", "CalGray", "G", "Indexed", "I", "Separation":
			return 1
		case "DeviceRGB", "CalRGB", "Lab", "RGB":
			return 3
		case "DeviceCMYK", "CMYK":
			return 4
		}
	case array:
		if len(cs) == 0 {
			return 0
		}
		switch cs[0] {
		case name("DeviceN"):
			if names, ok := cs[1].(array); ok {
				return len(names)
			}
			return 0
		}
		if n, ok := cs[0].(name); ok {
			return ncomp(n)
		}
	}
	return 0
}

// colorSpace rebuilds a colour space. ICC profiles are not kept: an ICCBased space
// becomes the device space with the same number of components (profiles are parsed by
// colour engines, and sRGB-like profiles are what device RGB means on screen).
func (b *builder) colorSpace(v types.Object, depth int) (any, bool, error) {
	if depth > 4 {
		return nil, false, nil
	}
	switch v := v.(type) {
	case types.Name:
		switch v {
		case "DeviceGray", "DeviceRGB", "DeviceCMYK", "Pattern":
			return name(v), true, nil
		}
		return nil, false, nil
	case types.Array:
		if len(v) == 0 {
			return nil, false, nil
		}
		fam, _ := b.nameValue(v[0])
		sub := func(o types.Object) (any, bool, error) {
			sv, _, err := b.resolve(o)
			if err != nil || sv == nil {
				return nil, false, err
			}
			return b.colorSpace(sv, depth+1)
		}
		switch fam {
		case "DeviceGray", "DeviceRGB", "DeviceCMYK", "Pattern":
			if fam == "Pattern" && len(v) == 2 {
				base, ok, err := sub(v[1])
				if err != nil || !ok {
					return name("Pattern"), true, err
				}
				return array{name("Pattern"), base}, true, nil
			}
			return name(fam), true, nil
		case "CalGray", "CalRGB", "Lab":
			if len(v) != 2 {
				return nil, false, nil
			}
			d, _, err := b.resolveDict(v[1])
			if err != nil || d == nil {
				return nil, false, err
			}
			out, err := b.fields(d, calKeys, fam)
			if err != nil || out["WhitePoint"] == nil {
				return nil, false, err
			}
			return array{name(fam), out}, true, nil
		case "ICCBased":
			if len(v) != 2 {
				return nil, false, nil
			}
			d, _, err := b.resolveDict(v[1])
			if err != nil || d == nil {
				return nil, false, err
			}
			n, _ := b.integer(d["N"])
			switch n {
			case 1:
				return name("DeviceGray"), true, nil
			case 3:
				return name("DeviceRGB"), true, nil
			case 4:
				return name("DeviceCMYK"), true, nil
			}
			return nil, false, nil
		case "Indexed", "I":
			return b.indexed(v, sub)
		case "Separation":
			if len(v) != 4 {
				return nil, false, nil
			}
			n, ok := b.nameValue(v[1])
			alt, ok2, err := sub(v[2])
			if err != nil || !ok || !ok2 {
				return nil, false, err
			}
			fn, ok, err := b.typed(v[3], "Function")
			if err != nil || !ok {
				return nil, false, err
			}
			return array{name("Separation"), name(n), alt, fn}, true, nil
		case "DeviceN":
			if len(v) != 4 && len(v) != 5 {
				return nil, false, nil
			}
			names, ok := b.scalar(v[1], kNames)
			if _, isArr := names.(array); !ok || !isArr {
				return nil, false, nil
			}
			alt, ok, err := sub(v[2])
			if err != nil || !ok {
				return nil, false, err
			}
			fn, ok, err := b.typed(v[3], "Function")
			if err != nil || !ok {
				return nil, false, err
			}
			if len(v) == 5 {
				b.report(sanitize.ActRemovedUnknown, "DeviceN colour space attributes")
			}
			return array{name("DeviceN"), names, alt, fn}, true, nil
		}
	}
	return nil, false, nil
}

// indexed rebuilds [/Indexed base hival lookup] with the lookup table as a string of
// exactly (hival+1) * components bytes.
func (b *builder) indexed(v types.Array, sub func(types.Object) (any, bool, error)) (any, bool, error) {
	if len(v) != 4 {
		return nil, false, nil
	}
	base, ok, err := sub(v[1])
	if err != nil || !ok {
		return nil, false, err
	}
	n := ncomp(base)
	hival, ok := b.integer(v[2])
	if n == 0 || !ok || hival < 0 || hival > 255 {
		return nil, false, nil
	}
	lv, _, err := b.resolve(v[3])
	if err != nil {
		return nil, false, err
	}
	var lookup []byte
	if sd, ok := lv.(types.StreamDict); ok {
		if lookup, err = b.streamData(sd, "colour lookup table"); err != nil {
			return nil, false, err
		}
	} else if lookup, ok = b.text(lv); !ok {
		return nil, false, nil
	}
	want := int(hival+1) * n
	table := make([]byte, want)
	copy(table, lookup)
	return array{name("Indexed"), base, hival, str(table)}, true, nil
}

// softMask rebuilds an ExtGState /SMask: /None or a mask dictionary.
func (b *builder) softMask(v types.Object, nr int) (any, bool, error) {
	if n, ok := v.(types.Name); ok && n == "None" {
		return name("None"), true, nil
	}
	d, ok := v.(types.Dict)
	if !ok {
		return b.drop(nr, "SoftMask")
	}
	return b.place(nr, "SoftMask", false, func() (any, error) {
		out, err := b.fields(d, softMaskKeys, "SoftMask")
		if err != nil || out["G"] == nil {
			return nil, err
		}
		out["Type"] = name("Mask")
		return out, nil
	})
}

// pattern rebuilds a tiling pattern (a content stream) or a shading pattern.
func (b *builder) pattern(v types.Object, nr int) (any, bool, error) {
	var d types.Dict
	sd, isStream := v.(types.StreamDict)
	if isStream {
		d = sd.Dict
	} else if d, _ = v.(types.Dict); d == nil {
		return b.drop(nr, "Pattern")
	}
	pt, _ := b.integer(d["PatternType"])
	switch {
	case pt == 1 && isStream:
		return b.place(nr, "Pattern", true, func() (any, error) {
			out, err := b.fields(d, tilingPatternKeys, "Pattern/1")
			if err != nil {
				return nil, err
			}
			out["Type"] = name("Pattern")
			data, err := b.contentData(sd, "tiling pattern")
			if err != nil {
				return nil, err
			}
			content, err := b.content(data, "tiling pattern")
			if err != nil {
				return nil, err
			}
			return &outStream{d: out, data: content}, nil
		})
	case pt == 2:
		return b.place(nr, "Pattern", false, func() (any, error) {
			out, err := b.fields(d, shadingPatternKeys, "Pattern/2")
			if err != nil || out["Shading"] == nil {
				return nil, err
			}
			out["Type"] = name("Pattern")
			return out, nil
		})
	}
	return b.drop(nr, "Pattern")
}

// shading rebuilds a shading; the mesh data of types 4 to 7 is read record by record and
// packed again (mesh.go).
func (b *builder) shading(v types.Object, nr int) (any, bool, error) {
	var d types.Dict
	sd, isStream := v.(types.StreamDict)
	if isStream {
		d = sd.Dict
	} else if d, _ = v.(types.Dict); d == nil {
		return b.drop(nr, "Shading")
	}
	st, _ := b.integer(d["ShadingType"])
	if st < 1 || st > 7 || (st >= 4) != isStream {
		return b.drop(nr, "Shading")
	}
	return b.place(nr, "Shading", isStream, func() (any, error) {
		out, err := b.fields(d, shadingKeys, "Shading")
		if err != nil || out["ColorSpace"] == nil {
			return nil, err
		}
		if !isStream {
			return out, nil
		}
		data, err := b.streamData(sd, "shading mesh")
		if err != nil {
			return nil, err
		}
		l, err := newMeshLayout(st, out)
		if err == nil {
			data, err = l.repack(data)
		}
		if err != nil {
			b.report(sanitize.ActRemovedUnknown, fmt.Sprintf("type %d shading: %v", st, err))
			return nil, nil
		}
		return &outStream{d: out, data: data}, nil
	})
}

// inflate decodes a Flate stream without predictor with a reader kept between streams
// and documents: most streams are small, and a fresh decompressor (a 32 KiB window) for
// each costs more than decoding it. Data after the end of the compressed stream is
// ignored, as viewers do.
var zlibReaders = freelist.New[io.ReadCloser](freelist.Kept)

// emptyZlib is a complete zlib stream of nothing: a pooled reader is reset to it so that
// it keeps no reference to the last document's data.
var emptyZlib = []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01}

// releaseInflater returns the decompressor to the pool.
func (b *builder) releaseInflater() {
	if b.zr == nil {
		return
	}
	if b.zr.(zlib.Resetter).Reset(bytes.NewReader(emptyZlib), nil) == nil {
		zlibReaders.Put(b.zr)
	}
	b.zr = nil
}

func (b *builder) inflate(dst, data []byte, left int64) ([]byte, error) {
	var err error
	if b.zr == nil {
		if zr, ok := zlibReaders.Get(); ok {
			b.zr = zr
		}
	}
	if b.zr == nil {
		b.zr, err = zlib.NewReader(bytes.NewReader(data))
	} else {
		err = b.zr.(zlib.Resetter).Reset(bytes.NewReader(data), nil)
	}
	if err != nil {
		return nil, err
	}
	// io.ReadAll, starting from the usual size of decoded content instead of 512 bytes.
	out := dst[:0]
	if want := min(left+1, int64(len(data))*4+512); int64(cap(out)) < want {
		out = make([]byte, 0, want)
	}
	r := io.LimitReader(b.zr, left+1)
	for {
		if len(out) == cap(out) {
			out = append(out, 0)[:len(out)]
		}
		n, rerr := r.Read(out[len(out):cap(out)])
		out = out[:len(out)+n]
		if rerr != nil {
			if rerr != io.EOF {
				err = rerr
			}
			break
		}
	}
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	if err := b.b.AddExpanded(int64(len(out))); err != nil {
		return nil, err
	}
	return out, nil
}
