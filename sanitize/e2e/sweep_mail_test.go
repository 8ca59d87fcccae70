package e2e

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

// TestSweepMail: the mail classes of the session-7 sweep not covered by TestMail* and
// TestReadersMailAndNames: messages nested five deep, files encoded inside a text body
// (BinHex, yEnc), S/MIME in its three shapes, attachments whose name and content disagree,
// executable names behind trailing dots, spaces and look-alike characters in RFC 2047 and
// 2231 spellings, calendar items carrying a file, and external bodies naming a local file.
// A delivered text body is judged for encoded files too (judgeTextBody).
func TestSweepMail(t *testing.T) {
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), make([]byte, 200)...)
	exePart := att("application/octet-stream", `attachment; filename="x.exe"`, exe)
	// Five messages, each with its own boundary, so that only nesting carries the file down.
	nested := string(eml(exePart))
	for i := 0; i < 5; i++ {
		b := fmt.Sprintf("L%d", i)
		nested = "From: a@example.invalid\r\nSubject: level " + b + "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"" + b + "\"\r\n\r\n--" + b +
			"\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--" + b + "\r\nContent-Type: message/rfc822\r\n\r\n" + nested + "\r\n--" + b + "--\r\n"
	}
	hello := []byte("hello\r\n")
	named := func(disp string) []byte { return eml(att("application/octet-stream", disp, hello)) }
	head := "From: a@example.invalid\r\nTo: b@example.invalid\r\nSubject: s\r\nMIME-Version: 1.0\r\n"
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\nURL:file://attacker.example/s/x.exe\r\nATTACH;FMTTYPE=application/x-msdownload;ENCODING=BASE64;VALUE=BINARY;X-FILENAME=x.exe:" + base64.StdEncoding.EncodeToString(exe) + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	cases := []advCase{
		{"mail/rfc822-nested-five-deep", "m.eml", "", []byte(nested), "safe", ""},
		{"mail/binhex-in-text-body", "m.eml", "", []byte(head + "Content-Type: text/plain\r\n\r\nfile:\r\n(This file must be converted with BinHex 4.0)\r\n:" + strings.Repeat("!", 60) + ":\r\n"), "safe", ""},
		{"mail/yenc-in-text-body", "m.eml", "", []byte(head + "Content-Type: text/plain; charset=iso-8859-1\r\n\r\nfile:\r\n=ybegin line=128 size=4 name=invoice.exe\r\nwx\xa4\xb4\r\n=yend size=4\r\n"), "safe", ""},
		{"mail/smime-enveloped", "m.eml", "", []byte(head + "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=\"smime.p7m\"\r\nContent-Disposition: attachment; filename=\"smime.p7m\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64lines(append([]byte("\x30\x80\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x03"), make([]byte, 64)...)) + "\r\n"), "safe", ""},
		{"mail/smime-opaque-signed-exe", "m.eml", "", []byte(head + "Content-Type: application/pkcs7-mime; smime-type=signed-data; name=\"smime.p7m\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64lines(append([]byte("\x30\x80\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02"), exe...)) + "\r\n"), "safe", ""},
		{"mail/smime-detached-signed-exe", "m.eml", "", []byte(head + "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"SS\"\r\n\r\n--SS\r\nContent-Type: multipart/mixed; boundary=\"IN\"\r\n\r\n--IN\r\nContent-Type: text/plain\r\n\r\nhi\r\n--IN\r\n" + exePart + "\r\n--IN--\r\n\r\n--SS\r\nContent-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\nContent-Transfer-Encoding: base64\r\n\r\nMIIBAAAA\r\n--SS--\r\n"), "safe", ""},
		{"mail/pdf-name-zip-content", "m.eml", "", eml(att("application/pdf", `attachment; filename="invoice.pdf"`, mkzip(t, zipEntry{"a.exe", string(exe)}))), "safe", ""},
		{"mail/txt-name-exe-content", "m.eml", "", eml(att("text/plain", `attachment; filename="readme.txt"`, exe)), "safe", ""},
		{"mail/name-trailing-dot", "m.eml", "", named(`attachment; filename="invoice.exe."`), "safe", ""},
		{"mail/name-trailing-space", "m.eml", "", named(`attachment; filename="invoice.exe "`), "safe", ""},
		{"mail/rfc2231-trailing-dot", "m.eml", "", named(`attachment; filename*=utf-8''invoice.exe%2E`), "safe", ""},
		{"mail/rfc2231-trailing-nbsp", "m.eml", "", named(`attachment; filename*=utf-8''invoice.exe%C2%A0`), "safe", ""},
		{"mail/rfc2231-trailing-ideographic-space", "m.eml", "", named(`attachment; filename*=utf-8''invoice.exe%E3%80%80`), "safe", ""},
		{"mail/rfc2231-fullwidth-dot", "m.eml", "", named(`attachment; filename*=utf-8''invoice%EF%BC%8Eexe`), "safe", ""},
		{"mail/rfc2231-rlo", "m.eml", "", named(`attachment; filename*=utf-8''invoice%E2%80%AEfdp.exe`), "safe", ""},
		{"mail/rfc2047-trailing-space", "m.eml", "", eml(att(`application/octet-stream; name="=?utf-8?Q?invoice.exe=20?="`, "attachment", hello)), "safe", ""},
		{"mail/calendar-attach-binary", "m.eml", "", eml(att("text/calendar; method=REQUEST", `attachment; filename="a.ics"`, []byte(ics))), "safe", ""},
		{"mail/external-body-local-file", "m.eml", "", eml("Content-Type: message/external-body; access-type=local-file; name=\"/etc/passwd\"\r\n\r\nContent-Type: text/plain\r\n\r\n"), "safe", ""},
		{"mail/tnef-named-pdf", "m.eml", "", eml(att("application/pdf", `attachment; filename="a.pdf"`, append([]byte("\x78\x9f\x3e\x22\x01\x00\x01\x06\x90\x08\x00"), make([]byte, 40)...))), "safe", ""},
	}
	runCases(t, cases)
}
