package rtf

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/sanitizetest"
)

func corpusFiles(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.rtf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no RTF corpus in %s", corpusDir)
	}
	return files
}

// imageFamily stands in for the engine's image family: it decodes a PNG or JPEG with the
// standard library and encodes it again in the same format.
type imageFamily struct{}

func (imageFamily) Sanitize(ctx context.Context, in *sanitize.Item, w io.Writer, b *sanitize.Budget) (sanitize.Result, error) {
	img, format, err := image.Decode(in.Reader())
	if err != nil {
		return sanitize.Result{Verdict: sanitize.Quarantined, Reason: "not an image", Detected: in.Detected}, nil
	}
	switch format {
	case "png":
		err = png.Encode(w, img)
	case "jpeg":
		err = jpeg.Encode(w, img, nil)
	default:
		return sanitize.Result{Verdict: sanitize.Quarantined, Reason: format, Detected: in.Detected}, nil
	}
	return sanitize.Result{Verdict: sanitize.Clean, Detected: in.Detected}, err
}

// run sanitizes data; pictures go through imageFamily unless o says otherwise.
func run(t testing.TB, data []byte, o Options) ([]byte, sanitize.Result, error) {
	t.Helper()
	if o.Inner == nil {
		o.Inner = imageFamily{}
	}
	var out bytes.Buffer
	in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}
	res, err := New(o).Sanitize(context.Background(), in, &out, sanitize.NewBudget(sanitize.Limits{}))
	return out.Bytes(), res, err
}

// forbidden matches an object, data-store, template or mail-merge control word in raw RTF:
// a backslash preceded by an even number of backslashes (so not the escaped text "\\obj").
// It is deliberately cruder than the lexer, so the two checks fail differently.
var forbidden = regexp.MustCompile(`(?i)(^|[^\\])(\\\\)*\\((obj[a-z]*|object|datastore|template|mailmerge|oleclsid)\b|sp\s*\{\\sn\s+pibName\s*\})`)

// mailMergeWord finds \mm* control words; math words (\mmath*, \mmaxdist) are filtered out
// in reparse, since Go's regexp has no lookahead.
var mailMergeWord = regexp.MustCompile(`(?i)(?:^|[^\\])(?:\\\\)*\\(mm[a-z]+)`)

// ddeField matches a field instruction mentioning DDE (\\fldinst itself, not a longer
// control word such as \\fldinstDDE, which readers ignore).
var ddeField = regexp.MustCompile(`(?is)(^|[^\\])(\\\\)*\\fldinst\b[^}]*dde`)

// reparse lexes out completely and checks what must hold for every output: balanced groups,
// one document group, no object or link destinations as control words.
func reparse(out []byte) error {
	lex := NewLexer(bytes.NewReader(out), int64(len(out)))
	depth, groups := 0, 0
	for {
		t, err := lex.Next()
		if err != nil {
			return err
		}
		switch t.Kind {
		case EOF:
			if depth != 0 || groups != 1 {
				return fmt.Errorf("ends at depth %d after %d document groups", depth, groups)
			}
			if m := forbidden.Find(out); m != nil {
				return fmt.Errorf("output matches %q", m)
			}
			for _, m := range mailMergeWord.FindAllSubmatch(out, -1) {
				if w := strings.ToLower(string(m[1])); !strings.HasPrefix(w, "mmath") && w != "mmaxdist" {
					return fmt.Errorf("output has the mail-merge word %q", m[1])
				}
			}
			if m := ddeField.Find(out); m != nil {
				return fmt.Errorf("output has a DDE field instruction %q", m)
			}
			return nil
		case Open:
			if depth == 0 {
				groups++
			}
			depth++
		case Close:
			depth--
			if depth < 0 {
				return errors.New("unbalanced }")
			}
		case Word:
			if dangerous(t.Name) != kindNormal {
				return fmt.Errorf("output has control word \\%s", t.Name)
			}
		}
	}
}

func TestConformance(t *testing.T) {
	sanitizetest.Run(t, New(Options{}), corpusFiles(t), sanitizetest.Options{Reparse: reparse})
}

