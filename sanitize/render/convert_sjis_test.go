package render

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// TestConvertShiftJISVendorChars: an RTF the way Japanese Word writes it (\ansicpg932,
// a \fcharset128 font, text as \'xx bytes of code page 932) whose text holds 機種依存文字
// — NEC row 13 (①, ㈱), an IBM extension (髙), a wave dash (～) — comes out of the
// conversion with every character as written, not as "?" or JIS X 0208 look-alikes.
func TestConvertShiftJISVendorChars(t *testing.T) {
	testtool.Need(t, "soffice")
	e, _ := convertEngine(t, ConvertOptions{ProfileDir: sharedProfile()}, sanitize.Limits{})
	const text = "①②③ ㈱髙橋商店 﨑 ～ 住民票"
	out, res := engineRun(t, e, cp932RTF(t, text), "sjis.rtf")
	if res.Verdict != sanitize.Sanitized || !hasAction(res, sanitize.ActConverted) {
		t.Fatalf("verdict %s (%s), want sanitized by conversion", res.Verdict, res.Reason)
	}
	body := docxText(t, out)
	for _, want := range strings.Fields(text) {
		if !strings.Contains(body, want) {
			t.Errorf("converted document lacks %q; its text: %q", want, body)
		}
	}
}

// cp932RTF writes text as Word does for a Japanese font: every non-ASCII character as
// the \'xx escapes of its Shift_JIS (code page 932) bytes.
func cp932RTF(t *testing.T, text string) []byte {
	t.Helper()
	sj, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatalf("encode %q as code page 932: %v", text, err)
	}
	var b strings.Builder
	b.WriteString(`{\rtf1\ansi\ansicpg932\deff0{\fonttbl{\f0\fnil\fcharset128 \'82\'6c\'82\'72 \'96\'be\'92\'a9;}}` + "\n")
	b.WriteString(`\pard\plain\f0\fs21 `)
	for _, c := range sj {
		if c < 0x80 && c != '\\' && c != '{' && c != '}' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, `\'%02x`, c)
	}
	b.WriteString("\\par\n}\n")
	return []byte(b.String())
}

// docxText returns the text runs of a docx's main part.
func docxText(t *testing.T, docx []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		t.Fatalf("output is not a zip: %v", err)
	}
	for _, f := range zr.File {
		if f.Name != "word/document.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		b, err := io.ReadAll(io.LimitReader(rc, 1<<20))
		if err != nil {
			t.Fatal(err)
		}
		// Keep only character data: runs may split anywhere, tags never hold our text.
		var sb strings.Builder
		in := false
		for _, r := range string(b) {
			switch {
			case r == '<':
				in = true
			case r == '>':
				in = false
			case !in:
				sb.WriteRune(r)
			}
		}
		return sb.String()
	}
	t.Fatal("no word/document.xml in the output")
	return ""
}
