package e2e

import (
	"encoding/base64"
	"strings"
	"testing"
)

// eml builds a multipart/mixed message with a text body and the given raw attachment
// parts (headers and body, without the boundary lines).
func eml(parts ...string) []byte {
	var b strings.Builder
	b.WriteString("From: a@example.invalid\r\nTo: b@example.invalid\r\nSubject: test\r\nDate: Wed, 25 Nov 2026 10:00:00 +0900\r\nMessage-ID: <x@example.invalid>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"BB\"\r\n\r\n")
	b.WriteString("--BB\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n")
	for _, p := range parts {
		b.WriteString("--BB\r\n" + p + "\r\n")
	}
	b.WriteString("--BB--\r\n")
	return []byte(b.String())
}

// att is an attachment part with a Content-Type and Content-Disposition header line each,
// base64 body.
func att(ctype, disp string, body []byte) string {
	return "Content-Type: " + ctype + "\r\nContent-Disposition: " + disp + "\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64lines(body)
}

func b64lines(b []byte) string {
	s := base64.StdEncoding.EncodeToString(b)
	var out strings.Builder
	for len(s) > 76 {
		out.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	out.WriteString(s)
	return out.String()
}

// TestMailAttachmentNames: an executable attachment is removed whatever header spelling
// carries its name, and the rebuilt message is re-checked part by part.
func TestMailAttachmentNames(t *testing.T) {
	exeText := []byte("hello\r\n")                // inert bytes: only the name makes it dangerous
	sjisExe := "\x90\xbf\x8b\x81\x8f\x91.pdf.exe" // 請求書.pdf.exe in raw Shift_JIS
	cases := []advCase{
		{"mail/name-plain", "m.eml", "", eml(att("application/octet-stream; name=\"a.exe\"", "attachment", exeText)), "sanitized", ""},
		{"mail/filename-only", "m.eml", "", eml(att("application/octet-stream", "attachment; filename=\"a.pdf.exe\"", exeText)), "sanitized", ""},
		{"mail/name-and-filename-disagree", "m.eml", "", eml(att("text/plain; name=\"a.txt\"", "attachment; filename=\"a.exe\"", exeText)), "safe", ""},
		{"mail/filename-and-name-disagree", "m.eml", "", eml(att("text/plain; name=\"a.exe\"", "attachment; filename=\"a.txt\"", exeText)), "safe", ""},
		{"mail/rfc2231", "m.eml", "", eml(att("application/octet-stream", "attachment; filename*=UTF-8''%E8%AB%8B%E6%B1%82%E6%9B%B8.pdf.exe", exeText)), "safe", ""},
		{"mail/rfc2231-continuation", "m.eml", "", eml(att("application/octet-stream", "attachment; filename*0*=UTF-8''invoice.pdf; filename*1=\".ex\"; filename*2=e", exeText)), "safe", ""},
		{"mail/rfc2047-name", "m.eml", "", eml(att("application/octet-stream; name=\"=?UTF-8?B?6KuL5rGC5pu4LnBkZi5leGU=?=\"", "attachment", exeText)), "safe", ""},
		{"mail/rfc2047-rlo", "m.eml", "", eml(att("application/octet-stream; name=\"=?UTF-8?Q?invoice=E2=80=AEfdp.scr?=\"", "attachment", exeText)), "safe", ""},
		{"mail/raw-shift-jis-name", "m.eml", "", eml(att("application/octet-stream; name=\""+sjisExe+"\"", "attachment", exeText)), "safe", ""},
		{"mail/declared-exe-type", "m.eml", "", eml(att("application/x-msdownload; name=\"a.txt\"", "attachment", exeText)), "safe", ""},
		{"mail/exe-bytes-inline-text", "m.eml", "", eml("Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64lines(append([]byte("MZ\x90\x00\x03"), make([]byte, 300)...))), "safe", ""},
		{"mail/html-body-script", "m.eml", "", eml("Content-Type: text/html\r\n\r\n<html><body><script>alert(1)</script><iframe src=http://example.invalid></iframe>hi</body></html>"), "safe", ""},
		{"mail/docm-attachment", "m.eml", "", eml(att("application/vnd.ms-word.document.macroEnabled.12", "attachment; filename=\"a.docm\"", docmBytes(t))), "safe", ""},
		{"mail/message-partial", "m.eml", "", eml("Content-Type: message/partial; id=\"x@example.invalid\"; number=1; total=2\r\n\r\nContent-Type: application/octet-stream; name=\"a.exe\"\r\nContent-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n"), "safe", ""},
		{"mail/message-external-body", "m.eml", "", eml("Content-Type: message/external-body; access-type=URL; URL=\"http://example.invalid/a.exe\"\r\n\r\nContent-Type: application/octet-stream\r\n\r\n"), "safe", ""},
		{"mail/html-attachment-named-txt", "m.eml", "", eml(att("text/html", "attachment; filename=\"a.txt\"", []byte("<html><script>alert(1)</script>hi</html>"))), "safe", ""},
		{"mail/svg-attachment-as-image", "m.eml", "", eml(att("image/png", "attachment; filename=\"a.png\"", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`))), "safe", ""},
		{"mail/calendar-with-attach-uri", "m.eml", "", eml(att("text/calendar", "attachment; filename=\"a.ics\"", []byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nATTACH:http://example.invalid/a.exe\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"))), "safe", ""},
		{"mail/uuencoded-exe-in-body", "m.eml", "", eml("Content-Type: text/plain\r\n\r\nsee below\r\nbegin 644 a.exe\r\n$35J0\r\n`\r\nend\r\n"), "safe", ""},
		{"mail/winmail-dat", "m.eml", "", eml(att("application/ms-tnef", "attachment; filename=\"winmail.dat\"", []byte("\x78\x9f\x3e\x22\x00\x00"))), "safe", ""},
		{"mail/script-as-txt", "m.eml", "", eml(att("text/plain", "attachment; filename=\"a.txt\"", []byte("Set s = CreateObject(\"WScript.Shell\")\r\n"))), "safe", ""},
	}
	runCases(t, cases)
}

// docmBytes is a Word package with a macro project: the content type says macro-enabled.
func docmBytes(t testing.TB) []byte {
	return mkzip(t,
		zipEntry{"[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="` + ctPackage + `"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>`},
		zipEntry{"_rels/.rels", `<?xml version="1.0"?><Relationships xmlns="` + relsNS + `"><Relationship Id="rId1" Type="` + relBase + `officeDocument" Target="word/document.xml"/></Relationships>`},
		zipEntry{"word/document.xml", `<?xml version="1.0"?><w:document xmlns:w="` + wNS + `"><w:body>` + para("macro") + `</w:body></w:document>`},
		zipEntry{"word/_rels/document.xml.rels", `<?xml version="1.0"?><Relationships xmlns="` + relsNS + `"><Relationship Id="rId2" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>`},
		zipEntry{"word/vbaProject.bin", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + strings.Repeat("\x00", 504)})
}

// TestNestedDelivery: zip → eml → zip → docm; the macro must not come out at any level.
func TestNestedDelivery(t *testing.T) {
	inner := mkzip(t, zipEntry{"a.docm", string(docmBytes(t))}, zipEntry{"b.exe", "MZ\x90\x00"}, zipEntry{"c.txt", "hi"})
	msg := eml(att("application/zip", "attachment; filename=\"inner.zip\"", inner))
	outer := mkzip(t, zipEntry{"mail.eml", string(msg)}, zipEntry{"readme.txt", "see mail"})
	cases := []advCase{
		{"nesting/zip-eml-zip-docm", "outer.zip", "", outer, "sanitized", ""},
		{"nesting/eml-zip-eml-zip-docm", "m.eml", "", eml(att("application/zip", "attachment; filename=\"outer.zip\"", outer)), "safe", ""},
		{"nesting/docm-in-gzip", "a.docm.gz", "", gz(t, docmBytes(t)), "safe", ""},
		{"nesting/eml-rfc822-attachment", "m.eml", "", eml("Content-Type: message/rfc822\r\n\r\n" + string(eml(att("application/octet-stream", "attachment; filename=\"x.exe\"", []byte("hello"))))), "safe", ""},
	}
	runCases(t, cases)
}