// TestSanitizeCorpus checks the actions for every corpus file and compares the output and
// the report with golden files (-update rewrites them).
func TestSanitizeCorpus(t *testing.T) {
	tests := map[string][]sanitize.ActionKind{
		"lo-plain.rtf":               {sanitize.ActRemovedMetadata},
		"lo-large.rtf":               {sanitize.ActRemovedMetadata},
		"lo-fields.rtf":              {sanitize.ActRemovedMetadata},
		"lo-ja-guide.rtf":            {sanitize.ActRemovedMetadata},
		"lo-metafile-pictures.rtf":   {sanitize.ActRasterized, sanitize.ActRasterized, sanitize.ActRemovedMetadata},
		"gen-object-package.rtf":     {sanitize.ActRasterized, sanitize.ActRemovedOLE},
		"gen-object-equation.rtf":    {sanitize.ActRemovedOLE},
		"gen-object-autlink.rtf":     {sanitize.ActRasterized, sanitize.ActRemovedOLE},
		"gen-object-ocx.rtf":         {sanitize.ActRemovedOLE},
		"gen-objdata-whitespace.rtf": {sanitize.ActRemovedOLE},
		"gen-objdata-bare.rtf":       {sanitize.ActRemovedOLE},
		"gen-objdata-bin.rtf":        {sanitize.ActRemovedOLE},
		"gen-object-uppercase.rtf":   {sanitize.ActRemovedOLE},
		"gen-datastore.rtf":          {sanitize.ActRemovedOLE},
		"gen-pict-objdata.rtf":       {sanitize.ActRemovedOLE, sanitize.ActRemovedPart},
		"gen-escaped-text.rtf":       nil,
		"gen-dde-field.rtf":          {sanitize.ActRemovedDDE},
		"gen-dde-split.rtf":          {sanitize.ActRemovedDDE},
		"gen-dde-unicode.rtf":        {sanitize.ActRemovedDDE},
		"gen-dde-nested-quote.rtf":   {sanitize.ActRemovedPart, sanitize.ActRemovedDDE},
		"gen-includepicture.rtf":     {sanitize.ActRemovedExternalLink},
		"gen-hyperlink.rtf":          nil,
		"gen-template.rtf":           {sanitize.ActRemovedExternalLink},
		"gen-linked-picture.rtf":     {sanitize.ActRemovedExternalLink},
		"gen-mailmerge.rtf":          {sanitize.ActRemovedExternalLink},
		"gen-trailing-data.rtf":      {sanitize.ActRemovedTrailingData},
		"gen-control-chars.rtf":      {sanitize.ActRemovedControlChars},
		"gen-unicode.rtf":            nil,
		"gen-unclosed-groups.rtf":    {sanitize.ActRebuilt},
		"gen-picture-png.rtf":        nil,
		"gen-picture-polyglot.rtf":   nil,
		"gen-picture-not-image.rtf":  {sanitize.ActRemovedPart},
		"gen-picture-bin.rtf":        nil,
		"gen-picture-wmf.rtf":        {sanitize.ActRasterized},
		"gen-stray-brace.rtf":        {sanitize.ActRemovedTrailingData},
		"gen-trailing-nul.rtf":       nil,
		"gen-unknown-words.rtf":      {sanitize.ActRemovedUnknown},
		"gen-unknown-destination.rtf": {sanitize.ActRemovedPart, sanitize.ActRemovedMacros, sanitize.ActRemovedPart,
			sanitize.ActRemovedExternalLink},
		"gen-hyperlink-switches.rtf":     {sanitize.ActRemovedExternalLink, sanitize.ActRemovedExternalLink},
		"gen-uc-skip-hyperlink.rtf":      {sanitize.ActRemovedExternalLink, sanitize.ActRemovedExternalLink, sanitize.ActRemovedUnknown, sanitize.ActRemovedUnknown},
		"gen-hyperlink-space-words.rtf":  {sanitize.ActRemovedExternalLink, sanitize.ActRemovedExternalLink},
		"gen-field-two-instructions.rtf": {sanitize.ActRemovedUnknown},
		"gen-shape-orphan-property.rtf":  {sanitize.ActRemovedUnknown, sanitize.ActRemovedUnknown, sanitize.ActRemovedUnknown},
		"gen-shape-links.rtf": {sanitize.ActRemovedExternalLink, sanitize.ActRemovedExternalLink, sanitize.ActRemovedExternalLink,
			sanitize.ActRemovedExternalLink, sanitize.ActRemovedUnknown, sanitize.ActRemovedUnknown, sanitize.ActRemovedUnknown,
			sanitize.ActRemovedUnknown, sanitize.ActRemovedUnknown, sanitize.ActRemovedUnknown,
			sanitize.ActRemovedExternalLink, sanitize.ActRemovedControlChars},
		"gen-info.rtf": {sanitize.ActRemovedExternalLink, sanitize.ActRemovedMetadata},
		"finding-hyperlink-schemes.rtf": {sanitize.ActRemovedExternalLink, sanitize.ActRemovedExternalLink,
			sanitize.ActRemovedExternalLink, sanitize.ActRemovedExternalLink, sanitize.ActRemovedUnknown},
	}
	for _, file := range corpusFiles(t) {
		name := filepath.Base(file)
		if strings.HasPrefix(name, "bad-") {
			continue
		}
		want, ok := tests[name]
		if !ok {
			t.Errorf("corpus file %s has no expectation", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			data, _ := os.ReadFile(file)
			out, res, err := run(t, data, Options{})
			if err != nil {
				t.Fatalf("Sanitize(%s) error: %v", name, err)
			}
			var got []sanitize.ActionKind
			for _, a := range res.Actions {
				got = append(got, a.Kind)
			}
			if !slices.Equal(got, want) {
				t.Errorf("Sanitize(%s) actions = %v, want %v", name, got, want)
			}
			if err := reparse(out); err != nil {
				t.Errorf("output of %s: %v", name, err)
			}
			if len(data) < 64<<10 {
				golden(t, name+".out.golden", out)
			}
			rep, _ := json.MarshalIndent(res, "", "  ")
			golden(t, name+".report.golden.json", append(rep, '\n'))
		})
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	sanitizetest.Golden(t, filepath.Join("testdata", name), got, *update)
}

// TestMalformed lists why each bad- file is refused.
func TestMalformed(t *testing.T) {
	tests := map[string]string{
		"bad-unbalanced-close.rtf":   "unbalanced }",
		"bad-overlong-word.rtf":      "control word longer than 32 letters",
		"bad-long-param.rtf":         "longer than 10 digits",
		"bad-bin-overflow.rtf":       `\bin99999999 with`,
		"bad-bin-negative.rtf":       `\bin-5`,
		"bad-midgroup-objdata.rtf":   `\objdata after the start of its group`,
		"bad-midgroup-field.rtf":     `\field after the start of its group`,
		"bad-midgroup-hlinkbase.rtf": `\hlinkbase after the start of its group`,
		"bad-midgroup-pict.rtf":      `\pict after the start of its group`,
		"bad-midgroup-sn.rtf":        `\sn after the start of its group`,
		"bad-header.rtf":             `does not start with \rtf`,
		"bad-hex-escape.rtf":         "bad hex escape",
		"bad-object-in-header.rtf":   `\object in the document group's header`,
		"bad-deep.rtf":               "nested deeper than 512",
	}
	for _, file := range corpusFiles(t) {
		name := filepath.Base(file)
		if !strings.HasPrefix(name, "bad-") {
			continue
		}
		want, ok := tests[name]
		if !ok {
			t.Errorf("corpus file %s has no expectation", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			data, _ := os.ReadFile(file)
			_, _, err := run(t, data, Options{})
			if !errors.Is(err, sanitize.ErrMalformed) || !strings.Contains(err.Error(), want) {
				t.Errorf("Sanitize(%s) error = %v, want malformed: ...%s...", name, err, want)
			}
		})
	}
}

func TestQuarantineObjects(t *testing.T) {
	tests := []struct {
		file string
		want error
	}{
		{"gen-object-package.rtf", sanitize.ErrUnsupported},
		{"gen-datastore.rtf", sanitize.ErrUnsupported},
		{"gen-dde-field.rtf", nil}, // DDE is always removed, whatever the object policy
		{"lo-plain.rtf", nil},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			data, _ := os.ReadFile(filepath.Join(corpusDir, tc.file))
			_, _, err := run(t, data, Options{Objects: "quarantine"})
			if !errors.Is(err, tc.want) && !(err == nil && tc.want == nil) {
				t.Errorf("Sanitize(%s, quarantine) error = %v, want %v", tc.file, err, tc.want)
			}
		})
	}
	if _, _, err := run(t, []byte(`{\rtf1 x}`), Options{Objects: "keep"}); err == nil {
		t.Error("Sanitize with Objects \"keep\" succeeded, want an error")
	}
}

