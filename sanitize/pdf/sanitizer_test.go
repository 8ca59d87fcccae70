package pdf

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"

	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/sanitizetest"
)

// run sanitizes data as the engine would and returns the output.
func run(t testing.TB, s *Sanitizer, data []byte) ([]byte, sanitize.Result, error) {
	t.Helper()
	in := &sanitize.Item{Body: bytes.NewReader(data), Path: "item", Detected: sanitize.Detect(bytes.NewReader(data))}
	var out bytes.Buffer
	res, err := s.Sanitize(context.Background(), in, &out, sanitize.NewBudget(sanitize.Limits{}))
	return out.Bytes(), res, err
}

// reparse opens a sanitized output with pdfcpu, counts its pages, and has qpdf check
// its syntax and streams when qpdf is installed (the independent test requires it).
func reparse(out []byte) error {
	ctx, err := api.ReadContext(bytes.NewReader(out), testConf())
	if err != nil {
		return err
	}
	if err := ctx.EnsurePageCount(); err != nil {
		return err
	}
	if ctx.PageCount < 1 {
		return fmt.Errorf("output has %d pages", ctx.PageCount)
	}
	qpdf, err := testtool.Lookup("qpdf")
	if qpdf == "" {
		return err // nil when qpdf is missing outside CI: pdfcpu's reading above still counts
	}
	f, err := os.CreateTemp("", "sekisho-pdf-*.pdf")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(out)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if msg, err := exec.Command(qpdf, "--check", f.Name()).CombinedOutput(); err != nil {
		return fmt.Errorf("qpdf --check: %v\n%s", err, msg)
	}
	return nil
}

func TestConformance(t *testing.T) {
	sanitizetest.Run(t, New(Options{}), conformanceFiles(t), sanitizetest.Options{Reparse: reparse})
}

// golden is the stable part of a report: what was removed, never output bytes (which
// change with pdfcpu versions).
type golden struct {
	Verdict sanitize.Verdict  `json:"verdict"`
	Actions []sanitize.Action `json:"actions"`
	Error   string            `json:"error,omitempty"`
}

// TestReports compares each corpus file's report with testdata/<file>.report.golden.json
// (go test -run TestReports -update rewrites them) and checks the action kinds each
// hostile feature must produce.
func TestReports(t *testing.T) {
	want := map[string][]sanitize.ActionKind{
		"hostile-js-openaction.pdf": {sanitize.ActRemovedJavaScript},
		"hostile-js-names.pdf":      {sanitize.ActRemovedJavaScript},
		"hostile-js-objstm.pdf":     {sanitize.ActRemovedJavaScript},
		"hostile-js-flate.pdf":      {sanitize.ActRemovedJavaScript},
		"hostile-incremental.pdf":   {sanitize.ActRemovedJavaScript},
		"hostile-aa.pdf":            {sanitize.ActRemovedJavaScript},
		"hostile-launch.pdf":        {sanitize.ActRemovedAction},
		"hostile-forms-actions.pdf": {sanitize.ActRemovedAction},
		"hostile-remote-goto.pdf":   {sanitize.ActRemovedAction},
		"hostile-media.pdf":         {sanitize.ActRemovedRichMedia},
		"hostile-richmedia.pdf":     {sanitize.ActRemovedRichMedia},
		"hostile-xfa.pdf":           {sanitize.ActRemovedForm, sanitize.ActRemovedJavaScript},
		"hostile-embedded.pdf":      {sanitize.ActRemovedEmbeddedFile},
		"hostile-next-chain.pdf":    {sanitize.ActRemovedJavaScript, sanitize.ActRemovedAction},
		"hostile-escaped-names.pdf": {sanitize.ActRemovedJavaScript},
		"hostile-uri.pdf":           {sanitize.ActRemovedLink},
		"hostile-named.pdf":         {sanitize.ActRemovedAction},
		"hostile-zip-appended.pdf":  {sanitize.ActRemovedTrailingData},
		"text-1p.pdf":               {sanitize.ActRemovedAction, sanitize.ActRemovedMetadata}, // LibreOffice writes an /OpenAction destination
		"gs-outline.pdf":            {sanitize.ActRemovedMetadata},
	}
	s := New(Options{})
	for _, file := range corpusFiles(t) {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			_, res, err := run(t, s, readFile(t, file))
			g := golden{Verdict: res.Verdict, Actions: res.Actions}
			if err != nil {
				g.Error = errorClass(err)
			}
			checkGolden(t, filepath.Join("testdata", name+".report.golden.json"), g)
			if isNeedsRender(name) {
				if !errors.Is(err, sanitize.ErrNeedsRender) {
					t.Fatalf("Sanitize(%s) = %v, want ErrNeedsRender", name, err)
				}
				return
			}
			if isBad(name) {
				if err == nil {
					t.Fatalf("Sanitize(%s) = %s, want an error", name, res.Verdict)
				}
				return
			}
			if err != nil {
				t.Fatalf("Sanitize(%s): %v", name, err)
			}
			kinds, ok := want[name]
			if !ok {
				return
			}
			if len(kinds) == 0 && (res.Verdict != sanitize.Clean || len(res.Actions) != 0) {
				t.Errorf("Sanitize(%s) = %s %v, want clean", name, res.Verdict, res.Actions)
			}
			if len(kinds) > 0 && res.Verdict != sanitize.Sanitized {
				t.Errorf("Sanitize(%s) verdict = %s, want %s", name, res.Verdict, sanitize.Sanitized)
			}
			for _, k := range kinds {
				if !slices.ContainsFunc(res.Actions, func(a sanitize.Action) bool { return a.Kind == k }) {
					t.Errorf("Sanitize(%s) actions = %v, want one of kind %s", name, res.Actions, k)
				}
			}
		})
	}
}

