package e2e

import "testing"

// TestFieldInstructionCarriers: a Word field's instruction is judged on the text the output
// holds, in every reading of it. The field stage reads every instrText between a field's
// begin and separate, including text inside an element the writer then drops (an unknown
// namespace) or that readers take differently (deleted or moved-from text, which accepting
// the changes removes; an mc:Choice that a reader without the extension skips): "TITLE "
// there, then "DDEAUTO cmd" in a plain run, is judged an allowed TITLE field, and the output
// holds DDEAUTO alone for at least one reader. Such a field is neutralized now.
func TestFieldInstructionCarriers(t *testing.T) {
	field := func(carrier string) []byte {
		return docx(t, `<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>`+carrier+
			`<w:r><w:instrText xml:space="preserve">DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc.exe" </w:instrText></w:r>`+
			`<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>shown</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>`, "", "")
	}
	const title = `<w:r><w:instrText xml:space="preserve">TITLE </w:instrText></w:r>`
	cases := []advCase{
		{"ooxml/field-prefix-in-unknown-element", "a.docx", "", field(`<x:junk xmlns:x="urn:example:unknown">` + title + `</x:junk>`), "delivered", ""},
		{"ooxml/field-prefix-deleted", "a.docx", "", field(`<w:del w:id="91" w:author="a"><w:r><w:delInstrText xml:space="preserve">TITLE </w:delInstrText></w:r></w:del>`), "delivered", ""},
		{"ooxml/field-prefix-moved-from", "a.docx", "", field(`<w:moveFrom w:id="92" w:author="a">` + title + `</w:moveFrom>`), "delivered", ""},
		{"ooxml/field-prefix-in-mc-choice", "a.docx", "", field(`<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice Requires="w14">` + title + `</mc:Choice><mc:Fallback/></mc:AlternateContent>`), "delivered", ""},
	}
	runCases(t, cases)
}
