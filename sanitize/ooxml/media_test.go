package ooxml

import (
	"bytes"
	"encoding/binary"
	"os"
	"path"
	"path/filepath"
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

// TestMetafilePictures: a WMF or EMF picture the renderer cannot draw (here: headers
// without a size or records) goes with a reason that says why, whatever the part's name or
// declared type claims; its references go with it and the document's text stays.
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
			want := strings.Fields(kind)[len(strings.Fields(kind))-1] + " picture (vector metafile of GDI drawing records) is left out: "
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

// TestMetafileConverted: a WMF or EMF picture the renderer draws becomes a PNG part:
// renamed to .png in OOXML (relationship target and content type follow), retyped in the
// ODF manifest, and reported as rasterized.
func TestMetafileConverted(t *testing.T) {
	_, s := newEngine(true)
	for _, pic := range []string{"clipart-computer.wmf", "graph.emf"} {
		data, err := os.ReadFile(filepath.Join(corpusDir, "metafile", pic))
		if err != nil {
			t.Fatal(err)
		}
		ext := path.Ext(pic)
		t.Run(pic+"/docx", func(t *testing.T) {
			es := unpack(t, readCorpus(t, "ooxml/report.docx"))
			for i := range es {
				switch {
				case es[i].name == "word/media/image1.png":
					es[i].name, es[i].data = "word/media/image1"+ext, data
				case strings.HasSuffix(es[i].name, ".rels"), es[i].name == "[Content_Types].xml":
					es[i].data = bytes.ReplaceAll(es[i].data, []byte("media/image1.png"), []byte("media/image1"+ext))
					es[i].data = bytes.Replace(es[i].data, []byte("<Default "), []byte(`<Default Extension="`+ext[1:]+`" ContentType="image/x-`+ext[1:]+`"/><Default `), 1)
				}
			}
			out, res, err := sanitizeBytes(t, s, "report.docx", pack(t, es))
			if err != nil {
				t.Fatal(err)
			}
			parts := readParts(t, out)
			if !strings.HasPrefix(parts["word/media/image1.png"], "\x89PNG") {
				t.Fatalf("no PNG part word/media/image1.png; parts: %v", keys(parts))
			}
			if _, ok := parts["word/media/image1"+ext]; ok {
				t.Error("metafile part kept")
			}
			if !strings.Contains(parts["word/_rels/document.xml.rels"], `Target="media/image1.png"`) {
				t.Errorf("relationship not retargeted: %s", parts["word/_rels/document.xml.rels"])
			}
			ct := parts["[Content_Types].xml"]
			if !strings.Contains(ct, `PartName="/word/media/image1.png" ContentType="image/png"`) || strings.Contains(ct, "x-"+ext[1:]) {
				t.Errorf("content types: %s", ct)
			}
			if !strings.Contains(parts["word/document.xml"], `r:embed="rId3"`) {
				t.Error("the drawing lost its picture reference")
			}
			found := false
			for _, a := range res.Actions {
				found = found || a.Kind == sanitize.ActRasterized && strings.Contains(a.Detail, "drawn as PNG")
			}
			if !found {
				t.Errorf("no rasterized action: %+v", res.Actions)
			}
		})
		t.Run(pic+"/odt", func(t *testing.T) {
			es := unpack(t, readCorpus(t, "odf/report.odt"))
			var name string
			for i := range es {
				if strings.HasPrefix(es[i].name, "Pictures/") {
					es[i].data, name = data, es[i].name
				}
			}
			out, res, err := sanitizeBytes(t, s, "report.odt", pack(t, es))
			if err != nil {
				t.Fatal(err)
			}
			parts := readParts(t, out)
			if !strings.HasPrefix(parts[name], "\x89PNG") {
				t.Fatalf("%s is not a PNG", name)
			}
			if res.Verdict != sanitize.Sanitized {
				t.Errorf("verdict %s", res.Verdict)
			}
		})
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
