package ooxml

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"

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
			out, res, err := sanitizeBytes(t, s, "report.docx", metafileDocx(t, data, ext))
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
			in, name := metafileODT(t, data)
			es := unpack(t, in)
			for i := range es {
				if es[i].name == "content.xml" {
					// As LibreOffice writes a metafile picture.
					es[i].data = regexp.MustCompile(`draw:mime-type="[^"]*"`).ReplaceAll(es[i].data, []byte(`draw:mime-type="image/x-wmf"`))
				}
			}
			in = pack(t, es)
			out, res, err := sanitizeBytes(t, s, "report.odt", in)
			if err != nil {
				t.Fatal(err)
			}
			parts := readParts(t, out)
			if !strings.HasPrefix(parts[name], "\x89PNG") {
				t.Fatalf("%s is not a PNG", name)
			}
			if c := parts["content.xml"]; strings.Contains(c, "image/x-wmf") || !strings.Contains(c, `draw:mime-type="image/png"`) {
				t.Errorf("the image's declared type did not follow: %s", regexp.MustCompile(`<draw:image[^>]*>`).FindString(c))
			}
			if !strings.Contains(parts["META-INF/manifest.xml"], `manifest:full-path="`+name+`" manifest:media-type="image/png"`) {
				t.Errorf("manifest: %s", parts["META-INF/manifest.xml"])
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

// metafileDocx is report.docx with its PNG picture replaced by a metafile part of the
// given extension, declared as Office declares it.
func metafileDocx(t testing.TB, data []byte, ext string) []byte {
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
	return pack(t, es)
}

// metafileODT is report.odt with its picture's bytes replaced by a metafile, and the
// picture's entry name.
func metafileODT(t testing.TB, data []byte) ([]byte, string) {
	es := unpack(t, readCorpus(t, "odf/report.odt"))
	var name string
	for i := range es {
		if strings.HasPrefix(es[i].name, "Pictures/") {
			es[i].data, name = data, es[i].name
		}
	}
	return pack(t, es), name
}

// TestMetafileInLibreOffice: the documents whose WMF picture became a PNG open in
// LibreOffice with the picture in place (pdfimages lists it in the PDF export).
func TestMetafileInLibreOffice(t *testing.T) {
	t.Parallel()
	if raceEnabled {
		t.Skip("LibreOffice does the work here, out of the race detector's sight: runs without -race")
	}
	soffice := testtool.Need(t, "soffice")
	testtool.Need(t, "pdfimages")
	data, err := os.ReadFile(filepath.Join(corpusDir, "metafile", "clipart-computer.wmf"))
	if err != nil {
		t.Fatal(err)
	}
	_, s := newEngine(true)
	dir := t.TempDir()
	odt, _ := metafileODT(t, data)
	var files []string
	for name, in := range map[string][]byte{"docx-picture.docx": metafileDocx(t, data, ".wmf"), "odt-picture.odt": odt} {
		out, _, err := sanitizeBytes(t, s, name, in)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, out, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := append([]string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"), "--headless", "--norestore",
		"--convert-to", "pdf", "--outdir", dir}, files...)
	if out, err := exec.CommandContext(ctx, soffice, args...).CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	for _, f := range files {
		pdf := strings.TrimSuffix(f, filepath.Ext(f)) + ".pdf"
		list, err := exec.Command("pdfimages", "-list", pdf).Output()
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(pdf), err)
			continue
		}
		// Two header lines, then one line per image.
		if n := len(strings.Split(strings.TrimSpace(string(list)), "\n")) - 2; n < 1 {
			t.Errorf("%s: no picture in LibreOffice's PDF:\n%s", filepath.Base(f), list)
		}
	}
}

// BenchmarkMetafilePicture sanitizes report.docx holding its picture as the clip-art WMF
// (drawn into a PNG) against the same document holding the PNG it had.
func BenchmarkMetafilePicture(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(corpusDir, "metafile", "clipart-computer.wmf"))
	if err != nil {
		b.Fatal(err)
	}
	_, s := newEngine(true)
	for name, in := range map[string][]byte{"picture=wmf": metafileDocx(b, data, ".wmf"), "picture=png": readCorpus(b, "ooxml/report.docx")} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				if _, _, err := sanitizeBytes(b, s, "report.docx", in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
