package sylk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/sanitizetest"
	"github.com/sekisho/sekisho/sanitize/sylk/internal/csvcheck"
)

func corpus(t testing.TB) []string {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.slk"))
	if len(files) == 0 {
		t.Fatal("no SYLK corpus")
	}
	return files
}

func run(t testing.TB, data []byte) ([]byte, sanitize.Result, error) {
	var out bytes.Buffer
	in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item", Name: "book.slk"}
	res, err := New(Options{}).Sanitize(context.Background(), in, &out, sanitize.NewBudget(sanitize.Limits{}))
	return out.Bytes(), res, err
}

func TestConformance(t *testing.T) {
	var names []string
	for _, f := range corpus(t) {
		names = append(names, filepath.Base(f)) // the output is CSV, not SYLK: no second pass
	}
	sanitizetest.Run(t, New(Options{}), corpus(t), sanitizetest.Options{Reparse: csvcheck.NoFormulas, NotIdempotent: names})
}

func TestConvert(t *testing.T) {
	tests := map[string][]sanitize.ActionKind{
		"lo-formula.slk":            {sanitize.ActConvertedToText, sanitize.ActNeutralizedFormula},
		"gen-dde.slk":               {sanitize.ActConvertedToText, sanitize.ActNeutralizedFormula, sanitize.ActRemovedDDE},
		"gen-auto-open.slk":         {sanitize.ActConvertedToText, sanitize.ActNeutralizedFormula, sanitize.ActRemovedMacros, sanitize.ActRemovedExternalLink},
		"gen-injection-values.slk":  {sanitize.ActConvertedToText, sanitize.ActNeutralizedFormula},
		"gen-sjis.slk":              {sanitize.ActConvertedToText},
		"gen-position-persists.slk": {sanitize.ActConvertedToText},
	}
	for _, f := range corpus(t) {
		name := filepath.Base(f)
		if strings.HasPrefix(name, "bad-") {
			continue
		}
		want, ok := tests[name]
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
			if !slices.Equal(got, want) {
				t.Errorf("Sanitize(%s) actions = %v, want %v", name, got, want)
			}
			if res.OutType != "text/csv" || res.OutName != "book.csv" {
				t.Errorf("Sanitize(%s) output type %q name %q, want text/csv book.csv", name, res.OutType, res.OutName)
			}
			if err := csvcheck.NoFormulas(out); err != nil {
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

func TestMalformed(t *testing.T) {
	tests := map[string]string{
		"bad-truncated.slk":   "no E record",
		"bad-position.slk":    `bad position "Y0"`,
		"bad-huge-column.slk": `bad position "X99999"`,
		"bad-long-line.slk":   "record longer than",
		"bad-no-id.slk":       "does not start with an ID record",
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(corpusDir, name))
			if err != nil {
				t.Fatal(err)
			}
			out, _, err := run(t, data)
			if !errors.Is(err, sanitize.ErrMalformed) || !strings.Contains(err.Error(), want) {
				t.Errorf("Sanitize(%s) error = %v, want malformed ...%s", name, err, want)
			}
			if len(out) != 0 {
				t.Errorf("Sanitize(%s) wrote %d bytes before failing", name, len(out))
			}
		})
	}
}

// TestOutputLimit checks that a sheet whose CSV would outgrow limits.max_file_size stops.
func TestOutputLimit(t *testing.T) {
	data := []byte("ID;P\r\nC;Y1048576;X16384;K1\r\nE\r\n")
	var out bytes.Buffer
	in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}
	_, err := New(Options{}).Sanitize(context.Background(), in, &out, sanitize.NewBudget(sanitize.Limits{MaxFileSize: 1 << 20}))
	var le *sanitize.LimitError
	if !errors.As(err, &le) || le.Limit != "limits.max_file_size" {
		t.Fatalf("Sanitize(huge sheet) error = %v, want limits.max_file_size", err)
	}
}

// TestEngine registers the family by type name, as cmd/sekisho does.
func TestEngine(t *testing.T) {
	e := sanitize.NewEngine(sanitize.EngineOptions{})
	e.Register("sylk", New(Options{}))
	data, _ := os.ReadFile(filepath.Join(corpusDir, "gen-dde.slk"))
	var out bytes.Buffer
	res, err := e.Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(data), Path: "attachment[1]", Name: "invoice.slk"}, &out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != sanitize.Sanitized || res.Detected.Name != "sylk" || res.OutName != "invoice.csv" {
		t.Errorf("engine = %s %s %q, want sanitized sylk invoice.csv", res.Verdict, res.Detected.Name, res.OutName)
	}
	if err := csvcheck.NoFormulas(out.Bytes()); err != nil {
		t.Error(err)
	}
}

// TestLibreOfficeSeesNoFormula imports every output with LibreOffice: none may contain a
// formula, and the values must be there. The control row, a CSV written without
// neutralization, shows that the import would report a formula.
func TestLibreOfficeSeesNoFormula(t *testing.T) {
	if testing.Short() {
		t.Skip("starts LibreOffice")
	}
	dir := t.TempDir()
	want := map[string][]string{
		"lo-formula.slk":           {"Apple", "240", "請求書"},
		"gen-dde.slk":              {"Invoice", "total", "42"},
		"gen-injection-values.slk": {"HYPERLINK", "after an empty row", "-5"},
		"gen-sjis.slk":             {"請求書", "市役所 納品"},
	}
	var files []string
	for name := range want {
		data, _ := os.ReadFile(filepath.Join(corpusDir, name))
		out, _, err := run(t, data)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, strings.TrimSuffix(name, ".slk")+".csv")
		os.WriteFile(p, out, 0o644)
		files = append(files, p)
	}
	control := filepath.Join(dir, "control.csv")
	os.WriteFile(control, []byte("a,=1+1\r\n"), 0o644)
	files = append(files, control)
	got := csvcheck.LibreOfficeFormulas(t, files)
	if f := got[control]; len(f) != 2 {
		t.Fatalf("LibreOffice found %d formulas in the control CSV, want 1: the check cannot fail", len(f)-1)
	}
	for name, words := range want {
		p := filepath.Join(dir, strings.TrimSuffix(name, ".slk")+".csv")
		f := got[p]
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
