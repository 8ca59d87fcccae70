package rtf

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// TestBinOutsidePicture: \binN data is opaque bytes a reader takes as one unit, meaningful
// only as a picture's or an object's data. Outside a picture (objects go whole) it was
// written back byte for byte: a reader that does not take \bin there (or reads N
// differently) parses those bytes as RTF, so they could carry an object or a DDE field
// past the sanitizer (a bit flip of the e2e corpus file ok-rtfpict-bin-holding-rtf.rtf,
// \pict turned into \pikt, showed it). The data is dropped and reported, in the body,
// in a group's head and in a kept destination.
func TestBinOutsidePicture(t *testing.T) {
	const payload = `}{\object\objautlink{\*\objdata 0102}}{\field{\*\fldinst DDEAUTO c:\\a.exe}{\fldrslt x}}`
	bin := `\bin` + strconv.Itoa(len(payload)) + " " + payload
	for name, doc := range map[string]string{
		"body":         `{\rtf1\ansi before ` + bin + ` after\par}`,
		"group head":   `{\rtf1\ansi before {` + bin + ` x} after\par}`,
		"unknown word": `{\rtf1\ansi before {\pikt` + bin + `} after\par}`,
		"destination":  `{\rtf1\ansi before {\*\bkmkstart ` + bin + `}after\par}`,
	} {
		t.Run(name, func(t *testing.T) {
			out, res, err := run(t, []byte(doc), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(out, []byte(`\bin`)) || bytes.Contains(out, []byte("objautlink")) || bytes.Contains(out, []byte("DDEAUTO")) {
				t.Errorf("binary data kept: %q", out)
			}
			if !bytes.Contains(out, []byte("before")) || !bytes.Contains(out, []byte("after")) {
				t.Errorf("text lost: %q", out)
			}
			found := false
			for _, a := range res.Actions {
				found = found || a.Kind == sanitize.ActRemovedUnknown && strings.Contains(a.Detail, `\bin`)
			}
			if !found {
				t.Errorf("no report of the dropped data: %+v", res.Actions)
			}
		})
	}
}