// TestEngine registers the family by type name, as cmd/sekisho does, and checks detection
// and the verdict through the real engine.
func TestEngine(t *testing.T) {
	e := sanitize.NewEngine(sanitize.EngineOptions{})
	e.Register("rtf", New(Options{}))
	data, _ := os.ReadFile(filepath.Join(corpusDir, "gen-object-package.rtf"))
	var out bytes.Buffer
	res, err := e.Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(data), Path: "attachment[1]", Name: "invoice.rtf"}, &out, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The object goes, and so does the WMF picture of its result (no decoder here).
	if res.Verdict != sanitize.Sanitized || res.Detected.Name != "rtf" || len(res.Actions) != 2 || !hasKind(res, sanitize.ActRemovedOLE) {
		t.Errorf("engine = %s %s %+v, want sanitized rtf with the object and its picture removed", res.Verdict, res.Detected.Name, res.Actions)
	}
	for _, a := range res.Actions {
		if a.Path != "attachment[1]" {
			t.Errorf("action %+v: want it at attachment[1]", a)
		}
	}
	if err := reparse(out.Bytes()); err != nil {
		t.Error(err)
	}
}

// TestLexer covers the lexical corners one by one.
func TestLexer(t *testing.T) {
	tests := []struct {
		in   string
		want string // canonical re-emission, tokens separated by |
	}{
		{`\b x`, `\b|x`},
		{`\b  x`, `\b| x`},
		{`\fs-24x`, `\fs-24|x`},
		{`\'e9\'E9`, `\'e9|\'e9`},
		{"\\\r\nx", `\par|x`},
		{`\u-3913?`, `\u-3913|?`},
		{`\bin3 {}\x`, `\bin3 {}\|x`},
		{`\bin0 x`, `\bin0 |x`},
		{`\*\objdata`, `\*|\objdata`},
		{"a\r\nb", `ab`},
		{`\~\-\_`, `\~|\-|\_`},
	}
	for _, tc := range tests {
		lex := NewLexer(strings.NewReader(tc.in), int64(len(tc.in)))
		var parts []string
		for {
			tok, err := lex.Next()
			if err != nil {
				t.Fatalf("lex(%q): %v", tc.in, err)
			}
			if tok.Kind == EOF {
				break
			}
			parts = append(parts, string(AppendToken(nil, tok)))
		}
		if got := strings.Join(parts, "|"); got != tc.want {
			t.Errorf("lex(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestOutputLimit(t *testing.T) {
	data, _ := os.ReadFile(filepath.Join(corpusDir, "lo-large.rtf"))
	in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}
	_, err := New(Options{Inner: imageFamily{}}).Sanitize(context.Background(), in, &bytes.Buffer{}, sanitize.NewBudget(sanitize.Limits{MaxFileSize: 512 << 10}))
	var le *sanitize.LimitError
	if !errors.As(err, &le) || le.Limit != "limits.max_file_size" {
		t.Fatalf("Sanitize(1.5 MB, about 1 MB written, into a 512 KiB limit) error = %v, want limits.max_file_size", err)
	}
}

func hasKind(res sanitize.Result, k sanitize.ActionKind) bool {
	for _, a := range res.Actions {
		if a.Kind == k {
			return true
		}
	}
	return false
}
