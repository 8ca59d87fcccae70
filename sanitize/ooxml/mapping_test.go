package ooxml

import (
	"testing"
)

func TestRelsSource(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"_rels/.rels", "", true},
		{"word/_rels/document.xml.rels", "word/document.xml", true},
		{"xl/worksheets/_rels/sheet1.xml.rels", "xl/worksheets/sheet1.xml", true},
		{"word/_rels/.rels", "", false},
		{"word/document.xml.rels", "", false},
		{"_rels/x.txt", "", false},
	} {
		got, ok := relsSource(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("relsSource(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
		if ok && got != "" && relsName(got) != tc.in {
			t.Errorf("relsName(%q) = %q, want %q", got, relsName(got), tc.in)
		}
	}
}

func TestResolveTarget(t *testing.T) {
	for _, tc := range []struct {
		src, target, want string
		ok                bool
	}{
		{"word/document.xml", "media/image1.png", "word/media/image1.png", true},
		{"word/document.xml", "../customXml/item1.xml", "customXml/item1.xml", true},
		{"word/document.xml", "/word/styles.xml", "word/styles.xml", true},
		{"", "word/document.xml", "word/document.xml", true},
		{"word/document.xml", "media/a%20b.png", "word/media/a b.png", true},
		{"word/document.xml", "../../../etc/passwd", "", false},
		{"word/document.xml", "mhtml:http://x/y!x-usc:http://x/y", "", false},
		{"word/document.xml", `\\host\share\x.dotm`, "", false},
		{"word/document.xml", "//host/share", "", false},
		{"word/document.xml", "C:/Windows/calc.exe", "", false},
		{"word/document.xml", "", "", false},
	} {
		got, ok := resolveTarget(tc.src, tc.target)
		if got != tc.want || ok != tc.ok {
			t.Errorf("resolveTarget(%q, %q) = %q, %v; want %q, %v", tc.src, tc.target, got, ok, tc.want, tc.ok)
		}
	}
}

func TestSafeLinkScheme(t *testing.T) {
	for in, want := range map[string]bool{
		"https://example.com/": true, "HTTP://EXAMPLE.COM": true, "mailto:a@example.jp": true,
		"file:///c:/x.exe": false, `\\host\share`: false, "ms-msdt:/id x": false, "search-ms:query=x": false,
		"javascript:alert(1)": false, "": false,
	} {
		if got := safeLinkScheme(in); got != want {
			t.Errorf("safeLinkScheme(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestDDEFormula(t *testing.T) {
	for in, want := range map[string]bool{
		"SUM(B2:B3)":                false,
		`cmd|' /c calc.exe'!A0`:     true,
		`=MSEXCEL|'\..\..\calc'!''`: true,
		`CONCATENATE("a|b", A1)`:    false,
		`IF(A1="x","|",cmd|'x'!A1)`: true,
		`[1]Sheet1!A1`:              false,
	} {
		if got := ddeFormula([]byte(in)); got != want {
			t.Errorf("ddeFormula(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestAutoRunName(t *testing.T) {
	for in, want := range map[string]bool{
		"_xlnm.Auto_Open": true, "Auto_Open": true, "auto_open2": true, "AUTO_CLOSE": true,
		"Auto_Activate": true, "Totals": false, "_xlnm.Print_Area": false, "AutoOpen": false,
	} {
		if got := autoRunName(in); got != want {
			t.Errorf("autoRunName(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestURIScheme(t *testing.T) {
	for in, want := range map[string]string{
		"http://x": "http", "vnd.sun.star.script:Standard.M.Main": "vnd.sun.star.script", ".uno:Open": ".uno",
		"C:\\x": "file", "Pictures/a.png": "", "./Object 1": "", "macro:///Standard.M.Main": "macro",
		"a b:c": "",
	} {
		if got := uriScheme(in); got != want {
			t.Errorf("uriScheme(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFieldVerdict(t *testing.T) {
	r := &ooxmlRules{j: &job{s: &Sanitizer{keepLinks: true}}}
	for _, tc := range []struct {
		instr  string
		nested bool
		want   string // action kind, "" for keep
	}{
		{" PAGE ", false, ""},
		{` DATE \@"M/d/yy" `, false, ""},
		{" DDEAUTO c:\\cmd.exe ", false, "removed-dde"},
		{" dde excel sheet1 ", false, "removed-dde"},
		{` INCLUDEPICTURE "http://t.example/p.png" \d `, false, "removed-external-link"},
		{` HYPERLINK "https://example.com" `, false, ""},
		{` HYPERLINK "file://host/share/x.exe" `, false, "removed-external-link"},
		{` HYPERLINK \l "bookmark" `, false, ""},
		{" MACROBUTTON Run Click ", false, "removed-macros"},
		{"\x00 calc ", true, "removed-dde"},
		// An empty instruction is no allowed type: the field goes, its result stays.
		{"   ", false, "removed-part"},
		{` HYPERLINK \l "top" "file://attacker.example/share/invoice.exe" `, false, "removed-external-link"},
		{` HYPERLINK \o "tip" "\\\\attacker.example\\share\\x.exe" `, false, "removed-external-link"},
		{` QUOTE "DDE" `, false, "removed-part"},
		{` SEQ Figure \* ARABIC `, false, ""},
	} {
		d, ok := r.fieldVerdict(tc.instr, tc.nested)
		got := ""
		if ok {
			got = string(d.kind)
		}
		if got != tc.want {
			t.Errorf("fieldVerdict(%q, %v) = %q, want %q", tc.instr, tc.nested, got, tc.want)
		}
	}
}
