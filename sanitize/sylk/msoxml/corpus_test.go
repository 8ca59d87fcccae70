package msoxml

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

var update = flag.Bool("update", false, "rewrite the generated corpus and the golden files")

const corpusDir = "../../../testdata/legacy"

const ssHead = `<?xml version="1.0"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet" xmlns:html="http://www.w3.org/TR/REC-html40">
`

const wHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<?mso-application progid="Word.Document"?>
<w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">
`

// generatedCorpus returns the Office 2003 XML files the tests write: formulas with DDE, an
// Auto_Open name, comments and rich text in cells, sparse rows and cells, a second sheet;
// WordML with DDE fields (simple and complex), a macro container and an OLE object; a
// Shift_JIS document; and inputs that must be refused.
func generatedCorpus() map[string]string {
	sjis, _ := japanese.ShiftJIS.NewEncoder().String(`<?xml version="1.0" encoding="Shift_JIS"?>
<?mso-application progid="Word.Document"?>
<w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml"><w:body><w:p><w:r><w:t>住民税の通知書</w:t></w:r></w:p></w:body></w:wordDocument>
`)
	return map[string]string{
		"gen-excel-dde.xml": ssHead + `<Names><NamedRange ss:Name="Auto_Open" ss:RefersTo="=Sheet2!R1C1"/></Names>
<Worksheet ss:Name="請求"><Table>
<Row><Cell><Data ss:Type="String">Item</Data></Cell><Cell><Data ss:Type="String">Amount</Data></Cell></Row>
<Row><Cell><Data ss:Type="String">Tax</Data></Cell><Cell ss:Formula="=cmd|' /C calc.exe'!A0"><Data ss:Type="Number">0</Data></Cell></Row>
<Row ss:Index="4"><Cell ss:Index="2"><Data ss:Type="String">=1+1</Data><Comment><Data>comment, not a value</Data></Comment></Cell><Cell><ss:Data ss:Type="String" xmlns="http://www.w3.org/TR/REC-html40"><B>rich</B> text</ss:Data></Cell></Row>
<Row><Cell ss:MergeAcross="1"><Data ss:Type="String">merged</Data></Cell><Cell><Data ss:Type="Number">-7</Data></Cell></Row>
</Table></Worksheet>
<Worksheet ss:Name="Sheet2"><Table><Row><Cell ss:Formula="=EXEC(&quot;calc&quot;)"><Data ss:Type="Number">0</Data></Cell></Row></Table></Worksheet>
</Workbook>
`,
		"gen-word-dde.xml": wHead + `<w:body>
<w:p><w:r><w:t>Dear resident,</w:t></w:r></w:p>
<w:p><w:fldSimple w:instr=" DDEAUTO c:\\windows\\system32\\cmd.exe &quot;/k calc.exe&quot; "><w:r><w:t>cached result</w:t></w:r></w:fldSimple></w:p>
<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>DD</w:instrText></w:r><w:r><w:instrText>EAUTO cmd "/c calc"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>second</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>
<w:p><w:r><w:t>Amount:</w:t><w:tab/><w:t>1,000 円</w:t></w:r></w:p>
<w:p><w:r><w:pict><v:shape><o:OLEObject Type="Embed" ProgID="Package" ShapeID="_x0000_i1025"/></v:shape></w:pict></w:r></w:p>
</w:body>
<w:docSuppData><w:binData w:name="editdata.mso">QWN0aXZlTWltZQAAAfAEAAAA</w:binData></w:docSuppData>
</w:wordDocument>
`,
		"gen-word-sjis.xml": sjis,

		"bad-powerpoint.xml": `<?xml version="1.0"?>
<?mso-application progid="PowerPoint.Show"?>
<presentation xmlns="urn:schemas-microsoft-com:office:powerpoint"><slide/></presentation>
`,
		"bad-mismatch.xml": strings.Replace(wHead, "Word.Document", "Excel.Sheet", 1) + `<w:body/></w:wordDocument>
`,
		"bad-truncated.xml": ssHead + `<Worksheet ss:Name="S"><Table><Row><Cell><Data ss:Type="String">cut</Data></Cell>`,
		"bad-deep.xml":      ssHead + strings.Repeat("<x>", 300) + strings.Repeat("</x>", 300) + "</Workbook>\n",
		"bad-entity.xml": `<?xml version="1.0"?>
<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<?mso-application progid="Word.Document"?>
<w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:wordDocument>
`,
		"bad-no-progid.xml": `<?xml version="1.0"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>
`,
	}
}

func TestGeneratedCorpus(t *testing.T) {
	for name, content := range generatedCorpus() {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(corpusDir, name)
			if *update {
				if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != content {
				t.Errorf("%s differs from the generator (run go test -run TestGeneratedCorpus -update)", name)
			}
		})
	}
}
