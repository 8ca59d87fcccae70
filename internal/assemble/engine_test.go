package assemble

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/config"
	"github.com/sekisho/sekisho/sanitize"
)

// newFiles builds the file engine from the default configuration.
func newFiles(t *testing.T) *sanitize.Engine {
	t.Helper()
	cfg := config.Default()
	cfg.TempDir = t.TempDir()
	s, err := NewSanitizers(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s.Files
}

// config cannot import sanitize; this keeps its copy of the action names honest.
func TestPolicyActionsAgree(t *testing.T) {
	var want []string
	for _, a := range sanitize.PolicyActions {
		want = append(want, string(a))
	}
	if !slices.Equal(config.PolicyActions, want) {
		t.Errorf("config.PolicyActions = %v, want sanitize.PolicyActions %v", config.PolicyActions, want)
	}
}

// The default limits of both packages are the same numbers.
func TestEngineLimitsFromDefaults(t *testing.T) {
	got := Limits(config.Default().Limits)
	if want := sanitize.DefaultLimits(); got != want {
		t.Errorf("Limits(config.Default()) = %+v, want sanitize.DefaultLimits() %+v", got, want)
	}
	c := config.Default().Limits
	c.MaxFileSize, c.MaxPages, c.Timeout = 1<<20, 7, config.Duration(3*time.Second)
	got = Limits(c)
	if got.MaxFileSize != 1<<20 || got.MaxPages != 7 || got.Timeout != 3*time.Second {
		t.Errorf("Limits(%+v) = %+v", c, got)
	}
}

func TestEnginePolicy(t *testing.T) {
	p, err := Policy(map[string]string{"docm": "quarantine", "text": "pass"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		typ  sanitize.Type
		want sanitize.PolicyAction
	}{
		{sanitize.Type{Name: "docm", Class: sanitize.ClassOOXML}, sanitize.Quarantine},
		{sanitize.Type{Name: "docx", Class: sanitize.ClassOOXML}, sanitize.Sanitize},
		{sanitize.Type{Name: "csv", Class: sanitize.ClassText}, sanitize.Pass},
		{sanitize.Type{Name: "exe", Class: sanitize.ClassExecutable}, sanitize.Block},
	}
	for _, tc := range tests {
		if got := p.Lookup(tc.typ); got != tc.want {
			t.Errorf("policy.Lookup(%s) = %s, want %s", tc.typ.Name, got, tc.want)
		}
	}
	if _, err := Policy(map[string]string{"pdf": "allow"}); err == nil {
		t.Error("Policy(pdf: allow) = nil error, want one")
	}
}

// Every family that exists is registered: a type handled by a family must not fall
// through to ErrNoHandler.
func TestSanitizersRegistersFamilies(t *testing.T) {
	e := newFiles(t)
	for _, typ := range registeredTypes {
		if !e.HasHandler(typ) {
			t.Errorf("NewSanitizers: no handler for %s (%s)", typ.Name, typ.Class)
		}
	}
}

// registeredTypes lists a representative type per wired family.
var registeredTypes = []sanitize.Type{
	{Name: "doc", Class: sanitize.ClassOLE},
	{Name: "pdf", Class: sanitize.ClassPDF},
	{Name: "rtf", Class: sanitize.ClassRTF},
	{Name: "eml", Class: sanitize.ClassMessage},
	{Name: "sylk", Class: sanitize.ClassOOXML},
	{Name: "msoxml", Class: sanitize.ClassOOXML},
	{Name: "png", Class: sanitize.ClassImage},
	{Name: "jpeg", Class: sanitize.ClassImage},
	{Name: "docm", Class: sanitize.ClassOOXML},
	{Name: "xlsx", Class: sanitize.ClassOOXML},
	{Name: "odt", Class: sanitize.ClassODF},
	{Name: "text", Class: sanitize.ClassText},
	{Name: "csv", Class: sanitize.ClassText},
	{Name: "html", Class: sanitize.ClassText},
	{Name: "zip", Class: sanitize.ClassArchive},
	{Name: "gzip", Class: sanitize.ClassArchive},
}

// sylk and msoxml are filed under the ooxml class by the detector but must reach their own
// converters, not the OOXML package rebuilder.
func TestSanitizersSylkNotOOXML(t *testing.T) {
	e := newFiles(t)
	in := []byte("ID;PWXL;N;E\r\nC;Y1;X1;K\"x\";E1+1\r\nE\r\n")
	var out bytes.Buffer
	res, err := e.Sanitize(context.Background(), &sanitize.Item{Body: bytes.NewReader(in), Name: "a.slk", Path: "a.slk"}, &out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Detected.Name != "sylk" || !res.Verdict.HasOutput() || res.OutType != "text/csv" && !strings.HasPrefix(res.OutType, "text/csv") {
		t.Errorf("Sanitize(sylk) = %+v, want a sylk item converted to CSV", res)
	}
}
