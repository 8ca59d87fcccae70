package archive

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"slices"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// TestUnlistedData: bytes of the archive that no central-directory entry claims (a local
// header the directory leaves out, which readers walking local headers unpack, or plain
// junk between entries) are not copied, and the result says so (positive model: dropped
// means reported). Data descriptors after entries that announce one are not gaps.
func TestUnlistedData(t *testing.T) {
	_, a := testEngine(t, sanitize.Limits{})
	type ent struct {
		name, data string
		listed     bool
		junk       string // bytes written before the entry's local header
	}
	build := func(es []ent) []byte {
		var z, cd []byte
		n := 0
		for _, e := range es {
			z = append(z, e.junk...)
			crc, size := crc32.ChecksumIEEE(txt(e.data)), uint32(len(e.data))
			if e.listed {
				cd = append(cd, centralHeader(e.name, zip.Store, crc, size, size, uint32(len(z)))...)
				n++
			}
			z = append(append(z, localHeader(e.name, zip.Store, crc, size, size)...), e.data...)
		}
		return append(append(z, cd...), endRecord(uint16(n), uint32(len(cd)), uint32(len(z)))...)
	}
	for _, tc := range []struct {
		name    string
		zip     []byte
		details []string // substrings, one per removed-part action on the archive
	}{
		{"unlisted-last", build([]ent{{"a.txt", "a\n", true, ""}, {"run.exe", "MZ\x90\x00", false, ""}}),
			[]string{`entry "run.exe" after "a.txt" is not in the central directory`}},
		{"unlisted-first", build([]ent{{"run.exe", "MZ\x90\x00", false, ""}, {"a.txt", "a\n", true, ""}}),
			[]string{`entry "run.exe" before the first entry is not in the central directory`}},
		{"unlisted-between", build([]ent{{"a.txt", "a\n", true, ""}, {"run.exe", "MZ", false, ""}, {"b.txt", "b\n", true, ""}}),
			[]string{`entry "run.exe" after "a.txt"`}},
		{"junk-between", build([]ent{{"a.txt", "a\n", true, ""}, {"b.txt", "b\n", true, "<script>x</script>"}}),
			[]string{`18 bytes after "a.txt" belong to no entry`}},
		{"descriptors-are-not-gaps", makeZip(t, zfile{name: "a.txt", body: txt("a\n")}, zfile{name: "b.txt", body: txt("b\n")}), nil},
		{"unlisted-behind-a-descriptor", dropCentral(t, makeZip(t, zfile{name: "a.txt", body: txt("a\n")}, zfile{name: "run.exe", body: txt("MZ")}, zfile{name: "b.txt", body: txt("b\n")}), "run.exe"),
			[]string{`entry "run.exe" after "a.txt" is not in the central directory`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, res, err := run(t, a, tc.zip, "d.zip", sanitize.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if names := zipNames(t, out); slices.Contains(names, "run.exe") {
				t.Errorf("output holds run.exe: %q", names)
			}
			var got []string
			for _, act := range res.Actions {
				if act.Kind == sanitize.ActRemovedPart && act.Path == "item" {
					got = append(got, act.Detail)
				}
			}
			if len(got) != len(tc.details) {
				t.Fatalf("removed-part actions on the archive = %q, want %d", got, len(tc.details))
			}
			for i, d := range tc.details {
				if !strings.Contains(got[i], d) {
					t.Errorf("action %q, want it to say %q", got[i], d)
				}
			}
			if len(tc.details) > 0 && res.Verdict != sanitize.Sanitized {
				t.Errorf("verdict %s, want %s", res.Verdict, sanitize.Sanitized)
			}
		})
	}
}

// dropCentral removes name's record from a zip's central directory, leaving its local
// header and data in place.
func dropCentral(t testing.TB, z []byte, name string) []byte {
	t.Helper()
	le := binary.LittleEndian
	end := bytes.LastIndex(z, []byte("PK\x05\x06"))
	cd := int(le.Uint32(z[end+16:]))
	var kept []byte
	n := 0
	for p := cd; p < end; {
		l := 46 + int(le.Uint16(z[p+28:])) + int(le.Uint16(z[p+30:])) + int(le.Uint16(z[p+32:]))
		if string(z[p+46:p+46+int(le.Uint16(z[p+28:]))]) != name {
			kept = append(kept, z[p:p+l]...)
			n++
		}
		p += l
	}
	eocd := bytes.Clone(z[end:])
	le.PutUint16(eocd[8:], uint16(n))
	le.PutUint16(eocd[10:], uint16(n))
	le.PutUint32(eocd[12:], uint32(len(kept)))
	return append(append(append([]byte{}, z[:cd]...), kept...), eocd...)
}
