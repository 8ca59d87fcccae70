package ooxml

import (
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// TestFieldInstructionSplit: a field's instruction is the text of the instruction runs
// beside its begin run. The field stage read every instrText up to the separate, also
// those in a run under an element the writer drops (unknown namespace) or a reader takes
// differently (w:del and w:moveFrom go when changes are accepted, w:ins when rejected, an
// mc:Choice is skipped by a reader without the extension): "TITLE " there and "DDEAUTO
// cmd" beside the begin was judged an allowed TITLE field, and the output held DDEAUTO
// alone for one reader. Such a field is neutralized (its result kept); fields written
// whole inside one of those elements, or inside a text box's alternate content, are not.
func TestFieldInstructionSplit(t *testing.T) {
	e, _ := newEngine(false)
	const old = `<w:instrText xml:space="preserve"> PAGE </w:instrText>`
	const dde = `<w:instrText xml:space="preserve">DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc.exe" </w:instrText>`
	const title = `<w:r><w:instrText xml:space="preserve">TITLE </w:instrText></w:r>`
	split := func(carrier string) string {
		return `<w:instrText xml:space="preserve"> </w:instrText></w:r>` + carrier + `<w:r>` + dde
	}
	for name, c := range map[string]struct {
		body  string // replaces the report's PAGE instruction run content
		split bool
	}{
		"prefix in an unknown element":   {split(`<x:junk xmlns:x="urn:example:unknown">` + title + `</x:junk>`), true},
		"prefix deleted":                 {split(`<w:del w:id="91" w:author="a"><w:r><w:delInstrText xml:space="preserve">TITLE </w:delInstrText></w:r></w:del>`), true},
		"prefix moved from":              {split(`<w:moveFrom w:id="92" w:author="a">` + title + `</w:moveFrom>`), true},
		"prefix inserted":                {split(`<w:ins w:id="93" w:author="a">` + title + `</w:ins>`), true},
		"prefix in an mc:Choice":         {split(`<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice Requires="w14">` + title + `</mc:Choice><mc:Fallback/></mc:AlternateContent>`), true},
		"element inside the instruction": {`<w:instrText xml:space="preserve">TITLE <x:j xmlns:x="urn:example:unknown">z</x:j></w:instrText>`, true},
		"instruction split across runs":  {`<w:instrText xml:space="preserve"> PA</w:instrText></w:r><w:r><w:instrText xml:space="preserve">GE </w:instrText>`, false},
	} {
		t.Run(name, func(t *testing.T) {
			data := build(t, "ooxml/report.docx", replace(docMain, old, c.body))
			out, res := run(t, e, "a.docx", data)
			doc := ""
			for _, en := range unpack(t, out) {
				if en.name == docMain {
					doc = string(en.data)
				}
			}
			if strings.Contains(doc, "DDEAUTO") {
				t.Errorf("DDEAUTO kept: %s", doc)
			}
			found := false
			for _, a := range res.Actions {
				found = found || strings.Contains(a.Detail, "readers would not agree")
			}
			if found != c.split {
				t.Errorf("neutralized as split = %v, want %v (%v)", found, c.split, res.Actions)
			}
			if !strings.Contains(doc, "Page ") || !strings.Contains(doc, "of the report") {
				t.Errorf("text around the field lost: %s", doc)
			}
			out2, res2 := run(t, e, "a.docx", out)
			if res2.Verdict != sanitize.Clean || len(res2.Actions) != 0 {
				t.Errorf("second pass = %s %v", res2.Verdict, res2.Actions)
			}
			_ = out2
		})
	}
}
