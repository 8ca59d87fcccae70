package render

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize"
	"github.com/sekisho/sekisho/sanitize/img"
	"github.com/sekisho/sekisho/sanitize/ooxml"
)

// convertEngine is an engine wired as cmd/sekisho wires it for the convert policy: the
// converter for legacy Office and RTF, the OOXML family (with images) for what it writes.
func convertEngine(t testing.TB, o ConvertOptions, lim sanitize.Limits) (*sanitize.Engine, *Converter) {
	t.Helper()
	e := sanitize.NewEngine(sanitize.EngineOptions{Limits: lim, TempDir: t.TempDir(),
		Policy: sanitize.DefaultPolicy().With(map[string]sanitize.PolicyAction{"rtf": sanitize.Convert})})
	e.Register(string(sanitize.ClassImage), img.New(img.Options{}))
	office := ooxml.New(ooxml.Options{Inner: e, KeepHyperlinks: true})
	e.Register(string(sanitize.ClassOOXML), office)
	o.Inner = e
	c, err := NewConverter(o)
	if err != nil {
		t.Fatalf("NewConverter: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	e.RegisterConverter(string(sanitize.ClassOLE), c)
	e.RegisterConverter(string(sanitize.ClassRTF), c)
	return e, c
}

// sharedProfile is one template profile for the package's conversion tests, so only the
// first test pays for making it.
var sharedProfile = sync.OnceValue(func() string {
	d, err := os.MkdirTemp("", "sekisho-render-test-profile-")
	if err != nil {
		panic(err)
	}
	return filepath.Join(d, "profile")
})

func engineRun(t testing.TB, e *sanitize.Engine, data []byte, name string) ([]byte, sanitize.Result) {
	t.Helper()
	var buf bytes.Buffer
	res, err := e.Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(data), Path: name, Name: name}, &buf, nil)
	if err != nil {
		t.Fatalf("Sanitize(%s): %v", name, err)
	}
	return buf.Bytes(), res
}

func hasAction(r sanitize.Result, k sanitize.ActionKind) bool {
	for _, a := range r.Actions {
		if a.Kind == k {
			return true
		}
	}
	return false
}

func TestConvertLegacy(t *testing.T) {
	testtool.Need(t, "soffice")
	e, _ := convertEngine(t, ConvertOptions{ProfileDir: sharedProfile()}, sanitize.Limits{})
	tests := []struct {
		file, outName, outType string
		macros                 bool
	}{
		{"ole/lo-plain.doc", "lo-plain.docx", "docx", false},
		{"ole/lo-plain.xls", "lo-plain.xlsx", "xlsx", false},
		{"ole/lo-formula.xls", "lo-formula.xlsx", "xlsx", false},
		{"ole/lo-slides.ppt", "lo-slides.pptx", "pptx", false},
		{"ole/lo-objectpool.doc", "lo-objectpool.docx", "docx", false},
		{"ole/gen-vba.doc", "gen-vba.docx", "docx", true},
		{"rtf/gen-object-package.rtf", "gen-object-package.docx", "docx", false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			out, res := engineRun(t, e, readFile(t, corpusFile(strings.Split(tt.file, "/")...)), filepath.Base(tt.file))
			if res.Verdict != sanitize.Sanitized {
				t.Fatalf("verdict = %s (%s), want sanitized", res.Verdict, res.Reason)
			}
			if res.OutName != tt.outName || res.OutType != sanitize.OOXMLMIME(tt.outType) {
				t.Errorf("OutName, OutType = %q, %q; want %q, %q", res.OutName, res.OutType, tt.outName, sanitize.OOXMLMIME(tt.outType))
			}
			if got := sanitize.Detect(bytes.NewReader(out)); got.Name != tt.outType {
				t.Errorf("output detected as %s, want %s", got.Name, tt.outType)
			}
			if !hasAction(res, sanitize.ActConverted) {
				t.Errorf("actions %v lack %s", res.Actions, sanitize.ActConverted)
			}
			if got := hasAction(res, sanitize.ActRemovedMacros); got != tt.macros {
				t.Errorf("removed-macros reported = %v, want %v (%v)", got, tt.macros, res.Actions)
			}
			zr, err := zip.NewReader(bytes.NewReader(out), int64(len(out)))
			if err != nil {
				t.Fatalf("output is not a zip: %v", err)
			}
			for _, f := range zr.File {
				n := strings.ToLower(f.Name)
				if strings.Contains(n, "vbaproject") || strings.Contains(n, "oleobject") || strings.Contains(n, "activex") || strings.HasSuffix(n, ".bin") {
					t.Errorf("output keeps %s", f.Name)
				}
			}
			// Idempotence: the delivered document is clean for the OOXML family.
			_, again := engineRun(t, e, out, tt.outName)
			if again.Verdict != sanitize.Clean {
				t.Errorf("sanitizing the output again = %s %v, want clean", again.Verdict, again.Actions)
			}
		})
	}
}

func TestConvertRefuses(t *testing.T) {
	testtool.Need(t, "soffice")
	e, _ := convertEngine(t, ConvertOptions{ProfileDir: sharedProfile()}, sanitize.Limits{})
	tests := []struct{ file, want string }{
		{"ole/lo-password.doc", "password-protected"},
		{"ole/lo-password.xls", "password-protected"},
		{"ole/bad-truncated.doc", ""},
		{"ole/gen-password.ppt", "password-protected"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			out, res := engineRun(t, e, readFile(t, corpusFile(strings.Split(tt.file, "/")...)), filepath.Base(tt.file))
			if res.Verdict != sanitize.Quarantined || len(out) != 0 {
				t.Fatalf("verdict = %s with %d bytes, want quarantined and nothing", res.Verdict, len(out))
			}
			if !strings.Contains(res.Reason, tt.want) {
				t.Errorf("reason %q does not mention %q", res.Reason, tt.want)
			}
		})
	}
}

func TestConvertWithoutLibreOffice(t *testing.T) {
	_, err := NewConverter(ConvertOptions{Inner: sanitize.NewEngine(sanitize.EngineOptions{}), Soffice: ""})
	if _, lookErr := execLookPath("soffice"); lookErr == nil {
		if err != nil {
			t.Fatalf("NewConverter with soffice installed: %v", err)
		}
	}
	// The engine without a converter keeps legacy documents held and says what to install.
	e := sanitize.NewEngine(sanitize.EngineOptions{})
	var buf bytes.Buffer
	res, err := e.Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(readFile(t, corpusFile("ole", "lo-plain.doc"))), Path: "a.doc", Name: "a.doc"}, &buf, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != sanitize.Quarantined || !strings.Contains(res.Reason, "install LibreOffice") {
		t.Errorf("without a converter: %s %q, want quarantined with an install hint", res.Verdict, res.Reason)
	}
	if _, err := NewConverter(ConvertOptions{}); err == nil {
		t.Error("NewConverter without Inner succeeded")
	}
	if _, err := NewConverter(ConvertOptions{Inner: e, Soffice: filepath.Join(t.TempDir(), "missing")}); err == nil || errors.Is(err, ErrNoLibreOffice) {
		t.Errorf("NewConverter with a missing soffice path = %v, want a path error", err)
	}
}
