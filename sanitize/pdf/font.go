package pdf

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"regexp"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/sekisho/sekisho/sanitize"
)

// Font handling (9.6 to 9.9). Font dictionaries are rebuilt from their allow-lists.
// Embedded programs are the part a viewer's font engine parses, so each is checked by an
// independent parser before anything of it is kept (sfnt.go):
//
//   - FontFile2 (TrueType) is taken apart into its tables, checked with
//     golang.org/x/image/font/sfnt (every glyph loaded), and written again from the tables
//     a renderer needs, with the hinting programs (fpgm, prep, cvt and each glyph's
//     instructions, the TrueType bytecode interpreter's input) removed, the cmap and the
//     glyph names of post read and written again (cmaptable.go, sfnt_tables.go), hmtx and
//     vmtx fitted to their headers, and the fixed-layout tables (hhea, maxp, OS/2, vhea)
//     cut to the length their version defines;
//   - FontFile3 /OpenType the same way, its CFF table written again like a bare one;
//   - FontFile3 /Type1C and /CIDFontType0C (bare CFF) are written again from their parse
//     (cff.go): outlines from sfnt's Type 2 charstring interpreter as flat charstrings,
//     widths, charset, encoding, matrix; no hints, subroutines or unused strings;
//   - FontFile (Type 1) is parsed by type1.go and written again from its outlines.
//
// A program that does not pass is dropped and reported; pdf.fonts: drop drops them all.

var simpleFontSubtypes = map[string]bool{"Type1": true, "MMType1": true, "TrueType": true}

