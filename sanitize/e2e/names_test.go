package e2e

import (
	"strings"
	"testing"

	"github.com/sekisho/sekisho/sanitize"
)

// TestNameTricks: a declared name that Windows (or a mail client that normalizes it) would
// run is blocked even when the bytes are inert text.
func TestNameTricks(t *testing.T) {
	body := []byte("hello\n")
	blocked := []struct{ class, name string }{
		{"double-extension", "請求書.pdf.exe"},
		{"space-padded", "invoice.pdf                                   .exe"},
		{"rlo", "invoice\u202Efdp.scr"},
		{"lro", "invoice\u202Dexe.pdf.exe"},
		{"zero-width-in-extension", "invoice.e\u200Bxe"},
		{"zero-width-joiner", "invoice.pdf\u200D.js"},
		{"bom-in-name", "\uFEFFinvoice.exe"},
		{"trailing-dots", "invoice.exe..."},
		{"trailing-spaces", "invoice.exe   "},
		{"trailing-ideographic-space", "invoice.exe\u3000"},
		{"trailing-nbsp", "invoice.exe\u00A0"},
		{"full-width-dot", "invoice\uFF0Eexe"},
		{"full-width-letters", "invoice.\uFF45\uFF58\uFF45"},
		{"ads-stream-of-pdf", "invoice.pdf:evil.exe"},
		{"ads-data-stream", "invoice.exe::$DATA"},
		{"ads-zone", "invoice.exe:Zone.Identifier"},
		{"short-8.3", "INVOIC~1.EXE"},
		{"clsid", "invoice.{3050f4d8-98b5-11cf-bb82-00aa00bdce0b}"},
		{"clsid-upper", "invoice.{3050F4D8-98B5-11CF-BB82-00AA00BDCE0B}"},
		{"upper-case", "INVOICE.PDF.JS"},
		{"very-long", strings.Repeat("長", 2000) + ".pdf.vbs"},
		{"path-backslash", `..\..\Startup\run.bat`},
		{"path-slash", "../../.bashrc.sh"},
		{"nul", "invoice.pdf\x00.exe"},
		{"onenote", "notes.one"},
		{"web-query", "prices.iqy"},
		{"hta", "page.hta"},
		{"html-component", "x.htc"},
		{"settings", "x.settingcontent-ms"},
		{"library", "x.library-ms"},
		{"windows-script-component", "x.wsc"},
		{"registry", "x.reg"},
		{"disk-image", "x.vhdx"},
		{"appinstaller", "x.appinstaller"},
	}
	e := newEngine(t, sanitize.Limits{})
	for _, c := range blocked {
		t.Run("blocked/"+c.class, func(t *testing.T) {
			_, res := run(t, e, c.name, "", body)
			if res.Verdict != "blocked" {
				t.Errorf("Sanitize(%q) = %s (%s), want blocked", c.name, res.Verdict, res.Reason)
			}
		})
	}
	declared := []string{"application/x-msdownload", "application/x-msdos-program", "application/hta", "text/vbscript", "application/x-ms-shortcut", "application/javascript; charset=utf-8", "APPLICATION/X-SH"}
	for _, dt := range declared {
		t.Run("blocked/declared/"+dt, func(t *testing.T) {
			_, res := run(t, e, "notes.txt", dt, body)
			if res.Verdict != "blocked" {
				t.Errorf("Sanitize(notes.txt as %s) = %s, want blocked", dt, res.Verdict)
			}
		})
	}
	// Names that look odd but are not runnable keep the text deliverable.
	delivered := []string{"document.exe.pdf.txt", "report.pdf:Zone.Identifier.txt", "請求書　2026.txt", "a.txt", ""}
	for _, n := range delivered {
		t.Run("delivered/"+n, func(t *testing.T) {
			_, res := run(t, e, n, "", body)
			if !res.Verdict.HasOutput() {
				t.Errorf("Sanitize(%q) = %s (%s), want delivered", n, res.Verdict, res.Reason)
			}
		})
	}
}
