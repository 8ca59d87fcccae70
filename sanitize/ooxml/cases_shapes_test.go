package ooxml

import "github.com/sekisho/sekisho/sanitize"

// shapeAndManifestCases are the fidelity cases of issue 17: removing a link from a shape
// keeps the shape and its text, and an OpenOffice 2 manifest with a DOCTYPE opens.
func shapeAndManifestCases() []hostileCase {
	const ooo2Manifest = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<!DOCTYPE manifest:manifest PUBLIC "-//OpenOffice.org//DTD Manifest 1.0//EN" "Manifest.dtd">` + "\n"
	return []hostileCase{
		{
			// A VML text box that is only a link: Word follows href when clicked.
			name: "vml-shape-link.docx", base: "ooxml/report.docx",
			edits: []edit{
				replace(docMain, docEnd, docEnd+`<w:r><w:pict><v:shape id="_x0000_s2001" type="#_x0000_t202" style="width:120pt;height:30pt" href="file://attacker.example/share/invoice.exe" o:althref="\\attacker.example\share\x.exe"><v:textbox><w:txbxContent><w:p><w:r><w:t>Click me in the box</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>`),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedExternalLink},
			gone:  []string{"attacker.example"},
			text:  []string{"Click me in the box", "End of the sample report"},
		},
		{
			// A DrawingML text shape whose click goes to a file on a share.
			name: "drawingml-shape-link.pptx", base: "ooxml/slides.pptx",
			edits: []edit{
				addRel("ppt/slides/_rels/slide1.xml.rels", "rId90", relBase+"hyperlink", "file://attacker.example/share/invoice.exe", "External"),
				replace("ppt/slides/slide1.xml", `<p:cNvPr id="41" name=""></p:cNvPr>`, `<p:cNvPr id="41" name=""><a:hlinkClick r:id="rId90"/></p:cNvPr>`),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedExternalLink},
			gone:  []string{"attacker.example", `r:id="rId90"`},
			text:  []string{"Sekisho gateway overview"},
		},
		{
			name: "manifest-doctype.odt", base: "odf/report.odt",
			edits: []edit{replace(odtManifest, `<?xml version="1.0" encoding="UTF-8"?>`+"\n", ooo2Manifest)},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedMetadata},
			gone:  []string{"DOCTYPE"},
			text:  []string{"Sekisho quarterly report"},
		},
		{
			name: "bad-manifest-entities.odt", base: "odf/report.odt",
			edits: []edit{replace(odtManifest, `<?xml version="1.0" encoding="UTF-8"?>`+"\n",
				`<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<!DOCTYPE manifest:manifest [<!ENTITY x "y">]>`+"\n")},
			wantErr: sanitize.ErrMalformed,
		},
	}
}
