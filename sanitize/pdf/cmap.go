package pdf

import (
	"bytes"
	"fmt"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/sekisho/sekisho/sanitize"
)

// CMaps (9.7.5, 9.10.3) are small PostScript programs. Their mappings are read with the
// content lexer and a new program is written from them: code space ranges, bf mappings
// for ToUnicode, CID mappings for encodings, the writing mode and a predefined parent.
// Nothing else of the input program survives.

type cmapData struct {
	wmode    int64
	usecmap  string
	space    [][2][]byte
	bfchar   [][2][]byte
	bfrange  []bfRange
	cidchar  []cidRange // lo == hi
	cidrange []cidRange
}

type bfRange struct {
	lo, hi []byte
	dst    []byte   // a first destination incremented across the range
	dsts   [][]byte // or one destination per code
}

type cidRange struct {
	lo, hi []byte
	cid    int64
}

// maxCMapEntries bounds the mappings of one CMap (a full Adobe-Japan1 encoding has
// about 20,000).
const maxCMapEntries = 1 << 18

func validCode(c []byte) bool { return len(c) >= 1 && len(c) <= 4 }

// parseCMap reads the mappings of a CMap program.
func parseCMap(data []byte) (*cmapData, error) {
	l := lexer{data: data}
	m := &cmapData{}
	var stack []any
	section := ""
	entries := 0
	for {
		t, err := l.next()
		if err != nil {
			return nil, err
		}
		if t.kind == tEOF {
			return m, nil
		}
		if t.kind == tDictOpen || t.kind == tArrOpen {
			v, _, err := l.object(t, 0)
			if err != nil {
				return nil, err
			}
			stack = append(stack, v)
			continue
		}
		if t.kind == tBraceOpen || t.kind == tBraceClose || t.kind == tArrClose || t.kind == tDictClose {
			stack = stack[:0]
			continue
		}
		v, isOperand, err := l.object(t, 0)
		if err != nil {
			return nil, err
		}
		if isOperand {
			if len(stack) < 4096 {
				stack = append(stack, v)
			}
			continue
		}
		kw := string(t.b)
		switch kw {
		case "begincodespacerange", "beginbfchar", "beginbfrange", "begincidchar", "begincidrange",
			"beginnotdefchar", "beginnotdefrange":
			section = kw[5:]
			stack = stack[:0]
			continue
		case "endcodespacerange", "endbfchar", "endbfrange", "endcidchar", "endcidrange",
			"endnotdefchar", "endnotdefrange":
			if kw[3:] != section {
				return nil, errSyntax
			}
			entries += len(stack)
			if entries > maxCMapEntries {
				return nil, fmt.Errorf("more than %d CMap entries", maxCMapEntries)
			}
			if err := m.add(section, stack); err != nil {
				return nil, err
			}
			section = ""
		case "usecmap":
			if len(stack) > 0 {
				if n, ok := stack[len(stack)-1].(name); ok && predefinedName.MatchString(string(n)) {
					m.usecmap = string(n)
				}
			}
		case "def":
			if len(stack) >= 2 {
				if k, ok := stack[len(stack)-2].(name); ok && k == "WMode" {
					if w, ok := stack[len(stack)-1].(int64); ok && (w == 0 || w == 1) {
						m.wmode = w
					}
				}
			}
		}
		if section == "" {
			stack = stack[:0]
		}
	}
}

// add reads one section's operands.
func (m *cmapData) add(section string, ops []any) error {
	code := func(v any) ([]byte, bool) {
		s, ok := v.(str)
		return []byte(s), ok && validCode(s)
	}
	switch section {
	case "codespacerange":
		for i := 0; i+1 < len(ops); i += 2 {
			lo, ok1 := code(ops[i])
			hi, ok2 := code(ops[i+1])
			if ok1 && ok2 && len(lo) == len(hi) {
				m.space = append(m.space, [2][]byte{lo, hi})
			}
		}
	case "bfchar":
		for i := 0; i+1 < len(ops); i += 2 {
			src, ok1 := code(ops[i])
			dst, ok2 := ops[i+1].(str)
			if ok1 && ok2 && len(dst) <= 512 {
				m.bfchar = append(m.bfchar, [2][]byte{src, dst})
			}
		}
	case "bfrange":
		for i := 0; i+2 < len(ops); i += 3 {
			lo, ok1 := code(ops[i])
			hi, ok2 := code(ops[i+1])
			if !ok1 || !ok2 || len(lo) != len(hi) || bytes.Compare(lo, hi) > 0 {
				continue
			}
			switch d := ops[i+2].(type) {
			case str:
				if len(d) <= 512 {
					m.bfrange = append(m.bfrange, bfRange{lo: lo, hi: hi, dst: d})
				}
			case array:
				var dsts [][]byte
				for _, e := range d {
					if s, ok := e.(str); ok && len(s) <= 512 {
						dsts = append(dsts, s)
					}
				}
				if len(dsts) == len(d) {
					m.bfrange = append(m.bfrange, bfRange{lo: lo, hi: hi, dsts: dsts})
				}
			}
		}
	case "cidchar", "notdefchar":
		for i := 0; i+1 < len(ops); i += 2 {
			src, ok1 := code(ops[i])
			cid, ok2 := ops[i+1].(int64)
			if ok1 && ok2 && cid >= 0 && cid <= 65535 && section == "cidchar" {
				m.cidchar = append(m.cidchar, cidRange{lo: src, hi: src, cid: cid})
			}
		}
	case "cidrange", "notdefrange":
		for i := 0; i+2 < len(ops); i += 3 {
			lo, ok1 := code(ops[i])
			hi, ok2 := code(ops[i+1])
			cid, ok3 := ops[i+2].(int64)
			if ok1 && ok2 && ok3 && len(lo) == len(hi) && cid >= 0 && cid <= 65535 && section == "cidrange" {
				m.cidrange = append(m.cidrange, cidRange{lo: lo, hi: hi, cid: cid})
			}
		}
	}
	return nil
}

