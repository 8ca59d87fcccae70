package sylk

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

var update = flag.Bool("update", false, "rewrite the generated corpus and the golden files")

const corpusDir = "../../testdata/legacy"

func sjis(s string) string {
	b, err := japanese.ShiftJIS.NewEncoder().String(s)
	if err != nil {
		panic(err)
	}
	return b
}

// generatedCorpus returns the SYLK files the tests write: the attack shapes Excel accepts
// (a DDE formula, an Auto_Open macro name with Excel 4.0 functions, an external name),
// values that start like formulas, Shift_JIS text as Japanese Excel writes it, and
// malformed files.
func generatedCorpus() map[string]string {
	crlf := func(lines ...string) string { return strings.Join(lines, "\r\n") + "\r\n" }
	return map[string]string{
		"gen-dde.slk": crlf(`ID;PWXL;N;E`, `P;PGeneral`, `C;Y1;X1;K"Invoice"`,
			`C;Y2;X1;N;K0;ECMD|' /C calc.exe'!A0`, `C;Y2;X2;K"total"`, `C;Y3;X1;K42;ESUM(R[-1]C)`, `E`),
		"gen-auto-open.slk": crlf(`ID;PWXL;N;E`, `NN;NAuto_open;ER101C1;KOut Flank;F`,
			`C;X1;Y101;K0;EEXEC("cmd.exe /c calc")`, `C;X1;Y102;K0;EHALT()`,
			`NE;Fhttp://198.51.100.7/x.xls;S'Sheet1'!A1;ER1C1`, `C;X2;Y1;K"visible"`, `E`),
		"gen-injection-values.slk": crlf(`ID;PWXL;N;E`,
			`C;Y1;X1;K"=HYPERLINK(""http://198.51.100.7"",""click"")"`,
			`C;Y1;X2;K"@SUM(1+1)*cmd|' /C calc'!A0"`,
			`C;Y1;X3;K"+1+1"`, `C;Y1;X4;K"-2+3"`, `C;Y1;X5;K-5`, `C;Y1;X6;K1.5E3`,
			`C;Y2;X1;K"＝1+1"`, `C;Y2;X2;K"plain;;with semicolon"`, `C;Y2;X3;KTRUE`, `C;Y2;X4;K#N/A`,
			"C;Y2;X5;K\"tab\tinside\"", `C;Y4;X2;K"after an empty row"`, `E`),
		"gen-sjis.slk":              crlf(`ID;PWXL;N;E`, `C;Y1;X1;K"`+sjis("請求書")+`"`, `C;Y1;X2;K"`+sjis("市役所 納品")+`"`, `C;Y2;X1;K1000`, `E`),
		"gen-position-persists.slk": crlf(`ID;P`, `F;Y3;X2`, `C;K"at B3"`, `C;X3;K"at C3"`, `C;Y5;K"at C5"`, `E`),

		"bad-truncated.slk":   crlf(`ID;PWXL;N;E`, `C;Y1;X1;K"no end record"`),
		"bad-position.slk":    crlf(`ID;P`, `C;Y0;X1;K1`, `E`),
		"bad-huge-column.slk": crlf(`ID;P`, `C;Y1;X99999;K1`, `E`),
		"bad-long-line.slk":   crlf(`ID;P`, `C;Y1;X1;K"`+strings.Repeat("A", 70000)+`"`, `E`),
		"bad-no-id.slk":       crlf(`C;Y1;X1;K1`, `E`),
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
