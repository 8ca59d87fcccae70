package mail

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// The evasion corpus: one way each to hide a file from a MIME reader, the ways public
// research on MIME evasion (for example the "MIME is broken" test set) describes, written
// here from the descriptions. Each hides two payloads a gateway must never deliver: a zip
// holding the EICAR test file as eicar.com, and a Windows executable.

// eicarZip is a zip with the EICAR test file named eicar.com. The string is assembled
// here so that this source file is not itself a test virus.
func eicarZip(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create("eicar.com")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(`X5O!P%@AP[4\PZX54(P^)7CC)7}$` + "EICAR-STANDARD-ANTIVIRUS" + "-TEST-FILE!$H+H*"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// peBytes is the start of a Windows executable: enough for every detector to call it one.
var peBytes = append(append([]byte("MZ\x90\x00"), make([]byte, 56)...), append([]byte{0x40, 0, 0, 0}, append([]byte("PE\x00\x00\x4c\x01\x01\x00"), make([]byte, 200)...)...)...)

type payload struct {
	name, ctype string
	data        []byte
}

// evasion is one way to write the message; valid says the message is valid MIME (a
// reader that follows the RFCs sees the file, so sekisho must handle it, not hold the
// message).
type evasion struct {
	name  string
	valid bool
	build func(text string, p payload) string
}

func b64(data []byte) string { return b64lines(data) }

const evHead = "From: attacker@example.net\r\nTo: staff@example.lg.jp\r\nSubject: evasion\r\nMIME-Version: 1.0\r\n"

func attPart(p payload, hdr string) string {
	return "Content-Type: " + p.ctype + "; name=\"" + p.name + "\"\r\nContent-Disposition: attachment; filename=\"" + p.name + "\"\r\n" + hdr + "\r\n"
}

var evasions = []evasion{
	{"baseline", true, func(text string, p payload) string {
		return evHead + "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\n" + text + "\r\n--B\r\n" +
			attPart(p, "Content-Transfer-Encoding: base64\r\n") + b64(p.data) + "\r\n--B--\r\n"
	}},
	{"rfc2231-continued-name", true, func(text string, p payload) string {
		n := len(p.name) / 2
		return evHead + "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\n" + text + "\r\n--B\r\nContent-Type: " + p.ctype +
			"\r\nContent-Disposition: attachment; filename*0=\"" + p.name[:n] + "\"; filename*1=\"" + p.name[n:] + "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(p.data) + "\r\n--B--\r\n"
	}},
	{"rfc2047-name", true, func(text string, p payload) string {
		ew := "=?utf-8?B?" + base64.StdEncoding.EncodeToString([]byte(p.name)) + "?="
		return evHead + "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\n" + text + "\r\n--B\r\nContent-Type: " + p.ctype + "; name=\"" + ew +
			"\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(p.data) + "\r\n--B--\r\n"
	}},
	{"quoted-printable-body", true, func(text string, p payload) string {
		var qp strings.Builder
		for i, c := range p.data {
			if i > 0 && i%25 == 0 {
				qp.WriteString("=\r\n")
			}
			fmt.Fprintf(&qp, "=%02X", c)
		}
		return evHead + "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\n" + text + "\r\n--B\r\n" +
			attPart(p, "Content-Transfer-Encoding: quoted-printable\r\n") + qp.String() + "\r\n--B--\r\n"
	}},
	{"forwarded-message", true, func(text string, p payload) string {
		inner := "From: a@example.net\r\nSubject: inner\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=I\r\n\r\n--I\r\n\r\ninner\r\n--I\r\n" +
			attPart(p, "Content-Transfer-Encoding: base64\r\n") + b64(p.data) + "\r\n--I--\r\n"
		return evHead + "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\n" + text + "\r\n--B\r\nContent-Type: message/rfc822\r\n\r\n" + inner + "\r\n--B--\r\n"
	}},
	{"forwarded-message-base64", false, func(text string, p payload) string {
		inner := "From: a@example.net\r\nSubject: inner\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=I\r\n\r\n--I\r\n\r\ninner\r\n--I\r\n" +
			attPart(p, "Content-Transfer-Encoding: base64\r\n") + b64(p.data) + "\r\n--I--\r\n"
		return evHead + "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\n" + text + "\r\n--B\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			b64([]byte(inner)) + "\r\n--B--\r\n"
	}},
	{"digest-default-type", true, func(text string, p payload) string {
		inner := "From: a@example.net\r\nSubject: inner\r\nMIME-Version: 1.0\r\n" + attPart(p, "Content-Transfer-Encoding: base64\r\n") + b64(p.data) + "\r\n"
		return evHead + "Content-Type: multipart/digest; boundary=B\r\n\r\n--B\r\n\r\n" + inner + "\r\n--B--\r\n"
	}},
	{"uuencode-in-text", false, func(text string, p payload) string {
		return evHead + "Content-Type: text/plain\r\n\r\n" + text + "\r\n" + uuencode(p.name, p.data) + "\r\n"
	}},
	{"yenc-in-text", false, func(text string, p payload) string {
		return evHead + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + text + "\r\n" + yencode(p.name, p.data) + "\r\n"
	}},
	{"x-uuencode-cte", false, func(text string, p payload) string {
		return evHead + "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\n" + text + "\r\n--B\r\n" +
			attPart(p, "Content-Transfer-Encoding: x-uuencode\r\n") + uuencode(p.name, p.data) + "\r\n--B--\r\n"
	}},
	{"text-plain-declared", false, func(text string, p payload) string {
		return evHead + "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\n" + text + "\r\n--B\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			b64(p.data) + "\r\n--B--\r\n"
	}},
	{"name-filename-disagree", false, func(text string, p payload) string {
		return evHead + "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\n" + text + "\r\n--B\r\nContent-Type: " + p.ctype + "; name=\"" + p.name +
			"\"\r\nContent-Disposition: attachment; filename=\"harmless.txt\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(p.data) + "\r\n--B--\r\n"
	}},
	{"right-to-left-override-name", false, func(text string, p payload) string {
		n := "invoice\u202e" + reverse(".pdf") + p.name
		return evHead + "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\n" + text + "\r\n--B\r\nContent-Type: application/octet-stream\r\n" +
			"Content-Disposition: attachment; filename*=utf-8''" + pctEscape(n) + "\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(p.data) + "\r\n--B--\r\n"
	}},
	{"boundary-prefix-line", false, func(text string, p payload) string {
		return evHead + "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\n" + text + "\r\n--Bx\r\n" +
			attPart(p, "Content-Transfer-Encoding: base64\r\n") + b64(p.data) + "\r\n--B--\r\n"
	}},
	{"inner-boundary-extends-outer", true, func(text string, p payload) string {
		return evHead + "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: multipart/alternative; boundary=Bx\r\n\r\n--Bx\r\n\r\n" + text +
			"\r\n--Bx--\r\n--B\r\n" + attPart(p, "Content-Transfer-Encoding: base64\r\n") + b64(p.data) + "\r\n--B--\r\n"
	}},
	{"parts-after-close", false, func(text string, p payload) string {
		return evHead + "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\n" + text + "\r\n--B--\r\n--B\r\n" +
			attPart(p, "Content-Transfer-Encoding: base64\r\n") + b64(p.data) + "\r\n--B--\r\n"
	}},
	{"duplicate-boundary-parameter", false, func(text string, p payload) string {
		return evHead + "Content-Type: multipart/mixed; boundary=A; boundary=B\r\n\r\n--A\r\n\r\n" + text + "\r\n--A--\r\n--B\r\n" +
			attPart(p, "Content-Transfer-Encoding: base64\r\n") + b64(p.data) + "\r\n--B--\r\n"
	}},
	{"duplicate-content-type", false, func(text string, p payload) string {
		return evHead + "Content-Type: text/plain\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n" + text + "\r\n--B\r\n" +
			attPart(p, "Content-Transfer-Encoding: base64\r\n") + b64(p.data) + "\r\n--B--\r\n"
	}},
	{"folded-content-type", false, func(text string, p payload) string {
		return "From: attacker@example.net\r\nTo: staff@example.lg.jp\r\nSubject: evasion\r\nX-Note: x\r\n Content-Type: multipart/mixed; boundary=B\r\n\r\n" +
			text + "\r\n--B\r\n" + attPart(p, "Content-Transfer-Encoding: base64\r\n") + b64(p.data) + "\r\n--B--\r\n"
	}},
	{"whitespace-line-in-header", false, func(text string, p payload) string {
		return evHead + "Content-Type: multipart/mixed;\r\n \r\n boundary=B\r\n\r\n--B\r\n\r\n" + text + "\r\n--B\r\n" +
			attPart(p, "Content-Transfer-Encoding: base64\r\n") + b64(p.data) + "\r\n--B--\r\n"
	}},
	{"garbage-line-in-header", false, func(text string, p payload) string {
		return evHead + "garbage without a colon\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\n" + text + "\r\n--B\r\n" +
			attPart(p, "Content-Transfer-Encoding: base64\r\n") + b64(p.data) + "\r\n--B--\r\n"
	}},
	{"bare-cr-in-header", false, func(text string, p payload) string {
		return evHead + "X-A: x\rContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\n" + text + "\r\n--B\r\n" +
			attPart(p, "Content-Transfer-Encoding: base64\r\n") + b64(p.data) + "\r\n--B--\r\n"
	}},
	{"nul-in-header", false, func(text string, p payload) string {
		return evHead + "Content-Type: multipart/mixed; bound\x00ary=B\r\n\r\n--B\r\n\r\n" + text + "\r\n--B\r\n" +
			attPart(p, "Content-Transfer-Encoding: base64\r\n") + b64(p.data) + "\r\n--B--\r\n"
	}},
	{"bare-cr-before-delimiter", false, func(text string, p payload) string {
		return evHead + "Content-Type: multipart/mixed; boundary=B\r\n\r\n \r--B\r\n\r\n" + text + "\r\n \r--B\r\n" +
			attPart(p, "Content-Transfer-Encoding: base64\r\n") + b64(p.data) + "\r\n \r--B--\r\n"
	}},
	{"space-before-boundary", false, func(text string, p payload) string {
		return evHead + "Content-Type: multipart/mixed; boundary=\" B\"\r\n\r\n--B\r\n\r\n" + text + "\r\n--B\r\n" +
			attPart(p, "Content-Transfer-Encoding: base64\r\n") + b64(p.data) + "\r\n--B--\r\n"
	}},
	{"missing-boundary-parameter", false, func(text string, p payload) string {
		return evHead + "Content-Type: multipart/mixed\r\n\r\n--B\r\n\r\n" + text + "\r\n--B\r\n" +
			attPart(p, "Content-Transfer-Encoding: base64\r\n") + b64(p.data) + "\r\n--B--\r\n"
	}},
	{"comment-before-type", true, func(text string, p payload) string {
		return evHead + "Content-Type: (x) multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\n" + text + "\r\n--B\r\n" +
			attPart(p, "Content-Transfer-Encoding: base64\r\n") + b64(p.data) + "\r\n--B--\r\n"
	}},
	{"comment-inside-type", false, func(text string, p payload) string {
		return evHead + "Content-Type: multi(x)part/mixed; boundary=B\r\n\r\n--B\r\n\r\n" + text + "\r\n--B\r\n" +
			attPart(p, "Content-Transfer-Encoding: base64\r\n") + b64(p.data) + "\r\n--B--\r\n"
	}},
	{"encoded-word-type", false, func(text string, p payload) string {
		return evHead + "Content-Type: =?us-ascii?Q?multipart/mixed?=; boundary=B\r\n\r\n--B\r\n\r\n" + text + "\r\n--B\r\n" +
			attPart(p, "Content-Transfer-Encoding: base64\r\n") + b64(p.data) + "\r\n--B--\r\n"
	}},
	{"no-content-type", false, func(text string, p payload) string {
		return "From: attacker@example.net\r\nTo: staff@example.lg.jp\r\nSubject: evasion\r\n\r\n--B\r\n\r\n" + text + "\r\n--B\r\n" +
			attPart(p, "Content-Transfer-Encoding: base64\r\n") + b64(p.data) + "\r\n--B--\r\n"
	}},
	{"encoded-multipart-body", false, func(text string, p payload) string {
		body := "--B\r\n\r\n" + text + "\r\n--B\r\n" + attPart(p, "Content-Transfer-Encoding: base64\r\n") + b64(p.data) + "\r\n--B--\r\n"
		return evHead + "Content-Type: multipart/mixed; boundary=B\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64([]byte(body)) + "\r\n"
	}},
	{"duplicate-cte", false, func(text string, p payload) string {
		return evHead + "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\n" + text + "\r\n--B\r\n" +
			attPart(p, "Content-Transfer-Encoding: 7bit\r\nContent-Transfer-Encoding: base64\r\n") + b64(p.data) + "\r\n--B--\r\n"
	}},
	{"cte-in-comment-and-quotes", false, func(text string, p payload) string {
		return evHead + "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\n" + text + "\r\n--B\r\n" +
			attPart(p, "Content-Transfer-Encoding: \"base64\"\r\n") + b64(p.data) + "\r\n--B--\r\n"
	}},
	{"base64-with-junk", false, func(text string, p payload) string {
		enc := base64.StdEncoding.EncodeToString(p.data)
		var b strings.Builder
		for i := 0; i < len(enc); i += 4 {
			b.WriteString(enc[i:min(i+4, len(enc))] + "!")
		}
		return evHead + "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\n" + text + "\r\n--B\r\n" +
			attPart(p, "Content-Transfer-Encoding: base64\r\n") + b.String() + "\r\n--B--\r\n"
	}},
	{"base64-padding-in-the-middle", false, func(text string, p payload) string {
		var b strings.Builder
		for i := 0; i < len(p.data); i += 2 {
			b.WriteString(base64.StdEncoding.EncodeToString(p.data[i:min(i+2, len(p.data))]) + "\r\n")
		}
		return evHead + "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\n" + text + "\r\n--B\r\n" +
			attPart(p, "Content-Transfer-Encoding: base64\r\n") + b.String() + "--B--\r\n"
	}},
	{"base64-url-alphabet", false, func(text string, p payload) string {
		return evHead + "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\n" + text + "\r\n--B\r\n" +
			attPart(p, "Content-Transfer-Encoding: base64\r\n") + base64.URLEncoding.EncodeToString(p.data) + "\r\n--B--\r\n"
	}},
	{"signed-wrapper", true, func(text string, p payload) string {
		return evHead + "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=S\r\n\r\n--S\r\n" +
			"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\n" + text + "\r\n--B\r\n" + attPart(p, "Content-Transfer-Encoding: base64\r\n") + b64(p.data) +
			"\r\n--B--\r\n--S\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHAqCAMIACAQE=\r\n--S--\r\n"
	}},
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

func pctEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// yencode writes a yEnc 1.3 block: each byte plus 42, NUL, LF, CR and '=' escaped.
func yencode(name string, data []byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, "=ybegin line=128 size=%d name=%s\r\n", len(data), name)
	col := 0
	for _, c := range data {
		o := c + 42
		if o == 0 || o == '\n' || o == '\r' || o == '=' || col == 0 && (o == '\t' || o == ' ' || o == '.') {
			b.WriteByte('=')
			o += 64
			col++
		}
		b.WriteByte(o)
		if col++; col >= 128 {
			b.WriteString("\r\n")
			col = 0
		}
	}
	fmt.Fprintf(&b, "\r\n=yend size=%d\r\n", len(data))
	return b.String()
}

// TestPyReaderSeesEmbedded: the second reader decodes uuencode and yEnc blocks in text
// itself, so a payload left in a delivered text would be found (the control for the
// evasion cases that hide a file in the text).
func TestPyReaderSeesEmbedded(t *testing.T) {
	dir := t.TempDir()
	p := payload{"eicar.zip", "application/zip", eicarZip(t)}
	var paths []string
	for _, ev := range evasions {
		if ev.name == "uuencode-in-text" || ev.name == "yenc-in-text" {
			paths = append(paths, writeTemp(t, dir, ev.name+".eml", []byte(ev.build("text", p))))
		}
	}
	if len(paths) != 2 {
		t.Fatalf("%d cases, want uuencode-in-text and yenc-in-text", len(paths))
	}
	for path, r := range pyReadAll(t, paths) {
		for pol, rd := range map[string]pyRead{"compat32": r.Compat32, "default": r.Default} {
			if len(rd.Hidden) == 0 {
				t.Errorf("%s: Python (%s) does not see the payload in the text: %+v", filepath.Base(path), pol, rd)
			}
		}
	}
}

// uuencode writes a uuencode block.
func uuencode(name string, data []byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, "begin 644 %s\r\n", name)
	for i := 0; i < len(data); i += 45 {
		chunk := data[i:min(i+45, len(data))]
		b.WriteByte(byte(32 + len(chunk)))
		for k := 0; k < len(chunk); k += 3 {
			var q [3]byte
			copy(q[:], chunk[k:])
			for _, v := range []byte{q[0] >> 2, (q[0]&3)<<4 | q[1]>>4, (q[1]&15)<<2 | q[2]>>6, q[2] & 63} {
				if v == 0 {
					b.WriteByte('`')
				} else {
					b.WriteByte(32 + v)
				}
			}
		}
		b.WriteString("\r\n")
	}
	b.WriteString("`\r\nend\r\n")
	return b.String()
}

// TestEvasionCorpus: for every way of hiding a file and both payloads, the message is
// delivered, and neither Python's email package (compat32 and default policies) nor this
// package's walker finds the payload, or any other executable content, in the output. A
// valid message gets its file handled (named in the notice) without the original held;
// for the others the file is either handled or the original held.
func TestEvasionCorpus(t *testing.T) {
	payloads := []payload{
		{"eicar.zip", "application/zip", eicarZip(t)},
		{"setup.exe", "application/octet-stream", peBytes},
	}
	_, s := testEngine(t, Options{})
	dir := t.TempDir()
	type result struct {
		name, out string
		valid     bool
		held      bool
		handled   bool
	}
	var results []result
	var paths []string
	for _, ev := range evasions {
		for _, p := range payloads {
			name := ev.name + "/" + p.name
			msg := ev.build("本文です。the text of the message", p)
			out, res, err := run(t, s, []byte(msg))
			if err != nil {
				t.Errorf("%s: quarantined whole (%v), want delivered", name, err)
				continue
			}
			if _, err := parseIndependent(out); err != nil {
				t.Errorf("%s: the output does not parse: %v", name, err)
			}
			if hs := walkHidden(t, s, out, 0); len(hs) > 0 {
				t.Errorf("%s: this package's walker finds %q in the output", name, hs)
			}
			r := result{name: name, out: writeTemp(t, dir, strings.ReplaceAll(name, "/", "_")+".eml", out), valid: ev.valid}
			for _, a := range res.Actions {
				original := strings.HasSuffix(a.Path, "/original")
				r.held = r.held || a.Kind == sanitize.ActQuarantined && original
				// Handled: named, or (an unnamed part) refused by the engine.
				r.handled = r.handled || strings.Contains(a.Path, p.name) || strings.Contains(a.Detail, p.name) ||
					(a.Kind == sanitize.ActBlocked || a.Kind == sanitize.ActQuarantined) && !original
			}
			results = append(results, r)
			paths = append(paths, r.out)
		}
	}
	py := pyReadAll(t, paths)
	var lines []string
	for _, r := range results {
		for pol, rd := range map[string]pyRead{"compat32": py[r.out].Compat32, "default": py[r.out].Default} {
			if rd.Error != "" || len(rd.Hidden) > 0 {
				t.Errorf("%s: Python (%s) reads the output as %q %q", r.name, pol, rd.Error, rd.Hidden)
			}
		}
		switch {
		case r.valid && (!r.handled || r.held):
			t.Errorf("%s: valid MIME, want the file handled (got %v) and the original not held (got %v)", r.name, r.handled, r.held)
		case !r.handled && !r.held:
			t.Errorf("%s: the file is neither handled nor the original held", r.name)
		}
		lines = append(lines, fmt.Sprintf("%-45s valid=%-5v handled=%-5v original held=%v", r.name, r.valid, r.handled, r.held))
	}
	sort.Strings(lines)
	t.Logf("evasion corpus: %d messages, all delivered, no payload in any output:\n%s", len(results), strings.Join(lines, "\n"))
}

// TestMIMEIsBroken runs the public "MIME is broken" maildirs (noxxi/mime-is-broken,
// GPL-3.0, so not shipped here) when MIME_IS_BROKEN names a checkout: every message must
// be delivered with no EICAR payload in the output, read by Python's email package with
// both policies and by this package's walker. Each message states how valid its MIME is
// (X-Payload-Id: valid(0..3): 3 plain MIME, 2 conforming edge cases, 1 odd but not
// against the standard, 0 off the standard). From level 2 up, this package's reading
// must find the hidden eicar.zip and handle it (its own report names it, not only the
// hold of the original); at level 1 it must do that or hold the original because
// another reading sees the file. The hide-filename set hides the name file.zip on a
// part that holds text: no output may carry a .zip name, whichever reader looks. The
// figures per level go to the log.
//
//	git clone https://github.com/noxxi/mime-is-broken /tmp/mib
//	MIME_IS_BROKEN=/tmp/mib go test ./sanitize/mail -run TestMIMEIsBroken -v
func TestMIMEIsBroken(t *testing.T) {
	root := os.Getenv("MIME_IS_BROKEN")
	if root == "" {
		t.Skip("set MIME_IS_BROKEN to a checkout of noxxi/mime-is-broken")
	}
	type set struct{ dir, payload string }
	var files []string
	payloadOf := map[string]string{}
	for _, d := range []set{{"hide-content.d/new", "eicar.zip"}, {"hide-filename.d/cur", ""}} {
		m, _ := filepath.Glob(filepath.Join(root, d.dir, "*"))
		for _, f := range m {
			payloadOf[f] = d.payload
		}
		files = append(files, m...)
	}
	if len(files) < 500 {
		t.Fatalf("%d messages under %s, want the whole set", len(files), root)
	}
	validity := regexp.MustCompile(`(?m)^X-Payload-Id: \S+ valid\(([0-3])\)`)
	_, s := testEngine(t, Options{})
	dir := t.TempDir()
	var paths []string
	namesHidden := map[string]bool{} // outputs of the hide-filename set
	delivered, held := 0, 0
	type tally struct{ n, handled, held int }
	levels := map[string]*tally{}
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m := validity.FindSubmatch(data)
		if m == nil {
			t.Fatalf("%s: no validity level in X-Payload-Id", f)
		}
		level := string(m[1])
		out, res, err := run(t, s, data)
		if err != nil {
			t.Errorf("%s: quarantined whole: %v", f, err)
			continue
		}
		delivered++
		handled, original := false, false
		for _, a := range res.Actions {
			if strings.HasSuffix(a.Path, "/original") {
				// The hold names what another reader sees: that is not this reading.
				original = original || a.Kind == sanitize.ActQuarantined
				continue
			}
			handled = handled || payloadOf[f] != "" && (strings.Contains(a.Path, payloadOf[f]) || strings.Contains(a.Detail, payloadOf[f]))
		}
		if original {
			held++
		}
		if payloadOf[f] != "" {
			k := "hide-content valid(" + level + ")"
			if levels[k] == nil {
				levels[k] = &tally{}
			}
			levels[k].n++
			if handled {
				levels[k].handled++
			}
			if original {
				levels[k].held++
			}
			if level >= "1" && !handled && !original {
				t.Errorf("%s (valid(%s)): %s is neither handled nor the original held: %+v", f, level, payloadOf[f], res.Actions)
			}
			if level >= "2" && !handled {
				t.Errorf("%s (valid(%s)): %s is not handled: %+v", f, level, payloadOf[f], res.Actions)
			}
		}
		if hs := walkHidden(t, s, out, 0); len(hs) > 0 {
			t.Errorf("%s: this package's walker finds %q", f, hs)
		}
		p, err := parseIndependent(out)
		if err != nil {
			t.Errorf("%s: the output does not parse: %v", f, err)
			continue
		}
		for _, a := range p.atts {
			if strings.HasSuffix(strings.ToLower(a.name), ".zip") && payloadOf[f] == "" {
				t.Errorf("%s: the output carries an attachment named %q", f, a.name)
			}
		}
		o := writeTemp(t, dir, fmt.Sprintf("%04d.eml", i), out)
		paths = append(paths, o)
		if payloadOf[f] == "" {
			namesHidden[o] = true
		}
	}
	for p, r := range pyReadAll(t, paths) {
		if len(r.Compat32.Hidden)+len(r.Default.Hidden) > 0 || r.Compat32.Error != "" || r.Default.Error != "" {
			t.Errorf("%s: Python finds %q %q %s %s", p, r.Compat32.Hidden, r.Default.Hidden, r.Compat32.Error, r.Default.Error)
		}
		for _, fl := range append(r.Compat32.Files, r.Default.Files...) {
			if namesHidden[p] && strings.HasSuffix(strings.ToLower(fl[0]), ".zip") {
				t.Errorf("%s: Python reads a file named %q in the output", p, fl[0])
			}
		}
	}
	var lines []string
	for k, v := range levels {
		lines = append(lines, fmt.Sprintf("%s: %d messages, eicar.zip handled in %d, original held in %d", k, v.n, v.handled, v.held))
	}
	sort.Strings(lines)
	t.Logf("mime-is-broken: %d messages, %d delivered, %d of them with the original held; no payload in any output\n%s",
		len(files), delivered, held, strings.Join(lines, "\n"))
}