// predefinedName matches the names of predefined CMaps and encodings: a viewer looks
// them up in its own resources.
var predefinedName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$`)

func (b *builder) font(v types.Object, nr int, typ string) (any, bool, error) {
	if typ == "Encoding" {
		if n, ok := v.(types.Name); ok {
			switch n {
			case "StandardEncoding", "WinAnsiEncoding", "MacRomanEncoding", "MacExpertEncoding":
				return name(n), true, nil
			}
			return nil, false, nil
		}
	}
	if typ == "CharProc" {
		sd, ok := v.(types.StreamDict)
		if !ok {
			return b.drop(nr, typ)
		}
		return b.place(nr, typ, true, func() (any, error) {
			data, err := b.contentData(sd, "Type 3 glyph")
			if err != nil {
				return nil, err
			}
			content, err := b.content(data, "Type 3 glyph")
			if err != nil {
				return nil, err
			}
			return &outStream{d: dict{}, data: content}, nil
		})
	}
	d, ok := v.(types.Dict)
	if !ok {
		return b.drop(nr, typ)
	}
	var s schema
	st := b.nameOf(d, "Subtype")
	switch typ {
	case "Font":
		switch {
		case simpleFontSubtypes[st]:
			s = simpleFontKeys
		case st == "Type3":
			s = type3FontKeys
		case st == "Type0":
			s = type0FontKeys
		}
	case "CIDFont":
		if st == "CIDFontType0" || st == "CIDFontType2" {
			s = cidFontKeys
		}
	case "FontDescriptor":
		s = fontDescriptorKeys
	case "Encoding":
		s = encodingKeys
	}
	if s == nil {
		b.report(sanitize.ActRemovedUnknown, fmt.Sprintf("%s of unknown type %q", typ, st))
		return b.drop(nr, typ)
	}
	if typ == "Font" && st == "Type0" && b.type0Dead(d) {
		return b.drop(nr, typ)
	}
	return b.place(nr, typ, false, func() (any, error) {
		label := typ
		if st != "" && typ != "FontDescriptor" {
			label += "/" + st
		}
		out, err := b.fields(d, s, label)
		if err != nil {
			return nil, err
		}
		switch typ {
		case "Font", "CIDFont":
			out["Type"], out["Subtype"] = name("Font"), name(st)
		case "FontDescriptor":
			out["Type"] = name("FontDescriptor")
		case "Encoding":
			out["Type"] = name("Encoding")
		}
		if st == "Type0" {
			kids, _ := out["DescendantFonts"].(array)
			if len(kids) == 0 {
				return nil, nil
			}
			out["DescendantFonts"] = kids[:1]
			if out["Encoding"] == nil {
				return nil, nil
			}
		}
		return out, nil
	})
}

// type0Dead reports a Type0 font the rebuild drops whatever its other entries hold: no
// descendant font or no encoding. Deciding before anything is built keeps its ToUnicode
// from being written for nothing: an object nothing refers to is gone from the output fed
// back, which would then be numbered differently. Anything less plain is left to the
// rebuild.
func (b *builder) type0Dead(d types.Dict) bool {
	kids, _, err := b.resolve(d["DescendantFonts"])
	if err != nil {
		return false
	}
	if kids == nil {
		return true
	}
	if a, ok := kids.(types.Array); ok {
		if len(a) == 0 {
			return true
		}
		if first, _, err := b.resolve(a[0]); err == nil && first == nil {
			return true
		}
	}
	enc, _, err := b.resolve(d["Encoding"])
	return err == nil && enc == nil
}

// fontProgram checks an embedded font program and writes the rebuilt program, or drops
// it (reported: text shows in a fallback font).
func (b *builder) fontProgram(v types.Object, nr int, typ string) (any, bool, error) {
	sd, ok := v.(types.StreamDict)
	if !ok {
		return b.drop(nr, typ)
	}
	sub := b.nameOf(sd.Dict, "Subtype")
	what := map[string]string{"FontFile": "Type 1", "FontFile2": "TrueType", "FontFile3": sub}[typ]
	if b.opt.dropFonts {
		b.report(sanitize.ActRemovedFont, fmt.Sprintf("%s font program (pdf.fonts: drop; text shows in a fallback font)", what))
		return b.drop(nr, typ)
	}
	return b.place(nr, typ, true, func() (any, error) {
		raw, steps, cacheable, err := b.streamInput(sd, "font program")
		if err != nil {
			return nil, err
		}
		var key [32]byte
		var data []byte
		if cacheable {
			// The same program embedded again (merged documents, one font per page) is
			// the same encoded bytes: decoding and rebuilding it again gives the same
			// output, so it is done once.
			key = b.programKey(typ, sub, sd, steps, raw)
			if c, ok := b.fonts[key]; ok {
				if c.err != "" {
					b.report(sanitize.ActRemovedFont, c.err)
					return nil, nil
				}
				return &outStream{d: c.d, data: c.data, filter: c.filter}, nil
			}
			if data, err = b.decode(raw, steps); err != nil {
				if err := b.undecodable(err, "font program"); err != nil {
					return nil, err
				}
				data, cacheable = nil, false // its report comes with every copy
			}
		}
		out, d, err := b.rebuildProgram(typ, sub, sd, data)
		if err != nil {
			msg := fmt.Sprintf("%s font program that does not parse cleanly (%v); text shows in a fallback font", what, err)
			if cacheable {
				b.fonts[key] = fontResult{err: msg}
			}
			b.report(sanitize.ActRemovedFont, msg)
			return nil, nil
		}
		s := &outStream{d: d, data: out}
		if len(out) > 256 {
			// Compressed here, as the writer would, so that a copy costs no compression.
			s.data, s.filter = bytes.Clone(b.w.deflate(out)), "FlateDecode"
		}
		if cacheable {
			b.fonts[key] = fontResult{d: s.d, data: s.data, filter: s.filter}
		}
		return s, nil
	})
}

// programKey identifies a font program by what its rebuild depends on: its kind, its
// encoded bytes, how they decode, and /Length1 (where a Type 1 program's binary part
// starts). The key is two 64-bit hashes under seeds chosen at random for the process,
// and the length: a document cannot be made to collide with them, and hashing a
// megabyte of programs costs a tenth of SHA-256.
func (b *builder) programKey(typ, sub string, sd types.StreamDict, steps []filterStep, raw []byte) [32]byte {
	l1, _ := b.integer(sd.Dict["Length1"])
	desc := fmt.Sprintf("%s/%s/%d/", typ, sub, l1)
	for _, st := range steps {
		desc += st.name
		for _, k := range decodeParmKeys {
			if v, ok := b.integer(st.parms[k]); ok {
				desc += fmt.Sprintf(",%s=%d", k, v)
			}
		}
		desc += "/"
	}
	var key [32]byte
	for i, seed := range programSeeds {
		var h maphash.Hash
		h.SetSeed(seed)
		h.WriteString(desc)
		h.Write(raw)
		binary.LittleEndian.PutUint64(key[8*i:], h.Sum64())
	}
	binary.LittleEndian.PutUint64(key[16:], uint64(len(raw)))
	binary.LittleEndian.PutUint64(key[24:], uint64(len(desc)))
	return key
}

var programSeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

type fontResult struct {
	d      dict
	data   []byte // the program as written: compressed when filter is set
	filter string
	err    string
}

// rebuildProgram rebuilds one font program by its kind.
func (b *builder) rebuildProgram(typ, sub string, sd types.StreamDict, data []byte) ([]byte, dict, error) {
	d := dict{}
	switch {
	case typ == "FontFile":
		l1, _ := b.integer(sd.Dict["Length1"])
		out, n1, n2, err := rebuildType1(data, int(l1))
		if err != nil {
			return nil, nil, err
		}
		d["Length1"], d["Length2"], d["Length3"] = int64(n1), int64(n2), int64(len(out)-n1-n2)
		return out, d, nil
	case typ == "FontFile2" || sub == "OpenType":
		out, err := rebuildSFNT(data)
		if err != nil {
			return nil, nil, err
		}
		if typ == "FontFile2" {
			d["Length1"] = int64(len(out))
		} else {
			d["Subtype"] = name(sub)
		}
		return out, d, nil
	case sub == "Type1C" || sub == "CIDFontType0C":
		out, err := rebuildCFF(data)
		if err != nil {
			return nil, nil, err
		}
		d["Subtype"] = name(sub)
		return out, d, nil
	}
	return nil, nil, fmt.Errorf("unknown program subtype %q", sub)
}

// cidToGIDMap keeps /Identity or a table of 2-byte glyph numbers.
func (b *builder) cidToGIDMap(v types.Object, nr int) (any, bool, error) {
	if n, ok := v.(types.Name); ok {
		if n == "Identity" {
			return name(n), true, nil
		}
		return nil, false, nil
	}
	sd, ok := v.(types.StreamDict)
	if !ok {
		return b.drop(nr, "CIDToGIDMap")
	}
	return b.place(nr, "CIDToGIDMap", true, func() (any, error) {
		data, err := b.streamData(sd, "CIDToGIDMap")
		if err != nil || len(data) < 2 {
			return nil, err
		}
		// One glyph number per CID: CIDs stop at 65535, so bytes past the table's
		// largest size are no entry a viewer reads.
		return &outStream{d: dict{}, data: data[:min(len(data), 2<<16)&^1]}, nil
	})
}
