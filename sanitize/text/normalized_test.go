package text

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// TestSignatureUncovered: detection decides on the input, the output is the input
// normalized. A byte order mark or a control character in front of another format's
// signature made the input text, and normalizing removed it: SYLK with a DDE formula came
// out as a .csv Excel opens as SYLK, RTF with an object as a .txt Word opens as RTF, a
// bare CR written as LF made a header block a message. Such output is refused; ordinary
// text behind a BOM is not.
func TestSignatureUncovered(t *testing.T) {
	const sylk = "ID;PWXL;N;E\r\nC;Y1;X1;K0;ECMD|' /C CALC'!A0\r\nE\r\n"
	for _, c := range []struct {
		name, data string
		typ        string // the detected type the family is given
		refused    bool
	}{
		{"sylk behind a bom as csv", "\ufeff" + sylk, "csv", true},
		{"sylk behind a bom as text", "\ufeff" + sylk, "text", true},
		{"sylk behind a del", "\x7f" + sylk, "text", true},
		{"rtf behind a bom", "\ufeff{\\rtf1{\\object\\objautlink{\\*\\objdata 0105}}}\n", "text", true},
		{"mz behind a bom", "\ufeffMZ hello", "text", false},
		{"message behind bare cr", "From: \n0\rContent-Type: 0", "text", true},
		{"sylk in quoted csv cells", "\"ID;PWXL;N;E\"\r\n\"C;Y1;X1;K0;ECMD|' /C CALC'!A0\"\r\n\"E\"\r\n", "csv", true},
		{"text behind a bom", "\ufeffplain text\r\nsecond line\r\n", "text", false},
		{"csv behind a bom", "\ufeffa,b\r\n1,2\r\n", "csv", false},
		{"japanese behind a bom", "\ufeff日本語のテキスト\r\n", "text", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := &sanitize.Item{Body: bytes.NewReader([]byte(c.data)), Path: "item",
				Detected: sanitize.Type{Name: c.typ, Class: sanitize.ClassText, MIME: "text/plain"}}
			var out bytes.Buffer
			_, err := New(Options{}).Sanitize(context.Background(), in, &out, sanitize.NewBudget(sanitize.Limits{}))
			switch {
			case c.refused && !errors.Is(err, sanitize.ErrMalformed):
				t.Errorf("Sanitize = %v, want refused; output %q", err, out.Bytes())
			case !c.refused && err != nil:
				t.Errorf("Sanitize = %v, want delivered", err)
			}
		})
	}
}

// TestTextStartingLikeAFile: HTML whose first words are a program's or a picture's magic
// is delivered as its text; only a format readers take by content is refused.
func TestTextStartingLikeAFile(t *testing.T) {
	for _, c := range []struct {
		html    string
		refused bool
	}{
		{"<html><body><p>MZ Corporation newsletter</p></body></html>", false},
		{"<html><body><p>GIF89a is a picture format</p></body></html>", false},
		{"<html><body><p>BM and PK are file signatures</p></body></html>", false},
		{"<html><body><p>ID;PWXL;N;E</p><p>C;Y1;X1;K0;ECMD|' /C CALC'!A0</p></body></html>", true},
		{"<html><body><p>{\\rtf1 {\\object\\objautlink}}</p></body></html>", true},
	} {
		in := &sanitize.Item{Body: bytes.NewReader([]byte(c.html)), Path: "item",
			Detected: sanitize.Type{Name: "html", Class: sanitize.ClassText, MIME: "text/html"}}
		var out bytes.Buffer
		_, err := New(Options{}).Sanitize(context.Background(), in, &out, sanitize.NewBudget(sanitize.Limits{}))
		if got := errors.Is(err, sanitize.ErrMalformed); got != c.refused {
			t.Errorf("%q: refused = %v (%v), want %v; output %q", c.html, got, err, c.refused, out.Bytes())
		}
	}
}
