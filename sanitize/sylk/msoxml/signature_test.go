package msoxml

import (
	"errors"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// TestSignatureInText: a Word 2003 XML document is delivered as its text, and a text that
// starts with another format's signature came out as a .txt Word opens as RTF (objects
// included) or a sheet Excel opens as SYLK. Such output is refused; text that only
// mentions one is not.
func TestSignatureInText(t *testing.T) {
	word := func(text string) []byte {
		return []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<?mso-application progid="Word.Document"?>
<w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml"><w:body><w:p><w:r><w:t>` + text + `</w:t></w:r></w:p></w:body></w:wordDocument>`)
	}
	for text, refused := range map[string]bool{
		`{\rtf1{\object\objautlink{\*\objdata 0105}}}`: true,
		`ID;PWXL;N;E`:                 true,
		`MZ`:                          false, // nothing runs a .txt by its content
		`The file starts with {\rtf1`: false,
		`お知らせ`:                        false,
	} {
		out, _, err := run(t, word(text))
		switch {
		case refused && (!errors.Is(err, sanitize.ErrMalformed) || !strings.Contains(err.Error(), "reads as")):
			t.Errorf("%q: Sanitize = %v, want refused; output %q", text, err, out)
		case !refused && err != nil:
			t.Errorf("%q: Sanitize = %v, want delivered", text, err)
		}
	}
}