// errorClass keeps only the sentinel of an error, so goldens survive pdfcpu's wording.
func errorClass(err error) string {
	for _, s := range []error{sanitize.ErrEncrypted, sanitize.ErrMalformed, sanitize.ErrLimit, sanitize.ErrNeedsRender} {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	return "other"
}

func checkGolden(t *testing.T, path string, g golden) {
	t.Helper()
	got, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestReports -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("report differs from %s:\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

func TestEncrypted(t *testing.T) {
	for _, name := range []string{"bad-encrypted-empty-userpw.pdf", "bad-encrypted-userpw.pdf"} {
		t.Run(name, func(t *testing.T) {
			out, _, err := run(t, New(Options{}), readFile(t, filepath.Join(corpusDir, name)))
			if !errors.Is(err, sanitize.ErrEncrypted) {
				t.Fatalf("Sanitize(%s) error = %v, want %v", name, err, sanitize.ErrEncrypted)
			}
			if len(out) != 0 {
				t.Errorf("Sanitize(%s) wrote %d bytes, want none", name, len(out))
			}
		})
	}
}

func TestURIOption(t *testing.T) {
	data := readFile(t, filepath.Join(corpusDir, "hostile-uri.pdf"))
	tests := []struct {
		opt         string
		wantRemoved int
		wantKept    []string
	}{
		{opt: "", wantRemoved: 2, wantKept: []string{"https://www.example.jp/guide", "mailto:info@example.jp"}},
		{opt: URIKeep, wantRemoved: 2, wantKept: []string{"https://www.example.jp/guide", "mailto:info@example.jp"}},
		{opt: URIRemove, wantRemoved: 4},
		{opt: "typo", wantRemoved: 4},
	}
	for _, tc := range tests {
		t.Run("URIActions="+tc.opt, func(t *testing.T) {
			out, res, err := run(t, New(Options{URIActions: tc.opt}), data)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, a := range res.Actions {
				if a.Kind == sanitize.ActRemovedLink {
					n++
				}
			}
			if n != tc.wantRemoved {
				t.Errorf("removed links = %d, want %d (%v)", n, tc.wantRemoved, res.Actions)
			}
			uris := outputURIs(t, out)
			if !slices.Equal(uris, tc.wantKept) {
				t.Errorf("URIs left in output = %q, want %q", uris, tc.wantKept)
			}
		})
	}
}

func TestScheme(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://example.jp/", "https"},
		{"HTTP://example.jp/", "http"},
		{"mailto:a@example.jp", "mailto"},
		{"javascript:alert(1)", "javascript"},
		{" javascript:alert(1)", ""},
		{"java\tscript:alert(1)", ""},
		{"www.example.jp", ""},
		{":nothing", ""},
		{"1http://x", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := scheme(tc.in); got != tc.want {
			t.Errorf("scheme(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNewNoSideEffects(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", dir)
	s := New(Options{})
	if _, _, err := run(t, s, readFile(t, filepath.Join(corpusDir, "text-1p.pdf"))); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("sanitizing created %v in the config dir, want nothing", entries)
	}
}

func TestCanceledBeforeWrite(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	data := readFile(t, filepath.Join(corpusDir, "ja-multipage.pdf"))
	var out bytes.Buffer
	_, err := New(Options{}).Sanitize(ctx, &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}, &out, sanitize.NewBudget(sanitize.Limits{}))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Sanitize with canceled ctx error = %v, want context.Canceled", err)
	}
	if out.Len() != 0 {
		t.Errorf("wrote %d bytes after cancel, want 0", out.Len())
	}
}

func TestPageLimit(t *testing.T) {
	data := readFile(t, filepath.Join(corpusDir, "ja-multipage.pdf"))
	b := sanitize.NewBudget(sanitize.Limits{MaxPages: 2})
	var out bytes.Buffer
	_, err := New(Options{}).Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}, &out, b)
	var le *sanitize.LimitError
	if !errors.As(err, &le) || le.Limit != "limits.max_pages" {
		t.Fatalf("Sanitize(3 pages, max 2) error = %v, want limits.max_pages", err)
	}
}

