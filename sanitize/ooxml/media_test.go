package ooxml

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// metafiles are minimal headers of the three metafile shapes pictures come in.
var metafiles = func() map[string][]byte {
	wmf := make([]byte, 18) // METAHEADER: disk metafile, 9-word header, version 0x300
	binary.LittleEndian.PutUint16(wmf[0:], 1)
	binary.LittleEndian.PutUint16(wmf[2:], 9)
	binary.LittleEndian.PutUint16(wmf[4:], 0x300)
	placeable := append([]byte{0xd7, 0xcd, 0xc6, 0x9a}, make([]byte, 18)...)
	placeable = append(placeable, wmf...)
	emf := make([]byte, 88) // EMR_HEADER
	binary.LittleEndian.PutUint32(emf[0:], 1)
	binary.LittleEndian.PutUint32(emf[4:], 88)
	copy(emf[40:], " EMF")
	return map[string][]byte{"WMF": wmf, "placeable WMF": placeable, "EMF": emf}
}()

// TestMetafilePictures: a WMF or EMF picture goes with a reason that says why (it is not
// rebuilt), whatever the part's name or declared type claims; its references go with it
// and the document's text stays.
func TestMetafilePictures(t *testing.T) {
	_, s := newEngine(true)
	for kind, data := range metafiles {
		for _, base := range []string{"ooxml/report.docx", "odf/report.odt"} {
			es := unpack(t, readCorpus(t, base))
			var replaced string
			for i := range es {
				if strings.HasSuffix(es[i].name, ".png") {
					es[i].data, replaced = data, es[i].name
				}
			}
			if replaced == "" {
				t.Fatalf("%s has no PNG picture to replace", base)
			}
			out, res, err := sanitizeBytes(t, s, base, pack(t, es))
			if err != nil {
				t.Fatalf("%s in %s: %v", kind, base, err)
			}
			want := strings.Fields(kind)[len(strings.Fields(kind))-1] + metafileReason
			found := false
			for _, a := range res.Actions {
				found = found || a.Kind == sanitize.ActRemovedPart && strings.Contains(a.Detail, want)
			}
			if !found {
				t.Errorf("%s in %s: no removal with the metafile reason: %+v", kind, base, res.Actions)
			}
			parts := readParts(t, out)
			for name, body := range parts {
				if name == replaced || strings.Contains(body, replaced[strings.LastIndex(replaced, "/")+1:]) {
					t.Errorf("%s in %s: picture or a reference to it kept in %s", kind, base, name)
				}
			}
			if !strings.Contains(parts["word/document.xml"]+parts["content.xml"], "End of the sample report") {
				t.Errorf("%s in %s: text lost", kind, base)
			}
		}
	}
}

func TestMetafileKind(t *testing.T) {
	for _, c := range []struct {
		ctype string
		head  []byte
		want  string
	}{
		{"image/x-wmf", nil, "WMF"}, {"image/x-emf", nil, "EMF"}, {"image/png", metafiles["WMF"], "WMF"},
		{"image/png", metafiles["placeable WMF"], "WMF"}, {"image/jpeg", metafiles["EMF"], "EMF"},
		{"image/png", []byte("\x89PNG\r\n\x1a\n"), ""}, {"image/png", []byte{1, 0, 9, 0, 0, 2}, ""},
		{"image/png", metafiles["EMF"][:40], ""},
	} {
		if got := metafileKind(c.ctype, c.head); got != c.want {
			t.Errorf("metafileKind(%q, % x) = %q, want %q", c.ctype, c.head, got, c.want)
		}
	}
}
