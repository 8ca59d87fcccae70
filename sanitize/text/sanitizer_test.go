package text

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/sanitizetest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

const corpusDir = "../../testdata/text"

func corpus(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpusDir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		if filepath.Base(f) != "README.md" {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		t.Fatal("empty corpus")
	}
	return out
}

// checkOutput is the family's re-parse: what every text output must be.
func checkOutput(out []byte) error {
	if !utf8.Valid(out) {
		return fmt.Errorf("output is not valid UTF-8")
	}
	if bytes.HasPrefix(out, []byte("\xef\xbb\xbf")) {
		return fmt.Errorf("output starts with a BOM")
	}
	for i, r := range string(out) {
		if r < 0x20 && r != '\t' && r != '\n' || r == 0x7f || r >= 0x80 && r <= 0x9f {
			return fmt.Errorf("control character %U at byte %d", r, i)
		}
		if r == utf8.RuneError {
			return fmt.Errorf("U+FFFD at byte %d: unmappable input must become 〓", i)
		}
	}
	return nil
}

func TestConformance(t *testing.T) {
	sanitizetest.Run(t, New(Options{}), corpus(t), sanitizetest.Options{
		Reparse:           checkOutput,
		TruncationMayPass: true,
	})
}

func sanitizeBytes(t testing.TB, s *Sanitizer, name string, data []byte) ([]byte, sanitize.Result, error) {
	t.Helper()
	in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item", Name: name}
	in.Detected = sanitize.Detect(in.Body)
	var out bytes.Buffer
	res, err := s.Sanitize(context.Background(), in, &out, sanitize.NewBudget(sanitize.Limits{}))
	return out.Bytes(), res, err
}

// goldenReport is what a golden report records: the result, or the error text.
type goldenReport struct {
	sanitize.Result
	Error string `json:"error,omitempty"`
}

func TestGolden(t *testing.T) {
	s := New(Options{})
	for _, file := range corpus(t) {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			out, res, err := sanitizeBytes(t, s, "", data)
			rep := goldenReport{Result: res}
			if err != nil {
				rep.Error = err.Error()
				out = nil
			}
			js, jerr := json.MarshalIndent(rep, "", "  ")
			if jerr != nil {
				t.Fatal(jerr)
			}
			js = append(js, '\n')
			golden(t, filepath.Join("testdata", "golden", name+".report.golden.json"), js)
			if err == nil {
				golden(t, filepath.Join("testdata", "golden", name+".out.golden"), out)
			}
		})
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	sanitizetest.Golden(t, path, got, *update)
}

func TestSanitizeNames(t *testing.T) {
	s := New(Options{})
	tests := []struct {
		name, file        string
		wantOutName       string
		wantConvertAction bool
	}{
		{"html gets .txt", "newsletter.html", "newsletter.txt", true},
		{"calendar gets .txt", "invite.ics", "invite.txt", true},
		{"xml gets .txt", "entities.xml", "entities.txt", true},
		{"text keeps its name", "utf8-clean.txt", "", false},
		{"csv keeps its name", "meibo-utf8.csv", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(corpusDir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			_, res, err := sanitizeBytes(t, s, tc.file, data)
			if err != nil {
				t.Fatal(err)
			}
			if res.OutName != tc.wantOutName {
				t.Errorf("OutName = %q, want %q", res.OutName, tc.wantOutName)
			}
			if got := hasAction(res, sanitize.ActConvertedToText); got != tc.wantConvertAction {
				t.Errorf("converted-to-text action = %v, want %v (%v)", got, tc.wantConvertAction, res.Actions)
			}
			if !strings.HasPrefix(res.OutType, "text/") || !strings.HasSuffix(res.OutType, "charset=utf-8") {
				t.Errorf("OutType = %q, want a text/* type with charset=utf-8", res.OutType)
			}
		})
	}
}

func hasAction(res sanitize.Result, k sanitize.ActionKind) bool {
	for _, a := range res.Actions {
		if a.Kind == k {
			return true
		}
	}
	return false
}
