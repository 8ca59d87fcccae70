package ooxml

import "github.com/sekisho/sekisho/sanitize"

// metadataCases: the people behind a document go with the default metadata strip, their
// words stay.
func metadataCases() []hostileCase {
	return []hostileCase{
		{
			name: "comment-authors.xlsx", base: "ooxml/ledger.xlsx",
			edits: []edit{
				addType("xl/comments1.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"),
				add("xl/comments1.xml", `<?xml version="1.0" encoding="UTF-8"?><comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>山田 太郎</author></authors><commentList><comment ref="B2" authorId="0"><text><r><t>家賃は四月から改定</t></r></text></comment></commentList></comments>`),
				sheetRel("rId95", relBase+"comments", "../comments1.xml"),
				addType("docProps/custom.xml", ctCustomProps),
				add("docProps/custom.xml", `<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="担当課"><vt:lpwstr>情報政策課</vt:lpwstr></property></Properties>`),
				addRel("_rels/.rels", "rId96", relBase+"custom-properties", "docProps/custom.xml", ""),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedMetadata},
			gone:  []string{"山田", "情報政策課", "custom.xml"},
			text:  []string{"Rent", "1820"},
		},
		{
			name: "comment-authors.pptx", base: "ooxml/slides.pptx",
			edits: []edit{
				addType("ppt/commentAuthors.xml", "application/vnd.openxmlformats-officedocument.presentationml.commentAuthors+xml"),
				add("ppt/commentAuthors.xml", `<?xml version="1.0" encoding="UTF-8"?><p:cmAuthorLst xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cmAuthor id="1" name="佐藤 花子" initials="SH" lastIdx="1" clrIdx="0"/></p:cmAuthorLst>`),
				addRel("ppt/_rels/presentation.xml.rels", "rId97", relBase+"commentAuthors", "commentAuthors.xml", ""),
			},
			kinds: []sanitize.ActionKind{sanitize.ActRemovedMetadata},
			gone:  []string{"佐藤", `initials="SH"`},
			text:  []string{"Sekisho gateway overview"},
		},
	}
}

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