func TestOutputLimit(t *testing.T) {
	data := readFile(t, filepath.Join(corpusDir, "ja-multipage.pdf"))
	w := sanitize.LimitWriter(&bytes.Buffer{}, 1000, "limits.max_file_size")
	_, err := New(Options{}).Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(data), Path: "item"}, w, sanitize.NewBudget(sanitize.Limits{}))
	if !errors.Is(err, sanitize.ErrLimit) {
		t.Fatalf("Sanitize into a 1000-byte writer error = %v, want a limit error", err)
	}
}

// outputURIs lists the URI strings left in a sanitized file, sorted.
func outputURIs(t *testing.T, out []byte) []string {
	t.Helper()
	ctx, err := api.ReadContext(bytes.NewReader(out), testConf())
	if err != nil {
		t.Fatal(err)
	}
	var uris []string
	var visit func(o types.Object, depth int)
	visit = func(o types.Object, depth int) {
		if depth > 50 {
			return
		}
		switch v := o.(type) {
		case types.Dict:
			if nameOf(v, "S") == "URI" {
				u, _ := v.Find("URI")
				s, _ := ctx.DereferenceStringOrHexLiteral(u, model.V10, nil)
				uris = append(uris, s)
			}
			for _, e := range v {
				visit(e, depth+1)
			}
		case types.Array:
			for _, e := range v {
				visit(e, depth+1)
			}
		}
	}
	for nr := range *ctx.XRefTable.Size {
		o, err := ctx.Dereference(*types.NewIndirectRef(nr, 0))
		if err == nil && o != nil {
			visit(o, 0)
		}
	}
	slices.Sort(uris)
	return uris
}

func testConf() *model.Configuration {
	return config(sanitize.NewBudget(sanitize.Limits{}))
}

// panickyBlob fails the way a buggy parser does: with a runtime panic mid-read.
type panickyBlob struct{ *bytes.Reader }

func (p panickyBlob) ReadAt(b []byte, off int64) (int, error) {
	if off > 64 {
		var a []int
		_ = a[off] // index out of range, as pdfcpu does on some malformed files
	}
	return p.Reader.ReadAt(b, off)
}

// TestPanicBecomesMalformed checks that a panic below Sanitize (pdfcpu's fault.Catch
// re-panics runtime errors) comes back as a malformed-input error with nothing usable
// written, so the engine quarantines with a precise reason.
func TestPanicBecomesMalformed(t *testing.T) {
	data := readFile(t, filepath.Join(corpusDir, "text-1p.pdf"))
	in := &sanitize.Item{Body: panickyBlob{bytes.NewReader(data)}, Path: "item"}
	var out bytes.Buffer
	res, err := New(Options{}).Sanitize(context.Background(), in, &out, sanitize.NewBudget(sanitize.Limits{}))
	if !errors.Is(err, sanitize.ErrMalformed) {
		t.Fatalf("Sanitize over a panicking reader error = %v, want %v", err, sanitize.ErrMalformed)
	}
	if res.Verdict.HasOutput() || len(res.Actions) != 0 {
		t.Errorf("Sanitize over a panicking reader result = %+v, want no verdict and no actions", res)
	}
}

// TestConcurrent runs one Sanitizer on several files at once; under -race it catches shared
// state in the sanitizer or in pdfcpu's package globals.
func TestConcurrent(t *testing.T) {
	s := New(Options{})
	files := []string{"ja-multipage.pdf", "forms-links.pdf", "qpdf-objstm.pdf", "hostile-next-chain.pdf", "hostile-js-objstm.pdf"}
	errs := make(chan error, len(files)*2)
	for range 2 {
		for _, f := range files {
			data := readFile(t, filepath.Join(corpusDir, f))
			go func() {
				_, _, err := run(t, s, data)
				errs <- err
			}()
		}
	}
	for range len(files) * 2 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