// write produces a CMap program from the mappings: bf mappings for a ToUnicode CMap,
// CID mappings for an encoding.
func (m *cmapData) write(toUnicode bool, cmapName string) []byte {
	var b bytes.Buffer
	hexs := func(s []byte) {
		b.WriteByte('<')
		for _, c := range s {
			fmt.Fprintf(&b, "%02X", c)
		}
		b.WriteByte('>')
	}
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n")
	if toUnicode {
		b.WriteString("/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n")
		fmt.Fprintf(&b, "/CMapName /%s def\n/CMapType 2 def\n", cmapName)
	} else {
		fmt.Fprintf(&b, "/CMapName /%s def\n/CMapType 1 def\n/WMode %d def\n", cmapName, m.wmode)
		if m.usecmap != "" {
			fmt.Fprintf(&b, "/%s usecmap\n", m.usecmap)
		}
	}
	section := func(kw string, n int, each func(i int)) {
		for start := 0; start < n; start += 100 {
			end := min(n, start+100)
			fmt.Fprintf(&b, "%d begin%s\n", end-start, kw)
			for i := start; i < end; i++ {
				each(i)
				b.WriteByte('\n')
			}
			fmt.Fprintf(&b, "end%s\n", kw)
		}
	}
	section("codespacerange", len(m.space), func(i int) {
		hexs(m.space[i][0])
		b.WriteByte(' ')
		hexs(m.space[i][1])
	})
	if toUnicode {
		section("bfchar", len(m.bfchar), func(i int) {
			hexs(m.bfchar[i][0])
			b.WriteByte(' ')
			hexs(m.bfchar[i][1])
		})
		section("bfrange", len(m.bfrange), func(i int) {
			r := m.bfrange[i]
			hexs(r.lo)
			b.WriteByte(' ')
			hexs(r.hi)
			b.WriteByte(' ')
			if r.dsts == nil {
				hexs(r.dst)
				return
			}
			b.WriteByte('[')
			for j, d := range r.dsts {
				if j > 0 {
					b.WriteByte(' ')
				}
				hexs(d)
			}
			b.WriteByte(']')
		})
	} else {
		section("cidchar", len(m.cidchar), func(i int) {
			hexs(m.cidchar[i].lo)
			fmt.Fprintf(&b, " %d", m.cidchar[i].cid)
		})
		section("cidrange", len(m.cidrange), func(i int) {
			r := m.cidrange[i]
			hexs(r.lo)
			b.WriteByte(' ')
			hexs(r.hi)
			fmt.Fprintf(&b, " %d", r.cid)
		})
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.Bytes()
}

// cmap rebuilds a ToUnicode CMap or a Type 0 font's encoding: a predefined CMap name, or
// an embedded CMap parsed and written again.
func (b *builder) cmap(v types.Object, nr int, typ string) (any, bool, error) {
	if n, ok := v.(types.Name); ok {
		if typ == "CMapEncoding" && predefinedName.MatchString(string(n)) {
			return name(n), true, nil
		}
		return nil, false, nil
	}
	sd, ok := v.(types.StreamDict)
	if !ok {
		return b.drop(nr, typ)
	}
	return b.place(nr, typ, true, func() (any, error) {
		data, err := b.streamData(sd, "CMap")
		if err != nil {
			return nil, err
		}
		m, err := parseCMap(data)
		if err != nil {
			b.report(sanitize.ActRemovedUnknown, fmt.Sprintf("CMap that does not parse (%v)", err))
			return nil, nil
		}
		if typ == "ToUnicode" {
			return &outStream{d: dict{}, data: m.write(true, "Adobe-Identity-UCS")}, nil
		}
		if w, ok := b.integer(sd.Dict["WMode"]); ok && (w == 0 || w == 1) {
			m.wmode = w
		}
		if u := b.nameOf(sd.Dict, "UseCMap"); u != "" && predefinedName.MatchString(u) {
			m.usecmap = u
		}
		cmapName := b.nameOf(sd.Dict, "CMapName")
		if !predefinedName.MatchString(cmapName) {
			cmapName = "Embedded"
		}
		d := dict{"Type": name("CMap"), "CMapName": name(cmapName), "WMode": m.wmode}
		if m.usecmap != "" {
			d["UseCMap"] = name(m.usecmap)
		}
		if csi, ok, err := b.typed(sd.Dict["CIDSystemInfo"], "CIDSystemInfo"); err != nil {
			return nil, err
		} else if ok {
			d["CIDSystemInfo"] = csi
		}
		return &outStream{d: d, data: m.write(false, cmapName)}, nil
	})
}
