package msoxml

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/sanitizetest"
	"github.com/sekisho/sekisho/sanitize/sylk/internal/csvcheck"
	"github.com/sekisho/sekisho/sanitize/sylk/internal/csvout"
)

func corpus(t testing.TB) []string {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.xml"))
	if len(files) == 0 {
		t.Fatal("no Office 2003 XML corpus")
	}
	return files
}

func run(t testing.TB, data []byte) ([]byte, sanitize.Result, error) {
	var out bytes.Buffer
	in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item", Name: "doc.xml"}
	res, err := New(Options{}).Sanitize(context.Background(), in, &out, sanitize.NewBudget(sanitize.Limits{}))
	return out.Bytes(), res, err
}

// reparse checks either output: CSV (it starts with the BOM) without formula cells, or
// plain UTF-8 text without markup.
func reparse(out []byte) error {
	if bytes.HasPrefix(out, []byte(csvout.BOM)) {
		return csvcheck.NoFormulas(out)
	}
	if !utf8.Valid(out) {
		return errors.New("text output is not UTF-8")
	}
	if bytes.Contains(out, []byte("<w:")) || bytes.Contains(out, []byte("instr")) {
		return fmt.Errorf("text output carries markup: %q", out)
	}
	return nil
}

func TestConformance(t *testing.T) {
	var names []string
	for _, f := range corpus(t) {
		names = append(names, filepath.Base(f))
	}
	sanitizetest.Run(t, New(Options{}), corpus(t), sanitizetest.Options{Reparse: reparse, NotIdempotent: names})
}

func TestConvert(t *testing.T) {
	tests := map[string]struct {
		actions []sanitize.ActionKind
		outType string
		want    []string
		not     []string
	}{
		"lo-excel2003.xml": {[]sanitize.ActionKind{sanitize.ActConvertedToText, sanitize.ActNeutralizedFormula}, "text/csv",
			[]string{"Apple,120,240", "請求書,1000,text"}, []string{"of:="}},
		"lo-word2003.xml": {[]sanitize.ActionKind{sanitize.ActConvertedToText}, "text/plain; charset=utf-8",
			[]string{"Sekisho legacy sample document", "市役所への請求書"}, nil},
		// The same document without the mso-application instruction: Word still opens it.
		"lo-word2003-no-pi.xml": {[]sanitize.ActionKind{sanitize.ActConvertedToText}, "text/plain; charset=utf-8",
			[]string{"Sekisho legacy sample document", "市役所への請求書"}, nil},
		"gen-excel-dde.xml": {[]sanitize.ActionKind{sanitize.ActConvertedToText, sanitize.ActRemovedPart, sanitize.ActNeutralizedFormula, sanitize.ActRemovedDDE, sanitize.ActRemovedMacros, sanitize.ActNeutralizedFormula}, "text/csv",
			[]string{"Item,Amount", "Tax,0", ",'=1+1,rich text", "merged,,-7"}, []string{"cmd", "comment", "EXEC"}},
		"gen-word-dde.xml": {[]sanitize.ActionKind{sanitize.ActConvertedToText, sanitize.ActRemovedDDE, sanitize.ActRemovedMacros, sanitize.ActRemovedOLE}, "text/plain; charset=utf-8",
			[]string{"Dear resident,", "cached result", "second", "Amount:\t1,000 円"}, []string{"DDE", "calc", "QWN0"}},
		"gen-word-sjis.xml": {[]sanitize.ActionKind{sanitize.ActConvertedToText}, "text/plain; charset=utf-8",
			[]string{"住民税の通知書"}, nil},
	}
	for _, f := range corpus(t) {
		name := filepath.Base(f)
		if strings.HasPrefix(name, "bad-") {
			continue
		}
		tc, ok := tests[name]
		if !ok {
			t.Errorf("%s has no expectation", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			data, _ := os.ReadFile(f)
			out, res, err := run(t, data)
			if err != nil {
				t.Fatalf("Sanitize(%s): %v", name, err)
			}
			var got []sanitize.ActionKind
			for _, a := range res.Actions {
				got = append(got, a.Kind)
			}
			if !slices.Equal(got, tc.actions) {
				t.Errorf("Sanitize(%s) actions = %v, want %v", name, got, tc.actions)
			}
			if res.OutType != tc.outType {
				t.Errorf("Sanitize(%s) output type = %q, want %q", name, res.OutType, tc.outType)
			}
			for _, w := range tc.want {
				if !bytes.Contains(out, []byte(w)) {
					t.Errorf("output of %s lacks %q:\n%s", name, w, out)
				}
			}
			for _, n := range tc.not {
				if bytes.Contains(out, []byte(n)) {
					t.Errorf("output of %s contains %q", name, n)
				}
			}
			if err := reparse(out); err != nil {
				t.Error(err)
			}
			golden(t, name+".out.golden", out)
			rep, _ := json.MarshalIndent(res, "", "  ")
			golden(t, name+".report.golden.json", append(rep, '\n'))
		})
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	sanitizetest.Golden(t, filepath.Join("testdata", name), got, *update)
}

func TestRefused(t *testing.T) {
	tests := map[string]struct {
		sentinel error
		want     string
	}{
		"bad-powerpoint.xml": {sanitize.ErrUnsupported, `progid "PowerPoint.Show"`},
		"bad-mismatch.xml":   {sanitize.ErrUnsupported, `progid "Excel.Sheet" and root element {http://schemas.microsoft.com/office/word/2003/wordml}wordDocument`},
		"bad-truncated.xml":  {sanitize.ErrMalformed, "unexpected EOF"},
		"bad-deep.xml":       {sanitize.ErrMalformed, "nested deeper than 256"},
		"bad-entity.xml":     {sanitize.ErrMalformed, "invalid character entity &b;"},
		"bad-no-progid.xml":  {sanitize.ErrUnsupported, "no mso-application progid"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(corpusDir, name))
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = run(t, data)
			if !errors.Is(err, tc.sentinel) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Sanitize(%s) error = %v, want %v ...%s", name, err, tc.sentinel, tc.want)
			}
		})
	}
}

