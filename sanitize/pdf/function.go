package pdf

import (
	"bytes"
	"fmt"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/sekisho/sekisho/sanitize"
)

// function rebuilds a function (7.10). A transfer function may also be /Identity or
// /Default, or an array of four functions.
func (b *builder) function(v types.Object, nr int, typ string) (any, bool, error) {
	if typ == "Transfer" {
		switch v := v.(type) {
		case types.Name:
			if v == "Identity" || v == "Default" {
				return name(v), true, nil
			}
			return nil, false, nil
		case types.Array:
			if len(v) != 4 {
				return nil, false, nil
			}
			out := array{}
			for _, e := range v {
				f, ok, err := b.typed(e, "Function")
				if err != nil || !ok {
					return nil, false, err
				}
				out = append(out, f)
			}
			return out, true, nil
		}
		if nr >= 0 {
			if r, ok := b.memo[memoKey{nr, "Function"}]; ok {
				return r, r != 0, nil
			}
		}
	}
	var d types.Dict
	sd, isStream := v.(types.StreamDict)
	if isStream {
		d = sd.Dict
	} else if d, _ = v.(types.Dict); d == nil {
		return b.drop(nr, "Function")
	}
	ft, ok := b.integer(d["FunctionType"])
	if !ok || (ft == 0 || ft == 4) != isStream || ft != 0 && ft != 2 && ft != 3 && ft != 4 {
		return b.drop(nr, "Function")
	}
	return b.place(nr, "Function", isStream, func() (any, error) {
		out, err := b.fields(d, functionKeys, "Function")
		if err != nil || out["Domain"] == nil {
			return nil, err
		}
		switch ft {
		case 0:
			return b.sampled(sd, out)
		case 4:
			data, err := b.streamData(sd, "calculator function")
			if err != nil {
				return nil, err
			}
			prog, ok := calculator(data)
			if !ok {
				b.report(sanitize.ActRemovedUnknown, "calculator function with operators outside the calculator set")
				return nil, nil
			}
			return &outStream{d: out, data: prog}, nil
		}
		return out, nil
	})
}

// sampled rebuilds a type 0 function's sample table to exactly the size its dictionary
// describes.
func (b *builder) sampled(sd types.StreamDict, out dict) (any, error) {
	size, _ := out["Size"].(array)
	rng, _ := out["Range"].(array)
	bps, _ := out["BitsPerSample"].(int64)
	switch bps {
	case 1, 2, 4, 8, 12, 16, 24, 32:
	default:
		return nil, nil
	}
	if len(size) == 0 || len(rng) == 0 || len(rng)%2 != 0 {
		return nil, nil
	}
	bits := int64(len(rng)/2) * bps
	for _, s := range size {
		n, ok := s.(int64)
		if !ok || n <= 0 || n > 1<<20 {
			return nil, nil
		}
		bits *= n
		if bits > b.remaining()*8 {
			return nil, b.b.AddExpanded(bits/8 + 1)
		}
	}
	data, err := b.streamData(sd, "sampled function")
	if err != nil {
		return nil, err
	}
	samples := make([]byte, (bits+7)/8)
	copy(samples, data)
	return &outStream{d: out, data: samples}, nil
}

// calculator tokenises a type 4 function and writes it again: numbers, booleans, braces
// and the calculator operators only (7.10.5). Anything else rejects the function.
func calculator(data []byte) ([]byte, bool) {
	l := lexer{data: data}
	var out bytes.Buffer
	depth := 0
	for {
		t, err := l.next()
		if err != nil {
			return nil, false
		}
		switch t.kind {
		case tEOF:
			return out.Bytes(), depth == 0 && out.Len() > 0
		case tBraceOpen:
			depth++
			if depth > 32 {
				return nil, false
			}
			out.WriteString("{ ")
		case tBraceClose:
			depth--
			if depth < 0 {
				return nil, false
			}
			out.WriteString("} ")
		case tInt:
			fmt.Fprintf(&out, "%d ", t.i)
		case tReal:
			out.WriteString(formatReal(t.f) + " ")
		case tKeyword:
			if _, ok := calculatorOps[string(t.b)]; !ok {
				return nil, false
			}
			out.Write(t.b)
			out.WriteByte(' ')
		default:
			return nil, false
		}
	}
}
