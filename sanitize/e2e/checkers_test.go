package e2e

import (
	"testing"
)

// TestCheckersCatch proves that the independent checks can fail: each hostile input, fed
// to them directly (not through the engine), must be reported.
func TestCheckersCatch(t *testing.T) {
	tests := []struct {
		name string
		file string
		data []byte
	}{
		{"pdf-openaction-js", "a.pdf", pdfJS()},
		{"pdf-hex-escaped", "a.pdf", mkpdf("<< /Type /Catalog /Pages 2 0 R /Open#41ction 4 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>", "<< /S /J#61vaScript /JS (x) >>")},
		{"docm", "a.docm", docmBytes(t)},
		{"docx-external-template", "a.docx", docx(t, para("x"), `<Relationship Id="rId9" Type="`+relBase+`attachedTemplate" Target="http://example.invalid/t.dotm" TargetMode="External"/>`, "")},
		{"docx-dde", "a.docx", docx(t, `<w:p><w:r><w:instrText>DDEAUTO cmd "/c calc"</w:instrText></w:r></w:p>`, "", "")},
		{"zip-with-exe", "a.zip", mkzip(t, zipEntry{"a.txt", "MZ\x90\x00\x03" + junk(200)})},
		{"zip-traversal", "a.zip", mkzip(t, zipEntry{"../a.txt", "hi"})},
		{"zip-in-gzip-with-exe-name", "a.gz", gz(t, mkzip(t, zipEntry{"a.exe", "hi"}))},
		{"rtf-object", "a.rtf", []byte(`{\rtf1{\object\objemb{\*\objdata 0105}}}`)},
		{"rtf-dde", "a.rtf", []byte(`{\rtf1{\field{\*\fldinst DDEAUTO cmd}{\fldrslt x}}}`)},
		{"csv-formula", "a.csv", []byte("a,=1+1\n")},
		{"text-markup-named-svg", "a.svg", []byte("hi\n<svg onload=alert(1)>")},
		{"png-trailing-zip", "a.png", append(readFile(t, "img/graphic.png"), mkzip(t, zipEntry{"a", "b"})...)},
		{"mail-exe-attachment", "m.eml", eml(att("application/octet-stream", "attachment; filename=\"a.exe\"", []byte("hi")))},
		{"mail-html-part", "m.eml", eml("Content-Type: text/html\r\n\r\n<script>x</script>")},
		{"mail-docm-attachment", "m.eml", eml(att("application/octet-stream", "attachment; filename=\"a.bin.doc\"", docmBytes(t)))},
		{"script", "a.txt", []byte("#!/bin/sh\necho\n")},
		{"eicar", "a.txt", []byte(eicarString())},
		{"pdf-mesh-with-marker", "a.pdf", meshPDF(decoderMarker)},
		{"pdf-uri-javascript-utf16", "a.pdf", mkpdf("<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /URI /URI <FEFF006A006100760061007300630072006900700074003A0031> >> >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>")},
		{"pdf-uri-file-escaped", "a.pdf", mkpdf("<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /URI /URI (\\040\\146ile://x/y.exe) >> >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>")},
		{"pdf-hide-action", "a.pdf", mkpdf("<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Hide /T (x) >> >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>")},
		{"docx-hyperlink-msdt", "a.docx", docx(t, para("x"), `<Relationship Id="rId9" Type="`+relBase+`hyperlink" Target="%6Ds-msdt:/id x" TargetMode="External"/>`, "")},
		{"docx-hyperlink-mailto-attach", "a.docx", docx(t, para("x"), `<Relationship Id="rId9" Type="`+relBase+`hyperlink" Target="mailto:a@example.invalid?attach=/etc/passwd" TargetMode="External"/>`, "")},
		{"docx-internal-file-target", "a.docx", docx(t, para("x"), `<Relationship Id="rId9" Type="`+relBase+`hyperlink" Target="file:///C:/Windows/System32/calc.exe"/>`, "")},
		{"pptx-click-program", "a.docx", docx(t, `<w:p><a:hlinkClick xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" action="ppaction://program"/></w:p>`, "", "")},
		{"odf-style-link-file", "a.docx", docx(t, `<w:p><text:a xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="&#x66;ile://x/y.exe">x</text:a></w:p>`, "", "")},
		{"mail-uuencode-body", "m.eml", eml("Content-Type: text/plain\r\n\r\nhi\r\nbegin 644 a.exe\r\n$35J0\r\n`\r\nend\r\n")},
		{"mail-yenc-body", "m.eml", eml("Content-Type: text/plain\r\n\r\nhi\r\n=ybegin line=128 size=4 name=a.exe\r\nwxyz\r\n=yend size=4\r\n")},
		{"odt-font-with-marker", "a.zip", mkzip(t, zipEntry{"Fonts/a.ttf", "\x00\x01\x00\x00" + decoderMarker})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			found, err := inspect(tc.data, tc.file, 0)
			if err == nil && len(found) == 0 {
				t.Errorf("inspect(%s) found nothing, want a finding", tc.name)
			}
		})
	}
}
