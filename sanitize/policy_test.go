package sanitize

import (
	"strings"
	"testing"

	"github.com/sekisho/sekisho/internal/testtool"
)

func TestBlockedName(t *testing.T) {
	tests := []struct {
		name, declared string
		blocked        bool
	}{
		{"report.pdf", "", false},
		{"請求書.pdf", "application/pdf", false},
		{"請求書.pdf.exe", "", true},
		{"invoice.pdf                .exe", "", true},
		{"eicar.com", "", true},
		{"setup.EXE", "", true},
		{"run.js", "", true},
		{"a.hta", "", true},
		{"shortcut.lnk", "", true},
		{"x.iso", "", true},
		// Windows' search connector: opens a search of a remote share in Explorer.
		{"Documents.searchConnector-ms", "", true},
		{"trailing.exe.", "", true},
		{"trailing.exe   ", "", true},
		{"stream.exe:zone", "", true},
		{"invoice\u202Efdp.exe", "", true},
		{"photo\u202Egpj.scr", "", true},
		{"zero\u200Bwidth.pdf", "", true},
		{`dir\evil.bat`, "", true},
		{"notes.txt", "application/x-msdownload", true},
		{"notes.txt", "text/plain; charset=utf-8", false},
		{"", "", false},
		{"archive.tar.gz", "", false},
		{"document.exe.pdf", "", false},
		// Full-width dots and letters fold to ASCII; NBSP and ideographic space pad.
		{"invoice\uff0eexe", "", true},
		{"invoice.\uff45\uff58\uff45", "", true},
		{"invoice.exe\u00a0", "", true},
		{"invoice.exe\u3000", "", true},
		// Alternate data streams: any component counts.
		{"report.pdf:evil.exe", "", true},
		{"report.exe::$DATA", "", true},
		{"report.pdf:zone.identifier", "", false},
		// Shell class IDs and types that fetch or run.
		{"report.{3050f4d8-98b5-11cf-bb82-00aa00bdce0b}", "", true},
		{"notes.one", "", true},
		{"query.iqy", "", true},
		{"INVOIC~1.EXE", "", true},
		{"long" + strings.Repeat("a", 4000) + ".pdf.scr", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := BlockedName(tc.name, tc.declared)
			if (got != "") != tc.blocked {
				t.Errorf("BlockedName(%q, %q) = %q, want blocked=%v", tc.name, tc.declared, got, tc.blocked)
			}
		})
	}
}

func TestPolicyLookup(t *testing.T) {
	p := DefaultPolicy()
	tests := []struct {
		t    Type
		want PolicyAction
	}{
		{Type{Name: "pdf", Class: ClassPDF}, Sanitize},
		{Type{Name: "docm", Class: ClassOOXML}, Sanitize},
		{Type{Name: "xlsb", Class: ClassOOXML}, Quarantine},
		{Type{Name: "exe", Class: ClassExecutable}, Block},
		{Type{Name: "script", Class: ClassScript}, Block},
		{Type{Name: "7z", Class: ClassArchive}, Quarantine},
		{Type{Name: "svg", Class: ClassSVG}, Quarantine},
		{Type{Name: "whatever", Class: "nonexistent"}, Quarantine},
		{Unknown, Quarantine},
	}
	for _, tc := range tests {
		if got := p.Lookup(tc.t); got != tc.want {
			t.Errorf("DefaultPolicy().Lookup(%s/%s) = %s, want %s", tc.t.Name, tc.t.Class, got, tc.want)
		}
	}
	over := p.With(map[string]PolicyAction{"docm": Quarantine})
	if got := over.Lookup(Type{Name: "docm", Class: ClassOOXML}); got != Quarantine {
		t.Errorf("override docm = %s, want quarantine", got)
	}
	if got := p.Lookup(Type{Name: "docm", Class: ClassOOXML}); got != Sanitize {
		t.Errorf("With modified the receiver: docm = %s", got)
	}
}

func TestParsePolicyAction(t *testing.T) {
	for _, a := range PolicyActions {
		if got, err := ParsePolicyAction(string(a)); err != nil || got != a {
			t.Errorf("ParsePolicyAction(%q) = %q, %v", a, got, err)
		}
	}
	if _, err := ParsePolicyAction("allow"); err == nil || !strings.Contains(err.Error(), "allowed:") {
		t.Errorf("ParsePolicyAction(allow) error = %v, want the allowed list", err)
	}
}

func TestPolicyKeys(t *testing.T) {
	for _, k := range []string{"pdf", "docm", "ooxml", "zip", "unknown", "executable", "msoxml"} {
		if !IsPolicyKey(k) {
			t.Errorf("IsPolicyKey(%q) = false", k)
		}
	}
	if IsPolicyKey("doc x") {
		t.Error("IsPolicyKey(doc x) = true")
	}
}

func FuzzBlockedName(f *testing.F) {
	f.Add("請求書.pdf.exe", "")
	f.Add("a\u202Etxt.exe", "text/plain")
	f.Fuzz(func(t *testing.T, name, declared string) {
		testtool.Deadline(t, testtool.FuzzInputTimeout)
		r := BlockedName(name, declared)
		lower := strings.ToLower(strings.TrimRight(name, " .\t\u3000"))
		if strings.HasSuffix(lower, ".exe") && !strings.ContainsAny(lower, "/\\:") && r == "" {
			t.Fatalf("BlockedName(%q) passed an .exe", name)
		}
	})
}