// TestEngine registers the family by type name, as cmd/sekisho does: the engine detects
// the mso-application instruction and must not hand the file to the text family.
func TestEngine(t *testing.T) {
	e := sanitize.NewEngine(sanitize.EngineOptions{})
	e.Register("msoxml", New(Options{}))
	for _, name := range []string{"lo-excel2003.xml", "lo-word2003.xml", "gen-word-dde.xml"} {
		data, _ := os.ReadFile(filepath.Join(corpusDir, name))
		var out bytes.Buffer
		res, err := e.Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(data), Path: "attachment[1]", Name: name}, &out, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Verdict != sanitize.Sanitized || res.Detected.Name != "msoxml" {
			t.Errorf("engine(%s) = %s %s %q, want sanitized msoxml", name, res.Verdict, res.Detected.Name, res.Reason)
		}
	}
}

// TestLibreOfficeSeesNoFormula imports the CSV outputs with LibreOffice: no formula may
// come back, while the values must.
func TestLibreOfficeSeesNoFormula(t *testing.T) {
	if testing.Short() {
		t.Skip("starts LibreOffice")
	}
	dir := t.TempDir()
	want := map[string][]string{
		"lo-excel2003.xml":  {"Apple", "240"},
		"gen-excel-dde.xml": {"Tax", "rich text", "merged"},
	}
	var files []string
	for name := range want {
		data, _ := os.ReadFile(filepath.Join(corpusDir, name))
		out, _, err := run(t, data)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, strings.TrimSuffix(name, ".xml")+".csv")
		os.WriteFile(p, out, 0o644)
		files = append(files, p)
	}
	got := csvcheck.LibreOfficeFormulas(t, files)
	for name, words := range want {
		f := got[filepath.Join(dir, strings.TrimSuffix(name, ".xml")+".csv")]
		if len(f) > 1 {
			t.Errorf("LibreOffice imported formulas from the output of %s: %v", name, f[:len(f)-1])
		}
		for _, w := range words {
			if !strings.Contains(f[len(f)-1], w) {
				t.Errorf("LibreOffice import of %s lacks %q", name, w)
			}
		}
	}
}
