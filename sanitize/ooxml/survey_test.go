package ooxml

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
)

// TestSurvey sanitizes every Office file under $SEKISHO_OOXML_SURVEY (a directory of
// real documents too large or too numerous to commit, such as the Office-written test
// assets of the Open XML SDK) and prints what was removed, grouped: the false-positive
// count of the allow-lists is read from here. With $SEKISHO_OOXML_SURVEY_TEXT=N, every N-th
// docx and xlsx is also exported to text by LibreOffice before and after. Without the
// variables it does nothing.
func TestSurvey(t *testing.T) {
	dir := os.Getenv("SEKISHO_OOXML_SURVEY")
	if dir == "" {
		t.Skip("SEKISHO_OOXML_SURVEY not set")
	}
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && officeExt.MatchString(p) {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	e, _ := newEngineOpts(Options{KeepHyperlinks: true, Metadata: "keep"})
	groups := map[string][]string{}
	errs := map[string][]string{}
	clean := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		res, err := e.Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(data), Path: "item", Name: filepath.Base(f)}, &out, nil)
		if err != nil {
			k := err.Error()
			if errors.Is(err, sanitize.ErrUnsupported) {
				k = "unsupported: " + k
			}
			errs[surveyKey(k)] = append(errs[surveyKey(k)], filepath.Base(f))
			continue
		}
		seen := map[string]bool{}
		for _, a := range res.Actions {
			if a.Kind == sanitize.ActRenamed || a.Kind == sanitize.ActReencoded {
				continue
			}
			k := string(a.Kind) + ": " + surveyKey(a.Detail)
			if !seen[k] {
				seen[k] = true
				groups[k] = append(groups[k], filepath.Base(f))
			}
		}
		if len(seen) == 0 {
			clean++
		}
	}
	var b strings.Builder
	refused := 0
	for _, v := range errs {
		refused += len(v)
	}
	fmt.Fprintf(&b, "%d files, %d without a removal, %d refused\n", len(files), clean, refused)
	print := func(m map[string][]string) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			return len(m[keys[i]]) > len(m[keys[j]]) || len(m[keys[i]]) == len(m[keys[j]]) && keys[i] < keys[j]
		})
		for _, k := range keys {
			ex := m[k]
			if len(ex) > 3 {
				ex = ex[:3]
			}
			fmt.Fprintf(&b, "%5d  %s   e.g. %s\n", len(m[k]), k, strings.Join(ex, ", "))
		}
	}
	print(groups)
	b.WriteString("refused:\n")
	print(errs)
	if every, _ := strconv.Atoi(os.Getenv("SEKISHO_OOXML_SURVEY_TEXT")); every > 0 {
		surveyText(t, e, files, every, &b)
	}
	t.Log("\n" + b.String())
}

// surveyText exports every every-th Word and Excel file of the survey to text with
// LibreOffice before and after sanitizing, and counts the files that lose characters.
func surveyText(t *testing.T, e *sanitize.Engine, files []string, every int, b *strings.Builder) {
	soffice := testtool.Need(t, "soffice")
	dir := t.TempDir()
	var writer, calc, names []string
	for i, f := range files {
		ext := strings.ToLower(filepath.Ext(f))
		if i%every != 0 || (ext != ".docx" && ext != ".xlsx") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if _, err := e.Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(data), Path: "item", Name: filepath.Base(f)}, &out, nil); err != nil {
			continue
		}
		name := fmt.Sprintf("%04d%s", i, ext)
		names = append(names, name)
		for side, d := range map[string][]byte{"before": data, "after": out.Bytes()} {
			p := filepath.Join(dir, "in", exportBase(side, name)+ext)
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, d, 0o644); err != nil {
				t.Fatal(err)
			}
			if ext == ".docx" {
				writer = append(writer, p)
			} else {
				calc = append(calc, p)
			}
		}
	}
	lo := filepath.Join(dir, "lo")
	soffice1(t, soffice, dir, "txt:Text (encoded):UTF8", lo, writer)
	soffice1(t, soffice, dir, `csv:Text - txt - csv (StarCalc):44,34,76`, lo, calc)
	lossy, exported := 0, 0
	for _, name := range names {
		ext := map[string]string{".docx": ".txt", ".xlsx": ".csv"}[filepath.Ext(name)]
		before, err1 := os.ReadFile(filepath.Join(lo, exportBase("before", name)+ext))
		after, err2 := os.ReadFile(filepath.Join(lo, exportBase("after", name)+ext))
		if err1 != nil || err2 != nil {
			continue // LibreOffice could not open the original either
		}
		exported++
		if kept, total := keptChars(string(before), string(after)); kept < total {
			lossy++
			i, _ := strconv.Atoi(name[:4])
			fmt.Fprintf(b, "text lost: %s %d of %d characters kept\n", filepath.Base(files[i]), kept, total)
		}
	}
	fmt.Fprintf(b, "text: %d files exported by LibreOffice, %d lose characters\n", exported, lossy)
}

var officeExt = regexp.MustCompile(`(?i)\.(docx|docm|dotx|dotm|xlsx|xlsm|xltx|xltm|pptx|pptm|ppsx|ppsm|potx|potm|odt|ods|odp|odg)$`)

// surveyKey groups details that differ only in numbers and ids.
func surveyKey(s string) string {
	s = regexp.MustCompile(`[0-9]+`).ReplaceAllString(s, "N")
	if len(s) > 140 {
		s = s[:140]
	}
	return s
}
