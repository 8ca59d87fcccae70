package metafile

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestAllowListCovered: every record type on the allow-lists occurs in a record-test
// picture (whose pixels are checked) or in a real picture of the corpus (checked against
// LibreOffice's rendering), so an entry added without a test case fails here.
func TestAllowListCovered(t *testing.T) {
	wmfSeen, emfSeen := map[uint16]bool{}, map[uint32]bool{}
	add := func(data []byte) {
		switch Kind(data) {
		case "WMF":
			for _, fn := range wmfTypes(data) {
				wmfSeen[fn] = true
			}
		case "EMF":
			for _, typ := range emfTypes(data) {
				emfSeen[typ] = true
			}
		}
	}
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.[we]mf"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		add(data)
	}
	for _, c := range append(wmfCases(), wmfMoreCases()...) {
		add(c.f.bytes())
	}
	for _, c := range append(emfCases(), emfMoreCases()...) {
		add(c.f.bytes())
	}
	for _, c := range textCases() {
		add(c.f.bytes())
	}
	var missing []string
	for fn, a := range wmfRecords {
		if !wmfSeen[fn] {
			missing = append(missing, "WMF "+a.name)
		}
	}
	for typ, a := range emfRecords {
		if !emfSeen[typ] {
			missing = append(missing, "EMF "+a.name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d allowed records without a test picture: %s", len(missing), strings.Join(missing, ", "))
	}
}

func wmfTypes(data []byte) []uint16 {
	off := 0
	if string(data[:4]) == "\xd7\xcd\xc6\x9a" {
		off = 22
	}
	off += int(le.Uint16(data[off+2:])) * 2
	var out []uint16
	for off+6 <= len(data) {
		size := int(le.Uint32(data[off:])) * 2
		fn := le.Uint16(data[off+4:])
		if fn == 0 || size < 6 {
			break
		}
		out = append(out, fn)
		off += size
	}
	return out
}

func emfTypes(data []byte) []uint32 {
	var out []uint32
	for off := 0; off+8 <= len(data); {
		typ, size := le.Uint32(data[off:]), int(le.Uint32(data[off+4:]))
		if size < 8 {
			break
		}
		out = append(out, typ)
		off += size
	}
	return out
}
